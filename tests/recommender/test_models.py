"""The recommender family on small crafted data with known answers."""

import inspect

import numpy as np
import pytest
import scipy.sparse as sp

from recommender import models
from recommender.data import Interactions
from recommender.evaluate import (
    fold_count,
    selection_folds,
    selection_split,
    split_holdout,
    validation_folds,
    validation_split,
)
from recommender.foldin import fold_in
from recommender.model import neighbours_from_dense
from recommender.models.base import Signal, TrainingData, signal_of
from recommender.models.content import ContentParams
from recommender.models.dlae import dlae_weights
from recommender.models.ease import ease_weights
from recommender.models.knn import KnnParams, cosine
from recommender.state import user_state


def _inter(pairs, pref=1.0):
    users = np.array([u for u, _ in pairs], np.int64)
    items = np.array([i for _, i in pairs], np.int64)
    n = users.size
    return Interactions(users, items, np.full(n, pref), np.ones(n), np.zeros(n, bool))


def test_ease_equals_the_closed_form_on_a_5x5_matrix():
    rng = np.random.default_rng(0)
    x = (rng.random((5, 5)) > 0.4).astype(float)
    lam = 0.7
    g = x.T @ x + lam * np.eye(5)
    p = np.linalg.inv(g)
    expected = np.eye(5) - p / np.diag(p)  # B = I - P diag(1/diag(P)), diag(B) = 0
    np.fill_diagonal(expected, 0.0)
    assert np.allclose(ease_weights(sp.csr_matrix(x), lam), expected)
    # Kept with every neighbour, the served model scores exactly x @ B.
    pairs = [(u + 1, i + 1) for u, i in zip(*np.nonzero(x), strict=True)]
    model = models.fit("ease", _inter(pairs), np.arange(1, 6),
                       models.default_params("ease", lam=lam, min_count=1, pref_gain=0.0))
    data = TrainingData.build(_inter(pairs), np.arange(1, 6), Signal(pref_gain=0.0))
    got = model.score_batch(np.full(data.users.size, -1), data.matrix)
    assert np.allclose(got, x[data.users - 1] @ expected)


def test_knn_neighbours_are_the_hand_computed_ones():
    # Titles 1 and 2 share both their viewers; 3 shares one viewer with 2; 4 is alone.
    pairs = [(1, 1), (1, 2), (2, 1), (2, 2), (3, 2), (3, 3), (4, 4)]
    data = TrainingData.build(_inter(pairs), np.arange(1, 5))
    sim = cosine(data.matrix, shrink=0.0)
    assert np.isclose(sim[0, 1], 2 / (np.sqrt(2) * np.sqrt(3)))  # 2 shared / |x1| |x2|
    assert np.isclose(sim[1, 2], 1 / np.sqrt(3)) and sim[0, 2] == 0 and sim[3, :3].sum() == 0
    model = models.fit("knn", _inter(pairs), np.arange(1, 5),
                       KnnParams(k=1, shrink=0.0, min_count=1, pref_gain=0.0))
    assert model.item_ids[model.nbr_idx[0, 0]] == 2  # title 1's nearest is title 2
    assert model.item_ids[model.nbr_idx[2, 0]] == 2


def test_pruned_neighbours_keep_the_strongest_weights():
    w = np.array([[0.0, 0.1, -0.9, 0.3], [0.2, 0.0, 0.1, 0.0], [0.5, 0.4, 0.0, 0.6],
                  [0.0, 0.0, 0.0, 0.0]])
    idx, val = neighbours_from_dense(w, 2)
    order = np.argsort(idx[0])
    assert idx[0][order].tolist() == [2, 3] and np.allclose(val[0][order], [-0.9, 0.3])
    assert 2 not in idx[2].tolist()  # never a title's own neighbour


