"""The realism report (issue 11): the world's figures beside figures from public data.

It reads the site's own tables, so it describes whatever the database holds (a seeded world,
real viewers, or both). Definitions, stated once here and in docs/realism.md:

* a **play** is one profile on one title: a distinct (profile, title) pair in `viewings`
  (a series' episodes count toward their title; viewings hidden from history count, they
  were watched);
* **Gini** and **top-20% share** of plays per title are over the titles watched at least
  once, per profile over the profiles with at least one play (MovieLens 100k lists only
  rated films and users with 20 or more ratings, so this is the like-for-like comparison);
  the top 20% is the floor(20%) most-played (at least one); the share of the whole
  catalogue watched by someone is reported beside them;
* **completion** and **abandonment** are shares of viewings (one profile on one film or one
  episode, the unit of core.playback and core.analytics): completed is the viewing's
  `completed` flag (core.playback's rule: 90% of the runtime or the credits mark, after real
  watching); abandoned is not completed with the furthest point short of
  simulator.studies.metrics.ABANDON_BELOW of the runtime, the simulator's own abandonment rule;
* a **session** is a run of one profile's playback events (client clock) with no idle gap
  longer than SESSION_GAP_MINUTES, where idle time between two events is the time between
  them minus the watching the later one credited (players need not send heartbeats: a film
  watched without pause is one session). Its length runs from its first to its last event,
  pauses included; a visit that only browsed has no events and is not counted. A profile is
  **active** on the UTC day its session began; the daily active share averages, over days,
  the active profiles over the profiles that existed (the first and last day of a history of
  3 days or more are left out, as a history starts and ends at the time it was made).

Reference figures (simulator.studies.references) come from MovieLens 100k; a figure no public data
set gives like for like shows "no public reference" rather than a number. Each comparable figure
has a band (Band): inside it the world is "close" to the reference, outside it "differs".
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import DateTime, Float, and_, case, cast, extract, func, select
from sqlalchemy.orm import Session

from core.models import Episode, PlaybackEvent, Profile, Rating, Title, Viewing
from simulator.studies.metrics import ABANDON_BELOW
from simulator.studies.references import ML100K, SOURCES, TOP_SHARE, Reference, concentration

SESSION_GAP_MINUTES = 30


@dataclass(frozen=True)
class Band:
    """How near the reference counts as "close": within `width` (absolute), or within a
    factor `factor` either way. A teaching aid, not a statistical test."""

    width: float | None = None
    factor: float | None = None

    def holds(self, world: float, reference: float) -> bool:
        if self.factor is not None:
            return reference > 0 and world > 0 and \
                1 / self.factor <= world / reference <= self.factor
        return abs(world - reference) <= (self.width or 0.0) + 1e-12

    def text(self, unit: str) -> str:
        if self.factor is not None:
            return f"close: within {self.factor:g}x either way"
        return f"close: within ±{self.width * 100:.0f} points" if unit == "share" else \
            f"close: within ±{self.width:.2f}"


@dataclass(frozen=True)
class Spec:
    key: str
    label: str
    group: str
    unit: str  # gini | share | titles | ratio | minutes
    definition: str
    reference: Reference | None = None
    band: Band | None = None
    no_reference: str = "no public reference"


CONCENTRATION, WATCHING, SESSIONS = ("Who watches what", "How titles are watched",
                                     "Sessions and activity")
SHARE_BAND, GINI_BAND = Band(width=0.10), Band(width=0.10)
SPECS = (
    Spec("plays_per_title_gini", "Plays-per-title Gini", CONCENTRATION, "gini",
         "Gini of plays per title, over titles watched at least once",
         ML100K["plays_per_title_gini"], GINI_BAND),
    Spec("plays_per_title_top20_share", "Top 20% of titles' share of plays", CONCENTRATION,
         "share", "share of plays going to the 20% most-played titles (of those watched)",
         ML100K["plays_per_title_top20_share"], SHARE_BAND),
    Spec("catalogue_watched_share", "Share of the catalogue watched", CONCENTRATION, "share",
         "titles watched by at least one profile / titles in the catalogue",
         ML100K["catalogue_watched_share"], SHARE_BAND),
    Spec("plays_per_profile_gini", "Plays-per-profile Gini", CONCENTRATION, "gini",
         "Gini of plays per profile, over profiles with at least one play",
         ML100K["plays_per_profile_gini"], GINI_BAND),
    Spec("plays_per_profile_top20_share", "Top 20% of profiles' share of plays",
         CONCENTRATION, "share",
         "share of plays made by the 20% most active profiles (of those with a play)",
         ML100K["plays_per_profile_top20_share"], SHARE_BAND),
    Spec("median_titles_per_profile", "Median titles per profile", CONCENTRATION, "titles",
         "median distinct titles played, over profiles with at least one play",
         ML100K["median_titles_per_profile"], Band(factor=2.0)),
    Spec("thumbs_per_play", "Thumbs per play", WATCHING, "ratio",
         "ratings (thumbs) given / plays",
         no_reference="no public reference (in MovieLens a rating is the only record of a "
                      "viewing: 1 by construction)"),
    Spec("completion_rate", "Completion rate", WATCHING, "share",
         "share of viewings (profile x film or episode) marked completed: 90% of the runtime "
         "or the credits mark, after real watching (core.playback)"),
    Spec("abandonment_rate", "Abandonment rate", WATCHING, "share",
         f"share of viewings not completed whose furthest point is short of "
         f"{ABANDON_BELOW:.0%} of the runtime (simulator.studies.metrics)"),
    Spec("session_minutes_p50", "Minutes per session, median", SESSIONS, "minutes",
         f"first to last playback event of a session (a new session after "
         f"{SESSION_GAP_MINUTES} idle minutes), pauses included"),
    Spec("session_minutes_p90", "Minutes per session, 90th percentile", SESSIONS, "minutes",
         "as the median, 90th percentile (linear interpolation)"),
    Spec("sessions_per_active_day", "Sessions per active day", SESSIONS, "ratio",
         "sessions / (profile, UTC day) pairs on which the profile began a session"),
    Spec("daily_active_share", "Daily active share", SESSIONS, "share",
         "profiles that began a session that day / profiles that existed, averaged over "
         "days (first and last day left out)"),
)
SPEC_BY_KEY = {s.key: s for s in SPECS}
GROUPS = (CONCENTRATION, WATCHING, SESSIONS)
STATUSES = ("close", "differs", "not comparable", "no public reference", "no data")
_TALLY = {"close": "close", "differs": "differ", "not comparable": "not comparable",
          "no public reference": "without a public reference", "no data": "without data"}


def display(value: float | None, unit: str) -> str:
    """A figure as the report shows it."""
    if value is None:
        return "-"
    if unit == "share":
        return f"{value:.0%}"
    if unit == "minutes":
        return f"{value:.0f} min"
    if unit == "titles":
        return f"{value:g}"
    return f"{value:.2f}"


@dataclass(frozen=True)
class Figure:
    spec: Spec
    world: float | None

    @property
    def reference(self) -> Reference | None:
        return self.spec.reference

    @property
    def status(self) -> str:
        ref, band = self.spec.reference, self.spec.band
        if self.world is None:
            return "no data"
        if ref is None or band is None:
            return "no public reference"
        if not ref.comparable:
            return "not comparable"
        return "close" if band.holds(self.world, ref.value) else "differs"

    @property
    def world_text(self) -> str:
        return display(self.world, self.spec.unit)

    @property
    def reference_text(self) -> str:
        return display(self.reference.value, self.spec.unit) if self.reference else "-"

    def as_dict(self) -> dict[str, Any]:
        ref, band = self.spec.reference, self.spec.band
        return {
            "label": self.spec.label, "group": self.spec.group, "unit": self.spec.unit,
            "definition": self.spec.definition,
            "world": None if self.world is None else round(float(self.world), 6),
            "reference": ref.value if ref else None,
            "source": ref.source if ref else None,
            "reference_how": ref.how if ref else self.spec.no_reference,
            "band": band.text(self.spec.unit) if band and ref and ref.comparable else None,
            "status": self.status,
        }


@dataclass(frozen=True)
class RealismReport:
    counts: dict[str, int]
    figures: list[Figure] = field(default_factory=list)

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.spec.key == key)

    def tally(self) -> dict[str, int]:
        """How many figures have each status (only the statuses that occur)."""
        out: dict[str, int] = {}
        for f in self.figures:
            out[f.status] = out.get(f.status, 0) + 1
        return {s: out[s] for s in STATUSES if s in out}

    def groups(self) -> list[tuple[str, list[Figure]]]:
        return [(g, [f for f in self.figures if f.spec.group == g]) for g in GROUPS]

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "definitions": {"session_gap_minutes": SESSION_GAP_MINUTES,
                            "top_share": TOP_SHARE, "abandon_below": ABANDON_BELOW},
            "figures": {f.spec.key: f.as_dict() for f in self.figures},
            "sources": {k: {"name": s.name, "citation": s.citation, "url": s.url}
                        for k, s in SOURCES.items()},
        }

    def lines(self) -> list[str]:
        """The report as text: one line per figure, the sources, then a summary line."""
        width = max(len(f.spec.label) for f in self.figures)
        out = [f"{'figure':<{width}}  {'world':>8}  {'reference':>9}  verdict"]
        for f in self.figures:
            source = f" ({f.reference.source})" if f.reference else ""
            out.append(f"{f.spec.label:<{width}}  {f.world_text:>8}  "
                       f"{f.reference_text:>9}  {f.status}{source}")
        out += [f"{key}: {s.citation} {s.url}" for key, s in SOURCES.items()]
        c = self.counts
        tally = ", ".join(f"{n} {_TALLY[status]}" for status, n in self.tally().items())
        out.append(f"Realism: {tally}; {c['plays']} plays by {c['profiles_with_plays']} of "
                   f"{c['profiles']} profiles, {c['titles_watched']} of {c['titles']} titles "
                   f"watched, {c['sessions']} sessions over {c['days']} days")
        return out


# --- the figures -------------------------------------------------------------------------------


def _seconds(later, earlier, dialect: str):
    """Seconds from `earlier` to `later` (timestamps) in SQL."""
    if dialect == "postgresql":
        return cast(extract("epoch", later - earlier), Float)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def sessions(session: Session, gap_minutes: int = SESSION_GAP_MINUTES
             ) -> list[tuple[int, datetime, float]]:
    """(profile id, start, length in seconds) of every session in the playback event log,
    split by the idle-gap rule (module docstring) with SQL window functions."""
    dialect = session.get_bind().dialect.name
    ev = PlaybackEvent.__table__.c
    order = (ev.client_time, ev.id)
    prev = func.lag(ev.client_time, type_=DateTime).over(partition_by=ev.profile_id,
                                                         order_by=order)
    steps = select(ev.profile_id, ev.id, ev.client_time, ev.credited_s, ev.speed,
                   prev.label("prev")).subquery()
    idle = _seconds(steps.c.client_time, steps.c.prev, dialect) - \
        steps.c.credited_s / steps.c.speed
    new = case((steps.c.prev.is_(None), 1), (idle > gap_minutes * 60, 1), else_=0)
    flagged = select(steps.c.profile_id, steps.c.id, steps.c.client_time,
                     new.label("new")).subquery()
    number = func.sum(flagged.c.new).over(partition_by=flagged.c.profile_id,
                                          order_by=(flagged.c.client_time, flagged.c.id))
    numbered = select(flagged.c.profile_id, flagged.c.client_time,
                      number.label("n")).subquery()
    start, end = func.min(numbered.c.client_time), func.max(numbered.c.client_time)
    rows = session.execute(
        select(numbered.c.profile_id, start, _seconds(end, start, dialect))
        .group_by(numbered.c.profile_id, numbered.c.n)).all()
    return [(p, s if isinstance(s, datetime) else datetime.fromisoformat(s), float(n or 0.0))
            for p, s, n in rows]


def activity(spans: Sequence[tuple[int, datetime, float]],
             created: dict[int, datetime]) -> dict[str, float | None]:
    """Session length percentiles, sessions per active day and the daily active share from
    sessions (profile, start, seconds) and every profile's creation time (by id)."""
    if not spans:
        return {"session_minutes_p50": None, "session_minutes_p90": None,
                "sessions_per_active_day": None, "daily_active_share": None}
    minutes = np.array([s for _, _, s in spans]) / 60.0
    active: dict[date, set[int]] = {}
    for profile_id, start, _ in spans:
        active.setdefault(start.date(), set()).add(profile_id)
    first, last = min(active), max(active)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    if len(days) >= 3:
        days = days[1:-1]  # a history starts and ends at the time it was made
    born = sorted(created.values())
    shares = []
    for day in days:
        end = datetime.combine(day + timedelta(days=1), datetime.min.time())
        who = active.get(day, set())
        # Profiles made by the day's end, and any active ones made later (an imported or
        # demo profile can have history from before the row was made).
        existed = bisect_right(born, end - timedelta(microseconds=1)) + sum(
            1 for p in who if p not in created or created[p] >= end)
        shares.append(len(who) / existed if existed else 0.0)
    return {
        "session_minutes_p50": float(np.percentile(minutes, 50)),
        "session_minutes_p90": float(np.percentile(minutes, 90)),
        "sessions_per_active_day": len(spans) / sum(len(v) for v in active.values()),
        "daily_active_share": float(np.mean(shares)) if shares else None,
    }


