"""A small seeded latent-factor world for recommender tests (tests only; no simulator needed).

Profiles have taste vectors around a few clusters; titles have feature vectors, a quality and a
long-tailed exposure. A profile watches titles with probability ~ exposure * exp(2 * utility);
what it watched is finished, half-watched or abandoned by utility, and sometimes thumbed.
"""

from __future__ import annotations

import numpy as np

from recommender.data import Interactions, SignalMapping


def world(seed: int = 3, n_users: int = 300, n_items: int = 400, dims: int = 8,
          per_user: int = 30, clusters: int = 5, first_item: int = 1):
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 1.0, (clusters, dims))
    taste = centers[rng.integers(0, clusters, n_users)] + rng.normal(0, 0.4, (n_users, dims))
    feats = rng.normal(0, 1.0, (n_items, dims))
    quality = rng.normal(0, 0.4, n_items)
    exposure = rng.lognormal(0, 1.2, n_items)
    utility = taste @ feats.T / np.sqrt(dims) + quality
    m = SignalMapping()
    users, items, pref, weight, explicit = [], [], [], [], []
    for u in range(n_users):
        p = exposure * np.exp(2.0 * utility[u])
        chosen = rng.choice(n_items, size=per_user, replace=False, p=p / p.sum())
        for i in chosen:
            x = utility[u, i] + rng.normal(0, 0.3)
            completion = float(np.clip(0.5 + 0.5 * x, 0.02, 1.0))
            done = completion >= 0.95
            pr, w = m.viewing(completion, done, 2 if x > 1.5 else 1)
            thumbs = rng.random() < 0.3
            if thumbs:
                value = 2 if x > 1.2 else (1 if x > 0 else -1)
                pr, w = m.thumbs[value][0], w + m.thumbs[value][1]
            users.append(u + 1)
            items.append(i + first_item)
            pref.append(pr)
            weight.append(w)
            explicit.append(thumbs)
    inter = Interactions(np.array(users, np.int64), np.array(items, np.int64),
                         np.array(pref), np.array(weight), np.array(explicit))
    item_ids = np.arange(first_item, first_item + n_items, dtype=np.int64)
    return inter, item_ids, utility
