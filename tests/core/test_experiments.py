"""Live experiments as data: validation, the layer rule, hashed assignment, idempotent
exposure."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from scipy import stats
from sqlalchemy import select

from core import accounts
from core import experiments as ex
from core.models import LiveExperiment, LiveExposure
from tests.conftest import TEST_NOW


def fields(name="Rows test", layer="home", salt="s1", **changes) -> dict:
    out = {"name": name, "hypothesis": "Fewer genre rows, more plays", "layer": layer,
           "salt": salt, "primary_metric": "watch_minutes", "guardrails": ["completion"],
           "variants": [{"name": "control", "weight": 50, "sets": {}},
                        {"name": "treatment", "weight": 50, "sets": {"genre_rows": "2"}}]}
    return out | changes


def running(salt="s1", weights=(50, 50), population="all", share=1.0,
            started=TEST_NOW) -> ex.Running:
    variants = tuple(ex.Variant(f"v{i}", w, ()) for i, w in enumerate(weights))
    return ex.Running(1, "x", "home", salt, population, share, started, variants,
                      ex.cuts(weights))


def test_buckets_are_uniform_over_100k_ids():
    counts = np.bincount([ex.bucket("uniform", pid) % 100 for pid in range(1, 100_001)],
                         minlength=100)
    assert stats.chisquare(counts).pvalue > 0.001


def test_assignment_follows_the_weights_is_sticky_and_a_new_salt_rerandomises():
    exp = running(weights=(70, 30))
    first = [exp.variant_for(pid).name for pid in range(1, 20_001)]
    assert first.count("v0") / len(first) == pytest.approx(0.7, abs=0.015)
    again = running(weights=(70, 30))  # another process, another day: the same
    assert [again.variant_for(pid).name for pid in range(1, 20_001)] == first
    half, other = running(salt="a"), running(salt="b")
    moved = np.mean([half.variant_for(p).name != other.variant_for(p).name
                     for p in range(1, 20_001)])
    assert moved == pytest.approx(0.5, abs=0.02)  # independent halves: half move


def test_population_new_profiles_and_a_share():
    new = running(population="new")
    assert new.variant_for(1, TEST_NOW - timedelta(days=1)) is None
    assert new.variant_for(1, TEST_NOW + timedelta(minutes=1)) is not None
    share = running(population="share", share=0.2)
    inside = np.mean([share.variant_for(p) is not None for p in range(1, 20_001)])
    assert inside == pytest.approx(0.2, abs=0.015)


@pytest.mark.parametrize("change, field", [
    ({"name": ""}, "name"),
    ({"primary_metric": "revenue"}, "primary_metric"),
    ({"guardrails": ["nope"]}, "guardrails"),
    ({"variants": [{"name": "only", "weight": 1, "sets": {}}]}, "variants"),
    ({"variants": [{"name": "a", "weight": 1, "sets": {"model": "gpt"}},
                   {"name": "b", "weight": 1, "sets": {}}]}, "variants"),
    ({"variants": [{"name": "a", "weight": 1, "sets": {"colour": "red"}},
                   {"name": "b", "weight": 1, "sets": {}}]}, "variants"),
    ({"variants": [{"name": "a", "weight": 0, "sets": {}},
                   {"name": "b", "weight": 1, "sets": {}}]}, "variants"),
    ({"layer": "everything"}, "layer"),
    ({"population": "share", "share": 0}, "share"),
])
def test_bad_fields_are_refused_naming_the_field(change, field):
    with pytest.raises(ex.ExperimentError) as err:
        ex.normalise(fields(**change))
    assert err.value.field == field


def test_sets_are_stored_complete():
    v = ex.normalise(fields())["variants"]
    assert v[1]["sets"] == {"model": "serving", "genre_rows": "2", "artwork": "default"}


def test_two_running_experiments_may_not_share_a_layer(database):
    with database.write() as s:
        a = ex.create(s, fields("A"), TEST_NOW)
        b = ex.create(s, fields("B"), TEST_NOW)
        c = ex.create(s, fields("C", layer="artwork"), TEST_NOW)
        ex.start(s, a, TEST_NOW)
        with pytest.raises(ex.ExperimentError, match="'A' is running in the 'home' layer"):
            ex.start(s, b, TEST_NOW)
        ex.start(s, c, TEST_NOW)  # another layer: fine
        assert [r.name for r in ex.running(s)] == ["A", "C"]
        ex.stop(s, a, TEST_NOW)
        ex.start(s, b, TEST_NOW)
        assert b.state == "running" and a.state == "stopped"
        with pytest.raises(ex.ExperimentError):
            ex.stop(s, a, TEST_NOW)  # stopped stays stopped


def test_exposure_keeps_the_first_time_and_is_idempotent(database):
    with database.write() as s:
        account = accounts.create_account(s, "e@example.com", "correct horse battery",
                                          TEST_NOW)
        pid = accounts.create_profile(s, account, TEST_NOW, name="P").id
        exp = ex.create(s, fields(), TEST_NOW)
        ex.start(s, exp, TEST_NOW)
        snap = ex.running(s)[0]
        assigned = ex.assign([snap], pid)
        ex.record_exposures(s, ex.exposure_values(assigned, pid, TEST_NOW))
        ex.record_exposures(s, ex.exposure_values(assigned, pid,
                                                  TEST_NOW + timedelta(hours=1)))
        exp_id = exp.id
    with database.read() as s:
        rows = s.execute(select(LiveExposure.profile_id, LiveExposure.variant,
                                LiveExposure.first_exposed_at)).all()
        assert rows == [(pid, assigned[0].variant.name, TEST_NOW)]
        assert s.get(LiveExperiment, exp_id).state == "running"


def test_running_cache_reads_again_after_its_ttl(database):
    t = [0.0]
    cache = ex.RunningCache(ttl_s=5.0, clock=lambda: t[0])
    with database.write() as s:
        assert cache.get(s) == ()
        exp = ex.create(s, fields(), TEST_NOW)
        ex.start(s, exp, TEST_NOW)
        assert cache.get(s) == ()  # kept for 5 s
        t[0] = 5.0
        assert [r.name for r in cache.get(s)] == ["Rows test"]
