"""Seeding speed: N profiles x D days of simulated history into a fresh SQLite database.

Prints events written per second, sessions, wall time and peak memory (the process's max RSS
from getrusage; tracemalloc is left off because it slows Python code several-fold).
Usage: bench_seed.py [PROFILES] [DAYS].
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.db import Database  # noqa: E402
from core.models import Base  # noqa: E402
from core.settings import Settings  # noqa: E402
from simulator.catalog.generate import generate_catalog  # noqa: E402
from simulator.studies.seed import seed_history  # noqa: E402


def main() -> None:
    profiles = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    days = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    now = datetime(2026, 11, 1, 21, 0)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Settings(env="testing", database_url=f"sqlite:///{tmp}/bench.sqlite3"))
        Base.metadata.create_all(db.engine)
        with db.session() as s:
            generate_catalog(s, 1200, 7, now)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        began = time.perf_counter()
        summary = seed_history(db, profiles, days, 7, now)
        seconds = time.perf_counter() - began
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"seed {profiles} profiles x {days} days (catalog 1200 titles, built before): "
              f"{seconds:.1f} s wall (target < 60 s)")
        print(f"  {summary.line()}")
        print(f"  {summary.events / seconds:,.0f} playback events/s, "
              f"{summary.sessions / seconds:,.0f} sessions/s")
        print(f"  max RSS {rss_mb:.0f} MiB (before seeding: {before:.0f} MiB)")
        db.dispose()


if __name__ == "__main__":
    main()
