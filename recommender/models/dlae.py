"""DLAE and EDLAE (Steck, NeurIPS 2020): closed-form item-item models trained as if a share `p`
of each profile's history were dropped out at random, so they do not learn the identity.

Dropout in expectation is a per-title penalty: with G = X^T X,

    Lambda = p / (1 - p) * diag(G) + lam * I       (a diagonal matrix)
    DLAE:  B = argmin ||X - X B||^2 + ||Lambda^(1/2) B||^2 = (G + Lambda)^-1 G = I - P Lambda
    EDLAE: the same with diag(B) = 0 (emphasis on the dropped titles), B = I - P / diag(P)
    with P = (G + Lambda)^-1.

Popular titles (large diag(G)) are penalised most, which EASE's one lambda for every title
cannot do. Both cost one inverse of the Gram matrix, as EASE does, and share EASE's path: only
titles with at least `min_count` profiles, at most `max_items` of the most watched (dense
float32 above 3,000 titles, 4 n^2 bytes each for G and B), each title's `neighbours` strongest
weights served. DLAE's diagonal weighs a title by itself; it is left out of the served model
(as EASE's zero diagonal is), since it only scores titles already in the history.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recommender.model import ServingModel
from recommender.models.base import SignalParams, SimpleFamily, TrainingData
from recommender.models.ease import fit_item_item, gram_matrix, zero_diagonal_weights


@dataclass(frozen=True)
class DlaeParams(SignalParams):
    p: float = 0.5  # dropout probability, 0 <= p < 1 (p = 0 with emphasis: EASE)
    lam: float = 100.0
    emphasis: bool = False  # True: EDLAE (diag(B) = 0)
    min_count: int = 2
    max_items: int = 6000
    neighbours: int = 256


def dlae_weights(x, p: float, lam: float, emphasis: bool = False,
                 dtype=np.float64) -> np.ndarray:
    """The dense closed-form B for a (profiles x titles) matrix x (diagonal included)."""
    if not 0.0 <= p < 1.0:
        raise ValueError(f"DLAE dropout p must be in [0, 1), got {p}")
    gram = gram_matrix(x, dtype)
    penalty = (p / (1.0 - p) * np.diag(gram) + lam).astype(dtype)
    gram[np.diag_indices_from(gram)] += penalty
    inv = np.linalg.inv(gram)
    del gram
    if emphasis:
        return zero_diagonal_weights(inv)
    b = inv * (-penalty)[None, :]  # I - P Lambda
    b[np.diag_indices_from(b)] += 1.0
    return b


def fit_dlae(data: TrainingData, params: DlaeParams) -> ServingModel:
    return fit_item_item(
        data, params,
        lambda x, dtype: dlae_weights(x, params.p, params.lam, params.emphasis, dtype),
        params.neighbours, "EDLAE" if params.emphasis else "DLAE")


DLAE = SimpleFamily("dlae", "Watched together (denoised)", DlaeParams,
                    ({"p": 0.5, "lam": 100.0}, {"p": 0.25, "lam": 400.0},
                     {"p": 0.75, "lam": 100.0}, {"p": 0.25, "lam": 100.0, "emphasis": True}),
                    fit_dlae)
