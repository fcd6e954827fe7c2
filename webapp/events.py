"""The playback event endpoint (JSON) and the OpenAPI document that describes it.

The player (and anything else) POSTs one event or {"events": [...]}; the profile comes from the
session only. The answer is 2xx only after the commit; a busy database gives 503 with
Retry-After (the player retries), never 500; a retried event is stored once and still 2xx.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Blueprint, Response, jsonify, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import RequestEntityTooLarge

from core import playback
from core.clock import system_clock
from core.db import Database
from webapp.database import get_database
from webapp.openapi import document
from webapp.viewer import session_profile, signed_in_cookie

bp = Blueprint("events", __name__)

# 500 events of ~230 bytes each fit with room to spare; anything bigger is refused early.
MAX_BODY_BYTES = 160 * 1024
RETRY_AFTER_S = 1
BUSY_PGCODES = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock not available


def _error(status: int, message: str, field: str | None = None, index: int | None = None,
           headers: dict | None = None) -> Response:
    response = jsonify({"error": message, "field": field, "index": index})
    response.status_code = status
    response.headers.update(headers or {})
    return response


_thread_slot = threading.Lock()
_lock_files: dict[str, int] = {}


@contextmanager
def _writer_slot(database: Database) -> Iterator[None]:
    """SQLite has one writer at a time. Event writers queue on a thread lock and a lock file
    (woken as soon as it is free) instead of in SQLite's busy handler, which sleeps in growing
    steps of up to 100 ms between retries; that sleeping is what made the tail latency."""
    url = database.settings.database_url
    path = url.split("///", 1)[-1] if url.startswith("sqlite") else ""
    if not path or path == ":memory:":
        yield
        return
    with _thread_slot:
        fd = _lock_files.get(path)
        if fd is None:
            fd = _lock_files[path] = os.open(path + ".writers", os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


def is_busy(exc: DBAPIError) -> bool:
    """Is this the database saying "try again" (locked, or a serialization failure)?"""
    if getattr(getattr(exc, "orig", None), "sqlstate", None) in BUSY_PGCODES:
        return True
    text = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in text or "database is busy" in text


def _too_large() -> Response:
    return _error(413, f"The body is over {MAX_BODY_BYTES} bytes; send smaller batches.")


def _busy(exc: Exception) -> Response:
    """503 for "try again" (locked database, serialization failure, no free connection, a
    database that cannot be reached); anything else is a real error and is raised again."""
    unreachable = isinstance(exc, OperationalError | InterfaceError)
    if isinstance(exc, DBAPIError) and not (is_busy(exc) or unreachable):
        raise exc
    return _error(503, "The database is busy; retry shortly.",
                  headers={"Retry-After": str(RETRY_AFTER_S)})


def _json_number(text: str) -> int | float:
    """A JSON number with a zero fraction (3.0, 1e3) is an integer, as JSON Schema and so the
    OpenAPI document count it: an id sent as 42.0 is the id 42, not a refused float."""
    value = float(text)
    return int(value) if value.is_integer() else value


def _parse(request_) -> list[playback.PlaybackInput] | Response:
    """The request's events, or the 4xx answer that refuses them."""
    if request_.mimetype != "application/json":
        return _error(415, "Send application/json.")
    if (request_.content_length or 0) > MAX_BODY_BYTES:
        return _too_large()
    try:  # a chunked body has no Content-Length: the app-wide cap bounds the read, then ours
        data = request_.get_data(cache=True)
    except RequestEntityTooLarge:
        return _too_large()
    if len(data) > MAX_BODY_BYTES:
        return _too_large()
    try:
        body = json.loads(data, parse_float=_json_number)
    except (ValueError, RecursionError):
        return _error(400, "The body is not valid JSON.")
    try:
        return playback.parse_body(body)
    except playback.PlaybackError as exc:
        return _error(422, str(exc), exc.field, exc.index)


@bp.post("/api/playback/events")
def ingest():
    # No session at all is refused before the body is read. Then the body is parsed (no
    # database), and one short transaction checks the account and profile behind the session
    # cookie and writes the events. On SQLite it begins IMMEDIATE behind the writer slot (taken
    # after the pool checkout, so waiting for a connection never holds it up for others):
    # one transaction, not a read and then a write, costs a BEGIN and a ROLLBACK less.
    if not signed_in_cookie():
        return _error(401, "Sign in first.")
    events = _parse(request)
    if isinstance(events, Response):
        return events
    database = get_database()
    try:
        with database.engine.connect() as conn, _writer_slot(database), conn.begin():
            signed_in, profile = session_profile(conn)
            if not signed_in:
                return _error(401, "Sign in first.")
            if profile is None or profile.onboarded_at is None:
                return _error(404, "No active profile: choose a profile first.")
            outcomes = playback.record_playback(conn, profile.profile_id, events,
                                                system_clock.now(),
                                                max_age=profile.maturity_limit)
    except playback.PlaybackError as exc:
        return _error(422, str(exc), exc.field, exc.index)
    except (DBAPIError, PoolTimeout) as exc:
        return _busy(exc)
    stored = sum(1 for o in outcomes if o.stored)
    return jsonify({"accepted": len(outcomes), "stored": stored,
                    "duplicates": len(outcomes) - stored})


@bp.errorhandler(CSRFError)
def _csrf_refused(exc: CSRFError) -> Response:
    # Flask-WTF refuses before the view runs; the site's handler would answer a request that is
    # not JSON with an HTML page, and the document promises JSON.
    return _error(400, "Missing or invalid CSRF token: send it in X-CSRFToken.")


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