@pytest.mark.parametrize("emphasis", [False, True])
def test_dlae_and_edlae_equal_their_closed_forms_on_a_5x5_matrix(emphasis):
    rng = np.random.default_rng(3)
    x = (rng.random((8, 5)) > 0.4).astype(float)
    p, lam = 0.4, 0.7
    g = x.T @ x
    big_lambda = np.diag(p / (1 - p) * np.diag(g)) + lam * np.eye(5)
    if emphasis:  # EDLAE: EASE with Lambda for lam I, diag(B) = 0
        inv = np.linalg.inv(g + big_lambda)
        expected = np.eye(5) - inv / np.diag(inv)
        np.fill_diagonal(expected, 0.0)
    else:  # DLAE: B = (G + Lambda)^-1 G
        expected = np.linalg.solve(g + big_lambda, g)
    assert np.allclose(dlae_weights(sp.csr_matrix(x), p, lam, emphasis), expected)
    # Served with every neighbour, the model scores x @ B off the diagonal (the diagonal only
    # scores titles already in the history, which are never recommended).
    pairs = [(u + 1, i + 1) for u, i in zip(*np.nonzero(x), strict=True)]
    params = models.default_params("dlae", p=p, lam=lam, emphasis=emphasis, min_count=1,
                                   pref_gain=0.0)
    model = models.fit("dlae", _inter(pairs), np.arange(1, 6), params)
    data = TrainingData.build(_inter(pairs), np.arange(1, 6), Signal(pref_gain=0.0))
    got = model.score_batch(np.full(data.users.size, -1), data.matrix)
    np.fill_diagonal(expected, 0.0)
    assert np.allclose(got, x[data.users - 1] @ expected, atol=1e-5)
    assert model.family == "dlae" and model.card["params"]["p"] == p
    with pytest.raises(ValueError, match="dropout"):
        dlae_weights(sp.csr_matrix(x), 1.0, lam)


def _world(seed=1, users=60, items=40):
    """Two taste groups: group A watches titles 1-20, group B 21-40 (a few strays)."""
    rng = np.random.default_rng(seed)
    pairs = []
    for u in range(1, users + 1):
        lo = 1 if u % 2 else 21
        for i in rng.choice(np.arange(lo, lo + 20), 8, replace=False):
            pairs.append((u, int(i)))
        pairs.append((u, int(rng.integers(1, items + 1))))
    pairs = list(dict.fromkeys(pairs))
    return _inter(pairs), np.arange(1, items + 1)


SMALL = {"svd": {"factors": 4}, "als": {"factors": 4, "reg": 0.1}}  # 60 profiles: few factors


@pytest.mark.parametrize("name", ["svd", "als", "ease", "dlae", "knn", "blend"])
def test_every_personal_family_recommends_a_profiles_own_group(name):
    inter, item_ids = _world()
    if name == "blend":
        model = models.fit("blend", inter, item_ids, models.BlendParams("als", "ease", 0.5),
                           parts={"als": models.default_params("als", **SMALL["als"])})
    else:
        params = models.default_params(name, **SMALL.get(name, {}))
        model = models.fit(name, inter, item_ids, params)
    for pid in (1, 2):
        state, _ = user_state(model, pid, inter.for_user(pid))
        scores = model.scores(state)
        seen = model.item_positions(inter.for_user(pid).items)
        scores[seen] = -np.inf
        top = model.item_ids[np.argsort(-scores)[:5]]
        own = (top <= 20) if pid % 2 else (top > 20)
        assert own.mean() >= 0.8, (name, pid, top)


def test_als_fold_in_equals_the_trained_user_factors():
    """Folding a trained profile in again gives (nearly) the vector ALS learned for it."""
    inter, item_ids = _world()
    model = models.fit("als", inter, item_ids,
                       models.default_params("als", iterations=30, factors=8))
    for pid in (1, 2, 3):
        learned = model.user_vector(pid)[1]
        again = fold_in(model, inter.for_user(pid)).pu
        assert np.allclose(learned, again, rtol=0.05, atol=0.02)


def test_svd_fold_in_points_a_new_profile_at_its_group():
    inter, item_ids = _world()
    model = models.fit("svd", inter, item_ids)
    picks = _inter([(999, 3), (999, 5), (999, 7)])
    state, source = user_state(model, 999, picks)
    assert source == "fold-in"
    scores = model.scores(state)
    scores[model.item_positions(picks.items)] = -np.inf
    assert (model.item_ids[np.argsort(-scores)[:5]] <= 20).mean() >= 0.8


