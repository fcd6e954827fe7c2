"""Choosing by evidence: tune each family on a validation split, pick the champion, compare all.

- `tune`: fit every point of a family's grid on the fit part, score it on the validation part,
  keep the best by NDCG@10 (ties: the earlier, simpler point).
- `choose`: the production rule. Tune each candidate the settings name, add the best blend
  (the best factor model with the best item-item model, or the two best item-item models;
  weights 0.25 / 0.5 / 0.75), and take the best on validation (averaged over three validation
  splits on small data: recommender/evaluate.py `fold_count`). The retrain job
  (recommender/lifecycle.py) applies it to the site's own data;
  `compare` applies it to the training part of each split, so `production` in the report is
  what the site would have served, measured on a test part it never saw.
- `compare`: every family, the production choice, random (and, on a simulated world, the
  oracle) over several split seeds, with mean and spread.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any

import numpy as np
import scipy.sparse as sp

from recommender import models
from recommender.data import Interactions
from recommender.evaluate import (
    RELEVANCE,
    Truth,
    model_scorer,
    oracle_scorer,
    random_scorer,
    ranking_metrics,
    split_holdout,
    summarise,
    validation_folds,
)
from recommender.model import ServingModel
from recommender.models.base import Signal, TrainingData, params_dict, params_with
from recommender.models.blend import combine

FACTOR_FAMILIES = ("svd", "als")
NEIGHBOUR_FAMILIES = ("ease", "dlae", "knn")
BLEND_WEIGHTS = (0.25, 0.5, 0.75)
DEFAULT_CANDIDATES = ("svd", "als", "ease", "dlae", "knn", "popularity")
SELECTION_PROFILES = 2000  # validation profiles sampled when choosing (all of them below this)
PARALLEL_FROM = 100_000  # signals from which candidates are fitted in worker processes
WORKERS = 2  # at most, and no more than the CPUs the caller may use (a scheduled retrain's)


Folds = Sequence[tuple[Interactions, Interactions]]  # (fit, validation) splits


@dataclass
class Tuned:
    name: str
    params: Any
    model: ServingModel  # fitted on the first fold's fit part
    validation: dict  # figures averaged over the folds
    seconds: float
    tried: list[dict] = field(default_factory=list)
    fold_models: list[ServingModel] = field(default_factory=list)  # one per fold


def _score(model: ServingModel, fit: Interactions, val: Interactions,
           item_ids: np.ndarray) -> dict:
    return ranking_metrics(model_scorer(model, fit), fit, val, item_ids,
                           max_profiles=SELECTION_PROFILES)


def _mean_figures(rows: list[dict]) -> dict:
    """Each figure averaged over the folds (None when any fold has none)."""
    out = {}
    for key, value in rows[0].items():
        values = [r.get(key) for r in rows]
        out[key] = (None if any(v is None for v in values)
                    else float(np.mean(values)) if isinstance(value, float) else value)
    return out


def _score_folds(fold_models: list[ServingModel], folds: Folds, item_ids: np.ndarray) -> dict:
    return _mean_figures([_score(m, fit, val, item_ids)
                          for m, (fit, val) in zip(fold_models, folds, strict=True)])


def _fit_timed(name: str, fit: Interactions, item_ids: np.ndarray, params: Any):
    start = time.perf_counter()
    model = models.fit(name, fit, item_ids, params)
    return model, time.perf_counter() - start


def _cpus_here() -> int:
    """CPUs the calling thread may run on (a scheduled retrain is confined to some)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _fit_all(jobs: list[tuple[str, Any]], fit: Interactions, item_ids: np.ndarray) -> list:
    """Fit every (family, params) job: in two worker processes on large data (the 2-core
    target; Surprise's SGD is single-threaded), else here. Failures come back as exceptions."""
    def run_here(name, params):
        try:
            return _fit_timed(name, fit, item_ids, params)
        except ValueError as exc:
            return exc
    workers = min(WORKERS, _cpus_here())
    if len(fit) < PARALLEL_FROM or len(jobs) < 2 or workers < 2:
        return [run_here(n, p) for n, p in jobs]
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        # Slowest first (Surprise SVD), so the other worker takes the rest meanwhile.
        order = sorted(range(len(jobs)), key=lambda i: jobs[i][0] != "svd")
        futures = {i: pool.submit(_fit_timed, jobs[i][0], fit, item_ids, jobs[i][1])
                   for i in order}
        out = []
        for i in range(len(jobs)):
            try:
                out.append(futures[i].result())
            except ValueError as exc:
                out.append(exc)
        return out


def tune(name: str, folds: Folds, item_ids: np.ndarray,
         grid: Iterable[dict] | None = None, base: Any = None) -> Tuned:
    """The best point of a family's grid on validation (the default params when no grid)."""
    return tune_many([name], folds, item_ids, {name: grid} if grid is not None else None,
                     {name: base} if base is not None else None)[name]


