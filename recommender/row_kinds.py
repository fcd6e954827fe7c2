"""The home page's rows, each kind written once: its key, where a profile gets it on the page,
how it is filled, and why.

Two callers plan and fill rows here: the site (`recommender.rows.HomeRows`, over the database)
and the simulated site (`simulator.studies.layouts.SiteLayout`, over the simulation's memory, which
is what keeps seeding fast). Each hands in a `RowSource`, the little the rows need to read about
one profile and the catalogue, in title ids; a test checks that both show the same rows for the
same profile and state.

`plan(source)` asks every kind in `KINDS` which of its rows the profile gets; a row goes at its
`slot` in the page's order (ties keep `KINDS` order), and a kind with `arrange` places its rows
among the others once they are laid out. `fill(source, spec, exclude)` gives a row's title ids
and its why text. The first screen is filled together (`fill_first_screen`): Continue Watching
and the Top 10 keep their order, and the other rows leave out what the screen shows already.

Where the simulated site's page differs on purpose, `PageOptions` says so (the site uses the
defaults); where what it reads differs (titles from their release date, the model's scores as
of its last training), simulator/studies/layouts.py says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Protocol

ROW_LENGTH = 20
FIRST_SCREEN = 3
# Kids profiles: genre rows only for these genres, never for the adult ones; and the kids' own
# rows, (key, heading, genre slug, kind or None, why).
KIDS_GENRES = frozenset({"animation", "kids", "family", "adventure", "comedy", "fantasy",
                         "musical", "sport", "documentary"})
ADULT_GENRES = frozenset({"war", "crime", "thriller", "horror", "mystery"})
KIDS_ROWS = (
    ("kids-cartoons", "Cartoons", "animation", None, "Animated films and series for you"),
    ("kids-family-night", "Family movie night", "family", "film",
     "Family films everyone can watch together"),
    ("kids-just-for-kids", "Just for kids", "kids", None, "Made for kids"),
)


@dataclass(frozen=True)
class GenreTag:
    """A genre as the planner needs it (plain values, so it can be cached across sessions)."""

    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class RowSpec:
    key: str
    heading: str
    style: str = "poster"  # poster | top10 | wide
    explore: tuple[str, str] | None = None  # (filter, value) for "Explore all"


@dataclass(frozen=True)
class PageOptions:
    """Where a page differs from the site's on purpose (the site uses the defaults)."""

    genre_rows: int | None = None  # the first n genre rows only (None: every genre)


class PersonalSource(Protocol):
    """A serving model's view of the profile (the source gives None when it has none)."""

    folded_in: bool  # the profile's state was solved from its signals since the training

    def top(self, n: int, *, tag_id: int | None = None, exclude: Iterable[int] = ()
            ) -> list[int]: ...

    def similar(self, title_id: int, n: int = ROW_LENGTH, exclude: Iterable[int] = ()
                ) -> list[int]: ...

    def genre_affinity(self) -> dict[str, float]: ...


class RowSource(Protocol):
    """What planning and filling read, in title ids, for one profile at `limit`."""

    limit: int  # the profile's maturity limit
    is_kids: bool
    name: str

    @property
    def personal(self) -> PersonalSource | None: ...

    # The profile.
    def picks(self) -> list[int]: ...  # onboarding picks, oldest first

    def list_ids(self) -> list[int]: ...  # My List, newest first

    def favourite_genres(self) -> set[int]: ...  # tag ids

    def names(self, ids: list[int]) -> list[tuple[int, str]]: ...  # within the limit, in order

    def has_continue(self) -> bool: ...

    def continue_ids(self) -> list[int]: ...  # up to ROW_LENGTH, most recent first

    def recent_completed(self, n: int) -> list[tuple[int, str]]: ...  # newest first

    # The catalogue at the limit: the same for everyone.
    def genres(self) -> list[GenreTag]: ...

    def genre_weight(self) -> dict[int, float]: ...  # tag id -> popularity of its titles

    def tag_counts(self, ids: list[int]) -> dict[int, int]: ...  # tag id -> titles carrying it

    def popular(self, tag_id: int, kind: str | None) -> list[int]: ...  # ROW_LENGTH * 4

    def similar(self, title_id: int) -> list[int]: ...  # most tags in common, ROW_LENGTH * 2

    def newest(self) -> list[int]: ...  # released by now, newest first, ROW_LENGTH * 4

    # What profiles watched lately, most watched first, and the most popular titles to fall
    # back on: this week (ROW_LENGTH * 2, ROW_LENGTH * 4), and today per kind (10, and 20 or
    # none when the plays fill the ten).
    def trending(self) -> tuple[list[int], list[int]]: ...

    def top10(self, kind: str) -> tuple[list[int], list[int]]: ...


