"""The simulator's `svd` policy: the production Top picks model, retrained on the cadence the
experiment sets (as the scheduler would), fed only what the site sees (plays and thumbs).

Which model: the arm option `model` (default "production"):
- "production": the site's retrain rule (recommender/selection.py, as recommender/lifecycle.py
  applies it): a per-profile 80/20 split of the signals, every candidate the settings name
  tuned on it plus a blend, the best on the held-out part refitted on all the signals. The
  champion must beat popularity on that split (lifecycle's gate); otherwise the model already
  serving stays, as on the site. Options: `candidates` (families), `blend` (bool), and the
  SVD candidate's `factors` / `epochs` (STREAMSIM_REC_FACTORS / _EPOCHS).
- a family name (svd, als, ease, knn, blend, or popularity): that family alone, its default
  params changed by any other options (`factors = 16` for svd, `lam = 100.0` for ease, ...).
`check_options` refuses an unknown model or option when the config is read.

Each profile's state comes from `recommender.state` as on the site: the learned vector while
the model is newer than the profile's signals, folded in from its signals otherwise (new
profiles, or profiles who watched since the last retrain), and popularity for a profile with
no usable signal (cold start: the popularity model fitted on the same signals, public
popularity before the first retrain).

The recommender never imports the simulator (the arrows point one way): `simulator.studies.policies`
imports this module and registers `make_svd_policy` and `check_options` as "svd". Only public
catalog fields are used (title ids, public popularity).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from core.playback import COMPLETE_FRACTION
from core.settings import Settings
from recommender import models
from recommender.data import Interactions, SignalMapping
from recommender.evaluate import selection_folds
from recommender.model import ServingModel
from recommender.selection import choose, refit
from recommender.state import batch_scores, user_state

COMPLETE = COMPLETE_FRACTION  # a play that reached this fraction counts as finished
PRODUCTION = "production"
MODELS = (PRODUCTION, *(n for n in models.NAMES if n == "blend" or models.FAMILIES[n].servable))
PRODUCTION_OPTIONS = ("candidates", "blend", "factors", "epochs")


def production_rule(options: dict) -> dict:
    """choose()'s arguments as the site's retrain sets them (core.settings defaults), with the
    arm's changes."""
    site = Settings  # the class: its defaults are the site's
    candidates = options.get("candidates", site.rec_candidates)
    candidates = (candidates,) if isinstance(candidates, str) else tuple(candidates)
    unknown = [c for c in candidates if c not in models.FAMILIES or c == "random"]
    if unknown or not candidates:
        raise ValueError(f"candidates must name one or more of "
                         f"{', '.join(n for n in models.FAMILIES if n != 'random')} "
                         f"(got {', '.join(map(str, unknown)) or 'none'})")
    svd = {"factors": int(options.get("factors", site.rec_factors)),
           "epochs": int(options.get("epochs", site.rec_epochs))}
    return {"candidates": tuple(dict.fromkeys((*candidates, "popularity"))),
            "blend": bool(options.get("blend", site.rec_blend)), "grids": {"svd": [svd]}}


def check_options(options: dict) -> None:
    """ValueError naming the problem if the arm's model or its options are unknown."""
    name = options.get("model", PRODUCTION)
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; known: {', '.join(MODELS)}")
    rest = {k: v for k, v in options.items() if k != "model"}
    if name == PRODUCTION:
        extra = sorted(set(rest) - set(PRODUCTION_OPTIONS))
        if extra:
            raise ValueError(f"unknown option(s) for the production model: {extra}; known: "
                             f"model, {', '.join(PRODUCTION_OPTIONS)}")
        production_rule(rest)
    else:
        models.default_params(name, **rest)


