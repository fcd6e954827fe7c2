"""Educator pages: experiment runs and their reports (404 for everyone but educators)."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, abort, send_file
from sqlalchemy import select

from core.models import ExperimentRun
from simulator.metrics import METRICS
from simulator.report import LABELS
from webapp.database import db_session
from webapp.htmx import render_page
from webapp.viewer import educator_required

bp = Blueprint("educator", __name__, url_prefix="/educator")


def _run(run_id: int) -> ExperimentRun:
    run = db_session().get(ExperimentRun, run_id)
    if run is None:
        abort(404)
    return run


def _file(run: ExperimentRun, name: str) -> Path:
    path = Path(run.results_dir) / name
    if not path.is_file():
        abort(404)
    return path


@bp.get("/")
@educator_required
def index():
    runs = db_session().scalars(select(ExperimentRun).order_by(ExperimentRun.created_at.desc(),
                                                               ExperimentRun.id.desc())).all()
    return render_page("educator/index.html", None, runs=runs)


@bp.get("/runs/<int:run_id>")
@educator_required
def run(run_id: int):
    run = _run(run_id)
    summary_path = Path(run.results_dir) / "summary.json"
    summary = json.loads(summary_path.read_text()) if summary_path.is_file() else None
    return render_page("educator/run.html", None, run=run, summary=summary, metrics=METRICS,
                       labels=LABELS)


@bp.get("/runs/<int:run_id>/plots/<metric>.svg")
@educator_required
def plot(run_id: int, metric: str):
    if metric not in METRICS:
        abort(404)
    return send_file(_file(_run(run_id), f"plots/{metric}.svg"), mimetype="image/svg+xml")


@bp.get("/runs/<int:run_id>/report.html")
@educator_required
def report(run_id: int):
    return send_file(_file(_run(run_id), "report.html"), mimetype="text/html",
                     as_attachment=True, download_name=f"experiment-{run_id}.html")
