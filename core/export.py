"""Data to take home: the site's activity tables written out as CSV or Parquet files.

`export(db, out, fmt)` writes one file per table (`playback_events`, `ratings`, `impressions`,
`viewings`) and a `schema.json` that describes every column (its name, its SQL and file type,
whether it may be empty, what it holds) with each table's row count. Rows are read in chunks
of `CHUNK_ROWS` from a streaming cursor and written as they come, so memory stays flat however
large a table is. `since` keeps the rows whose time column (`TableSpec.since`) is at or after
it. Parquet goes through pyarrow, imported only when asked for.

`streamsim export` (webapp/cli/data.py) and the educator's download page (webapp/exports.py)
both call it. A new table is one `TableSpec` in `TABLES`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from sqlalchemy import JSON as SqlJson
from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    Integer,
    Select,
    SmallInteger,
    String,
    Text,
    func,
    select,
    type_coerce,
)
from sqlalchemy.sql.schema import Column, Table

from core.db import Database
from core.models import Impression, PlaybackEvent, Rating, Viewing

FORMATS = ("csv", "parquet")
CHUNK_ROWS = 10_000


class ExportError(ValueError):
    """A request the export cannot carry out (unknown table or format); nothing written."""


@dataclass(frozen=True)
class TableSpec:
    name: str
    table: Table
    since: str  # the time column `since` filters on
    about: str
    columns: dict[str, str]  # what each column holds


TABLES: dict[str, TableSpec] = {spec.name: spec for spec in (
    TableSpec("playback_events", PlaybackEvent.__table__, "received_at",
              "The raw playback log: one row per event a player sent (stored once per event_id).",
              {"id": "row number", "event_id": "the client's UUID for the event",
               "profile_id": "the profile watching", "title_id": "the title",
               "episode_id": "the episode (empty for films)",
               "type": "start, heartbeat, pause, seek, stop or complete",
               "position_s": "playback position in seconds", "speed": "playback speed",
               "client_time": "when the player says it happened (UTC)",
               "received_at": "when the server stored it (UTC)",
               "credited_s": "content seconds this event added to the viewing"}),
    TableSpec("ratings", Rating.__table__, "updated_at",
              "Thumbs: one row per profile and title.",
              {"id": "row number", "profile_id": "the profile", "title_id": "the title",
               "value": "-1 thumbs down, 1 thumbs up, 2 two thumbs up",
               "created_at": "first given (UTC)", "updated_at": "last changed (UTC)"}),
    TableSpec("impressions", Impression.__table__, "shown_at",
              "What was shown: one row per rendered row of titles.",
              {"id": "row number", "profile_id": "the profile shown the row",
               "shown_at": "when (UTC)", "surface": "home, search, browse or title",
               "row_key": "which row (e.g. top-picks, trending, genre-comedy)",
               "row_position": "the row's place on the page, from 0",
               "title_ids": "the titles, left to right (a JSON list)",
               "variants": "the artwork variant shown for each title (a JSON list, or empty)",
               "policy": "what chose the row (site, or a simulated policy)"}),
    TableSpec("viewings", Viewing.__table__, "last_watched_at",
              "Each profile's viewing state of a film or episode (hidden ones included, "
              "flagged).",
              {"id": "row number", "profile_id": "the profile", "title_id": "the title",
               "episode_id": "the episode (empty for films)",
               "episode_key": "the episode id, 0 for films",
               "position_s": "where playback stopped, seconds",
               "watched_s": "content seconds credited", "furthest_s": "furthest point reached",
               "completed": "watched to the credits", "hidden": "hidden from history",
               "plays": "times started", "started_at": "first played (UTC)",
               "last_watched_at": "last event (UTC, server time)",
               "last_client_time": "last event (UTC, the player's time)"}),
)}


def _kind(column: Column) -> str:
    """The file type of a column: int, float, bool, timestamp, string or json."""
    t = column.type
    if isinstance(t, Boolean):
        return "bool"
    if isinstance(t, Integer | SmallInteger):
        return "int"
    if isinstance(t, Float):
        return "float"
    if isinstance(t, DateTime):
        return "timestamp"
    if isinstance(t, SqlJson):
        return "json"
    if isinstance(t, String | Text):
        return "string"
    raise ExportError(f"column {column.name} has a type the export does not know: {t}")


def describe(spec: TableSpec) -> list[dict]:
    return [{"name": c.name, "sql_type": str(c.type), "type": _kind(c),
             "nullable": bool(c.nullable), "primary_key": bool(c.primary_key),
             "description": spec.columns.get(c.name, "")} for c in spec.table.columns]


# What `write_parquet` reads as the database sends it, to convert whole columns in Arrow
# rather than row by row in Python: times and JSON as text, booleans as integers.
_PLAIN = {"timestamp": String, "json": String, "bool": Integer}


def _query(spec: TableSpec, since: datetime | None, *, plain: bool = False) -> Select:
    columns = [type_coerce(c, _PLAIN[_kind(c)]) if plain and _kind(c) in _PLAIN else c
               for c in spec.table.columns]
    q = select(*columns).order_by(*spec.table.primary_key.columns)
    return q if since is None else q.where(spec.table.c[spec.since] >= since)


def count(db: Database, spec: TableSpec, since: datetime | None = None) -> int:
    q = select(func.count()).select_from(spec.table)
    if since is not None:
        q = q.where(spec.table.c[spec.since] >= since)
    with db.engine.connect() as conn:
        return int(conn.scalar(q))


def chunks(db: Database, spec: TableSpec, since: datetime | None = None,
           size: int = CHUNK_ROWS) -> Iterator[list[tuple]]:
    """The table's rows in primary-key order, `size` at a time, from a streaming cursor."""
    with db.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=size).execute(
            _query(spec, since))
        for part in result.partitions(size):
            yield [tuple(row) for row in part]


