"""A trained model as the site serves it: arrays only, one scoring expression for every family.

    score(u, i) = f * (mu + b_u + b_i + p_u . q_i) + prior_weight * prior_i
                  + g * sum_j h_uj * W[j, i] + c * cp_u . cq_i + s * cg_u . cq_i

Each family fills the parts it has (docs/recommenders.md has the table):
- popularity: b_i only (the same list for everyone);
- factor models (Surprise SVD, implicit ALS): b_u, b_i, p_u, q_i;
- item-item models (EASE, DLAE, item-kNN): W, applied to the profile's history h_u (what it
  watched, as the same values training saw), so a new profile is scored from its first signal;
- a blend: both, the factor part scaled by f and the item-item part by g (each part's weight
  in the blend over the spread of its scores); f = g = 1 otherwise.

W is stored row-sparse: for each title j, its `k` strongest neighbours (`nbr_idx[j]`, with
weights `nbr_val[j]`); an item-item model with k = n - 1 is the dense model exactly. Item arrays
cover the catalogue at training time; titles the model never saw have zeros.

The last term is the optional cold-start part (recommender/models/content.py): `cq` holds each
title's content vector (its public tags, weighted and embedded as learned from the history)
and `cp_u` is set only when a profile the model was not trained on is folded in
(recommender/foldin.py): its signals' content vectors, shrunk as its own history grows.
Profiles in the training data (`trained_ids`, which item-item models need since they keep no
user vectors) keep cp = None, so the part is zero for them, and models without `cq` score
exactly as before.

The stated-genres term (`s`, `genre_scale`) is what a new profile told the onboarding page:
`cg_u` marks its favourite genres in the genre columns of `cq`'s tag block (the card's
`coldstart.genre_columns`), shrunk like cp as its history grows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp


class UserState(NamedTuple):
    """What scoring needs about one profile: its bias and factors, and its history."""

    bu: float
    pu: np.ndarray
    hist_pos: np.ndarray  # positions (in item_ids) of titles in its history
    hist_val: np.ndarray  # the value training gave each of them
    cp: np.ndarray | None = None  # content vector (fold-in only; None: no cold-start part)
    cg: np.ndarray | None = None  # stated favourite genres over cq's columns (fold-in only)


def _empty(shape, dtype=np.float64) -> np.ndarray:
    return np.zeros(shape, dtype=dtype)


@dataclass
class ServingModel:
    global_mean: float
    user_ids: np.ndarray  # int64 profile ids, row order of bu/pu
    item_ids: np.ndarray  # int64 title ids (sorted), row order of bi/qi/prior/nbr_*
    bu: np.ndarray
    pu: np.ndarray
    bi: np.ndarray
    qi: np.ndarray
    prior: np.ndarray
    prior_weight: float
    nbr_idx: np.ndarray | None = None  # (n_items, k) int32
    nbr_val: np.ndarray | None = None  # (n_items, k) float32
    gram: np.ndarray | None = None  # (f, f): Q^T Q, for ALS fold-in
    cq: np.ndarray | None = None  # (n_items, c): content vectors, the cold-start part
    trained_ids: np.ndarray | None = None  # sorted int64 profile ids the part leaves alone
    factor_scale: float = 1.0
    neighbour_scale: float = 1.0
    content_scale: float = 0.0  # c: weight of the cold-start part (0: none)
    genre_scale: float = 0.0  # s: weight of a new profile's stated favourite genres (0: none)
    family: str = "svd"
    version: str = ""
    card: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = self.item_ids.size
        if self.nbr_idx is None:
            self.nbr_idx = _empty((n, 0), np.int32)
        if self.nbr_val is None:
            self.nbr_val = _empty((n, 0), np.float32)
        if self.gram is None:
            self.gram = _empty((0, 0))
        if self.cq is None:
            self.cq = _empty((n, 0))
        if self.trained_ids is None:
            self.trained_ids = _empty(0, np.int64)
        self._users = {int(u): n for n, u in enumerate(self.user_ids)}
        self._w: sp.csr_matrix | None = None

    # -- shape ------------------------------------------------------------------------------

    @property
    def n_factors(self) -> int:
        return int(self.qi.shape[1])

    @property
    def has_factors(self) -> bool:
        return self.n_factors > 0 and self.user_ids.size > 0

    @property
    def has_neighbours(self) -> bool:
        return int(self.nbr_idx.shape[1]) > 0

    @property
    def has_content(self) -> bool:
        """A cold-start part is attached (content vectors and a weight)."""
        return int(self.cq.shape[1]) > 0 and self.content_scale > 0

    @property
    def has_stated_genres(self) -> bool:
        """A new profile's favourite genres count (cq has genre columns and a weight)."""
        return (int(self.cq.shape[1]) > 0 and self.genre_scale > 0
                and bool(self.genre_columns()))

    def genre_columns(self) -> dict[str, int]:
        """Genre slug -> its column in cq (from the card; empty without a cold-start part)."""
        cols = (self.card.get("coldstart") or {}).get("genre_columns")
        if not isinstance(cols, dict):
            return {}
        return {str(k): v for k, v in cols.items()
                if isinstance(v, int) and 0 <= v < self.cq.shape[1]}

    def trained_on(self, profile_ids) -> np.ndarray:
        """Whether each profile was in the cold-start part's training data."""
        ids = np.asarray(profile_ids, dtype=np.int64)
        if self.trained_ids.size == 0:
            return np.zeros(ids.shape, bool)
        pos = np.clip(np.searchsorted(self.trained_ids, ids), 0, self.trained_ids.size - 1)
        return self.trained_ids[pos] == ids

    @property
    def uses_history(self) -> bool:
        """Item-item parts score from the profile's history, so they need it loaded."""
        return self.has_neighbours

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
        """(b_u, p_u) learned for a profile in the training data, or None."""
        row = self.user_index(profile_id)
        if row is None:
            return None
        return float(self.bu[row]), self.pu[row]

    def state(self, bu: float = 0.0, pu: np.ndarray | None = None, hist_pos=(),
              hist_val=(), cp: np.ndarray | None = None,
              cg: np.ndarray | None = None) -> UserState:
        pu = np.zeros(self.n_factors) if pu is None else np.asarray(pu, dtype=np.float64)
        return UserState(float(bu), pu, np.asarray(hist_pos, np.int64),
                         np.asarray(hist_val, np.float64),
                         None if cp is None else np.asarray(cp, dtype=np.float64),
                         None if cg is None else np.asarray(cg, dtype=np.float64))

    # -- scoring ----------------------------------------------------------------------------

    def neighbours(self) -> sp.csr_matrix:
        """W as a sparse (items x items) matrix, built once per loaded model."""
        if self._w is None:
            n, k = self.nbr_idx.shape
            rows = np.repeat(np.arange(n), k)
            self._w = sp.csr_matrix((self.nbr_val.ravel().astype(np.float64),
                                     (rows, self.nbr_idx.ravel())), shape=(n, n))
        return self._w

    def neighbour_scores(self, hist_pos: np.ndarray, hist_val: np.ndarray) -> np.ndarray:
        """sum_j h_j W[j, :] over the history's titles (zeros without neighbours)."""
        out = np.zeros(self.item_ids.size)
        if not self.has_neighbours or len(hist_pos) == 0:
            return out
        idx = self.nbr_idx[hist_pos]
        contrib = self.nbr_val[hist_pos].astype(np.float64) * np.asarray(hist_val)[:, None]
        return out + np.bincount(idx.ravel(), weights=contrib.ravel(),
                                 minlength=self.item_ids.size)

    def scores(self, user: UserState) -> np.ndarray:
        """Every title's score for one profile: the expression above, each part added in place
        and only when the model has it (a top-10 request is a few vector operations)."""
        out = self.qi @ user.pu if self.n_factors else np.zeros(self.item_ids.size)
        out += self.bi
        out += self.global_mean + user.bu
        if self.factor_scale != 1.0:
            out *= self.factor_scale
        if self.prior_weight:
            out += self.prior_weight * self.prior
        if self.has_neighbours and len(user.hist_pos):
            out += self.neighbour_scale * self.neighbour_scores(user.hist_pos, user.hist_val)
        if self.has_content and user.cp is not None:
            out += self.content_scores(user)
        if self.genre_scale and user.cg is not None:
            out += self.genre_scale * (self.cq @ user.cg)
        return out

    def content_scores(self, user: UserState) -> np.ndarray:
        """c * cq . cp: the cold-start part (zeros without one, or for a learned profile)."""
        if not self.has_content or user.cp is None:
            return np.zeros(self.item_ids.size)
        return self.content_scale * (self.cq @ user.cp)

    def score_batch(self, rows: np.ndarray, history: sp.csr_matrix) -> np.ndarray:
        """Scores for many profiles at once (evaluation): `rows` index user_ids (-1: unknown,
        no factors), `history` is their (profiles x items) training values."""
        rows = np.asarray(rows)
        known = rows >= 0
        safe = np.where(known, rows, 0)
        out = np.broadcast_to(self.global_mean + self.bi, (rows.size, self.item_ids.size)).copy()
        if self.user_ids.size:
            out += np.where(known, self.bu[safe] if self.bu.size else 0.0, 0.0)[:, None]
            if self.n_factors:
                out += np.where(known[:, None], self.pu[safe], 0.0) @ self.qi.T
        out *= self.factor_scale
        out += self.prior_weight * self.prior
        if self.has_neighbours:
            out += self.neighbour_scale * np.asarray((history @ self.neighbours()).todense())
        return out

    def parts(self, user: UserState, pos: int) -> dict[str, float]:
        """One title's score, broken into the parts that sum to it (only the parts this model
        has: an item-item model's "Why this?" shows no empty factor rows)."""
        f = self.factor_scale
        parts: dict[str, float] = {}
        if self.n_factors or self.bi.any() or self.global_mean:
            parts.update({
                "global_mean": float(f * self.global_mean),
                "user_bias": float(f * user.bu),
                "item_bias": float(f * self.bi[pos]),
                "factors": float(f * (self.qi[pos] @ user.pu)) if self.n_factors else 0.0,
            })
        if self.prior_weight:
            parts["popularity_prior"] = float(self.prior_weight * self.prior[pos])
        if self.has_neighbours:
            parts["neighbours"] = float(self.neighbour_scale * self.neighbour_scores(
                user.hist_pos, user.hist_val)[pos])
        if self.has_content and user.cp is not None:
            parts["content"] = float(self.content_scale * (self.cq[pos] @ user.cp))
        if self.genre_scale and user.cg is not None:
            parts["stated_genres"] = float(self.genre_scale * (self.cq[pos] @ user.cg))
        return parts

    def memory_bytes(self) -> int:
        """What the arrays take in memory when served."""
        arrays = (self.user_ids, self.item_ids, self.bu, self.pu, self.bi, self.qi, self.prior,
                  self.nbr_idx, self.nbr_val, self.gram, self.cq, self.trained_ids)
        return int(sum(a.nbytes for a in arrays))


def neighbours_from_dense(w: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Keep each row's k largest-magnitude entries of a dense item-item matrix (diagonal
    excluded): (nbr_idx int32, nbr_val float32), both (n, k)."""
    n = w.shape[0]
    k = int(max(0, min(k, n - 1)))
    if k == 0:
        return _empty((n, 0), np.int32), _empty((n, 0), np.float32)
    mag = np.abs(w).astype(np.float32, copy=True)
    np.fill_diagonal(mag, -1.0)  # never a title's own neighbour
    idx = np.argpartition(-mag, k - 1, axis=1)[:, :k]
    val = np.take_along_axis(w, idx, axis=1)
    return idx.astype(np.int32), val.astype(np.float32)
