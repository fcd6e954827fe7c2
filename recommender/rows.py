"""The home page's row builder.

A row is (key, heading, titles, why). `HomeRows.plan()` decides which rows a profile gets and
in which order, cheaply; `build(key)` fills one row. The first screen's rows are filled together
so no title repeats across them; the rest are filled one at a time as the browser scrolls.
Recommender rows (Top picks, Because you watched, genre rows ranked for the profile) come from
`recommender.personal.PersonalRows` over the model the caller passes in (the site passes the
model its app serves); with None there are no personal rows.

Cost: a home page or a lazy row is a fixed, small number of statements whatever the profile's
history (tests/recommender/test_home_cost.py counts them). The plan is made once per builder;
the profile's picks, list and favourite genres come in one statement; Continue Watching loads
its titles in one batch; catalog-wide figures come from `catalog_cache`; rows that are the same
for everyone at a maturity limit (Trending, Top 10) come from the caller's short-lived `shared`
cache (the site keeps one per app) as title ids, loaded per request in one statement.

A kids profile gets its own row set: no genre rows for adult genres (war, crime, thriller,
horror, mystery), and rows built from the catalogue's kids, family and animation genres
("Cartoons", "Family movie night", "Just for kids").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, literal_column, null, select, union_all
from sqlalchemy.orm import Session

from core import catalog, history
from core.models import FavouriteGenre, ListItem, Profile, TastePick, Title, TitleTag, Viewing
from recommender.cache import TTLCache, catalog_cache
from recommender.personal import PersonalRows

if TYPE_CHECKING:
    from recommender.model import ServingModel

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
class ProfileFacts:
    """What planning needs about the profile, read in one statement."""

    picks: list[int]  # onboarding picks, oldest first
    list_ids: list[int]  # My List, newest first
    favourite_genres: set[int]


@dataclass(frozen=True)
class RowSpec:
    key: str
    heading: str
    style: str = "poster"  # poster | top10 | wide
    explore: tuple[str, str] | None = None  # (filter, value) for "Explore all"


@dataclass
class Row:
    key: str
    heading: str
    titles: list[Title]
    why: str
    style: str = "poster"
    explore: tuple[str, str] | None = None
    resume: dict = field(default_factory=dict)  # continue watching: id -> Resume
    match: dict[int, int] = field(default_factory=dict)  # title id -> "match" % (recommender)
    explain: bool = False  # cards link to "Why this?"


@dataclass
class Home:
    billboard: Title | None
    rows: list[Row]  # the first screen, filled
    lazy: list[RowSpec] = field(default_factory=list)  # the rest, filled on scroll


class HomeRows:
    def __init__(self, session: Session, profile: Profile, now: datetime,
                 model: ServingModel | None = None, shared: TTLCache | None = None) -> None:
        self.session = session
        self.profile = profile
        self.now = now
        self.max_age = profile.maturity_limit
        # Rows the same for everyone at this limit (Trending, Top 10), shared between requests
        # for a short time; None: computed for each builder.
        self.shared = shared
        self._facts: ProfileFacts | None = None
        self._plan: list[RowSpec] | None = None
        self._continue: list[history.Resume] | None = None
        self._db_key = str(session.get_bind().url)
        self.personal = PersonalRows(session, profile, now, model)  # inactive without a model

    # -- planning ---------------------------------------------------------------------------

    @property
    def facts(self) -> ProfileFacts:
        if self._facts is None:
            pid = self.profile.id
            rows = self.session.execute(union_all(
                select(literal_column("'pick'").label("what"), TastePick.title_id.label("id"),
                       TastePick.created_at.label("at")).where(TastePick.profile_id == pid),
                select(literal_column("'list'"), ListItem.title_id, ListItem.added_at)
                .where(ListItem.profile_id == pid),
                select(literal_column("'genre'"), FavouriteGenre.tag_id, null())
                .where(FavouriteGenre.profile_id == pid))).all()
            picks = sorted(((at, i) for what, i, at in rows if what == "pick"))
            listed = sorted(((at, i) for what, i, at in rows if what == "list"),
                            key=lambda r: (-_ts(r[0]), r[1]))
            self._facts = ProfileFacts([i for _, i in picks], [i for _, i in listed],
                                       {i for what, i, _ in rows if what == "genre"})
        return self._facts

    @property
    def picks(self) -> list[int]:
        return self.facts.picks

    @property
    def is_kids(self) -> bool:
        return bool(getattr(self.profile, "is_kids", False))  # the simulator passes a stand-in

    def plan(self) -> list[RowSpec]:
        """The rows this profile gets, in order; made once per builder."""
        if self._plan is None:
            self._plan = self._make_plan()
        return self._plan

    def _make_plan(self) -> list[RowSpec]:
        specs: list[RowSpec] = []
        specs.append(RowSpec("trending", "Trending Now"))
        specs.append(RowSpec("top10-film", "Top 10 films today", style="top10"))
        picked = self.names(self.picks[:3])
        if picked:
            specs.append(RowSpec(f"because-{picked[0][0]}", f"Because you picked {picked[0][1]}"))
        if self.facts.list_ids:
            specs.insert(FIRST_SCREEN, RowSpec("my-list", "My List"))
        if self.is_kids:
            for key, heading, genre, _, _ in KIDS_ROWS:
                specs.append(RowSpec(key, heading, explore=("genre", genre)))
        specs.append(RowSpec("new", "New Releases", explore=("sort", "newest")))
        specs.append(RowSpec("top10-series", "Top 10 series today", style="top10"))
        for title_id, name in picked[1:]:
            specs.append(RowSpec(f"because-{title_id}", f"Because you picked {name}"))
        for tag in self.ordered_genres():
            specs.append(RowSpec(f"genre-{tag.slug}", tag.name, explore=("genre", tag.slug)))
        return self.with_continue(self.personal.arrange(specs, RowSpec))

    def names(self, ids: list[int]) -> list[tuple[int, str]]:
        """(id, name) of the titles within the limit, in order (catalog-wide, cached)."""
        if not ids:
            return []
        found = catalog_cache.get_or_set(
            (self._db_key, "names", tuple(ids), self.max_age),
            lambda: dict(self.session.execute(select(Title.id, Title.name).where(
                Title.id.in_(ids), catalog.visible(self.max_age))).all()))
        return [(i, found[i]) for i in ids if i in found]

    @property
    def continue_items(self) -> list[history.Resume]:
        if self._continue is None:
            self._continue = history.continue_watching(self.session, self.profile.id,
                                                       self.max_age, n=ROW_LENGTH)
        return self._continue

    def with_continue(self, specs: list[RowSpec]) -> list[RowSpec]:
        """Continue Watching comes first whenever there is anything to continue (a lazy row
        only asks whether there is; the home page has loaded the row already)."""
        if self._continue is not None:
            anything = bool(self._continue)
        else:
            anything = history.has_continue(self.session, self.profile.id, self.max_age)
        if not anything:
            return specs
        heading = f"Continue Watching for {self.profile.name}"
        return [RowSpec("continue", heading, style="wide"), *specs]

    def continue_row(self, spec: RowSpec) -> Row:
        items = self.continue_items
        row = Row(spec.key, spec.heading, [r.title for r in items],
                  "Pick up where you left off, most recent first", spec.style, spec.explore)
        row.resume = {r.title.id: r for r in items}
        return row

    def genres(self) -> list[GenreTag]:
        """The genres this profile gets rows for (a kids profile: kids-friendly ones only)."""
        genres = catalog_cache.get_or_set(
            (self._db_key, "genres"),
            lambda: [GenreTag(t.id, t.slug, t.name) for t in catalog.tags(self.session, "genre")])
        if self.is_kids:
            return [g for g in genres if g.slug in KIDS_GENRES and g.slug not in ADULT_GENRES]
        return genres

    def genre_id(self, slug: str) -> GenreTag | None:
        return next((g for g in self.genres() if g.slug == slug), None)

    def ordered_genres(self) -> list[GenreTag]:
        """Genres ordered for this profile: favourites, then genres of its picks, then the rest
        by how popular their titles are."""
        genres = self.genres()
        favourites = self.facts.favourite_genres
        picks = tuple(self.picks)
        pick_counts: dict[int, int] = catalog_cache.get_or_set(
            (self._db_key, "tag-counts", picks),
            lambda: dict(self.session.execute(
                select(TitleTag.tag_id, func.count()).where(TitleTag.title_id.in_(picks))
                .group_by(TitleTag.tag_id)).all()) if picks else {})
        weight = catalog_cache.get_or_set(
            (self._db_key, "genre-weight", self.max_age),
            lambda: dict(self.session.execute(
                select(TitleTag.tag_id, func.sum(Title.popularity))
                .join(Title, Title.id == TitleTag.title_id)
                .where(catalog.visible(self.max_age))
                .group_by(TitleTag.tag_id)).all()))
        return sorted(genres, key=lambda t: (t.id not in favourites, -pick_counts.get(t.id, 0),
                                             -(weight.get(t.id) or 0.0), t.name))

    # -- filling ----------------------------------------------------------------------------

    def home(self) -> Home:
        self.continue_items  # noqa: B018 - loaded first, so planning reuses it
        specs = self.plan()
        first = specs[:FIRST_SCREEN]
        # Continue Watching and Top 10 keep their order; the other first-screen rows leave out
        # whatever those show and each other's titles, so nothing repeats on the first screen.
        fixed = {s.key: self.build(s) for s in first if s.style in ("top10", "wide")}
        seen = {t.id for row in fixed.values() for t in row.titles}
        rows: list[Row] = []
        for spec in first:
            row = fixed.get(spec.key) or self.build(spec, exclude=seen)
            seen.update(t.id for t in row.titles)
            if row.titles:
                rows.append(row)
        billboard = self.billboard(rows)
        return Home(billboard=billboard, rows=rows, lazy=specs[FIRST_SCREEN:])

    def billboard(self, rows: list[Row]) -> Title | None:
        """Feature the first title of the first recommendation-like row."""
        for row in rows:
            if row.key.startswith(("top-picks", "because-", "trending")) and row.titles:
                return row.titles[0]
        for row in rows:
            if row.titles:
                return row.titles[0]
        return None

    def spec_for(self, key: str) -> RowSpec | None:
        return next((s for s in self.plan() if s.key == key), None)

    def position_of(self, key: str) -> int:
        """The row's place on the page (for impressions), from the same plan."""
        return next((i for i, s in enumerate(self.plan()) if s.key == key), 0)

    def in_list(self, title_ids: Iterable[int]) -> set[int]:
        """Which of these titles are in the profile's list (no further query)."""
        return set(self.facts.list_ids) & set(title_ids)

    def build(self, spec: RowSpec, exclude: Iterable[int] = ()) -> Row:
        exclude = set(exclude)
        key = spec.key
        if key == "continue":
            return self.continue_row(spec)
        personal = None
        if not (self.is_kids and key.startswith("genre-")
                and key.removeprefix("genre-") not in KIDS_GENRES):
            personal = self.personal.build(key, exclude, self.picks)
        if personal is not None:
            titles, why = personal
        elif key == "my-list":
            titles = catalog.load_titles(self.session, self.facts.list_ids, self.max_age)
            why = "Titles you saved"
        elif key == "trending":
            titles, why = self.trending(exclude)
        elif key.startswith("top10-"):
            titles, why = self.top10(key.removeprefix("top10-"))
        elif key == "new":
            titles = catalog.new_releases(self.session, self.max_age, self.now, n=ROW_LENGTH,
                                          exclude=exclude)
            why = "The newest releases in the catalog"
        elif key.startswith("because-"):
            titles, why = self.because(int(key.removeprefix("because-")), exclude)
        elif key.startswith("genre-"):
            tag = self.genre_id(key.removeprefix("genre-"))
            titles = self._popular_in(tag.id, None, exclude) if tag else []
            why = f"Popular {tag.name.lower()} titles" if tag else ""
        elif key.startswith("kids-") and self.is_kids:
            titles, why = self.kids_row(key, exclude)
        else:
            titles, why = [], ""
        return Row(spec.key, spec.heading, titles, why, spec.style, spec.explore,
                   match=self.personal.matches(key, titles), explain=self.personal.explains(key))

    def _popular_in(self, tag_id: int, kind: str | None, exclude: set[int]) -> list[Title]:
        """The most popular titles of a genre (ids from the shared cache), in one statement."""
        ids = self._shared(("popular-in", tag_id, kind),
                           lambda: catalog.popular_ids(self.session, self.max_age,
                                                       n=ROW_LENGTH * 4, kind=kind,
                                                       tag_id=tag_id))
        return catalog.load_titles(self.session, [t for t in ids if t not in exclude]
                                   [:ROW_LENGTH], self.max_age)

    def kids_row(self, key: str, exclude: set[int]) -> tuple[list[Title], str]:
        for row_key, _, genre, kind, why in KIDS_ROWS:
            if row_key == key:
                tag = self.genre_id(genre)
                return (self._popular_in(tag.id, kind, exclude), why) if tag else ([], "")
        return [], ""

    def _shared(self, key: tuple, compute):
        """A value the same for everyone at this maturity limit: from the shared cache."""
        if self.shared is None:
            return compute()
        return self.shared.get_or_set((self._db_key, *key, self.max_age), compute)

    def _played_since(self, since: datetime, kind: str | None = None,
                      min_seconds: int = 0, n: int = ROW_LENGTH) -> list[tuple[int, int]]:
        """(title_id, distinct profiles) for viewings since `since`, most watched first."""
        q = (
            select(Viewing.title_id, func.count(func.distinct(Viewing.profile_id)).label("n"))
            .join(Title, Title.id == Viewing.title_id)
            .where(Viewing.last_watched_at >= since, Viewing.watched_s >= min_seconds,
                   Viewing.hidden.is_(False), catalog.visible(self.max_age))
            .group_by(Viewing.title_id)
            .order_by(func.count(func.distinct(Viewing.profile_id)).desc(), Viewing.title_id)
            .limit(n)
        )
        if kind:
            q = q.where(Title.kind == kind)
        return [(row[0], row[1]) for row in self.session.execute(q)]

    def trending(self, exclude: set[int]) -> tuple[list[Title], str]:
        def rank() -> tuple[list[int], list[int]]:
            plays = self._played_since(self.now - timedelta(days=7), n=ROW_LENGTH * 2)
            return ([t for t, _ in plays],
                    catalog.popular_ids(self.session, self.max_age, n=ROW_LENGTH * 4))
        played, popular = self._shared(("trending",), rank)
        ids = [t for t in played if t not in exclude][:ROW_LENGTH]
        why = "Most watched on StreamSim in the last 7 days"
        if len(ids) < ROW_LENGTH // 2:
            ids += [t for t in popular if t not in exclude and t not in ids][
                :ROW_LENGTH - len(ids)]
            why = "Popular on StreamSim (too few plays this week to rank by viewing)"
        return catalog.load_titles(self.session, ids, self.max_age), why

    def top10(self, kind: str) -> tuple[list[Title], str]:
        def rank() -> tuple[list[int], str]:
            plays = self._played_since(self.now - timedelta(hours=24), kind=kind,
                                       min_seconds=120, n=10)
            ids = [t for t, _ in plays]
            why = f"The {kind}s most profiles watched in the last 24 hours"
            if len(ids) < 10:
                ids += [t for t in catalog.popular_ids(self.session, self.max_age, n=20,
                                                       kind=kind) if t not in ids][:10 - len(ids)]
                why = f"The most popular {kind}s (too few plays today to rank by viewing)"
            return ids[:10], why
        ids, why = self._shared(("top10", kind), rank)
        return catalog.load_titles(self.session, ids, self.max_age), why

    def because(self, title_id: int, exclude: set[int]) -> tuple[list[Title], str]:
        found = self.names([title_id])
        if not found:
            return [], ""
        source_id, source_name = found[0]

        def similar() -> list[int]:
            source = catalog.load_titles(self.session, [source_id], self.max_age)[0]
            return catalog.similar_title_ids(self.session, source, self.max_age,
                                             n=ROW_LENGTH * 2)
        ids = catalog_cache.get_or_set((self._db_key, "similar", source_id, self.max_age),
                                       similar)
        ids = [t for t in ids if t not in exclude and t not in self.picks][:ROW_LENGTH]
        titles = catalog.load_titles(self.session, ids, self.max_age)
        return titles, f"Shares the most genres, moods and themes with {source_name}"


def _ts(when) -> float:
    return when.timestamp() if when is not None else 0.0
