"""Run one queued ExperimentRun in its own process: `python -m simulator.worker RUN_ID`.

The educator page queues a run and starts this module as a subprocess (so a long experiment
never blocks a web worker); progress is written back to the run row in short transactions.
"""

from __future__ import annotations

# Runs a fixed argv of our own module, never a shell.
import subprocess  # nosec B404
import sys
import time
from pathlib import Path

from core.clock import system_clock
from core.db import Database
from core.models import ExperimentRun
from core.settings import Settings
from simulator.experiment import normalise, run_experiment

SHIPPED = Path(__file__).resolve().parent / "experiments"
QUICK = {"profiles": 40, "days": 10, "titles": 200, "seeds": [1, 2]}
QUICK_PHASE_DAYS = 3  # launch (explore) and warm-up phases are cut to this in a quick run


def quick_version(cfg: dict) -> dict:
    """A smaller run of the same experiment that still has days for the policies: its launch
    phase of random rows and its warm-up are cut to QUICK_PHASE_DAYS (a 6-day quick run of a
    config with 5 launch days used to leave the policies a single day)."""
    return {**cfg, **QUICK,
            "explore_days": min(int(cfg.get("explore_days", 0)), QUICK_PHASE_DAYS),
            "warmup_days": min(int(cfg.get("warmup_days", 3)), QUICK_PHASE_DAYS)}


def shipped_configs() -> dict[str, Path]:
    """The ready-made configs educators can start from the page, by file stem."""
    return {p.stem: p for p in sorted(SHIPPED.glob("*.toml"))}


def run(database: Database, run_id: int) -> None:
    with database.write() as s:
        job = s.get(ExperimentRun, run_id)
        cfg, out = normalise(job.config), Path(job.results_dir)
        job.status = "running"
    last = [0.0]

    def progress(fraction: float) -> None:
        if fraction < 1.0 and time.monotonic() - last[0] < 1.0:
            return
        last[0] = time.monotonic()
        with database.write() as s:
            s.get(ExperimentRun, run_id).progress = round(fraction, 3)

    try:
        run_experiment(cfg, out, progress=progress)
    except Exception as exc:  # noqa: BLE001 - any failure is reported on the run page
        status, error = "failed", f"{type(exc).__name__}: {exc}"
    else:
        status, error = "done", ""
    with database.write() as s:
        job = s.get(ExperimentRun, run_id)
        job.status, job.error, job.finished_at = status, error[:2000], system_clock.now()
        if status == "done":
            job.progress = 1.0


def launch(run_id: int) -> subprocess.Popen:
    """Start the worker for a queued run in the background (same environment)."""
    return subprocess.Popen([sys.executable, "-m", "simulator.worker", str(run_id)],  # nosec B603
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


if __name__ == "__main__":
    db = Database(Settings.from_env())
    try:
        run(db, int(sys.argv[1]))
    finally:
        db.dispose()
