"""Generic error pages: no traceback, SQL or secrets, ever."""

from __future__ import annotations

import time

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: ("Something was off with that request", "Go back and try again."),
    401: ("Please sign in", "Your session may have ended."),
    403: ("Not allowed", "You do not have access to this page."),
    404: ("We couldn't find that page", "It may have moved, or it was never here."),
    405: ("Not allowed", "That action is not available here."),
    413: ("That was too large", "Send something smaller."),
    415: ("Unsupported content type", "Send JSON."),
    429: ("Slow down a little", "Too many attempts. Wait a moment and try again."),
    500: ("Something went wrong on our side", "Try again in a moment."),
    503: ("We're busy", "Try again in a moment."),
}


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(Exception, _unexpected)
    app.wsgi_app = RefusalStall(app.wsgi_app)


STALL_KEY = "streamsim.refusal_stall_s"


class RefusalStall:
    """WSGI middleware: an answer refused by a rate limit waits `refusal_stall_ms` before it
    leaves. Flask has closed the request's database session and run its teardown by the time
    the wrapped app returns, so the pause holds no lock, no connection and no CPU, only the
    client. A guesser that ignores Retry-After and retries at once is slowed to a few tries a
    second, instead of taking the CPU that players' events need (bench_ingest's guessers)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        answer = self.wsgi_app(environ, start_response)
        stall = environ.get(STALL_KEY)
        if stall:
            time.sleep(stall)
        return answer


RETRY_AFTER_S = 5  # when the database is unreachable or busy


def _render(status: int, heading: str | None = None, detail: str | None = None,
            headers: dict | None = None):
    default_heading, default_detail = MESSAGES.get(status, MESSAGES[500])
    heading, detail = heading or default_heading, detail or default_detail
    if request.accept_mimetypes.best == "application/json" or request.is_json:
        return jsonify({"error": heading, "detail": detail, "status": status}), status, \
            headers or {}
    if status == 429:  # rapid-fire clients get the page that reads nothing and costs least
        return _plain(status, heading, detail), status, headers or {}
    try:  # the site's own page, with its header (which may read the signed-in user) ...
        body = render_template("errors/error.html", status=status, heading=heading,
                               detail=detail)
    except Exception:  # noqa: BLE001 - ... or, if that fails too (database down), a page
        # that needs nothing but the template: no context processors (they load the user).
        body = _plain(status, heading, detail)
    return body, status, headers or {}


def _plain(status: int, heading: str, detail: str) -> str:
    return current_app.jinja_env.get_template("errors/plain.html").render(
        status=status, heading=heading, detail=detail)


def _http_error(exc: HTTPException):
    # Keep what the exception says about itself (Allow on a 405, for example).
    headers = {k: v for k, v in exc.get_headers()
               if k.lower() not in ("content-type", "content-length")}
    if exc.code == 429:
        headers["Retry-After"] = str(int(getattr(exc, "retry_after", None) or 60))
        request.environ[STALL_KEY] = current_app.config["STREAMSIM"].refusal_stall_ms / 1000
    return _render(exc.code or 500, headers=headers)


def _csrf_error(exc: CSRFError):
    return _render(400, "This form has expired", "Reload the page and try again.")


def _unexpected(exc: Exception):
    if isinstance(exc, OperationalError | InterfaceError | PoolTimeout):
        # The database is unreachable or overloaded: a temporary condition, not a bug.
        current_app.logger.warning("Database unavailable on %s %s: %s", request.method,
                                   request.path, exc)
        return _render(503, "We can't reach our database",
                       "Nothing you sent was lost. Try again in a moment.",
                       {"Retry-After": str(RETRY_AFTER_S)})
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return _render(500)
