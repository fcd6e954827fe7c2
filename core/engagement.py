"""Engagement analytics for educators: what was watched and how, per title, genre and row.

Definitions (one place; docs/simulation.md explains them to educators):

- a **viewing** is one profile on one film or episode (`viewings`); its **completion** is
  watched seconds over the runtime. It is **completed** when the player marked it so (90% or
  the credits, `core.playback.COMPLETE_FRACTION`) and **abandoned** when it stopped before
  `ABANDON_FRACTION` of the runtime without being completed (the recommender's signal mapping
  reads the same constant: a play left that early says "not for me").
- a **play** is a `start` event in the playback log that begins watching a title, at the
  player's time (`client_time`: a player that sends its events late, as a simulated one
  does, still places the play where it happened, beside the rows shown just before), with
  every event of that title that follows within `SESSION_GAP_MINUTES` of the one before
  (the next episode of a binge is the same play). Its watch time is its events' credited
  seconds; it completed if one of them did; it was abandoned if it credited less than
  `ABANDON_FRACTION` of the runtime (of the episode it began with) and completed nothing.
  It is **attributed** to the last row that showed its
  title to the same profile within `ATTRIBUTION_MINUTES` before it (last touch); a play no
  shown row explains (a link, the title page) is "unattributed". A row's **click-through**
  is its attributed plays over the title cards it showed.
- **browse time before a play** runs from the first impression of the browsing session that
  led to an attributed play (impressions of the profile no more than `SESSION_GAP_MINUTES`
  apart) to the play.

Everything reads the site's tables only (never the simulator's truth), from `since` on.
"""

from __future__ import annotations

import statistics
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Episode, Impression, PlaybackEvent, Tag, Title, TitleTag, Viewing
from core.playback import ABANDON_FRACTION

ATTRIBUTION_MINUTES = 30
SESSION_GAP_MINUTES = 30


@dataclass
class Tally:
    """Viewings and what became of them, for one title, genre or row."""

    key: str
    label: str
    viewings: int = 0
    watched_s: float = 0.0
    completed: int = 0
    abandoned: int = 0
    impressions: int = 0  # rows only: times the row was shown
    cards: int = 0  # rows only: title cards shown in it, over those times
    plays: int = 0  # rows only: attributed plays

    def add(self, watched_s: float, runtime_s: float, completed: bool) -> None:
        self.viewings += 1
        self.watched_s += watched_s
        if completed:
            self.completed += 1
        elif runtime_s and watched_s / runtime_s < ABANDON_FRACTION:
            self.abandoned += 1

    @property
    def watch_hours(self) -> float:
        return self.watched_s / 3600

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.viewings if self.viewings else None

    @property
    def abandonment_rate(self) -> float | None:
        return self.abandoned / self.viewings if self.viewings else None

    @property
    def click_through(self) -> float | None:
        """Attributed plays per title card shown."""
        return self.plays / self.cards if self.cards else None


def viewings_since(session: Session, since: datetime) -> list:
    """The viewings `by_title` and `by_genre` read (load once, pass to both)."""
    runtime = func.coalesce(Episode.runtime_seconds, Title.runtime_minutes * 60)
    return session.execute(
        select(Viewing.profile_id, Viewing.title_id, Viewing.watched_s, runtime,
               Viewing.completed, Title.name)
        .join(Title, Title.id == Viewing.title_id)
        .outerjoin(Episode, Episode.id == Viewing.episode_id)
        .where(Viewing.last_watched_at >= since)).all()


def by_title(session: Session, since: datetime, *, limit: int = 20,
             rows: list | None = None) -> list[Tally]:
    """The titles with the most watch time since `since`, most first (`rows`: the
    `viewings_since` already loaded)."""
    out: dict[int, Tally] = {}
    for _pid, tid, watched, runtime, completed, name in (
            viewings_since(session, since) if rows is None else rows):
        out.setdefault(tid, Tally(str(tid), name)).add(float(watched), float(runtime or 0),
                                                       bool(completed))
    return sorted(out.values(), key=lambda t: (-t.watched_s, t.label))[:limit]


def by_genre(session: Session, since: datetime, *, rows: list | None = None) -> list[Tally]:
    """Per primary genre (a title's first genre tag), most watch time first (`rows`: the
    `viewings_since` already loaded)."""
    primary = dict(session.execute(
        select(TitleTag.title_id, Tag.name).join(Tag, Tag.id == TitleTag.tag_id)
        .where(Tag.kind == "genre").order_by(TitleTag.title_id, TitleTag.position.desc())).all())
    out: dict[str, Tally] = {}
    for _pid, tid, watched, runtime, completed, _name in (
            viewings_since(session, since) if rows is None else rows):
        genre = primary.get(tid, "(no genre)")
        out.setdefault(genre, Tally(genre, genre)).add(float(watched), float(runtime or 0),
                                                       bool(completed))
    return sorted(out.values(), key=lambda t: (-t.watched_s, t.label))