def test_popularity_serves_nothing_personal_and_random_is_reference_only():
    inter, item_ids = _world()
    pop = models.fit("popularity", inter, item_ids)
    assert user_state(pop, 1, inter.for_user(1)) == (None, "popularity")
    assert not models.FAMILIES["random"].servable


def test_the_validation_split_never_overlaps_the_test_part():
    inter, _ = _world(users=80)
    for seed in range(3):
        train, test = split_holdout(inter, seed=seed)
        folds = validation_folds(train, seed)
        assert len(folds) == 3  # small data: three validation splits are averaged
        held = set(zip(test.users.tolist(), test.items.tolist(), strict=True))
        for fit, val in folds:
            tuned_on = set(zip(np.r_[fit.users, val.users].tolist(),
                               np.r_[fit.items, val.items].tolist(), strict=True))
            assert held and not held & tuned_on
            assert len(fit) + len(val) == len(train)
        # The folds are different carvings; the first is validation_split's.
        vals = [set(zip(v.users.tolist(), v.items.tolist(), strict=True)) for _, v in folds]
        assert vals[0] != vals[1] != vals[2]
        assert vals[0] == set(zip(*(a.tolist() for a in (validation_split(train, seed)[1].users,
                                                          validation_split(train, seed)[1].items)),
                                  strict=True))


def test_choosing_averages_several_splits_only_on_small_data(monkeypatch):
    import recommender.evaluate as evaluate

    inter, _ = _world(users=80)
    assert fold_count(inter) == evaluate.SELECTION_FOLDS == 3
    first = selection_folds(inter)[0][1]
    again = selection_split(inter)[1]
    assert np.array_equal(first.users, again.users) and np.array_equal(first.items, again.items)
    monkeypatch.setattr(evaluate, "REPEAT_BELOW", len(inter))
    assert fold_count(inter) == 1 and len(selection_folds(inter)) == 1


def test_a_family_is_judged_by_its_mean_over_the_folds():
    from recommender.selection import _score, tune

    inter, item_ids = _world(users=80)
    folds = selection_folds(inter)
    tuned = tune("ease", folds, item_ids, grid=[{"lam": 50.0}])
    per_fold = [_score(m, fit, val, item_ids)["ndcg@10"]
                for m, (fit, val) in zip(tuned.fold_models, folds, strict=True)]
    assert len(tuned.fold_models) == 3 and len(set(per_fold)) > 1
    assert tuned.validation["ndcg@10"] == pytest.approx(np.mean(per_fold))


def test_two_item_item_models_blend_into_one_item_item_matrix():
    from recommender.models.blend import combine, spread_scale

    inter, item_ids = _world()
    data = TrainingData.build(inter, item_ids)
    a = models.fit("dlae", inter, item_ids)
    b = models.fit("knn", inter, item_ids)
    blend = combine(a, b, data, 0.25)
    assert blend.family == "blend" and not blend.has_factors
    assert blend.nbr_idx.shape[1] == a.nbr_idx.shape[1] + b.nbr_idx.shape[1]
    sa, sb = 0.75 * spread_scale(a, data), 0.25 * spread_scale(b, data)
    w = blend.neighbours().toarray()
    assert np.allclose(w, sa * a.neighbours().toarray() + sb * b.neighbours().toarray(),
                       atol=1e-5)
    for user in (1, 7):
        state, _ = user_state(blend, user, inter.for_user(user))
        sa_state, _ = user_state(a, user, inter.for_user(user))
        sb_state, _ = user_state(b, user, inter.for_user(user))
        assert np.allclose(blend.scores(state),
                           sa * a.scores(sa_state) + sb * b.scores(sb_state), atol=1e-4)
    refitted = models.fit("blend", inter, item_ids, models.BlendParams("dlae", "knn", 0.25))
    assert np.allclose(refitted.neighbours().toarray(), w, atol=1e-6)
    # Parts that read different signals cannot share one history: refused.
    c = models.fit("ease", inter, item_ids, models.default_params("ease", pref_gain=0.0))
    with pytest.raises(ValueError, match="same signal"):
        combine(a, c, data, 0.5)


def test_unknown_parameters_are_refused():
    with pytest.raises(ValueError, match="unknown parameter"):
        models.default_params("ease", lamda=3)


