"""A bulk path for `core.playback.record_playback`: many profiles' batches in a few statements.

The simulator writes tens of thousands of sessions; one `record_playback` call costs about five
statements, so this path validates against a preloaded catalog, looks up every affected viewing
in one query, applies each event with the same `apply_event` (so credit bounds, completion and
rewatch rules are identical; a test compares the two paths) and inserts all events at once.
Like `record_playback` it never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from core.models import Episode, PlaybackEvent, Title, Viewing
from core.playback import EVENT_INSERT, PlaybackInput, apply_event, check_events, event_row

IN_CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class Batch:
    profile_id: int
    events: Sequence[PlaybackInput]
    now: datetime  # server time the batch is received
    max_age: int = 18


class CatalogCache:
    """Titles and episodes loaded once (read-only use: runtimes, kinds, maturity)."""

    def __init__(self, session: Session) -> None:
        self.titles = {t.id: t for t in session.scalars(select(Title))}
        self.episodes = {e.id: e for e in session.scalars(select(Episode))}


def _check(cache: CatalogCache, b: Batch) -> None:
    """The checks of core.playback.validate, against the cache."""
    check_events(b.events, cache.titles, cache.episodes, b.now, b.max_age)


def record_playback_bulk(session: Session, batches: Sequence[Batch],
                         cache: CatalogCache) -> int:
    """Validate every batch (PlaybackError: nothing stored), then store and apply the events
    not seen before, batch by batch in the order given. Returns the number of new events."""
    for b in batches:
        _check(cache, b)
    ids = [e.event_id for b in batches for e in b.events]
    already: set[str] = set()
    for lo in range(0, len(ids), IN_CHUNK):
        already.update(session.scalars(select(PlaybackEvent.event_id).where(
            PlaybackEvent.event_id.in_(ids[lo:lo + IN_CHUNK]))))
    keys = sorted({(b.profile_id, e.title_id, e.episode_id or 0)
                   for b in batches for e in b.events})
    viewings: dict[tuple[int, int, int], Viewing] = {}
    for lo in range(0, len(keys), IN_CHUNK):
        for v in session.scalars(select(Viewing).where(
                tuple_(Viewing.profile_id, Viewing.title_id, Viewing.episode_key).in_(
                    keys[lo:lo + IN_CHUNK]))):
            viewings[(v.profile_id, v.title_id, v.episode_key)] = v
    rows = []
    for b in batches:
        for e in b.events:
            if e.event_id in already:
                continue
            already.add(e.event_id)
            key = (b.profile_id, e.title_id, e.episode_id or 0)
            viewing = viewings.get(key)
            if viewing is None:
                viewing = Viewing(profile_id=b.profile_id, title_id=e.title_id,
                                  episode_id=e.episode_id, episode_key=e.episode_id or 0,
                                  position_s=0, watched_s=0, furthest_s=0, completed=False,
                                  hidden=False, plays=0, started_at=b.now,
                                  last_watched_at=b.now, last_client_time=e.client_time)
                session.add(viewing)
                viewings[key] = viewing
            title = cache.titles[e.title_id]
            episode = cache.episodes.get(e.episode_id) if e.episode_id is not None else None
            credit = apply_event(viewing, e, title, episode, b.now)
            rows.append(event_row(e, b.profile_id, b.now, credit))
    if rows:  # a Core executemany (the ORM bulk path costs ~10x more), ON CONFLICT DO NOTHING
        session.connection().execute(EVENT_INSERT, rows)
    session.flush()
    return len(rows)
