"""Playback events and the viewing state they update.

`record_playback` is what the player's JSON endpoint and the simulator both call, so simulated
and real traffic share one set of invariants:

* each event is stored once (its client-made UUID is unique; a retry is a no-op that still
  succeeds);
* the content time credited to a viewing never exceeds what could have elapsed between two
  events at the reported speed (client time difference x speed), nor the movement of the
  position;
* a viewing is complete at 90% of the runtime or at the credits mark.

Nothing commits here; the caller commits once for the whole batch and answers 2xx only after.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Connection, TextClause, bindparam, select, text, tuple_
from sqlalchemy.orm import Session

from core.models import EVENT_TYPES, Episode, PlaybackEvent, Profile, Title, Viewing

SPEEDS = (0.5, 1.0, 1.5, 2.0, 10.0, 60.0)
MAX_BATCH = 500
COMPLETE_FRACTION = 0.9  # a viewing that reached 90% of the runtime (or the credits) is complete
# A viewing stopped before a quarter of the runtime, not completed, is abandoned ("not for
# me"): the recommender's signal mapping and the educator's engagement figures both read it.
ABANDON_FRACTION = 0.25
CLOCK_SLACK = timedelta(minutes=5)  # how far ahead of the server a client clock may run
MAX_AGE = timedelta(days=7)  # queued events older than this are refused
REQUIRED_FIELDS = ("event_id", "type", "title_id", "position_s", "client_time")
OPTIONAL_FIELDS = ("episode_id", "speed")
FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
VIEWING_FIELDS = ("profile_id", "title_id", "episode_id", "episode_key", "position_s", "watched_s",
                  "furthest_s", "completed", "hidden", "plays", "started_at", "last_watched_at",
                  "last_client_time")
APPLIED_FIELDS = ("position_s", "watched_s", "furthest_s", "completed", "hidden", "plays",
                  "last_watched_at", "last_client_time")  # what apply_event may change


class TitleFacts(Protocol):
    """What the rules read of a title (a Title, or a row of these columns)."""

    id: int
    kind: str
    runtime_minutes: int
    maturity_age: int


class EpisodeFacts(Protocol):
    id: int
    title_id: int
    runtime_seconds: int
    credits_start_seconds: int


Items = dict[tuple[int, int | None], tuple[TitleFacts, EpisodeFacts | None]]


class PlaybackError(ValueError):
    """An event the server refuses; `field` names what was wrong."""

    def __init__(self, message: str, field: str | None = None, index: int | None = None):
        super().__init__(message)
        self.field = field
        self.index = index


@dataclass(frozen=True)
class PlaybackInput:
    event_id: str
    type: str
    title_id: int
    position_s: float
    client_time: datetime
    speed: float = 1.0
    episode_id: int | None = None


@dataclass(frozen=True)
class Outcome:
    event_id: str
    stored: bool  # False: a duplicate of an event stored before
    credited_s: float


_FIELD_SET = frozenset(FIELDS)
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def canonical_uuid(value: str) -> str:
    """The UUID `value` names, in its canonical lowercase form; ValueError if it names none.
    (The canonical form, which players send, skips building a uuid.UUID: a batch has 500.)"""
    if _CANONICAL_UUID.fullmatch(value):
        return value
    return str(uuid.UUID(value))


MAX_NUMBER = 1e9  # no position or speed is anywhere near; larger JSON numbers are refused


def _number(value: Any) -> bool:
    """A JSON number a float can hold exactly enough: finite, |value| <= MAX_NUMBER (a huge
    integer would overflow float(), so the bound is checked first)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if isinstance(value, int):
        return abs(value) <= MAX_NUMBER
    return math.isfinite(value) and abs(value) <= MAX_NUMBER


