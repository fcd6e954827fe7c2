"""Browse by genre, mood, language, decade and kind, sorted, with bookmarkable URLs and a
grid that keeps loading as you scroll (each page links the next)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from core import activity, catalog
from webapp.database import db_session
from webapp.htmx import render_page
from webapp.viewer import current_profile, profile_required

bp = Blueprint("browse", __name__, url_prefix="/browse")
DECADES = tuple(range(1970, 2030, 10))


def filters_from_args() -> catalog.Filters:
    args = request.args
    sort = args.get("sort", "popular")
    decade = args.get("decade", type=int)
    kind = args.get("kind")
    return catalog.Filters(
        genre=args.get("genre") or None,
        mood=args.get("mood") or None,
        language=args.get("language") or None,
        decade=decade if decade in DECADES else None,
        kind=kind if kind in ("film", "series") else None,
        sort=sort if sort in catalog.SORTS else "popular",
    )


@bp.get("/")
@profile_required
def index():
    profile = current_profile()
    s = db_session()
    filters = filters_from_args()
    page = max(1, min(request.args.get("page", 1, type=int), 10_000))
    result = catalog.browse(s, profile.maturity_limit, filters, page=page, per_page=36)
    # A fragment request with page>1 is the infinite scroll asking for more cards.
    block = "more" if page > 1 else "results"
    return render_page("browse/index.html", block, result=result, filters=filters,
                       profile=profile, genres=catalog.tags(s, "genre"),
                       moods=catalog.tags(s, "mood"),
                       languages=catalog.languages(s, profile.maturity_limit),
                       decades=DECADES, sorts=catalog.SORTS)


@bp.get("/my-list")
@profile_required
def my_list():
    profile = current_profile()
    s = db_session()
    ids = activity.list_ids(s, profile.id)
    titles = catalog.load_titles(s, ids, profile.maturity_limit)
    return render_template("browse/my_list.html", titles=titles, profile=profile,
                           my_list=set(ids))
