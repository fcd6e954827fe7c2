"""Viewing activity: every title and episode watched, thumbs given, "hide from history"."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for

from core import activity, history
from webapp.database import db_session
from webapp.forms import EmptyForm
from webapp.htmx import is_fragment_request, render_page
from webapp.viewer import current_profile, profile_required, title_or_404

bp = Blueprint("history", __name__, url_prefix="/history")


def _context() -> dict:
    profile = current_profile()
    s = db_session()
    return {"profile": profile, "form": EmptyForm(), "thumbs": activity.THUMBS,
            "entries": history.viewing_activity(s, profile.id, profile.maturity_limit),
            "rated": history.thumbs_given(s, profile.id, profile.maturity_limit)}


@bp.get("/")
@profile_required
def index():
    return render_page("history/index.html", "entries", **_context())


@bp.post("/<int:title_id>/hide")
@profile_required
def hide(title_id: int):
    """Hide a title (all its episodes) from history, continue watching and what is learnt."""
    title_or_404(title_id)
    s = db_session()
    history.hide_title(s, current_profile().id, title_id)
    s.commit()
    if is_fragment_request():
        return render_page("history/index.html", "entries", **_context())
    return redirect(url_for("history.index"))
