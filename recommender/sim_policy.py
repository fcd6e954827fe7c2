"""The simulator's `svd` policy: the production Top picks model, retrained on the cadence the
experiment sets (as the scheduler would), fed only what the site sees (plays and thumbs).

The recommender never imports the simulator (the arrows point one way): the simulator imports
this module, and the module registers its factory with `simulator.policies` only if that module
is already loaded. Only public catalog fields are used (title ids, public popularity).
"""

from __future__ import annotations

import sys
import time

import numpy as np

from recommender.data import Interactions, SignalMapping
from recommender.model import FactorModel
from recommender.train import TrainParams, fit_top_picks

COMPLETE = 0.9  # a play that reached this fraction counts as finished


class SvdPolicy:
    name = "svd"

    def __init__(self, catalog, retrain, params: TrainParams | None = None) -> None:
        self.retrain = retrain
        self.item_ids = np.asarray(catalog.title_ids, np.int64)
        pop = np.asarray(catalog.prior_popularity, np.float64)
        self.cold = pop / max(pop.max(), 1e-9) if pop.size else pop
        self.params = params or TrainParams(epochs=25)
        self.mapping = SignalMapping(half_life_days=0)  # simulated days: no decay
        self.signals: dict[tuple[int, int], tuple[float, float, bool]] = {}
        self.model: FactorModel | None = None
        self.trainings = 0
        self.train_seconds: float | None = None  # wall clock of the last retrain

    def observe(self, plays) -> None:
        for pid, tid, frac, thumb in plays:
            pref, weight = self.mapping.viewing(float(frac), frac >= COMPLETE, 1)
            explicit = thumb is not None
            if explicit:
                pref, extra = self.mapping.thumbs[int(thumb)]
                weight += extra
            old = self.signals.get((int(pid), int(tid)))
            if old is not None:
                weight += old[1]
                if old[2] and not explicit:
                    pref, explicit = old[0], True
                elif not explicit:
                    pref = max(pref, old[0])
            self.signals[(int(pid), int(tid))] = (pref, weight, explicit)

    def interactions(self) -> Interactions:
        if not self.signals:
            return Interactions.empty()
        keys = sorted(self.signals)
        vals = [self.signals[k] for k in keys]
        return Interactions(np.array([k[0] for k in keys], np.int64),
                            np.array([k[1] for k in keys], np.int64),
                            np.array([v[0] for v in vals]), np.array([v[1] for v in vals]),
                            np.array([v[2] for v in vals], bool))

    def train(self) -> None:
        inter = self.interactions()
        if len(inter):
            start = time.perf_counter()
            self.model = fit_top_picks(inter, self.item_ids, self.params)
            self.train_seconds = time.perf_counter() - start
            self.trainings += 1

    def on_day_end(self, log) -> None:
        self.observe(log.plays)
        if self.retrain.due(log.day):
            self.train()

    def rank(self, profile_ids, candidate_ids, context):
        candidate_ids = np.asarray(candidate_ids, np.int64)
        out = []
        pos = self.model.item_positions(candidate_ids) if self.model is not None else None
        cold_pos = np.searchsorted(self.item_ids, candidate_ids)
        cold = self.cold[np.clip(cold_pos, 0, max(self.item_ids.size - 1, 0))]
        for pid in profile_ids:
            vec = self.model.user_vector(int(pid)) if self.model is not None else None
            if vec is None:  # cold start: popularity, as on the site
                score = cold
            else:
                full = self.model.scores(*vec)
                score = np.where(pos >= 0, full[np.maximum(pos, 0)], -np.inf)
            out.append(candidate_ids[np.lexsort((candidate_ids, -score))])
        return out

    def user_vectors(self, profile_ids):
        if self.model is None:
            return None
        k = self.model.n_factors
        rows = [self.model.user_vector(int(p)) for p in profile_ids]
        return np.array([r[1] if r is not None else np.zeros(k) for r in rows])


def make_svd_policy(catalog, retrain, **options) -> SvdPolicy:
    known = {k: v for k, v in options.items() if k in TrainParams.__dataclass_fields__}
    return SvdPolicy(catalog, retrain, TrainParams(**{"epochs": 25, **known}))


_policies = sys.modules.get("simulator.policies")
if _policies is not None:  # imported by the simulator's plugin loader
    _policies.register_policy("svd", make_svd_policy)
