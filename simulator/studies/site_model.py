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

`view(profile_id, allowed)` then gives the profile as the row registry's personal rows see it
(`recommender.row_kinds`: Top picks, genre rows ranked for it and ordered by its affinity,
Because you picked / watched), from those scores in memory: the rows the site's
`PersonalRows` shows over the same model when nothing newer than the training is folded in
(the similarity blend and genre affinity are the site's own functions, and agree to the last
bit). Allowed = within the maturity limit, not started before, not an onboarding pick (the site
leaves those out too), released. Profiles with no signals in the training data keep the
popularity rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cached_property

import numpy as np
from sqlalchemy import select

from core.db import Database
from core.models import Tag
from recommender import models
from recommender.data import SignalMapping, load_interactions
from recommender.model import ServingModel
from recommender.personal import AFFINITY_TOP, genre_affinity, most_similar, similar_order
from recommender.row_kinds import ROW_LENGTH
from recommender.state import batch_scores

SEED_FAMILY = "ease"
SIMILAR_FIRST = ROW_LENGTH * 4  # titles kept of a title's similarity order (row + left out)


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
        self._genres: tuple[list[int], list[str], np.ndarray] | None = None
        self._similar: dict[tuple, list[int] | None] = {}  # (title, whole) -> similar first
        self._tag_sizes = catalog.tags.sum(axis=1)
        self._title_genres: tuple[np.ndarray, np.ndarray] | None = None

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
        self._similar = {}
        # Model order is catalog order: both are the title ids, sorted.
        self._scores = batch_scores(self.model, self.profiles, inter)
        self.trainings += 1
        return True

    def _genre_membership(self, session) -> tuple[list[int], list[str], np.ndarray]:
        """Genre tag ids, slugs and a (genres x titles) mask from the catalog's public tag
        columns."""
        tag_rows = session.execute(select(Tag.id, Tag.kind, Tag.slug).order_by(Tag.id)).all()
        cols = [(j, tid, slug) for j, (tid, kind, slug) in enumerate(tag_rows)
                if kind == "genre"]
        mask = np.array([self.catalog.tags[:, j] > 0 for j, _, _ in cols], dtype=bool) \
            if cols else np.zeros((0, len(self.catalog)), bool)
        return ([tid for _, tid, _ in cols], [slug for _, _, slug in cols],
                mask.reshape(len(cols), len(self.catalog)))

    def scores(self, profile_id: int) -> np.ndarray | None:
        """Scores over catalog indexes, or None when the profile had no signals at the last
        training (or there is no model yet)."""
        if self.model is None:
            return None
        row = np.searchsorted(self.profiles, profile_id)
        if row >= self.profiles.size or self.profiles[row] != profile_id:
            return None
        return self._scores[row]

    def view(self, profile_id: int, allowed: np.ndarray) -> ModelView | None:
        """The profile through the model (the row registry's `PersonalSource`), or None when
        it had no signals at the last training (or there is no model yet)."""
        scores = self.scores(profile_id)
        return None if scores is None else ModelView(self, scores, allowed)

    @property
    def title_genres(self) -> tuple[np.ndarray, np.ndarray]:
        """Each title's genres (rows of `_genres`), as (starts, genres): title i's are
        genres[starts[i]:starts[i + 1]]."""
        if self._title_genres is None:
            titles, genres = np.nonzero(self._genres[2].T)
            starts = np.zeros(len(self.catalog) + 1, np.int64)
            np.cumsum(np.bincount(titles, minlength=len(self.catalog)), out=starts[1:])
            self._title_genres = starts, genres.astype(np.int16)  # int16: a radix sort
        return self._title_genres

    def similar_order(self, title_id: int, whole: bool = False) -> list[int] | None:
        """Catalog indexes, most like the title first by the site's similarity blend: the
        start of that order (enough for a row, nearly always), or the `whole` of it; kept
        until the next training."""
        key = (title_id, whole)
        if key not in self._similar:
            order = similar_order(self.model, self.catalog.tags, title_id, self._tag_sizes,
                                  first=None if whole else SIMILAR_FIRST)
            self._similar[key] = None if order is None else order.tolist()
        return self._similar[key]


class ModelView:
    """One simulated profile through the site model, in title ids as the row registry asks:
    scores as of the last training (the site would fold in signals given since; rescoring
    every visit would cost more than the rest of it), over `allowed` titles (within the
    limit, released, not started, not an onboarding pick, as the site's `Ranker` filters)."""

    folded_in = False

    def __init__(self, site: SiteModel, scores: np.ndarray, allowed: np.ndarray) -> None:
        self.site, self.scores, self.allowed = site, scores, allowed
        allowed_idx = np.flatnonzero(allowed)  # allowed titles, best first (ties: catalog order)
        self.order = allowed_idx[np.argsort(-scores[allowed_idx], kind="stable")]

    def top(self, n: int, *, tag_id: int | None = None, exclude: Iterable[int] = ()
            ) -> list[int]:
        order = self.order
        if tag_id is not None:
            tag_ids = self.site._genres[0]
            if tag_id not in tag_ids:
                return []
            titles, first, size = self._by_genre
            g = tag_ids.index(tag_id)
            order = titles[first[g]:first[g] + size[g]]
        exclude = set(exclude)
        ids = self.site.catalog.title_ids[order[:n + len(exclude)]].tolist()
        return [t for t in ids if t not in exclude][:n]

    @cached_property
    def _by_genre(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The allowed titles of every genre, best first, one genre after another, from the
        titles' genres (`SiteModel.title_genres`): (titles, each genre's first, its size)."""
        starts, genres = self.site.title_genres
        order = self.order
        counts = starts[order + 1] - starts[order]  # genres per title, best first
        ends = np.cumsum(counts)
        genre = genres[np.arange(ends[-1] if ends.size else 0)
                       - np.repeat(ends - counts - starts[order], counts)]
        by = np.argsort(genre, kind="stable")  # each genre's titles together, best first
        size = np.bincount(genre, minlength=len(self.site._genres[0]))
        first = np.concatenate(([0], np.cumsum(size)[:-1]))
        return np.repeat(order, counts)[by], first, size

    def genre_affinity(self) -> dict[str, float]:
        """What the site's `best_in_genres` finds, read off the genres' titles in order."""
        titles, first, size = self._by_genre
        count = np.minimum(size, AFFINITY_TOP)
        genre = np.repeat(np.arange(size.size), count)
        rank = np.arange(genre.size) - np.repeat(np.cumsum(count) - count, count)
        best = np.zeros((size.size, AFFINITY_TOP))
        best[genre, rank] = self.scores[titles[first[genre] + rank]]
        return genre_affinity(self.site._genres[1], best, count)

    def similar(self, title_id: int, n: int = ROW_LENGTH, exclude: Iterable[int] = ()
                ) -> list[int]:
        order = self.site.similar_order(title_id)
        if order is None:
            return []
        ids = most_similar(self.site.model, order, self.allowed, title_id, n, exclude)
        if len(ids) < n and len(order) < len(self.allowed):  # the start was not enough
            ids = most_similar(self.site.model, self.site.similar_order(title_id, whole=True),
                               self.allowed, title_id, n, exclude)
        return ids
