"""Starting an experiment run from a page (the runs page and the cold-start study's): the run
service's `submit` with the request's session, the signed-in account as its owner and the
app's worker launcher."""

from __future__ import annotations

from flask import current_app

from core.clock import system_clock
from core.models import ExperimentRun
from simulator.studies import runs, worker
from webapp.database import db_session
from webapp.viewer import current_account

LAUNCH = "streamsim.launch"  # app.extensions: a stand-in for worker.launch (tests)


def start_run(cfg: dict, label: str) -> ExperimentRun:
    """Queue a run of `cfg` for the signed-in account, commit it and start a worker."""
    return runs.submit(db_session(), cfg, current_app.config["STREAMSIM"].results_dir,
                       label=label, created_by=current_account().id, now=system_clock.now(),
                       launch=current_app.extensions.get(LAUNCH, worker.launch))
