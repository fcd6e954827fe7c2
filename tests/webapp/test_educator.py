"""Educator pages: runs and reports for educators, 404 for everyone else; home impressions."""

from __future__ import annotations

import json

from sqlalchemy import select

from core.models import ExperimentRun, Impression, Title
from tests.conftest import TEST_NOW, soup


def _run(database, tmp_path) -> int:
    """A finished run's folder: summary.json, the per-day rows of metrics.json (two seeds,
    three days: coverage climbs 0.2, 0.4, 0.6 for popularity, stays at 0.1 for random, each
    seed 0.01 either side of the mean; homogenization has no ideal
    arm, so it is None, n/a) and a report."""
    from simulator.studies.metrics import METRICS

    (tmp_path / "report.html").write_text("<!doctype html><title>r</title>")
    summary = {"name": "Pop vs random", "profiles": 10, "days": 3, "titles": 50, "seeds": [1, 2],
               "arms": {a: {"run_mean": {m: {"mean": 0.5, "ci95": 0.1, "n": 2}
                                         for m in METRICS}} for a in ("popularity", "random")}}
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    rows = [{"seed": seed, "arm": arm, "day": day,
             **{m: 0.5 for m in METRICS},
             "coverage": (0.2 * (day + 1) if arm == "popularity" else 0.1) + (
                 0.01 if seed == 2 else -0.01),
             "homogenization": None, "homogenization_taste": None}
            for seed in (1, 2) for arm in ("popularity", "random") for day in range(3)]
    (tmp_path / "metrics.json").write_text(json.dumps(rows))
    with database.write() as s:
        run = ExperimentRun(name="Pop vs random", status="done", progress=1.0,
                            config={"arms": [{"name": "random"}, {"name": "popularity"}]},
                            results_dir=str(tmp_path), created_at=TEST_NOW)
        s.add(run)
        s.flush()
        return run.id


def test_educator_sees_runs_and_report(make_viewer, database, tmp_path):
    from simulator.studies.metrics import METRICS

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
    # A chart per metric, drawn in the page (no images): an inline SVG with a line per arm,
    # a hover column per day, and the same numbers in a table.
    assert not doc.select(".educator__plots img, img[src*='/plots/']")
    cards = {fig["data-metric"]: fig for fig in doc.select("figure.run-chart")}
    assert list(cards) == [m for m in METRICS]
    coverage = cards["coverage"]
    assert len(coverage.select("svg.line-chart__plot")) == 1
    lines = coverage.select("svg.line-chart__plot polyline.line-chart__line")
    assert [line["data-arm"] for line in lines] == ["random", "popularity"]
    assert [li.get_text(" ", strip=True) for li in coverage.select(".chart-legend__item")] == \
        ["random", "popularity"]  # two seeds: no band drawn (its interval is in the numbers)
    days = coverage.select("g.line-chart__day")
    assert [g["data-day"] for g in days] == ["0", "1", "2"]
    # Popularity's mean on day 2 (0.6) is the highest value, on a tick: its dot is at the very
    # top (of a 200 px plot that spans 0.1 to 0.6); 95% interval over two seeds: 12.7 x 0.01.
    top = days[2].select_one(".line-chart__dot[data-arm='popularity']")
    assert (top["x1"], top["y1"], top["data-value"]) == ("1000.0", "0.0", "0.600 ± 0.127")
    assert "popularity: 0.600 ± 0.127" in days[2].title.text
    assert lines[1]["points"] == "0,160 500,80 1000,0"
    assert [t.text for t in coverage.select("svg.line-chart__y text")] == [
        "0.1", "0.2", "0.3", "0.4", "0.5", "0.6"]
    table = coverage.select_one("details.chart-numbers table")
    assert coverage.select_one("details.chart-numbers summary").text == "Show the numbers"
    assert [th.get_text(strip=True) for th in table.select("thead th")] == \
        ["Day", "random", "popularity"]
    assert [[c.get_text(strip=True) for c in tr.select("th, td")]
            for tr in table.select("tbody tr")] == [
        ["0", "0.100 ± 0.127", "0.200 ± 0.127"], ["1", "0.100 ± 0.127", "0.400 ± 0.127"],
        ["2", "0.100 ± 0.127", "0.600 ± 0.127"]]
    # A figure the run does not have is n/a, not a flat line at 0.
    na = cards["homogenization"]
    assert not na.select("svg") and "n/a" in na.select_one(".run-chart__na").text
    # The page loads its chart script and styles from the app itself.
    assert doc.select_one("script[src='/static/js/charts.js']")
    assert doc.select_one("link[href='/static/css/charts.css']")
    assert teacher.client.get("/static/js/charts.js").status_code == 200
    # The matplotlib images are only in the downloadable report now.
    assert teacher.client.get(f"/educator/runs/{run_id}/plots/coverage.svg").status_code == 404
    report = teacher.client.get(f"/educator/runs/{run_id}/report.html")
    assert "attachment" in report.headers["Content-Disposition"]


