"""One database session per request, opened lazily; views commit in one visible place."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, g, request
from sqlalchemy.orm import Session

from core.db import Database
from core.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
F = TypeVar("F", bound=Callable)
log = logging.getLogger(__name__)


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


def write_after_reads(write: Callable[[Session], None]) -> None:
    """Run `write(session)` in a short write transaction once the request's own session has
    closed, at the end of the request: for a page's analytics rows (impressions, search logs).

    Committing while the request's read transaction is still open starves SQLite's WAL
    checkpoints: a checkpoint cannot reset the log past a reader's snapshot, and the request
    that commits is always such a reader, so on a busy site the WAL only grew and every commit
    paid a checkpoint attempt (49 MB of WAL, 4.7 ms per commit, measured on the demo database;
    1 ms after a manual checkpoint). Analytics rows acknowledged to nobody may be written after
    the page is made; a failure is logged and never turns the page into an error."""
    g.setdefault("writes_after_reads", []).append(write)


def _close(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
    writes = g.pop("writes_after_reads", None)
    if not writes:
        return
    try:
        with get_database().write() as s:
            for write in writes:
                write(s)
    except Exception:  # noqa: BLE001 - analytics only: the page was already made
        log.exception("analytics write after the request failed")
