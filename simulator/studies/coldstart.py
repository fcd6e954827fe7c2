"""Cold-start study (docs/simulation.md study 3): after an onboarding pick of k titles, are a new
profile's first rows closer to its true tastes than the popularity rows, and how fast do they
get closer as k grows?

1. World: a seeded catalog and population in an isolated SQLite file, with `days` days of
   history under the popularity policy (what the site serves before any model exists).
2. Model: trained the way the retrain does it (recommender/lifecycle.py): the site's signals
   (`load_interactions`), `selection.choose` on a per-profile 80/20 split, `selection.refit` of
   the champion on everything, then `models.content.attach` (the cold-start part, from the
   public tags). No ground truth reaches it.
3. Newcomers: `profiles` new simulated profiles (same generator, same taste communities). Each
   onboards through the picker: it is shown `core.catalog.onboarding_candidates` for its
   maturity limit and picks the 3 it expects to enjoy most, and names its 2 favourite genres
   (`simulator.viewers.population.onboard`). Arms (`run_picks_study`): the same newcomers
   with their picks replaced by the k they expect to enjoy most (`choose_picks`, k in
   PICKS: 0, 1, 3, 5, 10), their 2 genres kept; every arm of a seed shares its world, model
   and newcomers, so arms are compared paired by seed (simulator/studies/compare.py).
4. Rows, for each newcomer:
   - `onboarding`: what the site serves it, `recommender.scoring.Ranker(...).top(10)`: its
     state from `recommender.state.user_state` (source "fold-in"), the model's scores, the
     site's filters (maturity limit; watched, thumbs-down and picked titles removed), its
     stated genres included as the site's Ranker includes them;
   - `prior`: the same filters, ranked by popularity in the training data (what most profiles
     chose), the "popularity prior" alone;
   - `popular`: the site's popularity row, `core.catalog.popular(max_age, n=10)` without the
     picks;
   - `random`: 10 titles drawn at random among those the site would allow (the floor);
   - and the ingredients of `onboarding`: `model_alone` (the champion's own fold-in, e.g. the
     co-watching neighbours of the picks) and `content_alone` (the cold-start part alone).
5. precision@10 = share of a row's 10 titles among the profile's true top 10 (by true utility,
   among titles within its maturity limit, picks excluded: the site never shows a picked title
   again); averaged over newcomers. With several arms the target is the same in each: the
   picks of the largest arm are excluded (a smaller arm's picks are the first of those), so
   that arms differ only in what the newcomer told the site, not in what is being guessed.
6. Over seeds (`run_picks_study`): per arm and row, the mean and 95% t-interval over seeds
   (`metrics.mean_ci`), and paired differences per seed (`compare.paired_difference`) of the
   onboarding row against the popularity row, the random row and the 0-picks arm.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import delete, select

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
from simulator.rng import derive
from simulator.studies.compare import paired_difference
from simulator.studies.experiment import ARM_DEFAULTS, _database, build_world, normalise, run_arm
from simulator.studies.metrics import mean_ci
from simulator.viewers import behaviour as bh
from simulator.viewers.population import choose_picks, generate_population, picker_candidates
from simulator.viewers.world import load_catalog

K = 10
ROWS = ("onboarding", "prior", "popular", "random", "model_alone", "content_alone")
PICKS = (0, 1, 3, 5, 10)  # the arms: how many titles a newcomer picks when it onboards
MAX_PICKS = 20
# Paired differences of the onboarding row (per seed) against: the same arm's popularity row,
# the same arm's random row, and the 0-picks arm's onboarding row.
VERSUS = {"vs_popular": "the popularity row", "vs_random": "the random row",
          "vs_no_picks": "the onboarding row after 0 picks"}


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
    random: float  # ... of 10 allowed titles drawn at random
    model_alone: float  # ... of the champion without its cold-start part
    content_alone: float  # ... of the cold-start part alone
    onboarding_wins: int  # newcomers whose onboarding row beats the popularity row
    popular_wins: int
    sources: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)  # timings: not in the JSON
    picks: int = 3

    def as_dict(self) -> dict:
        out = asdict(self)
        out.pop("seconds")  # the same config and seed print the same JSON
        return out

    def lines(self) -> list[str]:
        """The study as a few lines of text."""
        return [
            f"Cold start after {self.picks} onboarding picks, {self.profiles} new profiles (model "
            f"{self.champion} trained on {self.training_signals} signals of "
            f"{self.history_profiles} profiles x {self.history_days} days, {self.titles} "
            f"titles, seed {self.seed}):",
            f"  precision@10 vs true top 10: onboarding rows {self.onboarding:.3f}, popularity "
            f"prior {self.prior:.3f}, popularity row {self.popular:.3f}, random {self.random:.3f}",
            f"  onboarding rows' parts alone: {self.champion} {self.model_alone:.3f}, content "
            f"{self.content_alone:.3f}",
            f"  onboarding better for {self.onboarding_wins}, popularity row better for "
            f"{self.popular_wins}; row sources {self.sources}",
        ]


def _precision(row, truth: set[int]) -> float:
    return len(truth & {int(t) for t in list(row)[:K]}) / K


def run_coldstart(*, profiles: int = 50, seed: int = 11, history_profiles: int = 150,
                  history_days: int = 10, titles: int = 300, picks: int = 3,
                  settings: Settings | None = None, workdir: Path | None = None
                  ) -> ColdStartResult:
    """The study for one number of picks and one seed, in an isolated database (a temporary
    folder unless `workdir`)."""
    return _seed_study(profiles=profiles, seed=seed, history_profiles=history_profiles,
                       history_days=history_days, titles=titles, picks=(picks,),
                       settings=settings, workdir=workdir)[picks]


def _seed_study(*, profiles: int, seed: int, history_profiles: int, history_days: int,
                titles: int, picks: tuple[int, ...], settings: Settings | None,
                workdir: Path | None) -> dict[int, ColdStartResult]:
    """One seed's world, model and newcomers; a result per number of picks."""
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
            return _study(db, cfg, profiles, seed, now, settings or Settings(), picks)
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


