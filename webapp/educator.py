"""Educator pages: experiment runs and their reports (404 for everyone but educators).

Students of a class (core/classroom.py) use the run pages too (`workbench_required`): they
start runs in a world of their own (their seed offset) and see only their own runs; another
student's run or download is 404, looked up in the same query as the run."""

from __future__ import annotations

import json
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    redirect,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.utils import secure_filename
from wtforms import BooleanField, SelectField

from core import analytics, classroom
from core.models import ClassroomStudent, ExperimentRun, Title
from simulator.studies import results, worker
from simulator.studies.compare import (
    NEEDS_ARM,
    WINDOW_LABELS,
    WINDOWS,
    compare_window,
    window_days,
)
from simulator.studies.design import FEW_SEEDS
from simulator.studies.experiment import load_config
from simulator.studies.glossary import GLOSSARY, READING, SECTIONS
from simulator.studies.metrics import METRIC_GROUPS, METRICS
from simulator.studies.realism import SESSION_GAP_MINUTES, realism_report
from simulator.studies.references import SOURCES
from simulator.studies.report import LABELS
from simulator.studies.runs import settle_crashed
from simulator.viewers.world import expected_utility
from webapp.charts import run_charts
from webapp.coldstart import wants_page as coldstart_page
from webapp.database import db_session, get_database
from webapp.designer import SAVED, experiment_files, load_experiments
from webapp.htmx import is_fragment_request, render_page
from webapp.runs import start_run
from webapp.viewer import (
    current_account,
    current_profile,
    educator_required,
    workbench_required,
)

bp = Blueprint("educator", __name__, url_prefix="/educator")


class StartRunForm(FlaskForm):
    config = SelectField("Experiment", choices=[])
    # A full run by default: the quick version's 2 seeds give intervals too wide to conclude.
    quick = BooleanField(f"Quick version ({worker.QUICK['profiles']} profiles, "
                         f"{worker.QUICK['days']} days, {len(worker.QUICK['seeds'])} seeds, "
                         f"at most {worker.QUICK_PHASE_DAYS} launch days)", default=False)


def _label(key: str) -> str:
    if key.startswith(SAVED):
        return f"{key.removeprefix(SAVED)} (saved design)"
    return key.replace("_", " ")


def _form() -> StartRunForm:
    form = StartRunForm()
    form.config.choices = [(key, _label(key)) for key in experiment_files()]
    wanted = request.args.get("config")
    if request.method == "GET" and wanted in dict(form.config.choices):
        form.config.data = wanted  # "Save the design" lands here with the design chosen
    return form


def _settle() -> None:
    """Runs whose process died show as failed, with why (simulator/studies/runs.py)."""
    if settle_crashed(get_database()):
        db_session().rollback()  # end the request's read snapshot: it predates the change


def _runs():
    """The runs this account may see: every run for an educator, a student's own for a
    student (scoped in the query)."""
    query = select(ExperimentRun)
    if g.get("student") is not None:
        query = query.where(ExperimentRun.created_by == current_account().id)
    return query


def _run(run_id: int) -> ExperimentRun:
    run = db_session().scalar(_runs().where(ExperimentRun.id == run_id))
    if run is None:
        abort(404)
    return run


def _world(run: ExperimentRun) -> dict | None:
    """Whose world a student's run is in: the student's login, class and seed offset."""
    if run.created_by is None:
        return None
    seat = db_session().get(ClassroomStudent, run.created_by)
    if seat is None:
        return None
    return {"login": seat.account.email, "seat": seat.seat, "classroom_id": seat.classroom_id,
            "offset": classroom.seed_offset(seat.classroom_id, seat.seat)}


def _file(run: ExperimentRun, name: str) -> Path:
    path = Path(run.results_dir) / name
    if not path.is_file():
        abort(404)
    return path


@bp.get("/")
@workbench_required
def index():
    _settle()
    runs = db_session().scalars(_runs().order_by(ExperimentRun.created_at.desc(),
                                                 ExperimentRun.id.desc())).all()
    experiments = load_experiments()
    saved = request.args.get("saved")
    return render_page("educator/index.html", None, runs=runs, form=_form(),
                       experiments=experiments, quick=worker.QUICK, few_seeds=FEW_SEEDS,
                       saved=saved if f"{SAVED}{saved}" in experiments else None,
                       world=_student_world(), profile=current_profile())


def _student_world() -> dict | None:
    student = g.get("student")
    if student is None:
        return None
    return {"login": current_account().email, "seat": student.seat,
            "offset": classroom.seed_offset(student.classroom_id, student.seat)}


