"""What a simulated profile is shown: the site's own rows, or a policy's rows (experiments).

`SiteLayout` (seeding, demo) plans and fills rows with the site's row registry
(`recommender.row_kinds`, what `recommender.rows.HomeRows` uses), so a simulated profile gets
the rows a browser would, in the same order: Continue Watching, Trending, Top 10, Because you
picked..., My List, a kids profile's own rows, New, genre rows, and with a model Top picks,
Because you watched... and genre rows ranked for the profile. What the rows read comes from
memory (`SimulatedSite`): the profile's state from the simulation, and the rankings that are the
same for everyone at a maturity limit read through the site's own source (`SiteRows`) once per
simulated day (Trending, Top 10, New: they change with plays) or once per run (popular titles
of a genre, titles like a pick: the catalogue's), since reading the database for every visit
would cost seconds per day of a thousand profiles. A test checks the two give the same rows.

Where the simulated site differs on purpose: it shows only the first `genre_rows` genre rows
(`N_GENRE_ROWS`; the site plans every genre, loaded as the browser scrolls), a title only from
its release date on, and the model's scores as of its last training
(simulator/studies/site_model.py).

With `model_from_day` set (seeding does), the layout also runs the site's recommender the way the
scheduler would: from that simulated day on, a production family is trained from the database
(`recommender.data.load_interactions`, what `streamsim train` reads; one fixed family with
default params, see simulator/studies/site_model.py) every `retrain_days` days, and profiles the
model knows get the registry's personal rows from it.

`PolicyLayout` (experiments) is a lightweight layout: a continue row, then `rows` rows of
`row_len` titles taken from the policy's ranking, with optional epsilon-exploration slots and
an artwork strategy ('default' = variant 0, 'random', 'matched' = the variant whose focus tag
the profile likes most: it raises clicks, not enjoyment; 'bandit' = the recommender's
Thompson sampler learning from the arm's event log, 'oracle' = the hidden truth's best
variant for the viewer; simulator/studies/artwork.py). Events are real either way.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from types import SimpleNamespace

import numpy as np
from sqlalchemy import select

from core import experiments as live
from core.db import Database
from core.models import FavouriteGenre, Profile, Tag, TastePick
from recommender import live_experiments, row_kinds
from recommender.row_kinds import ROW_LENGTH, GenreTag, PageOptions, Top10
from recommender.rows import SiteRows
from simulator.studies import artwork
from simulator.studies.policies import Policy, RankContext
from simulator.studies.site_model import SEED_FAMILY, ModelView, SiteModel
from simulator.viewers import behaviour as bh
from simulator.viewers.session import ProfileState, ShownRow

N_GENRE_ROWS = 5  # the simulated site shows the first five genre rows (the site: every genre)


def continue_row(sim, i: int) -> list[ShownRow]:
    ids = [t for t in reversed(list(sim.states[i].progress)) if sim.available[t]][:10]
    if not ids:
        return []
    return [ShownRow("continue", np.array(ids), np.zeros(len(ids), dtype=int))]


class PolicyLayout:
    def __init__(self, policy: Policy, rng: np.random.Generator, *, rows: int = 4,
                 row_len: int = 10, epsilon: float = 0.0, artwork: str = "default",
                 explore_days: int = 0, explore_rng: np.random.Generator | None = None,
                 launch_layout: tuple[int, int] | None = None) -> None:
        self.policy, self.rng = policy, rng
        # Launch phase: the first `explore_days` show random rows from a stream shared by every
        # arm, in the run's layout (`launch_layout`: rows, row length), with the first artwork
        # variant and no exploration slots, so those days are identical across arms whatever
        # each arm's epsilon, artwork or layout; the policy still sees the plays.
        self.explore_days = explore_days
        self.explore_rng = explore_rng if explore_rng is not None else rng
        self.n_rows, self.row_len, self.epsilon, self.artwork = rows, row_len, epsilon, artwork
        self.launch_layout = launch_layout or (rows, row_len)
        self.ranked: dict[int, np.ndarray] = {}
        self.bandit: artwork.BanditArt | None = None  # made at the first prepare

    def day_end(self, sim, day: int) -> None:
        """After the day's events are written: the bandit learns from them."""
        if self.bandit is not None:
            vectors = self.policy.user_vectors(sim.pop.profile_ids.tolist())
            self.bandit.day_end(sim, day, None if vectors is None
                                else np.asarray(vectors, dtype=np.float64))

    def prepare(self, sim, day: int, visitors: np.ndarray) -> None:
        cat = sim.catalog
        if self.artwork == "bandit" and self.bandit is None:
            self.bandit = artwork.BanditArt(cat, self.rng)
        index_of = {int(p): i for i, p in enumerate(sim.pop.profile_ids)}
        ctx = RankContext(day, cat, self.rng, utility=lambda pid: sim.utility(index_of[pid]))
        pids = sim.pop.profile_ids[visitors].tolist()
        candidates = cat.title_ids[sim.available]
        if day < self.explore_days:
            ranked = [self.explore_rng.permutation(candidates) for _ in pids]
        else:
            ranked = self.policy.rank(pids, candidates, ctx)
        self.ranked = {int(i): np.array([cat.index[int(t)] for t in r])
                       for i, r in zip(visitors.tolist(), ranked, strict=True)}

    def rows(self, sim, i: int, day: int) -> list[ShownRow]:
        cat, state = sim.catalog, sim.states[i]
        out = continue_row(sim, i)
        skip = set(state.finished) | set(state.progress)
        idx = self.ranked[i]
        idx = idx[cat.maturity[idx] <= sim.pop.maturity_limit[i]]
        idx = np.array([t for t in idx.tolist() if t not in skip], dtype=np.int64)
        launch = day < self.explore_days
        n_rows, row_len = self.launch_layout if launch else (self.n_rows, self.row_len)
        n = n_rows * row_len
        shown = idx[:n].copy()
        if self.epsilon > 0 and len(idx) > n and not launch:
            slots = np.flatnonzero(self.rng.random(len(shown)) < self.epsilon)
            pool = idx[n:]
            shown[slots] = self.rng.choice(pool, size=len(slots), replace=False) \
                if len(slots) <= len(pool) else shown[slots]
        for r in range(n_rows):
            part = shown[r * row_len:(r + 1) * row_len]
            if len(part):
                variants = (np.zeros(len(part), dtype=int) if launch
                            else self.variants(sim, i, part))
                out.append(ShownRow(f"{self.policy.name}-{r + 1}", part, variants))
        return out

    def variants(self, sim, i: int, titles: np.ndarray) -> np.ndarray:
        focus = [sim.catalog.art_focus[int(t)] for t in titles]
        if self.artwork == "random":
            return np.array([self.rng.integers(max(1, len(f))) for f in focus])
        if self.artwork == "matched":
            taste = sim.pop.taste[i]
            return np.array([int(np.argmax([bh.art_bonus(taste, x) for x in f])) if f else 0
                             for f in focus])
        if self.artwork == "bandit":
            return self.bandit.choose(sim, i, titles)
        if self.artwork == "oracle":  # the hidden truth's best variant for this viewer
            return artwork.oracle_variants(sim, i, titles)
        return np.zeros(len(titles), dtype=int)


