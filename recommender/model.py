"""A trained factor model: the arrays scoring needs, and nothing that runs code on load.

score(u, i) = mu + b_u + b_i + p_u . q_i + prior_weight * prior_i

`prior_i` is the title's popularity in the training data (log-scaled to 0..1). Item arrays cover
the whole catalog at training time; titles the model never saw have zero bias and factors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class FactorModel:
    global_mean: float
    user_ids: np.ndarray  # int64 profile ids, row order of bu/pu
    item_ids: np.ndarray  # int64 title ids (sorted), row order of bi/qi/prior
    bu: np.ndarray
    pu: np.ndarray
    bi: np.ndarray
    qi: np.ndarray
    prior: np.ndarray
    prior_weight: float
    version: str = ""
    card: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._users = {int(u): n for n, u in enumerate(self.user_ids)}

    @property
    def n_factors(self) -> int:
        return int(self.qi.shape[1])

    def user_index(self, profile_id: int) -> int | None:
        return self._users.get(int(profile_id))

    def item_positions(self, title_ids) -> np.ndarray:
        """Positions of title ids in the item arrays (-1 where the model lacks the title)."""
        ids = np.asarray(title_ids, dtype=np.int64)
        pos = np.searchsorted(self.item_ids, ids)
        pos = np.clip(pos, 0, max(self.item_ids.size - 1, 0))
        ok = self.item_ids.size > 0
        found = (self.item_ids[pos] == ids) if ok else np.zeros(ids.shape, bool)
        return np.where(found, pos, -1)

    def user_vector(self, profile_id: int) -> tuple[float, np.ndarray] | None:
        row = self.user_index(profile_id)
        if row is None:
            return None
        return float(self.bu[row]), self.pu[row]

    def scores(self, bu: float, pu: np.ndarray) -> np.ndarray:
        """Every title's score for one user: one vectorized expression."""
        return self.global_mean + bu + self.bi + self.qi @ pu + self.prior_weight * self.prior

    def parts(self, bu: float, pu: np.ndarray, pos: int) -> dict[str, float]:
        """One title's score, broken into the parts that sum to it."""
        return {
            "global_mean": float(self.global_mean),
            "user_bias": float(bu),
            "item_bias": float(self.bi[pos]),
            "factors": float(self.qi[pos] @ pu),
            "popularity_prior": float(self.prior_weight * self.prior[pos]),
        }