def _picks(session, newcomers, cat, k: int) -> list[list[int]]:
    """Per newcomer, the k titles it expects to enjoy most among what the picker shows it
    (`choose_picks`, best first): what it would have picked had it picked k. A smaller k's
    picks are the first of a larger k's."""
    shown_for: dict[int, np.ndarray] = {}
    out = []
    for i in range(len(newcomers.profile_ids)):
        limit = int(newcomers.maturity_limit[i])
        if limit not in shown_for:
            shown_for[limit] = picker_candidates(session, cat, limit)
        out.append(cat.title_ids[choose_picks(cat, newcomers.taste[i], shown_for[limit],
                                              n=k)].tolist() if k else [])
    return out


def _set_picks(session, newcomers, picks: list[list[int]], now: datetime) -> None:
    """Replace the newcomers' onboarding picks (the rows the picker's service writes)."""
    ids = newcomers.profile_ids.tolist()
    session.execute(delete(TastePick).where(TastePick.profile_id.in_(ids)))
    for pid, titles in zip(ids, picks, strict=True):
        for t in sorted(titles):
            session.add(TastePick(profile_id=pid, title_id=int(t), created_at=now))
    session.commit()


def _study(db, cfg: dict, n: int, seed: int, now: datetime, settings: Settings,
           picks: tuple[int, ...] = (3,)) -> dict[int, ColdStartResult]:
    with db.read() as s:
        cat = load_catalog(s)
        trained = train_production(s, now, settings)
    with db.session() as s:
        newcomers = generate_population(s, n, seed, now, cat)  # onboards through the picker
    with db.read() as s:
        most = _picks(s, newcomers, cat, max(picks))
    out = {}
    for k in picks:
        with db.session() as s:
            _set_picks(s, newcomers, [titles[:k] for titles in most], now)
        with db.read() as s:
            out[k] = _arm(s, cat, trained, newcomers, most, cfg, seed, now, k)
    return out


