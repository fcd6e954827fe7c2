"""The home page's rows on the site: the row registry (`recommender.row_kinds`) over the
database.

A row is (key, heading, titles, why). `HomeRows.plan()` decides which rows a profile gets and
in which order, cheaply; `build(spec)` fills one row. The first screen's rows are filled together
so no title repeats across them; the rest are filled one at a time as the browser scrolls. What
each row is lives in `recommender.row_kinds`; this module reads what it asks for (`SiteRows`)
and loads the titles. Recommender rows (Top picks, Because you watched, genre rows ranked for
the profile) come from `recommender.personal.PersonalRows` over the model the caller passes in
(the site passes the model its app serves); with None there are no personal rows.

Cost: a home page or a lazy row is a fixed, small number of statements whatever the profile's
history (tests/recommender/test_home_cost.py counts them). The plan is made once per builder;
the profile's picks, list and favourite genres come in one statement; Continue Watching loads
its titles in one batch; catalog-wide figures come from `catalog_cache`; rankings that are the
same for everyone at a maturity limit (Trending, Top 10, New, popular titles of a genre) come
from the caller's short-lived `shared` cache (the site keeps one per app) as title ids, and a
row's titles are loaded in one statement (none when this request loaded them already).
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
from recommender import row_kinds
from recommender.cache import TTLCache, catalog_cache
from recommender.data import signal_stamp
from recommender.personal import PersonalRows
from recommender.row_kinds import FIRST_SCREEN, ROW_LENGTH, GenreTag, RowSpec
from recommender.scoring import RankerState

if TYPE_CHECKING:
    from recommender.model import ServingModel


@dataclass(frozen=True)
class ProfileFacts:
    """What planning needs about the profile, read in one statement."""

    picks: list[int]  # onboarding picks, oldest first
    list_ids: list[int]  # My List, newest first
    favourite_genres: set[int]


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
    art: dict[int, int] = field(default_factory=dict)  # title id -> artwork variant (else 0)


@dataclass
class Home:
    billboard: Title | None
    rows: list[Row]  # the first screen, filled
    lazy: list[RowSpec] = field(default_factory=list)  # the rest, filled on scroll


class SiteRows:
    """The row registry's `RowSource` over the database: one profile, one request. `profile`
    may be a stand-in with just `id` and `maturity_limit` (the simulator reads the rankings
    that are the same for everyone this way)."""

    def __init__(self, session: Session, profile: Profile, now: datetime,
                 model: ServingModel | None = None, shared: TTLCache | None = None,
                 cards: TTLCache | None = None, ranker: RankerState | None = None) -> None:
        self.session, self.profile, self.now = session, profile, now
        self.limit = profile.maturity_limit
        self.is_kids = bool(getattr(profile, "is_kids", False))
        self.name = getattr(profile, "name", "")
        # Rankings the same for everyone at this limit, shared between requests for a short
        # time; None: computed for each source.
        self.shared = shared
        # Title cards (catalog.TitleCard) kept between requests for a short time; None: the
        # rows hold titles loaded for this request.
        self.cards = cards
        self._db_key = str(session.get_bind().url)
        self._facts: ProfileFacts | None = None
        self._continue: list[history.Resume] | None = None
        self._titles: dict[int, Title | catalog.TitleCard] = {}  # this request's, in the limit
        # Inactive without a model; `ranker`: the page's first request's work, reused.
        self.model_rows = PersonalRows(session, profile, now, model, ranker)

    @property
    def personal(self) -> PersonalRows | None:
        return self.model_rows if self.model_rows.active else None

    # -- the profile ------------------------------------------------------------------------

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

    def picks(self) -> list[int]:
        return self.facts.picks

    def list_ids(self) -> list[int]:
        return self.facts.list_ids

    def favourite_genres(self) -> set[int]:
        return self.facts.favourite_genres

    def names(self, ids: list[int]) -> list[tuple[int, str]]:
        """(id, name) of the titles within the limit, in order (titles this request loaded,
        else catalog-wide, cached)."""
        if not ids:
            return []
        if all(i in self._titles for i in ids):
            return [(i, self._titles[i].name) for i in ids]
        found = catalog_cache.get_or_set(
            (self._db_key, "names", tuple(ids), self.limit),
            lambda: dict(self.session.execute(select(Title.id, Title.name).where(
                Title.id.in_(ids), catalog.visible(self.limit))).all()))
        return [(i, found[i]) for i in ids if i in found]

    @property
    def continue_items(self) -> list[history.Resume]:
        if self._continue is None:
            self._continue = history.continue_watching(self.session, self.profile.id,
                                                       self.limit, n=ROW_LENGTH, load=self.load)
            self._titles.update((r.title.id, r.title) for r in self._continue)
        return self._continue

    def continue_ids(self) -> list[int]:
        return [r.title.id for r in self.continue_items]

    def has_continue(self) -> bool:
        """Anything to continue? (A lazy row only asks; the home page has loaded the row.)"""
        if self._continue is not None:
            return bool(self._continue)
        return history.has_continue(self.session, self.profile.id, self.limit)

    def recent_completed(self, n: int) -> list[tuple[int, str]]:
        """The profile's most recently finished titles (hidden ones left out)."""
        ids = list(dict.fromkeys(self.session.scalars(
            select(Viewing.title_id).where(Viewing.profile_id == self.profile.id,
                                           Viewing.completed.is_(True),
                                           Viewing.hidden.is_(False))
            .order_by(Viewing.last_watched_at.desc(), Viewing.title_id).limit(n * 4))))
        return [(t.id, t.name) for t in self.load(ids[:n])]

    def load(self, ids: list[int]) -> list[Title | catalog.TitleCard]:
        """The titles, in order, within the limit: one statement, or none when this request
        has them already (or, with a cards cache, when every card is in it)."""
        if not all(i in self._titles for i in ids):
            if self.cards is None:
                self._titles.update((t.id, t) for t in
                                    catalog.load_titles(self.session, ids, self.limit))
            else:
                self._load_cards([i for i in ids if i not in self._titles])
        return [self._titles[i] for i in ids if i in self._titles]

    def _load_cards(self, ids: list[int]) -> None:
        keys = {i: (self._db_key, "card", i) for i in ids}
        found = self.cards.get_many(keys.values())
        missing = [i for i in ids if keys[i] not in found]
        if missing:  # loaded without the limit, so one card serves every profile
            loaded = {t.id: t for t in catalog.load_cards(self.session, missing, 18)}
            self.cards.set_many({keys[i]: card for i, card in loaded.items()})
            found.update((keys[i], card) for i, card in loaded.items())
        for i in ids:
            card = found.get(keys[i])
            if card is not None and card.maturity_age <= self.limit:
                self._titles[i] = card

    # -- the catalogue at the limit ---------------------------------------------------------

    def genres(self) -> list[GenreTag]:
        return catalog_cache.get_or_set(
            (self._db_key, "genres"),
            lambda: [GenreTag(t.id, t.slug, t.name) for t in catalog.tags(self.session, "genre")])

    def genre_weight(self) -> dict[int, float]:
        return catalog_cache.get_or_set(
            (self._db_key, "genre-weight", self.limit),
            lambda: dict(self.session.execute(
                select(TitleTag.tag_id, func.sum(Title.popularity))
                .join(Title, Title.id == TitleTag.title_id)
                .where(catalog.visible(self.limit))
                .group_by(TitleTag.tag_id)).all()))

    def tag_counts(self, ids: list[int]) -> dict[int, int]:
        ids = tuple(ids)
        return catalog_cache.get_or_set(
            (self._db_key, "tag-counts", ids),
            lambda: dict(self.session.execute(
                select(TitleTag.tag_id, func.count()).where(TitleTag.title_id.in_(ids))
                .group_by(TitleTag.tag_id)).all()) if ids else {})

    def popular(self, tag_id: int, kind: str | None) -> list[int]:
        return self._shared(("popular-in", tag_id, kind),
                            lambda: catalog.popular_ids(self.session, self.limit,
                                                        n=ROW_LENGTH * 4, kind=kind,
                                                        tag_id=tag_id))

    def similar(self, title_id: int) -> list[int]:
        def compute() -> list[int]:
            source = catalog.load_titles(self.session, [title_id], self.limit)
            return catalog.similar_title_ids(self.session, source[0], self.limit,
                                             n=ROW_LENGTH * 2) if source else []
        return catalog_cache.get_or_set((self._db_key, "similar", title_id, self.limit),
                                        compute)

    def newest(self) -> list[int]:
        return self._shared(("new",), lambda: list(self.session.scalars(
            select(Title.id).where(catalog.visible(self.limit),
                                   Title.release_date <= self.now.date())
            .order_by(Title.release_date.desc(), Title.id).limit(ROW_LENGTH * 4))))

    def trending(self) -> tuple[list[int], list[int]]:
        def rank() -> tuple[list[int], list[int]]:
            plays = self._played_since(self.now - timedelta(days=7), n=ROW_LENGTH * 2)
            return ([t for t, _ in plays],
                    catalog.popular_ids(self.session, self.limit, n=ROW_LENGTH * 4))
        return self._shared(("trending",), rank)

    def top10(self, kind: str) -> tuple[list[int], list[int]]:
        def rank() -> tuple[list[int], list[int]]:
            played = [t for t, _ in self._played_since(self.now - timedelta(hours=24), kind=kind,
                                                       min_seconds=120, n=10)]
            popular = catalog.popular_ids(self.session, self.limit, n=20, kind=kind) \
                if len(played) < 10 else []
            return played, popular
        return self._shared(("top10", kind), rank)

    def _shared(self, key: tuple, compute):
        """A value the same for everyone at this maturity limit: from the shared cache."""
        if self.shared is None:
            return compute()
        return self.shared.get_or_set((self._db_key, *key, self.limit), compute)

    def _played_since(self, since: datetime, kind: str | None = None,
                      min_seconds: int = 0, n: int = ROW_LENGTH) -> list[tuple[int, int]]:
        """(title_id, distinct profiles) for viewings since `since`, most watched first."""
        q = (
            select(Viewing.title_id, func.count(func.distinct(Viewing.profile_id)).label("n"))
            .join(Title, Title.id == Viewing.title_id)
            .where(Viewing.last_watched_at >= since, Viewing.watched_s >= min_seconds,
                   Viewing.hidden.is_(False), catalog.visible(self.limit))
            .group_by(Viewing.title_id)
            .order_by(func.count(func.distinct(Viewing.profile_id)).desc(), Viewing.title_id)
            .limit(n)
        )
        if kind:
            q = q.where(Title.kind == kind)
        return [(row[0], row[1]) for row in self.session.execute(q)]