class SvdPolicy:
    name = "svd"

    def __init__(self, catalog, retrain, model: str = PRODUCTION, **options: Any) -> None:
        check_options({"model": model, **options})
        self.retrain = retrain
        self.model_name = model
        self.rule = production_rule(options) if model == PRODUCTION else None
        self.params = None if model == PRODUCTION else models.default_params(model, **options)
        self.item_ids = np.asarray(catalog.title_ids, np.int64)
        pop = np.asarray(catalog.prior_popularity, np.float64)
        self.public = pop / max(pop.max(), 1e-9) if pop.size else pop
        self.cold = self.public
        self.mapping = SignalMapping(half_life_days=0)  # simulated days: no decay
        self.signals: dict[tuple[int, int], tuple[float, float, bool]] = {}
        self.changed: dict[int, int] = {}  # profile id -> observation round of its newest play
        self.rounds = 0  # observation rounds (simulated days seen)
        self.trained_round = -1  # the round the serving model was trained after
        self.model: ServingModel | None = None
        self.chosen: str | None = None  # the family serving (the champion, for production)
        self.refit: Callable[[Interactions], ServingModel] | None = None  # same model, new data
        self.trainings = 0
        self.train_seconds: float | None = None  # wall clock of the last retrain

    def observe(self, plays) -> None:
        self.rounds += 1
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
            self.changed[int(pid)] = self.rounds

    def interactions(self) -> Interactions:
        if not self.signals:
            return Interactions.empty()
        keys = sorted(self.signals)
        vals = [self.signals[k] for k in keys]
        return Interactions(np.array([k[0] for k in keys], np.int64),
                            np.array([k[1] for k in keys], np.int64),
                            np.array([v[0] for v in vals]), np.array([v[1] for v in vals]),
                            np.array([v[2] for v in vals], bool))

    def fit(self, inter: Interactions) -> tuple[ServingModel | None, str, Callable]:
        """(model, family, refit_fn) by this arm's rule; model None when production's gate
        refuses. refit_fn(signals) fits the same family with the same params on other signals
        (the simulator's holdout figure)."""
        if self.rule is None:
            def same(data: Interactions) -> ServingModel:
                with threadpool_limits(1):
                    return models.fit(self.model_name, data, self.item_ids, self.params)
            return same(inter), self.model_name, same
        choice = choose(selection_folds(inter), self.item_ids, self.rule["candidates"],
                        blend=self.rule["blend"], grids=self.rule["grids"])
        champion = choice.champion

        def again(data: Interactions) -> ServingModel:
            with threadpool_limits(1):
                return refit(champion, data, self.item_ids, choice.tuned)
        popularity = choice.tuned["popularity"].validation["ndcg@10"]
        if not champion.validation["ndcg@10"] > popularity:  # lifecycle.gate
            return None, champion.name, again
        return again(inter), champion.name, again

    def train(self) -> None:
        inter = self.interactions()
        if not len(inter):
            return
        start = time.perf_counter()
        self.cold = np.maximum(models.fit("popularity", inter, self.item_ids).bi,
                               1e-3 * self.public)  # public popularity breaks ties
        # One thread: a simulated site's data is small, and implicit's OpenMP threads spin
        # (seconds instead of milliseconds per ALS fit) when the machine is busy.
        with threadpool_limits(1):
            model, chosen, again = self.fit(inter)
        if model is not None:
            self.model, self.chosen, self.refit = model, chosen, again
            self.trained_round = self.rounds
        self.train_seconds = time.perf_counter() - start
        self.trainings += 1

    def on_day_end(self, log) -> None:
        self.observe(log.plays)
        if self.retrain.due(log.day):
            self.train()

    def scores(self, profile_ids) -> np.ndarray:
        """(profiles x item_ids) scores as the site would give them (module docstring)."""
        pids = np.asarray(profile_ids, np.int64)
        if self.model is None:
            return np.tile(self.cold, (pids.size, 1))
        inter = self.interactions()
        out = batch_scores(self.model, pids, inter)  # profiles new to the model: folded in
        for n, pid in enumerate(pids.tolist()):
            if pid not in self.changed:
                out[n] = self.cold  # no signals yet: cold start
            elif self.model.user_index(pid) is not None \
                    and self.changed[pid] > self.trained_round:  # signalled since: fold in
                state, _ = user_state(self.model, pid, inter.for_user(pid), stale=True)
                out[n] = self.cold if state is None else self.model.scores(state)
        return out

    def rank(self, profile_ids, candidate_ids, context):
        candidate_ids = np.asarray(candidate_ids, np.int64)
        pos = np.searchsorted(self.item_ids, candidate_ids)
        scores = self.scores(profile_ids)[:, np.clip(pos, 0, max(self.item_ids.size - 1, 0))]
        return [candidate_ids[np.lexsort((candidate_ids, -row))] for row in scores]

    def user_vectors(self, profile_ids):
        """Factor models: p_u (zeros for profiles the model lacks). Models with an item-item
        part: each profile's scores, centred (the recommender's own view of it)."""
        if self.model is None:
            return None
        if not self.model.has_neighbours:
            if not self.model.has_factors:
                return None
            k = self.model.n_factors
            rows = [self.model.user_vector(int(p)) for p in profile_ids]
            return np.array([r[1] if r is not None else np.zeros(k) for r in rows])
        scores = self.scores(profile_ids)
        return scores - scores.mean(axis=1, keepdims=True)


def make_svd_policy(catalog, retrain, **options) -> SvdPolicy:
    return SvdPolicy(catalog, retrain, **options)
