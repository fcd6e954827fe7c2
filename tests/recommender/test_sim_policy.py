"""The simulator's svd policy: registered through the plugin loader, trained on plays."""

from types import SimpleNamespace

import numpy as np

from simulator.policies import DayLog, Retraining, make_policy, policy_names
from tests.recommender import synth


def _catalog(n=400):
    ids = np.arange(1, n + 1, dtype=np.int64)
    return SimpleNamespace(title_ids=ids, prior_popularity=np.linspace(1.0, 0.0, n),
                           index={int(t): i for i, t in enumerate(ids)})


def test_svd_is_registered_and_learns_from_plays():
    assert "svd" in policy_names()
    inter, ids, utility = synth.world(seed=4, n_users=120, n_items=400, per_user=25)
    policy = make_policy("svd", _catalog(), Retraining("daily"), epochs=15, factors=8)
    assert policy.params.epochs == 15 and policy.params.factors == 8
    cands = ids.copy()
    cold = policy.rank([1], cands, None)[0]
    assert list(cold[:5]) == [1, 2, 3, 4, 5]  # untrained: public popularity
    plays = [(int(u), int(i), min(float(p), 1.0), None) for u, i, p in
             zip(inter.users, inter.items, inter.pref, strict=True)]
    policy.on_day_end(DayLog(day=0, plays=plays))
    assert policy.trainings == 1
    ranked = policy.rank([1, 2], cands, None)
    assert not np.array_equal(ranked[0][:10], ranked[1][:10])
    vectors = policy.user_vectors([1, 2, 9999])
    assert vectors.shape == (3, 8) and not vectors[2].any()
    # Its top 10 for a profile holds more of that profile's true top-50 than popularity's.
    hits_svd = hits_pop = 0
    for u in range(1, 41):
        seen = set(inter.items[inter.users == u].tolist())
        truth = set((np.argsort(-utility[u - 1])[:50] + 1).tolist()) - seen
        mine = [t for t in policy.rank([u], cands, None)[0] if t not in seen][:10]
        pop = [t for t in cold if t not in seen][:10]
        hits_svd += len(truth & set(mine))
        hits_pop += len(truth & set(pop))
    assert hits_svd > hits_pop
