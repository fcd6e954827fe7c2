"""The one small interface every recommender family implements, and the data it fits on.

    family.fit(data: TrainingData, params) -> ServingModel      (training, never in a request)
    ServingModel.scores(state) / .score_batch(rows, history)    (scoring, recommender/model.py)

A family is a name, a plain-words label for the site, a frozen params dataclass with defaults,
a small grid that `evaluate` searches on a validation split carved from the training part, and
`fit`. TrainingData turns the interaction table (one row per profile and title, with a 0..1
preference and a confidence weight, see recommender/data.py) into a sparse profiles x titles
matrix of values:

    value = (1 + pref_gain * preference) * weight ** weight_power

left out where the preference is below `min_pref`. The same transform turns a profile's
signals into the history an item-item model scores from, so serving sees what training saw.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

from recommender.data import Interactions
from recommender.model import ServingModel


@dataclass(frozen=True)
class Signal:
    """How a (preference, weight) signal becomes a matrix value."""

    pref_gain: float = 1.0
    weight_power: float = 0.0
    min_pref: float = 0.0

    def keep(self, inter: Interactions) -> np.ndarray:
        return inter.pref >= self.min_pref

    @classmethod
    def of(cls, model: ServingModel, part: str = "signal") -> Signal:
        """The transform a served model's training data used (its card's `signal`; for a
        blend's factor part, `factor_signal`)."""
        return cls(**(model.card.get(part) or model.card.get("signal") or {}))

    def values(self, pref: np.ndarray, weight: np.ndarray) -> np.ndarray:
        w = np.maximum(weight, 1e-12) ** self.weight_power if self.weight_power else 1.0
        return (1.0 + self.pref_gain * pref) * w


@dataclass(frozen=True, kw_only=True)
class SignalParams:
    """The base of every family's params: the Signal its training data is built with.

    The fields are keyword-only, so they follow a family's own fields in its constructor
    (`AlsParams(64)` is 64 factors). A family whose defaults differ declares them again after
    `dataclasses.KW_ONLY`, keeping them keyword-only."""

    pref_gain: float = 1.0
    weight_power: float = 0.0
    min_pref: float = 0.0


def signal_of(params: SignalParams) -> Signal:
    return Signal(params.pref_gain, params.weight_power, params.min_pref)


@dataclass
class TrainingData:
    """Interactions aligned with the catalogue: rows = profiles (sorted ids), columns =
    item_ids (sorted), values from `signal`."""

    inter: Interactions
    item_ids: np.ndarray
    users: np.ndarray
    matrix: sp.csr_matrix
    signal: Signal

    @classmethod
    def build(cls, inter: Interactions, item_ids: np.ndarray,
              signal: Signal | None = None) -> TrainingData:
        signal = signal or Signal()
        item_ids = np.asarray(item_ids, np.int64)
        inter = inter.subset(np.isin(inter.items, item_ids))
        users = np.unique(inter.users)
        kept = inter.subset(signal.keep(inter))
        rows = np.searchsorted(users, kept.users)
        cols = np.searchsorted(item_ids, kept.items)
        matrix = sp.csr_matrix((signal.values(kept.pref, kept.weight), (rows, cols)),
                               shape=(users.size, item_ids.size))
        matrix.sum_duplicates()
        return cls(inter, item_ids, users, matrix, signal)

    def with_signal(self, signal: Signal) -> TrainingData:
        return self if signal == self.signal else TrainingData.build(self.inter, self.item_ids,
                                                                    signal)

    def item_counts(self) -> np.ndarray:
        """Profiles per title in the matrix."""
        return np.asarray((self.matrix > 0).sum(axis=0)).ravel()


def history_of(model: ServingModel, signals: Interactions) -> tuple[np.ndarray, np.ndarray]:
    """(positions, values) of one profile's signals, transformed as the model's training data
    was (the card's `signal`); titles the model lacks are dropped."""
    signal = Signal.of(model)
    keep = signal.keep(signals)
    pos = model.item_positions(signals.items[keep])
    vals = signal.values(signals.pref[keep], signals.weight[keep])
    ok = pos >= 0
    return pos[ok], vals[ok]


class Family(Protocol):
    name: str
    label: str  # plain words, for the site and the model page
    params: type
    grid: tuple[dict, ...]
    servable: bool

    def fit(self, data: TrainingData, params: Any) -> ServingModel: ...


@dataclass(frozen=True)
class SimpleFamily:
    """A family from a fit function (most families need nothing more)."""

    name: str
    label: str
    params: type
    grid: tuple[dict, ...]
    fit_fn: Callable[[TrainingData, Any], ServingModel]
    servable: bool = True

    def fit(self, data: TrainingData, params: Any) -> ServingModel:
        model = self.fit_fn(data.with_signal(signal_of(params)), params)
        model.family = self.name
        model.card = {**model.card, "family": self.name,
                      "signal": asdict(signal_of(params)), "params": params_dict(params)}
        return model


def params_dict(params: Any) -> dict:
    return asdict(params)


def params_with(params: Any, changes: dict) -> Any:
    """A copy of frozen params with `changes` (unknown names are an error, not ignored)."""
    names = {f.name for f in fields(params)}
    unknown = set(changes) - names
    if unknown:
        raise ValueError(f"unknown parameter(s) for {type(params).__name__}: {sorted(unknown)}")
    return replace(params, **changes)


def empty_users(n_factors: int = 0) -> dict:
    """User arrays for a model with no per-profile part."""
    return {"user_ids": np.zeros(0, np.int64), "bu": np.zeros(0),
            "pu": np.zeros((0, n_factors))}


def normalised(scores: np.ndarray) -> float:
    """A scale for one model's scores (their spread over a sample), so blends can weigh parts."""
    spread = float(np.std(scores))
    return 1.0 / spread if spread > 1e-12 else 1.0
