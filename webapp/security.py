"""Security headers on every response; no-store on personal pages; requests carrying a NUL
character refused at the edge (PostgreSQL cannot store one, SQLite would; both answer 400)."""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, request

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
PUBLIC_PREFIXES = ("/static/", "/art/", "/healthz")
HSTS = "max-age=31536000; includeSubDomains"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def init_app(app: Flask) -> None:
    app.before_request(_refuse_nul)
    app.after_request(_headers)


def _refuse_nul() -> None:
    """400 for a NUL character anywhere in the path, the query or a submitted form field."""
    if "\x00" in request.path:
        abort(400)
    for values in (request.args, request.form if request.mimetype in FORM_TYPES else {}):
        for key, value in values.items(multi=True) if values else ():
            if "\x00" in key or "\x00" in value:
                abort(400)


def _headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype in ("text/html", "image/svg+xml"):
        headers["Content-Security-Policy"] = CSP
    if not request.path.startswith(PUBLIC_PREFIXES):
        headers["Cache-Control"] = "no-store"
    if current_app.config["STREAMSIM"].is_production:  # served behind TLS: say so for a year
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response
