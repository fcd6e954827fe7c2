"""Title detail (a page, or an htmx modal over the home page), thumbs and My List toggles."""

from __future__ import annotations

from flask import Blueprint, abort, request

from core import activity, history
from core.clock import system_clock
from recommender.personal import more_like_this
from webapp.database import db_session
from webapp.forms import EmptyForm
from webapp.htmx import render_page
from webapp.recs import serving_model
from webapp.viewer import current_profile, profile_required, title_or_404

bp = Blueprint("titles", __name__, url_prefix="/title")


def _context(title) -> dict:
    profile = current_profile()
    s = db_session()
    return {
        "title": title, "profile": profile, "form": EmptyForm(),
        "rating": activity.rating_for(s, profile.id, title.id),
        "listed": bool(activity.in_list(s, profile.id, [title.id])),
        "similar": more_like_this(s, profile, title, system_clock.now(), serving_model(), n=12),
        "thumbs": activity.THUMBS,
        "resume": history.resume_point(s, profile.id, title, profile.maturity_limit),
    }


@bp.get("/<int:title_id>")
@profile_required
def detail(title_id: int):
    title = title_or_404(title_id)
    block = "modal" if request.args.get("modal") == "1" else "detail"
    return render_page("titles/detail.html", block, **_context(title))


@bp.post("/<int:title_id>/rating")
@profile_required
def rate(title_id: int):
    title = title_or_404(title_id)
    raw = request.form.get("value", "")
    try:
        value = int(raw)
    except ValueError:
        abort(400)
    s = db_session()
    current = activity.rating_for(s, current_profile().id, title.id)
    try:  # pressing the thumb you already gave takes it back
        activity.rate_title(s, current_profile().id, title.id,
                            None if value in (0, current) else value, system_clock.now())
    except activity.ActivityError:
        abort(400)
    s.commit()
    return render_page("titles/detail.html", "actions", **_context(title))


@bp.post("/<int:title_id>/list")
@profile_required
def toggle_list(title_id: int):
    title = title_or_404(title_id)
    s = db_session()
    profile = current_profile()
    action = request.form.get("action")
    if action == "remove":
        activity.remove_from_list(s, profile.id, title.id)
    elif action == "add":
        activity.add_to_list(s, profile.id, title.id, system_clock.now())
    else:
        abort(400)
    s.commit()
    block = "list_button" if request.args.get("compact") == "1" else "actions"
    return render_page("titles/detail.html", block, **_context(title))
