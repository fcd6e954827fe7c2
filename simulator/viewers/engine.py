"""Run simulated days for a population and write them through the core services.

`Simulation.run_day(day)` decides who visits (visit draws are common random numbers: the same
uniforms in every arm), asks the layout for each visitor's rows, runs `run_session` with the
profile's own stream for that day, and writes each chunk of sessions in one short transaction:
`core.playback_bulk.record_playback_bulk` (record_playback's checks and `apply_event`, for many
profiles at once; start/seek/pause/stop/complete events only, no heartbeats),
`core.activity.rate_title`, `add_to_list`, `log_search`, `core.history.hide_title` (rarely),
and one `Impression` row per shown row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

import holidays
import numpy as np
from sqlalchemy import delete, insert

from core import activity, history
from core import impressions as core_impressions
from core.db import Database
from core.models import TasteDay
from core.playback_bulk import Batch, CatalogCache, record_playback_bulk
from simulator.catalog.features import encode_features
from simulator.rng import derive
from simulator.viewers import behaviour as bh
from simulator.viewers.discovery import Discovery
from simulator.viewers.population import Population
from simulator.viewers.session import ProfileState, SessionResult, ShownRow, Viewer, run_session
from simulator.viewers.world import Catalog

CHUNK_SESSIONS = 150


@lru_cache(maxsize=256)
def _calendar(country: str, year: int):
    try:
        return holidays.country_holidays(country, years=year)
    except NotImplementedError:
        return {}


def is_public_holiday(country: str, when) -> bool:
    """A public holiday in `country` (ISO code) on date `when` (the `holidays` package's
    national calendar; False for a country it does not know)."""
    return when in _calendar(country, when.year)


@dataclass
class DayResult:
    day: int
    visitors: np.ndarray  # population indexes
    sessions: list[SessionResult] = field(default_factory=list)
    visits: list[tuple[int, SessionResult]] = field(default_factory=list)  # (visitor, session)
    rows: dict[int, list[ShownRow]] = field(default_factory=dict)  # by population index
    events: int = 0


class Simulation:
    def __init__(self, database: Database, catalog: Catalog, population: Population, seed: int,
                 layout, *, start: datetime, policy_name: str = "site",
                 write: bool = True) -> None:
        self.db, self.catalog, self.pop, self.seed = database, catalog, population, seed
        self.layout, self.start, self.policy_name, self.write = layout, start, policy_name, write
        self.states = [ProfileState() for _ in range(len(population))]
        self.available = np.ones(len(catalog), dtype=bool)  # layouts may hold titles back
        self.discovery = Discovery(catalog, self.available)
        self._noise: dict[int, np.ndarray] = {}
        self._cache: CatalogCache | None = None
        self.viewers = [Viewer(int(pid), population.taste[i],
                               {k: float(v[i]) for k, v in population.traits.items()},
                               int(population.maturity_limit[i]), int(population.community[i]))
                        for i, pid in enumerate(population.profile_ids)]

    def noise(self, i: int) -> np.ndarray:
        if i not in self._noise:
            self._noise[i] = bh.utility_noise(self.seed, int(self.pop.profile_ids[i]),
                                              self.catalog.title_ids)
        return self._noise[i]

    def utility(self, i: int) -> np.ndarray:
        """Profile i's true utility of every title now (taste drifts)."""
        return (self.catalog.features @ self.pop.taste[i] + self.catalog.quality
                + self.noise(i))

    def visitors(self, day: int) -> np.ndarray:
        draws = derive(self.seed, "visits", str(day)).random(len(self.pop))
        sat = np.array([s.satisfaction for s in self.states])
        when = (self.start + timedelta(days=day)).date()
        p = bh.visit_probability(self.pop.traits["activity"], when.weekday(), sat,
                                 self.holiday(when))
        return np.flatnonzero(draws < p)

    def holiday(self, when) -> np.ndarray:
        """Per profile: is `when` a public holiday in its account's country?"""
        if self.pop.country is None:
            return np.zeros(len(self.pop), dtype=bool)
        countries, of_profile = np.unique(self.pop.country.astype(str), return_inverse=True)
        return np.array([is_public_holiday(c, when) for c in countries], dtype=bool)[of_profile]

    def run_day(self, day: int, progress: Callable[[int], None] | None = None) -> DayResult:
        day_start = self.start + timedelta(days=day)
        visitors = self.visitors(day)
        result = DayResult(day, visitors)
        self.layout.prepare(self, day, visitors)
        cat = self.catalog
        buzz = bh.awareness(cat.buzz, day_start.date().toordinal() - cat.release_ordinal,
                            cat.quality) if cat.buzz.size else None
        if buzz is not None:
            buzz = np.where(self.available, buzz, 0.0)
            self.discovery.buzz_today = buzz
        for lo in range(0, len(visitors), CHUNK_SESSIONS):
            chunk = []
            for i in visitors[lo:lo + CHUNK_SESSIONS].tolist():
                pid = str(int(self.pop.profile_ids[i]))
                rng = derive(self.seed, "behaviour", pid, str(day))
                hour = float(np.clip(rng.normal(20.0, 2.5), 7.0, 23.0))
                start = day_start + timedelta(seconds=int(hour * 3600))
                visits = bh.sessions_today(derive(self.seed, "sessions", pid, str(day)),
                                           self.pop.traits["activity"][i])
                for visit in range(visits):
                    if visit:  # later visits: own stream, after a break, before 2 a.m.
                        rng = derive(self.seed, "behaviour", pid, str(day), str(visit))
                        start = chunk[-1][1].end + timedelta(
                            minutes=float(rng.lognormal(np.log(90.0), 0.6)))
                        if start >= day_start + timedelta(hours=26):
                            break
                    if self.states[i].elsewhere is None:
                        self.states[i].elsewhere = bh.seen_elsewhere(
                            self.seed, int(pid), cat.title_ids, cat.prior_popularity)
                    rows = self.layout.rows(self, i, day)
                    res = run_session(rng, self.viewers[i], self.states[i], cat, rows,
                                      self.utility(i), start, discovery=self.discovery,
                                      buzz=buzz)
                    result.rows[i] = rows
                    chunk.append((i, res))
            if self.write:
                result.events += self.write_chunk(chunk)
            result.sessions += [r for _, r in chunk]
            result.visits += chunk
            if progress:
                progress(len(chunk))
        if self.write and len(visitors):
            self.record_tastes(visitors, day_start.date())
        return result

    def record_tastes(self, visitors: np.ndarray, day) -> None:
        """Each visitor's hidden taste at the end of the day (it drifts toward what it watched),
        so truth-based figures can use the taste of their day."""
        ids = [int(self.pop.profile_ids[i]) for i in visitors.tolist()]
        with self.db.write() as s:
            s.execute(delete(TasteDay).where(TasteDay.day == day, TasteDay.profile_id.in_(ids)))
            s.connection().execute(insert(TasteDay.__table__), [
                {"profile_id": pid, "day": day, "taste": encode_features(self.pop.taste[i])}
                for pid, i in zip(ids, visitors.tolist(), strict=True)])

    def write_chunk(self, chunk: list[tuple[int, SessionResult]]) -> int:
        """One short transaction for a chunk of sessions; returns events written."""
        impressions = []
        if self._cache is None:
            with self.db.read() as s:
                self._cache = CatalogCache(s)
        with self.db.write() as s:
            n = record_playback_bulk(s, [
                Batch(res.profile_id, res.events, res.events[-1].client_time,
                      int(self.pop.maturity_limit[i]))
                for i, res in chunk if res.events], self._cache)
            for _i, res in chunk:
                for tid, value, when in res.ratings:
                    activity.rate_title(s, res.profile_id, tid, value, when)
                for tid, when in res.list_adds:
                    activity.add_to_list(s, res.profile_id, tid, when)
                for query, found, when in res.searches:
                    activity.log_search(s, res.profile_id, query, found, when)
                for tid in res.hides:
                    history.hide_title(s, res.profile_id, tid)
                for when, row, pos in res.impressions:
                    impressions.append(core_impressions.row_values(
                        res.profile_id, row.key, self.catalog.title_ids[row.titles].tolist(),
                        row.variants, row.surface, when, pos, self.policy_name))
            core_impressions.insert_rows(s, impressions)
            write_pending = getattr(self.layout, "write_pending", None)
            if write_pending is not None:  # a layout's live-experiment exposures
                write_pending(s)
        return n
