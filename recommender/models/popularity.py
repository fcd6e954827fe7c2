"""Reference models: popularity (what most profiles chose lately) and random.

Popularity scores every title by the sum of its matrix values (with `weight_power` 1, each
signal counts by its confidence and recency, so "recent plays" weigh most), log-scaled to 0..1.
Everyone gets the same list. Random is for reference only: it is never served.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass

import numpy as np

from recommender.model import ServingModel
from recommender.models.base import SignalParams, SimpleFamily, TrainingData, empty_users
from recommender.models.svd import log_popularity


@dataclass(frozen=True)
class PopularityParams(SignalParams):
    _: KW_ONLY
    pref_gain: float = 0.0
    weight_power: float = 1.0
    min_pref: float = 0.5


def popularity_scores(data: TrainingData) -> np.ndarray:
    return log_popularity(np.asarray(data.matrix.sum(axis=0)).ravel())


def fit_popularity(data: TrainingData, params: PopularityParams) -> ServingModel:
    return ServingModel(global_mean=0.0, item_ids=data.item_ids, bi=popularity_scores(data),
                        qi=np.zeros((data.item_ids.size, 0)), prior=np.zeros(data.item_ids.size),
                        prior_weight=0.0, **empty_users())


@dataclass(frozen=True)
class RandomParams(SignalParams):
    seed: int = 0
    _: KW_ONLY
    pref_gain: float = 0.0


def fit_random(data: TrainingData, params: RandomParams) -> ServingModel:
    """A random order of the catalogue (one per fit); evaluate draws a fresh one per profile."""
    rng = np.random.default_rng(params.seed)
    return ServingModel(global_mean=0.0, item_ids=data.item_ids, bi=rng.random(data.item_ids.size),
                        qi=np.zeros((data.item_ids.size, 0)), prior=np.zeros(data.item_ids.size),
                        prior_weight=0.0, **empty_users())


POPULARITY = SimpleFamily("popularity", "Popular now", PopularityParams,
                          ({"weight_power": 0.0}, {"weight_power": 1.0}), fit_popularity)
RANDOM = SimpleFamily("random", "Random (reference)", RandomParams, (), fit_random,
                      servable=False)
