"""Security headers on every response; no-store on personal pages."""

from __future__ import annotations

from flask import Flask, Response, request

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
PUBLIC_PREFIXES = ("/static/", "/art/", "/healthz")


def init_app(app: Flask) -> None:
    app.after_request(_headers)


def _headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype in ("text/html", "image/svg+xml"):
        headers["Content-Security-Policy"] = CSP
    if not request.path.startswith(PUBLIC_PREFIXES):
        headers["Cache-Control"] = "no-store"
    return response