@bp.post("/runs")
@workbench_required
def start():
    """Queue a shipped experiment or a saved design and run it in a background process."""
    form = _form()
    if not form.validate_on_submit():
        abort(400)
    try:
        cfg = load_config(experiment_files()[form.config.data])
    except (ValueError, OSError):  # a saved file edited by hand into something refused
        abort(400)
    if form.quick.data:
        cfg = worker.quick_version(cfg)
    student = g.get("student")
    if student is not None:  # the student's own world: every seed moved by their offset
        offset = classroom.seed_offset(student.classroom_id, student.seat)
        cfg = {**cfg, "seeds": classroom.student_seeds(cfg["seeds"], offset)}
    run = start_run(cfg, label=form.config.data.replace(":", "-"))
    return redirect(url_for("educator.run", run_id=run.id), code=303)


@bp.get("/runs/<int:run_id>")
@workbench_required
def run(run_id: int):
    _settle()
    run = _run(run_id)
    if (elsewhere := coldstart_page(run)) is not None:  # a cold-start study: its own page
        return redirect(elsewhere, code=303)
    summary_path = Path(run.results_dir) / "summary.json"
    summary = json.loads(summary_path.read_text()) if summary_path.is_file() else None
    charts = comparison = None
    compare_only = request.headers.get("HX-Target") == "run-compare"
    if summary:  # columns in the config's order of arms (summary.json sorts its keys)
        order = [a.get("name") for a in (run.config or {}).get("arms", [])]
        summary["arms"] = dict(sorted(summary["arms"].items(), key=lambda kv: (
            order.index(kv[0]) if kv[0] in order else len(order), kv[0])))
        rows = _rows(run)
        comparison = _comparison(run, summary, rows)
        if not is_fragment_request():
            charts = _charts(run, list(summary["arms"]), rows)
    response = render_page("educator/run.html", "compare" if compare_only else "status",
                           run=run, summary=summary, charts=charts, comparison=comparison,
                           metrics=METRICS, groups=METRIC_GROUPS, labels=LABELS,
                           windows=WINDOW_LABELS, glossary=GLOSSARY, few_seeds=FEW_SEEDS,
                           seeds=_seeds(run, summary), na_reasons=_na_reasons(run, summary),
                           world=_world(run), profile=current_profile())
    if is_fragment_request() and not compare_only and run.status in ("done", "failed"):
        response.headers["HX-Refresh"] = "true"  # finished: reload to show the results
    return response


def _seeds(run: ExperimentRun, summary: dict | None) -> list:
    """The run's seeds (its summary's, else its config's), for the few-seeds warning."""
    seeds = (summary or {}).get("seeds") or (run.config or {}).get("seeds") or []
    return seeds if isinstance(seeds, list) else []


def _na_reasons(run: ExperimentRun, summary: dict | None) -> dict[str, str]:
    """Why a metric's chart is n/a for this run (compare.NEEDS_ARM), by metric."""
    arms = list((summary or {}).get("arms") or [])
    return {m: f"Measured against the {arm} arm, which this run does not have."
            for m, arm in NEEDS_ARM.items() if arm not in arms}


@bp.get("/glossary")
@workbench_required
def glossary():
    """Every metric of an experiment explained: definition, unit, direction, computation."""
    return render_page("educator/glossary.html", None, glossary=GLOSSARY, reading=READING,
                       sections=SECTIONS, profile=current_profile())


def _rows(run: ExperimentRun) -> list[dict] | None:
    """The run's per-day rows (seed, arm, day and every metric): metrics.json, or metrics.csv
    (an empty cell is a figure the run does not have); None when the folder has neither."""
    return results.read_rows(run.results_dir)


