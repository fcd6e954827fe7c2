"""Fitting Surprise's SVD to the signals, for the job the row has to do.

A plain rating SVD learns "how much would this profile rate it"; ranking every title by that
puts obscure titles with a few high ratings first and loses to a popularity list. The "Top
picks" model instead learns "will this profile watch and enjoy it": every signal is a target on
a 0..1 scale and, for each profile, `neg_ratio` times as many titles it never touched are
sampled (seeded) as 0 targets. At scoring time a popularity prior is blended in.

Surprise has no sample weights, so a signal's confidence weight becomes repetitions of its row
(1..`max_repeats`) in the training set: SGD visits it that many times per epoch.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import numpy as np
from surprise import SVD, Trainset

from core.settings import Settings
from recommender.data import Interactions
from recommender.model import FactorModel

RELEVANT = 0.5  # a preference at or above this counts as "wanted" in ranking metrics


@dataclass(frozen=True)
class TrainParams:
    factors: int = 16
    epochs: int = 40
    lr: float = 0.03
    reg: float = 0.05
    init_std: float = 0.1
    neg_ratio: float = 5.0
    neg_alpha: float = 1.0
    max_repeats: int = 3
    weight_unit: float = 1.5
    prior_weight: float = 0.5
    seed: int = 42

    def as_dict(self) -> dict:
        return asdict(self)


def params_from(settings: Settings, **changes) -> TrainParams:
    base = TrainParams(factors=settings.rec_factors, epochs=settings.rec_epochs,
                       prior_weight=settings.rec_prior_weight)
    return TrainParams(**{**base.as_dict(), **changes})


def popularity_prior(inter: Interactions, item_ids: np.ndarray) -> np.ndarray:
    """log(1 + profiles that wanted the title), scaled to 0..1, aligned with item_ids."""
    wanted = inter.items[inter.pref >= RELEVANT]
    pos = np.searchsorted(item_ids, wanted)
    ok = (pos < item_ids.size) & (item_ids[np.clip(pos, 0, item_ids.size - 1)] == wanted)
    counts = np.bincount(pos[ok], minlength=item_ids.size).astype(np.float64)
    scaled = np.log1p(counts)
    top = scaled.max() if scaled.size else 0.0
    return scaled / top if top > 0 else scaled


def negative_samples(inter: Interactions, item_ids: np.ndarray, ratio: float,
                     rng: np.random.Generator, alpha: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(users, items) of sampled titles each profile never touched, `ratio` per signal."""
    users_out, items_out = [], []
    # Popular titles are drawn more often (popularity ** alpha): a popular title a profile
    # skipped says more than an obscure one it never saw, and the prior adds popularity back.
    counts = np.bincount(np.searchsorted(item_ids, inter.items), minlength=item_ids.size)
    p = (counts + 1.0) ** alpha
    cdf = np.cumsum(p / p.sum())
    order = np.argsort(inter.users, kind="stable")
    users, items = inter.users[order], inter.items[order]
    starts = np.flatnonzero(np.r_[True, users[1:] != users[:-1]])
    ends = np.r_[starts[1:], users.size]
    for s, e in zip(starts, ends, strict=True):
        want = int(round(ratio * (e - s)))
        if want <= 0:
            continue
        pick = np.searchsorted(cdf, rng.random(want * 2 + 4), side="right")
        draw = item_ids[np.minimum(pick, item_ids.size - 1)]
        draw = draw[~np.isin(draw, items[s:e])]
        draw = np.unique(draw)[:want] if draw.size else draw
        users_out.append(np.full(draw.size, users[s], dtype=np.int64))
        items_out.append(draw)
    if not users_out:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(users_out), np.concatenate(items_out)


def _trainset(users: np.ndarray, items: np.ndarray, targets: np.ndarray,
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


def fit_surprise(users, items, targets, reps, params: TrainParams) -> tuple[SVD, Trainset]:
    trainset = _trainset(users, items, targets, reps)
    algo = SVD(n_factors=params.factors, n_epochs=params.epochs, lr_all=params.lr,
               reg_all=params.reg, init_std_dev=params.init_std, random_state=params.seed)
    algo.fit(trainset)
    return algo, trainset


def _to_model(algo: SVD, trainset: Trainset, item_ids: np.ndarray, prior: np.ndarray,
              prior_weight: float) -> FactorModel:
    k = algo.n_factors
    user_ids = np.array([trainset.to_raw_uid(u) for u in range(trainset.n_users)], np.int64)
    order = np.argsort(user_ids)
    bi = np.zeros(item_ids.size)
    qi = np.zeros((item_ids.size, k))
    raw_items = np.array([trainset.to_raw_iid(i) for i in range(trainset.n_items)], np.int64)
    pos = np.searchsorted(item_ids, raw_items)
    bi[pos] = algo.bi
    qi[pos] = algo.qi
    return FactorModel(global_mean=float(trainset.global_mean), user_ids=user_ids[order],
                       item_ids=item_ids, bu=np.asarray(algo.bu)[order],
                       pu=np.asarray(algo.pu)[order], bi=bi, qi=qi, prior=prior,
                       prior_weight=prior_weight)


def training_rows(inter: Interactions, item_ids: np.ndarray, params: TrainParams):
    """(users, items, targets, repetitions) for the Top picks model, negatives included."""
    rng = np.random.default_rng(params.seed)
    neg_u, neg_i = negative_samples(inter, item_ids, params.neg_ratio, rng, params.neg_alpha)
    reps = np.clip(np.rint(inter.weight / params.weight_unit), 1, params.max_repeats)
    return (np.r_[inter.users, neg_u], np.r_[inter.items, neg_i],
            np.r_[inter.pref, np.zeros(neg_u.size)],
            np.r_[reps, np.ones(neg_u.size)].astype(np.int64))


def fit_top_picks(inter: Interactions, item_ids: np.ndarray,
                  params: TrainParams) -> FactorModel:
    """The production model: implicit-style targets, sampled negatives, popularity prior."""
    item_ids = np.asarray(item_ids, np.int64)
    keep = np.isin(inter.items, item_ids)
    inter = inter.subset(keep)
    if len(inter) == 0:
        raise ValueError("no training signals: nothing to learn from yet")
    algo, trainset = fit_surprise(*training_rows(inter, item_ids, params), params)
    return _to_model(algo, trainset, item_ids, popularity_prior(inter, item_ids),
                     params.prior_weight)


def fit_rating_svd(inter: Interactions, item_ids: np.ndarray,
                   params: TrainParams) -> FactorModel:
    """The textbook baseline: SVD on explicit thumbs only, no negatives, no prior."""
    item_ids = np.asarray(item_ids, np.int64)
    rated = inter.subset(inter.explicit & np.isin(inter.items, item_ids))
    if len(rated) == 0:
        raise ValueError("no thumbs to learn ratings from")
    reps = np.ones(len(rated), np.int64)
    algo, trainset = fit_surprise(rated.users, rated.items, rated.pref, reps, params)
    return _to_model(algo, trainset, item_ids, np.zeros(item_ids.size), 0.0)


def timed(fn, *args, **kwargs):
    """(result, seconds)."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start
