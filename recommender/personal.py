"""The recommender's rows for one profile: Top picks, Because you watched X, genre rows ranked
for the profile, the order of genre rows, and the "match" figure on cards.

Everything here is an explicit branch on `active` (a serving model and a user vector from the
model or fold-in). When it is False, `arrange` returns the plan unchanged and `build` returns
None, so HomeRows serves its popularity rows exactly as before. The model is always passed in
by the caller (the site passes the one its app serves; None means popularity rows only).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import catalog
from core.models import Profile, Tag, Title, TitleTag, Viewing
from recommender.cache import catalog_cache
from recommender.model import ServingModel
from recommender.scoring import Ranker

ROW_LENGTH = 20
FACTOR_SHARE = 0.6  # "Because you watched": 60% learned similarity, 40% tag Jaccard
PERSONAL_PREFIXES = ("top-picks", "watched-", "because-", "genre-")


class PersonalRows:
    """One profile's personal rows from `model` (None: inactive, popularity rows only)."""

    def __init__(self, session: Session, profile: Profile, now: datetime,
                 model: ServingModel | None) -> None:
        self.session, self.profile, self.now = session, profile, now
        self.model = model
        self._ranker: Ranker | None = None
        self._db_key = str(session.get_bind().url)

    @property
    def ranker(self) -> Ranker | None:
        if self._ranker is None and self.model is not None:
            self._ranker = Ranker(self.session, self.profile, self.model, self.now)
        return self._ranker

    @property
    def active(self) -> bool:
        return self.ranker is not None and self.ranker.personal

    # -- planning ---------------------------------------------------------------------------

    def recent_completed(self, n: int = 2) -> list[Title]:
        """The profile's most recently finished titles (hidden ones left out)."""
        ids = list(dict.fromkeys(self.session.scalars(
            select(Viewing.title_id).where(Viewing.profile_id == self.profile.id,
                                           Viewing.completed.is_(True),
                                           Viewing.hidden.is_(False))
            .order_by(Viewing.last_watched_at.desc(), Viewing.title_id).limit(n * 4))))
        if not ids:
            return []
        return catalog.load_titles(self.session, ids[:n], self.profile.maturity_limit)

    def arrange(self, specs: list, spec_type) -> list:
        """Top picks first (after Continue Watching), Because you watched after the first screen,
        genre rows in the profile's order; Trending and Top 10 keep their places."""
        if not self.active:
            return specs
        out = list(specs)
        at = 1 if out and out[0].key == "continue" else 0
        out.insert(at, spec_type("top-picks", "Top picks for you"))
        for n, title in enumerate(self.recent_completed()):
            out.insert(min(at + 4 + 2 * n, len(out)),
                       spec_type(f"watched-{title.id}", f"Because you watched {title.name}"))
        slots = [i for i, s in enumerate(out) if s.key.startswith("genre-")]
        affinity = self.genre_affinity()
        ordered = sorted((out[i] for i in slots),
                         key=lambda s: -affinity.get(s.key.removeprefix("genre-"), -np.inf))
        for i, spec in zip(slots, ordered, strict=True):
            out[i] = spec
        return out

    def _genre_matrix(self) -> tuple[list[str], np.ndarray]:
        """Genre slugs and a (genres x model titles) membership matrix, cached per model."""
        ids = self.model.item_ids

        def compute():
            rows = self.session.execute(select(Tag.slug, TitleTag.title_id).join(
                TitleTag, TitleTag.tag_id == Tag.id).where(Tag.kind == "genre")).all()
            slugs = sorted({slug for slug, _ in rows})
            row_of = {slug: n for n, slug in enumerate(slugs)}
            mat = np.zeros((len(slugs), ids.size), bool)
            pos = self.model.item_positions([tid for _, tid in rows])
            for p, (slug, _) in zip(pos, rows, strict=True):
                if p >= 0:
                    mat[row_of[slug], p] = True
            return slugs, mat
        return catalog_cache.get_or_set((self._db_key, "genre-matrix", self.model.version,
                                         ids.size),
                                        compute)

    def genre_affinity(self, top: int = 5) -> dict[str, float]:
        """Per genre slug: the mean score of the profile's best `top` allowed titles in it."""
        slugs, member = self._genre_matrix()
        if not slugs:
            return {}
        mask = member & self.ranker.allowed()[None, :]
        scores = np.where(mask, self.ranker.scores()[None, :], -np.inf)
        k = min(top, scores.shape[1])
        best = -np.partition(-scores, k - 1, axis=1)[:, :k]
        counts = np.minimum(mask.sum(axis=1), k)
        finite = np.where(np.isfinite(best), best, 0.0).sum(axis=1)
        return {slug: float(finite[n] / counts[n]) for n, slug in enumerate(slugs)
                if counts[n] > 0}

    # -- filling ----------------------------------------------------------------------------

    def build(self, key: str, exclude: set[int], picks: Iterable[int] = ()):
        """(titles, why) for a personal row, or None to let HomeRows build it as before."""
        if not self.active:
            return None
        limit = self.profile.maturity_limit
        if key == "top-picks":
            ids = self.ranker.top(ROW_LENGTH, exclude=exclude)
            why = ("Updated from your latest picks and thumbs" if self.ranker.source == "fold-in"
                   else "Chosen for you from what you watched and rated")
            return catalog.load_titles(self.session, ids, limit), why
        if key.startswith(("watched-", "because-")):
            source_id = int(key.split("-", 1)[1])
            ids = self.similar(source_id, n=ROW_LENGTH, exclude=exclude | set(picks))
            # The source and its neighbours in one statement; the source is not shown.
            loaded = catalog.load_titles(self.session, [source_id, *ids], limit) if ids else []
            if not loaded or loaded[0].id != source_id:
                return None
            return (loaded[1:],
                    f"Viewers who liked {loaded[0].name} liked these, and they share its tags")
        if key.startswith("genre-"):
            slug = key.removeprefix("genre-")
            tag = catalog_cache.get_or_set(  # (id, name), catalog-wide
                (self._db_key, "genre-slug", slug),
                lambda: next(((t.id, t.name) for t in [
                    catalog.tag_by_slug(self.session, "genre", slug)] if t), None))
            if tag is None:
                return None
            ids = self.ranker.top(ROW_LENGTH, tag_id=tag[0], exclude=exclude)
            return catalog.load_titles(self.session, ids, limit), \
                f"{tag[1]} titles ranked for you"
        return None

    def matches(self, key: str, titles: list[Title]) -> dict[int, int]:
        if not self.active or key.startswith("top10-"):
            return {}
        return self.ranker.matches([t.id for t in titles])

    def explains(self, key: str) -> bool:
        return self.active and key.startswith(PERSONAL_PREFIXES)

    # -- item similarity ------------------------------------------------------------------------

    def _tag_matrix(self) -> np.ndarray:
        """Titles (model order) x tags, 1 where the title carries the tag."""
        ids = self.model.item_ids

        def compute():
            rows = self.session.execute(select(TitleTag.title_id, TitleTag.tag_id)).all()
            tags = sorted({t for _, t in rows})
            col = {t: n for n, t in enumerate(tags)}
            mat = np.zeros((ids.size, max(len(tags), 1)), np.float32)
            pos = self.model.item_positions([r[0] for r in rows])
            for p, (_, tag) in zip(pos, rows, strict=True):
                if p >= 0:
                    mat[p, col[tag]] = 1.0
            return mat
        return catalog_cache.get_or_set((self._db_key, "tag-matrix", self.model.version,
                                         ids.size), compute)

    def similarity(self, title_id: int) -> np.ndarray | None:
        """Blend of the model's own title similarity (factor cosine, or the title's item-item
        weights scaled to 0..1 for an item-item model) and tag Jaccard."""
        src = int(self.model.item_positions([title_id])[0])
        if src < 0:
            return None
        learned = np.zeros(self.model.item_ids.size)
        if self.model.n_factors:
            q = self.model.qi
            norms = np.linalg.norm(q, axis=1) + 1e-9
            learned = (q @ q[src]) / (norms * norms[src])
        if self.model.has_neighbours:
            row = np.zeros(self.model.item_ids.size)
            np.add.at(row, self.model.nbr_idx[src], self.model.nbr_val[src])
            top = row.max()
            row = row / top if top > 0 else row
            learned = row if not self.model.n_factors else (learned + row) / 2
        tags = self._tag_matrix()
        inter = tags @ tags[src]
        union = tags.sum(axis=1) + tags[src].sum() - inter
        jaccard = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
        return FACTOR_SHARE * learned + (1 - FACTOR_SHARE) * jaccard

    def similar(self, title_id: int, n: int = ROW_LENGTH, exclude: Iterable[int] = (),
                filtered: bool = True) -> list[int]:
        sim = self.similarity(title_id)
        if sim is None:
            return []
        mask = self.ranker.allowed().copy() if filtered else np.ones(sim.size, bool)
        mask &= ~np.isin(self.model.item_ids, np.array([title_id, *exclude], np.int64))
        idx = np.flatnonzero(mask)
        best = idx[np.argsort(-sim[idx], kind="stable")[:n]]
        return [int(t) for t in self.model.item_ids[best]]


