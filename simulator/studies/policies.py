"""Policies decide what a simulated profile is shown (experiments).

A policy ranks candidate titles for a batch of profiles once a simulated day and may retrain at
the end of a day. Only `ideal` sees the ground truth (it is the oracle baseline); the others
see public data (plays so far, tags) like a real recommender. `POLICIES` is the one registry;
the `svd` policy is the recommender's (recommender/sim_policy.py), whose `model` option picks
the production rule (default) or one family.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from recommender import sim_policy
from simulator.viewers.world import Catalog


@dataclass
class RankContext:
    day: int
    catalog: Catalog  # policies other than `ideal` must use only its public fields
    rng: np.random.Generator  # the arm's own stream
    utility: Callable[[Sequence[int]], np.ndarray] | None = None  # oracle, `ideal` only


@dataclass
class DayLog:
    """What happened on one simulated day: (profile id, title id, fraction watched, thumbs)."""

    day: int
    plays: list[tuple[int, int, float, int | None]] = field(default_factory=list)
    database: object | None = None  # core.db.Database of the run, for policies that read it


class Policy(Protocol):
    name: str

    def rank(self, profile_ids: Sequence[int], candidate_ids: np.ndarray,
             context: RankContext) -> list[np.ndarray]:
        """For each profile, candidate title ids best first."""
        ...

    def on_day_end(self, log: DayLog) -> None:
        """See the day's plays; retrain if the cadence says so."""
        ...

    def user_vectors(self, profile_ids: Sequence[int]) -> np.ndarray | None:
        """The policy's own user representation (homogenization), or None."""
        ...


class Retraining:
    """Cadence: 'never', 'warmup' (once, after `warmup_days`), 'daily' or every N days."""

    def __init__(self, cadence: str | int = "daily", warmup_days: int = 3) -> None:
        self.cadence, self.warmup_days = cadence, warmup_days

    def due(self, day: int) -> bool:
        if self.cadence == "never":
            return False
        if self.cadence == "warmup":
            return day + 1 == self.warmup_days
        every = 1 if self.cadence == "daily" else int(self.cadence)
        return (day + 1) % every == 0


class PopularityPolicy:
    """Most-played titles (plays seen at the last retraining), prior popularity as a start."""

    name = "popularity"

    def __init__(self, catalog: Catalog, retrain: Retraining) -> None:
        self.index = catalog.index
        self.retrain = retrain
        self.pending = np.zeros(len(catalog))
        self.score = catalog.prior_popularity / max(catalog.prior_popularity.max(), 1e-9)

    def rank(self, profile_ids, candidate_ids, context):
        cols = np.array([self.index[int(t)] for t in candidate_ids])
        order = candidate_ids[np.lexsort((candidate_ids, -self.score[cols]))]
        return [order for _ in profile_ids]

    def on_day_end(self, log: DayLog) -> None:
        for _pid, tid, _frac, _thumb in log.plays:
            self.pending[self.index[tid]] += 1.0
        if self.retrain.due(log.day):
            self.score = self.score + self.pending
            self.pending[:] = 0.0

    def user_vectors(self, profile_ids):
        return None


class RandomPolicy:
    name = "random"

    def rank(self, profile_ids, candidate_ids, context):
        return [context.rng.permutation(candidate_ids) for _ in profile_ids]

    def on_day_end(self, log: DayLog) -> None:
        return None

    def user_vectors(self, profile_ids):
        return None


class ContentPolicy:
    """Tag similarity to what a profile watched and liked (public tags only)."""

    name = "content"

    def __init__(self, catalog: Catalog, retrain: Retraining) -> None:
        self.catalog, self.retrain = catalog, retrain
        self.tags = catalog.tags / np.maximum(np.linalg.norm(catalog.tags, axis=1,
                                                             keepdims=True), 1e-9)
        self.profiles: dict[int, np.ndarray] = {}
        self.pending: list[tuple[int, int, float, int | None]] = []
        self.pop = catalog.prior_popularity / max(catalog.prior_popularity.max(), 1e-9)

    def rank(self, profile_ids, candidate_ids, context):
        cols = np.array([self.catalog.index[int(t)] for t in candidate_ids])
        out = []
        for pid in profile_ids:
            vec = self.profiles.get(int(pid))
            score = 0.1 * self.pop[cols] if vec is None else self.tags[cols] @ vec \
                + 0.05 * self.pop[cols]
            out.append(candidate_ids[np.lexsort((candidate_ids, -score))])
        return out

    def on_day_end(self, log: DayLog) -> None:
        self.pending += log.plays
        if not self.retrain.due(log.day):
            return
        for pid, tid, frac, thumb in self.pending:
            weight = (frac - 0.4) + (0.0 if thumb is None else 0.5 * thumb)
            row = self.tags[self.catalog.index[tid]] * weight
            self.profiles[pid] = self.profiles.get(pid, 0.0) + row
        self.pending = []

    def user_vectors(self, profile_ids):
        width = self.tags.shape[1]
        return np.array([self.profiles.get(int(p), np.zeros(width)) for p in profile_ids])


class IdealPolicy:
    """The oracle baseline: ranks by true utility (never a real recommender)."""

    name = "ideal"

    def rank(self, profile_ids, candidate_ids, context):
        if context.utility is None:
            raise ValueError("The ideal policy needs the oracle utility.")
        out = []
        for pid in profile_ids:
            u = context.utility(int(pid))[[context.catalog.index[int(t)]
                                           for t in candidate_ids]]
            out.append(candidate_ids[np.lexsort((candidate_ids, -u))])
        return out

    def on_day_end(self, log: DayLog) -> None:
        return None

    def user_vectors(self, profile_ids):
        return None


@dataclass(frozen=True)
class PolicyKind:
    """One entry of the registry: how to make the policy for an arm, and (optionally) how to
    refuse arm options it cannot take, before a run starts."""

    factory: Callable[..., Policy]
    check: Callable[[dict], None] | None = None


# The one registry of policies: every experiment arm, the A/B calibration and the pages name
# policies from here. `svd` is the recommender's production rule (recommender/sim_policy.py).
POLICIES: dict[str, PolicyKind] = {
    "popularity": PolicyKind(lambda catalog, retrain, **_: PopularityPolicy(catalog, retrain)),
    "random": PolicyKind(lambda catalog, retrain, **_: RandomPolicy()),
    "content": PolicyKind(lambda catalog, retrain, **_: ContentPolicy(catalog, retrain)),
    "ideal": PolicyKind(lambda catalog, retrain, **_: IdealPolicy()),  # sees the hidden truth
    "svd": PolicyKind(sim_policy.make_svd_policy, sim_policy.check_options),
}


def check_policy_options(name: str, options: dict) -> None:
    """ValueError if the policy's own check refuses the arm's options (e.g. svd's model)."""
    kind = POLICIES.get(name)
    if kind is not None and kind.check is not None:
        kind.check(options)


def policy_names() -> list[str]:
    return sorted(POLICIES)


def make_policy(name: str, catalog: Catalog, retrain: Retraining, **options) -> Policy:
    if name not in POLICIES:
        raise ValueError(f"Unknown policy {name!r}; known: {', '.join(policy_names())}.")
    return POLICIES[name].factory(catalog=catalog, retrain=retrain, **options)