def _whole(value: Any) -> bool:
    """A positive integer id that fits the database's integer columns."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def parse_client_time(value: Any) -> datetime:
    """An ISO 8601 time with a UTC offset ("Z" or "+00:00"), as naive UTC."""
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError
    when = datetime.fromisoformat(value)
    if when.tzinfo is None or when.utcoffset() != timedelta(0):
        raise ValueError
    return when.astimezone(UTC).replace(tzinfo=None)


def parse_event(raw: Any, index: int | None = None) -> PlaybackInput:
    """Turn one decoded JSON object into a PlaybackInput, strictly (unknown fields refused).

    Checks shapes only; `validate` checks them against the catalog and the clock.
    """
    if not isinstance(raw, dict):
        raise PlaybackError("Each event must be a JSON object.", "events", index)
    if not raw.keys() <= _FIELD_SET:
        unknown = sorted(set(raw) - _FIELD_SET)
        raise PlaybackError(f"Unknown field: {unknown[0]}.", unknown[0], index)
    for name in REQUIRED_FIELDS:
        if name not in raw:
            raise PlaybackError(f"{name} is required.", name, index)
    event_id = raw["event_id"]
    try:
        if not isinstance(event_id, str) or len(event_id) > 45:
            raise ValueError
        event_id = canonical_uuid(event_id)
    except ValueError:
        raise PlaybackError("event_id must be a UUID.", "event_id", index) from None
    if raw["type"] not in EVENT_TYPES:
        raise PlaybackError(f"type must be one of {', '.join(EVENT_TYPES)}.", "type", index)
    if not _whole(raw["title_id"]):
        raise PlaybackError("title_id must be a positive integer.", "title_id", index)
    episode_id = raw.get("episode_id")
    if episode_id is not None and not _whole(episode_id):
        raise PlaybackError("episode_id must be a positive integer or null.", "episode_id", index)
    position = raw["position_s"]
    if not _number(position) or position < 0:
        raise PlaybackError("position_s must be a number of seconds >= 0.", "position_s", index)
    speed = raw.get("speed", 1.0)
    if not _number(speed) or float(speed) not in SPEEDS:
        raise PlaybackError(f"speed must be one of {', '.join(map(str, SPEEDS))}.",
                            "speed", index)
    try:
        client_time = parse_client_time(raw["client_time"])
    except (ValueError, TypeError, OverflowError):
        raise PlaybackError("client_time must be an ISO 8601 time in UTC, like "
                            "2026-11-01T12:00:00.000Z.", "client_time", index) from None
    return PlaybackInput(event_id=event_id, type=raw["type"], title_id=raw["title_id"],
                         position_s=float(position), client_time=client_time,
                         speed=float(speed), episode_id=episode_id)


def parse_body(body: Any) -> list[PlaybackInput]:
    """One event object, or {"events": [...]} with 1..MAX_BATCH events."""
    if isinstance(body, dict) and "events" in body:
        if set(body) != {"events"}:
            field = sorted(set(body) - {"events"})[0]
            raise PlaybackError(f"Unknown field: {field}.", field)
        events = body["events"]
        if not isinstance(events, list):
            raise PlaybackError("events must be a list.", "events")
        if not events:
            raise PlaybackError("Send at least one event.", "events")
        if len(events) > MAX_BATCH:
            raise PlaybackError(f"A batch holds at most {MAX_BATCH} events.", "events")
        return [parse_event(raw, i) for i, raw in enumerate(events)]
    if not isinstance(body, dict):
        raise PlaybackError("Send one event object or {\"events\": [...]}.", "events")
    return [parse_event(body, 0)]


def runtime_of(title: TitleFacts, episode: EpisodeFacts | None) -> int:
    return episode.runtime_seconds if episode is not None else title.runtime_minutes * 60


def credits_mark(title: TitleFacts, episode: EpisodeFacts | None) -> int:
    runtime = runtime_of(title, episode)
    if episode is not None:
        return episode.credits_start_seconds
    return int(runtime * 0.97)


# Statements built once (SQLAlchemy Core): per request they cost a cache lookup, not a build.
_TITLES = select(Title.id, Title.kind, Title.runtime_minutes, Title.maturity_age).where(
    Title.id.in_(bindparam("ids", expanding=True)), Title.maturity_age <= bindparam("max_age"))
_EPISODES = select(Episode.id, Episode.title_id, Episode.runtime_seconds,
                   Episode.credits_start_seconds).where(
    Episode.id.in_(bindparam("ids", expanding=True)))
_PROFILE_LOCK = select(Profile.id).where(Profile.id == bindparam("profile_id")).with_for_update(
    key_share=True)
_STORED = select(PlaybackEvent.event_id).where(
    PlaybackEvent.event_id.in_(bindparam("ids", expanding=True)))
_VIEWINGS = select(*(Viewing.__table__.c[name] for name in ("id", *VIEWING_FIELDS))).where(
    Viewing.profile_id == bindparam("profile_id"),
    tuple_(Viewing.title_id, Viewing.episode_key).in_(bindparam("keys", expanding=True)))
_NEW_VIEWINGS = Viewing.__table__.insert()
_VIEWING_UPDATES = Viewing.__table__.update().where(Viewing.id == bindparam("viewing_id"))


def _event_insert() -> TextClause:
    """INSERT ... ON CONFLICT (event_id) DO NOTHING, as text with typed parameters: the same
    SQL on SQLite and PostgreSQL, and (unlike the dialects' insert().on_conflict_do_nothing(),
    which SQLAlchemy 2.0 does not cache) compiled once, not on every request."""
    columns = [c for c in PlaybackEvent.__table__.c if not c.primary_key]
    names = ", ".join(f'"{c.name}"' for c in columns)
    params = ", ".join(f":{c.name}" for c in columns)
    sql = (f"INSERT INTO {PlaybackEvent.__tablename__} ({names}) VALUES ({params}) "  # nosec B608
           "ON CONFLICT (event_id) DO NOTHING")  # names from the table's metadata, not input
    return text(sql).bindparams(*(bindparam(c.name, type_=c.type) for c in columns))


EVENT_INSERT = _event_insert()


def event_row(event: PlaybackInput, profile_id: int, now: datetime, credit: float) -> dict:
    """The parameters of EVENT_INSERT for one event."""
    return {"event_id": event.event_id, "profile_id": profile_id, "title_id": event.title_id,
            "episode_id": event.episode_id, "type": event.type, "position_s": event.position_s,
            "speed": event.speed, "client_time": event.client_time, "received_at": now,
            "credited_s": credit}


def _connection(session: Session | Connection) -> Connection:
    """The connection to read and write with Core; an ORM session's pending changes are
    flushed first, so what we read includes them."""
    if isinstance(session, Connection):
        return session
    session.flush()
    return session.connection()


def validate(session: Session | Connection, events: Sequence[PlaybackInput], now: datetime,
             max_age: int) -> Items:
    """Check every event; raise PlaybackError on the first bad one (nothing is stored)."""
    if len(events) > MAX_BATCH:
        raise PlaybackError(f"A batch holds at most {MAX_BATCH} events.", "events")
    conn = _connection(session)
    title_ids = list({e.title_id for e in events})
    titles = {t.id: t for t in conn.execute(_TITLES, {"ids": title_ids, "max_age": max_age})}
    episode_ids = list({e.episode_id for e in events if e.episode_id is not None})
    episodes = ({ep.id: ep for ep in conn.execute(_EPISODES, {"ids": episode_ids})}
                if episode_ids else {})
    return check_events(events, titles, episodes, now, max_age)


def check_events(events: Sequence[PlaybackInput], titles: Mapping[int, TitleFacts],
                 episodes: Mapping[int, EpisodeFacts], now: datetime,
                 max_age: int) -> Items:
    """The per-event checks, against already-loaded titles and episodes (shared with the
    simulator's bulk path). Raises PlaybackError naming the first bad event."""
    if not events:
        raise PlaybackError("Send at least one event.", "events")
    items: Items = {}
    seen_ids: set[str] = set()
    for i, e in enumerate(events):
        try:
            canonical_uuid(e.event_id)
        except (ValueError, AttributeError, TypeError):
            raise PlaybackError("event_id must be a UUID.", "event_id", i) from None
        if e.event_id in seen_ids:
            raise PlaybackError("event_id repeats within the batch.", "event_id", i)
        seen_ids.add(e.event_id)
        if e.type not in EVENT_TYPES:
            raise PlaybackError(f"type must be one of {', '.join(EVENT_TYPES)}.", "type", i)
        if e.speed not in SPEEDS:
            raise PlaybackError(f"speed must be one of {', '.join(map(str, SPEEDS))}.",
                                "speed", i)
        title = titles.get(e.title_id)
        if title is None or title.maturity_age > max_age:
            raise PlaybackError("Unknown title.", "title_id", i)
        episode = None
        if title.kind == "series":
            episode = episodes.get(e.episode_id) if e.episode_id is not None else None
            if episode is None or episode.title_id != title.id:
                raise PlaybackError("A series event needs an episode of that series.",
                                    "episode_id", i)
        elif e.episode_id is not None:
            raise PlaybackError("A film has no episodes.", "episode_id", i)
        runtime = runtime_of(title, episode)
        if not (0 <= e.position_s <= runtime):
            raise PlaybackError(f"position_s must be between 0 and {runtime}.", "position_s", i)
        if not (now - MAX_AGE <= e.client_time <= now + CLOCK_SLACK):
            raise PlaybackError("client_time is not a plausible time.", "client_time", i)
        items[(title.id, episode.id if episode else None)] = (title, episode)
    return items


class ViewingState:
    """A viewings row as plain attributes: what `apply_event` reads and writes. Plain
    attributes cost a fraction of ORM-instrumented ones, and the row is written back with
    one UPDATE (or INSERT) per viewing per call."""

    __slots__ = ("id", *VIEWING_FIELDS)

    def __init__(self, **values: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, values.get(name))

    def values(self, names: Sequence[str] = VIEWING_FIELDS) -> dict[str, Any]:
        return {name: getattr(self, name) for name in names}


def record_playback(session: Session | Connection, profile_id: int,
                    events: Sequence[PlaybackInput], now: datetime, *,
                    max_age: int = 18) -> list[Outcome]:
    """Validate, store (once per UUID) and apply a batch of one profile's playback events.

    Events are applied in the order given. Raises PlaybackError (nothing stored) on bad input.
    Writes with SQLAlchemy Core on the connection (or the ORM session's connection: Viewing
    objects the caller has already loaded in it are not refreshed; unflushed changes are
    flushed first).
    """
    conn = _connection(session)
    items = validate(conn, events, now, max_age)
    # Serialise one profile's writers (PostgreSQL; SQLite's IMMEDIATE already serialises all),
    # so the duplicate check below sees every committed event and viewings are never lost.
    if conn.dialect.name != "sqlite":
        conn.execute(_PROFILE_LOCK, {"profile_id": profile_id})
    already = set(conn.scalars(_STORED, {"ids": [e.event_id for e in events]}))
    fresh = [e for e in events if e.event_id not in already]

    keys = list({(e.title_id, e.episode_id or 0) for e in fresh})
    viewings: dict[tuple[int, int], ViewingState] = {}
    if keys:
        for row in conn.execute(_VIEWINGS, {"profile_id": profile_id, "keys": keys}):
            viewings[(row.title_id, row.episode_key)] = ViewingState(**row._mapping)
    existing = set(viewings)

    credited: dict[str, float] = {}
    rows = []
    for e in fresh:
        title, episode = items[(e.title_id, e.episode_id)]
        key = (e.title_id, e.episode_id or 0)
        viewing = viewings.get(key)
        if viewing is None:
            viewing = viewings[key] = ViewingState(
                profile_id=profile_id, title_id=e.title_id, episode_id=e.episode_id,
                episode_key=e.episode_id or 0, position_s=0, watched_s=0, furthest_s=0,
                completed=False, hidden=False, plays=0, started_at=now, last_watched_at=now,
                last_client_time=e.client_time)
        credit = apply_event(viewing, e, title, episode, now)
        credited[e.event_id] = credit
        rows.append(event_row(e, profile_id, now, credit))
    if rows:
        # ON CONFLICT DO NOTHING: a concurrent retry of the same UUID cannot make a second row.
        conn.execute(EVENT_INSERT, rows)
        updates = [{"viewing_id": v.id, **v.values(APPLIED_FIELDS)}
                   for k, v in viewings.items() if k in existing]
        inserts = [v.values() for k, v in viewings.items() if k not in existing]
        if updates:
            conn.execute(_VIEWING_UPDATES, updates)
        if inserts:
            conn.execute(_NEW_VIEWINGS, inserts)
    return [Outcome(e.event_id, e.event_id in credited, credited.get(e.event_id, 0.0))
            for e in events]


def apply_event(viewing: Viewing | ViewingState, e: PlaybackInput, title: TitleFacts,
                episode: EpisodeFacts | None, now: datetime) -> float:
    """Update a viewing from one event; return the content seconds credited."""
    runtime = runtime_of(title, episode)
    position = float(e.position_s)
    credit = 0.0
    in_order = e.client_time >= viewing.last_client_time
    if e.type == "start":
        viewing.plays += 1
        viewing.hidden = False  # watching again brings a hidden title back into history
        if viewing.completed and position < runtime * COMPLETE_FRACTION:
            viewing.completed = False  # a rewatch starts over
            viewing.furthest_s = int(position)
    elif in_order and e.type != "seek":
        elapsed = (e.client_time - viewing.last_client_time).total_seconds()
        moved = position - viewing.position_s
        could = max(0.0, elapsed) * e.speed
        if moved > 0:
            credit = min(moved, could)
    if in_order:
        viewing.position_s = int(position)
        viewing.last_client_time = e.client_time
    viewing.watched_s += credit
    viewing.furthest_s = max(viewing.furthest_s, int(position))
    viewing.last_watched_at = now
    if (e.type == "complete" or viewing.furthest_s >= runtime * COMPLETE_FRACTION
            or viewing.furthest_s >= credits_mark(title, episode)) and credit_ok(viewing, runtime):
        viewing.completed = True
    return credit


def credit_ok(viewing: Viewing | ViewingState, runtime: int) -> bool:
    """A viewing only completes if some real watching happened (not just a seek to the end)."""
    return viewing.watched_s >= min(runtime * 0.05, 300) or viewing.completed
