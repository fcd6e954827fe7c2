"""`streamsim export` and the educator's "Data to take home" page (webapp/exports.py): the
files and schema.json from the command, downloads for educators only, bad input a 4xx."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq

from core import activity, export
from core.models import Title
from tests.conftest import TEST_NOW, soup


def _thumbs(database, profile_id, n=3):
    from sqlalchemy import select

    with database.write() as s:
        for tid in s.scalars(select(Title.id).order_by(Title.id).limit(n)):
            activity.rate_title(s, profile_id, tid, 1, TEST_NOW)


def test_the_command_writes_every_table_and_the_schema(app, make_viewer, database, tmp_path):
    from webapp.cli.main import cli

    viewer = make_viewer("cli-export@example.com")
    _thumbs(database, viewer.profile_id)
    out = tmp_path / "export"
    result = app.test_cli_runner().invoke(cli, ["export", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "ratings: 3 rows" in result.output
    schema = json.loads((out / "schema.json").read_text())
    assert set(schema["tables"]) == set(export.TABLES)
    with (out / "ratings.csv").open(newline="") as f:
        assert len(list(csv.DictReader(f))) == 3
    bad = app.test_cli_runner().invoke(cli, ["export", "--out", str(out), "--table", "nope"])
    assert bad.exit_code != 0 and "unknown table nope" in bad.output
    since = app.test_cli_runner().invoke(cli, ["export", "--out", str(tmp_path / "later"),
                                               "--since", "2100-01-01", "--table", "ratings"])
    assert since.exit_code == 0 and "ratings: 0 rows" in since.output
    assert pq.ParquetFile(tmp_path / "later" / "ratings.parquet").metadata.num_rows == 0


def test_educators_download_each_table(make_viewer, database):
    teacher = make_viewer("export-teacher@example.com", role="educator")
    _thumbs(database, teacher.profile_id)
    page = soup(teacher.client.get("/educator/export/"))
    assert page.select_one("h1").get_text() == "Data to take home"
    assert {a.get_text() for a in page.select(".export__links a")} == {"CSV", "Parquet"}
    ratings = page.select_one("#table-ratings")
    assert "3 rows" in ratings.get_text()
    response = teacher.client.get("/educator/export/ratings.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 3 and {r["value"] for r in rows} == {"1"}
    parquet = teacher.client.get("/educator/export/ratings.parquet")
    assert parquet.status_code == 200
    table = pq.read_table(io.BytesIO(parquet.get_data()))
    assert table.num_rows == 3 and table.column_names[0] == "id"
    later = teacher.client.get("/educator/export/ratings.csv?since=2100-01-01")
    assert later.get_data(as_text=True).strip().count("\n") == 0  # the header alone


def test_bad_downloads_are_4xx_and_others_get_404(make_viewer):
    teacher = make_viewer("export-bad@example.com", role="educator")
    assert teacher.client.get("/educator/export/accounts.csv").status_code == 404
    assert teacher.client.get("/educator/export/ratings.xlsx").status_code == 404
    assert teacher.client.get("/educator/export/ratings.csv?since=yesterday").status_code == 400
    assert teacher.client.get("/educator/export/?since=2026-13-45").status_code == 400
    viewer = make_viewer("export-viewer@example.com")
    assert viewer.client.get("/educator/export/").status_code == 404
    assert viewer.client.get("/educator/export/ratings.csv").status_code == 404


def test_the_engagement_page_is_for_educators_and_reads_the_site(make_viewer, database):
    from datetime import timedelta

    from sqlalchemy import select

    from core import impressions
    from core.models import PlaybackEvent

    teacher = make_viewer("engagement@example.com", role="educator")
    empty = soup(teacher.client.get("/educator/analytics/"))
    assert "Nothing has been played yet" in empty.get_text()
    with database.write() as s:
        tid = s.scalar(select(Title.id).order_by(Title.id))
        impressions.record_rows(s, teacher.profile_id, [("genre-comedy", [tid], None)], "home",
                                TEST_NOW)
        s.add(PlaybackEvent(event_id="00000000-0000-4000-8000-00000000abcd",
                            profile_id=teacher.profile_id, title_id=tid, type="start",
                            position_s=0.0, client_time=TEST_NOW + timedelta(minutes=1),
                            received_at=TEST_NOW + timedelta(minutes=1), credited_s=0.0))
    page = soup(teacher.client.get("/educator/analytics/?days=7"))
    cells = [[c.get_text(strip=True) for c in tr.select("th,td")]
             for tr in page.select("table")[0].select("tbody tr")]
    assert cells == [["home: genre-*", "1", "1", "1", "100%", "0.0", "0.0%", "100%"]]
    assert teacher.client.get("/educator/analytics/?days=3").status_code == 400
    assert teacher.client.get("/educator/analytics/?days=x").status_code == 400
    viewer = make_viewer("engagement-viewer@example.com")
    assert viewer.client.get("/educator/analytics/").status_code == 404
