"""Cold-start study (SIMULATION.md item 3): after an onboarding pick of 3 titles, are a new
profile's first rows closer to its true tastes than the popularity rows?

1. World: a seeded catalog and population in an isolated SQLite file, with `days` days of
   history under the popularity policy (what the site serves before any model exists).
2. Model: the production Top picks model (`recommender.train.fit_top_picks`) trained on the
   signals the site would load (`recommender.data.load_interactions`); no ground truth.
3. Newcomers: `profiles` new simulated profiles with hidden tastes (same generator, same taste
   communities). Each is shown the onboarding candidates (`core.catalog.onboarding_candidates`)
   and picks the 3 with the highest true utility (`core.activity.save_taste_picks`).
4. Rows: the fold-in row is `recommender.scoring.Ranker(...).top(10)` (source "fold-in"); the
   popularity row is the site's `core.catalog.popular(max_age, n=10)` without the picks; a
   second baseline ranks by the model's own popularity prior (most wanted in training data).
5. precision@10 = share of a row's 10 titles among the profile's true top 10 (by true utility,
   among titles within its maturity limit, picks excluded); averaged over newcomers.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from core import activity
from core import catalog as core_catalog
from core.models import Profile
from recommender.data import load_interactions
from recommender.scoring import Ranker
from recommender.train import TrainParams, fit_top_picks
from simulator import behaviour as bh
from simulator.experiment import ARM_DEFAULTS, _database, build_world, normalise, run_arm
from simulator.population import generate_population
from simulator.world import load_catalog

K = 10
PICKS = 3


@dataclass
class ColdStartResult:
    profiles: int
    history_profiles: int
    history_days: int
    titles: int
    seed: int
    training_signals: int
    foldin_precision: float
    popularity_precision: float
    prior_precision: float
    foldin_wins: int  # newcomers whose fold-in row beats the popularity row
    popularity_wins: int
    sources: dict[str, int]

    def as_dict(self) -> dict:
        return asdict(self)


def _precision(row: list[int], truth: set[int]) -> float:
    return len(truth & set(row[:K])) / K


def run_coldstart(*, profiles: int = 50, seed: int = 11, history_profiles: int = 150,
                  history_days: int = 10, titles: int = 300, params: TrainParams | None = None,
                  workdir: Path | None = None) -> ColdStartResult:
    """The whole study in an isolated database (a temporary folder unless `workdir`)."""
    cfg = normalise({"name": "coldstart", "profiles": history_profiles, "days": history_days,
                     "titles": titles, "seeds": [seed],
                     "arms": [{"name": "history", "policy": "popularity"}]})
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        path = Path(tmp) / "coldstart.sqlite3"
        build_world(path, cfg, seed)
        run_arm(path, cfg, {**ARM_DEFAULTS, **cfg["arms"][0]}, seed)
        now = datetime.fromisoformat(cfg["start"]) + timedelta(days=history_days)
        db = _database(path)
        try:
            return _study(db, cfg, profiles, seed, now, params or TrainParams())
        finally:
            db.dispose()


def _study(db, cfg: dict, n: int, seed: int, now: datetime,
           params: TrainParams) -> ColdStartResult:
    with db.read() as s:
        cat = load_catalog(s)
        inter = load_interactions(s, now)
    model = fit_top_picks(inter, cat.title_ids, params)
    model.card["trained_at"] = now.isoformat()
    with db.session() as s:
        newcomers = generate_population(s, n, seed, now, cat)
    foldin, popular, prior, sources = [], [], [], {}
    with db.session() as s:
        for i, pid in enumerate(newcomers.profile_ids.tolist()):
            profile = s.get(Profile, pid)
            limit = profile.maturity_limit
            utility = (cat.features @ newcomers.taste[i] + cat.quality
                       + bh.utility_noise(seed, pid, cat.title_ids))
            shown = [t.id for t in core_catalog.onboarding_candidates(s, limit)]
            best = sorted(shown, key=lambda t: (-utility[cat.index[t]], t))[:PICKS]
            activity.save_taste_picks(s, profile, best,
                                      activity.favourite_genre_ids(s, pid), now)
            s.flush()
            ok = cat.maturity <= limit
            ok[[cat.index[t] for t in best]] = False
            idx = np.flatnonzero(ok)
            truth = set(cat.title_ids[idx[np.argsort(-utility[idx], kind="stable")[:K]]].tolist())
            ranker = Ranker(s, profile, model, now)
            sources[ranker.source] = sources.get(ranker.source, 0) + 1
            foldin.append(_precision(ranker.top(K), truth))
            popular.append(_precision([t.id for t in core_catalog.popular(
                s, limit, n=K, exclude=best)], truth))
            allowed = np.flatnonzero(ranker.allowed()) if ranker.personal else np.array([], int)
            top_prior = allowed[np.argsort(-model.prior[allowed], kind="stable")[:K]]
            prior.append(_precision(model.item_ids[top_prior].tolist(), truth))
        s.rollback()  # the study leaves nothing behind in its isolated database anyway
    f, p = np.array(foldin), np.array(popular)
    return ColdStartResult(
        profiles=len(foldin), history_profiles=cfg["profiles"], history_days=cfg["days"],
        titles=cfg["titles"], seed=seed, training_signals=len(inter),
        foldin_precision=round(float(f.mean()), 4), popularity_precision=round(float(p.mean()), 4),
        prior_precision=round(float(np.mean(prior)), 4), foldin_wins=int((f > p).sum()),
        popularity_wins=int((p > f).sum()), sources=dict(sorted(sources.items())))

