"""Template filters and globals."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, url_for
from markupsafe import Markup

from core.catalog import top_tags

_SENTINEL = "987654321"  # stands for the title id in a URL pattern; no real id is this long


def runtime(minutes: int) -> str:
    hours, mins = divmod(int(minutes), 60)
    return f"{hours}h {mins:02d}m" if hours else f"{mins}m"


def init_app(app: Flask) -> None:
    app.add_template_filter(runtime)
    app.add_template_global(top_tags)
    app.add_template_global(title_url)
    app.add_template_global(icon)
    app.extensions["streamsim.icons"] = {}
    app.add_template_filter(reject_keys)
    app.context_processor(viewer_look)


def viewer_look() -> dict:
    """`kids_look`: the signed-in profile is a kids profile (base.html gives it its own look)."""
    if not has_request_context():
        return {"kids_look": False}
    from webapp.viewer import current_profile

    profile = current_profile()
    return {"kids_look": bool(profile and profile.is_kids)}


def reject_keys(mapping: dict, *keys: str) -> dict:
    """A copy of a dict without some keys (for building "next page" URLs)."""
    return {k: v for k, v in mapping.items() if k not in keys}


def title_url(endpoint: str, title_id: int, id_arg: str = "title_id", **values) -> str:
    """url_for(endpoint, **{id_arg: title_id}, **values) for a page full of title cards: one
    url_for per endpoint and values per request, then the id put in its place (url_for builds
    each URL through the routing map, ~15 us; a home page asked for about 380). Values that
    are None are left out, as url_for leaves them out."""
    values = {k: v for k, v in values.items() if v is not None}
    key = (endpoint, id_arg, tuple(sorted(values.items())))
    patterns = g.setdefault("_title_url_patterns", {})
    parts = patterns.get(key)
    if parts is None:
        built = url_for(endpoint, **values, **{id_arg: int(_SENTINEL)})
        parts = patterns[key] = tuple(built.split(_SENTINEL, 1))
    return f"{parts[0]}{int(title_id)}{parts[1]}"


def icon(name: str, size: int = 20) -> Markup:
    """An inline SVG icon (macros/icons.html), rendered once per name and size per app: a
    page of cards shows a few hundred."""
    cache = current_app.extensions["streamsim.icons"]
    svg = cache.get((name, size))
    if svg is None:
        macro = current_app.jinja_env.get_template("macros/icons.html").module.icon
        svg = cache[(name, size)] = Markup(str(macro(name, size)))
    return svg
