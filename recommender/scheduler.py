"""The retrain schedule (APScheduler 3.x): one interval job, one scheduler per deployment.

`streamsim scheduler` runs a BlockingScheduler in its own process (multi-worker deployments);
the demo process may run a BackgroundScheduler in-app instead. Either way the scheduler first
takes an exclusive lock file in the instance folder and holds it for its lifetime, so a second
scheduler (another worker, another process) stands down. The job has max_instances=1,
coalesce=True and a misfire grace time; a status file records the last and next runs.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from threadpoolctl import threadpool_limits

from core.db import Database
from core.locks import try_lock, unlock
from core.settings import Settings
from recommender.lifecycle import retrain

log = logging.getLogger(__name__)
JOB_ID = "retrain"
MISFIRE_GRACE_S = 300
LOCK_NAME = "scheduler.lock"
STATUS_NAME = "scheduler.json"


def _lock_path(settings: Settings) -> Path:
    return Path(settings.instance_dir) / LOCK_NAME


def _status_path(settings: Settings) -> Path:
    return Path(settings.model_dir) / STATUS_NAME


def acquire_lock(settings: Settings) -> int | None:
    """The scheduler lock's fd (held until the process ends or release_lock), or None."""
    return try_lock(_lock_path(settings))


def release_lock(fd: int) -> None:
    unlock(fd)


def write_status(settings: Settings, **fields) -> None:
    path = _status_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    current = read_status(settings)
    current.update(fields)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(current, default=str, sort_keys=True))
    os.replace(tmp, path)


def read_status(settings: Settings) -> dict:
    try:
        return json.loads(_status_path(settings).read_text())
    except (OSError, ValueError):
        return {}


def status(settings: Settings) -> dict:
    """What the model page shows: is a scheduler holding the lock, last/next run, interval."""
    fd = acquire_lock(settings)
    running = fd is None
    if fd is not None:
        release_lock(fd)
    return {**read_status(settings), "running": running,
            "interval_minutes": settings.rec_retrain_minutes}


NICENESS = 10


def training_cpus(settings: Settings) -> set[int]:
    """The CPUs a scheduled retrain runs on: the highest-numbered `rec_train_cpus` of those the
    calling thread may use (half of them, at least one, when the setting is 0). Empty where the
    platform cannot say (training then runs wherever the OS puts it)."""
    try:
        allowed = sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return set()
    count = settings.rec_train_cpus or max(1, len(allowed) // 2)
    return set(allowed[-count:])


def lower_priority(cpus: set[int] | None = None) -> None:
    """Run training below the web workers (CPU goes to page requests first): Linux's
    SCHED_IDLE class where there is one (the thread runs only when no normal task wants the
    CPU), else a niceness of +10; and, given `cpus`, only on those CPUs, so the others keep
    their caches for page requests (the idle class alone left the page 1.5x slower at p99:
    the training's data evicted the pages' from the cores they shared; README, "Speed"). On
    Linux this changes only the calling thread (and what it starts: BLAS threads, worker
    processes), so an in-app scheduler leaves request threads alone."""
    try:
        tid = threading.get_native_id()
        current = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(current + NICENESS, 19))
    except (AttributeError, OSError):  # not supported here: train at normal priority
        return
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):  # not Linux, or not allowed: the niceness stays
        pass
    if cpus:
        try:
            os.sched_setaffinity(0, cpus)
        except (AttributeError, OSError):  # not Linux, or a CPU went away: run anywhere
            pass


@contextmanager
def background_training(cpus: set[int]) -> Iterator[None]:
    """The calling thread trains as background work: lower priority, on `cpus` only, with as
    many BLAS/OpenMP threads as those CPUs (more would only queue behind each other)."""
    lower_priority(cpus)
    with threadpool_limits(len(cpus) or None):
        yield


def add_retrain_job(scheduler: BaseScheduler, db: Database, settings: Settings) -> None:
    cpus = training_cpus(settings)  # from the adding thread, before any job confines itself

    def job() -> None:
        with background_training(cpus):
            outcome = retrain(db, settings)
        write_status(settings, last_run=datetime.now(UTC).isoformat(),
                     last_status=outcome.status, last_detail=outcome.detail)

    def on_event(event) -> None:
        if event.code == EVENT_JOB_ERROR:
            log.error("retrain job raised: %s", event.exception)
            write_status(settings, last_status="failed", last_detail=str(event.exception))
        elif event.code == EVENT_JOB_MISSED:
            log.warning("retrain job missed its run time")
        found = scheduler.get_job(JOB_ID)
        if found is not None and found.next_run_time is not None:
            write_status(settings, next_run=found.next_run_time.isoformat())

    scheduler.add_job(job, IntervalTrigger(minutes=settings.rec_retrain_minutes), id=JOB_ID,
                      name="Retrain the recommender", max_instances=1, coalesce=True,
                      misfire_grace_time=MISFIRE_GRACE_S, replace_existing=True)
    scheduler.add_listener(on_event, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)


def start_in_app(db: Database, settings: Settings) -> BackgroundScheduler | None:
    """The demo's in-process scheduler, only if no other scheduler holds the lock."""
    fd = acquire_lock(settings)
    if fd is None:
        log.info("another scheduler holds %s; not starting one in-app", _lock_path(settings))
        return None
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler._streamsim_lock_fd = fd  # released in stop()
    add_retrain_job(scheduler, db, settings)
    scheduler.start()
    write_status(settings, pid=os.getpid(), started=datetime.now(UTC).isoformat(), mode="in-app")
    return scheduler


def stop(scheduler: BaseScheduler) -> None:
    """Stop an in-app scheduler and release its lock (safe to call twice)."""
    if scheduler.running:
        scheduler.shutdown(wait=False)
    fd = getattr(scheduler, "_streamsim_lock_fd", None)
    if fd is not None:
        scheduler._streamsim_lock_fd = None
        release_lock(fd)


def run_blocking(db: Database, settings: Settings) -> bool:
    """`streamsim scheduler`: run until interrupted. False if another scheduler runs."""
    fd = acquire_lock(settings)
    if fd is None:
        return False
    lower_priority()  # the main thread; the job's worker threads lower their own
    try:
        scheduler = BlockingScheduler(timezone="UTC")
        add_retrain_job(scheduler, db, settings)
        write_status(settings, pid=os.getpid(), started=datetime.now(UTC).isoformat(),
                     mode="own process")
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            pass
    finally:
        release_lock(fd)
    return True
