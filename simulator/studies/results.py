"""A run's results folder as data: its per-day rows, the same as a tidy table, and the raw
playback events of each arm and seed (what the run page offers for download and what
`simulator.studies.lab` turns into data frames). No pandas here: the core package runs
without it.

A folder written by `experiment.run_experiment` holds metrics.json and metrics.csv (one row
per seed, arm and day, a column per metric; an empty cell / null is a figure the run does not
have), summary.json, config.json, and `events/seed-S-arm-I.csv.gz`: arm number I (its place
in the config, from 0) of seed S, every playback event its viewers sent, oldest first
(`EVENT_COLUMNS`). Arm names are free text, so files are named by number.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from sqlalchemy import select

from core.models import PlaybackEvent

EVENTS_DIR = "events"
EVENT_COLUMNS = ("id", "profile_id", "title_id", "episode_id", "type", "position_s",
                 "speed", "credited_s", "client_time")
KEYS = ("seed", "arm", "day")  # what identifies a row; every other column is a metric
TIDY_COLUMNS = ("run", "arm", "seed", "day", "metric", "value")


def read_rows(folder: str | Path) -> list[dict] | None:
    """The per-day rows (seed, arm, day and every metric): metrics.json, or metrics.csv (an
    empty cell is None); None when the folder has neither."""
    folder = Path(folder)
    if (folder / "metrics.json").is_file():
        return json.loads((folder / "metrics.json").read_text())
    if not (folder / "metrics.csv").is_file():
        return None
    with open(folder / "metrics.csv", newline="") as fh:
        return [{k: (int(v) if k in ("seed", "day") else v if k == "arm"
                     else None if v == "" else float(v)) for k, v in row.items()}
                for row in csv.DictReader(fh)]


def metric_names(rows: list[dict]) -> list[str]:
    """The metric columns of the rows, in their first row's order."""
    return [k for k in (rows[0] if rows else {}) if k not in KEYS]


def tidy(rows: Iterable[dict], run: str | int, metrics: list[str]) -> Iterator[tuple]:
    """One (run, arm, seed, day, metric, value) per figure: the long table students pivot and
    plot; value None where the run does not have the figure."""
    for r in rows:
        for m in metrics:
            yield (run, r["arm"], r["seed"], r["day"], m, r.get(m))


def csv_lines(header: Iterable[str], records: Iterable[Iterable]) -> Iterator[str]:
    """CSV text line by line (None as an empty cell), for streaming a download."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(header))
    for record in records:
        writer.writerow(["" if v is None else v for v in record])
        if buf.tell() > 1 << 15:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def events_file(folder: str | Path, seed: int, arm_index: int) -> Path:
    return Path(folder) / EVENTS_DIR / f"seed-{int(seed)}-arm-{int(arm_index)}.csv.gz"


def write_events(session, path: Path) -> int:
    """Every playback event of an arm's database into a gzipped CSV, oldest first; returns how
    many. Read in batches, so a long run is never held in memory at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    c = PlaybackEvent.__table__.c
    query = select(c.id, c.profile_id, c.title_id, c.episode_id, c.type, c.position_s, c.speed,
                   c.credited_s, c.client_time).order_by(c.id)
    n = 0
    # mtime=0: the same run gives byte-identical files.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz, \
            io.TextIOWrapper(gz, encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(EVENT_COLUMNS)
        for row in session.execute(query.execution_options(yield_per=5000)):
            writer.writerow([*row[:-1], row[-1].isoformat(sep=" ")])
            n += 1
    return n


def event_chunks(path: Path, size: int = 1 << 16) -> Iterator[bytes]:
    """The events file's CSV, decompressed a chunk at a time (a streamed download)."""
    with gzip.open(path, "rb") as fh:
        while chunk := fh.read(size):
            yield chunk
