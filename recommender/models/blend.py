"""A blend: a factor model's scores plus an item-item model's, one weight between them.

Each part is divided by the spread of its own scores (over the training profiles) before
weighing, so `weight` means the same on any data: 0 is the factor model alone, 1 the item-item
model alone. The served model keeps both parts' arrays and two scale factors (one expression).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recommender.model import ServingModel
from recommender.models.base import TrainingData, normalised


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
