"""The home page: billboard, first screen of rows server-side, the rest lazy on scroll.

Rows that are the same for everyone at a maturity limit (Trending, Top 10, popular genre rows)
come from a short-lived cache kept per app in app.extensions (settings.home_rows_cache_s;
entries expire by time only), handed to the row builder; so do the title cards the rows show
(catalog.TitleCard: read-only copies, the same for every viewer), kept as long.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app

from core import impressions
from core.clock import system_clock
from core.settings import Settings
from recommender.cache import TTLCache
from recommender.rows import HomeRows
from webapp.database import db_session, get_database
from webapp.htmx import render_fragment, render_page
from webapp.recs import serving_model
from webapp.viewer import current_profile, profile_required

bp = Blueprint("home", __name__)
ROWS_CACHE = "streamsim.home_rows"
CARDS_CACHE = "streamsim.title_cards"


def init_app(app: Flask, settings: Settings) -> None:
    app.extensions[ROWS_CACHE] = TTLCache(ttl_s=settings.home_rows_cache_s, max_entries=512)
    app.extensions[CARDS_CACHE] = TTLCache(ttl_s=settings.home_rows_cache_s, max_entries=20_000)


def rows_cache() -> TTLCache:
    return current_app.extensions[ROWS_CACHE]


def _builder(profile) -> HomeRows:
    return HomeRows(db_session(), profile, system_clock.now(), serving_model(), rows_cache(),
                    current_app.extensions[CARDS_CACHE])


@bp.get("/home")
@profile_required
def index():
    profile = current_profile()
    builder = _builder(profile)
    home = builder.home()
    shown = [t.id for row in home.rows for t in row.titles]
    with get_database().write() as w:  # what was shown, for analysis and the simulator's metrics
        impressions.record_rows(w, profile.id, [(r.key, [t.id for t in r.titles], None)
                                                for r in home.rows], "home", builder.now)
    return render_page("home/index.html", None, home=home, profile=profile,
                       my_list=builder.in_list(shown))


@bp.get("/home/rows/<key>")
@profile_required
def row(key: str):
    profile = current_profile()
    builder = _builder(profile)
    spec = builder.spec_for(key)  # plans the page once; position_of reuses that plan
    if spec is None:
        abort(404)
    built = builder.build(spec)
    with get_database().write() as w:
        impressions.record_rows(w, profile.id, [(key, [t.id for t in built.titles], None)],
                                "home", builder.now, first_position=builder.position_of(key))
    return render_fragment("home/index.html", "lazy_row", row=built, profile=profile,
                           my_list=builder.in_list(t.id for t in built.titles))
