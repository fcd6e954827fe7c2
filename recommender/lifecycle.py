"""One retrain, start to finish: lock, record, train the candidates, choose, gate, publish, prune.

Champion/challenger: each retrain trains every candidate the settings name
(STREAMSIM_REC_CANDIDATES) and, when STREAMSIM_REC_BLEND is on, a blend of the best factor
model and the best item-item model, on a per-profile 80/20 split of the site's own data; the
best on the held-out part is the champion (recommender/selection.py). The champion must beat
popularity on that split, and must not fall more than `tolerance` (relative) below the serving
model's figure; then it is refitted on all the data and published. Every candidate's figures
are recorded in the JobRun (`report`) and, for a published model, in its card, so the model
page shows them for each retrain. A model an educator has pinned is never replaced: the
retrain is then skipped and says so.

Only one retrain runs at a time per model folder (a non-blocking file lock); a second one
returns "busy" at once. A failed or rejected run never publishes; the last good model serves.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from core.clock import Clock, system_clock
from core.db import Database
from core.locks import exclusive, is_held
from core.models import JobRun
from core.settings import Settings
from recommender import artifacts
from recommender.data import SignalMapping, catalog_arrays, load_interactions
from recommender.evaluate import selection_folds
from recommender.models.content import attach, load_favourite_genres, load_title_tags
from recommender.selection import choose, refit

log = logging.getLogger(__name__)
JOB = "train"
TOLERANCE = 0.05


@dataclass
class Outcome:
    status: str  # ok | rejected | failed | busy | skipped
    version: str | None = None
    detail: str = ""
    metrics: dict | None = None
    report: dict | None = None


def gate(metrics: dict, serving: dict | None, tolerance: float = TOLERANCE) -> str | None:
    """None if the candidate may serve, else the reason it may not."""
    ndcg, pop = metrics["ndcg@10"], metrics["popularity_ndcg@10"]
    if not ndcg > pop:
        return f"NDCG@10 {ndcg:.4f} does not beat popularity {pop:.4f}"
    old = ((serving or {}).get("metrics") or {}).get("ndcg@10")
    if old is not None and ndcg < old * (1 - tolerance):
        return f"NDCG@10 {ndcg:.4f} is worse than the serving model's {old:.4f}"
    return None


def _record(db: Database, run_id: int | None, clock: Clock, **fields) -> int:
    with db.write() as s:
        if run_id is None:
            run = JobRun(job=JOB, started_at=clock.now(), status="running", detail="")
            s.add(run)
            s.flush()
            return run.id
        run = s.get(JobRun, run_id)
        for name, value in fields.items():
            setattr(run, name, value)
        run.finished_at = clock.now()
        return run_id


def candidate_grids(settings: Settings) -> dict[str, list[dict]]:
    """One point per family: its defaults, with the SVD size the settings give."""
    return {"svd": [{"factors": settings.rec_factors, "epochs": settings.rec_epochs}]}


def train_lock(settings: Settings) -> Path:
    return Path(settings.model_dir) / ".train.lock"


def settle_interrupted(db: Database, settings: Settings, clock: Clock = system_clock) -> int:
    """Mark retrains left "running" by a process that stopped (killed, out of memory, the
    machine restarted) as failed; returns how many. A retrain holds the train lock for as long
    as it runs, and the system drops the lock when its process ends, so with the lock free no
    retrain is running. Safe to call from any process at any time."""
    if is_held(train_lock(settings)):
        return 0
    return _fail_running(db, clock)


def _fail_running(db: Database, clock: Clock, *, except_id: int | None = None) -> int:
    with db.write() as s:
        stale = s.scalars(select(JobRun).where(JobRun.job == JOB, JobRun.status == "running",
                                               JobRun.id != (except_id or -1))).all()
        for run in stale:
            run.status, run.finished_at = "failed", clock.now()
            run.detail = ("The process running this retrain stopped before it finished "
                          "(killed or restarted); the serving model was not changed.")
        return len(stale)


def retrain(db: Database, settings: Settings, *, clock: Clock = system_clock,
            tolerance: float = TOLERANCE, select: Callable = choose) -> Outcome:
    """Train once and publish the champion if it passes the gate. Never raises for a bad run."""
    with exclusive(train_lock(settings)) as got:
        if not got:
            log.info("retrain skipped: another retrain holds the lock")
            return Outcome("busy", detail="another retrain is running")
        _fail_running(db, clock)  # we hold the lock: any other "running" retrain has died
        run_id = _record(db, None, clock)
        try:
            outcome = _train_and_publish(db, settings, clock, tolerance, select)
        except Exception as exc:  # any failure leaves the serving model alone
            log.exception("retrain failed")
            outcome = Outcome("failed", detail=f"{type(exc).__name__}: {exc}"[:2000])
        _record(db, run_id, clock, status=outcome.status, detail=outcome.detail,
                model_version=outcome.version,
                report=json.dumps(outcome.report, sort_keys=True) if outcome.report else None)
        update_artwork(db, settings, clock)
        return outcome


def update_artwork(db: Database, settings: Settings, clock: Clock = system_clock) -> int:
    """The artwork bandit's batch update from the event log, after each retrain (whatever
    its outcome) and with the serving model's communities; never raises (a failure leaves
    the bandit's state as it was). Returns the trials added."""
    from recommender import artwork_bandit

    try:
        model = artifacts.load_serving(Path(settings.model_dir))
        with db.read() as s:
            return artwork_bandit.refresh(s, Path(settings.model_dir), clock.now(), model)
    except Exception:
        log.exception("artwork bandit update failed")
        return 0


