"""Educator pages: runs and reports for educators, 404 for everyone else; home impressions."""

from __future__ import annotations

import json

from sqlalchemy import select

from core.models import ExperimentRun, Impression, Title
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
        run = ExperimentRun(name="Pop vs random", status="done", progress=1.0,
                            config={"arms": [{"name": "random"}, {"name": "popularity"}]},
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
    # Arms in the config's order, not summary.json's sorted one.
    assert [th.text for th in doc.select("table.educator__summary thead th")][1:] == \
        ["random", "popularity"]
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
    menu = [a.text for a in soup(viewer.client.get("/home")).select(".profile-menu__panel a")]
    assert "Viewing activity" in menu and "Experiments" not in menu


def test_home_records_impressions(viewer, database):
    assert viewer.client.get("/home").status_code == 200
    with database.read() as s:
        rows = s.scalars(select(Impression).where(Impression.profile_id == viewer.profile_id)
                         .order_by(Impression.row_position)).all()
    assert rows and rows[0].surface == "home" and rows[0].row_position == 0
    assert all(r.title_ids for r in rows)
    lazy = viewer.client.get("/home/rows/new", headers={"HX-Request": "true"})
    assert lazy.status_code == 200
    with database.read() as s:
        row = s.scalars(select(Impression).where(Impression.profile_id == viewer.profile_id,
                                                 Impression.row_key == "new")).one()
    assert row.row_position >= len(rows) and row.title_ids


def test_educator_starts_a_run_in_the_background(make_viewer, app, database):
    from simulator import worker

    launched = []
    app.extensions["streamsim.launch"] = launched.append
    try:
        teacher = make_viewer("starter@example.com", role="educator")
        page = soup(teacher.client.get("/educator/"))
        form = page.select_one("form.educator__start")
        options = [o["value"] for o in form.select("select option")]
        assert set(options) == set(worker.shipped_configs())
        # Each ready-made experiment is described, with its arms and its command line.
        cards = page.select(".experiment-card")
        assert len(cards) == len(options)
        assert all(c.select(".experiment-card__arms li") and c.select_one("code") for c in cards)
        assert "Experiments" in [a.text for a in page.select(".profile-menu__panel a")]
        token = form.select_one("input[name=csrf_token]")["value"]
        r = teacher.client.post(form["action"], data={"csrf_token": token,
                                                      "config": "feedback_loop", "quick": "y"})
        assert r.status_code == 303
    finally:
        del app.extensions["streamsim.launch"]
    with database.read() as s:
        run = s.scalars(select(ExperimentRun)).one()
    assert launched == [app.config["STREAMSIM"].results_dir]
    assert run.results_dir.startswith(str(launched[0]))
    assert run.status == "queued" and run.config["profiles"] == worker.QUICK["profiles"]
    # The quick version keeps days for the policies after a shorter launch phase.
    assert run.config["explore_days"] == worker.QUICK_PHASE_DAYS < run.config["days"] - 5
    assert run.config["description"] and run.config["arms"][0]["name"] == "popularity-daily"
    detail = soup(teacher.client.get(r.headers["Location"]))
    assert detail.select_one("#run-status")["hx-trigger"] == "every 2s"
    assert detail.select_one("progress.educator__progress")
    fragment = teacher.client.get(r.headers["Location"], headers={"HX-Request": "true"})
    doc = soup(fragment)
    assert doc.select_one("#run-status") and doc.select_one("h1") is None
    assert "HX-Refresh" not in fragment.headers
    bad = teacher.client.post(form["action"], data={"csrf_token": token, "config": "nope"})
    assert bad.status_code == 400


def test_worker_runs_a_queued_experiment(make_viewer, database, tmp_path):
    from simulator.experiment import normalise

    cfg = normalise({"name": "tiny", "profiles": 12, "days": 2, "titles": 60, "seeds": [1],
                     "arms": [{"policy": "popularity"}, {"policy": "random"}]})
    with database.write() as s:
        run = ExperimentRun(name="tiny", config=cfg, status="queued", progress=0.0,
                            results_dir=str(tmp_path / "out"), created_at=TEST_NOW)
        s.add(run)
        s.flush()
        run_id = run.id
    from simulator import runs

    assert runs.work(database, tmp_path, limit=1) == 1
    with database.read() as s:
        run = s.get(ExperimentRun, run_id)
        assert (run.status, run.progress, run.error) == ("done", 1.0, "")
    teacher = make_viewer("w@example.com", role="educator")
    page = soup(teacher.client.get(f"/educator/runs/{run_id}"))
    assert [th.text for th in page.select("table.educator__summary thead th")][1:] == \
        ["popularity", "random"]
    # No ideal arm: homogenization is n/a, not 0 ± 0.
    cells = [td.get_text(" ", strip=True) for td in page.select("table.educator__summary td")]
    assert "n/a" in cells and not any(c.startswith("0 ± 0") for c in cells)
    assert page.select_one("#run-status").get("hx-trigger") is None
    fragment = teacher.client.get(f"/educator/runs/{run_id}", headers={"HX-Request": "true"})
    assert fragment.headers["HX-Refresh"] == "true"


def test_audience_dropoff_pages_and_command(make_viewer, viewer, database, app):
    """Educators see drop-off curves drawn from the event log (all films, the most started
    titles, one title against all films), linked from title pages; nobody else does."""
    from tests.core.test_analytics import watch

    teacher = make_viewer("curves@example.com", role="educator")
    with database.read() as s:
        film = s.scalar(select(Title).where(Title.kind == "film", Title.maturity_age <= 13,
                                            Title.runtime_minutes >= 60).order_by(Title.id))
    watch(database, teacher.profile_id, film.id, film.runtime_minutes * 60)
    watch(database, viewer.profile_id, film.id, -(-film.runtime_minutes * 60 // 10))  # 10%
    page = soup(teacher.client.get("/educator/dropoff/"))
    assert page.select_one("svg.dropoff-chart polyline.line-model")["points"].count(",") == 21
    row = page.select_one(f"tr[data-title-id='{film.id}']")
    assert row.select_one("svg.dropoff-spark polyline") and "50%" in row.get_text()
    detail = teacher.client.get(row.select_one("a")["href"])
    cells = [td.text for td in soup(detail).select(".dropoff-table tbody tr")[0].select("td")]
    assert detail.status_code == 200 and cells == ["100%", "50%", "50%", "50%", "50%"]
    title_page = soup(teacher.client.get(f"/title/{film.id}"))
    assert title_page.select_one(f"a[href='/educator/dropoff/{film.id}']")
    assert teacher.client.get("/educator/dropoff/999999").status_code == 404
    for url in ("/educator/dropoff/", f"/educator/dropoff/{film.id}"):
        assert viewer.client.get(url).status_code == 404
    assert not soup(viewer.client.get(f"/title/{film.id}")).select("a[href^='/educator/']")
    from webapp.cli import dropoff

    out = app.test_cli_runner().invoke(dropoff, [str(film.id), "--json"])
    assert out.exit_code == 0 and json.loads(out.output)["starts"] == 2
    assert app.test_cli_runner().invoke(dropoff, ["999999"]).exit_code != 0


def test_dropoff_by_how_well_the_film_matched_simulated_viewers(app, make_viewer, database):
    """With seeded (simulated) viewers, the drop-off page splits their film viewings in thirds
    by hidden-taste match: the worst third gives up earlier than the best (the viewer model)."""
    from webapp import cli_sim

    seeded = app.test_cli_runner().invoke(cli_sim.seed, ["--profiles", "60", "--days", "6",
                                                         "--seed", "3", "--no-model"])
    assert seeded.exit_code == 0, seeded.output
    teacher = make_viewer("thirds@example.com", role="educator")
    page = soup(teacher.client.get("/educator/dropoff/"))
    legend = [li.get_text() for li in page.select(".match-legend li")]
    assert len(legend) == 3 and len(page.select(".dropoff-chart--match polyline")) == 3
    finished = [int(text.rsplit(", ", 1)[1].split("%")[0]) for text in legend]
    best, _, worst = finished
    assert best > worst, legend


def test_an_educators_kids_profile_sees_no_educator_pages(make_viewer):
    """The kids profile of an educator account stays inside the kids catalog: educator
    pages (drop-off curves name every title) and the model page are 404 for it."""
    kid = make_viewer("family-teacher@example.com", role="educator",
                      profiles=({"name": "Kit", "is_kids": True, "maturity_limit": 7},))
    for url in ("/educator/", "/educator/dropoff/", "/educator/realism/", "/models/"):
        assert kid.client.get(url).status_code == 404, url
    menu = [a.text for a in soup(kid.client.get("/home")).select(".profile-menu__panel a")]
    assert "Experiments" not in menu



def test_realism_panel_for_educators_only(make_viewer, viewer, client, database):
    """The realism page: every figure of the report in one table, the world's value beside
    its reference, source and verdict; linked from the educator pages; 404 for the rest."""
    from tests.simulator.test_realism import FIGURE_KEYS, crafted_world

    teacher = make_viewer("real@example.com", role="educator")
    empty = soup(teacher.client.get("/educator/realism/"))
    assert empty.select_one(".educator__empty") and not empty.select(".key-figures li")
    crafted_world(database)
    response = teacher.client.get("/educator/realism/")
    assert response.status_code == 200
    page = soup(response)
    nav = page.select_one(".educator__nav a[aria-current='page']")
    assert nav.text == "Realism" and nav["href"] == "/educator/realism/"
    assert soup(teacher.client.get("/educator/")).select_one(
        ".educator__nav a[href='/educator/realism/']")
    rows = {tr["data-key"]: tr for tr in page.select("table.realism-table tr.realism-row")}
    assert list(rows) == FIGURE_KEYS

    def cell(key: str, label: str) -> str:
        return rows[key].select_one(f"td[data-label='{label}']").get_text(" ", strip=True)

    assert cell("thumbs_per_play", "This world") == "0.40"
    assert cell("completion_rate", "This world") == "40%"
    assert cell("sessions_per_active_day", "This world") == "1.25"
    # A reference names its source, linked to the citation below the table.
    assert cell("plays_per_title_gini", "Reference") == "0.63 MovieLens 100K"
    link = rows["plays_per_title_gini"].select_one("a.realism-row__source")["href"]
    assert page.select_one(link).select_one("a[href^='https://grouplens.org/']")
    assert cell("completion_rate", "Reference") == "none"
    verdicts = {k: tr.select_one(".verdict").text for k, tr in rows.items()}
    assert verdicts["plays_per_title_gini"] == "differs"  # 0.15 against 0.63
    assert verdicts["catalogue_watched_share"] == "not comparable"
    assert verdicts["daily_active_share"] == "no public reference"
    assert rows["plays_per_title_gini"].select_one("svg.realism-meter")
    tally = [li.get_text(" ", strip=True) for li in page.select(".key-figures li")]
    assert tally == ["1 figure close to the reference", "4 figures differ from the reference",
                     "1 figure not comparable", "7 figures without a public reference"]
    for c in (viewer.client, client):
        assert c.get("/educator/realism/").status_code == 404


def test_a_run_whose_process_died_shows_as_failed_on_the_page(make_viewer, database, tmp_path):
    with database.write() as s:
        run = ExperimentRun(name="lost", config={}, status="running", progress=0.4,
                            results_dir=str(tmp_path / "lost"), created_at=TEST_NOW)
        s.add(run)
        s.flush()
        run_id = run.id
    teacher = make_viewer("lost@example.com", role="educator")
    page = soup(teacher.client.get(f"/educator/runs/{run_id}"))
    assert "stopped before it finished" in page.select_one("#run-status").get_text()
    with database.read() as s:
        assert s.get(ExperimentRun, run_id).status == "failed"
