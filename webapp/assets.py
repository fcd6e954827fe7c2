"""Static assets that come from packages: htmx is served by the app itself, never a CDN."""

from __future__ import annotations

from pathlib import Path

import js_lib_htmx
from flask import Blueprint, send_from_directory

bp = Blueprint("assets", __name__)
HTMX_DIR = Path(js_lib_htmx.__file__).parent / "static" / "htmx"


@bp.get("/static/vendor/htmx.min.js")
def htmx_js():
    response = send_from_directory(HTMX_DIR, "htmx.min.js", mimetype="text/javascript",
                                   max_age=60 * 60 * 24)
    return response