Filled = tuple[list[int], str]  # title ids, why
NOTHING: Filled = ([], "")


def _fresh(ids: Iterable[int], exclude: set[int], n: int = ROW_LENGTH) -> list[int]:
    return [t for t in ids if t not in exclude][:n]


class RowKind:
    """One kind of row. `key` is the row's key, or the prefix of its keys when it ends in "-"."""

    key = ""
    slot = 0.0  # where its rows go in the page's order
    why = ""  # why its titles are there ("{}": what the row is about)
    keeps_order = False  # on the first screen, not deduplicated against the other rows
    match = True  # cards show the model's match figure
    explain = False  # cards link to "Why this?" when a model serves

    def owns(self, key: str) -> bool:
        return key == self.key or (self.key.endswith("-") and key.startswith(self.key))

    def plan(self, src: RowSource, options: PageOptions) -> list[tuple[float, RowSpec]]:
        return []

    def arrange(self, src: RowSource, page: list[RowSpec]) -> list[RowSpec]:
        return page

    def fill(self, src: RowSource, key: str, exclude: set[int]) -> Filled:
        raise NotImplementedError


class ContinueWatching(RowKind):
    key, slot, keeps_order, match = "continue", 0, True, False
    why = "Pick up where you left off, most recent first"

    def plan(self, src, options):
        if not src.has_continue():
            return []
        return [(self.slot, RowSpec(self.key, f"Continue Watching for {src.name}", "wide"))]

    def fill(self, src, key, exclude):
        return src.continue_ids(), self.why


class TopPicks(RowKind):
    key, slot, explain = "top-picks", 5, True
    why = "Chosen for you from what you watched and rated"
    why_folded_in = "Updated from your latest picks and thumbs"

    def plan(self, src, options):
        return [(self.slot, RowSpec(self.key, "Top picks for you"))] if src.personal else []

    def fill(self, src, key, exclude):
        model = src.personal
        if model is None:
            return NOTHING
        return (model.top(ROW_LENGTH, exclude=exclude),
                self.why_folded_in if model.folded_in else self.why)


class Trending(RowKind):
    key, slot = "trending", 10
    why = "Most watched on StreamSim in the last 7 days"
    why_popular = "Popular on StreamSim (too few plays this week to rank by viewing)"

    def plan(self, src, options):
        return [(self.slot, RowSpec(self.key, "Trending Now"))]

    def fill(self, src, key, exclude):
        played, popular = src.trending()
        ids = _fresh(played, exclude)
        if len(ids) >= ROW_LENGTH // 2:
            return ids, self.why
        return ids + _fresh(popular, exclude | set(ids), ROW_LENGTH - len(ids)), self.why_popular


class Top10(RowKind):
    keeps_order, match = True, False
    why = "The {} most profiles watched in the last 24 hours"
    why_popular = "The most popular {} (too few plays today to rank by viewing)"
    plural = {"film": "films", "series": "series"}

    def __init__(self, kind: str, heading: str, slot: float) -> None:
        self.kind, self.heading, self.slot = kind, heading, slot
        self.key = f"top10-{kind}"

    def plan(self, src, options):
        return [(self.slot, RowSpec(self.key, self.heading, "top10"))]

    def fill(self, src, key, exclude):
        played, popular = src.top10(self.kind)
        ids = played[:10]
        if len(ids) == 10:
            return ids, self.why.format(self.plural[self.kind])
        return ((ids + [t for t in popular if t not in ids])[:10],
                self.why_popular.format(self.plural[self.kind]))