def test_a_run_without_per_day_rows_still_shows_its_summary(make_viewer, database, tmp_path):
    run_id = _run(database, tmp_path)
    (tmp_path / "metrics.json").unlink()
    teacher = make_viewer("older@example.com", role="educator")
    doc = soup(teacher.client.get(f"/educator/runs/{run_id}"))
    assert doc.select("table.educator__summary tbody tr") and not doc.select("figure.run-chart")
    assert "no figures by day" in doc.get_text()
    # Its summary.json predates the paired comparison and nothing is left to compute it
    # from: the page says so instead of showing a table of zeros.
    assert not doc.select("table.educator__paired")
    assert "no per-day figures" in doc.select_one(".run-compare__note").text


def _paired_cells(doc) -> dict[str, dict[str, object]]:
    """The paired table's cells: metric -> arm -> the cell."""
    return {tr["data-metric"]: {td["data-arm"]: td for td in tr.select("td")}
            for tr in doc.select("table.educator__paired tbody tr[data-metric]")}


def test_run_page_compares_arms_with_a_baseline_paired_by_seed(make_viewer, database, tmp_path):
    """The run page's pickers (plain GET, so they work without JS; htmx swaps the section) and
    the paired differences, computed from the per-day rows of a run whose summary.json
    predates them. Coverage of popularity minus random is 0.2, 0.4, 0.6 minus 0.1 in both
    seeds (each seed moves both arms alike), so paired it is exact: an interval that excludes
    0; every other figure is equal across arms (0 in [0, 0]: not marked)."""
    from simulator.studies.compare import WINDOWS

    run_id = _run(database, tmp_path)
    teacher = make_viewer("paired@example.com", role="educator")
    url = f"/educator/runs/{run_id}"
    doc = soup(teacher.client.get(url))
    form = doc.select_one("#run-compare form.run-compare__pickers")
    assert form["method"] == "get" and form["action"] == url and form.select_one("button")
    windows = form.select("select[name=window] option")
    assert [o["value"] for o in windows] == list(WINDOWS)
    assert [o["value"] for o in windows if o.has_attr("selected")] == ["all"]
    arms = form.select("select[name=baseline] option")
    assert [o["value"] for o in arms] == ["random", "popularity"]
    assert [o["value"] for o in arms if o.has_attr("selected")] == ["random"]  # the first arm
    heads = [th.get_text(" ", strip=True) for th in doc.select("table.educator__paired thead th")]
    assert heads == ["Metric", "popularity − random"]
    cells = _paired_cells(doc)
    cover = cells["coverage"]["popularity"]
    assert cover.has_attr("data-excludes-zero") and "paired--clear" in cover["class"]
    assert cover.select_one(".paired__mean").text == "+0.3"
    assert cover.select_one(".paired__ci").text == "[0.3, 0.3]"
    ctr = cells["ctr"]["popularity"]
    assert not ctr.has_attr("data-excludes-zero") and ctr.select_one(".paired__ci").text == "[0, 0]"
    # No ideal arm: homogenization is n/a, with the reason on hover, in both tables.
    na = cells["homogenization"]["popularity"].select_one(".run-compare__na")
    assert na.text == "n/a" and "ideal arm" in na["title"]
    means = doc.select("table.educator__summary .run-compare__na")
    assert means and all("ideal arm" in n["title"] for n in means)

    # Another baseline and the last day only, from the query string.
    doc = soup(teacher.client.get(f"{url}?baseline=popularity&window=last_day"))
    heads = [th.get_text(" ", strip=True) for th in doc.select("table.educator__paired thead th")]
    assert heads == ["Metric", "random − popularity"]
    cover = _paired_cells(doc)["coverage"]["random"]
    assert cover.select_one(".paired__mean").text == "-0.5"  # 0.1 - 0.6 on day 2
    assert "day 2 of 0 to 2" in doc.select_one(".run-compare__days").get_text(" ", strip=True)
    assert [o["value"] for o in doc.select("select[name=window] option[selected]")] == \
        ["last_day"]
    # The means follow the window too: coverage on the last day, random then popularity.
    row = doc.select_one("table.educator__summary tbody tr[data-metric='coverage']")
    assert row.th.contents[0].strip() == "Catalog coverage"
    assert [td.get_text(" ", strip=True) for td in row.select("td")] == \
        ["0.1 ± 0.13", "0.6 ± 0.13"]
    # Unknown values fall back to the defaults instead of failing.
    doc = soup(teacher.client.get(f"{url}?baseline=nope&window=forever"))
    assert [o["value"] for o in doc.select("select[name=baseline] option[selected]")] == ["random"]
    # htmx asks for the section alone (no status block, no reload).
    fragment = teacher.client.get(f"{url}?window=last_7_days",
                                  headers={"HX-Request": "true", "HX-Target": "run-compare"})
    part = soup(fragment)
    assert part.select_one("section#run-compare table.educator__paired")
    assert part.select_one("#run-status") is None and part.select_one("h1") is None
    assert "HX-Refresh" not in fragment.headers


