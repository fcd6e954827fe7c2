"""Reference figures from public data sets, for the realism report (simulator.studies.realism).

Each figure keeps its source and how it was computed. The MovieLens 100k figures below were
computed by `reference_figures` from the data set's `u.data` and `u.item` (`make real-data`
fetches them into `.cache/data/ml-100k`); tests/simulator/test_realism.py recomputes them
whenever that folder is present. `concentration` is the one computation of the "who watches
what" figures: the report runs it on the world's plays, this module on the ratings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from simulator.studies.metrics import gini

TOP_SHARE = 0.2  # "top 20%": the floor(20%) largest, at least one


@dataclass(frozen=True)
class Source:
    name: str
    citation: str
    url: str


SOURCES = {
    "ml-100k": Source(
        "MovieLens 100K",
        "F. Maxwell Harper and Joseph A. Konstan. 2015. The MovieLens Datasets: History and "
        "Context. ACM Transactions on Interactive Intelligent Systems 5(4), article 19. "
        "doi:10.1145/2827872. 100,000 ratings (1-5) by 943 users of 1,682 films, "
        "20 Sep 1997 - 22 Apr 1998; every user has at least 20 ratings.",
        "https://grouplens.org/datasets/movielens/100k/"),
}


@dataclass(frozen=True)
class Reference:
    value: float
    source: str  # a key of SOURCES
    how: str  # how the value was computed from the source
    comparable: bool = True  # False: shown, but the source gives it by construction


_PLAYS = "each rating counted as a play (u.data, 100,000 ratings)"
ML100K = {
    "plays_per_title_gini": Reference(0.629, "ml-100k", f"Gini of ratings per film; {_PLAYS}"),
    "plays_per_title_top20_share": Reference(
        0.646, "ml-100k", f"share of ratings on the 336 most-rated films (20%); {_PLAYS}"),
    "catalogue_watched_share": Reference(
        1.0, "ml-100k", "every film in u.item has a rating: the data set lists rated films "
        "only, so 100% by construction", comparable=False),
    "plays_per_profile_gini": Reference(0.472, "ml-100k", f"Gini of ratings per user; {_PLAYS}"),
    "plays_per_profile_top20_share": Reference(
        0.514, "ml-100k", f"share of ratings by the 188 most active users (20%); {_PLAYS}"),
    "median_titles_per_profile": Reference(
        65.0, "ml-100k", "median films rated per user over the data set's 7 months (users "
        "with fewer than 20 ratings were left out of the data set)"),
}


def top_share(counts: Sequence[float], share: float = TOP_SHARE) -> float | None:
    """Share of the total held by the floor(share x n) largest counts, at least one (None if
    there are no counts)."""
    x = np.sort(np.asarray(counts, dtype=np.float64))[::-1]
    if x.size == 0 or x.sum() <= 0:
        return None
    k = max(1, math.floor(round(share * x.size, 9)))
    return float(x[:k].sum() / x.sum())


def concentration(per_title: Iterable[int], per_profile: Iterable[int],
                  catalogue: int) -> dict[str, float | None]:
    """The "who watches what" figures from plays per title and plays per profile; zeros are
    dropped (titles nobody watched, profiles with no play), so the Gini and top-20% figures
    are over titles watched at least once and profiles with at least one play."""
    t = np.array([c for c in per_title if c > 0], dtype=np.float64)
    p = np.array([c for c in per_profile if c > 0], dtype=np.float64)
    return {
        "plays_per_title_gini": gini(t) if t.size else None,
        "plays_per_title_top20_share": top_share(t),
        "catalogue_watched_share": t.size / catalogue if catalogue else None,
        "plays_per_profile_gini": gini(p) if p.size else None,
        "plays_per_profile_top20_share": top_share(p),
        "median_titles_per_profile": float(np.median(p)) if p.size else None,
    }


def reference_figures(pairs: Iterable[tuple[int, int]], catalogue: int) -> dict[str, float]:
    """The ML100K figures from (user, item) rating pairs and the number of items, rounded to
    3 decimals as stored above."""
    users: dict[int, int] = {}
    items: dict[int, int] = {}
    for user, item in set(pairs):
        users[user] = users.get(user, 0) + 1
        items[item] = items.get(item, 0) + 1
    figures = concentration(items.values(), users.values(), catalogue)
    return {k: round(v, 3) for k, v in figures.items() if v is not None}
