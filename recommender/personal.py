"""What the recommender's home rows ask of a model on the site (Top picks, Because you
watched X, genre rows ranked for the profile, the order of genre rows), the "match" figure on
cards, "More like this" and the search touch.

The rows themselves are kinds in `recommender.row_kinds`; `PersonalRows` is their model when
`active` (a serving model and a user vector from the model or fold-in); when it is not, the
site's source offers no model and the popularity rows are served. The model is always passed
in by the caller (the site passes the one its app serves; None means popularity rows only).
The similarity blend and genre affinity are plain functions of the model's arrays, so the
simulated site (simulator/studies/site_model.py) computes them the same way from memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import catalog
from core.models import Profile, Tag, Title, TitleTag
from recommender.cache import catalog_cache
from recommender.model import ServingModel
from recommender.row_kinds import ROW_LENGTH
from recommender.scoring import Ranker, RankerState

FACTOR_SHARE = 0.6  # "Because you watched": 60% learned similarity, 40% tag Jaccard
AFFINITY_TOP = 5  # a genre's affinity: the mean score of the profile's best 5 titles in it


class PersonalRows:
    """One profile's view through `model` (None: inactive, popularity rows only): what the
    row registry's personal rows (`recommender.row_kinds`) ask of a model on the site."""

    def __init__(self, session: Session, profile: Profile, now: datetime,
                 model: ServingModel | None, state: RankerState | None = None) -> None:
        self.session, self.profile, self.now = session, profile, now
        self.model = model
        self._state = state  # a ranker's work from an earlier request of the same page
        self._ranker: Ranker | None = None
        self._db_key = str(session.get_bind().url)

    @property
    def ranker(self) -> Ranker | None:
        if self._ranker is None and self.model is not None:
            self._ranker = Ranker(self.session, self.profile, self.model, self.now,
                                  state=self._state)
        return self._ranker

    @property
    def active(self) -> bool:
        return self.ranker is not None and self.ranker.personal

    @property
    def folded_in(self) -> bool:
        return self.ranker.source == "fold-in"

    def top(self, n: int, *, tag_id: int | None = None, exclude: Iterable[int] = ()
            ) -> list[int]:
        return self.ranker.top(n, tag_id=tag_id, exclude=exclude)

    def matches(self, title_ids: list[int]) -> dict[int, int]:
        return self.ranker.matches(title_ids) if self.active else {}

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

    def genre_affinity(self) -> dict[str, float]:
        slugs, member = self._genre_matrix()
        return genre_affinity(slugs, *best_in_genres(member, self.ranker.scores(),
                                                     self.ranker.allowed()))

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

    def similar(self, title_id: int, n: int = ROW_LENGTH, exclude: Iterable[int] = (),
                filtered: bool = True) -> list[int]:
        order = similar_order(self.model, self._tag_matrix(), title_id)
        if order is None:
            return []
        allowed = self.ranker.allowed() if filtered else np.ones(order.size, bool)
        return most_similar(self.model, order, allowed, title_id, n, exclude)


def best_in_genres(member: np.ndarray, scores: np.ndarray, allowed: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Each genre's best AFFINITY_TOP allowed scores, best first, zeros after (`member`:
    genres x model titles), and how many it has."""
    mask = member & allowed[None, :]
    k = min(AFFINITY_TOP, scores.size)
    best = np.partition(np.where(mask, -scores[None, :], np.inf), k - 1, axis=1)[:, :k]
    best = -np.sort(best, axis=1)
    return np.where(np.isfinite(best), best, 0.0), np.minimum(mask.sum(axis=1), k)


def genre_affinity(slugs: list[str], best: np.ndarray, counts: np.ndarray) -> dict[str, float]:
    """Per genre slug: the mean of the profile's best allowed scores in it (`best`: genres x
    up to AFFINITY_TOP, best first, zeros after each genre's `counts`), added left to right so
    the site and the simulated site get the same figure to the last bit; genres with no allowed
    title are left out."""
    total = np.zeros(len(slugs))
    for column in best.T:
        total += column
    return {slug: float(total[n] / counts[n]) for n, slug in enumerate(slugs) if counts[n] > 0}


def similarity(model: ServingModel, tags: np.ndarray, title_id: int,
               sizes: np.ndarray | None = None) -> np.ndarray | None:
    """Blend of the model's own title similarity (factor cosine, or the title's item-item
    weights scaled to 0..1 for an item-item model) and tag Jaccard (`tags`: model titles x
    tags, 1 where the title carries the tag; `sizes`: its row sums, if the caller keeps them);
    None when the model lacks the title."""
    src = int(model.item_positions([title_id])[0])
    if src < 0:
        return None
    learned = np.zeros(model.item_ids.size)
    if model.n_factors:
        q = model.qi
        norms = np.linalg.norm(q, axis=1) + 1e-9
        learned = (q @ q[src]) / (norms * norms[src])
    if model.has_neighbours:  # neighbour positions are never negative
        row = np.bincount(model.nbr_idx[src], weights=model.nbr_val[src],
                          minlength=model.item_ids.size)
        top = row.max()
        row = row / top if top > 0 else row
        learned = row if not model.n_factors else (learned + row) / 2
    sizes = tags.sum(axis=1) if sizes is None else sizes
    inter = tags @ tags[src]
    union = sizes + sizes[src] - inter
    jaccard = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
    return FACTOR_SHARE * learned + (1 - FACTOR_SHARE) * jaccard


def similar_order(model: ServingModel, tags: np.ndarray, title_id: int,
                  sizes: np.ndarray | None = None, first: int | None = None
                  ) -> np.ndarray | None:
    """Model positions, most like `title_id` first by `similarity` (ties in model order); with
    `first`, only the start of that order: the `first` most similar and any tied with the
    last of them."""
    sim = similarity(model, tags, title_id, sizes)
    if sim is None:
        return None
    idx = np.arange(sim.size)
    if first is not None and first < sim.size:
        idx = np.flatnonzero(sim >= -np.partition(-sim, first - 1)[first - 1])
    return idx[np.argsort(-sim[idx], kind="stable")]


def most_similar(model: ServingModel, order, allowed: np.ndarray, title_id: int, n: int,
                 exclude: Iterable[int] = ()) -> list[int]:
    """The first n allowed title ids in `order` (from `similar_order`), leaving out the title
    itself and `exclude`."""
    skip, out, ids = {title_id, *exclude}, [], model.item_ids
    for p in order:  # a few dozen steps: the best come first
        if allowed[p] and (t := int(ids[p])) not in skip:
            out.append(t)
            if len(out) == n:
                break
    return out


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
