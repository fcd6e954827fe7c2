"""Held-out measurement: a documented split, ranking and rating metrics, baselines side by side.

Split: for every profile with at least `min_rows` signals, a seeded random 20% of its signals
is held out (the rest trains). A held-out title is relevant when its preference is >= 0.5.
Ranking: each profile's top 10 among titles it did not touch in training; precision@10,
recall@10, NDCG@10 averaged over profiles with a relevant held-out title; coverage = share of the
catalog appearing in anyone's top 10; popularity = mean training popularity (share of profiles
that wanted the title) of what was recommended. Rating: RMSE/MAE on held-out thumbs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from recommender.data import Interactions
from recommender.model import FactorModel
from recommender.train import (
    RELEVANT,
    TrainParams,
    fit_rating_svd,
    fit_top_picks,
    popularity_prior,
    timed,
)

K = 10
Scorer = Callable[[np.ndarray], np.ndarray]  # user ids -> (users x items) scores


def split_holdout(inter: Interactions, frac: float = 0.2, seed: int = 0,
                  min_rows: int = 3) -> tuple[Interactions, Interactions]:
    rng = np.random.default_rng(seed)
    test = np.zeros(len(inter), bool)
    order = np.argsort(inter.users, kind="stable")
    users = inter.users[order]
    starts = np.flatnonzero(np.r_[True, users[1:] != users[:-1]]) if users.size else []
    ends = np.r_[starts[1:], users.size] if users.size else []
    for s, e in zip(starts, ends, strict=True):
        n = e - s
        if n < min_rows:
            continue
        n_test = max(1, int(round(frac * n)))
        test[order[s + rng.permutation(n)[:n_test]]] = True
    return inter.subset(~test), inter.subset(test)


def model_scorer(model: FactorModel) -> Scorer:
    def score(users: np.ndarray) -> np.ndarray:
        rows = np.array([model.user_index(u) if model.user_index(u) is not None else -1
                         for u in users])
        bu = np.where(rows >= 0, model.bu[rows], 0.0)
        pu = np.where((rows >= 0)[:, None], model.pu[rows], 0.0)
        return (model.global_mean + bu[:, None] + model.bi[None, :] + pu @ model.qi.T
                + model.prior_weight * model.prior[None, :])
    return score


def popularity_scorer(train: Interactions, item_ids: np.ndarray) -> Scorer:
    prior = popularity_prior(train, item_ids)
    return lambda users: np.broadcast_to(prior, (len(users), item_ids.size)).copy()


def random_scorer(item_ids: np.ndarray, seed: int) -> Scorer:
    rng = np.random.default_rng(seed)
    return lambda users: rng.random((len(users), item_ids.size))


def _positions(item_ids: np.ndarray, items: np.ndarray) -> np.ndarray:
    return np.searchsorted(item_ids, items)


def ranking_metrics(score: Scorer, train: Interactions, test: Interactions,
                    item_ids: np.ndarray, k: int = K) -> dict[str, float]:
    rel = test.subset(test.pref >= RELEVANT)
    users = np.unique(rel.users)
    if users.size == 0:
        return {"precision@10": 0.0, "recall@10": 0.0, "ndcg@10": 0.0, "coverage": 0.0,
                "popularity": 0.0, "profiles": 0}
    wanted = np.bincount(_positions(item_ids, train.items[train.pref >= RELEVANT]),
                         minlength=item_ids.size) / max(np.unique(train.users).size, 1)
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    prec, rec, ndcg, shown, pops = [], [], [], set(), []
    for start in range(0, users.size, 512):
        batch = users[start:start + 512]
        s = np.array(score(batch), dtype=np.float64)
        row_of = {int(u): n for n, u in enumerate(batch)}
        seen = np.isin(train.users, batch)
        s[[row_of[int(u)] for u in train.users[seen]],
          _positions(item_ids, train.items[seen])] = -np.inf
        top = np.argpartition(-s, min(k, s.shape[1] - 1), axis=1)[:, :k]
        top = np.take_along_axis(top, np.argsort(-np.take_along_axis(s, top, 1), 1), 1)
        for n, u in enumerate(batch):
            truth = set(_positions(item_ids, rel.items[rel.users == u]).tolist())
            hits = np.array([t in truth for t in top[n]], float)
            prec.append(hits.sum() / k)
            rec.append(hits.sum() / len(truth))
            ndcg.append((hits * discounts).sum() / discounts[:min(len(truth), k)].sum())
            shown.update(top[n].tolist())
            pops.append(float(wanted[top[n]].mean()))
    return {"precision@10": float(np.mean(prec)), "recall@10": float(np.mean(rec)),
            "ndcg@10": float(np.mean(ndcg)), "coverage": len(shown) / item_ids.size,
            "popularity": float(np.mean(pops)), "profiles": int(users.size)}


def rating_errors(model: FactorModel, test: Interactions) -> dict[str, float | None]:
    rated = test.subset(test.explicit)
    if len(rated) == 0:
        return {"rmse": None, "mae": None}
    pos = model.item_positions(rated.items)
    preds = np.empty(len(rated))
    for n, (u, p) in enumerate(zip(rated.users, pos, strict=True)):
        vec = model.user_vector(int(u))
        bu, pu = vec if vec else (0.0, np.zeros(model.n_factors))
        preds[n] = model.scores(bu, pu)[p] if p >= 0 else model.global_mean + bu
    err = np.clip(preds, 0.0, 1.0) - rated.pref
    return {"rmse": float(np.sqrt(np.mean(err ** 2))), "mae": float(np.mean(np.abs(err)))}


def holdout_metrics(inter: Interactions, item_ids: np.ndarray, params: TrainParams,
                    seed: int = 0) -> dict[str, float]:
    """The model card's figures: the Top picks model vs popularity on one split."""
    train, test = split_holdout(inter, seed=seed)
    model = fit_top_picks(train, item_ids, params)
    ours = ranking_metrics(model_scorer(model), train, test, item_ids)
    pop = ranking_metrics(popularity_scorer(train, item_ids), train, test, item_ids)
    return {**ours, "popularity_ndcg@10": pop["ndcg@10"], **rating_errors(model, test)}


def compare(inter: Interactions, item_ids: np.ndarray, params: TrainParams,
            seed: int = 0) -> dict[str, dict]:
    """`streamsim evaluate`: production model, rating SVD, popularity and random, one split."""
    item_ids = np.asarray(item_ids, np.int64)
    train, test = split_holdout(inter, seed=seed)
    report: dict[str, dict] = {}
    model, secs = timed(fit_top_picks, train, item_ids, params)
    report["production"] = {**ranking_metrics(model_scorer(model), train, test, item_ids),
                            **rating_errors(model, test), "fit_seconds": secs}
    if train.explicit.any():
        plain, secs = timed(fit_rating_svd, train, item_ids, params)
        report["rating_svd"] = {**ranking_metrics(model_scorer(plain), train, test, item_ids),
                                **rating_errors(plain, test), "fit_seconds": secs}
    pop, secs = timed(popularity_scorer, train, item_ids)
    report["popularity"] = {**ranking_metrics(pop, train, test, item_ids),
                            "rmse": None, "mae": None, "fit_seconds": secs}
    rnd = random_scorer(item_ids, seed)
    report["random"] = {**ranking_metrics(rnd, train, test, item_ids),
                        "rmse": None, "mae": None, "fit_seconds": 0.0}
    report["split"] = {"train": len(train), "test": len(test), "seed": seed,
                       "method": "per-profile random 80/20"}
    return report