def test_paired_table_from_metrics_csv_and_from_a_new_summary(make_viewer, database, tmp_path):
    """An older folder with metrics.csv but no metrics.json still gets its paired table; a
    summary.json written by the simulator is read as it is for its own baseline."""
    import csv

    from simulator.studies.experiment import normalise, summarise

    run_id = _run(database, tmp_path)
    rows = json.loads((tmp_path / "metrics.json").read_text())
    (tmp_path / "metrics.json").unlink()
    with open(tmp_path / "metrics.csv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    teacher = make_viewer("csv@example.com", role="educator")
    url = f"/educator/runs/{run_id}"
    cells = _paired_cells(soup(teacher.client.get(url)))
    assert cells["coverage"]["popularity"].select_one(".paired__mean").text == "+0.3"
    assert cells["homogenization"]["popularity"].select_one(".run-compare__na")
    # The simulator's own summary (baseline popularity, named in the config), rows gone:
    # the figures come from summary.json; another baseline cannot be computed, and says so.
    cfg = normalise({"name": "Pop vs random", "profiles": 10, "days": 3, "titles": 50,
                     "seeds": [1, 2], "baseline": "popularity",
                     "arms": [{"name": "random", "policy": "random"},
                              {"name": "popularity", "policy": "popularity"}]})
    from simulator.studies.model_metrics import MODEL_METRICS

    full = [{**r, **dict.fromkeys(MODEL_METRICS)} for r in rows]
    (tmp_path / "summary.json").write_text(json.dumps(summarise(cfg, full)))
    (tmp_path / "metrics.csv").unlink()
    doc = soup(teacher.client.get(url))
    assert [o["value"] for o in doc.select("select[name=baseline] option[selected]")] == \
        ["popularity"]
    cover = _paired_cells(doc)["coverage"]["random"]
    assert cover.select_one(".paired__mean").text == "-0.3"
    other = soup(teacher.client.get(f"{url}?baseline=random"))
    assert not other.select("table.educator__paired")
    assert "no per-day figures" in other.select_one(".run-compare__note").text


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
    from simulator.studies import worker

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
    from simulator.studies.experiment import normalise

    cfg = normalise({"name": "tiny", "profiles": 12, "days": 2, "titles": 60, "seeds": [1],
                     "arms": [{"policy": "popularity"}, {"policy": "random"}]})
    with database.write() as s:
        run = ExperimentRun(name="tiny", config=cfg, status="queued", progress=0.0,
                            results_dir=str(tmp_path / "out"), created_at=TEST_NOW)
        s.add(run)
        s.flush()
        run_id = run.id
    from simulator.studies import runs

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
    # The charts come from the run's own metrics.json: a line per arm over both days; the
    # homogenization figures, which need an ideal arm, are n/a.
    for card in page.select("figure.run-chart"):
        if card["data-metric"].startswith("homogenization"):
            assert card.select_one(".run-chart__na") and not card.select("svg")
            continue
        assert [p["data-arm"] for p in card.select("polyline.line-chart__line")] == \
            ["popularity", "random"], card["data-metric"]
        assert len(card.select("g.line-chart__day")) == 2
        assert len(card.select("details.chart-numbers tbody tr")) == 2
    fragment = teacher.client.get(f"/educator/runs/{run_id}", headers={"HX-Request": "true"})
    assert fragment.headers["HX-Refresh"] == "true"
    assert not soup(fragment).select("figure.run-chart")  # the polled status block only


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
    # The experiments' completion counts plays, not viewings: the page says so, with the figure.
    figures = [li.get_text(" ", strip=True) for li in page.select("ul.key-figures li")]
    assert "0% of 2 film plays ended complete" in figures  # `watch` sends no complete event
    assert "counts every play" in " ".join(page.select_one("#completion-note").get_text().split())
    detail = teacher.client.get(row.select_one("a")["href"])
    cells = [td.text for td in soup(detail).select(".dropoff-table tbody tr")[0].select("td")]
    assert detail.status_code == 200 and cells == ["100%", "50%", "50%", "50%", "50%"]
    title_page = soup(teacher.client.get(f"/title/{film.id}"))
    assert title_page.select_one(f"a[href='/educator/dropoff/{film.id}']")
    assert teacher.client.get("/educator/dropoff/999999").status_code == 404
    for url in ("/educator/dropoff/", f"/educator/dropoff/{film.id}"):
        assert viewer.client.get(url).status_code == 404
    assert not soup(viewer.client.get(f"/title/{film.id}")).select("a[href^='/educator/']")
    from webapp.cli.main import dropoff

    out = app.test_cli_runner().invoke(dropoff, [str(film.id), "--json"])
    assert out.exit_code == 0 and json.loads(out.output)["starts"] == 2
    assert app.test_cli_runner().invoke(dropoff, ["999999"]).exit_code != 0


def test_dropoff_by_how_well_the_film_matched_simulated_viewers(app, make_viewer, database):
    """With seeded (simulated) viewers, the drop-off page splits their film viewings in thirds
    by hidden-taste match: the worst third gives up earlier than the best (the viewer model)."""
    from webapp.cli import sim as cli_sim

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
    # No results: the comparison section asked for alone is empty, not an error.
    part = teacher.client.get(f"/educator/runs/{run_id}",
                              headers={"HX-Request": "true", "HX-Target": "run-compare"})
    assert part.status_code == 200 and not soup(part).select("table, form")
    with database.read() as s:
        assert s.get(ExperimentRun, run_id).status == "failed"


# -- the run page's charts: geometry on crafted figures (webapp/charts.py) ----------------------


def test_nice_ticks_cover_the_range_at_a_round_step():
    from webapp.charts import decimals, nice_step, nice_ticks, number

    assert nice_ticks(0, 1) == ([0.0, 0.2, 0.4, 0.6, 0.8, 1.0], 1)
    assert nice_ticks(0.031, 0.0402) == ([0.03, 0.032, 0.034, 0.036, 0.038, 0.04, 0.042], 3)
    assert nice_ticks(21.6, 35.1) == ([20.0, 25.0, 30.0, 35.0, 40.0], 0)
    assert nice_ticks(-0.03, 0.02)[0] == [-0.03, -0.02, -0.01, 0.0, 0.01, 0.02]
    assert nice_ticks(5, 5)[0] == [4.4, 4.6, 4.8, 5.0, 5.2, 5.4, 5.6]  # flat: widened around it
    assert nice_ticks(0, 0)[0] == [-1.0, -0.5, 0.0, 0.5, 1.0]
    for lo, hi in ((0, 1), (0.031, 0.0402), (21.6, 35.1), (-3e5, 7e5), (0.5, 0.5001)):
        ticks, _ = nice_ticks(lo, hi)
        assert ticks[0] <= lo and ticks[-1] >= hi and 4 <= len(ticks) <= 8, (lo, hi, ticks)
    assert (nice_step(3.5), nice_step(0.125), nice_step(1.8, integer=True)) == (5.0, 0.1, 2.0)
    assert nice_step(0.3, integer=True) == 1.0  # days: never a step below one
    assert (decimals(0.25), decimals(5.0), decimals(0.002)) == (2, 0, 3)
    assert (number(-0.0001, 2), number(1234.5, 1)) == ("0.00", "1,234.5")


def _figures(values: dict[str, list[float | None]], spread: float = 0.0, seeds: int = 1):
    """Per-day rows of one metric (`m`): each arm's mean by day as given, seeds spread
    evenly `spread` either side of it; then the chart's figures."""
    from webapp.charts import daily_figures

    rows = []
    for arm, means in values.items():
        for day, mean in enumerate(means):
            for k in range(seeds):
                offset = 0.0 if seeds == 1 else spread * (2 * k / (seeds - 1) - 1)
                rows.append({"seed": k, "arm": arm, "day": day,
                             "m": None if mean is None else mean + offset})
    return daily_figures(rows, "m", list(values))


def test_a_line_chart_maps_days_across_and_values_up():
    from webapp.charts import PLOT_H, PLOT_W, line_chart

    chart = line_chart(_figures({"a": [0.0, 0.25, 0.5, 0.75, 1.0], "b": [0.5] * 5}))
    assert [t.label for t in chart.y_ticks] == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]
    assert [t.at for t in chart.y_ticks] == [200.0, 160.0, 120.0, 80.0, 40.0, 0.0]
    a, b = chart.series
    # The maximum is at the top, the minimum at the bottom, the first day at the left edge and
    # the last at the right one.
    assert [(p.x, p.y) for p in a.points] == [(0.0, PLOT_H), (250.0, 150.0), (500.0, 100.0),
                                               (750.0, 50.0), (PLOT_W, 0.0)]
    assert a.line == "0,200 250,150 500,100 750,50 1000,0"
    assert b.line == "0,100 250,100 500,100 750,100 1000,100"
    assert (a.style, b.style) == ("s-1", "s-2") and not chart.has_band  # one seed: no band
    assert [p.text for p in a.points] == ["0.00", "0.25", "0.50", "0.75", "1.00"]  # 3 digits
    # A hover column per day; together they cover the plot from edge to edge.
    assert [(c.x0, c.x1) for c in chart.columns] == [(0, 125), (125, 375), (375, 625),
                                                     (625, 875), (875, 1000)]
    assert chart.columns[4].title == "Day 4\na: 1.00\nb: 0.50"
    assert [(t.label, t.at) for t in chart.x_ticks] == [("0", 0.0), ("1", 25.0), ("2", 50.0),
                                                        ("3", 75.0), ("4", 100.0)]
    assert chart.table[1] == (1, ("0.25", "0.50"))
    assert chart.y_label_width > 3 * 7  # room for "1.0" beside the plot


