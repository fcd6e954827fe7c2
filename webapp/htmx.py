"""Everything htmx in one place: fragment detection, Vary, HX-Trigger helpers, rendering."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, make_response, request
from jinja2_fragments.flask import render_block


def is_fragment_request() -> bool:
    """An htmx request that wants a fragment (not boosted, not a history restore)."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )


def render_page(template: str, block: str | None = None, *, status: int = 200,
                **context: Any) -> Response:
    """The whole page, or just `block` of it for an htmx fragment request."""
    from flask import render_template

    if block and is_fragment_request():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def render_fragment(template: str, block: str, *, status: int = 200, **context: Any) -> Response:
    """Only a block (an htmx-only endpoint); still marked Vary."""
    response = make_response(render_block(template, block, **context), status)
    response.vary.add("HX-Request")
    return response


def trigger(response: Response, event: str, detail: Any = None) -> Response:
    existing = response.headers.get("HX-Trigger")
    events = json.loads(existing) if existing else {}
    events[event] = detail if detail is not None else True
    response.headers["HX-Trigger"] = json.dumps(events)
    return response
