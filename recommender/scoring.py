"""Scoring a profile against the serving model: one numpy expression, filters after scoring.

Where the profile's state comes from is an explicit branch (`Ranker.source`, decided in
recommender/state.py):
- "model": the profile was in the training data and has no newer explicit signal;
- "fold-in": the profile is new to the model, or gave thumbs/picks/list since it was trained;
- "popularity": no model is serving, the serving model is popularity itself, or the profile
  has no signals the model can use (cold start).

The serving model is cached by a `ModelStore` over one model folder, which reloads when the
CURRENT pointer changes (one stat call per request) and keeps the last good model if a load
fails. There is no process-wide store: the web app owns one (webapp.recs) and passes the model
it holds into the row builders; other callers build their own or pass None.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from sqlalchemy import select, union
from sqlalchemy.orm import Session

from core.models import Profile, Rating, TastePick, Title, TitleTag, Viewing
from recommender import artifacts
from recommender.cache import catalog_cache
from recommender.data import load_interactions, newest_signal_at
from recommender.model import ServingModel, UserState
from recommender.models.content import load_favourite_genres
from recommender.state import user_state

log = logging.getLogger(__name__)


class ModelStore:
    """The serving model for one model folder, reloaded when CURRENT changes. Thread-safe."""

    def __init__(self, model_dir: Path) -> None:
        self.model_dir = Path(model_dir)
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._model: ServingModel | None = None

    def _stat(self) -> tuple | None:
        try:
            st = os.stat(self.model_dir / artifacts.CURRENT)
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def get(self) -> ServingModel | None:
        """The version CURRENT names, loaded by the first request that sees it change. While
        that request loads it, the worker's other requests keep the version already serving
        instead of queueing behind the load (5-15 ms at demo size), so a retrain's publish
        does not stall every thread of every worker; with nothing serving yet they wait."""
        key = self._stat()
        if key == self._key:
            return self._model
        serving = self._model
        if not self._lock.acquire(blocking=serving is None):
            return serving  # another request is loading the new version
        try:
            if key != self._key:
                model = artifacts.load_serving(self.model_dir) if key else None
                if model is None and key is not None and self._model is not None:
                    log.error("no readable model in %s; keeping %s", self.model_dir,
                              self._model.version)
                else:
                    self._model = model
                self._key = key
            return self._model
        finally:
            self._lock.release()


def percentile_match(scores: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """A 'match' figure per title: the share of allowed titles it outscores, as 0..99."""
    pool = np.sort(scores[allowed])
    if pool.size == 0:
        return np.zeros(scores.shape, int)
    rank = np.searchsorted(pool, scores, side="left") / pool.size
    return np.minimum((rank * 100).astype(int), 99)


@dataclass(frozen=True)
class RankerState:
    """What a Ranker worked out for one profile and model (arrays only, no session): a home
    page's lazy rows reuse it rather than loading the profile's signals again."""

    model_version: str
    vector: UserState | None
    source: str
    scores: np.ndarray | None
    allowed: np.ndarray | None


class Ranker:
    """One profile's scores over the catalog, with its filters, for one request (or, from a
    `RankerState`, the rest of the page a request began)."""

    def __init__(self, session: Session, profile: Profile, model: ServingModel | None,
                 now: datetime, state: RankerState | None = None) -> None:
        self.session, self.profile, self.model, self.now = session, profile, model, now
        self.source = "popularity"
        self.vector: UserState | None = None
        self._scores: np.ndarray | None = None
        self._allowed: np.ndarray | None = None
        if model is not None and state is not None and state.model_version == model.version:
            self.vector, self.source = state.vector, state.source
            self._scores, self._allowed = state.scores, state.allowed
        elif model is not None:
            self.vector, self.source = self._user_vector(model)

    def state(self) -> RankerState | None:
        """This ranker's work so far, to hand to the next request of the same page."""
        if self.model is None:
            return None
        if self.personal:
            self.scores()
            self.allowed()
        return RankerState(self.model.version, self.vector, self.source, self._scores,
                           self._allowed)

    def _user_vector(self, model: ServingModel) -> tuple[UserState | None, str]:
        trained_at = model.card.get("trained_at")
        known = model.user_index(self.profile.id) is not None
        newest = newest_signal_at(self.session, self.profile.id) if known else None
        stale = trained_at is None or (newest is not None and newest.isoformat() > trained_at)
        # Only load the profile's signals when the state needs them: item-item parts score
        # from the history, and a new or stale profile is folded in from it.
        need = model.uses_history or not known or stale
        signals = load_interactions(self.session, self.now, profile_ids=[self.profile.id]) \
            if need else None
        # What it told the onboarding page counts while it is new to the model.
        pid = self.profile.id
        genres = load_favourite_genres(self.session, [pid]).get(pid, ()) \
            if model.has_stated_genres and (not known or stale) else ()
        return user_state(model, self.profile.id, signals, stale=stale, genres=genres)

    @property
    def personal(self) -> bool:
        return self.vector is not None

    def scores(self) -> np.ndarray:
        """Every title's score (model order), one expression (recommender/model.py)."""
        if self._scores is None:
            assert self.model is not None and self.vector is not None
            self._scores = self.model.scores(self.vector)
        return self._scores

    def excluded_ids(self) -> set[int]:
        """Watched (any viewing, hidden or not), thumbs down, and onboarding picks."""
        pid = self.profile.id
        return set(self.session.scalars(union(  # one statement, not three
            select(Viewing.title_id).where(Viewing.profile_id == pid),
            select(Rating.title_id).where(Rating.profile_id == pid, Rating.value < 0),
            select(TastePick.title_id).where(TastePick.profile_id == pid))))

    def allowed(self) -> np.ndarray:
        """Mask over the model's titles: within the maturity limit and not excluded."""
        if self._allowed is None:
            assert self.model is not None
            limit = self.profile.maturity_limit
            ages = catalog_cache.get_or_set(
                (str(self.session.get_bind().url), "model-ages", self.model.version,
                 self.model.item_ids.size),
                lambda: self._maturity_ages())
            mask = ages <= limit
            mask &= ~np.isin(self.model.item_ids, np.fromiter(self.excluded_ids(), np.int64))
            self._allowed = mask
        return self._allowed

    def _maturity_ages(self) -> np.ndarray:
        """Maturity age per model title (titles since removed count as unwatchable: 99)."""
        rows = dict(self.session.execute(select(Title.id, Title.maturity_age)).all())
        return np.array([rows.get(int(t), 99) for t in self.model.item_ids], np.int64)

    def filters(self) -> list[str]:
        return [f"titles above {self.profile.maturity_limit}+ removed",
                "titles you watched or hid removed", "titles you gave a thumbs down removed",
                "your onboarding picks removed"]

    def top(self, n: int, *, kind: str | None = None, tag_id: int | None = None,
            exclude=()) -> list[int]:
        """The n best allowed title ids (filters applied after scoring)."""
        if not self.personal:
            return []
        scores = self.scores()
        mask = self.allowed().copy()
        if kind is not None:
            mask &= self._members("kind", kind, select(Title.id).where(Title.kind == kind))
        if tag_id is not None:
            mask &= self._members("tag", tag_id, select(TitleTag.title_id)
                                  .where(TitleTag.tag_id == tag_id))
        exclude = list(exclude)
        if exclude:
            mask &= ~np.isin(self.model.item_ids, np.array(exclude, np.int64))
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            return []
        best = idx[np.argsort(-scores[idx], kind="stable")[:n]]
        return [int(t) for t in self.model.item_ids[best]]

    def _members(self, what: str, value, query) -> np.ndarray:
        """Mask over the model's titles: those `query` selects (catalog-wide, cached)."""
        return catalog_cache.get_or_set(
            (str(self.session.get_bind().url), "members", what, value, self.model.version,
             self.model.item_ids.size),
            lambda: np.isin(self.model.item_ids,
                            np.fromiter(self.session.scalars(query), np.int64)))

    def rank(self, title_ids) -> list[int]:
        """Title ids reordered by score (unknown titles keep their order, after the rest)."""
        ids = list(title_ids)
        if not self.personal or not ids:
            return ids
        pos = self.model.item_positions(ids)
        scores = self.scores()
        key = [(-(scores[p]) if p >= 0 else np.inf, n) for n, p in enumerate(pos)]
        return [ids[n] for _, n in sorted(key)]

    def matches(self, title_ids) -> dict[int, int]:
        if not self.personal:
            return {}
        pos = self.model.item_positions(list(title_ids))
        pct = percentile_match(self.scores(), self.allowed())
        return {int(t): int(pct[p]) for t, p in zip(title_ids, pos, strict=True) if p >= 0}