def viewing_outcomes(session: Session) -> tuple[int, int, int]:
    """(viewings, completed, abandoned) from the viewings table in one aggregate."""
    runtime = case((Viewing.episode_id.is_(None), Title.runtime_minutes * 60),
                   else_=Episode.runtime_seconds)
    done = Viewing.completed.is_(True)
    abandoned = and_(Viewing.completed.is_(False), Viewing.furthest_s < ABANDON_BELOW * runtime)
    n, completed, dropped = session.execute(
        select(func.count(), func.sum(case((done, 1), else_=0)),
               func.sum(case((abandoned, 1), else_=0)))
        .select_from(Viewing).join(Title, Title.id == Viewing.title_id)
        .outerjoin(Episode, Episode.id == Viewing.episode_id)).one()
    return int(n), int(completed or 0), int(dropped or 0)


def realism_report(session: Session) -> RealismReport:
    """Every figure of the report for the database `session` reads."""
    plays = select(Viewing.profile_id, Viewing.title_id).distinct().subquery()
    per_title = session.scalars(select(func.count()).select_from(plays)
                                .group_by(plays.c.title_id)).all()
    per_profile = session.scalars(select(func.count()).select_from(plays)
                                  .group_by(plays.c.profile_id)).all()
    n_titles = session.scalar(select(func.count()).select_from(Title)) or 0
    created = {p: c for p, c in session.execute(select(Profile.id, Profile.created_at))}
    n_ratings = session.scalar(select(func.count()).select_from(Rating)) or 0
    n_viewings, n_completed, n_abandoned = viewing_outcomes(session)
    spans = sessions(session)
    n_plays = sum(per_title)
    values = concentration(per_title, per_profile, n_titles)
    values |= {
        "thumbs_per_play": n_ratings / n_plays if n_plays else None,
        "completion_rate": n_completed / n_viewings if n_viewings else None,
        "abandonment_rate": n_abandoned / n_viewings if n_viewings else None,
    }
    values |= activity(spans, created)
    days = {start.date() for _, start, _ in spans}
    counts = {"plays": n_plays, "titles": n_titles, "titles_watched": len(per_title),
              "profiles": len(created), "profiles_with_plays": len(per_profile),
              "viewings": n_viewings, "ratings": n_ratings, "sessions": len(spans),
              "days": (max(days) - min(days)).days + 1 if days else 0}
    return RealismReport(counts, [Figure(spec, values[spec.key]) for spec in SPECS])
