"""The SVD family (recommender/models/svd.py): sampled negatives, determinism, vectorized
scoring == Surprise, and a held-out margin over popularity. (Moved from the retired
recommender/train.py's tests.)"""

import numpy as np

from recommender import models
from recommender.evaluate import model_scorer, ranking_metrics, split_holdout
from recommender.models.base import TrainingData, signal_of
from recommender.models.svd import (
    SvdParams,
    negative_samples,
    sampling_weights,
    to_serving,
    train_surprise,
)
from tests.recommender import synth


def test_negative_samples_are_untouched_titles_in_the_asked_ratio_and_seeded():
    users = np.array([1, 1, 1, 2, 2, 3], np.int64)
    items = np.array([10, 11, 12, 10, 13, 14], np.int64)
    item_ids = np.arange(10, 60, dtype=np.int64)
    p = sampling_weights(np.ones(item_ids.size), 0.0)
    neg_u, neg_i = negative_samples(users, items, item_ids, 2.0, p, np.random.default_rng(0))
    for u in (1, 2, 3):
        drawn = neg_i[neg_u == u]
        assert drawn.size == 2 * int((users == u).sum())  # `ratio` per touched title
        assert not set(drawn.tolist()) & set(items[users == u].tolist())  # never touched
        assert drawn.size == np.unique(drawn).size
    again = negative_samples(users, items, item_ids, 2.0, p, np.random.default_rng(0))
    assert np.array_equal(again[0], neg_u) and np.array_equal(again[1], neg_i)


def test_negative_sampling_leans_to_popular_titles_only_when_asked():
    counts = np.r_[np.full(5, 100.0), np.zeros(45)]
    assert np.allclose(sampling_weights(counts, 0.0), 1 / 50)
    weighted = sampling_weights(counts, 1.0)
    assert weighted[:5].sum() > 0.9 and np.isclose(weighted.sum(), 1.0)
    users = np.repeat(np.arange(1, 201, dtype=np.int64), 1)
    items = np.full(200, 59, np.int64)
    item_ids = np.arange(10, 60, dtype=np.int64)
    _, drawn = negative_samples(users, items, item_ids, 3.0, weighted, np.random.default_rng(1))
    assert np.isin(drawn, item_ids[:5]).mean() > 0.5


def test_training_is_deterministic():
    inter, ids, _ = synth.world(seed=5, n_users=80, n_items=150)
    params = models.default_params("svd", epochs=10)
    a = models.fit("svd", inter, ids, params)
    b = models.fit("svd", inter, ids, params)
    for name in ("bu", "pu", "bi", "qi"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
    c = models.fit("svd", inter, ids, models.default_params("svd", epochs=10, seed=7))
    assert not np.array_equal(a.qi, c.qi)


def test_vectorized_ranking_equals_surprise_predict_ranking():
    inter, ids, _ = synth.world(seed=5, n_users=60, n_items=120)
    params = SvdParams(epochs=10, factors=16)
    data = TrainingData.build(inter, ids, signal_of(params))
    algo, trainset, counts = train_surprise(data, params)
    model = to_serving(algo, trainset, ids, counts, params)
    user = int(inter.users[0])
    known = [int(trainset.to_raw_iid(i)) for i in range(trainset.n_items)]
    bu, pu = model.user_vector(user)
    vec = model.scores(model.state(bu, pu))[model.item_positions(known)]
    # Surprise clips predictions to the rating scale; compare unclipped estimates.
    slow = np.array([algo.predict(user, i, clip=False).est for i in known])
    assert np.allclose(vec, slow)
    assert [known[j] for j in np.argsort(-vec, kind="stable")[:20]] == \
        [known[j] for j in np.argsort(-slow, kind="stable")[:20]]


def test_svd_beats_popularity_by_20_percent_on_held_out_ndcg():
    inter, ids, _ = synth.world(seed=3)
    train, test = split_holdout(inter, seed=0)
    ndcg = {name: ranking_metrics(model_scorer(models.fit(name, train, ids), train), train,
                                  test, ids)["ndcg@10"] for name in ("svd", "popularity")}
    assert ndcg["svd"] >= 1.2 * ndcg["popularity"], ndcg
