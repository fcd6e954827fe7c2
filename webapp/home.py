"""The home page: billboard, first screen of rows server-side, the rest lazy on scroll."""

from __future__ import annotations

from flask import Blueprint, abort

from core import activity, impressions
from core.clock import system_clock
from recommender.rows import HomeRows
from webapp.database import db_session, get_database
from webapp.htmx import render_fragment, render_page
from webapp.recs import serving_model
from webapp.viewer import current_profile, profile_required

bp = Blueprint("home", __name__)


@bp.get("/home")
@profile_required
def index():
    profile = current_profile()
    s = db_session()
    builder = HomeRows(s, profile, system_clock.now(), serving_model())
    home = builder.home()
    shown = [t.id for row in home.rows for t in row.titles]
    with get_database().write() as w:  # what was shown, for analysis and the simulator's metrics
        impressions.record_rows(w, profile.id, [(r.key, [t.id for t in r.titles], None)
                                                for r in home.rows], "home", builder.now)
    return render_page("home/index.html", None, home=home, profile=profile,
                       my_list=activity.in_list(s, profile.id, shown))


@bp.get("/home/rows/<key>")
@profile_required
def row(key: str):
    profile = current_profile()
    s = db_session()
    builder = HomeRows(s, profile, system_clock.now(), serving_model())
    spec = builder.spec_for(key)
    if spec is None:
        abort(404)
    built = builder.build(spec)
    position = next((i for i, s_ in enumerate(builder.plan()) if s_.key == key), 0)
    with get_database().write() as w:
        impressions.record_rows(w, profile.id, [(key, [t.id for t in built.titles], None)],
                                "home", builder.now, first_position=position)
    return render_fragment("home/index.html", "lazy_row", row=built, profile=profile,
                           my_list=activity.in_list(s, profile.id, [t.id for t in built.titles]))
