"""Experiment runs, one way: queue, claim, run, finish, and settle the ones whose process died.

The educator page queues a run and starts a worker process (`simulator.studies.worker`); `streamsim
simulate` runs one in its own process; both go through here. A run's life:

    queued --claim--> running --> done | failed

- **Claiming** happens under a lock file in the results folder, so that at most `limit` runs
  (the setting STREAMSIM_EXPERIMENT_WORKERS) are running at once, whichever process asks. A
  worker claims the oldest queued run and keeps claiming until none is left or the limit is
  reached; a run left queued is picked up by the next worker that finishes or starts.
- **While a run runs** its process holds the run's own lock file (`.running.lock` in its
  results folder). The system drops that lock when the process ends, however it ends, so a
  run still marked running with a free lock has lost its process (killed, out of memory, the
  machine restarted): `settle_crashed` marks it failed with that reason, and the pages call it.
- A run whose config has `kind = "coldstart"` is the cold-start study
  (`simulator.studies.coldstart.run_study_into`), queued from its own educator page; any
  other is an experiment (`simulator.studies.experiment.run_experiment`).
- An error inside the experiment is caught and written to the run's row (failed, with the
  error), never lost; the worker's own output goes to `worker.log` in the results folder.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from core.clock import Clock, system_clock
from core.db import Database
from core.locks import exclusive, is_held, try_lock, unlock
from core.models import ExperimentRun
from simulator.studies.coldstart import run_study_into
from simulator.studies.experiment import normalise, run_experiment

CLAIM_LOCK = ".claim.lock"
RUN_LOCK = ".running.lock"
CLAIM_WAIT_S = 10.0  # how long a worker waits for another's claim to finish


def queue(session, cfg: dict, results_root: Path, *, label: str, created_by: int | None,
          now: datetime) -> ExperimentRun:
    """A new queued run of `cfg` (flushed, not committed: the caller's unit of work)."""
    run = ExperimentRun(name=cfg["name"][:120], config=cfg, status="queued", progress=0.0,
                        results_dir="", created_by=created_by, created_at=now)
    session.add(run)
    session.flush()
    run.results_dir = str(Path(results_root) / f"run-{run.id}-{label}")
    return run


def submit(session, cfg: dict, results_root: Path, *, label: str, created_by: int | None,
           now: datetime, launch: Callable[[Path], object]) -> ExperimentRun:
    """Queue a run of `cfg` and start a worker for it (`launch(results_root)`: the worker
    process, `simulator.studies.worker.launch`, or a test's stand-in). The queued row is
    committed first, since the worker reads it on a connection of its own."""
    run = queue(session, cfg, results_root, label=label, created_by=created_by, now=now)
    session.commit()
    launch(results_root)
    return run


def _run_lock(results_dir: str) -> Path:
    return Path(results_dir) / RUN_LOCK


@contextmanager
def _claim_lock(results_root: Path) -> Iterator[bool]:
    deadline = time.monotonic() + CLAIM_WAIT_S
    while True:
        with exclusive(Path(results_root) / CLAIM_LOCK) as got:
            if got or time.monotonic() > deadline:
                yield got
                return
        time.sleep(0.05)


def settle_crashed(db: Database, clock: Clock = system_clock) -> int:
    """Mark runs marked running whose process is gone as failed; returns how many."""
    with db.read() as s:
        running = s.execute(select(ExperimentRun.id, ExperimentRun.results_dir)
                            .where(ExperimentRun.status == "running")).all()
    dead = [run_id for run_id, folder in running if not is_held(_run_lock(folder))]
    if dead:
        with db.write() as s:
            for run in s.scalars(select(ExperimentRun).where(ExperimentRun.id.in_(dead),
                                                             ExperimentRun.status == "running")):
                run.status, run.finished_at = "failed", clock.now()
                run.error = ("The process running this experiment stopped before it finished "
                             "(killed, out of memory or restarted). Start it again; its output "
                             f"is in {Path(run.results_dir).parent / 'worker.log'}.")
    return len(dead)


def claim(db: Database, results_root: Path, limit: int,
          clock: Clock = system_clock) -> tuple[int, int] | None:
    """Take the oldest queued run if fewer than `limit` are running: (run id, the run's lock
    fd, to hold while it runs and pass to `finish`), or None."""
    with _claim_lock(results_root) as got:
        if not got:
            return None
        settle_crashed(db, clock)
        with db.write() as s:
            running = s.scalar(select(func.count()).select_from(ExperimentRun)
                               .where(ExperimentRun.status == "running"))
            if running >= limit:
                return None
            run = s.scalars(select(ExperimentRun).where(ExperimentRun.status == "queued")
                            .order_by(ExperimentRun.created_at, ExperimentRun.id).limit(1)).first()
            if run is None:
                return None
            fd = try_lock(_run_lock(run.results_dir))
            if fd is None:  # cannot happen under the claim lock, but never run twice
                return None
            run.status = "running"
            return run.id, fd


def start_now(db: Database, cfg: dict, results_dir: Path, *,
              clock: Clock = system_clock) -> tuple[int, int]:
    """A run that starts at once in this process (`streamsim simulate`): (id, lock fd)."""
    fd = try_lock(_run_lock(str(results_dir)))
    if fd is None:
        raise RuntimeError(f"another process is running an experiment into {results_dir}")
    with db.write() as s:
        run = ExperimentRun(name=cfg["name"][:120], config=cfg, status="running", progress=0.0,
                            results_dir=str(results_dir), created_at=clock.now())
        s.add(run)
        s.flush()
        return run.id, fd


def execute(db: Database, run_id: int, fd: int, *,
            on_progress: Callable[[float], None] | None = None,
            clock: Clock = system_clock) -> dict | None:
    """Run a claimed run to the end and record how it ended (releases its lock). Returns the
    summary, or None if the experiment failed (the error is on the run's row)."""
    last = [0.0]

    def progress(fraction: float) -> None:
        if on_progress is not None:
            on_progress(fraction)
        if fraction < 1.0 and time.monotonic() - last[0] < 1.0:
            return
        last[0] = time.monotonic()
        with db.write() as s:
            s.get(ExperimentRun, run_id).progress = round(fraction, 3)

    summary, error = None, ""
    try:
        with db.read() as s:
            job = s.get(ExperimentRun, run_id)
            cfg, out = dict(job.config or {}), Path(job.results_dir)
        if cfg.get("kind") == "coldstart":  # the cold-start study (simulator/studies/coldstart.py)
            summary = run_study_into(cfg, out, progress=progress)
        else:
            summary = run_experiment(normalise(cfg), out, progress=progress)
    except Exception as exc:  # noqa: BLE001 - any failure is reported on the run page
        tail = f"{type(exc).__name__}: {exc}"  # ConfigError, not its module path
        error = f"{tail}\n{traceback.format_exc(limit=-3)}"
    finally:
        try:
            with db.write() as s:
                job = s.get(ExperimentRun, run_id)
                job.status = "done" if summary is not None else "failed"
                job.error, job.finished_at = error[:2000], clock.now()
                if summary is not None:
                    job.progress = 1.0
        finally:
            unlock(fd)  # a row left "running" is settled by the next look (settle_crashed)
    return summary


def work(db: Database, results_root: Path, limit: int, clock: Clock = system_clock) -> int:
    """Claim and run queued runs until none is left (or the limit is reached); returns how
    many this process ran."""
    done = 0
    while (claimed := claim(db, results_root, limit, clock)) is not None:
        execute(db, *claimed, clock=clock)
        done += 1
    return done