class SiteLayout:
    """The site's home rows for simulated profiles: the row registry (`recommender.row_kinds`)
    over `SimulatedSite`; see the module docstring."""

    def __init__(self, *, model_from_day: int | None = None, retrain_days: int = 1,
                 family: str = SEED_FAMILY, genre_rows: int | None = N_GENRE_ROWS) -> None:
        self.options = PageOptions(genre_rows=genre_rows)
        self.model: SiteModel | None = None  # made at the first prepare (needs the catalog)
        self._model_args = (model_from_day, retrain_days, family)
        self.db: Database | None = None
        self.now: datetime | None = None
        self.today: dict[int, dict] = {}  # maturity limit -> rankings that change with plays
        self.static: dict[tuple, object] = {}  # (method, limit, *args) -> the catalogue's
        self.picks: dict[int, list[int]] = {}  # profile id -> title ids, oldest first
        self.favs: dict[int, set[int]] = {}  # profile id -> favourite genre tag ids
        self.tag_ids: list[int] = []  # the tag of each of the catalog's tag columns
        self.tag_counts: dict[tuple, dict[int, int]] = {}  # picks -> tags they carry
        self.memory: dict[int, Recency] = {}  # profile index -> what the layout saw change
        self.visits = 0
        # Live experiments (core.experiments), read each simulated day: simulated viewers are
        # assigned and exposed by the site's own rules; exposures wait for the engine's next
        # write (`write_pending`).
        self.experiments: tuple[live.Running, ...] = ()
        self.created: dict[int, datetime] = {}  # profile id -> made at (for "new profiles")
        self.pending: list[dict] = []

    def prepare(self, sim, day: int, visitors: np.ndarray) -> None:
        now = sim.start + timedelta(days=day)
        # Titles arrive on their release date (the catalogue may hold some dated in the run).
        sim.available[:] = sim.catalog.release_ordinal <= now.date().toordinal()
        from_day, retrain_days, family = self._model_args
        if from_day is not None:
            if self.model is None:
                self.model = SiteModel(sim.catalog, from_day=from_day,
                                       retrain_days=retrain_days, family=family)
            self.model.maybe_train(sim.db, day, now)
        self.db, self.now = sim.db, now
        with sim.db.read() as s:
            # An experiment applies from the simulated day it started on (simulated days may
            # run before it); its exposures are dated at its start at the earliest.
            self.experiments = tuple(e for e in live.running(s)
                                     if e.started_at < now + timedelta(days=1))
            if any(e.population == "new" for e in self.experiments) and not self.created:
                self.created = dict(s.execute(select(Profile.id, Profile.created_at)).all())
            if not self.tag_ids:  # what the profiles told onboarding does not change
                self.tag_ids = list(s.scalars(select(Tag.id).order_by(Tag.id)))
                for pid, tid in s.execute(select(TastePick.profile_id, TastePick.title_id)
                                          .order_by(TastePick.profile_id, TastePick.created_at,
                                                    TastePick.title_id)):
                    self.picks.setdefault(pid, []).append(tid)
                for pid, tag_id in s.execute(select(FavouriteGenre.profile_id,
                                                    FavouriteGenre.tag_id)):
                    self.favs.setdefault(pid, set()).add(tag_id)
            self.today = {}
            top10 = [k.kind for k in row_kinds.KINDS if isinstance(k, Top10)]
            for limit in sorted({int(sim.pop.maturity_limit[i]) for i in visitors.tolist()}):
                db = SiteRows(s, _stand_in(limit), now)  # read as the site reads them
                self.today[limit] = {"trending": db.trending(), "new": db.newest(),
                                     **{kind: db.top10(kind) for kind in top10}}

    def catalogue(self, limit: int, method: str, *args):
        """A ranking of the catalogue alone (by public popularity or tags), read through the
        site's own source the first time it is asked for, then kept for the run."""
        key = (method, limit, *args)
        if key not in self.static:
            with self.db.read() as s:
                self.static[key] = getattr(SiteRows(s, _stand_in(limit), self.now),
                                           method)(*args)
        return self.static[key]

    def rows(self, sim, i: int, day: int) -> list[ShownRow]:
        site = SimulatedSite(self, sim, i)
        options, source = self.options, site
        if self.experiments:
            assigned = live.assign(self.experiments, site.pid, self.created.get(site.pid))
            if assigned:
                decision = live_experiments.decide(site, assigned, options)
                options = decision.settings.options(options)
                source = decision.settings.source(site)
                for a in decision.exposed:
                    self.pending += live.exposure_values(
                        [a], site.pid, max(self.now, a.experiment.started_at))
        out = []
        index, available = sim.catalog.index, sim.available.tolist()
        for spec, ids, _ in row_kinds.fill_page(source, row_kinds.plan(source, options)):
            idx = [index[t] for t in ids]
            idx = [i for i in idx if available[i]]  # released by today
            if idx:
                out.append(ShownRow(spec.key, np.array(idx, dtype=np.int64),
                                    np.zeros(len(idx), dtype=int)))
        return out


    def write_pending(self, session) -> None:
        """Store the exposures of the visits since the last write (the engine's transaction)."""
        pending, self.pending = self.pending, []
        live.record_exposures(session, pending)