def _arm(s, cat, trained: Trained, newcomers, most: list[list[int]], cfg: dict, seed: int,
         now: datetime, k: int) -> ColdStartResult:
    """The rows of every newcomer after k picks, against its true top 10 among the titles
    within its maturity limit that it did not pick in the largest arm (`most`): one target for
    every arm of the seed, so that arms differ only by what the site was told."""
    model, prior = trained.model, trained.prior
    rows: dict[str, list[float]] = {name: [] for name in ROWS}
    sources: dict[str, int] = {}
    for i, pid in enumerate(newcomers.profile_ids.tolist()):
        profile = s.get(Profile, pid)
        limit = profile.maturity_limit
        picks = sorted(s.scalars(select(TastePick.title_id).where(
            TastePick.profile_id == pid)))
        utility = (cat.features @ newcomers.taste[i] + cat.quality
                   + bh.utility_noise(seed, pid, cat.title_ids))
        ok = cat.maturity <= limit
        ok[[cat.index[t] for t in most[i]]] = False
        idx = np.flatnonzero(ok)
        truth = set(cat.title_ids[idx[np.argsort(-utility[idx], kind="stable")[:K]]].tolist())
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
        # The same draw in every arm (own stream per seed and profile): only picks differ.
        chance = derive(seed, "coldstart", "random", str(pid)).permutation(len(pool))[:K]
        for name, row in (("onboarding", personal), ("prior", best(prior)),
                          ("popular", popular), ("random", model.item_ids[pool[chance]]),
                          ("model_alone", alone), ("content_alone", content)):
            rows[name].append(_precision(row, truth))
    f, p = np.array(rows["onboarding"]), np.array(rows["popular"])
    return ColdStartResult(
        profiles=len(f), history_profiles=cfg["profiles"], history_days=cfg["days"],
        titles=cfg["titles"], seed=seed, training_signals=trained.signals,
        champion=trained.champion,
        **{name: round(float(np.mean(v)), 4) for name, v in rows.items()},
        onboarding_wins=int((f > p).sum()), popular_wins=int((p > f).sum()),
        sources=dict(sorted(sources.items())), seconds=trained.seconds, picks=k)


# -- arms over seeds: the page's and `streamsim coldstart --picks ... --seeds ...` -------------

# Sizes the page accepts (a run takes ~8 s a seed at the page's default size on one core).
LIMITS = {"profiles": (5, 200), "history_profiles": (20, 400), "history_days": (2, 30),
          "titles": (100, 600), "seeds": (1, 10)}
PAGE_DEFAULTS = {"profiles": 30, "history_profiles": 80, "history_days": 6, "titles": 200,
                 "seeds": [1, 2, 3], "picks": list(PICKS)}


class StudyError(ValueError):
    """A cold-start study configuration that is refused, with the field named."""


def study_config(raw: dict, *, limits: bool = True) -> dict:
    """A checked study configuration (kind "coldstart"): picks, seeds and sizes within LIMITS
    (the page's; the CLI's own options bound its sizes: `limits=False`); raises StudyError
    naming the bad field."""
    cfg = {**PAGE_DEFAULTS, **{k: v for k, v in raw.items() if v is not None}}
    out = {"kind": "coldstart", "name": str(cfg.get("name") or "coldstart")[:120]}
    picks = cfg["picks"]
    if (not isinstance(picks, list | tuple) or not picks
            or not all(isinstance(k, int) and not isinstance(k, bool) for k in picks)):
        raise StudyError("picks: a list of whole numbers, e.g. 0,1,3,5,10.")
    if any(k < 0 or k > MAX_PICKS for k in picks) or len(set(picks)) != len(picks):
        raise StudyError(f"picks: each between 0 and {MAX_PICKS}, no repeats.")
    out["picks"] = sorted(picks)
    seeds = cfg["seeds"]
    if (not isinstance(seeds, list | tuple) or not seeds
            or not all(isinstance(x, int) and not isinstance(x, bool) and x >= 0
                       for x in seeds) or len(set(seeds)) != len(seeds)):
        raise StudyError("seeds: a list of different whole numbers from 0, e.g. 1,2,3.")
    lo, hi = LIMITS["seeds"]
    if limits and not lo <= len(seeds) <= hi:
        raise StudyError(f"seeds: between {lo} and {hi} of them.")
    out["seeds"] = list(seeds)
    for key in ("profiles", "history_profiles", "history_days", "titles"):
        value, (lo, hi) = cfg[key], LIMITS[key]
        if not isinstance(value, int) or isinstance(value, bool) or (
                limits and not lo <= value <= hi):
            raise StudyError(f"{key}: a whole number from {lo} to {hi}.")
        out[key] = value
    return out


