"""Generic error pages: no traceback, SQL or secrets, ever."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
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


def _render(status: int, heading: str | None = None, detail: str | None = None):
    default_heading, default_detail = MESSAGES.get(status, MESSAGES[500])
    heading, detail = heading or default_heading, detail or default_detail
    if request.accept_mimetypes.best == "application/json" or request.is_json:
        return jsonify({"error": heading, "detail": detail, "status": status}), status
    return render_template("errors/error.html", status=status, heading=heading,
                           detail=detail), status


def _http_error(exc: HTTPException):
    response = _render(exc.code or 500)
    if exc.code == 429:
        retry = getattr(exc, "retry_after", None) or 60
        body, status = response
        return body, status, {"Retry-After": str(int(retry))}
    return response


def _csrf_error(exc: CSRFError):
    return _render(400, "This form has expired", "Reload the page and try again.")


def _unexpected(exc: Exception):
    from flask import current_app

    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return _render(500)
