"""The cold-start study on an educator page (404 for everyone but educators).

The educator picks the numbers of onboarding picks to compare (the arms), the seeds and the
sizes, within the page's limits (`simulator.studies.coldstart.LIMITS`); the study is queued as
an experiment run of kind "coldstart" and run by the worker process like any other run
(simulator/studies/runs.py). Its page polls the run's state, then shows precision@10 per
number of picks for each row (mean and 95% interval over seeds), the onboarding row's paired
differences, and a chart with its numbers. `streamsim coldstart --picks ... --seeds ...` runs
the same code.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, abort, redirect, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired

from core.models import ExperimentRun
from simulator.studies.coldstart import (
    LIMITS,
    PAGE_DEFAULTS,
    ROWS,
    VERSUS,
    StudyError,
    study_config,
)
from simulator.studies.design import FEW_SEEDS
from simulator.studies.glossary import GLOSSARY
from simulator.studies.report import LABELS
from simulator.studies.runs import settle_crashed
from webapp.charts import DayFigure, line_chart
from webapp.database import db_session, get_database
from webapp.htmx import is_fragment_request, render_page
from webapp.runs import start_run
from webapp.viewer import current_profile, educator_required

bp = Blueprint("coldstart", __name__, url_prefix="/educator/coldstart")

# The rows drawn on the chart (the model's ingredients are in the table only).
CHART_ROWS = ("onboarding", "popular", "prior", "random")
KIND = "coldstart"


def _joined(values) -> str:
    return ",".join(str(v) for v in values)


class ColdStartForm(FlaskForm):
    picks = StringField("Numbers of onboarding picks (the arms)",
                        default=_joined(PAGE_DEFAULTS["picks"]), validators=[InputRequired()])
    seeds = StringField("Seeds (one simulated world each)",
                        default=_joined(PAGE_DEFAULTS["seeds"]), validators=[InputRequired()])
    profiles = IntegerField("New profiles per seed", default=PAGE_DEFAULTS["profiles"])
    history_profiles = IntegerField("Profiles the model learns from",
                                    default=PAGE_DEFAULTS["history_profiles"])
    history_days = IntegerField("Days of history before training",
                                default=PAGE_DEFAULTS["history_days"])
    titles = IntegerField("Titles", default=PAGE_DEFAULTS["titles"])


def _numbers(text: str, field: str) -> list[int]:
    try:
        return [int(v) for v in text.replace(" ", "").split(",") if v]
    except ValueError:
        raise StudyError(f"{field}: a comma-separated list of whole numbers, "
                         "e.g. 0,1,3,5,10.") from None


def _runs() -> list[ExperimentRun]:
    runs = db_session().scalars(select(ExperimentRun).order_by(
        ExperimentRun.created_at.desc(), ExperimentRun.id.desc())).all()
    return [r for r in runs if (r.config or {}).get("kind") == KIND]


def _page(form: ColdStartForm, error: str | None = None, status: int = 200):
    return render_page("educator/coldstart.html", None, form=form, error=error, runs=_runs(),
                       limits=LIMITS, few_seeds=FEW_SEEDS, status=status,
                       profile=current_profile())


@bp.get("/")
@educator_required
def index():
    if settle_crashed(get_database()):
        db_session().rollback()
    return _page(ColdStartForm())


@bp.post("/")
@educator_required
def start():
    """Queue the study and run it in the background worker; bad values: 422 with the field."""
    form = ColdStartForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        name, messages = next(iter(form.errors.items()))
        return _page(form, f"{getattr(form, name).label.text}: {messages[0]}", status=422)
    try:
        cfg = study_config({
            "name": "Cold start by onboarding picks",
            "picks": _numbers(form.picks.data, "picks"),
            "seeds": _numbers(form.seeds.data, "seeds"),
            "profiles": form.profiles.data, "history_profiles": form.history_profiles.data,
            "history_days": form.history_days.data, "titles": form.titles.data})
    except StudyError as exc:  # "field: message": shown beside the field it names
        name, _, message = str(exc).partition(": ")
        target = getattr(form, name, None)
        if target is not None and hasattr(target, "errors"):
            target.errors = [*target.errors, message]
        return _page(form, str(exc), status=422)
    run = start_run(cfg, label=KIND)
    return redirect(url_for("coldstart.run", run_id=run.id), code=303)


@bp.get("/<int:run_id>")
@educator_required
def run(run_id: int):
    if settle_crashed(get_database()):
        db_session().rollback()
    run = db_session().get(ExperimentRun, run_id)
    if run is None or (run.config or {}).get("kind") != KIND:
        abort(404)
    path = Path(run.results_dir) / "summary.json"
    summary = json.loads(path.read_text()) if run.status == "done" and path.is_file() else None
    if summary:  # JSON keys are strings, sorted as strings ("10" before "3"): by number
        summary["arms"] = dict(sorted(summary["arms"].items(), key=lambda kv: int(kv[0])))
        for seed in summary["per_seed"]:
            seed["arms"] = dict(sorted(seed["arms"].items(), key=lambda kv: int(kv[0])))
    chart = _chart(summary) if summary and not is_fragment_request() else None
    response = render_page("educator/coldstart_run.html", "status", run=run, summary=summary,
                           chart=chart, rows=ROWS, chart_rows=CHART_ROWS, versus=VERSUS,
                           labels=LABELS, glossary=GLOSSARY, few_seeds=FEW_SEEDS,
                           profile=current_profile())
    if is_fragment_request() and run.status in ("done", "failed"):
        response.headers["HX-Refresh"] = "true"  # finished: reload to show the results
    return response


def _chart(summary: dict):
    """precision@10 by number of picks, a line per row, its 95% interval over seeds."""
    arms = summary["arms"]
    figures = {}
    for row in CHART_ROWS:
        figs = [DayFigure(int(k), arm["mean"][row]["mean"], arm["mean"][row]["ci95"],
                          arm["mean"][row]["n"])
                for k, arm in arms.items() if arm["mean"][row]["mean"] is not None]
        figures[LABELS[f"coldstart_{row}"]] = sorted(figs, key=lambda f: f.day)
    return line_chart(figures, bounds=(0.0, 1.0), x_title="Onboarding picks", x_unit="Picks")


def wants_page(run: ExperimentRun) -> str | None:
    """The cold-start page of a run of that kind (the run list links every run alike)."""
    if (run.config or {}).get("kind") == KIND:
        return url_for("coldstart.run", run_id=run.id, **request.args)
    return None
