"""Analytics over the raw playback event log: audience drop-off curves.

A *viewing* here is one profile on one film or one episode. It counts as started when the log
holds a `start` event for it, and it reached the furthest position at which an event credited
real watching (`credited_s > 0`): a seek to the end credits nothing, so skipping ahead does not
count as watching. The curve gives, at 0%, 5%, ..., 100% of the runtime, the share of started
viewings that got at least that far. A series pools its episodes, each against its own runtime.

The viewing state (`viewings`) keeps only the latest furthest point and forgets hidden titles'
history for the recommender; the event log keeps everything, which is what this reads.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import PlaybackEvent, Title, Viewing
from core.playback import COMPLETE_FRACTION

POINTS = 21  # 0%, 5%, ..., 100%
FINISHED = COMPLETE_FRACTION  # the player's rule (core/playback.py)


@dataclass(frozen=True)
class DropOff:
    title_id: int
    starts: int  # started viewings (profile x film or episode)
    reached: tuple[float, ...]  # share of them that reached each of POINTS evenly spaced marks

    @property
    def marks(self) -> tuple[float, ...]:
        """The fractions of the runtime the `reached` values are for (0.0 ... 1.0)."""
        n = len(self.reached) - 1
        return tuple(i / n for i in range(n + 1))

    def at(self, fraction: float) -> float:
        """Share of started viewings that reached `fraction` of the runtime (the mark at or
        just above it)."""
        n = len(self.reached) - 1
        return self.reached[min(n, max(0, math.ceil(round(fraction * n, 9))))]

    @property
    def finished(self) -> float:
        return self.at(FINISHED)


def dropoff(session: Session, title_id: int, *, points: int = POINTS) -> DropOff | None:
    """The drop-off curve of a title from its events, or None if the title does not exist."""
    title = session.get(Title, title_id)
    if title is None:
        return None
    runtimes = ({(title.id, e.id): e.runtime_seconds for e in title.episodes}
                if title.kind == "series" else {(title.id, None): title.runtime_minutes * 60})
    fractions = _fractions(session, PlaybackEvent.title_id == title_id, runtimes)
    return curve([f for *_, f in fractions], title_id, points=points)


def dropoff_films(session: Session, *, points: int = POINTS) -> DropOff:
    """Every film's viewings pooled into one curve (title_id 0), each against its runtime."""
    return curve([f for _, _, f in film_viewings(session)], points=points)


def film_viewings(session: Session) -> list[tuple[int, int, float]]:
    """(profile id, title id, furthest fraction of the runtime watched) of every started
    film viewing."""
    films = select(Title.id).where(Title.kind == "film")
    runtimes = {(t, None): m * 60 for t, m in session.execute(
        select(Title.id, Title.runtime_minutes).where(Title.kind == "film"))}
    return [(p, t, f) for p, t, _, f in
            _fractions(session, PlaybackEvent.title_id.in_(films), runtimes)]


def film_plays(session: Session) -> tuple[int, float]:
    """(film plays, share of them that ended in a `complete` event), a play being one sitting:
    each `start` event, resumes apart. This is how the experiments count completion (a share of
    plays, simulator/studies/metrics.py), whereas a drop-off curve counts each viewing once, at
    the furthest point any of its sittings reached; a film paused part-way and finished another
    day is one unfinished play plus one complete play there, one finished viewing here."""
    events = PlaybackEvent.__table__.c
    counts = dict(session.execute(
        select(events.type, func.count()).where(
            events.title_id.in_(select(Title.id).where(Title.kind == "film")),
            events.type.in_(("start", "complete"))).group_by(events.type)).all())
    plays = int(counts.get("start", 0))
    return plays, (min(1.0, counts.get("complete", 0) / plays) if plays else 0.0)


def first_started(session: Session) -> dict[tuple[int, int], date]:
    """The day each profile first started each title (any episode)."""
    return {(int(p), int(t)): when.date() for p, t, when in session.execute(
        select(Viewing.profile_id, Viewing.title_id, func.min(Viewing.started_at))
        .group_by(Viewing.profile_id, Viewing.title_id))}


def curve(fractions, title_id: int = 0, *, points: int = POINTS) -> DropOff:
    """The drop-off curve of viewings that got `fractions` of the way through."""
    if points < 2:
        raise ValueError("A curve needs at least 2 points.")
    fractions = list(fractions)
    n = len(fractions)
    reached = tuple(
        (sum(1 for f in fractions if f >= i / (points - 1) - 1e-9) / n) if n else 0.0
        for i in range(points))
    return DropOff(title_id, n, reached)


def _fractions(session: Session, where, runtimes: dict) -> list[tuple[int, int, int | None, float]]:
    """(profile, title, episode, furthest credited position / runtime) per started viewing."""
    events = PlaybackEvent.__table__.c
    started = session.execute(
        select(events.profile_id, events.title_id, events.episode_id).distinct()
        .where(where, events.type == "start")).all()
    furthest = {(p, t, e): far for p, t, e, far in session.execute(
        select(events.profile_id, events.title_id, events.episode_id,
               func.max(events.position_s))
        .where(where, events.credited_s > 0)
        .group_by(events.profile_id, events.title_id, events.episode_id))}
    out = []
    for profile_id, title, episode_id in started:
        runtime = runtimes.get((title, episode_id))
        if not runtime:
            continue  # an event for an episode the title no longer has
        far = furthest.get((profile_id, title, episode_id), 0.0)
        out.append((profile_id, title, episode_id, min(1.0, far / runtime)))
    return out


def most_started(session: Session, *, limit: int = 12,
                 max_age: int = 18) -> list[tuple[Title, int]]:
    """The titles with the most started viewings in the event log, most first."""
    events = PlaybackEvent.__table__.c
    viewings = (select(events.title_id, events.profile_id, events.episode_id).distinct()
                .where(events.type == "start").subquery())
    starts = func.count().label("starts")
    rows = session.execute(
        select(viewings.c.title_id, starts).group_by(viewings.c.title_id)
        .order_by(starts.desc(), viewings.c.title_id).limit(limit * 2)).all()
    titles = {t.id: t for t in session.scalars(select(Title).where(
        Title.id.in_([r.title_id for r in rows]), Title.maturity_age <= max_age))}
    return [(titles[r.title_id], r.starts) for r in rows if r.title_id in titles][:limit]