@pytest.mark.parametrize("params, signal", [
    (models.FAMILIES["popularity"].params, Signal(0.0, 1.0, 0.5)),
    (models.FAMILIES["random"].params, Signal(0.0, 0.0, 0.0)),
    (models.FAMILIES["svd"].params, Signal(0.0, 0.0, 0.0)),
    *[(models.FAMILIES[name].params, Signal(1.0, 0.0, 0.0))
      for name in ("als", "ease", "dlae", "knn")],
    (ContentParams, Signal(1.0, 0.0, 0.0)),
])
def test_every_familys_params_carry_its_signal_as_keywords_after_its_own(params, signal):
    parameters = inspect.signature(params).parameters.values()
    keyword_only = [p.name for p in parameters if p.kind is p.KEYWORD_ONLY]
    assert keyword_only == ["pref_gain", "weight_power", "min_pref"]
    assert signal_of(params()) == signal


def test_artifacts_round_trip_every_part_and_refuse_a_cut_or_flipped_file(tmp_path):
    from recommender import artifacts

    inter, item_ids = _world()
    model = models.fit("blend", inter, item_ids, models.BlendParams("als", "ease", 0.5))
    model.version = "v1"
    artifacts.save(tmp_path, model, {"trained_at": "2026-11-01T00:00:00"})
    back = artifacts.load(tmp_path, "v1")
    state, _ = user_state(back, 1, inter.for_user(1))
    mine, _ = user_state(model, 1, inter.for_user(1))
    assert back.family == "blend" and np.allclose(back.scores(state), model.scores(mine))
    raw = (tmp_path / "v1" / "factors.npz").read_bytes()
    for broken in (raw[: len(raw) // 2], raw[:100] + bytes([raw[100] ^ 0xFF]) + raw[101:]):
        (tmp_path / "v1" / "factors.npz").write_bytes(broken)
        with pytest.raises(artifacts.ArtifactError):
            artifacts.load(tmp_path, "v1")


def test_a_version_written_before_item_item_arrays_still_loads(tmp_path):
    import json

    from recommender import artifacts

    inter, item_ids = _world()
    model = models.fit("svd", inter, item_ids, models.default_params("svd", factors=4))
    folder = tmp_path / "old"
    folder.mkdir()
    np.savez(folder / "factors.npz", **{a: getattr(model, a) for a in artifacts.ARRAYS})
    (folder / "card.json").write_text(json.dumps({"n_factors": 4, "global_mean": 0.1,
                                                  "prior_weight": 0.0}))
    old = artifacts.load(tmp_path, "old")
    assert not old.has_neighbours and old.family == "svd"
    assert np.allclose(old.qi, model.qi)


def test_onboarding_picks_never_land_in_a_test_or_validation_part():
    inter, _ = _world(users=80)
    rng = np.random.default_rng(5)
    picked = np.zeros(len(inter), bool)
    for u in np.unique(inter.users):  # three picks per profile, as the onboarding page takes
        rows = np.flatnonzero(inter.users == u)
        picked[rng.choice(rows, min(3, rows.size), replace=False)] = True
    marked = Interactions(inter.users, inter.items, inter.pref, inter.weight, inter.explicit,
                          picked)
    for seed in range(3):
        for split in (split_holdout(marked, seed=seed), selection_split(marked)):
            train, held = split
            assert len(held) and not held.picked.any()
            assert train.picked.sum() == picked.sum()
            fit, val = validation_split(train, seed)
            assert len(val) and not val.picked.any() and fit.picked.sum() == picked.sum()
    # Without picks the split is the plain per-profile one, row for row (MovieLens unchanged):
    # each profile's rows in id order, a seeded permutation, the first 20% held out.
    rng, held = np.random.default_rng(1), np.zeros(len(inter), bool)
    for u in np.unique(inter.users):
        rows = np.flatnonzero(inter.users == u)
        if rows.size >= 3:
            held[rows[rng.permutation(rows.size)[:max(1, round(0.2 * rows.size))]]] = True
    got = split_holdout(inter, seed=1)[1]
    assert set(zip(got.users.tolist(), got.items.tolist(), strict=True)) == set(
        zip(inter.users[held].tolist(), inter.items[held].tolist(), strict=True))