@dataclass
class RowReport:
    """Rows and row positions, and browse time before a play, since a date."""

    rows: list[Tally]
    positions: list[Tally]
    plays: int
    unattributed: int
    browse_seconds: list[float] = field(default_factory=list)

    @property
    def browse_median_s(self) -> float | None:
        return statistics.median(self.browse_seconds) if self.browse_seconds else None


def rows_report(session: Session, since: datetime,
                family=lambda surface, key: f"{surface}: {key}") -> RowReport:
    """Impressions, attributed plays (with the viewings' outcomes) and click-through per row
    (grouped by `family(surface, row_key)`, e.g. every genre row as one) and per row
    position, and the browse time before each attributed play."""
    window = timedelta(minutes=ATTRIBUTION_MINUTES)
    gap = timedelta(minutes=SESSION_GAP_MINUTES)
    shown: dict[int, list[tuple[datetime, str, int, list[int]]]] = defaultdict(list)
    labels: dict[tuple[str, str], str] = {}  # family() once per distinct row
    for pid, at, surface, key, position, ids in session.execute(
            select(Impression.profile_id, Impression.shown_at, Impression.surface,
                   Impression.row_key, Impression.row_position, Impression.title_ids)
            .where(Impression.shown_at >= since - window)
            .order_by(Impression.profile_id, Impression.shown_at, Impression.id)):
        label = labels.get((surface, key))
        if label is None:
            label = labels[(surface, key)] = family(surface, key)
        shown[pid].append((at, label, int(position), ids or []))
    rows: dict[str, Tally] = {}
    positions: dict[int, Tally] = {}
    for entries in shown.values():
        for at, label, position, ids in entries:
            if at >= since:
                for tally in (rows.setdefault(label, Tally(label, label)),
                              positions.setdefault(position,
                                                   Tally(str(position), f"row {position + 1}"))):
                    tally.impressions += 1
                    tally.cards += len(ids)
    # Plays: each (profile, title)'s events in time order, cut where a start comes more than
    # `gap` after the previous event; a play's outcome is its own events' credited seconds
    # and whether one of them completed the title (or an episode).
    runtime = func.coalesce(Episode.runtime_seconds, Title.runtime_minutes * 60)
    starts: list[tuple[int, int, datetime, float, float, bool]] = []
    current: list | None = None
    previous: tuple[int, int, datetime] | None = None
    for pid, tid, at, kind, credited, run_s in session.execute(
            select(PlaybackEvent.profile_id, PlaybackEvent.title_id, PlaybackEvent.client_time,
                   PlaybackEvent.type, PlaybackEvent.credited_s, runtime)
            .join(Title, Title.id == PlaybackEvent.title_id)
            .outerjoin(Episode, Episode.id == PlaybackEvent.episode_id)
            .where(PlaybackEvent.client_time >= since - gap)
            .order_by(PlaybackEvent.profile_id, PlaybackEvent.title_id,
                      PlaybackEvent.client_time, PlaybackEvent.id)):
        same = previous is not None and previous[:2] == (pid, tid) and at - previous[2] <= gap
        if kind == "start" and not same:
            current = [pid, tid, at, 0.0, float(run_s or 0), False]
            if at >= since:
                starts.append(current)  # type: ignore[arg-type]
        if current is not None and current[:2] == [pid, tid]:
            current[3] += float(credited or 0)
            current[5] = current[5] or kind == "complete"
        previous = (pid, tid, at)
    times = {pid: [e[0] for e in entries] for pid, entries in shown.items()}
    report = RowReport([], [], len(starts), 0)
    for pid, tid, at, watched, run_s, completed in starts:
        entries, when = shown.get(pid, []), times.get(pid, [])
        hit = None
        for i in range(bisect_right(when, at) - 1, bisect_left(when, at - window) - 1, -1):
            if tid in entries[i][3]:
                hit = i
                break
        if hit is None:
            report.unattributed += 1
            continue
        _at, label, position, _ids = entries[hit]
        for tally in (rows.setdefault(label, Tally(label, label)),
                      positions.setdefault(position, Tally(str(position), f"row {position + 1}"))):
            tally.plays += 1
            tally.add(watched, run_s, completed)
        first = hit
        while first > 0 and when[first] - when[first - 1] <= gap:
            first -= 1
        report.browse_seconds.append((at - when[first]).total_seconds())
    report.rows = sorted(rows.values(), key=lambda t: t.label)
    report.positions = [positions[p] for p in sorted(positions)]
    return report
