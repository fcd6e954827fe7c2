"""Data to take home (core/export.py): every table written whole as CSV and Parquet, the
schema describing exactly the files' columns, `since` filtering by each table's time column,
and bad requests refused before anything is written."""

from __future__ import annotations

import csv
import json
from datetime import timedelta

import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select

from core import accounts, activity, export, impressions, playback
from core.models import Title
from tests.conftest import TEST_NOW

DAY = timedelta(days=1)


@pytest.fixture
def activity_db(database):
    """One profile with thumbs, two plays a day apart, a hidden-free viewing and impressions
    (one with artwork variants, one without)."""
    with database.write() as s:
        account = accounts.create_account(s, "x@example.com", "correct horse battery", TEST_NOW)
        pid = accounts.create_profile(s, account, TEST_NOW, name="X").id
        ids = list(s.scalars(select(Title.id).where(Title.kind == "film").order_by(Title.id)
                             .limit(3)))
        activity.rate_title(s, pid, ids[0], 1, TEST_NOW - 2 * DAY)
        activity.rate_title(s, pid, ids[1], -1, TEST_NOW)
        for n, when in enumerate((TEST_NOW - 2 * DAY, TEST_NOW)):
            playback.record_playback(s, pid, [playback.PlaybackInput(
                f"0b1e4a8c-0000-4000-8000-00000000000{n}", "start", ids[2], 0.0, when)], when)
        impressions.record_rows(s, pid, [("top-picks", ids, [0, 1, 2]),
                                         ("trending", ids[:2], None)], "home", TEST_NOW)
    return database


def _counts(db, since=None):
    return {name: export.count(db, spec, since) for name, spec in export.TABLES.items()}


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_every_table_is_written_whole_with_a_schema_that_matches_the_files(activity_db,
                                                                           tmp_path, fmt):
    schema = export.export(activity_db, tmp_path, fmt)
    written = json.loads((tmp_path / "schema.json").read_text())
    assert written == schema and written["format"] == fmt
    counts = _counts(activity_db)
    assert counts["ratings"] == 2 and counts["playback_events"] == 2 and counts["impressions"] == 2
    for name, spec in export.TABLES.items():
        table = written["tables"][name]
        names = [c["name"] for c in table["columns"]]
        assert names == [c.name for c in spec.table.columns] and table["rows"] == counts[name]
        assert all(c["description"] for c in table["columns"])  # every column is explained
        path = tmp_path / table["file"]
        if fmt == "csv":
            with path.open(newline="") as f:
                rows = list(csv.reader(f))
            assert rows[0] == names and len(rows) - 1 == counts[name]
        else:
            pf = pq.ParquetFile(path)
            assert pf.schema_arrow.names == names and pf.metadata.num_rows == counts[name]


def test_values_survive_the_round_trip(activity_db, tmp_path):
    export.export(activity_db, tmp_path, "parquet", tables=["impressions", "ratings"])
    shown = pq.read_table(tmp_path / "impressions.parquet").to_pylist()
    by_row = {r["row_key"]: r for r in shown}
    assert json.loads(by_row["top-picks"]["variants"]) == [0, 1, 2]
    assert by_row["trending"]["variants"] is None and by_row["trending"]["surface"] == "home"
    thumbs = sorted(r["value"] for r in pq.read_table(tmp_path / "ratings.parquet").to_pylist())
    assert thumbs == [-1, 1]
    assert not (tmp_path / "viewings.parquet").exists()  # only the tables asked for


def test_since_keeps_the_rows_at_or_after_it_by_each_tables_time_column(activity_db, tmp_path):
    since = TEST_NOW - DAY
    schema = export.export(activity_db, tmp_path, "csv", since=since)
    assert schema["since"] == since.isoformat()
    assert schema["tables"]["ratings"]["rows"] == 1  # the thumbs down of TEST_NOW
    assert schema["tables"]["playback_events"]["rows"] == 1
    with (tmp_path / "ratings.csv").open(newline="") as f:
        assert [r["value"] for r in csv.DictReader(f)] == ["-1"]


def test_csv_lines_stream_the_same_file(activity_db, tmp_path):
    spec = export.TABLES["impressions"]
    export.export(activity_db, tmp_path, "csv", tables=["impressions"])
    streamed = "".join(export.csv_lines(activity_db, spec))
    assert streamed == (tmp_path / "impressions.csv").read_bytes().decode()


def test_chunks_cover_every_row_once_in_order(activity_db):
    spec = export.TABLES["playback_events"]
    parts = list(export.chunks(activity_db, spec, size=1))
    assert [len(p) for p in parts] == [1, 1]
    with activity_db.read() as s:
        assert s.scalar(select(func.count()).select_from(spec.table)) == 2
    assert parts[0][0][0] < parts[1][0][0]


def test_bad_requests_are_refused_before_anything_is_written(activity_db, tmp_path):
    with pytest.raises(export.ExportError, match="format"):
        export.export(activity_db, tmp_path / "a", "xlsx")
    with pytest.raises(export.ExportError, match="unknown table"):
        export.export(activity_db, tmp_path / "b", "csv", tables=["accounts"])
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
