"""One database session per request, opened lazily; views commit in one visible place."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, g, request
from sqlalchemy.orm import Session

from core.db import Database
from core.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
F = TypeVar("F", bound=Callable)


def init_app(app: Flask, settings: Settings, database: Database | None = None) -> None:
    app.extensions["streamsim.db"] = database or Database(settings)
    app.teardown_appcontext(_close)


def get_database() -> Database:
    return current_app.extensions["streamsim.db"]


def no_write_lock(view: F) -> F:
    """Mark a POST view that writes nothing through the request's session (signing in,
    choosing a profile with a PIN) or writes only in a short unit of its own
    (`get_database().write()`): its session reads, so the write lock is never held while it
    verifies a password or PIN. Place it right under the route decorator."""
    view.no_write_lock = True  # type: ignore[attr-defined]
    return view


def _reads_only() -> bool:
    if request.method in SAFE_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "no_write_lock", False))


def db_session() -> Session:
    """The request's session: reads begin DEFERRED on GET (and on `no_write_lock` views),
    writes IMMEDIATE on other unsafe methods."""
    if "db_session" not in g:
        g.db_session = get_database().session(readonly=_reads_only())
    return g.db_session


def _close(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
