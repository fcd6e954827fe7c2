"""What profiles do: thumbs, My List, searches, onboarding picks.

Functions take a Session first and never commit: the caller decides when, in one visible place.
Upserts use INSERT ... ON CONFLICT so a double click can never make two rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.models import FavouriteGenre, ListItem, Profile, Rating, SearchQuery, Tag, TastePick

THUMBS = {-1: "Not for me", 1: "I like this", 2: "Love this!"}
MIN_PICKS = 3


class ActivityError(ValueError):
    """Refused input, with a message fit to show."""


def _insert(session: Session, model):
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def rate_title(session: Session, profile_id: int, title_id: int, value: int | None,
               now: datetime) -> None:
    """Set thumbs (-1, 1, 2) for a title, or remove them with None. One row per title."""
    if value is None:
        session.execute(delete(Rating).where(Rating.profile_id == profile_id,
                                             Rating.title_id == title_id))
        return
    if value not in THUMBS:
        raise ActivityError("Thumbs are -1, 1 or 2.")
    stmt = _insert(session, Rating).values(profile_id=profile_id, title_id=title_id,
                                           value=value, created_at=now, updated_at=now)
    session.execute(stmt.on_conflict_do_update(
        index_elements=[Rating.profile_id, Rating.title_id],
        set_={"value": value, "updated_at": now}))


def rating_for(session: Session, profile_id: int, title_id: int) -> int | None:
    return session.scalar(select(Rating.value).where(Rating.profile_id == profile_id,
                                                     Rating.title_id == title_id))


def add_to_list(session: Session, profile_id: int, title_id: int, now: datetime) -> None:
    stmt = _insert(session, ListItem).values(profile_id=profile_id, title_id=title_id,
                                             added_at=now)
    session.execute(stmt.on_conflict_do_nothing())


def remove_from_list(session: Session, profile_id: int, title_id: int) -> None:
    session.execute(delete(ListItem).where(ListItem.profile_id == profile_id,
                                           ListItem.title_id == title_id))


def in_list(session: Session, profile_id: int, title_ids: Iterable[int]) -> set[int]:
    ids = list(title_ids)
    if not ids:
        return set()
    return set(session.scalars(select(ListItem.title_id).where(
        ListItem.profile_id == profile_id, ListItem.title_id.in_(ids))))


def list_ids(session: Session, profile_id: int) -> list[int]:
    return list(session.scalars(select(ListItem.title_id).where(
        ListItem.profile_id == profile_id).order_by(ListItem.added_at.desc(),
                                                    ListItem.title_id)))


def log_search(session: Session, profile_id: int, query: str, results: int,
               now: datetime) -> None:
    session.add(SearchQuery(profile_id=profile_id, query=query[:200], results=results,
                            created_at=now))


def save_taste_picks(session: Session, profile: Profile, title_ids: Iterable[int],
                     genre_ids: Iterable[int], now: datetime) -> None:
    """Store onboarding picks (the first positive signals) and finish onboarding."""
    picks = sorted(set(title_ids))
    if len(picks) < MIN_PICKS:
        raise ActivityError(f"Pick at least {MIN_PICKS} titles.")
    session.execute(delete(TastePick).where(TastePick.profile_id == profile.id))
    session.add_all(TastePick(profile_id=profile.id, title_id=t, created_at=now) for t in picks)
    session.execute(delete(FavouriteGenre).where(FavouriteGenre.profile_id == profile.id))
    genres = set(session.scalars(select(Tag.id).where(Tag.id.in_(list(genre_ids)),
                                                      Tag.kind == "genre")))
    session.add_all(FavouriteGenre(profile_id=profile.id, tag_id=g) for g in sorted(genres))
    profile.onboarded_at = now


def toggle_taste_pick(session: Session, profile_id: int, title_id: int, now: datetime) -> bool:
    """Add or remove one onboarding pick; True if it is now picked."""
    removed = session.execute(delete(TastePick).where(
        TastePick.profile_id == profile_id, TastePick.title_id == title_id)).rowcount
    if removed:
        return False
    stmt = _insert(session, TastePick).values(profile_id=profile_id, title_id=title_id,
                                              created_at=now)
    session.execute(stmt.on_conflict_do_nothing())
    return True


def finish_onboarding(session: Session, profile: Profile, genre_ids: Iterable[int],
                      now: datetime) -> None:
    """Finish onboarding with the picks made so far (at least MIN_PICKS)."""
    save_taste_picks(session, profile, taste_pick_ids(session, profile.id), genre_ids, now)


def taste_pick_ids(session: Session, profile_id: int) -> list[int]:
    return list(session.scalars(select(TastePick.title_id).where(
        TastePick.profile_id == profile_id).order_by(TastePick.created_at, TastePick.title_id)))
