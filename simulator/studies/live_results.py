"""A live experiment's results: per-profile outcomes read from the site's tables, analysed with
simulator.studies.live_stats (what the educator's results page shows; docs/experiments.md).

The unit is the exposed profile (`live_exposures`): its outcomes count from its first exposure
to the experiment's stop (or now); its pre-period is the PRE_DAYS days before that first
exposure (CUPED's covariate). Metrics (core.experiments.METRICS):

- watch minutes, plays per profile, return rate (it came back on a later day): per-profile
  means, Welch's t-test, CUPED on the pre-period's value of the same metric (return rate: the
  pre-period's plays), and the mSPRT beside the fixed-horizon p;
- click-through (plays / titles shown on the home page), completion and abandonment
  (finished / stopped before 30% of the runtime, over plays): ratios of sums, the delta
  method over profiles.

Where the simulator knows the truth (simulated profiles have hidden tastes), the page adds the
true enjoyment of what each variant's profiles started (taste . features + quality, from the
hidden tables; never read by a recommender), and an A/A experiment's true effect is 0 on every
metric by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from core.experiments import METRICS, Running
from core.models import Episode, Impression, LiveExperiment, LiveExposure, Title, Viewing
from simulator.studies import live_stats as ls
from simulator.studies.metrics import ABANDON_BELOW
from simulator.viewers.world import expected_utility

PRE_DAYS = 14
MEAN_METRICS = ("watch_minutes", "plays", "return_rate")
RATIO_METRICS = {"ctr": ("plays", "shown"), "completion": ("completed", "plays"),
                 "abandonment": ("abandoned", "plays")}
COVARIATE = {"watch_minutes": "pre_minutes", "plays": "pre_plays", "return_rate": "pre_plays"}


@dataclass
class Outcomes:
    """One row per exposed profile (ordered by profile id)."""

    profile_ids: np.ndarray
    variant: np.ndarray  # variant names
    exposed_at: list[datetime]
    columns: dict[str, np.ndarray] = field(default_factory=dict)

    def __getitem__(self, key: str) -> np.ndarray:
        if key == "watch_minutes":
            return self.columns["minutes"]
        if key == "return_rate":
            return self.columns["returned"]
        return self.columns[key]

    def __len__(self) -> int:
        return len(self.profile_ids)


def load_outcomes(session: Session, experiment_id: int, until: datetime) -> Outcomes:
    """Exposed profiles' outcomes in [first exposure, until) and their pre-period."""
    exposed = session.execute(
        select(LiveExposure.profile_id, LiveExposure.variant, LiveExposure.first_exposed_at)
        .where(LiveExposure.experiment_id == experiment_id,
               LiveExposure.first_exposed_at < until)
        .order_by(LiveExposure.profile_id)).all()
    pids = np.array([r[0] for r in exposed], dtype=np.int64)
    at = [r[2] for r in exposed]
    index = {int(p): i for i, p in enumerate(pids)}
    n = len(pids)
    cols = {k: np.zeros(n) for k in ("minutes", "plays", "completed", "abandoned", "shown",
                                     "returned", "pre_minutes", "pre_plays")}
    joined = and_(LiveExposure.experiment_id == experiment_id,
                  LiveExposure.profile_id == Viewing.profile_id)
    runtime = func.coalesce(Episode.runtime_seconds, Title.runtime_minutes * 60)
    for pid, started, watched, completed, furthest, run_s in session.execute(
            select(Viewing.profile_id, Viewing.started_at, Viewing.watched_s, Viewing.completed,
                   Viewing.furthest_s, runtime)
            .join(LiveExposure, joined).join(Title, Title.id == Viewing.title_id)
            .outerjoin(Episode, Episode.id == Viewing.episode_id)
            .where(Viewing.started_at < until)):
        i = index.get(pid)
        if i is None:
            continue
        if started >= at[i]:
            cols["minutes"][i] += watched / 60.0
            cols["plays"][i] += 1
            cols["completed"][i] += bool(completed)
            cols["abandoned"][i] += (not completed) and furthest < ABANDON_BELOW * (run_s or 1)
        elif started >= at[i] - timedelta(days=PRE_DAYS):
            cols["pre_minutes"][i] += watched / 60.0
            cols["pre_plays"][i] += 1
    imp = and_(LiveExposure.experiment_id == experiment_id,
               LiveExposure.profile_id == Impression.profile_id,
               Impression.shown_at >= LiveExposure.first_exposed_at)
    for pid, shown, last in session.execute(
            select(Impression.profile_id,
                   func.sum(case((Impression.surface == "home",
                                  func.json_array_length(Impression.title_ids)), else_=0)),
                   func.max(Impression.shown_at))
            .join(LiveExposure, imp).where(Impression.shown_at < until)
            .group_by(Impression.profile_id)):
        i = index.get(pid)
        if i is None:
            continue
        cols["shown"][i] = float(shown or 0)
        next_day = datetime.combine(at[i].date() + timedelta(days=1), datetime.min.time())
        cols["returned"][i] = float(last is not None and last >= next_day)
    return Outcomes(pids, np.array([r[1] for r in exposed], dtype=object), at, cols)


