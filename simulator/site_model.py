"""The site's recommender inside a seeding run: trained from the database on the scheduler's
cadence, and the personal rows it adds to the home page, as arrays.

`SiteModel.maybe_train(db, day, now)` trains the Top picks model the way `streamsim train` does
(`load_interactions` over everything in the database, then `fit_top_picks`) once the warm-up is
over and every `retrain_days` after. `personal_rows` then gives what `PersonalRows` would show a
profile the model knows: "Top picks for you" (its best allowed titles) and each genre's best
titles for it, with the genres ordered by its affinity (mean score of its best five in the
genre). Allowed = within the maturity limit, not started before (the site leaves out watched
titles), available. Profiles the model does not know yet keep the popularity rows.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
from sqlalchemy import select

from core.db import Database
from core.models import Tag
from recommender.data import SignalMapping, load_interactions
from recommender.model import FactorModel
from recommender.train import TrainParams, fit_top_picks

ROW_LENGTH = 20
SEED_EPOCHS = 30
AFFINITY_TOP = 5


class SiteModel:
    def __init__(self, catalog, *, from_day: int, retrain_days: int = 1,
                 params: TrainParams | None = None,
                 mapping: SignalMapping | None = None) -> None:
        if from_day < 0 or retrain_days < 1:
            raise ValueError("from_day must be >= 0 and retrain_days >= 1")
        self.catalog = catalog
        self.from_day, self.retrain_days = from_day, retrain_days
        # Lighter than the site's own model (40 epochs): seeding retrains many times.
        self.params = params or TrainParams(epochs=SEED_EPOCHS)
        self.mapping = mapping or SignalMapping()
        self.model: FactorModel | None = None
        self.trainings = 0
        self._genres: tuple[list[str], np.ndarray] | None = None

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
        self.model = fit_top_picks(inter, self.catalog.title_ids, self.params)
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
        """Scores over catalog indexes, or None when the model does not know the profile."""
        if self.model is None:
            return None
        vec = self.model.user_vector(profile_id)
        return None if vec is None else self.model.scores(*vec)

    def personal_rows(self, profile_id: int, allowed: np.ndarray
                      ) -> tuple[np.ndarray, list[tuple[str, np.ndarray]]] | None:
        """(Top picks, [(genre slug, titles)] in the profile's order) or None (not known)."""
        scores = self.scores(profile_id)
        if scores is None:
            return None
        ranked = np.where(allowed, scores, -np.inf)
        top = _best(ranked, ROW_LENGTH)
        slugs, member = self._genres or ([], np.zeros((0, len(scores)), bool))
        genre_rows = []
        for n, slug in enumerate(slugs):
            in_genre = np.where(member[n], ranked, -np.inf)
            best = _best(in_genre, ROW_LENGTH)
            if best.size:
                affinity = float(in_genre[best[:AFFINITY_TOP]].mean())
                genre_rows.append((affinity, n, slug, best))
        genre_rows.sort(key=lambda r: (-r[0], r[1]))
        return top, [(slug, best) for _, _, slug, best in genre_rows]


def _best(scores: np.ndarray, n: int) -> np.ndarray:
    """Indexes of the n highest finite scores, best first (ties by index)."""
    idx = np.flatnonzero(np.isfinite(scores))
    return idx[np.argsort(-scores[idx], kind="stable")[:n]]