def _csv_value(kind: str, value):
    if value is None:
        return ""
    if kind == "timestamp":
        return value.isoformat()
    if kind == "json":
        return json.dumps(value, separators=(",", ":"))
    if kind == "bool":
        return "true" if value else "false"
    return value


def _csv_chunks(db: Database, spec: TableSpec,
                since: datetime | None) -> Iterator[tuple[str, int]]:
    """The table as CSV text, the header first, then a chunk of lines at a time, each with
    the number of rows it holds."""
    import io

    kinds = [_kind(c) for c in spec.table.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.name for c in spec.table.columns])
    yield buffer.getvalue(), 0
    for part in chunks(db, spec, since):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([_csv_value(k, v) for k, v in zip(kinds, row, strict=True)]
                         for row in part)
        yield buffer.getvalue(), len(part)


def write_csv(db: Database, spec: TableSpec, stream: IO[str],
              since: datetime | None = None) -> int:
    """The table as CSV (a header, then one line per row) into a text stream; rows written."""
    n = 0
    for text, rows in _csv_chunks(db, spec, since):
        stream.write(text)
        n += rows
    return n


def csv_lines(db: Database, spec: TableSpec, since: datetime | None = None) -> Iterator[str]:
    """The same CSV, a chunk of lines at a time (for a streamed download)."""
    return (text for text, _ in _csv_chunks(db, spec, since))


def _arrow_schema(spec: TableSpec):
    import pyarrow as pa

    types = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
             "timestamp": pa.timestamp("us"), "string": pa.string(), "json": pa.string()}
    return pa.schema([pa.field(c.name, types[_kind(c)], nullable=bool(c.nullable))
                      for c in spec.table.columns])


def _arrow_column(values: tuple, kind: str, field):
    """One chunk's column as an Arrow array: times and booleans cast in C when the database
    sent text or integers (SQLite), JSON kept as the text it is stored as (dumped when the
    driver decoded it, as psycopg does; a JSON null empty, as the CSV writes it)."""
    import pyarrow as pa

    sample = next((v for v in values if v is not None), None)
    if kind == "json":  # JSON null (SQLAlchemy stores a None as the text "null") is empty
        values = tuple(None if v is None or v == "null" else
                       v if isinstance(v, str) else json.dumps(v, separators=(",", ":"))
                       for v in values)
    sent_int = isinstance(sample, int) and not isinstance(sample, bool)  # SQLite's 0 and 1
    if (kind == "timestamp" and isinstance(sample, str)) or (kind == "bool" and sent_int):
        source = pa.string() if kind == "timestamp" else pa.int64()
        return pa.array(values, type=source).cast(field.type)
    return pa.array(values, type=field.type)


def write_parquet(db: Database, spec: TableSpec, path: Path,
                  since: datetime | None = None) -> int:
    """The table as one Parquet file (a row group per chunk, zstd); rows written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _arrow_schema(spec)
    kinds = [_kind(c) for c in spec.table.columns]
    n = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer, \
            db.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=CHUNK_ROWS).execute(
            _query(spec, since, plain=True))
        for part in result.partitions(CHUNK_ROWS):
            columns = list(zip(*part, strict=True))
            arrays = [_arrow_column(col, kind, field)
                      for col, kind, field in zip(columns, kinds, schema, strict=True)]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            n += len(part)
        if n == 0:
            writer.write_table(schema.empty_table())
    return n


def export(db: Database, out: Path, fmt: str, *, since: datetime | None = None,
           tables: list[str] | None = None,
           progress: Callable[[str, int, float], None] | None = None) -> dict:
    """Write each table to `out`/<table>.<fmt> and `out`/schema.json; returns the schema."""
    if fmt not in FORMATS:
        raise ExportError(f"format must be one of {', '.join(FORMATS)} (got {fmt!r})")
    names = tables or list(TABLES)
    unknown = [n for n in names if n not in TABLES]
    if unknown:
        raise ExportError(f"unknown table {', '.join(unknown)}; the tables are "
                          f"{', '.join(TABLES)}")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError as exc:  # pragma: no cover - a dependency, declared
            raise ExportError("Parquet needs pyarrow (pip install pyarrow)") from exc
    import time

    out.mkdir(parents=True, exist_ok=True)
    schema = {"format": fmt, "since": since.isoformat() if since else None,
              "exported_at": datetime.now().astimezone().isoformat(timespec="seconds"),
              "tables": {}}
    for name in names:
        spec = TABLES[name]
        path = out / f"{name}.{fmt}"
        start = time.perf_counter()
        if fmt == "csv":
            with path.open("w", newline="", encoding="utf-8") as f:
                rows = write_csv(db, spec, f, since)
        else:
            rows = write_parquet(db, spec, path, since)
        schema["tables"][name] = {"file": path.name, "rows": rows, "about": spec.about,
                                  "since_column": spec.since, "columns": describe(spec)}
        if progress is not None:
            progress(name, rows, time.perf_counter() - start)
    (out / "schema.json").write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
    return schema