def _comparison(run: ExperimentRun, summary: dict, rows: list[dict] | None) -> dict:
    """The figures of one window (?window=, the whole run by default) against one baseline arm
    (?baseline=, the run's own by default): per arm, each metric's mean over seeds ("mean")
    and its difference from the baseline paired by seed ("vs_baseline"). From summary.json
    when it holds them, else computed from the per-day rows (runs older than the paired
    comparison); without rows, only the figures summary.json has, and a note."""
    arms = list(summary["arms"])
    cfg = run.config or {}
    default = summary.get("baseline") or cfg.get("baseline")
    default = default if default in arms else arms[0]
    baseline = request.args.get("baseline")
    baseline = baseline if baseline in arms else default
    window = request.args.get("window")
    window = window if window in WINDOWS else "all"
    launch = int(summary.get("launch_days", cfg.get("explore_days") or 0))
    days = int(summary.get("days") or cfg.get("days") or 0)
    out = {"baseline": baseline, "window": window, "arms": arms, "launch_days": launch,
           "days": None, "figures": None, "note": None}
    saved = (summary.get("windows") or {}).get(window)
    if saved and summary.get("baseline") == baseline:
        out["days"], out["figures"] = saved["days"], saved["arms"]
    elif rows:
        days = max([days, *(int(r["day"]) + 1 for r in rows)])
        span = window_days(days, launch)[window]
        out["days"] = list(span) if span else None
        out["figures"] = compare_window(rows, arms, baseline, span)
    else:
        old = {"all": "run_mean", "last_day": "last_day"}.get(window)
        if old:
            out["figures"] = {a: {"mean": {m: _old_figure((data.get(old) or {}).get(m), m)
                                           for m in METRICS}, "vs_baseline": None}
                              for a, data in summary["arms"].items()}
        out["note"] = ("This run's folder has no per-day figures (metrics.json or "
                       "metrics.csv), so its differences from a baseline cannot be computed"
                       + ("." if old else ", nor its figures for this window."))
    return out


def _old_figure(block: dict | None, metric: str) -> dict:
    """A figure of a summary.json older than the windows, with a note when it is n/a."""
    block = dict(block or {"mean": None, "ci95": None, "n": 0})
    if block.get("mean") is None:
        needed = NEEDS_ARM.get(metric)
        block["note"] = (f"Measured against the {needed} arm, which this run does not have."
                         if needed else "This run's summary has no value for this figure.")
    else:
        block["note"] = None
    return block


def _charts(run: ExperimentRun, arms: list[str], rows: list[dict] | None) -> dict | None:
    """A chart per metric from the run's per-day rows (seed, arm, day and every metric), arms
    in `arms`' order; None when the folder has no such rows."""
    if rows is None:
        return None
    return run_charts(rows, METRICS, arms, shares=SHARES,
                      shade_days=int((run.config or {}).get("explore_days") or 0))


# Figures that are shares, between 0 and 1: a chart's interval band stops at 0 and 1.
SHARES = frozenset({"ctr", "completion", "abandonment", "return_rate", "precision_at_10",
                    "coverage", "gini_plays", "watch_diversity", "watch_overlap",
                    "watch_overlap_taste"})


@bp.get("/runs/<int:run_id>/report.html")
@workbench_required
def report(run_id: int):
    return send_file(_file(_run(run_id), "report.html"), mimetype="text/html",
                     as_attachment=True, download_name=f"experiment-{run_id}.html")


# -- downloads for students: per-day figures and raw events (simulator/studies/results.py) -------