@dataclass(frozen=True)
class PageState:
    """A home page's plan and its ranker's work, kept by the site for the page's lazy rows:
    each lazy row then fills from the page it belongs to instead of planning it again (and
    loading the profile's signals again). A new home page plans afresh, and reuses the
    ranker's work only while `stamp` (the profile's `signal_stamp` and maturity limit when
    it was made) is still the profile's."""

    plan: tuple[RowSpec, ...]
    ranker: RankerState | None
    stamp: tuple | None = None


def page_stamp(session: Session, profile: Profile) -> tuple:
    """What a kept ranker state was made from: the profile's signals and maturity limit."""
    return (profile.maturity_limit, signal_stamp(session, profile.id))


class HomeRows:
    """One profile's home page: planned and filled by the row registry over `SiteRows`."""

    def __init__(self, session: Session, profile: Profile, now: datetime,
                 model: ServingModel | None = None, shared: TTLCache | None = None,
                 cards: TTLCache | None = None, page: PageState | None = None,
                 ranker: RankerState | None = None) -> None:
        """`page`: the kept page this request belongs to (a lazy row: its plan and ranker);
        `ranker`: only a ranker's work still valid for the profile (a new home page)."""
        self.session, self.profile, self.now = session, profile, now
        self.source = SiteRows(session, profile, now, model, shared, cards,
                               page.ranker if page else ranker)
        self._plan: list[RowSpec] | None = list(page.plan) if page else None
        self.options = row_kinds.SITE_PAGE  # a live experiment's variant may change it

    def apply(self, settings) -> None:
        """Build the page as a live experiment's variant says (recommender.live_experiments.
        PageSettings): its row options, and the recommender switched off if it says so."""
        self.options = settings.options(self.options)
        self.source = settings.source(self.source)

    def page_state(self, stamp: tuple | None = None) -> PageState:
        """The plan and the ranker's work, for the page's later (lazy row) requests, and
        for the next home page while `stamp` holds."""
        ranker = self.source.model_rows.ranker
        return PageState(tuple(self.plan()), ranker.state() if ranker is not None else None,
                         stamp)

    def plan(self) -> list[RowSpec]:
        """The rows this profile gets, in order; made once per builder."""
        if self._plan is None:
            self._plan = self._make_plan()
        return self._plan

    def _make_plan(self) -> list[RowSpec]:
        return row_kinds.plan(self.source, self.options)

    def home(self) -> Home:
        self.source.continue_items  # noqa: B018 - loaded first, so planning reuses it
        specs = self.plan()
        filled = row_kinds.fill_first_screen(self.source, specs[:FIRST_SCREEN])
        rows = [row for row in (self._row(*f) for f in filled) if row.titles]
        return Home(billboard=self.billboard(rows), rows=rows, lazy=specs[FIRST_SCREEN:])

    def build(self, spec: RowSpec, exclude: Iterable[int] = ()) -> Row:
        return self._row(spec, *row_kinds.fill(self.source, spec, exclude))

    def _row(self, spec: RowSpec, ids: list[int], why: str) -> Row:
        titles = self.source.load(ids)
        kind, model = row_kinds.kind_of(spec.key), self.source.personal
        row = Row(spec.key, spec.heading, titles, why, spec.style, spec.explore,
                  match=model.matches([t.id for t in titles]) if model and kind and kind.match
                  else {},
                  explain=bool(model and kind and kind.explain))
        if spec.key == row_kinds.ContinueWatching.key:
            row.resume = {r.title.id: r for r in self.source.continue_items}
        return row

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
        return set(self.source.list_ids()) & set(title_ids)


def _ts(when) -> float:
    return when.timestamp() if when is not None else 0.0
