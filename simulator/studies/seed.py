"""`streamsim seed`: catalog (if missing), a simulated population and D days of history.

The history ends at `now` and goes through the site's row builder and the core services, so
Trending, Top 10 and Continue Watching on the site come from real (simulated) plays.

`streamsim fast-forward` (`fast_forward`): N more days for the profiles already simulated, no
new profiles, through the same services. It continues the day after the last simulated day
(the newest day with a recorded taste, `truth_taste_days`), with each profile's taste as it
drifted, and what the site remembers of it (what it watched, finished, rated, listed, where it
left off) read back from the database; day numbers count on from the first simulated day, so
the random streams of the new days are new ones.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import func, select

from core.db import Database
from core.models import (
    FavouriteGenre,
    ListItem,
    Profile,
    ProfileTruth,
    Rating,
    Tag,
    TasteDay,
    Title,
    Viewing,
)
from simulator.catalog.features import FEATURE_INDEX, encode_features
from simulator.catalog.generate import generate_catalog
from simulator.rng import derive
from simulator.studies.layouts import SiteLayout
from simulator.viewers.engine import Simulation
from simulator.viewers.population import (
    N_COMMUNITIES,
    Population,
    community_centres,
    draw_tastes,
    draw_traits,
    generate_population,
    load_population,
)
from simulator.viewers.session import ProfileState
from simulator.viewers.world import Catalog, load_catalog


@dataclass
class SeedSummary:
    profiles: int
    days: int
    sessions: int = 0
    plays: int = 0
    events: int = 0
    ratings: int = 0
    list_adds: int = 0
    searches: int = 0
    impressions: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        return (f"{self.profiles} profiles x {self.days} days: {self.sessions} sessions, "
                f"{self.plays} plays, {self.events} playback events, {self.ratings} ratings, "
                f"{self.list_adds} My List adds, {self.searches} searches, "
                f"{self.impressions} impression rows in {self.seconds:.1f} s")


def attach_truth(database: Database, profile_ids: Sequence[int], seed: int) -> None:
    """Give existing (e.g. demo) profiles a hidden taste, leaning to their favourite genres."""
    with database.write() as s:
        have = set(s.scalars(select(ProfileTruth.profile_id).where(
            ProfileTruth.profile_id.in_(list(profile_ids)))))
        todo = [p for p in profile_ids if p not in have]
        if not todo:
            return
        rng = derive(seed, "population", "attached", str(min(todo)))
        centres = community_centres(seed)
        profiles = {p.id: p for p in s.scalars(select(Profile).where(Profile.id.in_(todo)))}
        community = np.array([N_COMMUNITIES - 1 if profiles[p].is_kids
                              else int(rng.integers(N_COMMUNITIES - 1)) for p in todo])
        taste = draw_tastes(rng, centres, community)
        traits = draw_traits(rng, len(todo))
        favs = s.execute(select(FavouriteGenre.profile_id, Tag.slug)
                         .join(Tag, Tag.id == FavouriteGenre.tag_id)
                         .where(FavouriteGenre.profile_id.in_(todo))).all()
        for j, p in enumerate(todo):
            for pid, slug in favs:
                if pid == p:
                    taste[j, FEATURE_INDEX[f"genre:{slug}"]] += 1.2
            traits["activity"][j] = max(traits["activity"][j], 0.8)
            s.add(ProfileTruth(profile_id=p, community=int(community[j]),
                               taste=encode_features(taste[j]),
                               traits={k: round(float(v[j]), 5) for k, v in traits.items()}))


def seed_history(database: Database, n_profiles: int, days: int, seed: int, now: datetime, *,
                 n_titles: int = 1200, extra_profile_ids: Sequence[int] = (),
                 model_from_day: int | None = 2, retrain_days: int = 2,
                 progress: Callable[[str, int, int], None] | None = None) -> SeedSummary:
    """Build catalog (if empty), `n_profiles` simulated profiles and `days` days of history
    ending at `now`. From simulated day `model_from_day` on (None: never) the site's
    recommender is trained every `retrain_days` days and its rows are shown, as on a site
    whose scheduler runs. `progress(stage, done, total)` reports work done."""
    began = time.perf_counter()
    start = now - timedelta(days=days)
    with database.session() as s:
        if not s.scalar(select(func.count()).select_from(Title)):
            generate_catalog(s, n_titles, seed, start, arrivals_until=now)
        catalog = load_catalog(s)
        pop = generate_population(s, n_profiles, seed, start, catalog)
    if extra_profile_ids:
        attach_truth(database, extra_profile_ids, seed)
        with database.read() as s:
            extra = load_population(s, extra_profile_ids)
        pop = _concat(pop, extra)
    sim = Simulation(database, catalog, pop, seed, SiteLayout(model_from_day=model_from_day,
                                                      retrain_days=retrain_days), start=start,
                     policy_name="site")
    summary = SeedSummary(len(pop), days)
    for day in range(days):
        _tally(summary, sim.run_day(day))
        if progress:
            progress("days", day + 1, days)
    summary.seconds = time.perf_counter() - began
    return summary


def _tally(summary: SeedSummary, result) -> None:
    summary.sessions += len(result.sessions)
    summary.events += result.events
    for r in result.sessions:
        summary.plays += len(r.plays)
        summary.ratings += len(r.ratings)
        summary.list_adds += len(r.list_adds)
        summary.searches += len(r.searches)
        summary.impressions += len(r.impressions)


class NothingToContinue(ValueError):
    """There is no simulated history to fast-forward."""


def simulated_days(database: Database) -> tuple[date, date] | None:
    """The first and last simulated day (days with a recorded taste), or None."""
    with database.read() as s:
        first, last = s.execute(select(func.min(TasteDay.day), func.max(TasteDay.day))).one()
    return None if first is None else (first, last)


def fast_forward(database: Database, days: int, seed: int, *,
                 model: bool = True, retrain_days: int = 2,
                 progress: Callable[[str, int, int], None] | None = None) -> SeedSummary:
    """`days` more simulated days for every profile with a hidden truth, no new profiles:
    from the day after the last simulated day, the site's recommender retrained every
    `retrain_days` days from the first of them (unless not `model`). `seed` should be the
    seed the population was made with (each profile's hidden noise is drawn from it)."""
    began = time.perf_counter()
    span = simulated_days(database)
    if span is None:
        raise NothingToContinue("no simulated days to continue: run `streamsim seed` first.")
    first, last = span
    offset = (last - first).days + 1  # the first new day's number
    start = datetime.combine(first, datetime.min.time())
    with database.read() as s:
        catalog = load_catalog(s)
        pop = load_population(s)
        if not len(pop):
            raise NothingToContinue("no simulated profiles to continue.")
        states = restore_states(s, catalog, pop.profile_ids.tolist())
    sim = Simulation(database, catalog, pop, seed,
                     SiteLayout(model_from_day=offset if model else None,
                                retrain_days=retrain_days), start=start, policy_name="site")
    sim.states = states
    summary = SeedSummary(len(pop), days)
    for n, day in enumerate(range(offset, offset + days)):
        _tally(summary, sim.run_day(day))
        if progress:
            progress("days", n + 1, days)
    summary.seconds = time.perf_counter() - began
    return summary


def restore_states(session, catalog: Catalog, profile_ids: list[int]) -> list[ProfileState]:
    """What the simulator remembers of each profile between sessions, read back from what
    the site stored: titles started and finished, where a film or series was left off (not
    hidden), the next episode of a series, thumbs given, My List."""
    at = {pid: j for j, pid in enumerate(profile_ids)}
    states = [ProfileState() for _ in profile_ids]
    episode_no = {ep.id: (idx, n) for idx, eps in catalog.episodes.items()
                  for n, ep in enumerate(eps)}
    rows = session.execute(
        select(Viewing.profile_id, Viewing.title_id, Viewing.episode_id, Viewing.position_s,
               Viewing.completed, Viewing.hidden)
        .where(Viewing.profile_id.in_(profile_ids))
        .order_by(Viewing.profile_id, Viewing.last_watched_at, Viewing.id))
    for pid, tid, ep_id, position, completed, hidden in rows:
        idx = catalog.index.get(tid)
        if idx is None:
            continue
        state = states[at[pid]]
        state.watched.add(idx)
        eps = catalog.episodes.get(idx) if catalog.is_series[idx] else None
        if not eps:
            if completed:
                state.finished.add(idx)
            elif position > 0 and not hidden:
                state.progress[idx] = (0, int(position))
            continue
        n = episode_no.get(ep_id, (idx, 0))[1]
        if completed:
            state.next_episode[idx] = max(state.next_episode.get(idx, 0), n + 1)
            if state.progress.get(idx, (-1, 0))[0] <= n:
                state.progress.pop(idx, None)
            if n + 1 >= len(eps):
                state.finished.add(idx)
        elif position > 0 and not hidden and n >= state.next_episode.get(idx, 0):
            state.progress[idx] = (n, int(position))
    for table in (Rating, ListItem):
        for pid, tid in session.execute(select(table.profile_id, table.title_id)
                                        .where(table.profile_id.in_(profile_ids))):
            idx = catalog.index.get(tid)
            if idx is not None:
                (states[at[pid]].rated if table is Rating
                 else states[at[pid]].listed).add(idx)
    return states


def _concat(a: Population, b: Population) -> Population:
    return Population(
        np.concatenate([a.profile_ids, b.profile_ids]), np.concatenate([a.community, b.community]),
        np.concatenate([a.taste, b.taste]),
        {k: np.concatenate([a.traits[k], b.traits[k]]) for k in a.traits},
        np.concatenate([a.maturity_limit, b.maturity_limit]),
        np.concatenate([a.is_kids, b.is_kids]),
        None if a.country is None or b.country is None
        else np.concatenate([a.country, b.country]))
