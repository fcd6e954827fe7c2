"""The cold-start study's educator page: 404 for everyone else, bad input refused with the
field named (4xx, never 5xx), a run queued for the worker, then its table, paired differences
and chart by number of picks."""

from __future__ import annotations

from sqlalchemy import select

from core.models import ExperimentRun
from tests.conftest import soup

TINY = {"picks": "0,3,10", "seeds": "1,2", "profiles": "6", "history_profiles": "20",
        "history_days": "2", "titles": "100"}


def _post(client, **values):
    page = soup(client.get("/educator/coldstart/"))
    token = page.select_one("form.coldstart__form input[name=csrf_token]")["value"]
    return client.post("/educator/coldstart/", data={"csrf_token": token, **TINY, **values})


def test_everyone_but_educators_gets_404(viewer, client):
    for url in ("/educator/coldstart/", "/educator/coldstart/1"):
        assert viewer.client.get(url).status_code == 404
        assert client.get(url).status_code == 404
    assert viewer.client.post("/educator/coldstart/", data=TINY).status_code in (400, 404)


def test_bad_values_are_refused_with_the_field_named(make_viewer, app, database):
    launched = []
    app.extensions["streamsim.launch"] = launched.append
    try:
        teacher = make_viewer("cold@example.com", role="educator")
        for values, named in (({"picks": "0,x"}, "picks"), ({"picks": "0,30"}, "picks"),
                              ({"picks": "3,3"}, "picks"), ({"seeds": ""}, "seeds"),
                              ({"seeds": "1,2,3,4,5,6,7,8,9,10,11"}, "seeds"),
                              ({"profiles": "100000"}, "profiles"),
                              ({"titles": "ten"}, "Titles")):
            r = _post(teacher.client, **values)
            assert r.status_code == 422, values
            alert = soup(r).select_one(".form-errors").get_text(" ", strip=True)
            assert named.lower() in alert.lower(), (values, alert)
        no_token = teacher.client.post("/educator/coldstart/", data=TINY)
        assert no_token.status_code == 400
        assert teacher.client.get("/educator/coldstart/999999").status_code == 404
    finally:
        del app.extensions["streamsim.launch"]
    assert launched == []
    with database.read() as s:
        assert s.scalars(select(ExperimentRun)).first() is None


def test_a_queued_study_runs_in_the_worker_and_shows_its_figures(make_viewer, app, database,
                                                                  tmp_path):
    from simulator.studies import runs

    launched = []
    app.extensions["streamsim.launch"] = launched.append
    try:
        teacher = make_viewer("cold2@example.com", role="educator")
        r = _post(teacher.client)
        assert r.status_code == 303
    finally:
        del app.extensions["streamsim.launch"]
    assert launched == [app.config["STREAMSIM"].results_dir]
    with database.read() as s:
        run = s.scalars(select(ExperimentRun)).one()
        run_id = run.id
        assert run.config["kind"] == "coldstart" and run.config["picks"] == [0, 3, 10]
    waiting = soup(teacher.client.get(r.headers["Location"]))
    assert waiting.select_one("#run-status")["hx-trigger"] == "every 2s"
    # The experiment list links every run alike: a cold-start run goes to its own page.
    moved = teacher.client.get(f"/educator/runs/{run_id}")
    assert moved.status_code == 303 and moved.headers["Location"].endswith(
        f"/educator/coldstart/{run_id}")

    assert runs.work(database, tmp_path, limit=1) == 1
    with database.read() as s:
        run = s.get(ExperimentRun, run_id)
        assert (run.status, run.error) == ("done", "")
    page = soup(teacher.client.get(f"/educator/coldstart/{run_id}"))
    assert [th.text for th in page.select("table.coldstart__table thead th")][1:] == \
        ["0 picks", "3 picks", "10 picks"]  # in number order, not the JSON's string order
    rows = [tr["data-row"] for tr in page.select("table.coldstart__table tbody tr")]
    assert rows == ["onboarding", "prior", "popular", "random", "model_alone",
                    "content_alone"]
    # Every row has hover help from the glossary, and two seeds give intervals.
    assert all(tr.select_one("a.gloss[title]")
               for tr in page.select("table.coldstart__table tbody tr"))
    assert "±" in page.select_one("table.coldstart__table tbody td").text
    paired = {tr["data-versus"]: [td.get_text(" ", strip=True) for td in tr.select("td")]
              for tr in page.select("table.coldstart__paired tbody tr")}
    assert set(paired) == {"vs_popular", "vs_random", "vs_no_picks", "wins"}
    assert paired["vs_no_picks"][0] == "–" and "[" in paired["vs_no_picks"][2]
    chart = page.select_one("figure#chart-coldstart")
    assert len(chart.select("polyline.line-chart__line")) == 4
    assert [g["data-day"] for g in chart.select("g.line-chart__day")] == ["0", "3", "10"]
    assert chart.select_one(".line-chart__x-title").text == "Onboarding picks"
    assert chart.select_one("details.chart-numbers thead th").text == "Picks"
    fragment = teacher.client.get(f"/educator/coldstart/{run_id}",
                                  headers={"HX-Request": "true"})
    assert fragment.headers["HX-Refresh"] == "true"
    listing = soup(teacher.client.get("/educator/coldstart/"))
    assert listing.select_one(f"a[href='/educator/coldstart/{run_id}']")
