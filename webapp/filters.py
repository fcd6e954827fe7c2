"""Template filters and globals."""

from __future__ import annotations

from flask import Flask, has_request_context

from core.catalog import top_tags


def runtime(minutes: int) -> str:
    hours, mins = divmod(int(minutes), 60)
    return f"{hours}h {mins:02d}m" if hours else f"{mins}m"


def init_app(app: Flask) -> None:
    app.add_template_filter(runtime)
    app.add_template_global(top_tags)
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
