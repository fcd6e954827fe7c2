"""Educator pages: runs and reports for educators, 404 for everyone else; home impressions."""

from __future__ import annotations

import json

from sqlalchemy import select

from core.models import ExperimentRun, Impression
from tests.conftest import TEST_NOW, soup


def _run(database, tmp_path) -> int:
    (tmp_path / "plots").mkdir()
    (tmp_path / "plots" / "coverage.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "report.html").write_text("<!doctype html><title>r</title>")
    summary = {"name": "Pop vs random", "profiles": 10, "days": 2, "titles": 50, "seeds": [1],
               "arms": {a: {"run_mean": {m: {"mean": 0.5, "ci95": 0.1, "n": 1}
                                         for m in __import__("simulator.metrics", fromlist=["M"])
                                         .METRICS}} for a in ("popularity", "random")}}
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    with database.write() as s:
        run = ExperimentRun(name="Pop vs random", config={}, status="done", progress=1.0,
                            results_dir=str(tmp_path), created_at=TEST_NOW)
        s.add(run)
        s.flush()
        return run.id


def test_educator_sees_runs_and_report(make_viewer, database, tmp_path):
    teacher = make_viewer("teach@example.com", role="educator")
    run_id = _run(database, tmp_path)
    page = soup(teacher.client.get("/educator/"))
    link = page.select_one("table.educator__runs a")
    assert link.text.strip() == "Pop vs random"
    detail = teacher.client.get(link["href"])
    assert detail.status_code == 200
    doc = soup(detail)
    assert [th.text for th in doc.select("table.educator__summary thead th")][1:] == \
        ["popularity", "random"]
    imgs = [img["src"] for img in doc.select(".educator__plots img")]
    assert f"/educator/runs/{run_id}/plots/coverage.svg" in imgs
    svg = teacher.client.get(f"/educator/runs/{run_id}/plots/coverage.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert teacher.client.get(f"/educator/runs/{run_id}/plots/nope.svg").status_code == 404
    report = teacher.client.get(f"/educator/runs/{run_id}/report.html")
    assert "attachment" in report.headers["Content-Disposition"]


def test_everyone_else_gets_404(viewer, client, database, tmp_path):
    run_id = _run(database, tmp_path)
    for c in (viewer.client, client):
        assert c.get("/educator/").status_code == 404
        assert c.get(f"/educator/runs/{run_id}").status_code == 404


def test_home_records_impressions(viewer, database):
    assert viewer.client.get("/home").status_code == 200
    with database.read() as s:
        rows = s.scalars(select(Impression).where(Impression.profile_id == viewer.profile_id)
                         .order_by(Impression.row_position)).all()
    assert rows and rows[0].surface == "home" and rows[0].row_position == 0
    assert all(r.title_ids for r in rows)