class BecauseYouPicked(RowKind):
    """The first onboarding pick's row on the first screen, the next two further down."""

    key, slot, later, explain = "because-", 30, 70, True
    why = "Shares the most genres, moods and themes with {}"

    def plan(self, src, options):
        picked = src.names(src.picks()[:3])
        return [(self.slot if n == 0 else self.later,
                 RowSpec(f"because-{title_id}", f"Because you picked {name}"))
                for n, (title_id, name) in enumerate(picked)]

    def fill(self, src, key, exclude):
        title_id = int(key.removeprefix(self.key))
        found = src.names([title_id])
        if not found:
            return NOTHING
        exclude = exclude | set(src.picks())
        if src.personal is not None:  # what viewers who liked it liked, when a model serves
            ids = src.personal.similar(title_id, ROW_LENGTH, exclude)
            if ids:
                return ids, BecauseYouWatched.why.format(found[0][1])
        return _fresh(src.similar(title_id), exclude), self.why.format(found[0][1])


class MyList(RowKind):
    key, slot = "my-list", 35  # the first row after the first screen (or on it, with no picks)
    why = "Titles you saved"

    def plan(self, src, options):
        return [(self.slot, RowSpec(self.key, "My List"))] if src.list_ids() else []

    def fill(self, src, key, exclude):
        return src.list_ids(), self.why


class KidsRow(RowKind):
    """A kids profile's own rows (`KIDS_ROWS`): a kids genre's most popular titles."""

    slot = 40

    def __init__(self, key: str, heading: str, genre: str, kind: str | None, why: str) -> None:
        self.key, self.heading, self.genre, self.kind, self.why = key, heading, genre, kind, why

    def plan(self, src, options):
        if not src.is_kids:
            return []
        return [(self.slot, RowSpec(self.key, self.heading, explore=("genre", self.genre)))]

    def fill(self, src, key, exclude):
        tag = genre_by_slug(src, self.genre) if src.is_kids else None
        return (_fresh(src.popular(tag.id, self.kind), exclude), self.why) if tag else NOTHING


class NewReleases(RowKind):
    key, slot = "new", 50
    why = "The newest releases in the catalog"

    def plan(self, src, options):
        return [(self.slot, RowSpec(self.key, "New Releases", explore=("sort", "newest")))]

    def fill(self, src, key, exclude):
        return _fresh(src.newest(), exclude), self.why


class GenreRow(RowKind):
    """A row per genre the profile gets: favourites first, then the genres of its picks, then
    the rest by how popular their titles are; with a model, by the profile's affinity for each
    (the mean score of its best titles in the genre), and filled with its best titles."""

    key, slot, explain = "genre-", 80, True
    why = "Popular {} titles"
    why_model = "{} titles ranked for you"

    def plan(self, src, options):
        favourites, weight = src.favourite_genres(), src.genre_weight()
        counts = src.tag_counts(src.picks())
        genres = sorted(visible_genres(src), key=lambda t: (
            t.id not in favourites, -counts.get(t.id, 0), -(weight.get(t.id) or 0.0), t.name))
        if src.personal is not None:
            affinity = src.personal.genre_affinity()
            genres.sort(key=lambda t: -affinity.get(t.slug, float("-inf")))
        return [(self.slot, RowSpec(f"genre-{t.slug}", t.name, explore=("genre", t.slug)))
                for t in genres[:options.genre_rows]]

    def fill(self, src, key, exclude):
        tag = genre_by_slug(src, key.removeprefix(self.key))
        if tag is None:
            return NOTHING
        if src.personal is not None:
            return (src.personal.top(ROW_LENGTH, tag_id=tag.id, exclude=exclude),
                    self.why_model.format(tag.name))
        return _fresh(src.popular(tag.id, None), exclude), self.why.format(tag.name.lower())


