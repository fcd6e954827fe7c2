"""The Top picks model: beats popularity, deterministic, vectorized scoring == Surprise."""

import numpy as np

from recommender.evaluate import (
    compare,
    model_scorer,
    popularity_scorer,
    ranking_metrics,
    split_holdout,
)
from recommender.train import TrainParams, fit_surprise, fit_top_picks, training_rows
from tests.recommender import synth


def test_top_picks_beats_popularity_by_20_percent_on_held_out_ndcg():
    inter, ids, _ = synth.world(seed=3)
    train, test = split_holdout(inter, seed=0)
    model = fit_top_picks(train, ids, TrainParams())
    ours = ranking_metrics(model_scorer(model), train, test, ids)["ndcg@10"]
    pop = ranking_metrics(popularity_scorer(train, ids), train, test, ids)["ndcg@10"]
    assert ours >= 1.2 * pop, (ours, pop)


def test_training_is_deterministic():
    inter, ids, _ = synth.world(seed=5, n_users=80, n_items=150)
    a = fit_top_picks(inter, ids, TrainParams(epochs=10))
    b = fit_top_picks(inter, ids, TrainParams(epochs=10))
    for name in ("bu", "pu", "bi", "qi", "prior"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
    c = fit_top_picks(inter, ids, TrainParams(epochs=10, seed=7))
    assert not np.array_equal(a.qi, c.qi)


def test_vectorized_ranking_equals_surprise_predict_ranking():
    inter, ids, _ = synth.world(seed=5, n_users=60, n_items=120)
    params = TrainParams(epochs=10, prior_weight=0.0)
    algo, trainset = fit_surprise(*training_rows(inter, ids, params), params)
    from recommender.train import _to_model

    model = _to_model(algo, trainset, ids, np.zeros(ids.size), 0.0)
    user = int(inter.users[0])
    known = [int(trainset.to_raw_iid(i)) for i in range(trainset.n_items)]
    bu, pu = model.user_vector(user)
    vec = model.scores(bu, pu)[model.item_positions(known)]
    # Surprise clips predictions to the rating scale; compare unclipped estimates.
    slow = np.array([algo.predict(user, i, clip=False).est for i in known])
    assert np.allclose(vec, slow)
    assert [known[j] for j in np.argsort(-vec, kind="stable")[:20]] == \
        [known[j] for j in np.argsort(-slow, kind="stable")[:20]]


def test_compare_reports_every_baseline_side_by_side():
    inter, ids, _ = synth.world(seed=3, n_users=120)
    report = compare(inter, ids, TrainParams(epochs=15))
    assert set(report) == {"production", "rating_svd", "popularity", "random", "split"}
    for name in ("production", "rating_svd", "popularity", "random"):
        row = report[name]
        assert 0.0 <= row["ndcg@10"] <= 1.0 and 0.0 < row["coverage"] <= 1.0
        assert row["fit_seconds"] >= 0.0
    assert report["production"]["rmse"] is not None and report["popularity"]["rmse"] is None
    assert report["production"]["ndcg@10"] > report["random"]["ndcg@10"]
    # The plain rating SVD ranks worse than the model trained for ranking.
    assert report["production"]["ndcg@10"] > report["rating_svd"]["ndcg@10"]
