"""Simulated viewers go through the site's assignment and exposure: a seeded population fills
a running live experiment, and its results can be analysed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core import experiments as ex
from core.models import Impression, LiveExperiment, LiveExposure, ProfileTruth
from simulator.studies.live_results import analyse
from simulator.studies.seed import seed_history
from tests.conftest import TEST_NOW

DAYS = 4


def _experiment(database, name, variants, started):
    with database.write() as s:
        exp = ex.create(s, {"name": name, "primary_metric": "watch_minutes", "salt": name,
                            "guardrails": ["ctr", "completion", "abandonment", "plays",
                                           "return_rate"],
                            "variants": variants}, started)
        ex.start(s, exp, started)
        return exp.id


def test_a_seeded_population_fills_a_live_experiment(database):
    start = TEST_NOW - timedelta(days=DAYS)
    exp_id = _experiment(database, "sim-genres", [
        {"name": "control", "weight": 1, "sets": {}},
        {"name": "no-genres", "weight": 1, "sets": {"genre_rows": "0"}}],
        start + timedelta(days=1))  # the first simulated day comes before the start
    seed_history(database, 40, DAYS, 3, TEST_NOW, n_titles=300, model_from_day=None)
    with database.read() as s:
        exposed = s.execute(select(LiveExposure.profile_id, LiveExposure.variant,
                                   LiveExposure.first_exposed_at)).all()
        simulated = set(s.scalars(select(ProfileTruth.profile_id)))
        snap = ex.Running.of(s.get(LiveExperiment, exp_id))
        # Those in the treatment were shown no genre rows once it started.
        treated = [p for p, v, _ in exposed if v == "no-genres"]
        genre_rows = s.scalar(select(func.count()).select_from(Impression).where(
            Impression.profile_id.in_(treated), Impression.row_key.like("genre-%"),
            Impression.shown_at >= start + timedelta(days=1)))
        before = s.scalar(select(func.count()).select_from(Impression).where(
            Impression.row_key.like("genre-%"), Impression.shown_at < start + timedelta(days=1)))
    assert len(exposed) >= 15
    assert {p for p, _, _ in exposed} <= simulated
    for pid, variant, when in exposed:  # the site's hash decided each simulated viewer's arm
        assert snap.variant_for(pid).name == variant
        assert when >= start + timedelta(days=1)
    assert {v for _, v, _ in exposed} == {"control", "no-genres"}
    assert genre_rows == 0 and before > 0
    with database.read() as s:
        result = analyse(s, s.get(LiveExperiment, exp_id), TEST_NOW)
    assert result["exposed"] == len(exposed)
    assert [v["exposed"] for v in result["variants"]] == [
        sum(v == n for _, v, _ in exposed) for n in ("control", "no-genres")]
    rows = result["comparisons"][0]["rows"]
    assert [r["metric"] for r in rows] == ["watch_minutes", "abandonment", "completion", "ctr",
                                           "plays", "return_rate"]
    assert all(r["test"] is not None and 0 <= r["holm_p"] <= 1 for r in rows)
    assert result["truth_enjoyment"] is not None and not result["is_aa"]


def test_an_experiment_started_later_leaves_earlier_days_alone(database):
    exp_id = _experiment(database, "later", [
        {"name": "a", "weight": 1, "sets": {}}, {"name": "b", "weight": 1, "sets": {}}],
        TEST_NOW + timedelta(days=3))
    seed_history(database, 12, 2, 3, TEST_NOW, n_titles=300, model_from_day=None)
    with database.read() as s:
        assert s.scalar(select(func.count()).select_from(LiveExposure)
                        .where(LiveExposure.experiment_id == exp_id)) == 0
