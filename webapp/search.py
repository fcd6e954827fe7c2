"""Search as you type over titles, cast, directors and tags; every query is logged."""

from __future__ import annotations

from flask import Blueprint, request

from core import activity, catalog
from core.clock import system_clock
from recommender.personal import rerank_search
from webapp.database import db_session, write_after_reads
from webapp.htmx import render_page
from webapp.recs import serving_model
from webapp.viewer import current_profile, profile_required

bp = Blueprint("search", __name__, url_prefix="/search")


@bp.get("/")
@profile_required
def index():
    profile = current_profile()
    query = " ".join(request.args.get("q", "").split())[:100]
    s = db_session()
    result = catalog.search(s, query, profile.maturity_limit)
    result.titles[:] = rerank_search(s, profile, system_clock.now(), query, result.titles,
                                     serving_model())
    suggestions = []
    if query:
        # Logging is an analytics write in its own short transaction, once the page's reads
        # are done (webapp/database.py); the page stays a read.
        pid, found, now = profile.id, len(result.titles), system_clock.now()
        write_after_reads(lambda w: activity.log_search(w, pid, query, found, now))
        if not result.titles:
            suggestions = catalog.tags(s, "genre")[:8]
    # The header box, typing on another page, targets #main: it gets the whole page (htmx
    # selects its #main) and keeps its own focus; everything else gets the results region.
    headers = request.headers
    block = None if headers.get("HX-Target") == "main" else "results"
    response = render_page("search/index.html", block, query=query, result=result,
                           suggestions=suggestions, profile=profile,
                           autofocus=headers.get("HX-Trigger") != "top-search")
    response.vary.add("HX-Target")
    return response