def compare(out: Outcomes, control: str, treatment: str, metrics) -> list[dict]:
    """Each metric, treatment vs control: estimates, CI, p (fixed horizon), sequential p,
    CUPED's variance ratio; Holm's adjustment across the metrics of this comparison."""
    a, b = out.variant == control, out.variant == treatment
    rows = []
    for key in metrics:
        row = {"metric": key, "label": METRICS[key], "n_control": int(a.sum()),
               "n_treatment": int(b.sum())}
        if a.sum() < 2 or b.sum() < 2:
            rows.append(row | {"test": None})
            continue
        if key in RATIO_METRICS:
            num, den = RATIO_METRICS[key]
            ka, kb = a & (out[den] > 0), b & (out[den] > 0)
            if ka.sum() < 2 or kb.sum() < 2:
                rows.append(row | {"test": None})
                continue
            test = ls.ratio_test(out[num][ka], out[den][ka], out[num][kb], out[den][kb])
            row |= {"test": test, "kind": "ratio (delta method)", "sequential": _seq_ratio(test)}
        else:
            y = out[key]
            test = ls.welch(y[a], y[b])
            c = ls.cuped(y[a | b], out[COVARIATE[key]][a | b])
            adj = np.empty(len(y))
            adj[a | b] = c.adjusted
            cuped_test = ls.welch(adj[a], adj[b])
            row |= {"test": test, "kind": "mean (Welch)",
                    "sequential": ls.sequential(y[a], y[b]),
                    "cuped": {"test": cuped_test, "variance_ratio": c.variance_ratio,
                              "rho": c.rho, "theta": c.theta}}
        rows.append(row)
    tested = [r for r in rows if r.get("test") is not None]
    for r, adj in zip(tested, ls.holm([r["test"].p for r in tested]), strict=True):
        r["holm_p"] = adj
    return rows


def _seq_ratio(test: ls.Test) -> dict:
    """mSPRT on a ratio's difference, its delta-method variance as V; the mixture's spread
    TAU_SD of the ratio's own scale (its control value)."""
    tau2 = (ls.TAU_SD * max(abs(test.control), 1e-9)) ** 2
    lam = ls.msprt(test.diff, test.se ** 2, tau2)
    return {"lambda": lam, "p": min(1.0, 1.0 / lam), "tau2": tau2}


def true_enjoyment(session: Session, experiment_id: int, out: Outcomes,
                   until: datetime) -> dict[str, float] | None:
    """Mean true enjoyment (hidden taste . features + quality) of the titles each variant's
    exposed profiles started after exposure; None when none of them is simulated."""
    if not len(out):
        return None
    at = dict(zip(out.profile_ids.tolist(), out.exposed_at, strict=True))
    arm = dict(zip(out.profile_ids.tolist(), out.variant.tolist(), strict=True))
    pairs, days = [], {}
    for pid, tid, started in session.execute(
            select(Viewing.profile_id, Viewing.title_id, Viewing.started_at)
            .join(LiveExposure, and_(LiveExposure.experiment_id == experiment_id,
                                     LiveExposure.profile_id == Viewing.profile_id))
            .where(Viewing.started_at < until, Viewing.started_at >= LiveExposure.first_exposed_at)
            .distinct()):
        if pid in at:
            pairs.append((pid, tid))
            days[(pid, tid)] = started.date()
    truth = expected_utility(session, pairs, days)
    if not truth:
        return None
    by_arm: dict[str, list[float]] = {}
    for (pid, _tid), u in truth.items():
        by_arm.setdefault(arm[pid], []).append(u)
    return {k: float(np.mean(v)) for k, v in by_arm.items()}


def activity_end(session: Session, now: datetime) -> datetime:
    """Where a running experiment's outcomes end (and a stop is dated): now, or after the
    newest impression when simulated days ran past today (`streamsim fast-forward` may)."""
    newest = session.scalar(select(func.max(Impression.shown_at)))
    return max(now, newest + timedelta(seconds=1)) if newest is not None else now


def analyse(session: Session, exp: LiveExperiment, now: datetime) -> dict:
    """Everything the results page shows, SRM first."""
    until = exp.stopped_at or activity_end(session, now)
    snap = Running.of(exp) if exp.started_at else None
    out = load_outcomes(session, exp.id, until)
    names = [v["name"] for v in exp.variants]
    counts = [int((out.variant == n).sum()) for n in names]
    chi2, p = ls.srm(counts, [v["weight"] for v in exp.variants])
    metrics = [exp.primary_metric, *[g for g in exp.guardrails if g != exp.primary_metric]]
    comparisons = [{"treatment": t, "rows": compare(out, names[0], t, metrics)}
                   for t in names[1:]]
    is_aa = bool(snap and snap.is_aa)
    truth = true_enjoyment(session, exp.id, out, until)
    return {"variants": [{"name": n, "weight": v["weight"], "exposed": c,
                          "sets": v["sets"]} for n, v, c in zip(names, exp.variants, counts,
                                                                strict=True)],
            "srm": {"chi2": chi2, "p": p, "flagged": p < ls.SRM_ALPHA and sum(counts) > 0},
            "control": names[0], "comparisons": comparisons, "exposed": len(out),
            "is_aa": is_aa, "truth_enjoyment": truth, "until": until,
            "alpha": ls.ALPHA}
