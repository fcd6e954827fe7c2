"""Live experiments' pages (educators only; 404 for everyone else): list, create, start, stop,
and the results page (the SRM check first, then each metric with its CI, fixed-horizon and
Holm-adjusted p, the sequential verdict, CUPED's variance reduction and, where the simulator
knows it, the truth). The experiments themselves are core/experiments.py; the analysis is
simulator/studies/live_results.py."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    FieldList,
    FloatField,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import Optional

from core import experiments as ex
from core.clock import system_clock
from core.models import LiveExperiment
from simulator.studies.live_results import activity_end, analyse
from webapp.database import db_session
from webapp.home import running_experiments
from webapp.htmx import render_page
from webapp.viewer import current_account, educator_required

bp = Blueprint("live", __name__, url_prefix="/educator/experiments/live")
MAX_VARIANTS = 4
SHORT = {"watch_minutes": "Watch minutes", "plays": "Plays", "ctr": "Click-through",
         "completion": "Completion", "abandonment": "Abandonment", "return_rate": "Return rate"}


def _choices(key: str) -> list[tuple[str, str]]:
    return [(value, f"{value}: {label}") for value, label in ex.SETS[key].items()]


class VariantForm(Form):
    """One variant. A plain wtforms Form: the experiment's FlaskForm carries the CSRF token."""

    name = StringField("Name", validators=[Optional()])
    weight = IntegerField("Weight", default=1, validators=[Optional()])
    model = SelectField("Recommender", choices=_choices("model"), default="serving")
    genre_rows = SelectField("Genre rows", choices=_choices("genre_rows"), default="all")
    artwork = SelectField("Artwork", choices=_choices("artwork"), default="default")


class ExperimentForm(FlaskForm):
    name = StringField("Name")
    hypothesis = TextAreaField("Hypothesis")
    population = SelectField("Population", choices=list(ex.POPULATIONS.items()), default="all")
    share = FloatField("Share (with 'a share')", default=1.0, validators=[Optional()])
    layer = SelectField("Layer", choices=[(x, x) for x in ex.LAYERS], default="home")
    salt = StringField("Salt (blank: a random one)", validators=[Optional()])
    primary_metric = SelectField("Primary metric", choices=list(ex.METRICS.items()),
                                 default="watch_minutes")
    guardrails = SelectMultipleField("Guardrail metrics", choices=list(ex.METRICS.items()),
                                     default=["completion", "abandonment"],
                                     option_widget=widgets.CheckboxInput(),
                                     widget=widgets.ListWidget(prefix_label=False))
    variants = FieldList(FormField(VariantForm), min_entries=MAX_VARIANTS,
                         max_entries=MAX_VARIANTS)


def _fields(form: ExperimentForm) -> dict:
    variants = [{"name": (v.form.name.data or "").strip(), "weight": v.form.weight.data,
                 "sets": {"model": v.form.model.data, "genre_rows": v.form.genre_rows.data,
                          "artwork": v.form.artwork.data}}
                for v in form.variants if (v.form.name.data or "").strip()]
    return {"name": form.name.data or "", "hypothesis": form.hypothesis.data or "",
            "population": form.population.data, "share": form.share.data or 1.0,
            "layer": form.layer.data, "salt": (form.salt.data or "").strip() or None,
            "primary_metric": form.primary_metric.data,
            "guardrails": form.guardrails.data or [], "variants": variants}


def _experiment(exp_id: int) -> LiveExperiment:
    exp = db_session().get(LiveExperiment, exp_id)
    if exp is None:
        abort(404)
    return exp


@bp.get("/")
@educator_required
def index():
    experiments = list(db_session().scalars(select(LiveExperiment)
                                            .order_by(LiveExperiment.id.desc())))
    return render_page("educator/live/index.html", None, experiments=experiments,
                       form=FlaskForm(), error=request.args.get("error"))


@bp.get("/new")
@educator_required
def new():
    form = ExperimentForm()
    if not request.args.get("keep"):
        form.variants[0].form.name.data, form.variants[1].form.name.data = "control", "treatment"
    return render_page("educator/live/new.html", None, form=form, sets=ex.SETS, error=None)


@bp.post("/new")
@educator_required
def create():
    form = ExperimentForm()
    if not form.validate():
        return render_page("educator/live/new.html", None, form=form, sets=ex.SETS,
                           error=None, status=400)
    s = db_session()
    try:
        exp = ex.create(s, _fields(form), system_clock.now(), created_by=current_account().id)
        s.commit()
    except ex.ExperimentError as exc:
        s.rollback()
        target = getattr(form, exc.field, None)
        if target is not None and exc.field != "variants":
            target.errors = [*target.errors, str(exc)]
        return render_page("educator/live/new.html", None, form=form, sets=ex.SETS,
                           error=str(exc), status=400)
    return redirect(url_for("live.results", exp_id=exp.id))


@bp.post("/<int:exp_id>/start")
@educator_required
def start(exp_id: int):
    return _change(exp_id, ex.start)


@bp.post("/<int:exp_id>/stop")
@educator_required
def stop(exp_id: int):
    # Dated after the last simulated activity too, so simulated days that ran past today stay
    # inside the experiment.
    return _change(exp_id, lambda s, exp, now: ex.stop(s, exp, activity_end(s, now)))


def _change(exp_id: int, change):
    form = FlaskForm()
    if not form.validate():
        abort(400)
    exp, s = _experiment(exp_id), db_session()
    try:
        change(s, exp, system_clock.now())
        s.commit()
    except ex.ExperimentError as exc:
        s.rollback()
        return redirect(url_for("live.results", exp_id=exp_id, error=str(exc)))
    running_experiments().clear()  # this process sees it at once; the others within seconds
    return redirect(url_for("live.results", exp_id=exp_id))


@bp.get("/<int:exp_id>")
@educator_required
def results(exp_id: int):
    exp = _experiment(exp_id)
    result = analyse(db_session(), exp, system_clock.now()) if exp.started_at else None
    return render_page("educator/live/results.html", None, exp=exp, result=result,
                       form=FlaskForm(), short=SHORT, sets=ex.SETS,
                       error=request.args.get("error"))
