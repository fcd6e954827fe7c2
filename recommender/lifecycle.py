"""One retrain, start to finish: lock, record, train, measure, gate, publish, prune.

Only one retrain runs at a time per model folder (a non-blocking file lock); a second one
returns "busy" at once. Every run that starts is recorded as a JobRun (running, then ok,
rejected or failed, with a detail line), so failures are visible on the model page and health.
The quality gate: the new model must beat popularity on holdout NDCG@10, and must not fall
more than `tolerance` (relative) below the serving model's holdout NDCG@10. A failed or
rejected model is never published; the last good one keeps serving.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from core.clock import Clock, system_clock
from core.db import Database
from core.models import JobRun
from core.settings import Settings
from recommender import artifacts
from recommender.data import SignalMapping, catalog_arrays, load_interactions
from recommender.evaluate import holdout_metrics
from recommender.train import TrainParams, fit_top_picks, params_from

log = logging.getLogger(__name__)
JOB = "train"
TOLERANCE = 0.05


@dataclass
class Outcome:
    status: str  # ok | rejected | failed | busy
    version: str | None = None
    detail: str = ""
    metrics: dict | None = None


@contextmanager
def exclusive(path: Path) -> Iterator[bool]:
    """A non-blocking exclusive file lock; yields whether we got it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


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


def retrain(db: Database, settings: Settings, *, clock: Clock = system_clock,
            params: TrainParams | None = None, tolerance: float = TOLERANCE,
            fit: Callable = fit_top_picks) -> Outcome:
    """Train once and publish the model if it passes the gate. Never raises for a bad run."""
    model_dir = Path(settings.model_dir)
    with exclusive(model_dir / ".train.lock") as got:
        if not got:
            log.info("retrain skipped: another retrain holds the lock")
            return Outcome("busy", detail="another retrain is running")
        run_id = _record(db, None, clock)
        try:
            outcome = _train_and_publish(db, settings, clock, params, tolerance, fit)
        except Exception as exc:  # any failure leaves the serving model alone
            log.exception("retrain failed")
            outcome = Outcome("failed", detail=f"{type(exc).__name__}: {exc}"[:2000])
        _record(db, run_id, clock, status=outcome.status, detail=outcome.detail,
                model_version=outcome.version)
        return outcome


def _train_and_publish(db: Database, settings: Settings, clock: Clock,
                       params: TrainParams | None, tolerance: float, fit: Callable) -> Outcome:
    params = params or params_from(settings)
    now = clock.now()
    mapping = SignalMapping(half_life_days=settings.rec_half_life_days)
    with db.read() as s:
        inter = load_interactions(s, now, mapping)
        item_ids, _, _ = catalog_arrays(s)
    start = time.perf_counter()
    metrics = holdout_metrics(inter, item_ids, params)
    model = fit(inter, item_ids, params)
    seconds = time.perf_counter() - start
    model_dir = Path(settings.model_dir)
    serving_version = artifacts.current_version(model_dir)
    serving = artifacts.card(model_dir, serving_version) if serving_version else None
    reason = gate(metrics, serving, tolerance)
    if reason:
        return Outcome("rejected", detail=reason, metrics=metrics)
    model.version = artifacts.new_version(model_dir, now)
    card = {"trained_at": now.isoformat(), "training_seconds": round(seconds, 3),
            "data": {"signals": len(inter), "profiles": int(len(set(inter.users.tolist()))),
                     "titles": int(item_ids.size)},
            "params": params.as_dict(), "metrics": metrics, "mapping": "recommender.data"}
    artifacts.save(model_dir, model, card)
    artifacts.load(model_dir, model.version)  # read it back before anyone serves it
    artifacts.set_current(model_dir, model.version)
    artifacts.prune(model_dir, settings.rec_keep_versions)
    detail = (f"NDCG@10 {metrics['ndcg@10']:.4f} vs popularity "
              f"{metrics['popularity_ndcg@10']:.4f}; {len(inter)} signals; {seconds:.1f}s")
    return Outcome("ok", version=model.version, detail=detail, metrics=metrics)
