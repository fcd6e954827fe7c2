"""The home page: billboard, first screen of rows server-side, the rest lazy on scroll."""

from __future__ import annotations

from flask import Blueprint, abort

from core import activity
from core.clock import system_clock
from recommender.rows import HomeRows
from webapp.database import db_session
from webapp.htmx import render_fragment, render_page
from webapp.viewer import current_profile, profile_required

bp = Blueprint("home", __name__)


@bp.get("/home")
@profile_required
def index():
    profile = current_profile()
    s = db_session()
    builder = HomeRows(s, profile, system_clock.now())
    home = builder.home()
    shown = [t.id for row in home.rows for t in row.titles]
    return render_page("home/index.html", None, home=home, profile=profile,
                       my_list=activity.in_list(s, profile.id, shown))


@bp.get("/home/rows/<key>")
@profile_required
def row(key: str):
    profile = current_profile()
    s = db_session()
    builder = HomeRows(s, profile, system_clock.now())
    spec = builder.spec_for(key)
    if spec is None:
        abort(404)
    built = builder.build(spec)
    return render_fragment("home/index.html", "lazy_row", row=built, profile=profile,
                           my_list=activity.in_list(s, profile.id, [t.id for t in built.titles]))