def run_picks_study(cfg: dict, *, limits: bool = True, settings: Settings | None = None,
                    workdir: Path | None = None,
                    progress: Callable[[float], None] | None = None) -> dict:
    """Every arm (number of picks) in every seed's world; the summary (JSON-ready): per seed
    and arm the rows' precision@10, per arm each row's mean and 95% interval over seeds and
    the onboarding row's paired differences (VERSUS)."""
    cfg = study_config(cfg, limits=limits)
    picks, seeds = tuple(cfg["picks"]), cfg["seeds"]
    per_seed = []
    for n, seed in enumerate(seeds):
        if progress:
            progress(n / len(seeds))
        by_k = _seed_study(profiles=cfg["profiles"], seed=seed,
                           history_profiles=cfg["history_profiles"],
                           history_days=cfg["history_days"], titles=cfg["titles"],
                           picks=picks, settings=settings, workdir=workdir)
        first = by_k[picks[0]]
        per_seed.append({"seed": seed, "champion": first.champion,
                         "training_signals": first.training_signals,
                         "arms": {str(k): {**{r: getattr(res, r) for r in ROWS},
                                           "onboarding_wins": res.onboarding_wins,
                                           "popular_wins": res.popular_wins,
                                           "sources": res.sources}
                                  for k, res in by_k.items()}})
    if progress:
        progress(1.0)
    return {**cfg, "rows": list(ROWS), "per_seed": per_seed,
            "arms": summarise(per_seed, picks)}


def run_study_into(cfg: dict, out: Path, *,
                   progress: Callable[[float], None] | None = None) -> dict:
    """A queued run of the study (simulator/studies/runs.py): its summary.json in `out`."""
    import json

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    summary = run_picks_study(cfg, workdir=out, progress=progress)
    (out / "summary.json").write_text(json.dumps(summary, indent=1, sort_keys=True))
    return summary


def summarise(per_seed: list[dict], picks: tuple[int, ...]) -> dict:
    """Per arm: each row's mean_ci over seeds, and the onboarding row's paired differences."""
    def values(k: int, row: str) -> dict[int, float]:
        return {p["seed"]: p["arms"][str(k)][row] for p in per_seed}

    out = {}
    for k in picks:
        onboarding = values(k, "onboarding")
        versus = {"vs_popular": values(k, "popular"), "vs_random": values(k, "random")}
        if 0 in picks:
            versus["vs_no_picks"] = values(0, "onboarding")
        out[str(k)] = {
            "mean": {r: mean_ci(values(k, r).values()) for r in ROWS},
            **{name: paired_difference(onboarding, base) for name, base in versus.items()},
            "onboarding_wins": sum(p["arms"][str(k)]["onboarding_wins"] for p in per_seed),
            "popular_wins": sum(p["arms"][str(k)]["popular_wins"] for p in per_seed),
        }
    return out


def study_lines(summary: dict) -> list[str]:
    """The study over seeds as text: a line per arm."""
    def fig(block: dict) -> str:
        if block["mean"] is None:
            return "n/a"
        ci = block.get("ci95")
        return f"{block['mean']:.3f}" + (f" ± {ci:.3f}" if ci is not None else "")

    def diff(block: dict) -> str:
        if block["mean"] is None:
            return "n/a"
        if block["low"] is None:
            return f"{block['mean']:+.3f}"
        return f"{block['mean']:+.3f} [{block['low']:+.3f}, {block['high']:+.3f}]"

    out = [f"Cold start by onboarding picks: precision@10 vs true top 10, mean ± 95% interval "
           f"over {len(summary['seeds'])} seeds {summary['seeds']} ({summary['profiles']} new "
           f"profiles; model trained on {summary['history_profiles']} profiles x "
           f"{summary['history_days']} days, {summary['titles']} titles)"]
    for k, arm in sorted(summary["arms"].items(), key=lambda kv: int(kv[0])):
        m = arm["mean"]
        line = (f"  {k:>2} picks: onboarding {fig(m['onboarding'])}, popular row "
                f"{fig(m['popular'])}, prior {fig(m['prior'])}, random {fig(m['random'])}; "
                f"onboarding - popular {diff(arm['vs_popular'])}")
        if "vs_no_picks" in arm and k != "0":
            line += f", - 0 picks {diff(arm['vs_no_picks'])}"
        out.append(line)
    return out
