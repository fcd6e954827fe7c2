"""The run page's downloads: per-day figures (tidy CSV, wide CSV, JSON) and the raw events of
one arm and seed, for educators only; bad arms and seeds are 4xx, never 5xx."""

from __future__ import annotations

import csv
import gzip
import io
import json

import pytest

from core.models import ExperimentRun
from simulator.studies.results import EVENT_COLUMNS, TIDY_COLUMNS, events_file
from tests.conftest import TEST_NOW, soup

METRICS = ("plays", "coverage", "homogenization")


@pytest.fixture
def run_id(database, tmp_path) -> int:
    """A finished run: two arms, seeds 1 and 2, two days, three figures (homogenization n/a),
    and the events file of arm "random" (number 1), seed 2."""
    rows = [{"seed": seed, "arm": arm, "day": day, "plays": float(10 * seed + day),
             "coverage": 0.5 if arm == "random" else 0.25, "homogenization": None}
            for seed in (1, 2) for arm in ("popularity", "random") for day in range(2)]
    (tmp_path / "metrics.json").write_text(json.dumps(rows))
    (tmp_path / "summary.json").write_text(json.dumps(
        {"name": "Tiny", "profiles": 5, "days": 2, "titles": 9, "seeds": [1, 2],
         "arms": {a: {"run_mean": {}} for a in ("popularity", "random")}}))
    path = events_file(tmp_path, 2, 1)
    path.parent.mkdir()
    with gzip.open(path, "wt", newline="") as fh:
        fh.write(",".join(EVENT_COLUMNS) + "\n")
        for i in range(3):
            fh.write(f"{i + 1},7,42,,start,0.0,1.0,0.0,2026-01-05 20:00:0{i}\n")
    with database.write() as s:
        run = ExperimentRun(name="Tiny", status="done", progress=1.0, results_dir=str(tmp_path),
                            config={"arms": [{"name": "popularity"}, {"name": "random"}],
                                    "seeds": [1, 2], "days": 2, "explore_days": 0,
                                    "baseline": "popularity"},
                            created_at=TEST_NOW)
        s.add(run)
        s.flush()
        return run.id


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_figures_as_a_tidy_table_a_wide_table_and_json(make_viewer, run_id):
    teacher = make_viewer("data@example.com", role="educator")
    tidy = teacher.client.get(f"/educator/runs/{run_id}/metrics.csv")
    assert tidy.status_code == 200 and tidy.mimetype == "text/csv"
    assert "attachment" in tidy.headers["Content-Disposition"]
    header, *lines = _csv(tidy)
    assert tuple(header) == TIDY_COLUMNS
    assert len(lines) == 2 * 2 * 2 * len(METRICS)
    assert [str(run_id), "random", "2", "1", "plays", "21.0"] in lines
    assert [str(run_id), "popularity", "1", "0", "homogenization", ""] in lines  # n/a: empty
    header, *lines = _csv(teacher.client.get(f"/educator/runs/{run_id}/metrics-wide.csv"))
    assert header == ["run", "seed", "arm", "day", *METRICS] and len(lines) == 8
    assert lines[0] == [str(run_id), "1", "popularity", "0", "10.0", "0.25", ""]
    data = teacher.client.get(f"/educator/runs/{run_id}/metrics.json").get_json()
    assert data["arms"] == ["popularity", "random"] and data["seeds"] == [1, 2]
    assert data["metrics"] == list(METRICS) and len(data["rows"]) == 8


def test_raw_events_of_one_arm_and_seed(make_viewer, run_id):
    teacher = make_viewer("events@example.com", role="educator")
    got = teacher.client.get(f"/educator/runs/{run_id}/events.csv?arm=random&seed=2")
    assert got.status_code == 200 and got.is_streamed
    header, *lines = _csv(got)
    assert tuple(header) == EVENT_COLUMNS and len(lines) == 3
    assert "random" in got.headers["Content-Disposition"]
    for query, status in (("arm=random&seed=1", 404),  # no file for this seed (not kept)
                          ("arm=nobody&seed=2", 404), ("arm=random&seed=9", 404),
                          ("arm=random&seed=two", 400), ("arm=random", 400), ("", 400),
                          ("arm=../../x&seed=2", 404)):
        assert teacher.client.get(f"/educator/runs/{run_id}/events.csv?{query}").status_code \
            == status, query
    assert teacher.client.get("/educator/runs/999999/events.csv?arm=random&seed=2") \
        .status_code == 404


def test_the_run_page_offers_the_downloads(make_viewer, run_id):
    teacher = make_viewer("page@example.com", role="educator")
    page = soup(teacher.client.get(f"/educator/runs/{run_id}"))
    section = page.select_one("section#downloads")
    hrefs = [a["href"] for a in section.select("a[download]")]
    assert hrefs == [f"/educator/runs/{run_id}/metrics.csv",
                     f"/educator/runs/{run_id}/metrics-wide.csv",
                     f"/educator/runs/{run_id}/metrics.json"]
    form = section.select_one("form")
    assert form["action"] == f"/educator/runs/{run_id}/events.csv"
    assert [o.text for o in form.select("select[name=arm] option")] == ["popularity", "random"]
    assert [o.text for o in form.select("select[name=seed] option")] == ["1", "2"]
    assert "share of plays" in page.select_one("#completion-note").get_text()
    assert "from day 0" in page.select_one("#catalogue-note").get_text()


def test_downloads_are_for_educators_only(make_viewer, viewer, run_id, client):
    for path in ("metrics.csv", "metrics-wide.csv", "metrics.json",
                 "events.csv?arm=random&seed=2"):
        assert viewer.client.get(f"/educator/runs/{run_id}/{path}").status_code == 404
        assert client.get(f"/educator/runs/{run_id}/{path}").status_code == 404


def test_a_run_without_figures_has_nothing_to_download(make_viewer, database, tmp_path):
    teacher = make_viewer("empty@example.com", role="educator")
    with database.write() as s:
        run = ExperimentRun(name="Queued", status="queued", progress=0.0,
                            results_dir=str(tmp_path / "none"), config={}, created_at=TEST_NOW)
        s.add(run)
        s.flush()
        rid = run.id
    for path in ("metrics.csv", "metrics-wide.csv", "metrics.json"):
        assert teacher.client.get(f"/educator/runs/{rid}/{path}").status_code == 404
