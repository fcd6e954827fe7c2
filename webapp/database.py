"""One database session per request, opened lazily; views commit in one visible place."""

from __future__ import annotations

from flask import Flask, current_app, g, request
from sqlalchemy.orm import Session

from core.db import Database
from core.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_app(app: Flask, settings: Settings, database: Database | None = None) -> None:
    app.extensions["streamsim.db"] = database or Database(settings)
    app.teardown_appcontext(_close)


def get_database() -> Database:
    return current_app.extensions["streamsim.db"]


def db_session() -> Session:
    """The request's session: reads begin DEFERRED on GET, writes IMMEDIATE on unsafe methods."""
    if "db_session" not in g:
        g.db_session = get_database().session(readonly=request.method in SAFE_METHODS)
    return g.db_session


def _close(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
