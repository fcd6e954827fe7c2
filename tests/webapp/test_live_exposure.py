"""Live experiments on the home page: the variant is applied, and exposure is logged only
when the variants would show the profile different pages (control included)."""

from __future__ import annotations

from sqlalchemy import select

from core import experiments as ex
from core.models import LiveExposure
from tests.conftest import TEST_NOW, soup
from webapp.home import running_experiments


def _start(database, app, name, variants, layer="home"):
    with database.write() as s:
        exp = ex.create(s, {"name": name, "primary_metric": "watch_minutes", "layer": layer,
                            "salt": name, "variants": variants}, TEST_NOW)
        ex.start(s, exp, TEST_NOW)
        exp_id = exp.id
    with app.app_context():
        running_experiments().clear()
    return exp_id


def _exposures(database):
    with database.read() as s:
        return s.execute(select(LiveExposure.experiment_id, LiveExposure.profile_id,
                                LiveExposure.variant)).all()


def test_a_variant_that_changes_nothing_for_the_profile_logs_no_exposure(viewer, database,
                                                                         app):
    # No model serves in the tests: switching the recommender off changes nobody's page.
    _start(database, app, "model-off", [
        {"name": "control", "weight": 1, "sets": {}},
        {"name": "no-model", "weight": 1, "sets": {"model": "none"}}])
    assert viewer.client.get("/home").status_code == 200
    assert _exposures(database) == []


def _genre_rows(page) -> list[str]:
    keys = [s["hx-get"].rsplit("/", 1)[1] for s in soup(page).select("section[hx-get]")]
    return [k for k in keys if k.startswith("genre-")]


def test_a_variant_that_changes_the_rows_exposes_the_profile_whatever_its_arm(
        make_viewer, kids_viewer, database, app):
    exp_id = _start(database, app, "no-genres", [
        {"name": "control", "weight": 1, "sets": {}},
        {"name": "no-genres", "weight": 1, "sets": {"genre_rows": "0"}}])
    with database.read() as s:
        exp = ex.running(s)[0]
    viewers = [make_viewer(f"v{i}@example.com") for i in range(6)] + [kids_viewer]
    arms = {v.profile_id: exp.variant_for(v.profile_id).name for v in viewers}
    assert set(arms.values()) == {"control", "no-genres"}  # both arms among them
    for v in viewers:
        page = v.client.get("/home")
        assert page.status_code == 200
        if not v.profile_id == kids_viewer.profile_id:  # kids get their own genre rows
            assert (_genre_rows(page) == []) == (arms[v.profile_id] == "no-genres")
        lazy = v.client.get("/home/rows/trending")  # a lazy row of the same page
        assert lazy.status_code in (200, 404)
    # Every profile (kids too, control too) saw or would have seen a different page.
    assert {p: arm for e, p, arm in _exposures(database) if e == exp_id} == arms
    viewers[0].client.get("/home")  # idempotent: still one row each
    assert len(_exposures(database)) == len(viewers)


def test_an_aa_experiment_exposes_at_the_home_page(viewer, database, app):
    exp_id = _start(database, app, "aa", [
        {"name": "a", "weight": 1, "sets": {}}, {"name": "b", "weight": 1, "sets": {}}])
    assert _exposures(database) == []
    viewer.client.get("/home")
    assert [(e, p) for e, p, _ in _exposures(database)] == [(exp_id, viewer.profile_id)]
