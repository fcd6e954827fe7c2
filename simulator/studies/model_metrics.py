"""Model metrics of arms whose policy trains a model (svd), computed by the simulator.

The recommender never sees ground truth: these figures are computed here, from the policy's
trained `ServingModel` (its public arrays) and the simulator's truth, at the end of each day
(after that day's retrain, if any).

Both figures compare a fitted *preference* with preferences, so they are defined only for a
model whose score is one: a factor model (svd, als), whose mu + b_u + b_i + p_u . q_i is
fitted to 0..1 targets. An item-item model (ease, knn), a blend (it adds an item-item part)
and popularity score titles on no preference scale (sums of similarities, a shared list), so
for them both figures are None, and model_log.json says why (`model_metrics_note`).

- model_rmse_truth: over every (profile, title) the profile has watched so far in the run,
  for profiles the model has user factors for: the model's fitted preference
  mu + b_u + b_i + p_u . q_i (without any popularity prior, which is a ranking blend, not a
  preference), clipped to [0, 1], against the ground-truth rating: the thumbs the simulator
  gives from the title's true utility today without rating noise (`behaviour.true_thumbs`:
  -1 / 1 / 2), put on the same [0, 1] preference scale by the recommender's own data mapping
  (`SignalMapping().thumbs`: 0.0 / 0.85 / 1.0). Root of the mean squared difference over all
  those pairs.
- model_holdout_rmse: per retrain, the policy's training signals are split per profile 80/20
  (`recommender.evaluate.split_holdout`, seeded), the same model (the family and params the
  policy serves, `policy.refit`) is fitted on the 80%, and this is the RMSE of its clipped
  fitted preference against the held-out signals' preferences (all signals, implicit
  included). Carried until the next retrain. No ground truth involved.
- train_seconds (wall clock of each retrain, the policy's own timing) and the family serving
  (`model`): logged per retrain in model_log.json only, so summary.json and metrics.csv stay
  byte-identical for a seed.
Days before the first model, arms without a model and models without a preference: None
(empty in CSV, null in JSON).
"""

from __future__ import annotations

import numpy as np

from recommender.data import SignalMapping
from recommender.evaluate import split_holdout
from recommender.model import ServingModel
from simulator.viewers.behaviour import true_thumbs

MODEL_METRICS = ("model_rmse_truth", "model_holdout_rmse")


def no_preference(model: ServingModel) -> str | None:
    """Why the model's scores are not a fitted preference, or None when they are."""
    if model.has_neighbours:
        return ("item-item scores (similarity sums over the history) are not on a "
                "preference scale")
    if not model.has_factors:
        return "no per-profile part: popularity scores are not a preference"
    return None


def fitted_preference(model: ServingModel, bu: float, pu: np.ndarray,
                      positions: np.ndarray) -> np.ndarray:
    """mu + b_u + b_i + p_u . q_i at item positions, clipped to the [0, 1] preference scale."""
    raw = model.global_mean + bu + model.bi[positions] + model.qi[positions] @ pu
    return np.clip(raw, 0.0, 1.0)


def truth_preference(utility: np.ndarray) -> np.ndarray:
    """Ground-truth thumbs (noise-free) on the recommender's [0, 1] preference scale."""
    scale = SignalMapping().thumbs
    return np.array([scale[int(t)][0] for t in true_thumbs(utility)], dtype=np.float64)


def rmse_against_truth(model: ServingModel, sim, watch_sets) -> float | None:
    """model_rmse_truth (see the module docstring); None when no pair qualifies or the model
    has no fitted preference."""
    if no_preference(model):
        return None
    sq, n = 0.0, 0
    for i, watched in enumerate(watch_sets):
        if not watched:
            continue
        vec = model.user_vector(int(sim.pop.profile_ids[i]))
        if vec is None:
            continue
        idx = np.fromiter(sorted(watched), np.int64)
        pos = model.item_positions(sim.catalog.title_ids[idx])
        keep = pos >= 0
        if not keep.any():
            continue
        pred = fitted_preference(model, vec[0], vec[1], pos[keep])
        err = pred - truth_preference(sim.utility(i)[idx[keep]])
        sq += float(err @ err)
        n += int(keep.sum())
    return float(np.sqrt(sq / n)) if n else None


def holdout_rmse(inter, fit, seed: int = 0) -> float | None:
    """model_holdout_rmse (see the module docstring): `fit(train) -> ServingModel` fits the
    serving model's family and params. None when the split leaves no test, or the model has
    no fitted preference."""
    train, test = split_holdout(inter, seed=seed)
    if len(train) == 0 or len(test) == 0:
        return None
    model = fit(train)
    if no_preference(model):
        return None
    sq = 0.0
    for u in np.unique(test.users).tolist():
        part = test.for_user(int(u))
        vec = model.user_vector(int(u))
        bu, pu = vec if vec is not None else (0.0, np.zeros(model.n_factors))
        pos = model.item_positions(part.items)
        pred = np.where(pos >= 0, fitted_preference(model, bu, pu, np.maximum(pos, 0)),
                        np.clip(model.global_mean + bu, 0.0, 1.0))
        sq += float(((pred - part.pref) ** 2).sum())
    return float(np.sqrt(sq / len(test)))


class ModelTracker:
    """End-of-day model figures for one arm; `log` holds one entry per retrain."""

    def __init__(self, sim, policy, watch_sets) -> None:
        self.sim, self.policy, self.watch_sets = sim, policy, watch_sets
        self.trainings = 0
        self.holdout: float | None = None
        self.log: list[dict] = []

    def day(self, day: int) -> dict[str, float | None]:
        model = getattr(self.policy, "model", None)
        if not isinstance(model, ServingModel):
            return dict.fromkeys(MODEL_METRICS)
        if getattr(self.policy, "trainings", 0) != self.trainings:
            self.trainings = self.policy.trainings
            inter = self.policy.interactions()
            note = no_preference(model)
            refit = getattr(self.policy, "refit", None)
            self.holdout = None if note or refit is None else holdout_rmse(inter, refit)
            seconds = getattr(self.policy, "train_seconds", None)
            entry = {"day": day, "signals": len(inter),
                     "model": getattr(self.policy, "chosen", None) or model.family,
                     "train_seconds": None if seconds is None else round(seconds, 4),
                     "holdout_rmse": _round(self.holdout)}
            if note:
                entry["model_metrics_note"] = note
            self.log.append(entry)
        return {"model_rmse_truth": _round(rmse_against_truth(model, self.sim, self.watch_sets)),
                "model_holdout_rmse": _round(self.holdout)}


def _round(v: float | None) -> float | None:
    return None if v is None or not np.isfinite(v) else round(float(v), 6)


def summarise_model(per_seed: dict[int, list[dict]], mean_ci) -> dict:
    """Per model metric: run mean (over days with a model) and last day, over seeds."""
    out = {}
    for m in MODEL_METRICS:
        runs = [np.mean(vals) for rs in per_seed.values()
                if (vals := [r[m] for r in rs if r.get(m) is not None])]
        last = [rs[-1][m] for rs in per_seed.values() if rs and rs[-1].get(m) is not None]
        out[m] = {"run_mean": mean_ci(runs) if runs else None,
                  "last_day": mean_ci(last) if last else None}
    return out
