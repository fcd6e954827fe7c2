"""EASE (Steck, 2019): a closed-form item-item model, "people who watched these also watched".

    B = argmin ||X - X B||^2 + lam ||B||^2  subject to diag(B) = 0
      = I - P / diag(P)  with P = (X^T X + lam I)^-1   (columns divided by P's diagonal)

Only titles with at least `min_count` profiles enter the Gram matrix, at most `max_items` of the
most watched (memory: a dense float32 n x n, 4 n^2 bytes: 400 MB at 10,000 titles; the model
card records the figure). The served model keeps each title's `neighbours` strongest weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recommender.model import ServingModel, neighbours_from_dense
from recommender.models.base import SignalParams, SimpleFamily, TrainingData, empty_users


@dataclass(frozen=True)
class EaseParams(SignalParams):
    lam: float = 400.0
    min_count: int = 2
    max_items: int = 6000
    neighbours: int = 256


def gram_matrix(x, dtype=np.float64) -> np.ndarray:
    """X^T X as a dense array, for a sparse or dense (profiles x titles) matrix x."""
    return np.asarray((x.T @ x).todense() if hasattr(x, "todense") else x.T @ x, dtype=dtype)


def zero_diagonal_weights(p: np.ndarray) -> np.ndarray:
    """B = I - P / diag(P) (columns divided by P's diagonal): the closed form of a model whose
    weights may not use a title to predict itself (EASE, EDLAE)."""
    b = p / (-np.diag(p))[None, :]
    b[np.diag_indices_from(b)] = 0.0
    return b


def ease_weights(x, lam: float, dtype=np.float64) -> np.ndarray:
    """The dense closed-form B for a (profiles x titles) matrix x."""
    gram = gram_matrix(x, dtype)
    gram[np.diag_indices_from(gram)] += lam
    return zero_diagonal_weights(np.linalg.inv(gram))


def active_items(data: TrainingData, min_count: int, max_items: int) -> np.ndarray:
    """Positions of the titles with enough signal, the most watched first if over the cap."""
    counts = data.item_counts()
    keep = np.flatnonzero(counts >= max(min_count, 1))
    if keep.size > max_items:
        keep = np.sort(keep[np.argsort(-counts[keep], kind="stable")[:max_items]])
    return keep


def item_item_model(data: TrainingData, keep: np.ndarray, b: np.ndarray,
                    neighbours: int) -> ServingModel:
    """A ServingModel whose only part is a (pruned) item-item matrix over `keep`'s titles."""
    n = data.item_ids.size
    idx, val = neighbours_from_dense(b, neighbours)
    k = idx.shape[1]
    nbr_idx = np.zeros((n, k), np.int32)
    nbr_val = np.zeros((n, k), np.float32)
    nbr_idx[keep] = keep[idx] if k else idx
    nbr_val[keep] = val
    return ServingModel(global_mean=0.0, item_ids=data.item_ids, bi=np.zeros(n),
                        qi=np.zeros((n, 0)), prior=np.zeros(n), prior_weight=0.0,
                        nbr_idx=nbr_idx, nbr_val=nbr_val, **empty_users())


def fit_item_item(data: TrainingData, params, weights, neighbours: int,
                  name: str) -> ServingModel:
    """The shared path of the item-item families: choose the titles with enough signal, compute
    the dense weights over them (`weights(x, dtype)`; float64 up to 3,000 titles, float32
    above), keep each title's strongest `neighbours`."""
    keep = active_items(data, params.min_count, params.max_items)
    if keep.size < 2:
        raise ValueError(f"{name} needs at least two titles with signals")
    dtype = np.float64 if keep.size <= 3000 else np.float32
    w = weights(data.matrix[:, keep], dtype)
    model = item_item_model(data, keep, w, neighbours)
    model.card = {"fit_memory_bytes": int(w.nbytes * 2), "items_in_model": int(keep.size)}
    return model


def fit_ease(data: TrainingData, params: EaseParams) -> ServingModel:
    return fit_item_item(data, params, lambda x, dtype: ease_weights(x, params.lam, dtype),
                         params.neighbours, "EASE")


EASE = SimpleFamily("ease", "Watched together", EaseParams,
                    ({"lam": 100.0}, {"lam": 400.0}, {"lam": 1500.0},
                     {"lam": 400.0, "pref_gain": 0.0}), fit_ease)
