"""The taste picker: a new profile picks 3 or more titles before its first home page."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for

from core import activity, catalog
from core.clock import system_clock
from webapp.converters import query_int
from webapp.database import db_session
from webapp.forms import EmptyForm
from webapp.htmx import render_page
from webapp.viewer import current_profile, profile_required, title_or_404

bp = Blueprint("onboarding", __name__, url_prefix="/welcome")


def _picks() -> list[int]:
    """Picks are stored as they are made (not in the cookie, which parallel requests race)."""
    return activity.taste_pick_ids(db_session(), current_profile().id)


def _context(offset: int) -> dict:
    profile = current_profile()
    s = db_session()
    candidates = catalog.onboarding_candidates(s, profile.maturity_limit, n=40, offset=offset)
    picks = _picks()
    picked = catalog.load_titles(s, picks, profile.maturity_limit)
    return {"profile": profile, "candidates": candidates, "picks": set(picks),
            "picked": picked, "offset": offset, "genres": catalog.tags(s, "genre"),
            "form": EmptyForm(), "min_picks": activity.MIN_PICKS}


def _offset() -> int:
    """Which page of the picker ("show me others"): 0..20."""
    return query_int(request.args, "offset", 0, 0, 20)


@bp.get("/")
@profile_required
def picker():
    return render_page("onboarding/picker.html", "grid", **_context(_offset()))


@bp.post("/toggle/<int:title_id>")
@profile_required
def toggle(title_id: int):
    """Toggle one pick (stored at once), answer with the card and the counter."""
    title_or_404(title_id)
    profile = current_profile()
    s = db_session()
    if title_id in _picks() or len(_picks()) < 50:
        activity.toggle_taste_pick(s, profile.id, title_id, system_clock.now())
    s.commit()
    context = _context(_offset())
    context["title"] = catalog.get_title(db_session(), title_id, profile.maturity_limit)
    return render_page("onboarding/picker.html", "toggled", **context)


@bp.post("/done")
@profile_required
def done():
    profile = current_profile()
    if not EmptyForm().validate_on_submit():
        abort(400)
    s = db_session()
    genre_ids = [int(g) for g in request.form.getlist("genre")
                 if g.isascii() and g.isdigit() and len(g) <= 10][:20]
    try:
        activity.finish_onboarding(s, profile, genre_ids, system_clock.now())
    except activity.ActivityError:
        s.rollback()
        return redirect(url_for("onboarding.picker"))
    s.commit()
    return redirect(url_for("home.index"))
