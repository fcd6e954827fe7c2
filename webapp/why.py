""""Why this?" for a recommended title: a full page, or an htmx modal fragment."""

from __future__ import annotations

from flask import Blueprint

from core import catalog
from core.clock import system_clock
from recommender import communities
from recommender.explain import explain
from recommender.scoring import Ranker
from webapp.database import db_session
from webapp.htmx import render_page
from webapp.recs import serving_model
from webapp.viewer import current_profile, profile_required, title_or_404

bp = Blueprint("why", __name__)


@bp.get("/why/<int:title_id>")
@profile_required
def detail(title_id: int):
    title = title_or_404(title_id)
    profile = current_profile()
    model = serving_model()
    found = explain(db_session(), profile, model, system_clock.now(), title_id)
    return render_page("recommender/why.html", "modal", why=found, title=title,
                       profile=profile, has_model=model is not None)


@bp.get("/taste")
@profile_required
def taste():
    """Which taste community this profile belongs to, and what that community watches."""
    profile = current_profile()
    s = db_session()
    model = serving_model()
    community = titles = None
    size = 0
    if model is not None and model.has_factors:
        ranker = Ranker(s, profile, model, system_clock.now())
        if ranker.personal:
            found = communities.for_model(model)
            community = found.nearest(ranker.vector.pu)
            size = int(found.sizes[community])
            titles = catalog.load_titles(s, found.top_titles[community], profile.maturity_limit)
    return render_page("recommender/taste.html", None, profile=profile, community=community,
                       titles=titles or [], size=size, has_model=model is not None)
