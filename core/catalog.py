"""Reading the catalog: every query here takes the viewer's maturity limit and applies it in
the query itself, so a kids profile can never be shown a title above its limit."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, joinedload, selectinload

from core.models import Credit, Person, Tag, Title, TitleTag

SORTS = {"popular": "Most popular", "newest": "Newest", "critics": "Critics' score",
         "az": "A–Z"}


def visible(max_age: int):
    """The maturity filter, as a WHERE clause."""
    return Title.maturity_age <= max_age


def _card_options():
    """What a card shows: its tags (cards always draw artwork variant 0, so no artworks)."""
    return (selectinload(Title.tag_links),)


def get_title(session: Session, title_id: int, max_age: int) -> Title | None:
    """A title with everything its page shows, or None if missing or above the limit."""
    return session.scalar(
        select(Title)
        .where(Title.id == title_id, visible(max_age))
        .options(*_card_options(), selectinload(Title.artworks), selectinload(Title.credits),
                 selectinload(Title.episodes))
    )


def load_titles(session: Session, ids: Sequence[int], max_age: int, *,
                with_episodes: bool = False) -> list[Title]:
    """Titles for ids, in the order given, dropping any above the limit: one statement (tags
    joined in), or two `with_episodes` (their episodes too, for resume points)."""
    if not ids:
        return []
    options = [joinedload(Title.tag_links)]
    if with_episodes:
        options.append(selectinload(Title.episodes))
    rows = session.scalars(
        select(Title).where(Title.id.in_(list(dict.fromkeys(ids))), visible(max_age))
        .options(*options)
    ).unique().all()
    by_id = {t.id: t for t in rows}
    return [by_id[i] for i in ids if i in by_id]


@dataclass(frozen=True, slots=True)
class TagFacts:
    id: int
    kind: str
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class TagLinkFacts:
    tag: TagFacts
    position: int


_TITLE_COLUMNS = tuple(c.key for c in sa_inspect(Title).column_attrs)


class TitleCard:
    """A read-only copy of a title as its card and the home billboard show it: every column,
    the tags in order and `maturity_label`. The same for every viewer and bound to no
    session, so the site may keep cards between requests (for a short time: an edit to a
    title shows once its card expires). Anything else (credits, episodes, artworks) is on
    the title page, which loads the title itself."""

    __slots__ = (*_TITLE_COLUMNS, "tag_links")
    maturity_label = Title.maturity_label

    def __init__(self, title: Title) -> None:
        for name in _TITLE_COLUMNS:
            object.__setattr__(self, name, getattr(title, name))
        links = tuple(TagLinkFacts(TagFacts(link.tag.id, link.tag.kind, link.tag.slug,
                                            link.tag.name), link.position)
                      for link in title.tag_links)
        object.__setattr__(self, "tag_links", links)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a TitleCard is read-only")

    def __repr__(self) -> str:
        return f"TitleCard({self.id}, {self.name!r})"


def load_cards(session: Session, ids: Sequence[int], max_age: int) -> list[TitleCard]:
    """load_titles, as read-only cards (one statement)."""
    return [TitleCard(t) for t in load_titles(session, ids, max_age)]


def popular_ids(session: Session, max_age: int, *, n: int = 20, kind: str | None = None,
                tag_id: int | None = None) -> list[int]:
    """Ids of the n most popular titles (as `popular`, without loading them)."""
    q = select(Title.id).where(visible(max_age))
    if kind:
        q = q.where(Title.kind == kind)
    if tag_id is not None:
        q = q.where(Title.id.in_(select(TitleTag.title_id).where(TitleTag.tag_id == tag_id)))
    return list(session.scalars(q.order_by(Title.popularity.desc(), Title.id).limit(n)))


def _card_query(max_age: int) -> Select:
    return select(Title).where(visible(max_age)).options(*_card_options())


def popular(session: Session, max_age: int, *, n: int = 20, kind: str | None = None,
            tag_id: int | None = None, exclude: Iterable[int] = ()) -> list[Title]:
    q = _card_query(max_age)
    if kind:
        q = q.where(Title.kind == kind)
    if tag_id is not None:
        q = q.where(Title.id.in_(select(TitleTag.title_id).where(TitleTag.tag_id == tag_id)))
    exclude = list(exclude)
    if exclude:
        q = q.where(Title.id.not_in(exclude))
    return list(session.scalars(q.order_by(Title.popularity.desc(), Title.id).limit(n)))


def new_releases(session: Session, max_age: int, now: datetime, *, n: int = 20,
                 exclude: Iterable[int] = ()) -> list[Title]:
    q = _card_query(max_age).where(Title.release_date <= now.date())
    exclude = list(exclude)
    if exclude:
        q = q.where(Title.id.not_in(exclude))
    return list(session.scalars(q.order_by(Title.release_date.desc(), Title.id).limit(n)))


def tags(session: Session, kind: str) -> list[Tag]:
    return list(session.scalars(select(Tag).where(Tag.kind == kind).order_by(Tag.name)))


def tag_by_slug(session: Session, kind: str, slug: str) -> Tag | None:
    return session.scalar(select(Tag).where(Tag.kind == kind, Tag.slug == slug))


def languages(session: Session, max_age: int) -> list[str]:
    q = select(Title.language).where(visible(max_age)).group_by(Title.language)
    return sorted(session.scalars(q.order_by(func.count().desc())).all())


@dataclass(frozen=True)
class Filters:
    genre: str | None = None
    mood: str | None = None
    language: str | None = None
    decade: int | None = None
    kind: str | None = None
    sort: str = "popular"


@dataclass(frozen=True)
class Page:
    items: list[Title]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def browse(session: Session, max_age: int, filters: Filters, *, page: int = 1,
           per_page: int = 36) -> Page:
    where = [visible(max_age)]
    for kind, slug in (("genre", filters.genre), ("mood", filters.mood)):
        if slug:
            where.append(Title.id.in_(
                select(TitleTag.title_id).join(Tag).where(Tag.kind == kind, Tag.slug == slug)))
    if filters.language:
        where.append(Title.language == filters.language)
    if filters.decade:
        where.append(and_(Title.year >= filters.decade, Title.year < filters.decade + 10))
    if filters.kind in ("film", "series"):
        where.append(Title.kind == filters.kind)
    total = session.scalar(select(func.count()).select_from(Title).where(*where)) or 0
    order = {
        "newest": (Title.release_date.desc(), Title.id),
        # Titles without reviews last (NULLs sort first in SQLite, last in PostgreSQL).
        "critics": (Title.critic_score.is_(None), Title.critic_score.desc(),
                    Title.popularity.desc(), Title.id),
        "az": (Title.name, Title.id),
    }.get(filters.sort, (Title.popularity.desc(), Title.id))
    page = max(1, page)
    items = session.scalars(
        select(Title).where(*where).options(*_card_options()).order_by(*order)
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page(list(items), total, page, per_page)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class SearchResult:
    titles: list[Title]
    people: list[Person]
    tags: list[Tag]


def search(session: Session, query: str, max_age: int, *, limit: int = 48) -> SearchResult:
    """Titles whose name, cast, director or tags match; people and tags that match."""
    query = " ".join(query.split())[:100]
    if not query:
        return SearchResult([], [], [])
    pattern = _like(query.lower())
    # Match the (few) people and tags first, then reach their titles through the person_id
    # and tag_id indexes. As a join, SQLite scanned every credit (65k at 10k titles) and
    # tested each one's person name: 19 ms of a 58 ms search, against 3 ms this way.
    person_ids = select(Person.id).where(func.lower(Person.name).like(pattern, escape="\\"))
    by_person = select(Credit.title_id).where(Credit.person_id.in_(person_ids))
    tag_ids = select(Tag.id).where(func.lower(Tag.name).like(pattern, escape="\\"))
    by_tag = select(TitleTag.title_id).where(TitleTag.tag_id.in_(tag_ids))
    name_match = func.lower(Title.name).like(pattern, escape="\\")
    prefix = func.lower(Title.name).like(_like(query.lower())[1:], escape="\\")
    rank = (
        case((func.lower(Title.name) == query.lower(), 1000.0), else_=0.0)
        + case((prefix, 100.0), else_=0.0)
        + case((name_match, 10.0), else_=0.0)
        + Title.popularity
    )
    titles = session.scalars(
        select(Title)
        .where(visible(max_age), or_(name_match, Title.id.in_(by_person), Title.id.in_(by_tag)))
        .options(*_card_options())
        .order_by(rank.desc(), Title.id)
        .limit(limit)
    ).all()
    people = session.scalars(
        select(Person).where(func.lower(Person.name).like(pattern, escape="\\"))
        .order_by(Person.name).limit(8)
    ).all()
    tag_rows = session.scalars(
        select(Tag).where(func.lower(Tag.name).like(pattern, escape="\\")).order_by(Tag.name)
        .limit(8)
    ).all()
    return SearchResult(list(titles), list(people), list(tag_rows))


def similar_titles(session: Session, title: Title, max_age: int, *, n: int = 12) -> list[Title]:
    """More like this: titles sharing the most tags (Jaccard), ties broken by popularity."""
    return load_titles(session, similar_title_ids(session, title, max_age, n=n), max_age)


def similar_title_ids(session: Session, title: Title, max_age: int, *, n: int = 12) -> list[int]:
    """Ids of the n titles most like `title` by tag overlap (Jaccard), most similar first."""
    tag_ids = [link.tag_id for link in title.tag_links]
    if not tag_ids:
        return []
    shared = func.count(TitleTag.tag_id)
    counts = (
        select(TitleTag.title_id, shared.label("shared"))
        .join(Title, Title.id == TitleTag.title_id)
        .where(TitleTag.tag_id.in_(tag_ids), TitleTag.title_id != title.id, visible(max_age))
        .group_by(TitleTag.title_id)
        .order_by(shared.desc())
        .limit(n * 8)
        .subquery()
    )
    sizes = (
        select(TitleTag.title_id, func.count().label("size"))
        .where(TitleTag.title_id.in_(select(counts.c.title_id)))
        .group_by(TitleTag.title_id)
        .subquery()
    )
    jaccard = counts.c.shared * 1.0 / (sizes.c.size + len(tag_ids) - counts.c.shared)
    ids = session.execute(
        select(counts.c.title_id)
        .join(sizes, sizes.c.title_id == counts.c.title_id)
        .join(Title, Title.id == counts.c.title_id)
        .order_by(jaccard.desc(), Title.popularity.desc(), Title.id)
        .limit(n)
    ).scalars().all()
    return list(ids)


def person_with_titles(session: Session, person_id: int,
                       max_age: int) -> tuple[Person, list[Title]] | None:
    person = session.get(Person, person_id)
    if person is None:
        return None
    titles = session.scalars(
        _card_query(max_age).where(Title.id.in_(
            select(Credit.title_id).where(Credit.person_id == person_id)))
        .order_by(Title.popularity.desc(), Title.id)
    ).all()
    return person, list(titles)


def onboarding_candidates(session: Session, max_age: int, *, n: int = 40,
                          offset: int = 0) -> list[Title]:
    """About n well-known titles spread across genres and moods (round-robin by genre).

    `offset` moves each genre's window for "show me others".
    """
    genres = tags(session, "genre")
    per_genre = max(2, math.ceil(n / max(1, len(genres))))
    chosen: list[int] = []
    seen: set[int] = set()
    pools: list[list[int]] = []
    for genre in genres:
        ids = session.scalars(
            select(Title.id)
            .join(TitleTag, TitleTag.title_id == Title.id)
            .where(TitleTag.tag_id == genre.id, TitleTag.position == 0, visible(max_age))
            .order_by(Title.popularity.desc(), Title.id)
            .limit(per_genre).offset(offset * per_genre)
        ).all()
        pools.append(list(ids))
    for i in range(per_genre):
        for pool in pools:
            if i < len(pool) and pool[i] not in seen and len(chosen) < n:
                seen.add(pool[i])
                chosen.append(pool[i])
    return load_titles(session, chosen, max_age)


def top_tags(title: Title | TitleCard, k: int = 3) -> list[Tag | TagFacts]:
    """The first k tags of a title, genre first then moods (for the card's 'Dark · Tense')."""
    order = {"genre": 0, "mood": 1, "theme": 2}
    links = sorted(title.tag_links, key=lambda link: (order[link.tag.kind], link.position))
    picked = [links[0].tag] if links else []
    moods = [link.tag for link in links if link.tag.kind == "mood"]
    picked += moods[: k - 1]
    for link in links:
        if len(picked) >= k:
            break
        if link.tag not in picked:
            picked.append(link.tag)
    return picked[:k]