def more_like_this(session: Session, profile: Profile, title: Title, now: datetime,
                   model: ServingModel | None, n: int = 12) -> list[Title]:
    """Title page "More like this": factor + tag similarity when a model serves (watched and
    over-limit titles left out), else shared tags as before."""
    rows = PersonalRows(session, profile, now, model)
    if rows.model is not None:
        ids = rows.similar(title.id, n=n)
        if ids:
            return catalog.load_titles(session, ids, profile.maturity_limit)
    return catalog.similar_titles(session, title, profile.maturity_limit, n=n)


def rerank_search(session: Session, profile: Profile, now: datetime, query: str,
                  titles: list[Title], model: ServingModel | None) -> list[Title]:
    """A light personal touch on search: titles whose name starts with the query stay first,
    in order; the rest are ordered by the mean of their search rank and personal rank."""
    rows = PersonalRows(session, profile, now, model)
    if not rows.active or len(titles) < 2:
        return titles
    q = " ".join(query.split()).lower()
    named = [t for t in titles if q and t.name.lower().startswith(q)]
    rest = [t for t in titles if not (q and t.name.lower().startswith(q))]
    personal = {tid: n for n, tid in enumerate(rows.ranker.rank([t.id for t in rest]))}
    order = sorted(range(len(rest)), key=lambda n: ((n + personal[rest[n].id]) / 2, n))
    return named + [rest[n] for n in order]
