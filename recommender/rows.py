"""The home page's row builder.

A row is (key, heading, titles, why). `HomeRows.plan()` decides which rows a profile gets and
in which order, cheaply; `build(key)` fills one row. The first screen's rows are filled together
so no title repeats across them; the rest are filled one at a time as the browser scrolls.
Recommender rows (Top picks, Because you watched, genre rows ranked for the profile) come from
`recommender.personal.PersonalRows` over the model the caller passes in (the site passes the
model its app serves); with None there are no personal rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import activity, catalog, history
from core.models import Profile, Tag, Title, TitleTag, Viewing
from recommender.cache import catalog_cache
from recommender.personal import PersonalRows

if TYPE_CHECKING:
    from recommender.model import ServingModel

ROW_LENGTH = 20
FIRST_SCREEN = 3


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
                 model: ServingModel | None = None) -> None:
        self.session = session
        self.profile = profile
        self.now = now
        self.max_age = profile.maturity_limit
        self._picks: list[int] | None = None
        self._continue: list[history.Resume] | None = None
        self._db_key = str(session.get_bind().url)
        self.personal = PersonalRows(session, profile, now, model)  # inactive without a model

    # -- planning ---------------------------------------------------------------------------

    @property
    def picks(self) -> list[int]:
        if self._picks is None:
            self._picks = activity.taste_pick_ids(self.session, self.profile.id)
        return self._picks

    def plan(self) -> list[RowSpec]:
        specs: list[RowSpec] = []
        specs.append(RowSpec("trending", "Trending Now"))
        specs.append(RowSpec("top10-film", "Top 10 films today", style="top10"))
        picked = catalog.load_titles(self.session, self.picks[:3], self.max_age)
        if picked:
            specs.append(RowSpec(f"because-{picked[0].id}", f"Because you picked {picked[0].name}"))
        if activity.list_ids(self.session, self.profile.id):
            specs.insert(FIRST_SCREEN, RowSpec("my-list", "My List"))
        specs.append(RowSpec("new", "New Releases", explore=("sort", "newest")))
        specs.append(RowSpec("top10-series", "Top 10 series today", style="top10"))
        for title in picked[1:]:
            specs.append(RowSpec(f"because-{title.id}", f"Because you picked {title.name}"))
        for tag in self.ordered_genres():
            specs.append(RowSpec(f"genre-{tag.slug}", tag.name, explore=("genre", tag.slug)))
        return self.with_continue(self.personal.arrange(specs, RowSpec))

    @property
    def continue_items(self) -> list[history.Resume]:
        if self._continue is None:
            self._continue = history.continue_watching(self.session, self.profile.id,
                                                       self.max_age, n=ROW_LENGTH)
        return self._continue

    def with_continue(self, specs: list[RowSpec]) -> list[RowSpec]:
        """Continue Watching comes first whenever there is anything to continue."""
        if not self.continue_items:
            return specs
        heading = f"Continue Watching for {self.profile.name}"
        return [RowSpec("continue", heading, style="wide"), *specs]

    def continue_row(self, spec: RowSpec) -> Row:
        items = self.continue_items
        row = Row(spec.key, spec.heading, [r.title for r in items],
                  "Pick up where you left off, most recent first", spec.style, spec.explore)
        row.resume = {r.title.id: r for r in items}
        return row

    def ordered_genres(self) -> list[Tag]:
        """Genres ordered for this profile: favourites, then genres of its picks, then the rest
        by how popular their titles are."""
        genres = catalog.tags(self.session, "genre")
        favourites = set(activity.favourite_genre_ids(self.session, self.profile.id))
        pick_counts: dict[int, int] = {}
        if self.picks:
            rows = self.session.execute(
                select(TitleTag.tag_id, func.count()).where(TitleTag.title_id.in_(self.picks))
                .group_by(TitleTag.tag_id)).all()
            pick_counts = {tag_id: n for tag_id, n in rows}
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

    def build(self, spec: RowSpec, exclude: Iterable[int] = ()) -> Row:
        exclude = set(exclude)
        key = spec.key
        if key == "continue":
            return self.continue_row(spec)
        personal = self.personal.build(key, exclude, self.picks)
        if personal is not None:
            titles, why = personal
        elif key == "my-list":
            ids = activity.list_ids(self.session, self.profile.id)
            titles, why = catalog.load_titles(self.session, ids, self.max_age), "Titles you saved"
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
            tag = catalog.tag_by_slug(self.session, "genre", key.removeprefix("genre-"))
            titles = (catalog.popular(self.session, self.max_age, n=ROW_LENGTH, tag_id=tag.id,
                                      exclude=exclude) if tag else [])
            why = f"Popular {tag.name.lower()} titles" if tag else ""
        else:
            titles, why = [], ""
        return Row(spec.key, spec.heading, titles, why, spec.style, spec.explore,
                   match=self.personal.matches(key, titles), explain=self.personal.explains(key))

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
        plays = self._played_since(self.now - timedelta(days=7), n=ROW_LENGTH * 2)
        ids = [t for t, _ in plays if t not in exclude][:ROW_LENGTH]
        titles = catalog.load_titles(self.session, ids, self.max_age)
        why = "Most watched on StreamSim in the last 7 days"
        if len(titles) < ROW_LENGTH // 2:
            titles += catalog.popular(self.session, self.max_age, n=ROW_LENGTH - len(titles),
                                      exclude=exclude | {t.id for t in titles})
            why = "Popular on StreamSim (too few plays this week to rank by viewing)"
        return titles, why

    def top10(self, kind: str) -> tuple[list[Title], str]:
        plays = self._played_since(self.now - timedelta(hours=24), kind=kind, min_seconds=120,
                                   n=10)
        titles = catalog.load_titles(self.session, [t for t, _ in plays], self.max_age)
        why = f"The {kind}s most profiles watched in the last 24 hours"
        if len(titles) < 10:
            titles += catalog.popular(self.session, self.max_age, n=10 - len(titles), kind=kind,
                                      exclude={t.id for t in titles})
            why = f"The most popular {kind}s (too few plays today to rank by viewing)"
        return titles[:10], why

    def because(self, title_id: int, exclude: set[int]) -> tuple[list[Title], str]:
        found = catalog.load_titles(self.session, [title_id], self.max_age)
        if not found:
            return [], ""
        source = found[0]
        similar = catalog_cache.get_or_set(
            (self._db_key, "similar", source.id, self.max_age),
            lambda: catalog.similar_title_ids(self.session, source, self.max_age,
                                              n=ROW_LENGTH * 2))
        ids = [t for t in similar if t not in exclude and t not in self.picks][:ROW_LENGTH]
        titles = catalog.load_titles(self.session, ids, self.max_age)
        return titles, f"Shares the most genres, moods and themes with {source.name}"