def _download(body, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={secure_filename(name)}"
    return response


def _run_rows(run_id: int) -> tuple[ExperimentRun, list[dict]]:
    run = _run(run_id)
    rows = _rows(run)
    if not rows:
        abort(404)
    return run, rows


@bp.get("/runs/<int:run_id>/metrics.csv")
@workbench_required
def metrics_long(run_id: int):
    """Every figure of every seed, arm and day, one per line: run, arm, seed, day, metric,
    value (a tidy table)."""
    run, rows = _run_rows(run_id)
    lines = results.csv_lines(results.TIDY_COLUMNS,
                              results.tidy(rows, run.id, results.metric_names(rows)))
    return _download(stream_with_context(lines), "text/csv", f"run-{run.id}-metrics.csv")


@bp.get("/runs/<int:run_id>/metrics-wide.csv")
@workbench_required
def metrics_wide(run_id: int):
    """The same figures, one line per seed, arm and day and a column per metric."""
    run, rows = _run_rows(run_id)
    names = results.metric_names(rows)
    lines = results.csv_lines(("run", *results.KEYS, *names),
                              ((run.id, *(r[k] for k in results.KEYS), *(r.get(m) for m in names))
                               for r in rows))
    return _download(stream_with_context(lines), "text/csv", f"run-{run.id}-metrics-wide.csv")


@bp.get("/runs/<int:run_id>/metrics.json")
@workbench_required
def metrics_json(run_id: int):
    run, rows = _run_rows(run_id)
    cfg = run.config or {}
    body = {"run": run.id, "name": run.name, "arms": [a.get("name") for a in cfg.get("arms", [])],
            "seeds": cfg.get("seeds"), "days": cfg.get("days"),
            "launch_days": cfg.get("explore_days", 0), "baseline": cfg.get("baseline"),
            "metrics": results.metric_names(rows), "rows": rows}
    return _download(json.dumps(body, indent=1), "application/json",
                     f"run-{run.id}-metrics.json")


@bp.get("/runs/<int:run_id>/events.csv")
@workbench_required
def events(run_id: int):
    """The raw playback events of one arm (?arm=name) and one seed (?seed=n), streamed from
    the run's compressed file: 404 for an arm or seed the run does not have, 400 for a seed
    that is not a number."""
    run = _run(run_id)
    cfg = run.config or {}
    names = [a.get("name") for a in cfg.get("arms", [])]
    arm = request.args.get("arm", "")
    try:
        seed = int(request.args.get("seed", ""))
    except ValueError:
        abort(400, description="seed must be a whole number.")
    if arm not in names or seed not in (cfg.get("seeds") or []):
        abort(404)
    path = results.events_file(run.results_dir, seed, names.index(arm))
    if not path.is_file():  # a run older than the events files, or one still running
        abort(404)
    return _download(stream_with_context(results.event_chunks(path)), "text/csv",
                     f"run-{run.id}-events-{arm}-seed-{seed}.csv")


# -- audience drop-off, from the raw playback event log ------------------------------------------

CURVE_W, CURVE_H, CURVE_PAD = 640, 260, 36
SPARK_W, SPARK_H = 160, 48


def curve_points(reached: tuple[float, ...], w: int, h: int, pad: int) -> str:
    """SVG polyline points: x across the runtime, y the share still watching (top = all)."""
    n = len(reached) - 1
    return " ".join(f"{pad + (w - 2 * pad) * i / n:.1f},{h - pad - (h - 2 * pad) * v:.1f}"
                    for i, v in enumerate(reached))


@bp.get("/dropoff/")
@educator_required
def dropoff():
    """Drop-off of every film pooled, and of the titles with the most started viewings."""
    s = db_session()
    viewings = analytics.film_viewings(s)
    films = analytics.curve([f for *_, f in viewings])
    top = [(title, starts, analytics.dropoff(s, title.id))
           for title, starts in analytics.most_started(s, limit=12)]
    by_match = _by_match(s, viewings)
    match_points = [(label, curve, curve_points(curve.reached, CURVE_W, CURVE_H, CURVE_PAD))
                    for label, curve in by_match]
    return render_page("educator/dropoff.html", None, films=films, top=top, by_match=by_match,
                       film_plays=analytics.film_plays(s),
                       match_points=match_points,
                       match_lines=[(f"match-{i}", pts, label)
                                    for i, (label, _, pts) in enumerate(match_points, 1)],
                       points=curve_points(films.reached, CURVE_W, CURVE_H, CURVE_PAD),
                       spark=lambda curve: curve_points(curve.reached, SPARK_W, SPARK_H, 4),
                       size=(CURVE_W, CURVE_H, CURVE_PAD), spark_size=(SPARK_W, SPARK_H),
                       profile=current_profile())


@bp.get("/dropoff/<int:title_id>")
@educator_required
def title_dropoff(title_id: int):
    s = db_session()
    curve = analytics.dropoff(s, title_id)
    if curve is None:
        abort(404)
    films = analytics.dropoff_films(s)
    return render_page("educator/dropoff_title.html", None, curve=curve,
                       title=s.get(Title, title_id), films=films,
                       points=curve_points(curve.reached, CURVE_W, CURVE_H, CURVE_PAD),
                       film_points=curve_points(films.reached, CURVE_W, CURVE_H, CURVE_PAD),
                       size=(CURVE_W, CURVE_H, CURVE_PAD), profile=current_profile())


MATCH_GROUPS = ("Best third of matches", "Middle third", "Worst third")


def _by_match(session, viewings: list[tuple[int, int, float]]) -> list[tuple[str, object]]:
    """Simulated viewers' film viewings split in thirds by how well the film matched their
    hidden taste on the day they started it (expected utility; tastes drift): the viewer
    model abandons poor matches early. Empty
    when fewer than 30 viewings have a known truth (real viewers have none)."""
    utility = expected_utility(session, {(p, t) for p, t, _ in viewings},
                               on=analytics.first_started(session))
    known = sorted((utility[(p, t)], f) for p, t, f in viewings if (p, t) in utility)
    if len(known) < 30:
        return []
    third = len(known) // 3
    groups = (known[-third:], known[third:-third], known[:third])
    return [(label, analytics.curve([f for _, f in group]))
            for label, group in zip(MATCH_GROUPS, groups, strict=True)]


# -- realism: the world's figures beside public reference data ------------------------------------


@bp.get("/realism/")
@educator_required
def realism():
    """How real the world is: its figures beside reference figures, with a verdict each."""
    return render_page("educator/realism.html", None, report=realism_report(db_session()),
                       sources=SOURCES, gap_minutes=SESSION_GAP_MINUTES,
                       profile=current_profile())
