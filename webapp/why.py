""""Why this?" for a recommended title: a full page, or an htmx modal fragment."""

from __future__ import annotations

from flask import Blueprint, abort

from core import catalog
from core.clock import system_clock
from recommender import scoring
from recommender.explain import explain
from webapp.database import db_session
from webapp.htmx import render_page
from webapp.viewer import current_profile, profile_required

bp = Blueprint("why", __name__)


@bp.get("/why/<int:title_id>")
@profile_required
def detail(title_id: int):
    profile = current_profile()
    s = db_session()
    if catalog.get_title(s, title_id, profile.maturity_limit) is None:
        abort(404)
    model = scoring.serving_model()
    found = explain(s, profile, model, system_clock.now(), title_id)
    title = found.title if found else catalog.get_title(s, title_id, profile.maturity_limit)
    return render_page("recommender/why.html", "modal", why=found, title=title,
                       profile=profile, has_model=model is not None)