def tune_many(names: Iterable[str], folds: Folds, item_ids: np.ndarray,
              grids: dict[str, Iterable[dict]] | None = None,
              bases: dict[str, Any] | None = None) -> dict[str, Tuned]:
    """`tune` for several families, their fits done together (in parallel on large data).
    Each grid point is fitted on every fold's fit part and judged by its figures averaged over
    the folds. A family whose fits fail for lack of data (ValueError) is left out."""
    jobs = []
    for name in names:
        family = models.FAMILIES[name]
        base = (bases or {}).get(name) or family.params()
        grid = (grids or {}).get(name)
        for point in list(grid if grid is not None else family.grid) or [{}]:
            jobs.append((name, point, params_with(base, point)))
    per_fold = [_fit_all([(n, p) for n, _, p in jobs], fit, item_ids) for fit, _ in folds]
    out: dict[str, Tuned] = {}
    for j, (name, point, params) in enumerate(jobs):
        results = [fold[j] for fold in per_fold]
        if any(isinstance(r, Exception) for r in results):
            continue
        fold_models = [model for model, _ in results]
        seconds = results[0][1]
        metrics = _score_folds(fold_models, folds, item_ids)
        best = out.get(name)
        if best is None:
            out[name] = best = Tuned(name, params, fold_models[0], metrics, seconds,
                                     fold_models=fold_models)
        elif metrics["ndcg@10"] > best.validation["ndcg@10"] + 1e-12:
            best.params, best.model, best.validation, best.seconds = (params, fold_models[0],
                                                                      metrics, seconds)
            best.fold_models = fold_models
        best.tried.append({"params": point, "ndcg@10": metrics["ndcg@10"],
                           "fit_seconds": round(seconds, 3)})
    return out


def blend_of(pairs: list[tuple[Tuned, Tuned]], folds: Folds, item_ids: np.ndarray,
             weights=BLEND_WEIGHTS) -> Tuned:
    """The best blend on validation over the pairs (first part, item-item part) and weights,
    each combined from the parts' own fits on every fold."""
    datas = [TrainingData.build(fit, item_ids) for fit, _ in folds]
    best: Tuned | None = None
    tried = []
    for first, second in pairs:
        for w in weights:
            start = time.perf_counter()
            fold_models = [combine(a, b, data, w) for a, b, data in
                           zip(first.fold_models, second.fold_models, datas, strict=True)]
            seconds = first.seconds + second.seconds + (time.perf_counter() - start) / len(datas)
            metrics = _score_folds(fold_models, folds, item_ids)
            tried.append({"params": {"parts": f"{first.name}+{second.name}", "weight": w},
                          "ndcg@10": metrics["ndcg@10"]})
            if best is None or metrics["ndcg@10"] > best.validation["ndcg@10"] + 1e-12:
                params = models.BlendParams(first.name, second.name, w)
                best = Tuned("blend", params, fold_models[0], metrics, seconds,
                             fold_models=fold_models)
    best.tried = tried
    return best


def blend_pairs(tuned: dict[str, Tuned]) -> list[tuple[Tuned, Tuned]]:
    """What may blend: the best factor model with the best item-item model, and the two best
    item-item models when they read the same signal (their sum is one item-item matrix)."""
    def ndcg(t: Tuned) -> float:
        return t.validation["ndcg@10"]
    factors = sorted((tuned[n] for n in FACTOR_FAMILIES if n in tuned), key=ndcg, reverse=True)
    items = sorted((tuned[n] for n in NEIGHBOUR_FAMILIES if n in tuned), key=ndcg, reverse=True)
    pairs = [(factors[0], items[0])] if factors and items else []
    if len(items) >= 2 and Signal.of(items[0].model) == Signal.of(items[1].model):
        pairs.append((items[0], items[1]))
    return pairs


@dataclass
class Choice:
    champion: Tuned
    tuned: dict[str, Tuned]

    def table(self) -> dict[str, dict]:
        """Every candidate's validation figures and chosen params (for the model card)."""
        return {name: {"ndcg@10": t.validation["ndcg@10"],
                       "recall@20": t.validation["recall@20"],
                       "coverage": t.validation["coverage"],
                       "fit_seconds": round(t.seconds, 3),
                       "serving_memory_bytes": t.model.memory_bytes(),
                       "params": params_dict(t.params)}
                for name, t in self.tuned.items()}


