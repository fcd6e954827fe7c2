"""The Flask presentation layer. `create_app` is the one place that wires things."""

from __future__ import annotations

from flask import Flask

from core.db import Database
from core.settings import Settings
from webapp.converters import IdConverter


def create_app(settings: Settings | None = None, database: Database | None = None) -> Flask:
    """Build the app: configure, database, extensions, blueprints, error handlers, filters."""
    settings = settings or Settings.from_env()
    app = Flask(__name__, instance_path=str(settings.instance_dir), instance_relative_config=False)

    from webapp import (
        accounts,
        art,
        assets,
        auth,
        browse,
        errors,
        events,
        extensions,
        filters,
        health,
        history,
        home,
        mail,
        models_page,
        onboarding,
        people,
        player,
        profiles,
        recs,
        search,
        security,
        titles,
        why,
    )
    from webapp import database as database_module

    configure(app, settings)
    app.url_map.converters["int"] = IdConverter  # before any route: ids bounded at the edge
    database_module.init_app(app, settings, database)
    extensions.init_app(app, settings)
    recs.init_app(app, settings)  # this app's serving model (never a scheduler: see recs.py)
    home.init_app(app, settings)  # the short-lived cache of rows the same for everyone
    security.init_app(app)
    for module in (assets, art, health, auth, accounts, profiles, onboarding, home, titles, browse,
                   search, people, events, player, history, why, models_page, mail):
        app.register_blueprint(module.bp)
    from webapp import (
        classroom,
        coldstart,
        designer,
        educator,
        exports,
        live_experiments,
        site_analytics,
    )

    app.register_blueprint(educator.bp)
    app.register_blueprint(live_experiments.bp)
    app.register_blueprint(classroom.bp)
    app.register_blueprint(designer.bp)
    app.register_blueprint(coldstart.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(site_analytics.bp)
    errors.init_app(app)
    filters.init_app(app, settings.home_rows_cache_s)
    return app


def configure(app: Flask, settings: Settings) -> None:
    app.config.update(
        STREAMSIM=settings,
        SECRET_KEY=settings.secret_key,
        TESTING=settings.is_testing,
        DEBUG=False,
        SESSION_COOKIE_NAME="streamsim_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.is_production,
        PERMANENT_SESSION_LIFETIME=60 * 60 * 24 * 14,
        # Only send the cookie when the session changed: parallel requests (art, lazy rows)
        # would otherwise race and write back stale copies.
        SESSION_REFRESH_EACH_REQUEST=False,
        # The CSRF token lives as long as the session: it must outlive a 3-hour film.
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_HEADERS=["X-CSRFToken"],
        MAX_CONTENT_LENGTH=256 * 1024,
        RATELIMIT_STORAGE_URI=settings.rate_limit_storage,
        RATELIMIT_HEADERS_ENABLED=True,
        SEND_FILE_MAX_AGE_DEFAULT=60 * 60,
    )
