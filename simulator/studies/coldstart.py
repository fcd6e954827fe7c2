"""Cold-start study (docs/simulation.md study 3): after an onboarding pick of 3 titles, are a new
profile's first rows closer to its true tastes than the popularity rows?

1. World: a seeded catalog and population in an isolated SQLite file, with `days` days of
   history under the popularity policy (what the site serves before any model exists).
2. Model: trained the way the retrain does it (recommender/lifecycle.py): the site's signals
   (`load_interactions`), `selection.choose` on a per-profile 80/20 split, `selection.refit` of
   the champion on everything, then `models.content.attach` (the cold-start part, from the
   public tags). No ground truth reaches it.
3. Newcomers: `profiles` new simulated profiles (same generator, same taste communities). Each
   onboards through the picker: it is shown `core.catalog.onboarding_candidates` for its
   maturity limit and picks the 3 it expects to enjoy most, and names its 2 favourite genres
   (`simulator.viewers.population.onboard`).
4. Rows, for each newcomer:
   - `onboarding`: what the site serves it, `recommender.scoring.Ranker(...).top(10)`: its
     state from `recommender.state.user_state` (source "fold-in"), the model's scores, the
     site's filters (maturity limit; watched, thumbs-down and picked titles removed), its
     stated genres included as the site's Ranker includes them;
   - `prior`: the same filters, ranked by popularity in the training data (what most profiles
     chose), the "popularity prior" alone;
   - `popular`: the site's popularity row, `core.catalog.popular(max_age, n=10)` without the
     picks;
   - and the ingredients of `onboarding`: `model_alone` (the champion's own fold-in, e.g. the
     co-watching neighbours of the picks) and `content_alone` (the cold-start part alone).
5. precision@10 = share of a row's 10 titles among the profile's true top 10 (by true utility,
   among titles within its maturity limit, picks excluded); averaged over newcomers.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import select

from core import catalog as core_catalog
from core.models import Profile, TastePick
from core.settings import Settings
from recommender.data import SignalMapping, catalog_arrays, load_interactions
from recommender.evaluate import selection_folds
from recommender.lifecycle import candidate_grids
from recommender.model import ServingModel
from recommender.models.base import TrainingData
from recommender.models.content import attach, load_favourite_genres, load_title_tags
from recommender.models.svd import log_popularity
from recommender.scoring import Ranker
from recommender.selection import choose, refit
from simulator.studies.experiment import ARM_DEFAULTS, _database, build_world, normalise, run_arm
from simulator.viewers import behaviour as bh
from simulator.viewers.population import generate_population
from simulator.viewers.world import load_catalog

K = 10
ROWS = ("onboarding", "prior", "popular", "model_alone", "content_alone")


@dataclass
class ColdStartResult:
    profiles: int
    history_profiles: int
    history_days: int
    titles: int
    seed: int
    training_signals: int
    champion: str
    onboarding: float  # precision@10 of the rows a new profile gets
    prior: float  # ... of the training data's popularity alone
    popular: float  # ... of the site's popularity row
    model_alone: float  # ... of the champion without its cold-start part
    content_alone: float  # ... of the cold-start part alone
    onboarding_wins: int  # newcomers whose onboarding row beats the popularity row
    popular_wins: int
    sources: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)  # timings: not in the JSON

    def as_dict(self) -> dict:
        out = asdict(self)
        out.pop("seconds")  # the same config and seed print the same JSON
        return out

    def lines(self) -> list[str]:
        """The study as a few lines of text."""
        return [
            f"Cold start after 3 onboarding picks, {self.profiles} new profiles (model "
            f"{self.champion} trained on {self.training_signals} signals of "
            f"{self.history_profiles} profiles x {self.history_days} days, {self.titles} "
            f"titles, seed {self.seed}):",
            f"  precision@10 vs true top 10: onboarding rows {self.onboarding:.3f}, popularity "
            f"prior {self.prior:.3f}, popularity row {self.popular:.3f}",
            f"  onboarding rows' parts alone: {self.champion} {self.model_alone:.3f}, content "
            f"{self.content_alone:.3f}",
            f"  onboarding better for {self.onboarding_wins}, popularity row better for "
            f"{self.popular_wins}; row sources {self.sources}",
        ]


def _precision(row, truth: set[int]) -> float:
    return len(truth & {int(t) for t in list(row)[:K]}) / K


def run_coldstart(*, profiles: int = 50, seed: int = 11, history_profiles: int = 150,
                  history_days: int = 10, titles: int = 300, settings: Settings | None = None,
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
            return _study(db, cfg, profiles, seed, now, settings or Settings())
        finally:
            db.dispose()


@dataclass
class Trained:
    model: ServingModel
    champion: str
    prior: np.ndarray  # popularity in the training data, per model title (log-scaled 0..1)
    signals: int
    seconds: dict[str, float]


def train_production(session, now: datetime, settings: Settings) -> Trained:
    """The model a retrain would publish now, with its cold-start part."""
    mapping = SignalMapping(half_life_days=settings.rec_half_life_days)
    inter = load_interactions(session, now, mapping)
    item_ids, _, _ = catalog_arrays(session)
    start = time.perf_counter()
    candidates = tuple(dict.fromkeys((*settings.rec_candidates, "popularity")))
    choice = choose(selection_folds(inter), item_ids, candidates, blend=settings.rec_blend,
                    grids=candidate_grids(settings))
    model = refit(choice.champion, inter, item_ids, choice.tuned)
    chosen = time.perf_counter()
    attach(model, inter, item_ids, load_title_tags(session, item_ids),
           favourites=load_favourite_genres(session))
    done = time.perf_counter()
    model.card["trained_at"] = now.isoformat()
    return Trained(model, choice.champion.name,
                   log_popularity(TrainingData.build(inter, item_ids).item_counts()), len(inter),
                   {"choose_and_refit": round(chosen - start, 3),
                    "attach": round(done - chosen, 3)})


def _study(db, cfg: dict, n: int, seed: int, now: datetime,
           settings: Settings) -> ColdStartResult:
    with db.read() as s:
        cat = load_catalog(s)
        trained = train_production(s, now, settings)
    model, prior = trained.model, trained.prior
    with db.session() as s:
        newcomers = generate_population(s, n, seed, now, cat)  # onboards through the picker
    rows: dict[str, list[float]] = {name: [] for name in ROWS}
    sources: dict[str, int] = {}
    with db.read() as s:
        for i, pid in enumerate(newcomers.profile_ids.tolist()):
            profile = s.get(Profile, pid)
            limit = profile.maturity_limit
            picks = sorted(s.scalars(select(TastePick.title_id).where(
                TastePick.profile_id == pid)))
            utility = (cat.features @ newcomers.taste[i] + cat.quality
                       + bh.utility_noise(seed, pid, cat.title_ids))
            ok = cat.maturity <= limit
            ok[[cat.index[t] for t in picks]] = False
            idx = np.flatnonzero(ok)
            truth = set(cat.title_ids[idx[np.argsort(-utility[idx], kind="stable")[:K]]]
                        .tolist())
            # The site's path: the profile's state, the model's scores, the site's filters.
            ranker = Ranker(s, profile, model, now)
            sources[ranker.source] = sources.get(ranker.source, 0) + 1
            pool = np.flatnonzero(ranker.allowed())

            def best(scores: np.ndarray, pool=pool) -> np.ndarray:
                return model.item_ids[pool[np.argsort(-scores[pool], kind="stable")[:K]]]

            if not ranker.personal:  # no personal state: the site shows popularity rows
                personal = alone = content = best(prior)
            else:
                state = ranker.vector
                personal = ranker.top(K)
                alone = best(model.scores(state._replace(cp=None)))
                content = best(model.content_scores(state))
            popular = [t.id for t in core_catalog.popular(s, limit, n=K, exclude=picks)]
            for name, row in (("onboarding", personal), ("prior", best(prior)),
                              ("popular", popular), ("model_alone", alone),
                              ("content_alone", content)):
                rows[name].append(_precision(row, truth))
    f, p = np.array(rows["onboarding"]), np.array(rows["popular"])
    return ColdStartResult(
        profiles=len(f), history_profiles=cfg["profiles"], history_days=cfg["days"],
        titles=cfg["titles"], seed=seed, training_signals=trained.signals,
        champion=trained.champion,
        **{name: round(float(np.mean(v)), 4) for name, v in rows.items()},
        onboarding_wins=int((f > p).sum()), popular_wins=int((p > f).sum()),
        sources=dict(sorted(sources.items())), seconds=trained.seconds)
