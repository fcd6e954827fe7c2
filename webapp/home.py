"""The home page: billboard, first screen of rows server-side, the rest lazy on scroll.

Rows that are the same for everyone at a maturity limit (Trending, Top 10, popular genre rows)
come from a short-lived cache kept per app in app.extensions (settings.home_rows_cache_s;
entries expire by time only), handed to the row builder; so do the title cards the rows show
(catalog.TitleCard: read-only copies, the same for every viewer), kept as long.

A home page's plan and its ranker's work (recommender.rows.PageState) are kept as long too,
per profile and model version: the page's lazy rows fill from the page they belong to rather
than planning it again and loading the profile's signals again, about 30 times per page.
Every new home page plans afresh and replaces it; it reuses the kept ranker's work (the
profile's state, scores and filters) only if the profile's signals and maturity limit are
unchanged since (`recommender.rows.page_stamp`, one statement), so a thumbs, a play, a My
List change or a new limit shows on the next home page, on whichever worker serves it.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app

from core import experiments, impressions
from core.clock import system_clock
from core.settings import Settings
from recommender import artwork_bandit, live_experiments
from recommender.cache import TTLCache
from recommender.rows import HomeRows, PageState, page_stamp
from webapp.database import db_session, write_after_reads
from webapp.htmx import render_fragment, render_page
from webapp.recs import serving_model
from webapp.viewer import current_profile, profile_required

bp = Blueprint("home", __name__)
ROWS_CACHE = "streamsim.home_rows"
CARDS_CACHE = "streamsim.title_cards"
PAGES_CACHE = "streamsim.home_pages"
EXPERIMENTS_CACHE = "streamsim.live_experiments"


def init_app(app: Flask, settings: Settings) -> None:
    app.extensions[ROWS_CACHE] = TTLCache(ttl_s=settings.home_rows_cache_s, max_entries=512)
    app.extensions[CARDS_CACHE] = TTLCache(ttl_s=settings.home_rows_cache_s, max_entries=20_000)
    app.extensions[PAGES_CACHE] = TTLCache(ttl_s=settings.home_rows_cache_s, max_entries=2_000)
    app.extensions[EXPERIMENTS_CACHE] = experiments.RunningCache(ttl_s=5.0)


def running_experiments() -> experiments.RunningCache:
    return current_app.extensions[EXPERIMENTS_CACHE]


def _assigned(profile) -> list[experiments.Assignment]:
    """The profile's variants in the running live experiments (core.experiments); which
    experiments run is read at most every few seconds per process."""
    return experiments.assign(running_experiments().get(db_session()), profile.id,
                              profile.created_at)


def _live(builder: HomeRows, assigned: list[experiments.Assignment]
          ) -> live_experiments.Decision | None:
    """Apply the profile's live experiments (`assigned`) to its page, and say which of them
    changed it; None when it is in none."""
    if not assigned:
        return None
    builder.source.continue_items  # noqa: B018 - loaded first, as home() does: plans reuse it
    decision = live_experiments.decide(builder.source, assigned, builder.options)
    builder.apply(decision.settings)
    return decision


def rows_cache() -> TTLCache:
    return current_app.extensions[ROWS_CACHE]


def _builder(profile, model, page: PageState | None = None, ranker=None) -> HomeRows:
    return HomeRows(db_session(), profile, system_clock.now(), model, rows_cache(),
                    current_app.extensions[CARDS_CACHE], page, ranker)


def _choose_art(profile, row, assigned=()) -> list[int] | None:
    """The artwork variant of each card of a row under the artwork policy (a live
    experiment's variant's, if one sets it, else settings.artwork_policy), kept on the row
    for the template; None (not recorded, variant 0 shown) under the default policy."""
    settings: Settings = current_app.config["STREAMSIM"]
    policy = settings.artwork_policy
    if any("artwork" in a.variant.settings for a in assigned):
        policy = live_experiments.artwork_policy(list(assigned))
    if policy == "default" or row.style == "wide" or not row.titles:
        return None
    ids = [t.id for t in row.titles]
    context = artwork_bandit.context_for(policy, settings.model_dir, profile.id)
    variants = artwork_bandit.choose_artwork(context, ids)
    row.art = dict(zip(ids, variants, strict=True))
    return variants


def _page_key(profile, model, settings: live_experiments.PageSettings | None = None) -> tuple:
    """Where a home page's state is kept: per profile, serving model version and the page
    settings of its live experiments' variants."""
    return (profile.id, model.version if model is not None else "", settings)


@bp.get("/home")
@profile_required
def index():
    profile, model = current_profile(), serving_model()
    assigned = _assigned(profile)
    settings = live_experiments.settings_for(assigned) if assigned else None
    pages, key = current_app.extensions[PAGES_CACHE], _page_key(profile, model, settings)
    stamp = page_stamp(db_session(), profile) if model is not None else None
    kept = pages.get_many((key,)).get(key) if stamp is not None else None
    builder = _builder(profile, model, ranker=kept.ranker if kept and kept.stamp == stamp
                       else None)
    live = _live(builder, assigned)
    home = builder.home()
    pages.set_many({key: builder.page_state(stamp)})
    shown_rows = [(r.key, [t.id for t in r.titles], _choose_art(profile, r, assigned))
                  for r in home.rows]
    # What was shown, for analysis and the simulator's metrics (after the request's reads);
    # the live experiments whose variant changed this page (first exposure kept).
    pid, now = profile.id, builder.now
    exposed = experiments.exposure_values(live.exposed, pid, now) if live else []

    def record(w):
        impressions.record_rows(w, pid, shown_rows, "home", now)
        experiments.record_exposures(w, exposed)

    write_after_reads(record)
    return render_page("home/index.html", None, home=home, profile=profile,
                       my_list=builder.in_list(t for _, ids, _ in shown_rows for t in ids))


@bp.get("/home/rows/<key>")
@profile_required
def row(key: str):
    profile, model = current_profile(), serving_model()
    assigned = _assigned(profile)
    settings = live_experiments.settings_for(assigned) if assigned else None
    page_key = _page_key(profile, model, settings)
    kept = current_app.extensions[PAGES_CACHE].get_many((page_key,)).get(page_key)
    builder = _builder(profile, model, kept)
    if settings is not None:  # the row fills as its page's variant says (exposed already)
        builder.apply(settings)
    spec = builder.spec_for(key)  # the page's plan (made here only when none is kept)
    if spec is None:
        abort(404)
    built = builder.build(spec)
    pid, now = profile.id, builder.now
    row_ids, position = [t.id for t in built.titles], builder.position_of(key)
    variants = _choose_art(profile, built, assigned)
    write_after_reads(lambda w: impressions.record_rows(
        w, pid, [(key, row_ids, variants)], "home", now, first_position=position))
    return render_fragment("home/index.html", "lazy_row", row=built, profile=profile,
                           my_list=builder.in_list(t.id for t in built.titles))
