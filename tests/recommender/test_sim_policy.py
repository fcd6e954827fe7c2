"""The simulator's svd policy: registered through the plugin loader, trained on plays, by the
production rule (default) or one family; unknown models and options are refused."""

from types import SimpleNamespace

import numpy as np
import pytest

from recommender.sim_policy import check_options
from simulator.studies.policies import DayLog, Retraining, make_policy, policy_names
from tests.recommender import synth


def _catalog(n=400):
    ids = np.arange(1, n + 1, dtype=np.int64)
    return SimpleNamespace(title_ids=ids, prior_popularity=np.linspace(1.0, 0.0, n),
                           index={int(t): i for i, t in enumerate(ids)})


def _plays(inter, users=None):
    keep = np.ones(len(inter), bool) if users is None else np.isin(inter.users, users)
    return [(int(u), int(i), min(float(p), 1.0), None) for u, i, p in
            zip(inter.users[keep], inter.items[keep], inter.pref[keep], strict=True)]


def _hits(policy, inter, utility, cands, users=range(1, 41)) -> int:
    """Titles of each profile's true top 50 (not yet seen) in the policy's top 10."""
    hits = 0
    for u in users:
        seen = set(inter.items[inter.users == u].tolist())
        truth = set((np.argsort(-utility[u - 1])[:50] + 1).tolist()) - seen
        mine = [t for t in policy.rank([u], cands, None)[0] if t not in seen][:10]
        hits += len(truth & set(mine))
    return hits


def test_svd_family_is_registered_and_learns_from_plays():
    assert "svd" in policy_names()
    inter, ids, utility = synth.world(seed=4, n_users=120, n_items=400, per_user=25)
    policy = make_policy("svd", _catalog(), Retraining("daily"), model="svd", epochs=15,
                         factors=8)
    assert policy.params.epochs == 15 and policy.params.factors == 8
    cold = policy.rank([1], ids, None)[0]
    assert list(cold[:5]) == [1, 2, 3, 4, 5]  # untrained: public popularity
    policy.on_day_end(DayLog(day=0, plays=_plays(inter)))
    assert policy.trainings == 1 and policy.chosen == "svd"
    ranked = policy.rank([1, 2], ids, None)
    assert not np.array_equal(ranked[0][:10], ranked[1][:10])
    vectors = policy.user_vectors([1, 2, 9999])
    assert vectors.shape == (3, 8) and not vectors[2].any()
    # Its top 10 for a profile holds more of that profile's true top-50 than popularity's.
    popularity = make_policy("svd", _catalog(), Retraining("never"))
    assert _hits(policy, inter, utility, ids) > _hits(popularity, inter, utility, ids)


def test_production_rule_picks_a_champion_and_serves_every_profile_with_signals():
    inter, ids, utility = synth.world(seed=4, n_users=120, n_items=400, per_user=25)
    policy = make_policy("svd", _catalog(), Retraining("daily"), epochs=10)
    assert policy.rule["grids"]["svd"] == [{"factors": 32, "epochs": 10}]
    assert "popularity" in policy.rule["candidates"]
    # Profiles 101-120 start watching only after the first retrain: the model lacks them.
    policy.on_day_end(DayLog(day=0, plays=_plays(inter, np.arange(1, 101))))
    assert policy.model is not None and policy.chosen in ("svd", "als", "ease", "knn", "blend")
    assert policy.trained_round == 1
    policy.observe(_plays(inter, np.arange(101, 121)))  # a day without a retrain
    late = range(101, 121)
    scores = policy.scores(list(late))
    cold = np.tile(policy.cold, (len(late), 1))
    assert not np.allclose(scores, cold)  # folded in from their signals, not popularity
    # ... and served better than the popularity rows they had before.
    popularity = make_policy("svd", _catalog(), Retraining("never"))
    assert _hits(policy, inter, utility, ids, late) > _hits(popularity, inter, utility, ids,
                                                            late)
    assert np.allclose(policy.scores([9999])[0], policy.cold)  # no signals: cold start


@pytest.mark.parametrize("options, message", [
    ({"model": "deep"}, "unknown model 'deep'"),
    ({"model": "ease", "factors": 8}, "unknown parameter"),
    ({"lam": 5.0}, "unknown option"),
    ({"candidates": ["svd", "magic"]}, "candidates must name"),
])
def test_unknown_models_and_options_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        check_options(options)
    with pytest.raises(ValueError, match=message):
        make_policy("svd", _catalog(), Retraining("daily"), **options)
