"""Fold-in: a profile's user factors solved against the fixed item factors, right away.

For a profile the model has not seen (or whose newest signal is newer than the model), solve
ridge least squares for x = [b_u, p_u] so that mu + b_i + b_u + p_u . q_i fits its signals,
weighted by confidence. As in training, titles it never touched are sampled (seeded by the
profile id) as 0 targets, so p_u points at what it chose rather than at everything.
"""

from __future__ import annotations

import numpy as np

from recommender.data import Interactions
from recommender.model import FactorModel

REG = 0.5
NEG_RATIO = 5


def fold_in(model: FactorModel, signals: Interactions, *, reg: float = REG,
            neg_ratio: int = NEG_RATIO, seed: int = 0) -> tuple[float, np.ndarray] | None:
    """(b_u, p_u) for one profile's signals, or None if none of its titles are in the model."""
    pos = model.item_positions(signals.items)
    known = pos >= 0
    if not known.any():
        return None
    pos, y, w = pos[known], signals.pref[known], signals.weight[known]
    rng = np.random.default_rng([seed, int(signals.users[0]) if len(signals) else 0])
    want = neg_ratio * pos.size
    p = model.prior + 1.0 / max(model.item_ids.size, 1)  # like training: popular skipped titles
    neg = rng.choice(model.item_ids.size, size=min(want * 2, model.item_ids.size), p=p / p.sum())
    neg = np.unique(neg[~np.isin(neg, pos)])[:want]
    pos = np.r_[pos, neg]
    y = np.r_[y, np.zeros(neg.size)]
    w = np.r_[w, np.ones(neg.size)]
    a = np.c_[np.ones(pos.size), model.qi[pos]]
    target = y - model.global_mean - model.bi[pos]
    lhs = a.T @ (a * w[:, None]) + reg * np.eye(a.shape[1])
    x = np.linalg.solve(lhs, a.T @ (w * target))
    return float(x[0]), x[1:]
