"""`streamsim export` on a large event log: 1,000,000 playback events (by default) written to
Parquet and to CSV, each export in a process of its own, timed, with its peak memory.

Builds a temporary SQLite database with a small catalogue and N synthetic playback events
(bulk inserts, not the events API: this measures the export, not ingest), then runs
`streamsim export --table playback_events` once per format. Peak memory is the export
process's maximum resident set size (getrusage of the child). Targets (issue 16): Parquet in
under 30 s, peak memory under 300 MiB. Prints figures; asserts nothing about time.

Run: .venv/bin/python bench/bench_export.py [events]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402

from bench.common import catalog_database, machine_speed  # noqa: E402
from core import accounts  # noqa: E402
from core.models import EVENT_TYPES, PlaybackEvent, Title  # noqa: E402

NOW = datetime(2026, 11, 1, 12)
BATCH = 50_000


def build(url: str, events: int) -> None:
    db = catalog_database(url, 200, NOW)
    with db.write() as s:
        account = accounts.create_account(s, "export@example.com", "bench password 123", NOW)
        profiles = [accounts.create_profile(s, account, NOW, name=f"P{i}").id for i in range(5)]
        titles = list(s.scalars(select(Title.id).where(Title.kind == "film")))
    with db.engine.begin() as conn:
        for start in range(0, events, BATCH):
            conn.execute(insert(PlaybackEvent), [
                {"event_id": f"00000000-0000-4000-8000-{i:012d}",
                 "profile_id": profiles[i % len(profiles)], "title_id": titles[i % len(titles)],
                 "episode_id": None, "type": EVENT_TYPES[i % len(EVENT_TYPES)],
                 "position_s": float(i % 5400), "speed": 1.0,
                 "client_time": NOW - timedelta(seconds=i),
                 "received_at": NOW - timedelta(seconds=i), "credited_s": 10.0}
                for i in range(start, min(start + BATCH, events))])
    db.dispose()


# Runs the command in a grandchild and prints that process's peak resident set (KiB), so
# each export's figure is its own, not the largest of every child this bench has run.
_PEAK = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def export(url: str, fmt: str, out: Path) -> tuple[float, float]:
    """(seconds, peak MiB) of one `streamsim export` process."""
    env = {**os.environ, "STREAMSIM_DATABASE_URL": url, "STREAMSIM_ENV": "testing"}
    command = str(Path(sys.executable).parent / "streamsim")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _PEAK, command, "export", "--format", fmt,
                           "--out", str(out), "--table", "playback_events"], env=env,
                          check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    return seconds, int(done.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'export.sqlite3'}"
        start = time.perf_counter()
        build(url, events)
        print(f"built {events:,} playback events in {time.perf_counter() - start:.1f} s; "
              f"{machine_speed()}", flush=True)
        for fmt in ("parquet", "csv"):
            seconds, peak = export(url, fmt, Path(tmp) / fmt)
            size = (Path(tmp) / fmt / f"playback_events.{fmt}").stat().st_size / 2**20
            print(f"export {fmt}: {events:,} events in {seconds:.1f} s "
                  f"({events / seconds:,.0f} rows/s), peak memory {peak:.0f} MiB, "
                  f"file {size:.0f} MiB"
                  + ("  (targets: under 30 s, under 300 MiB)" if fmt == "parquet" else ""),
                  flush=True)


if __name__ == "__main__":
    main()