def _train_and_publish(db: Database, settings: Settings, clock: Clock, tolerance: float,
                       select: Callable) -> Outcome:
    now = clock.now()
    model_dir = Path(settings.model_dir)
    pinned = artifacts.pinned_version(model_dir)
    if pinned:
        return Outcome("skipped", version=None,
                       detail=f"model {pinned} is pinned by an educator; unpin it to publish")
    mapping = SignalMapping(half_life_days=settings.rec_half_life_days)
    with db.read() as s:
        inter = load_interactions(s, now, mapping)
        item_ids, _, _ = catalog_arrays(s)
        tags = load_title_tags(s, item_ids)
        favourites = load_favourite_genres(s)
    if len(inter) == 0:
        raise ValueError("no training signals: nothing to learn from yet")
    start = time.perf_counter()
    folds = selection_folds(inter)
    candidates = tuple(dict.fromkeys((*settings.rec_candidates, "popularity")))
    choice = select(folds, item_ids, candidates, blend=settings.rec_blend,
                    grids=candidate_grids(settings))
    champion = choice.champion
    popularity = choice.tuned["popularity"].validation["ndcg@10"]
    metrics = {**{k: v for k, v in champion.validation.items() if k != "diversity"},
               "popularity_ndcg@10": popularity}
    report = {"chosen": champion.name, "candidates": choice.table(),
              "split": ("per-profile random 80/20 of the site's signals (seed 0); "
                        "onboarding picks always train")}
    serving_version = artifacts.current_version(model_dir)
    serving = artifacts.card(model_dir, serving_version) if serving_version else None
    reason = gate(metrics, serving, tolerance)
    if reason:
        return Outcome("rejected", detail=f"{champion.name}: {reason}", metrics=metrics,
                       report=report)
    model = refit(champion, inter, item_ids, choice.tuned)
    # Cold start: new profiles' picks through their tags, and the genres they said they like.
    attach(model, inter, item_ids, tags, favourites=favourites)
    seconds = time.perf_counter() - start
    model.version = artifacts.new_version(model_dir, now)
    card = {"trained_at": now.isoformat(), "training_seconds": round(seconds, 3),
            "data": {"signals": len(inter), "profiles": int(len(set(inter.users.tolist()))),
                     "titles": int(item_ids.size)},
            "metrics": metrics, "mapping": "recommender.data", **report}
    artifacts.save(model_dir, model, card)
    artifacts.load(model_dir, model.version)  # read it back before anyone serves it
    artifacts.set_current(model_dir, model.version)
    artifacts.prune(model_dir, settings.rec_keep_versions)
    detail = (f"{champion.name}: NDCG@10 {metrics['ndcg@10']:.4f} vs popularity "
              f"{popularity:.4f}; {len(inter)} signals; {seconds:.1f}s")
    return Outcome("ok", version=model.version, detail=detail, metrics=metrics, report=report)
