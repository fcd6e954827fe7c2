"""Implicit-feedback ALS (Hu, Koren and Volinsky, 2008) from the `implicit` package (CPU).

Every (profile, title) value v becomes a confidence c = alpha * v with preference 1; everything
unobserved has confidence 1 and preference 0. The model serves p_u . q_i. A profile the model
has not seen is folded in with the closed-form user step of ALS itself,

    p_u = (Q^T Q + Q^T (C_u - I) Q + reg I)^-1 Q^T C_u 1,

so `gram` (Q^T Q) is stored with the factors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recommender.model import ServingModel
from recommender.models.base import SignalParams, SimpleFamily, TrainingData


@dataclass(frozen=True)
class AlsParams(SignalParams):
    factors: int = 32
    reg: float = 0.01
    alpha: float = 1.0
    iterations: int = 15
    seed: int = 42


def fit_als(data: TrainingData, params: AlsParams) -> ServingModel:
    from implicit.cpu.als import AlternatingLeastSquares
    from threadpoolctl import threadpool_limits

    if data.matrix.nnz == 0:
        raise ValueError("ALS needs signals")
    with threadpool_limits(1, "blas"):
        algo = AlternatingLeastSquares(factors=params.factors, regularization=params.reg,
                                       alpha=params.alpha, iterations=params.iterations,
                                       random_state=params.seed, num_threads=0)
        algo.fit(data.matrix.tocsr().astype(np.float32), show_progress=False)
    qi = np.asarray(algo.item_factors, dtype=np.float64)
    pu = np.asarray(algo.user_factors, dtype=np.float64)
    n = data.item_ids.size
    return ServingModel(global_mean=0.0, user_ids=data.users, item_ids=data.item_ids,
                        bu=np.zeros(data.users.size), pu=pu, bi=np.zeros(n), qi=qi,
                        prior=np.zeros(n), prior_weight=0.0, gram=qi.T @ qi,
                        card={"foldin": {"method": "als", "reg": params.reg,
                                         "alpha": params.alpha}})


def fold_in_als(model: ServingModel, pos: np.ndarray, values: np.ndarray, reg: float,
                alpha: float) -> np.ndarray:
    """The ALS user step for one profile's history (positions, values)."""
    q = model.qi[pos]
    conf = alpha * np.asarray(values, dtype=np.float64)
    lhs = model.gram + q.T @ (q * (conf - 1.0)[:, None]) + reg * np.eye(model.n_factors)
    return np.linalg.solve(lhs, q.T @ conf)


ALS = SimpleFamily("als", "People like you", AlsParams,
                   ({"factors": 32, "reg": 0.01}, {"factors": 64, "reg": 0.05},
                    {"factors": 32, "reg": 0.1, "alpha": 2.0}, {"factors": 16, "reg": 0.01}),
                   fit_als)
