"""Time generate_catalog for 10,000 titles into a fresh temporary SQLite database.

Run: .venv/bin/python bench/bench_catalog.py [n_titles] [seed]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from core.db import Database
from core.models import Base
from core.settings import Settings
from simulator.catalog.generate import generate_catalog


def main() -> None:
    n_titles = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        db = Database(Settings(env="testing", database_url=url))
        Base.metadata.create_all(db.engine)
        start = time.perf_counter()
        with db.session() as session:
            summary = generate_catalog(session, n_titles, seed, datetime(2025, 6, 1, 12, 0))
        elapsed = time.perf_counter() - start
        db.dispose()
    print(f"generate_catalog: {elapsed:.2f} s for {summary.line()}")
    print(f"{n_titles / elapsed:,.0f} titles/s, SQLite, seed {seed}")


if __name__ == "__main__":
    main()
