"""The model page for educators and operators: stored versions, the serving one, each
retrain's candidates, the scheduler, and pinning a version.

It lists the folder of the app's own model store (webapp.recs); training never runs inside a
web request, and this page only reads the scheduler's status. Pinning serves a stored version
and makes retrains skip until it is unpinned (recommender.artifacts.pin).
"""

from __future__ import annotations

import json

from flask import Blueprint, current_app, flash, redirect, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length

from core.locks import exclusive
from core.models import JobRun, Title
from recommender import artifacts, communities, scheduler
from recommender.lifecycle import settle_interrupted, train_lock
from recommender.models import LABELS
from webapp.database import db_session, get_database
from webapp.forms import EmptyForm
from webapp.htmx import render_page
from webapp.recs import model_store
from webapp.viewer import current_profile, educator_required

bp = Blueprint("models_page", __name__, url_prefix="/models")
CHART_W, CHART_H, PAD = 640, 220, 36
MAX_LABELS = 6  # x-axis labels on the retrain timeline (each about 80 px wide)
OUTCOMES = {"ok": "Published", "rejected": "Rejected", "skipped": "Skipped (pinned)",
            "failed": "Failed", "running": "Running", "busy": "Busy"}


class VersionForm(FlaskForm):
    """Pin one stored version (the CSRF token comes with FlaskForm)."""

    version = HiddenField(validators=[DataRequired(), Length(max=64)])


def chart(cards: list[dict]) -> dict:
    """Points for an SVG line chart of holdout NDCG@10 per version (oldest left)."""
    rows = [c for c in reversed(cards) if (c.get("metrics") or {}).get("ndcg@10") is not None]
    if not rows:
        return {"model": "", "popularity": "", "labels": [], "top": 0.0}
    top = max(max(c["metrics"]["ndcg@10"], c["metrics"].get("popularity_ndcg@10") or 0)
              for c in rows) or 1.0
    step = (CHART_W - 2 * PAD) / max(len(rows) - 1, 1)
    label_every = -(-len(rows) // MAX_LABELS)  # ceiling division

    def point(n: int, value: float) -> str:
        x = PAD + n * step
        y = CHART_H - PAD - (CHART_H - 2 * PAD) * value / top
        return f"{x:.1f},{y:.1f}"

    return {
        "model": " ".join(point(n, c["metrics"]["ndcg@10"]) for n, c in enumerate(rows)),
        # Not "pop": Jinja would read chart.pop as the dict's pop method.
        "popularity": " ".join(point(n, c["metrics"].get("popularity_ndcg@10") or 0)
                               for n, c in enumerate(rows)),
        # At most MAX_LABELS labels (always the newest), so they never run together.
        "labels": [(PAD + n * step, c["version"]) for n, c in enumerate(rows)
                   if (len(rows) - 1 - n) % label_every == 0],
        "top": top,
    }


def community_map(model) -> dict | None:
    """Points and legend for the educator's 2-D map of taste communities."""
    if model is None or not model.has_factors or model.user_ids.size < 2:
        return None
    found = communities.for_model(model)
    w, h, pad = CHART_W, CHART_H + 120, 16
    points = [(pad + x * (w - 2 * pad), pad + (1 - y) * (h - 2 * pad), int(c))
              for (x, y), c in zip(found.coords, found.labels, strict=True)]
    names = dict(db_session().execute(select(Title.id, Title.name).where(
        Title.id.in_([t for top in found.top_titles for t in top[:3]]))).all())
    legend = [(n, int(found.sizes[n]), [names.get(t, "?") for t in top[:3]])
              for n, top in enumerate(found.top_titles)]
    return {"points": points, "legend": legend, "size": (w, h)}


def _params(params: dict) -> str:
    return ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                     for k, v in sorted((params or {}).items()))


def retrain_reports(runs: list[JobRun]) -> list[dict]:
    """Each run with its candidates (best NDCG@10 first) as the template shows them."""
    out = []
    for run in runs:
        try:
            report = json.loads(run.report) if run.report else {}
        except ValueError:  # a hand-edited or truncated row: show the run without its table
            report = {}
        report = report if isinstance(report, dict) else {}
        rows = [{"name": name, "label": LABELS.get(name, name), "params": _params(c.get("params")),
                 **{k: c.get(k) for k in ("ndcg@10", "recall@20", "coverage", "fit_seconds")}}
                for name, c in (report.get("candidates") or {}).items() if isinstance(c, dict)]
        rows.sort(key=lambda r: -(r["ndcg@10"] or 0.0))
        out.append({"run": run, "outcome": OUTCOMES.get(run.status, run.status),
                    "chosen": report.get("chosen"), "candidates": rows})
    return out


def _page(status: int = 200, problem: str | None = None):
    settings = current_app.config["STREAMSIM"]
    store = model_store()
    model_dir = store.model_dir
    current = artifacts.current_version(model_dir)
    cards = [{"data": {}, "metrics": {}, "params": {}, **c} for c in artifacts.cards(model_dir)]
    runs = list(db_session().scalars(select(JobRun).where(JobRun.job == "train")
                                     .order_by(JobRun.id.desc()).limit(20)))
    last_error = next((r for r in runs if r.status in ("failed", "rejected")), None)
    serving = store.get()
    return render_page("recommender/models.html", "status", status=status, current=current,
                       cards=cards, card=next((c for c in cards if c.get("version") == current),
                                              None),
                       runs=runs, retrains=retrain_reports(runs), labels=LABELS,
                       pinned=artifacts.pinned_version(model_dir), problem=problem,
                       last_error=last_error, sched=scheduler.status(settings),
                       chart=chart(cards), size=(CHART_W, CHART_H, PAD),
                       serving=serving.version if serving else None,
                       groups=community_map(serving), profile=current_profile())


@bp.get("/")
@educator_required
def index():
    # A killed retrain shows as failed (a GET holds no write lock; a POST's _page must not).
    if settle_interrupted(get_database(), current_app.config["STREAMSIM"]):
        db_session().rollback()  # end the request's read snapshot: it predates the change
    return _page()


@bp.post("/pin")
@educator_required
def pin():
    """Serve a stored version and keep it: retrains are skipped until it is unpinned."""
    form = VersionForm()
    model_dir = model_store().model_dir
    if not form.validate_on_submit():
        return _page(400, "Choose a stored version to pin.")
    version = form.version.data
    if version not in artifacts.versions(model_dir):  # never a path outside the model folder
        return _page(404, f"There is no stored version {version}.")
    # Under the retrain lock, so a retrain that started before the pin cannot publish after it.
    with exclusive(train_lock(current_app.config["STREAMSIM"])) as got:
        if not got:
            return _page(409, "A retrain is running; pin the version when it has finished.")
        try:
            artifacts.pin(model_dir, version)
        except artifacts.ArtifactError as exc:
            return _page(400, f"Version {version} cannot serve, so it was not pinned: {exc}")
    flash(f"Pinned {version}: it serves until you unpin it, and retrains are skipped.")
    return redirect(url_for("models_page.index"), 303)


@bp.post("/unpin")
@educator_required
def unpin():
    """Let retrains publish again (the pinned version keeps serving until one does)."""
    if not EmptyForm().validate_on_submit():
        return _page(400, "That request could not be checked; reload the page and try again.")
    model_dir = model_store().model_dir
    was = artifacts.pinned_version(model_dir)
    artifacts.unpin(model_dir)
    flash(f"Unpinned {was}: the next retrain may publish a new model." if was
          else "No version was pinned.")
    return redirect(url_for("models_page.index"), 303)