def _stand_in(limit: int) -> SimpleNamespace:
    """A profile for reading what is the same for everyone at a maturity limit."""
    return SimpleNamespace(id=-1, maturity_limit=limit)


class Recency:
    """When the layout saw each change in one profile's state. The site orders My List,
    Continue Watching and Because you watched by time; the simulator's state keeps sets, so
    the layout stamps what changed each time it shows the profile its rows (titles changed
    within one visit: in catalogue order). Catalog indexes."""

    def __init__(self) -> None:
        self.listed: dict[int, int] = {}  # title -> when added to My List
        self.played: dict[int, int] = {}  # title -> when last played
        self.completed: dict[int, int] = {}  # title -> when a film or an episode last finished
        self.hidden: set[int] = set()  # left unfinished and hidden from history
        self._last: dict[int, tuple] = {}  # title -> (progress, next episode, finished)

    def update(self, state: ProfileState, stamp: int) -> None:
        for t in state.listed:
            self.listed.setdefault(t, stamp)
        if len(self.listed) != len(state.listed):
            self.listed = {t: at for t, at in self.listed.items() if t in state.listed}
        for t in state.watched:
            now = (state.progress.get(t), state.next_episode.get(t), t in state.finished)
            before = self._last.get(t, (None, None, False))
            if now == self._last.get(t):
                continue
            self._last[t] = now
            self.played[t] = stamp
            finished = now[1] != before[1] or (now[2] and not before[2])
            if finished:
                self.completed[t] = stamp
            if now[0] is None and not finished:  # stopped early, no resume point: hidden
                self.hidden.add(t)
            else:
                self.hidden.discard(t)

    @staticmethod
    def newest(stamps: dict[int, int], titles: Iterable[int]) -> list[int]:
        return sorted(titles, key=lambda t: (-stamps[t], t))


