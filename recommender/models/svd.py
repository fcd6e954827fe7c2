"""Surprise's SVD, the product's own model, trained for ranking rather than rating.

A rating SVD learns "how many stars"; ranking every title by that puts obscure titles with a
few high ratings first. Here every kept signal is a target of 1 ("chose it"), thumbs down and
other signals below `min_pref` are targets of 0, and for each profile `neg_ratio` times as many
titles it never touched are drawn as 0 targets, uniformly (`neg_alpha` 0) or mildly weighted
by popularity (`neg_alpha` > 0: a popular title a profile passed over says a little more than
an obscure one it never saw). SGD then fits mu + b_u + b_i + p_u . q_i to those targets.
Surprise has no sample weights, so a signal's weight can repeat its row (`max_repeats`).

A new profile is folded in by ridge regression against the fixed item factors, with negatives
drawn the same way (recommender/foldin.py).
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass

import numpy as np
from surprise import SVD, Trainset

from recommender.model import ServingModel
from recommender.models.base import SignalParams, SimpleFamily, TrainingData


@dataclass(frozen=True)
class SvdParams(SignalParams):
    factors: int = 64
    epochs: int = 40
    lr: float = 0.01
    reg: float = 0.02
    init_std: float = 0.1
    neg_ratio: float = 5.0
    neg_alpha: float = 0.0
    max_repeats: int = 1
    weight_unit: float = 1.5
    seed: int = 42
    _: KW_ONLY
    pref_gain: float = 0.0


def trainset_from_arrays(users: np.ndarray, items: np.ndarray, targets: np.ndarray,
                         reps: np.ndarray) -> Trainset:
    """A Surprise Trainset built straight from arrays (no pandas, no files)."""
    uniq_u, inner_u = np.unique(users, return_inverse=True)
    uniq_i, inner_i = np.unique(items, return_inverse=True)
    ur: dict[int, list] = {u: [] for u in range(uniq_u.size)}
    ir: dict[int, list] = {i: [] for i in range(uniq_i.size)}
    n = 0
    for u, i, r, k in zip(inner_u.tolist(), inner_i.tolist(), targets.tolist(), reps.tolist(),
                          strict=True):
        for _ in range(k):
            ur[u].append((i, r))
            ir[i].append((u, r))
            n += 1
    return Trainset(ur, ir, uniq_u.size, uniq_i.size, n, (0.0, 1.0),
                    {int(x): k for k, x in enumerate(uniq_u)},
                    {int(x): k for k, x in enumerate(uniq_i)})


def sampling_weights(counts: np.ndarray, alpha: float) -> np.ndarray:
    """Probability of drawing each title as a negative: (count + 1) ** alpha, normalised."""
    p = (np.asarray(counts, np.float64) + 1.0) ** alpha
    return p / p.sum()


def negative_samples(users: np.ndarray, items: np.ndarray, item_ids: np.ndarray, ratio: float,
                     p: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(users, items) of titles each profile never touched, `ratio` per touched title."""
    cdf = np.cumsum(p)
    order = np.argsort(users, kind="stable")
    users, items = users[order], items[order]
    starts = np.flatnonzero(np.r_[True, users[1:] != users[:-1]]) if users.size else []
    ends = np.r_[starts[1:], users.size] if users.size else []
    out_u, out_i = [], []
    for s, e in zip(starts, ends, strict=True):
        want = int(round(ratio * (e - s)))
        if want <= 0:
            continue
        pick = np.searchsorted(cdf, rng.random(want * 2 + 8), side="right")
        draw = item_ids[np.minimum(pick, item_ids.size - 1)]
        draw = np.unique(draw[~np.isin(draw, items[s:e])])
        draw = rng.permutation(draw)[:want]
        out_u.append(np.full(draw.size, users[s], dtype=np.int64))
        out_i.append(draw)
    if not out_u:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(out_u), np.concatenate(out_i)


def log_popularity(counts: np.ndarray) -> np.ndarray:
    scaled = np.log1p(np.asarray(counts, np.float64))
    top = scaled.max() if scaled.size else 0.0
    return scaled / top if top > 0 else scaled


def fit_svd(data: TrainingData, params: SvdParams) -> ServingModel:
    algo, trainset, counts = train_surprise(data, params)
    return to_serving(algo, trainset, data.item_ids, counts, params)


def train_surprise(data: TrainingData, params: SvdParams) -> tuple[SVD, Trainset, np.ndarray]:
    """Surprise's own fitted SVD (and its Trainset), before it becomes arrays."""
    inter = data.inter
    if len(inter) == 0:
        raise ValueError("no training signals: nothing to learn from yet")
    rng = np.random.default_rng(params.seed)
    counts = data.item_counts()
    neg_u, neg_i = negative_samples(inter.users, inter.items, data.item_ids, params.neg_ratio,
                                    sampling_weights(counts, params.neg_alpha), rng)
    chose = data.signal.keep(inter)
    reps = np.clip(np.rint(inter.weight / params.weight_unit), 1, params.max_repeats)
    trainset = trainset_from_arrays(
        np.r_[inter.users, neg_u], np.r_[inter.items, neg_i],
        np.r_[chose.astype(np.float64), np.zeros(neg_u.size)],
        np.r_[reps, np.ones(neg_u.size)].astype(np.int64))
    algo = SVD(n_factors=params.factors, n_epochs=params.epochs, lr_all=params.lr,
               reg_all=params.reg, init_std_dev=params.init_std, random_state=params.seed)
    algo.fit(trainset)
    return algo, trainset, counts


def to_serving(algo: SVD, trainset: Trainset, item_ids: np.ndarray, counts: np.ndarray,
               params: SvdParams) -> ServingModel:
    k = algo.n_factors
    user_ids = np.array([trainset.to_raw_uid(u) for u in range(trainset.n_users)], np.int64)
    order = np.argsort(user_ids)
    raw_items = np.array([trainset.to_raw_iid(i) for i in range(trainset.n_items)], np.int64)
    pos = np.searchsorted(item_ids, raw_items)
    bi, qi = np.zeros(item_ids.size), np.zeros((item_ids.size, k))
    bi[pos], qi[pos] = algo.bi, algo.qi
    return ServingModel(global_mean=float(trainset.global_mean), user_ids=user_ids[order],
                        item_ids=item_ids, bu=np.asarray(algo.bu)[order],
                        pu=np.asarray(algo.pu)[order], bi=bi, qi=qi,
                        prior=log_popularity(counts), prior_weight=0.0,
                        card={"foldin": {"method": "ridge", "reg": 0.5,
                                         "neg_ratio": params.neg_ratio,
                                         "neg_alpha": params.neg_alpha}})


SVD_FAMILY = SimpleFamily("svd", "Your taste (SVD)", SvdParams,
                          ({"factors": 64, "reg": 0.02}, {"factors": 32, "reg": 0.02},
                           {"factors": 64, "reg": 0.05}, {"factors": 64, "neg_ratio": 3.0},
                           {"factors": 64, "min_pref": 0.5}),
                          fit_svd)
