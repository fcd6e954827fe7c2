"""How simulated viewers find titles besides the home rows (issue 11; docs/simulation.md).

A viewer who sees nothing it wants on a screen may, instead of scrolling on, take a path a
real member takes:

- **search for a title it heard about**: buzz outside the site (`Catalog.buzz`, decaying after
  release: `behaviour.awareness`) makes a title known; the viewer types its name;
- **search for a person** from a title it liked (one of its first three cast members);
- **search for a genre** it likes;
- **browse** a genre it likes, films or series or both, sorted by popularity or newest, as
  the browse page's grid (rows of `BROWSE_COLUMNS`);
- **"More like this"** on the page of a title it liked.

Each path returns what the site would show, ranked by the same rules as the site's services
(`core.catalog.search`: exact name, then names containing the query, then people's and tags'
titles, by public popularity; `core.catalog.browse`; `core.catalog.similar_title_ids`: Jaccard
over tags, ties by popularity), reproduced over the catalogue's arrays because a database query
per simulated search would cost more than the rest of the session (a test checks the rules
agree with the services). The engine logs searches through `core.activity.log_search` and
every shown row as an impression of its surface (search, browse, title), so discovery reaches
the data the recommender trains on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.catalog.features import FEATURE_INDEX
from simulator.viewers.session import ShownRow, Viewer
from simulator.viewers.world import Catalog

SEARCH_LIMIT = 48
BROWSE_PAGE = 36
BROWSE_COLUMNS = 6
SIMILAR_N = 12
# Of the paths open to a viewer, how often each is taken (heard-about searches need a title
# it has heard of, person searches and "More like this" a title it liked).
PATH_WEIGHTS = {"heard": 0.3, "person": 0.1, "genre": 0.15, "browse": 0.25, "similar": 0.2}


def _page(ranked: np.ndarray, page: int) -> np.ndarray:
    return ranked[(page - 1) * BROWSE_PAGE:page * BROWSE_PAGE]


@dataclass
class Found:
    path: str
    rows: list[ShownRow]
    query: str | None = None  # what was typed, for the search log
    hits: int = 0


class Discovery:
    """The discovery paths over one catalogue; `available` marks released titles (shared with
    the simulation, so arrivals show up as they are released); `buzz_today` is set daily."""

    def __init__(self, catalog: Catalog, available: np.ndarray) -> None:
        self.cat, self.available = catalog, available
        self.buzz_today = np.zeros(len(catalog))
        self.lower = [n.lower() for n in catalog.names] if catalog.names else []
        slugs = sorted({g for g in catalog.genre_of if g})
        self.genres = [g for g in slugs if f"genre:{g}" in FEATURE_INDEX]
        self.genre_cols = np.array([FEATURE_INDEX[f"genre:{g}"] for g in self.genres],
                                   dtype=np.int64)
        self._tag_col = self._genre_tag_columns()
        self.by_person: dict[int, list[int]] = {}
        for idx, people in catalog.stars.items():
            for p in people:
                self.by_person.setdefault(p, []).append(idx)
        self._cache: dict[tuple, np.ndarray] = {}
        self._containing: dict[int, np.ndarray] = {}  # title -> other titles whose names hold it
        self._tag_sizes = catalog.tags.sum(axis=1)

    def _genre_tag_columns(self) -> dict[str, np.ndarray]:
        """Per genre: the titles tagged with it anywhere (the browse filter, the tag search)."""
        col = {k: c for c, k in enumerate(self.cat.tag_keys)}
        return {g: np.flatnonzero(self.cat.tags[:, col[f"genre:{g}"]] > 0)
                for g in self.genres if f"genre:{g}" in col}

    # -- what the site's services return ------------------------------------------------------

    def _allowed(self, idx: np.ndarray, limit: int) -> np.ndarray:
        idx = np.asarray(idx, dtype=np.int64)
        return idx[(self.cat.maturity[idx] <= limit) & self.available[idx]]

    def _by_popularity(self, idx: np.ndarray) -> np.ndarray:
        """Public popularity, highest first; ties by id (the services' order)."""
        return idx[np.lexsort((self.cat.title_ids[idx], -self.cat.prior_popularity[idx]))]

    def search_title(self, idx: int, limit: int) -> np.ndarray:
        """The site's search for a title's exact name: that title, then other titles whose
        names contain it, by popularity."""
        if idx not in self._containing:  # names never change: scan the catalogue once a title
            name = self.lower[idx]
            self._containing[idx] = np.array(
                [j for j, n in enumerate(self.lower) if name in n and j != idx], dtype=np.int64)
        rest = self._by_popularity(self._allowed(self._containing[idx], limit))
        head = self._allowed(np.array([idx]), limit)
        return np.concatenate([head, rest])[:SEARCH_LIMIT]

    def search_person(self, person: int, limit: int) -> np.ndarray:
        return self._by_popularity(self._allowed(self.by_person.get(person, []),
                                                 limit))[:SEARCH_LIMIT]

    def search_genre(self, genre: str, limit: int) -> np.ndarray:
        return self._by_popularity(self._allowed(self._tag_col.get(genre, []),
                                                 limit))[:SEARCH_LIMIT]

    def browse(self, genre: str, kind: str | None, sort: str, limit: int,
               page: int = 1) -> np.ndarray:
        idx = self._allowed(self._tag_col.get(genre, []), limit)
        if kind is not None:
            idx = idx[self.cat.is_series[idx] == (kind == "series")]
        if sort == "newest":
            order = np.lexsort((self.cat.title_ids[idx], -self.cat.release_ordinal[idx]))
            return _page(idx[order], page)
        if sort == "critics":  # reviewed titles first, best score, then popularity
            score = self.cat.critic_score[idx]
            order = np.lexsort((self.cat.title_ids[idx], -self.cat.prior_popularity[idx],
                                -np.nan_to_num(score, nan=-1.0), np.isnan(score)))
            return _page(idx[order], page)
        return _page(self._by_popularity(idx), page)

    def similar(self, idx: int, limit: int) -> np.ndarray:
        """More like this: Jaccard over public tags, ties by popularity."""
        key = ("similar", idx, limit, int(self.available.sum()))
        if key not in self._cache:
            shared = self.cat.tags @ self.cat.tags[idx]
            union = self._tag_sizes + self._tag_sizes[idx] - shared
            score = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
            cand = self._allowed(np.flatnonzero(score > 0), limit)
            cand = cand[cand != idx]
            order = np.lexsort((self.cat.title_ids[cand], -self.cat.prior_popularity[cand],
                                -score[cand]))
            self._cache[key] = cand[order][:SIMILAR_N]
        return self._cache[key]

    # -- which path a viewer takes ------------------------------------------------------------

    def heard_of(self, rng: np.random.Generator, utility: np.ndarray, limit: int,
                 skip: set[int]) -> int | None:
        """A title the viewer heard about and wants to look up: chance by how widely it is
        known today times how appealing it sounds (exp of expected enjoyment)."""
        w = self.buzz_today * np.exp(np.clip(utility, -3.0, 3.0))
        w = np.where(self.available & (self.cat.maturity <= limit), w, 0.0)
        if skip:
            w[np.fromiter(skip, np.int64)] = 0.0
        total = float(w.sum())
        if total <= 0:
            return None
        return int(np.searchsorted(np.cumsum(w), rng.random() * total, side="right"))

    def liked_genre(self, rng: np.random.Generator, viewer: Viewer) -> str:
        w = np.exp(2.0 * viewer.taste[self.genre_cols])
        return self.genres[int(rng.choice(len(self.genres), p=w / w.sum()))]

    def discover(self, rng: np.random.Generator, viewer: Viewer, utility: np.ndarray,
                 liked: list[int], skip: set[int], paths: tuple[str, ...] | None = None,
                 ) -> Found | None:
        """Take one path (chosen by PATH_WEIGHTS among those open); None if it shows nothing."""
        limit = viewer.maturity_limit
        heard = self.heard_of(rng, utility, limit, skip) if self.lower else None
        stars = [p for t in liked[-5:] for p in self.cat.stars.get(t, [])]
        open_paths = {"heard": heard is not None, "person": bool(stars),
                      "genre": bool(self.genres), "browse": bool(self.genres),
                      "similar": bool(liked)}
        names = [p for p in (paths or PATH_WEIGHTS) if open_paths[p]]
        if not names:
            return None
        w = np.array([PATH_WEIGHTS[p] for p in names])
        path = names[int(rng.choice(len(names), p=w / w.sum()))]
        if path == "heard":
            found = self.search_title(heard, limit)
            return Found(path, [self._row("search-title", found, "search")],
                         self.cat.names[heard], len(found))
        if path == "person":
            person = stars[int(rng.integers(len(stars)))]
            found = self.search_person(person, limit)
            return Found(path, [self._row("search-person", found, "search")],
                         self.cat.person_names.get(person, ""), len(found))
        if path == "genre":
            genre = self.liked_genre(rng, viewer)
            found = self.search_genre(genre, limit)
            return Found(path, [self._row(f"search-{genre}", found, "search")],
                         genre.replace("-", " "), len(found))
        if path == "browse":
            genre = self.liked_genre(rng, viewer)
            kind = (None, "film", "series")[int(rng.choice(3, p=[0.6, 0.25, 0.15]))]
            sort = ("popular", "newest", "critics")[int(rng.choice(3, p=[0.5, 0.3, 0.2]))]
            page = int(rng.geometric(0.55))  # most stay on the first page
            found = self.browse(genre, kind, sort, limit, page)
            if not len(found):
                found = self.browse(genre, kind, sort, limit)
            rows = [self._row(f"browse-{genre}-{sort}", found[lo:lo + BROWSE_COLUMNS], "browse")
                    for lo in range(0, len(found), BROWSE_COLUMNS)]
            return Found(path, [r for r in rows if len(r.titles)], None, len(found))
        source = liked[-1 - int(rng.integers(min(len(liked), 5)))]
        found = self.similar(source, limit)
        return Found(path, [self._row(f"more-like-{int(self.cat.title_ids[source])}", found,
                                      "title")], None, len(found))

    @staticmethod
    def _row(key: str, idx: np.ndarray, surface: str) -> ShownRow:
        idx = np.asarray(idx, dtype=np.int64)
        return ShownRow(key, idx, np.zeros(len(idx), dtype=int), surface)
