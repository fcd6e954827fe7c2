"""The experiment designer: clone, edit, sweep and save a design (educators only); the same
checks as `streamsim simulate`, each refusal shown beside its field; safe file names."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from core.models import ExperimentRun
from simulator.studies import design, worker
from simulator.studies.experiment import load_config, normalise
from tests.conftest import csrf_from, soup

TINY = {"name": "Tiny loop", "profiles": 12, "days": 2, "titles": 60, "seeds": [1],
        "explore_days": 1, "warmup_days": 1,
        "arms": [{"name": "popularity-daily", "policy": "popularity"},
                 {"name": "random", "policy": "random"}]}


@pytest.fixture
def teacher(make_viewer, app):
    """An educator; the designs folder is emptied after the test (the app is shared)."""
    folder = design.designs_dir(app.config["STREAMSIM"].instance_dir)
    yield make_viewer("designer@example.com", role="educator")
    shutil.rmtree(folder, ignore_errors=True)


def _posted(cfg: dict, slug: str = "tiny-loop", **changes) -> dict:
    """What the form posts for `cfg`, with `changes` (form field names) applied."""
    from webapp.designer import form_data

    data = form_data(normalise(cfg), slug=slug).to_dict()
    data.update({k: str(v) for k, v in changes.items()})
    return data


def _post(client, data: dict, action: str = "save"):
    token = csrf_from(client.get("/educator/designs/new?from=feedback_loop"))
    return client.post("/educator/designs/", data={**data, "csrf_token": token,
                                                  "action": action})


def _field_errors(response) -> dict[str, str]:
    """Input name -> the error shown beside it."""
    doc = soup(response)
    out = {}
    for box in doc.select(".field--error"):
        control = box.select_one("input, select, textarea")
        out[control["name"]] = " ".join(e.get_text(" ", strip=True) for e in box.select(".error"))
        assert control["aria-invalid"] == "true"
    return out


def test_clone_a_shipped_experiment(teacher):
    page = soup(teacher.client.get("/educator/designs/new?from=feedback_loop"))
    cfg = load_config(worker.shipped_configs()["feedback_loop"])
    assert page.select_one("input[name=slug]")["value"] == "feedback-loop-copy"
    assert page.select_one("input[name=name]")["value"] == f"{cfg['name']} (copy)"
    names = [i["value"] for i in page.select("input[name$='-name'][name^='arms-']")]
    assert names == [a["name"] for a in cfg["arms"]]
    assert page.select_one("input[name='arms-2-epsilon']")["value"] == "0.2"
    assert page.select_one("input[name=seeds]")["value"] == "1, 2, 3, 4, 5"
    assert not page.select(".designer__seeds-warning")  # five seeds: no warning
    # Every experiment card offers its clone; the nav links the designer and the glossary.
    index = soup(teacher.client.get("/educator/"))
    links = [a["href"] for a in index.select(".experiment-card__actions a")]
    assert "/educator/designs/new?from=feedback_loop" in links
    assert index.select_one(".educator__nav a[href='/educator/designs/new']")
    assert teacher.client.get("/educator/designs/new?from=nope").status_code == 404


@pytest.mark.parametrize("changes, field, message", [
    ({"days": "0"}, "days", "days must be a whole number from 1 to 365"),
    ({"days": "many"}, "days", "'many' is not a whole number"),
    ({"profiles": "1"}, "profiles", "profiles must be a whole number from 2"),
    ({"titles": "999999"}, "titles", "titles must be a whole number from 20 to 20000"),
    ({"seeds": "1, two"}, "seeds", "Seeds are whole numbers"),
    ({"seeds": "3, 3"}, "seeds", "must not repeat"),
    ({"explore_days": "5"}, "explore_days", "cannot be more than the run's days"),
    ({"start": "yesterday"}, "start", "start must be a date"),
    ({"arms-0-epsilon": "1.5"}, "arms-0-epsilon", "epsilon (the exploration share) must be"),
    ({"arms-1-new_per_day": "-2"}, "arms-1-new_per_day", "new_per_day must be a whole number"),
    ({"arms-0-retrain": "weekly"}, "arms-0-retrain", "retrain must be daily, warmup, never"),
    ({"arms-1-name": "../evil"}, "arms-1-name", "letters, digits"),
    ({"arms-1-name": "popularity-daily"}, "arms-1-name", "must be unique"),
    ({"arms-0-rows": "60"}, "arms-0-rows", "rows must be a whole number from 1 to 50"),
    ({"arms-0-artwork": "clickbait"}, "arms-0-artwork", "Not a valid choice"),
    ({"slug": "../../etc/passwd"}, "slug", "lowercase letters, digits and single hyphens"),
    ({"slug": "Bad Name"}, "slug", "lowercase letters"),
])
def test_bad_values_are_refused_beside_their_field(teacher, app, changes, field, message):
    response = _post(teacher.client, _posted(TINY, **changes))
    assert response.status_code == 422
    errors = _field_errors(response)
    assert list(errors) == [field] and message in errors[field], errors
    assert not design.saved_designs(design.designs_dir(app.config["STREAMSIM"].instance_dir))


def test_the_cli_refuses_what_the_form_refuses(app, tmp_path):
    """The form's checks are the loader's: a file with the same bad value is refused by
    `streamsim simulate`, with the same message."""
    from webapp.cli.sim import simulate

    bad = tmp_path / "bad.toml"
    bad.write_text(design.to_toml(TINY).replace("epsilon = 0.0", "epsilon = 1.5", 1))
    out = app.test_cli_runner().invoke(simulate, [str(bad)])
    assert out.exit_code != 0
    assert "epsilon (the exploration share) must be a number from 0 to 1" in out.output


def test_a_saved_design_is_a_toml_file_the_cli_runs(teacher, app, database, tmp_path):
    response = _post(teacher.client, _posted(TINY))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        "/educator/?config=saved:tiny-loop&saved=tiny-loop#start")
    folder = design.designs_dir(app.config["STREAMSIM"].instance_dir)
    path = folder / "tiny-loop.toml"
    assert design.saved_designs(folder) == {"tiny-loop": path}
    assert path.read_text().startswith("# An experiment designed on the educator pages")
    # The loader the CLI uses reads back exactly the config the form described.
    assert load_config(path) == normalise(TINY)
    # It is in the picker, chosen, with a note; quick is not ticked; one seed: a warning.
    page = soup(teacher.client.get(response.headers["Location"]))
    picker = page.select_one("form.educator__start select[name=config]")
    assert picker.select_one("option[selected]")["value"] == "saved:tiny-loop"
    assert "tiny-loop" in page.select_one(".educator__saved").text
    assert not page.select_one("form.educator__start input[name=quick]").has_attr("checked")
    assert not page.select_one("[data-seeds-warning]").has_attr("hidden")
    card = page.select_one(".experiment-card[data-experiment='saved:tiny-loop']")
    assert "instance/experiments/tiny-loop.toml" in card.select_one("code").text
    # Saving again under the same file name from a new design is refused; editing it is not.
    again = _post(teacher.client, _posted(TINY))
    assert again.status_code == 422 and "already called tiny-loop" in _field_errors(again)["slug"]
    edit = soup(teacher.client.get("/educator/designs/tiny-loop"))
    assert edit.select_one("input[name=editing]")["value"] == "tiny-loop"
    assert _post(teacher.client, _posted(TINY, editing="tiny-loop", days=3)).status_code == 303
    assert load_config(path)["days"] == 3
    # `streamsim simulate FILE` runs it.
    from webapp.cli.sim import simulate

    out = app.test_cli_runner().invoke(simulate, [str(path), "--out", str(tmp_path / "out")])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "out" / "summary.json").is_file()


def test_starting_a_saved_design_queues_its_config(teacher, app, database):
    _post(teacher.client, _posted(TINY, slug="mine"))
    launched = []
    app.extensions["streamsim.launch"] = launched.append
    try:
        page = soup(teacher.client.get("/educator/"))
        token = page.select_one("form.educator__start input[name=csrf_token]")["value"]
        r = teacher.client.post("/educator/runs", data={"csrf_token": token,
                                                        "config": "saved:mine"})
        assert r.status_code == 303 and launched
    finally:
        del app.extensions["streamsim.launch"]
    with database.read() as s:
        run = s.scalars(select(ExperimentRun).order_by(ExperimentRun.id.desc())).first()
    assert run.config == normalise(TINY) and run.results_dir.endswith("-saved-mine")
    detail = soup(teacher.client.get(r.headers["Location"]))
    assert "fewer than 5" in detail.select_one(".run__seeds-warning").text


def test_a_sweep_expands_into_one_arm_per_value(teacher):
    data = _posted(TINY, sweep_arm=0, sweep_param="epsilon", sweep_values="0, 0.1, 0.3, 0.5",
                   baseline="popularity-daily")
    response = _post(teacher.client, data, action="sweep")
    assert response.status_code == 200
    page = soup(response)
    names = [i["value"] for i in page.select("input[name^='arms-'][name$='-name']")]
    assert names == ["popularity-daily-eps0", "popularity-daily-eps0.1",
                     "popularity-daily-eps0.3", "popularity-daily-eps0.5", "random"]
    eps = [i["value"] for i in page.select("input[name^='arms-'][name$='-epsilon']")]
    assert eps == ["0", "0.1", "0.3", "0.5", "0"]
    retrain = [i["value"] for i in page.select("input[name^='arms-'][name$='-retrain']")]
    assert retrain == ["daily"] * 5  # everything else copied
    # The baseline followed the swept arm to its first copy.
    assert page.select_one("select[name=baseline] option[selected]")["value"] == \
        "popularity-daily-eps0"
    # A bad list is refused beside its field.
    bad = _post(teacher.client, {**data, "sweep_values": "0.1"}, action="sweep")
    assert bad.status_code == 422 and "at least two values" in _field_errors(bad)["sweep_values"]
    bad = _post(teacher.client, {**data, "sweep_values": "0.1, lots"}, action="sweep")
    assert "'lots' is not a value" in _field_errors(bad)["sweep_values"]


def test_sweep_arms_and_expand_sweep():
    arm = {"name": "popularity-explore", "policy": "popularity", "epsilon": 0.2,
           "new_per_day": 3}
    arms = design.sweep_arms(arm, "epsilon", design.parse_values("epsilon", "0, 0.1,0.5"))
    assert [(a["name"], a["epsilon"], a["new_per_day"]) for a in arms] == [
        ("popularity-explore-eps0", 0.0, 3), ("popularity-explore-eps0.1", 0.1, 3),
        ("popularity-explore-eps0.5", 0.5, 3)]
    assert [a["name"] for a in design.sweep_arms(arm, "artwork", ["default", "matched"])] == \
        ["popularity-explore-art-default", "popularity-explore-art-matched"]
    cfg = design.expand_sweep({**TINY, "baseline": "random"}, 1, "retrain", ["daily", 7])
    assert [a["name"] for a in normalise(cfg)["arms"]] == [
        "popularity-daily", "random-retrain-daily", "random-retrain7"]
    assert cfg["baseline"] == "random-retrain-daily"
    with pytest.raises(ValueError, match="must differ"):
        design.parse_values("new_per_day", "1, 1")


def test_add_and_remove_arms_keep_what_was_typed(teacher):
    data = _posted(TINY, **{"arms-1-epsilon": "not yet a number"})
    added = soup(_post(teacher.client, data, action="add_arm"))
    names = [i["value"] for i in added.select("input[name^='arms-'][name$='-name']")]
    assert names == ["popularity-daily", "random", "arm-3"]
    assert added.select_one("input[name='arms-1-epsilon']")["value"] == "not yet a number"
    removed = soup(_post(teacher.client, data, action="remove-0"))
    assert [i["value"] for i in removed.select("input[name^='arms-'][name$='-name']")] == \
        ["random"]
    assert removed.select_one("input[name='arms-0-epsilon']")["value"] == "not yet a number"
    assert _post(teacher.client, data, action="remove-9").status_code == 400
    assert _post(teacher.client, data, action="explode").status_code == 400


def test_unsafe_design_names_never_reach_the_disk(teacher, tmp_path):
    for url in ("/educator/designs/..%2F..%2Fetc%2Fpasswd", "/educator/designs/Nope",
                "/educator/designs/missing", "/educator/designs/new?from=saved:../x"):
        assert teacher.client.get(url).status_code == 404, url
    for slug in ("../x", "a/b", "x-", "", "a" * 61, "con.toml"):
        with pytest.raises(ValueError):
            design.design_path(tmp_path, slug)
    assert design.design_path(tmp_path, "ok-2") == (tmp_path / "ok-2.toml").resolve()
    # A file in the folder whose name is no slug is never listed (nor offered).
    (tmp_path / "Not A Slug.toml").write_text("x")
    assert design.saved_designs(tmp_path) == {}


def test_a_hand_edited_design_the_checks_refuse_is_shown_not_a_500(teacher, app):
    folder = design.designs_dir(app.config["STREAMSIM"].instance_dir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "broken.toml").write_text('name = "x"\ndays = 0\n[[arms]]\npolicy = "random"\n')
    page = teacher.client.get("/educator/")
    assert page.status_code == 200
    card = soup(page).select_one(".experiment-card[data-experiment='saved:broken']")
    assert "days must be a whole number" in card.select_one(".warning").text
    assert teacher.client.get("/educator/designs/broken").status_code == 422
    token = csrf_from(page)
    assert teacher.client.post("/educator/runs", data={"csrf_token": token,
                                                       "config": "saved:broken"}
                               ).status_code == 400


def test_the_designer_is_for_educators_only(viewer, client):
    for c in (viewer.client, client):
        assert c.get("/educator/designs/new").status_code == 404
        assert c.get("/educator/glossary").status_code == 404


def test_glossary_page_and_hover_help_beside_every_metric(teacher, database, tmp_path):
    """Every metric row of the run page's tables (means and paired differences) and every chart
    has a "?" whose hover text is its glossary entry and whose link lands on that entry."""
    from simulator.studies.glossary import GLOSSARY
    from simulator.studies.metrics import METRICS
    from tests.webapp.test_educator import _run

    glossary = soup(teacher.client.get("/educator/glossary"))
    entries = {a["id"]: a for a in glossary.select("article.glossary__entry")}
    assert {"interval", "paired"} <= set(entries)
    run_id = _run(database, tmp_path)
    page = soup(teacher.client.get(f"/educator/runs/{run_id}"))
    for selector in ("table.educator__summary tr[data-metric]",
                     "table.educator__paired tr[data-metric]", "figure.run-chart"):
        rows = page.select(selector)
        assert [r["data-metric"] for r in rows] == list(METRICS), selector
        for row in rows:
            key = row["data-metric"]
            link = row.select_one("a.gloss")
            assert link["href"] == f"/educator/glossary#{key}", selector
            assert link["title"] == GLOSSARY[key].hover
            assert key in entries and GLOSSARY[key].computed in entries[key].get_text()
    assert page.select_one("a[href='/educator/glossary#interval']")
    assert page.select_one("a[href='/educator/glossary#paired']")
