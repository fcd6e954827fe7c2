"""Item-kNN: cosine similarity between titles' audiences, each title's `k` nearest kept.

    s(i, j) = x_i . x_j / (|x_i| |x_j| + shrink)

The shrinkage term damps similarities resting on few shared profiles. Scores add up the
similarities of a profile's history to each title (the same serving path as EASE).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recommender.model import ServingModel
from recommender.models.base import SignalParams, SimpleFamily, TrainingData
from recommender.models.ease import fit_item_item


@dataclass(frozen=True)
class KnnParams(SignalParams):
    k: int = 100
    shrink: float = 10.0
    min_count: int = 2
    max_items: int = 6000


def cosine(x, shrink: float, dtype=np.float64) -> np.ndarray:
    gram = np.asarray((x.T @ x).todense(), dtype=dtype)
    norms = np.sqrt(np.diag(gram))
    sim = gram / (np.outer(norms, norms) + shrink)
    np.fill_diagonal(sim, 0.0)
    return sim


def fit_knn(data: TrainingData, params: KnnParams) -> ServingModel:
    return fit_item_item(data, params, lambda x, dtype: cosine(x, params.shrink, dtype),
                         params.k, "item-kNN")


KNN = SimpleFamily("knn", "Similar titles", KnnParams,
                   ({"k": 50}, {"k": 100}, {"k": 200}, {"k": 100, "shrink": 50.0}), fit_knn)