def choose(folds: Folds, item_ids: np.ndarray,
           candidates: Iterable[str] = DEFAULT_CANDIDATES, *, blend: bool = True,
           grids: dict[str, list[dict]] | None = None,
           on_step: Callable[[str], None] | None = None) -> Choice:
    """Tune the candidates on the (fit, validation) folds (`evaluate.selection_folds` or
    `validation_folds`), add the best blend, return the best by mean validation NDCG@10."""
    candidates = tuple(candidates)
    if on_step:
        on_step(", ".join(candidates))
    # A family with too little data for every fit (ValueError) simply does not compete.
    tuned = tune_many(candidates, folds, item_ids, grids)
    pairs = blend_pairs(tuned) if blend else []
    if pairs:
        if on_step:
            on_step("blend")
        tuned["blend"] = blend_of(pairs, folds, item_ids)
    if not tuned:
        raise ValueError("no candidate could be trained on this data")
    champion = max(tuned.values(), key=lambda t: t.validation["ndcg@10"])
    return Choice(champion, tuned)


def refit(tuned: Tuned, inter: Interactions, item_ids: np.ndarray,
          parts: dict[str, Tuned]) -> ServingModel:
    """The chosen model again, on more data, with the params validation chose."""
    if tuned.name == "blend":
        p = tuned.params
        return models.fit("blend", inter, item_ids, p,
                          parts={p.factor_family: parts[p.factor_family].params,
                                 p.neighbour_family: parts[p.neighbour_family].params})
    return models.fit(tuned.name, inter, item_ids, tuned.params)


def compare(inter: Interactions, item_ids: np.ndarray, *, seeds: Iterable[int] = (0, 1, 2),
            candidates: Iterable[str] = DEFAULT_CANDIDATES,
            features: sp.csr_matrix | None = None, truth: Truth | None = None,
            on_step: Callable[[str], None] | None = None) -> dict:
    """`streamsim evaluate`: every family and the production choice over several splits.

    Per split seed: test = 20% of each profile's signals; validation = 20% of the rest
    (onboarding picks are never held out of either: recommender/evaluate.py). Each
    family is tuned on validation, then refitted on the whole training part and measured on
    test. `production` is the champion the retrain rule picks on validation."""
    item_ids = np.asarray(item_ids, np.int64)
    candidates = tuple(candidates)
    per: dict[str, list[dict]] = {}
    chosen: dict[str, list] = {}
    splits = []
    for seed in seeds:
        train, test = split_holdout(inter, seed=seed)
        folds = validation_folds(train, seed)
        splits.append({"seed": seed, "train": len(train), "test": len(test),
                       "validation": len(folds[0][1]), "validation_folds": len(folds)})
        names = tuple(dict.fromkeys((*candidates, *models.FAMILIES)))
        names = tuple(n for n in names if models.FAMILIES[n].servable)
        choice = choose(folds, item_ids, names,
                        on_step=(lambda n, s=seed: on_step(f"seed {s}: tuning {n}"))
                        if on_step else None)
        eligible = {n: t for n, t in choice.tuned.items()
                    if n in candidates or n == "blend"}
        champion = max(eligible.values(), key=lambda t: t.validation["ndcg@10"])
        for name, tuned in [*choice.tuned.items(), ("production", champion)]:
            start = time.perf_counter()
            model = refit(tuned, train, item_ids, choice.tuned)
            seconds = time.perf_counter() - start
            row = ranking_metrics(model_scorer(model, train), train, test, item_ids,
                                  features=features, truth=truth)
            row.update(fit_seconds=seconds, memory_bytes=model.memory_bytes(),
                       validation_ndcg=tuned.validation["ndcg@10"])
            per.setdefault(name, []).append(row)
            chosen.setdefault(name, []).append(
                {"seed": seed, "model": tuned.name, "params": params_dict(tuned.params)})
        rnd = ranking_metrics(random_scorer(item_ids, seed), train, test, item_ids,
                              features=features, truth=truth)
        per.setdefault("random", []).append({**rnd, "fit_seconds": 0.0, "memory_bytes": 0})
        if truth is not None:
            oracle = ranking_metrics(oracle_scorer(truth), train, test, item_ids,
                                     features=features, truth=truth)
            per.setdefault("oracle", []).append({**oracle, "fit_seconds": 0.0,
                                                 "memory_bytes": 0})
    report: dict = {}
    for name, rows in per.items():
        report[name] = {**summarise(rows), "chosen": chosen.get(name, []),
                        "split": {"method": "per-profile random 80/20, onboarding picks "
                                            "never held out", "seeds": list(seeds),
                                  "validation": "20% of each profile's training signals "
                                                "(onboarding picks stay in the fit part); "
                                                "three such splits averaged under 100,000 "
                                                "signals",
                                  "relevance": RELEVANCE, "splits": splits}}
    base = report["popularity"]["ndcg@10"] or 1e-12
    for row in report.values():
        row["x_popularity"] = row["ndcg@10"] / base
    return report
