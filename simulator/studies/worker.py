"""The experiment worker process: `python -m simulator.studies.worker` claims queued runs and runs
them (`simulator.studies.runs`), at most STREAMSIM_EXPERIMENT_WORKERS at once across processes.

The educator page queues a run and starts this module as a subprocess (so a long experiment
never blocks a web worker); progress is written back to the run row in short transactions.
Also here: the shipped configs and their quick versions, which the page offers.
"""

from __future__ import annotations

import argparse

# Runs a fixed argv of our own module, never a shell.
import os
import subprocess  # nosec B404
import sys
from pathlib import Path

from core.db import Database
from core.settings import Settings
from simulator.studies import runs

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


def launch(results_root: Path) -> subprocess.Popen:
    """Start a worker process in the background (same environment); it claims queued runs
    (`simulator.studies.runs.work`) until none is left, its output appended to worker.log."""
    results_root = Path(results_root)
    results_root.mkdir(parents=True, exist_ok=True)
    with open(results_root / "worker.log", "ab") as log:
        return subprocess.Popen([sys.executable, "-m", "simulator.studies.worker"],  # nosec B603
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m simulator.studies.worker",
        description="Claim the experiment runs queued on the educator pages and run them, "
                    "until none is left; at most "
                    "STREAMSIM_EXPERIMENT_WORKERS run at once across processes. Reads the "
                    "database and results folder from the STREAMSIM_* settings.")
    parser.parse_args(argv)
    settings = Settings.from_env()
    db = Database(settings)
    try:
        done = runs.work(db, settings.results_dir, settings.experiment_workers)
    finally:
        db.dispose()
    print(f"worker {os.getpid()}: ran {done} experiment(s)", flush=True)
    return done


if __name__ == "__main__":
    main()
