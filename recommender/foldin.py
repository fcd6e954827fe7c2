"""Fold-in: a profile's state from its signals, against a model that is already trained.

For a profile the model has not seen (or whose newest signal is newer than the model), solve
its user factors against the fixed item factors right away, the way the family trains them:
- "als": the closed-form ALS user step (recommender/models/als.py);
- "ridge" (Surprise SVD): ridge least squares for x = [b_u, p_u] so that
  mu + b_i + b_u + p_u . q_i fits its signals (kept signals 1, thumbs down 0), with titles it
  never touched sampled (seeded by the profile id) as 0 targets, as in training.
Item-item parts need no solving: the history itself is the state.

A model with a cold-start part (recommender/models/content.py) also gets the content vector of a
profile it was not trained on, `cold_start_vector`: its signals' content vectors, liked ones
pulling and disliked ones pushing, times a weight that shrinks as its history grows,
m / (m + n) for n signals. Profiles in the training data get none (their rows stay as they were).
So it is with a new profile's stated favourite genres (the onboarding page asks for them),
`stated_genres_vector`: a 1 in each favourite genre's column of cq, shrunk the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from recommender.data import Interactions
from recommender.model import ServingModel, UserState
from recommender.models.als import fold_in_als
from recommender.models.base import Signal, history_of

REG = 0.5
HALF = 10.0  # signals at which the cold-start part counts half (unless the card says)


def fold_in_ridge(model: ServingModel, pos: np.ndarray, targets: np.ndarray,
                  weights: np.ndarray, *, reg: float = REG, neg_ratio: float = 5.0,
                  neg_alpha: float = 0.0, seed: int = 0) -> tuple[float, np.ndarray]:
    rng = np.random.default_rng(seed)
    want = int(round(neg_ratio * pos.size))
    # As in training: uniform, or mildly towards popular titles (prior is log popularity).
    p = (model.prior + 1.0 / max(model.item_ids.size, 1)) ** neg_alpha
    p = p / p.sum()
    neg = rng.choice(model.item_ids.size, size=min(want * 2 + 8, model.item_ids.size), p=p)
    neg = np.unique(neg[~np.isin(neg, pos)])[:want]
    pos = np.r_[pos, neg]
    y = np.r_[targets, np.zeros(neg.size)]
    w = np.r_[weights, np.ones(neg.size)]
    a = np.c_[np.ones(pos.size), model.qi[pos]]
    target = y - model.global_mean - model.bi[pos]
    lhs = a.T @ (a * w[:, None]) + reg * np.eye(a.shape[1])
    x = np.linalg.solve(lhs, a.T @ (w * target))
    return float(x[0]), x[1:]


def fold_in(model: ServingModel, signals: Interactions, *, seed: int = 0,
            genres: Sequence[str] = ()) -> UserState | None:
    """One profile's state from its signals (and the favourite genres it stated), or None if
    none of its titles are in the model."""
    hist_pos, hist_val = history_of(model, signals)
    bu, pu = 0.0, np.zeros(model.n_factors)
    if model.n_factors:
        pos = model.item_positions(signals.items)
        known = pos >= 0
        if known.any():
            signal = Signal.of(model, "factor_signal")
            sub = signals.subset(known)
            pos = pos[known]
            how = model.card.get("foldin") or {"method": "ridge"}
            if how.get("method") == "als":
                keep = signal.keep(sub)
                pu = fold_in_als(model, pos[keep], signal.values(sub.pref[keep], sub.weight[keep]),
                                 float(how.get("reg", 0.01)), float(how.get("alpha", 1.0)))
            else:
                user = int(signals.users[0]) if len(signals) else 0
                bu, pu = fold_in_ridge(model, pos, signal.keep(sub).astype(np.float64),
                                       np.ones(pos.size), reg=float(how.get("reg", REG)),
                                       neg_ratio=float(how.get("neg_ratio", 5.0)),
                                       neg_alpha=float(how.get("neg_alpha", 0.0)),
                                       seed=seed * 1_000_003 + user)
        elif hist_pos.size == 0:
            return None
    elif hist_pos.size == 0:
        return None
    return model.state(bu, pu, hist_pos, hist_val, cp=cold_start_vector(model, signals),
                       cg=stated_genres_vector(model, signals, genres))


def _shrink(model: ServingModel, n: int) -> float:
    half = float((model.card.get("coldstart") or {}).get("half", HALF))
    return half / (half + n)


def stated_genres_vector(model: ServingModel, signals: Interactions,
                         genres: Sequence[str]) -> np.ndarray | None:
    """1 in the cq column of each stated genre the model knows, times m / (m + n) for the
    profile's n signals (None without such genres, or for a profile it was trained on)."""
    if not genres or not model.has_stated_genres:
        return None
    if len(signals) and model.trained_on(signals.users[:1])[0]:
        return None
    cols = model.genre_columns()
    picked = sorted({cols[g] for g in genres if g in cols})
    if not picked:
        return None
    out = np.zeros(model.cq.shape[1])
    out[picked] = 1.0
    n = int((model.item_positions(signals.items) >= 0).sum()) if len(signals) else 0
    return out * _shrink(model, n)


def cold_start_vector(model: ServingModel, signals: Interactions) -> np.ndarray | None:
    """sum_j (2 pref_j - 1) cq_j * m / (m + n) over the profile's n signals the model has
    (None without a cold-start part or such signals, or for a profile it was trained on)."""
    if not model.has_content or len(signals) == 0 or model.trained_on(signals.users[:1])[0]:
        return None
    pos = model.item_positions(signals.items)
    ok = pos >= 0
    n = int(ok.sum())
    if n == 0:
        return None
    like = 2.0 * np.clip(signals.pref[ok], 0.0, 1.0) - 1.0
    return (like @ model.cq[pos[ok]]) * _shrink(model, n)
