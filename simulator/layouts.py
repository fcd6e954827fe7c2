"""What a simulated profile is shown: the site's own rows, or a policy's rows (experiments).

`SiteLayout` (seeding, demo) fills rows with `recommender.rows.HomeRows.build`, the site's row
builder, and follows `HomeRows.plan`'s order (Trending, Top 10 films, Because you picked...,
My List, New, Top 10 series, genres). The global rows are built once per simulated day and
maturity limit and the "Because you picked" rows once per pick, since building every row for
every visit would cost seconds per day of a thousand profiles; the first screen is deduplicated
like `HomeRows.home`. A "continue watching" row comes first when the profile has something
in progress.

With `model_from_day` set (seeding does), the layout also runs the site's recommender the way the
scheduler would: from that simulated day on, a production family is trained from the database
(`recommender.data.load_interactions`, what `streamsim train` reads; one fixed family with
default params, see simulator/site_model.py) every `retrain_days` days, and profiles the model
knows get the rows `recommender.personal.PersonalRows` adds: "Top picks for you" first, genre
rows filled with the profile's best titles of the genre and ordered by the profile's affinity
for each genre.

`PolicyLayout` (experiments) is a lightweight layout: a continue row, then `rows` rows of
`row_len` titles taken from the policy's ranking, with optional epsilon-exploration slots and
an artwork strategy ('default' = variant 0, 'random', or 'matched' = the variant whose focus tag
the profile likes most: clickbait that raises clicks, not enjoyment). Events are real either way.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from sqlalchemy import select

from core.models import FavouriteGenre, Tag, TastePick
from recommender.rows import FIRST_SCREEN, HomeRows, RowSpec
from simulator import behaviour as bh
from simulator.policies import Policy, RankContext
from simulator.session import ShownRow
from simulator.site_model import SEED_FAMILY, SiteModel

N_GENRE_ROWS = 5


def continue_row(sim, i: int) -> list[ShownRow]:
    ids = [t for t in reversed(list(sim.states[i].progress)) if sim.available[t]][:10]
    if not ids:
        return []
    return [ShownRow("continue", np.array(ids), np.zeros(len(ids), dtype=int))]


class PolicyLayout:
    def __init__(self, policy: Policy, rng: np.random.Generator, *, rows: int = 4,
                 row_len: int = 10, epsilon: float = 0.0, artwork: str = "default",
                 explore_days: int = 0, explore_rng: np.random.Generator | None = None) -> None:
        self.policy, self.rng = policy, rng
        # Launch phase: the first `explore_days` show random rows (from a stream shared by
        # every arm, so those days are identical across arms); the policy still sees the plays.
        self.explore_days = explore_days
        self.explore_rng = explore_rng if explore_rng is not None else rng
        self.n_rows, self.row_len, self.epsilon, self.artwork = rows, row_len, epsilon, artwork
        self.ranked: dict[int, np.ndarray] = {}

    def prepare(self, sim, day: int, visitors: np.ndarray) -> None:
        cat = sim.catalog
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
        n = self.n_rows * self.row_len
        shown = idx[:n].copy()
        if self.epsilon > 0 and len(idx) > n:
            slots = np.flatnonzero(self.rng.random(len(shown)) < self.epsilon)
            pool = idx[n:]
            shown[slots] = self.rng.choice(pool, size=len(slots), replace=False) \
                if len(slots) <= len(pool) else shown[slots]
        for r in range(self.n_rows):
            part = shown[r * self.row_len:(r + 1) * self.row_len]
            if len(part):
                out.append(ShownRow(f"{self.policy.name}-{r + 1}", part,
                                    self.variants(sim, i, part)))
        return out

    def variants(self, sim, i: int, titles: np.ndarray) -> np.ndarray:
        focus = [sim.catalog.art_focus[int(t)] for t in titles]
        if self.artwork == "random":
            return np.array([self.rng.integers(max(1, len(f))) for f in focus])
        if self.artwork == "matched":
            taste = sim.pop.taste[i]
            return np.array([int(np.argmax([bh.art_bonus(taste, x) for x in f])) if f else 0
                             for f in focus])
        return np.zeros(len(titles), dtype=int)


class SiteLayout:
    """The site's home rows (HomeRows) for simulated profiles; see the module docstring."""

    def __init__(self, *, model_from_day: int | None = None, retrain_days: int = 1,
                 family: str = SEED_FAMILY) -> None:
        self.model: SiteModel | None = None  # made at the first prepare (needs the catalog)
        self._model_args = (model_from_day, retrain_days, family)
        self.cache: dict[tuple[str, int], np.ndarray] = {}  # daily rows and static rows
        self.static: set[int] = set()  # maturity limits whose static rows are built
        self.because: dict[tuple[int, int], np.ndarray] = {}
        self.picks: dict[int, list[int]] = {}
        self.favs: dict[int, list[str]] = {}
        self.genre_order: dict[int, list[str]] = {}

    def prepare(self, sim, day: int, visitors: np.ndarray) -> None:
        from datetime import timedelta

        now = sim.start + timedelta(days=day)
        # Titles arrive on their release date (the catalogue may hold some dated in the run).
        sim.available[:] = sim.catalog.release_ordinal <= now.date().toordinal()
        from_day, retrain_days, family = self._model_args
        if from_day is not None:
            if self.model is None:
                self.model = SiteModel(sim.catalog, from_day=from_day,
                                       retrain_days=retrain_days, family=family)
            self.model.maybe_train(sim.db, day, now)
        with sim.db.read() as s:
            if not self.picks:
                for pid, tid in s.execute(select(TastePick.profile_id, TastePick.title_id)
                                          .order_by(TastePick.profile_id, TastePick.title_id)):
                    self.picks.setdefault(pid, []).append(sim.catalog.index[tid])
                for pid, slug in s.execute(select(FavouriteGenre.profile_id, Tag.slug)
                                           .join(Tag, Tag.id == FavouriteGenre.tag_id)):
                    self.favs.setdefault(pid, []).append(slug)
            for limit in sorted({int(sim.pop.maturity_limit[i]) for i in visitors.tolist()}):
                rows = HomeRows(s, SimpleNamespace(id=-1, maturity_limit=limit), now)
                # Change with plays, or as titles arrive:
                keys = ["trending", "top10-film", "top10-series", "new"]
                if limit not in self.static:  # by public popularity
                    self.static.add(limit)
                    self.genre_order[limit] = [t.slug for t in rows.ordered_genres()]
                    keys += [f"genre-{g}" for g in self.genre_order[limit]]
                for key in keys:
                    built = rows.build(RowSpec(key, key))
                    self.cache[(key, limit)] = np.array(
                        [sim.catalog.index[t.id] for t in built.titles], dtype=np.int64)
                for i in visitors.tolist():
                    if int(sim.pop.maturity_limit[i]) != limit:
                        continue
                    for p in self.picks.get(int(sim.pop.profile_ids[i]), [])[:3]:
                        if (p, limit) not in self.because:
                            tid = int(sim.catalog.title_ids[p])
                            built = rows.build(RowSpec(f"because-{tid}", ""))
                            self.because[(p, limit)] = np.array(
                                [sim.catalog.index[t.id] for t in built.titles], dtype=np.int64)

    def rows(self, sim, i: int, day: int) -> list[ShownRow]:
        pid, limit = int(sim.pop.profile_ids[i]), int(sim.pop.maturity_limit[i])
        picks = self.picks.get(pid, [])[:3]
        specs: list[tuple[str, np.ndarray]] = [("trending", self.cache[("trending", limit)]),
                                               ("top10-film", self.cache[("top10-film", limit)])]
        because = [(f"because-{int(sim.catalog.title_ids[p])}",
                    np.array([t for t in self.because.get((p, limit), []) if t not in picks],
                             dtype=np.int64)) for p in picks]
        specs += because[:1]
        listed = sorted(sim.states[i].listed)
        if listed:
            specs.insert(FIRST_SCREEN, ("my-list", np.array(listed, dtype=np.int64)))
        specs += [("new", self.cache[("new", limit)]),
                  ("top10-series", self.cache[("top10-series", limit)])]
        specs += because[1:]
        favs = self.favs.get(pid, [])
        order = sorted(self.genre_order.get(limit, []), key=lambda g: g not in favs)
        personal = self._personal(sim, i, pid, limit)
        if personal is None:
            specs += [(f"genre-{g}", self.cache[(f"genre-{g}", limit)])
                      for g in order[:N_GENRE_ROWS] if (f"genre-{g}", limit) in self.cache]
        else:  # as PersonalRows.arrange: Top picks first, genre rows ranked and ordered
            top, genres = personal
            specs.insert(0, ("top-picks", top))
            specs += [(f"genre-{g}", ids) for g, ids in genres[:N_GENRE_ROWS]]
        # First screen deduplicated like HomeRows.home: Top 10 keeps its ranks.
        seen = {t for key, ids in specs[:FIRST_SCREEN] if key.startswith("top10") for t in ids}
        out = continue_row(sim, i)
        for n, (key, ids) in enumerate(specs):
            if n < FIRST_SCREEN and not key.startswith("top10"):
                ids = np.array([t for t in ids if t not in seen], dtype=np.int64)[:20]
                seen.update(ids.tolist())
            ids = ids[sim.available[ids]] if len(ids) else ids
            if len(ids):
                out.append(ShownRow(key, ids, np.zeros(len(ids), dtype=int)))
        return out

    def _personal(self, sim, i: int, pid: int, limit: int):
        if self.model is None or self.model.model is None:
            return None
        allowed = sim.available & (sim.catalog.maturity <= limit)
        started = sim.states[i].watched
        if started:
            allowed[np.fromiter(started, np.int64)] = False
        return self.model.personal_rows(pid, allowed)
