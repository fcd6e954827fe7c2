"""Taste communities: k-means on the model's user factors (seeded k-means++ then Lloyd steps),
a 2-D map of profiles (the first two principal components of the user factors), and what
each community is drawn to more than the others (titles whose factors best match the centre's
offset from the mean centre). Cached for the serving model."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from recommender.model import ServingModel

K = 6
ITERATIONS = 30


@dataclass
class Communities:
    version: str
    labels: np.ndarray  # community per model user (model.user_ids order)
    centers: np.ndarray  # (k, factors)
    sizes: np.ndarray
    top_titles: list[list[int]]  # per community, title ids best first
    coords: np.ndarray  # (users, 2) map positions, scaled to 0..1

    def of(self, model: ServingModel, profile_id: int) -> int | None:
        row = model.user_index(profile_id)
        return None if row is None else int(self.labels[row])

    def nearest(self, pu: np.ndarray) -> int:
        """The community of a user vector the model did not train on (fold-in)."""
        return int(np.argmin(((self.centers - pu) ** 2).sum(axis=1)))


def kmeans(x: np.ndarray, k: int, seed: int = 0, iterations: int = ITERATIONS):
    """(labels, centers) by k-means++ seeding and Lloyd iterations; deterministic by seed."""
    rng = np.random.default_rng(seed)
    k = max(1, min(k, len(x)))
    centers = [x[rng.integers(len(x))]]
    for _ in range(1, k):
        d2 = np.min(((x[:, None, :] - np.array(centers)[None]) ** 2).sum(-1), axis=1)
        total = d2.sum()
        centers.append(x[rng.choice(len(x), p=d2 / total)] if total > 0 else x[0])
    centers = np.array(centers, dtype=np.float64)
    labels = np.zeros(len(x), int)
    for _ in range(iterations):
        labels = np.argmin(((x[:, None, :] - centers[None]) ** 2).sum(-1), axis=1)
        moved = np.array([x[labels == c].mean(axis=0) if (labels == c).any() else centers[c]
                          for c in range(k)])
        if np.allclose(moved, centers):
            break
        centers = moved
    return labels, centers


def compute(model: ServingModel, k: int = K, n_titles: int = 8, seed: int = 0) -> Communities:
    x = model.pu
    labels, centers = kmeans(x, k, seed)
    top = []
    middle = centers.mean(axis=0)
    for c in centers:
        scores = model.qi @ (c - middle)  # what sets this community apart from the others
        top.append([int(t) for t in model.item_ids[np.argsort(-scores, kind="stable")[:n_titles]]])
    centred = x - x.mean(axis=0)
    if len(x) > 1:
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        coords = centred @ vt[:2].T
        if coords.shape[1] < 2:
            coords = np.c_[coords, np.zeros(len(x))]
    else:
        coords = np.zeros((len(x), 2))
    span = coords.max(axis=0) - coords.min(axis=0)
    coords = (coords - coords.min(axis=0)) / np.where(span > 0, span, 1.0)
    return Communities(model.version, labels, centers, np.bincount(labels, minlength=len(centers)),
                       top, coords)


_cache: list[tuple[ServingModel, Communities]] = []  # only the serving model's
_lock = threading.Lock()


def for_model(model: ServingModel) -> Communities:
    with _lock:
        if _cache and _cache[0][0] is model:
            return _cache[0][1]
        found = compute(model)
        _cache[:] = [(model, found)]
        return found