class SimulatedSite:
    """The row registry's `RowSource` for one simulated visit: the profile from the
    simulation's memory, the catalogue's rankings from the database once a day (those that
    change with plays) or once a run (`SiteLayout`), the model from `SiteModel`."""

    def __init__(self, layout: SiteLayout, sim, i: int) -> None:
        self.layout, self.catalog, self.state = layout, sim.catalog, sim.states[i]
        self.pid = int(sim.pop.profile_ids[i])
        self.limit = int(sim.pop.maturity_limit[i])
        self.is_kids = bool(sim.pop.is_kids[i])
        self.name = ""  # headings are not shown to simulated viewers
        self.memory = layout.memory.setdefault(i, Recency())
        layout.visits += 1
        self.memory.update(self.state, layout.visits)
        self._continue: list[int] | None = None
        self.personal: ModelView | None = None
        model = layout.model
        if model is not None and model.scores(self.pid) is not None:  # known at the training
            allowed = sim.available & (self.catalog.maturity <= self.limit)
            skip = [*self.state.watched, *(self.catalog.index[t] for t in self.picks())]
            allowed[np.array(skip, dtype=np.int64)] = False
            self.personal = model.view(self.pid, allowed)

    # -- the profile ------------------------------------------------------------------------

    def picks(self) -> list[int]:
        return self.layout.picks.get(self.pid, [])

    def list_ids(self) -> list[int]:
        listed = self.memory.listed
        return self._ids(Recency.newest(listed, listed))

    def favourite_genres(self) -> set[int]:
        return self.layout.favs.get(self.pid, set())

    def names(self, ids: list[int]) -> list[tuple[int, str]]:
        index, cat = self.catalog.index, self.catalog
        return [(t, cat.names[index[t]]) for t in ids
                if t in index and cat.maturity[index[t]] <= self.limit]

    def continue_ids(self) -> list[int]:
        """Titles in progress, and series with an episode to go, most recently played first."""
        if self._continue is None:
            state, mem = self.state, self.memory
            todo = [t for t in mem.played if t not in mem.hidden and (
                t in state.progress or (t in state.next_episode and t not in state.finished))]
            self._continue = self._ids(Recency.newest(mem.played, todo)[:ROW_LENGTH])
        return self._continue

    def has_continue(self) -> bool:
        return bool(self.continue_ids())

    def recent_completed(self, n: int) -> list[tuple[int, str]]:
        mem = self.memory
        done = Recency.newest(mem.completed, (t for t in mem.completed if t not in mem.hidden))
        return self.names(self._ids(done[:n]))

    def _ids(self, indexes: list[int]) -> list[int]:
        return [int(self.catalog.title_ids[t]) for t in indexes]

    # -- the catalogue at the limit ---------------------------------------------------------

    def genres(self) -> list[GenreTag]:
        return self.layout.catalogue(self.limit, "genres")

    def genre_weight(self) -> dict[int, float]:
        return self.layout.catalogue(self.limit, "genre_weight")

    def tag_counts(self, ids: list[int]) -> dict[int, int]:
        key = tuple(ids)
        if key not in self.layout.tag_counts:
            counts = self.catalog.tags[[self.catalog.index[t] for t in ids]].sum(axis=0)
            self.layout.tag_counts[key] = {self.layout.tag_ids[j]: int(counts[j])
                                           for j in np.flatnonzero(counts)}
        return self.layout.tag_counts[key]

    def popular(self, tag_id: int, kind: str | None) -> list[int]:
        return self.layout.catalogue(self.limit, "popular", tag_id, kind)

    def similar(self, title_id: int) -> list[int]:
        return self.layout.catalogue(self.limit, "similar", title_id)

    def newest(self) -> list[int]:
        return self.layout.today[self.limit]["new"]

    def trending(self) -> tuple[list[int], list[int]]:
        return self.layout.today[self.limit]["trending"]

    def top10(self, kind: str) -> tuple[list[int], list[int]]:
        return self.layout.today[self.limit][kind]