def test_day_labels_never_crowd_and_a_launch_phase_is_shaded():
    from webapp.charts import line_chart

    chart = line_chart(_figures({"a": [float(d % 3) for d in range(21)]}), shade_days=5)
    assert [t.label for t in chart.x_ticks] == ["0", "5", "10", "15", "20"]
    assert chart.shade_x == (4 + 5) / 2 / 20 * 1000  # half-way between days 4 and 5
    single = line_chart(_figures({"a": [0.3]}), shade_days=5)
    assert single.series[0].points[0].x == 500.0 and single.shade_x is None


def test_interval_bands_with_three_seeds_or_more_and_few_arms():
    from webapp.charts import line_chart

    means = [0.2, 0.4, 0.6, 0.8]
    chart = line_chart(_figures({"a": means, "b": [0.3] * 4}, spread=0.05, seeds=3))
    a = chart.series[0]
    assert chart.has_band and a.band and a.band.count(",") == 8  # along the top, back below
    upper, lower = a.band.split(" ")[:4], a.band.split(" ")[4:]
    assert [float(p.split(",")[1]) for p in upper] < [pt.y for pt in a.points]  # above the line
    assert len(lower) == 4
    # Three seeds at mean - 0.05, mean, mean + 0.05: a t-interval of 4.303 x 0.05 / sqrt(3).
    assert a.points[0].text == "0.200 ± 0.124"
    # Two seeds: the interval (12.7 standard errors) is in the numbers, not drawn.
    two = line_chart(_figures({"a": means}, spread=0.05, seeds=2))
    assert not two.has_band and two.series[0].points[0].text == "0.200 ± 0.635"
    # Eight arms' bands would cover each other: none.
    many = line_chart(_figures({f"arm{i}": [v + i / 10 for v in means] for i in range(8)},
                               spread=0.05, seeds=3))
    assert not many.has_band and [s.style for s in many.series][-1] == "s-8"
    # A band much wider than the lines' own spread would squash them: not drawn either.
    wide = line_chart(_figures({"a": [0.50, 0.51, 0.52]}, spread=0.3, seeds=3))
    assert not wide.has_band and wide.y_ticks[-1].value < 0.6
    # A share's band stops at 1 (and a figure that is never negative, at 0).
    share = line_chart(_figures({"a": [0.8, 0.9, 0.97]}, spread=0.02, seeds=3),
                       bounds=(0.0, 1.0))
    assert share.has_band and share.y_ticks[-1].value == 1.0
    assert min(float(p.split(",")[1]) for p in share.series[0].band.split(" ")) == 0.0
    unbounded = line_chart(_figures({"a": [0.8, 0.9, 0.97]}, spread=0.02, seeds=3))
    assert unbounded.y_ticks[-1].value > 1.0
    rare = line_chart(_figures({"a": [0.02, 0.1, 0.2]}, spread=0.02, seeds=3))
    assert rare.has_band and rare.y_ticks[0].value == 0.0