class BecauseYouWatched(RowKind):
    """With a model: rows for the two titles the profile finished last, every other row after
    the first screen."""

    key, explain = "watched-", True
    why = "Viewers who liked {} liked these, and they share its tags"

    def arrange(self, src, page):
        if src.personal is None:
            return page
        page = list(page)
        top = next((n for n, s in enumerate(page) if s.key == TopPicks.key), 0)
        for n, (title_id, name) in enumerate(src.recent_completed(2)):
            page.insert(min(top + 4 + 2 * n, len(page)),
                        RowSpec(f"watched-{title_id}", f"Because you watched {name}"))
        return page

    def fill(self, src, key, exclude):
        title_id = int(key.removeprefix(self.key))
        found = src.names([title_id])
        if src.personal is None or not found:
            return NOTHING
        ids = src.personal.similar(title_id, ROW_LENGTH, exclude | set(src.picks()))
        return (ids, self.why.format(found[0][1])) if ids else NOTHING


KINDS: tuple[RowKind, ...] = (
    ContinueWatching(), TopPicks(), Trending(), Top10("film", "Top 10 films today", 20),
    BecauseYouPicked(), MyList(), *(KidsRow(*row) for row in KIDS_ROWS), NewReleases(),
    Top10("series", "Top 10 series today", 60), GenreRow(), BecauseYouWatched(),
)


@cache
def kind_of(key: str) -> RowKind | None:
    return next((k for k in KINDS if k.owns(key)), None)


def visible_genres(src: RowSource) -> list[GenreTag]:
    """The genres this profile gets rows for (a kids profile: kids-friendly ones only)."""
    if not src.is_kids:
        return src.genres()
    return [g for g in src.genres() if g.slug in KIDS_GENRES and g.slug not in ADULT_GENRES]


def genre_by_slug(src: RowSource, slug: str) -> GenreTag | None:
    return next((g for g in visible_genres(src) if g.slug == slug), None)


SITE_PAGE = PageOptions()


def plan(src: RowSource, options: PageOptions = SITE_PAGE) -> list[RowSpec]:
    """The rows this profile gets, in order."""
    placed = [(slot, n, spec) for n, kind in enumerate(KINDS)
              for slot, spec in kind.plan(src, options)]
    page = [spec for _, _, spec in sorted(placed, key=lambda p: (p[0], p[1]))]
    for kind in KINDS:
        page = kind.arrange(src, page)
    return page


def fill(src: RowSource, spec: RowSpec, exclude: Iterable[int] = ()) -> Filled:
    """One row's title ids and why (an unknown key: none)."""
    kind = kind_of(spec.key)
    return kind.fill(src, spec.key, set(exclude)) if kind else NOTHING


def fill_first_screen(src: RowSource, specs: list[RowSpec]
                      ) -> list[tuple[RowSpec, list[int], str]]:
    """The first screen's rows, filled together so no title repeats on it: the rows that keep
    their order first, then the others in page order, each leaving out what is shown already."""
    kept = {s.key: fill(src, s) for s in specs if (k := kind_of(s.key)) and k.keeps_order}
    seen = {t for ids, _ in kept.values() for t in ids}
    out = []
    for spec in specs:
        ids, why = kept[spec.key] if spec.key in kept else fill(src, spec, seen)
        seen.update(ids)
        out.append((spec, ids, why))
    return out


def fill_page(src: RowSource, specs: list[RowSpec]) -> list[tuple[RowSpec, list[int], str]]:
    """Every row, as the site shows them: the first screen together, the rest one by one."""
    return (fill_first_screen(src, specs[:FIRST_SCREEN])
            + [(spec, *fill(src, spec)) for spec in specs[FIRST_SCREEN:]])
