"""A blend: two models' scores, one weight between them.

Each part is divided by the spread of its own scores (over the training profiles) before
weighing, so `weight` means the same on any data: 0 is the first part alone, 1 the second
(always an item-item model) alone. Two kinds:

- a factor model plus an item-item model: the served model keeps both parts' arrays and two
  scale factors (one expression);
- two item-item models (say DLAE and item-kNN) that read the same signal: their weighted sum is
  itself one item-item matrix, W = (1 - w) s_a W_a + w s_b W_b, stored with both parts'
  neighbour lists side by side (k_a + k_b per title, nothing cut), so it is served and
  explained exactly like one item-item model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recommender.model import ServingModel
from recommender.models.base import Signal, TrainingData, normalised


@dataclass(frozen=True)
class BlendParams:
    factor_family: str = "svd"
    neighbour_family: str = "ease"
    weight: float = 0.5


def spread_scale(model: ServingModel, data: TrainingData, sample: int = 256,
                 seed: int = 0) -> float:
    users = data.users
    if users.size > sample:
        users = np.sort(np.random.default_rng(seed).choice(users, sample, replace=False))
    rows = np.array([model.user_index(u) if model.user_index(u) is not None else -1
                     for u in users])
    hist = data.matrix[np.searchsorted(data.users, users)]
    return normalised(model.score_batch(rows, hist))


def combine(factor: ServingModel, neighbour: ServingModel, data: TrainingData,
            weight: float) -> ServingModel:
    """One served model from two fitted ones (their own scales left inside)."""
    if not 0.0 <= weight <= 1.0:
        raise ValueError("blend weight must be within 0..1")
    if not neighbour.has_neighbours:
        raise ValueError("the second part of a blend must be an item-item model")
    if is_item_item(factor):
        return _merge_item_item(factor, neighbour, data, weight)
    fs = (1.0 - weight) * spread_scale(factor, data)
    ns = weight * spread_scale(neighbour, data)
    card = {**factor.card, "family": "blend",
            "signal": neighbour.card.get("signal"),
            "factor_signal": factor.card.get("signal"),
            "parts": {"factor": factor.card, "neighbour": neighbour.card, "weight": weight}}
    return ServingModel(global_mean=factor.global_mean, user_ids=factor.user_ids,
                        item_ids=factor.item_ids, bu=factor.bu, pu=factor.pu, bi=factor.bi,
                        qi=factor.qi, prior=factor.prior, prior_weight=0.0,
                        nbr_idx=neighbour.nbr_idx, nbr_val=neighbour.nbr_val, gram=factor.gram,
                        factor_scale=fs, neighbour_scale=ns, family="blend", card=card)


def is_item_item(model: ServingModel) -> bool:
    """Only an item-item part (no factors, biases or prior): EASE, DLAE, item-kNN."""
    return (model.has_neighbours and not model.has_factors and not model.bi.any()
            and not model.prior_weight and not model.global_mean)


def _merge_item_item(a: ServingModel, b: ServingModel, data: TrainingData,
                     weight: float) -> ServingModel:
    if Signal.of(a) != Signal.of(b):
        raise ValueError("two item-item models blend only when they read the same signal")
    sa = (1.0 - weight) * spread_scale(a, data)
    sb = weight * spread_scale(b, data)
    nbr_idx = np.concatenate([a.nbr_idx, b.nbr_idx], axis=1)
    nbr_val = np.concatenate([a.nbr_val * np.float32(sa), b.nbr_val * np.float32(sb)], axis=1)
    card = {**a.card, "family": "blend", "signal": a.card.get("signal"),
            "parts": {"first": a.card, "second": b.card, "weight": weight}}
    n = a.item_ids.size
    return ServingModel(global_mean=0.0, user_ids=a.user_ids, item_ids=a.item_ids, bu=a.bu,
                        pu=a.pu, bi=np.zeros(n), qi=a.qi, prior=np.zeros(n), prior_weight=0.0,
                        nbr_idx=nbr_idx, nbr_val=nbr_val.astype(np.float32), family="blend",
                        card=card)