def test_missing_values_are_left_out_and_a_metric_no_arm_has_is_na():
    from webapp.charts import line_chart, run_charts

    chart = line_chart(_figures({"model": [None, 0.4, 0.6], "none": [None, None, None]}))
    model, none = chart.series
    assert [p.day for p in model.points] == [1, 2] and none.empty and not none.line
    assert chart.table == ((1, ("0.400", "n/a")), (2, ("0.600", "n/a")))
    assert [c.day for c in chart.columns] == [1, 2]
    assert line_chart(_figures({"a": [None, None]})) is None
    rows = [{"seed": 1, "arm": "a", "day": 0, "m": 0.5, "n": None},
            {"seed": 2, "arm": "a", "day": 0, "m": float("nan"), "n": None}]
    charts = run_charts(rows, ["m", "n"], ["a"])
    assert charts["n"] is None and charts["m"].series[0].points[0].text == "0.500"


def test_many_arms_are_drawn_as_small_multiples_with_bands():
    """More than BAND_MAX_ARMS arms: a panel per arm on a shared axis, every arm's band drawn
    (three seeds), one band too wide for the axis cut at its edge instead of dropped."""
    from webapp.charts import BAND_MAX_ARMS, PANEL_H, line_chart

    arms = {f"arm{i}": [0.1 * i + 0.02 * d for d in range(4)] for i in range(BAND_MAX_ARMS + 2)}
    figures = _figures(arms, spread=0.01, seeds=3)
    chart = line_chart(figures, multiples=True)
    assert chart.multiples and chart.height == PANEL_H and chart.has_band
    assert all(s.band for s in chart.series)
    assert line_chart(figures).has_band is False  # one plot with six arms: no bands
    # A wild arm whose interval is far wider than the lines' spread: the axis stays near
    # the lines, and its band stops at the axis' edges (0 and PANEL_H).
    wild = _figures({**arms, "wild": [0.3, 0.3, 0.3, 0.3]}, spread=5.0, seeds=3)
    chart = line_chart({**figures, "wild": wild["wild"]}, multiples=True)
    band = [float(v) for pt in chart.series[-1].band.split() for v in pt.split(",")[1:]]
    assert min(band) == 0.0 and max(band) == PANEL_H
    assert chart.y_ticks[-1].value < 2.0


