"""The model page for educators and operators, and the recommender's wiring into the app.

`init_app` points this process's scoring at settings.model_dir and, when
STREAMSIM_REC_SCHEDULER_IN_APP is set (the single-process demo), starts the in-app retrain
scheduler behind its lock. Training itself never runs inside a web request.
"""

from __future__ import annotations

import atexit

from flask import Blueprint, Flask, current_app
from sqlalchemy import select

from core.models import JobRun, Title
from core.settings import Settings
from recommender import artifacts, communities, scheduler, scoring
from webapp.database import db_session
from webapp.htmx import render_page
from webapp.viewer import current_profile, educator_required

bp = Blueprint("models_page", __name__, url_prefix="/models")
CHART_W, CHART_H, PAD = 640, 220, 36


def init_app(app: Flask, settings: Settings) -> None:
    scoring.configure(settings.model_dir)
    if settings.rec_scheduler_in_app and not settings.is_testing:
        started = scheduler.start_in_app(app.extensions["streamsim.db"], settings)
        if started is not None:
            app.extensions["streamsim.scheduler"] = started
            atexit.register(scheduler.stop, started)


def chart(cards: list[dict]) -> dict:
    """Points for an SVG line chart of holdout NDCG@10 per version (oldest left)."""
    rows = [c for c in reversed(cards) if (c.get("metrics") or {}).get("ndcg@10") is not None]
    if not rows:
        return {"model": "", "pop": "", "labels": [], "top": 0.0}
    top = max(max(c["metrics"]["ndcg@10"], c["metrics"].get("popularity_ndcg@10") or 0)
              for c in rows) or 1.0
    step = (CHART_W - 2 * PAD) / max(len(rows) - 1, 1)

    def point(n: int, value: float) -> str:
        x = PAD + n * step
        y = CHART_H - PAD - (CHART_H - 2 * PAD) * value / top
        return f"{x:.1f},{y:.1f}"

    return {
        "model": " ".join(point(n, c["metrics"]["ndcg@10"]) for n, c in enumerate(rows)),
        "pop": " ".join(point(n, c["metrics"].get("popularity_ndcg@10") or 0)
                        for n, c in enumerate(rows)),
        "labels": [(PAD + n * step, c["version"]) for n, c in enumerate(rows)],
        "top": top,
    }


def community_map(model) -> dict | None:
    """Points and legend for the educator's 2-D map of taste communities."""
    if model is None or model.user_ids.size < 2:
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


@bp.get("/")
@educator_required
def index():
    settings = current_app.config["STREAMSIM"]
    model_dir = scoring.model_dir() or settings.model_dir
    current = artifacts.current_version(model_dir)
    cards = [{"data": {}, "metrics": {}, "params": {}, **c} for c in artifacts.cards(model_dir)]
    runs = list(db_session().scalars(select(JobRun).where(JobRun.job == "train")
                                     .order_by(JobRun.id.desc()).limit(20)))
    last_error = next((r for r in runs if r.status in ("failed", "rejected")), None)
    serving = scoring.serving_model()
    return render_page("recommender/models.html", "status", current=current, cards=cards,
                       card=next((c for c in cards if c.get("version") == current), None),
                       runs=runs, last_error=last_error, sched=scheduler.status(settings),
                       chart=chart(cards), size=(CHART_W, CHART_H, PAD),
                       serving=serving.version if serving else None,
                       groups=community_map(serving), profile=current_profile())
