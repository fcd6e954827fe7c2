"""The site's recommender inside a seeding run: trained from the database on the scheduler's
cadence, and the personal rows it adds to the home page, as arrays.

`SiteModel.maybe_train(db, day, now)` trains a production family on what `streamsim train`
reads (`load_interactions` over everything in the database) once the warm-up is over and every
`retrain_days` after. It fits one fixed production family with its default params
(`SEED_FAMILY`, EASE: closed-form, a fraction of a second on the demo catalogue; item-item
models, alone or in a blend, are what the production rule picks for most retrains on simulated
data, see the feedback-loop study's model_log.json) rather than the production rule itself
(`recommender.selection.choose`, which tunes every candidate on a split each time): seeding
retrains many times and must stay fast (bench/bench_seed.py). Every profile with signals in the
training data is scored then, in one batch (`recommender.state.batch_scores`: learned vectors
for factor models, the profile's history for item-item ones).

`personal_rows` then gives what `PersonalRows` would show such a profile: "Top picks for you"
(its best allowed titles) and each genre's best titles for it, with the genres ordered by its
affinity (mean score of its best five in the genre). Allowed = within the maturity limit, not
started before (the site leaves out watched titles), available. Profiles with no signals in
the training data keep the popularity rows.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
from sqlalchemy import select

from core.db import Database
from core.models import Tag
from recommender import models
from recommender.data import SignalMapping, load_interactions
from recommender.model import ServingModel
from recommender.state import batch_scores

ROW_LENGTH = 20
SEED_FAMILY = "ease"
AFFINITY_TOP = 5


class SiteModel:
    def __init__(self, catalog, *, from_day: int, retrain_days: int = 1,
                 family: str = SEED_FAMILY, params=None,
                 mapping: SignalMapping | None = None) -> None:
        if from_day < 0 or retrain_days < 1:
            raise ValueError("from_day must be >= 0 and retrain_days >= 1")
        if family not in models.NAMES or family == "random":
            raise ValueError(f"unknown model family {family!r}")
        self.catalog = catalog
        self.from_day, self.retrain_days = from_day, retrain_days
        self.family = family
        self.params = params if params is not None else models.default_params(family)
        self.mapping = mapping or SignalMapping()
        self.model: ServingModel | None = None
        self.profiles: np.ndarray = np.zeros(0, np.int64)  # scored at the last training
        self._scores = np.zeros((0, len(catalog)))
        self.trainings = 0
        self._genres: tuple[list[str], np.ndarray] | None = None
        self._by_title: np.ndarray | None = None

    def due(self, day: int) -> bool:
        return day >= self.from_day and (day - self.from_day) % self.retrain_days == 0

    def maybe_train(self, db: Database, day: int, now: datetime) -> bool:
        """Retrain if the cadence says so and there is anything to learn from."""
        if not self.due(day):
            return False
        with db.read() as s:
            inter = load_interactions(s, now, self.mapping)
            if self._genres is None:
                self._genres = self._genre_membership(s)
        if len(inter) == 0:
            return False
        self.model = models.fit(self.family, inter, self.catalog.title_ids, self.params)
        self.profiles = np.unique(inter.users)
        # Model order is catalog order: both are the title ids, sorted.
        self._scores = batch_scores(self.model, self.profiles, inter)
        self.trainings += 1
        return True

    def _genre_membership(self, session) -> tuple[list[str], np.ndarray]:
        """Genre slugs and a (genres x titles) mask from the catalog's public tag columns."""
        tag_rows = session.execute(select(Tag.id, Tag.kind, Tag.slug).order_by(Tag.id)).all()
        cols = [(j, slug) for j, (_, kind, slug) in enumerate(tag_rows) if kind == "genre"]
        slugs = [slug for _, slug in cols]
        mask = np.array([self.catalog.tags[:, j] > 0 for j, _ in cols], dtype=bool) \
            if cols else np.zeros((0, len(self.catalog)), bool)
        return slugs, mask.reshape(len(slugs), len(self.catalog))

    def scores(self, profile_id: int) -> np.ndarray | None:
        """Scores over catalog indexes, or None when the profile had no signals at the last
        training (or there is no model yet)."""
        if self.model is None:
            return None
        row = np.searchsorted(self.profiles, profile_id)
        if row >= self.profiles.size or self.profiles[row] != profile_id:
            return None
        return self._scores[row]

    def personal_rows(self, profile_id: int, allowed: np.ndarray
                      ) -> tuple[np.ndarray, list[tuple[str, np.ndarray]]] | None:
        """(Top picks, [(genre slug, titles)] in the profile's order) or None (not known)."""
        scores = self.scores(profile_id)
        if scores is None:
            return None
        ranked = np.where(allowed, scores, -np.inf)
        order = _best(ranked, ranked.size)  # every allowed title, best first
        top = order[:ROW_LENGTH]
        slugs, member = self._genres or ([], np.zeros((0, len(scores)), bool))
        if self._by_title is None:
            self._by_title = np.ascontiguousarray(member.T)  # (titles x genres)
        # Each genre's row: its titles in that same order, the first ROW_LENGTH of them; its
        # affinity: the mean score of its first AFFINITY_TOP. Every genre at once, by a running
        # count of members along the order (this runs once per simulated visit).
        inside = self._by_title[order]
        rank = np.cumsum(inside, axis=0, dtype=np.int32)
        keep = inside & (rank <= ROW_LENGTH)
        counts = np.minimum(rank[-1], AFFINITY_TOP) if order.size else np.zeros(len(slugs))
        affinity = (scores[order] @ (inside & (rank <= AFFINITY_TOP))) / np.maximum(counts, 1)
        shown = [n for n in np.lexsort((np.arange(len(slugs)), -affinity)).tolist() if counts[n]]
        return top, [(slugs[n], order[keep[:, n]]) for n in shown]


def _best(scores: np.ndarray, n: int) -> np.ndarray:
    """Indexes of the n highest finite scores, best first (ties by index)."""
    idx = np.flatnonzero(np.isfinite(scores))
    return idx[np.argsort(-scores[idx], kind="stable")[:n]]