def test_run_page_draws_panels_for_many_arms(make_viewer, database, tmp_path):
    from simulator.studies.metrics import METRICS

    arms = [f"arm-{i}" for i in range(6)]
    rows = [{"seed": seed, "arm": arm, "day": day, **{m: 0.1 * i + 0.01 * seed + 0.05 * day
                                                      for m in METRICS},
             "homogenization": None, "homogenization_taste": None}
            for seed in (1, 2, 3) for i, arm in enumerate(arms) for day in range(3)]
    (tmp_path / "metrics.json").write_text(json.dumps(rows))
    (tmp_path / "summary.json").write_text(json.dumps({
        "name": "six", "profiles": 5, "days": 3, "titles": 50, "seeds": [1, 2, 3],
        "arms": {a: {} for a in arms}}))
    with database.write() as s:
        run = ExperimentRun(name="six", status="done", progress=1.0,
                            config={"arms": [{"name": a} for a in arms]},
                            results_dir=str(tmp_path), created_at=TEST_NOW)
        s.add(run)
        s.flush()
        run_id = run.id
    teacher = make_viewer("panels@example.com", role="educator")
    doc = soup(teacher.client.get(f"/educator/runs/{run_id}"))
    card = doc.select_one("figure#chart-coverage")
    assert "run-chart--multiples" in card["class"]
    panels = card.select(".run-chart__panel")
    assert [p["data-arm"] for p in panels] == arms
    for panel in panels:  # its own line and band, the other five in grey, its own dots
        assert [p["data-arm"] for p in panel.select("polyline.line-chart__line")] == \
            [panel["data-arm"]]
        assert len(panel.select("polygon.line-chart__band")) == 1
        assert len(panel.select("polyline.line-chart__ghost")) == 5
        assert {d["data-arm"] for d in panel.select(".line-chart__dot")} == {panel["data-arm"]}
    assert len(card.select("details.chart-numbers thead th")) == 7  # the table: every arm
    # 3 seeds: a warning; homogenization: n/a with the reason.
    assert "fewer than 5" in doc.select_one(".run__seeds-warning").text
    na = doc.select_one("#chart-homogenization .run-chart__na-mark")
    assert "ideal arm" in na["title"]
