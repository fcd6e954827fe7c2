"""Engagement for educators: watch time, completion and abandonment by title, genre and row,
click-through by row and position, and browse time before a play (core/engagement.py holds
the definitions). The window is the last N days of recorded activity, counted back from the
newest playback event, so a seeded world from another date reads the same as a live site."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, request
from sqlalchemy import func, select

from core import engagement
from core.models import PlaybackEvent
from recommender.row_kinds import kind_of
from webapp.database import db_session
from webapp.htmx import render_page
from webapp.viewer import current_profile, educator_required

bp = Blueprint("site_analytics", __name__, url_prefix="/educator/analytics")
DAYS = (1, 7, 14, 30, 90)


def row_family(surface: str, key: str) -> str:
    """A home row by its kind (every genre row as one, every "Because you ..." row as one);
    a row on another page by the page (browse, search, title)."""
    if surface != "home":
        return f"{surface} page"
    kind = kind_of(key)
    if kind is not None and kind.key.endswith("-"):
        return f"home: {kind.key}*"
    return f"home: {key}"


@bp.get("/")
@educator_required
def index():
    raw = request.args.get("days", "14")
    if not raw.isdigit() or int(raw) not in DAYS:
        abort(400)
    days = int(raw)
    s = db_session()
    newest = s.scalar(select(func.max(PlaybackEvent.received_at)))
    report = titles = genres = since = None
    if newest is not None:
        since = newest - timedelta(days=days)
        viewed = engagement.viewings_since(s, since)  # one query for both tables
        titles = engagement.by_title(s, since, rows=viewed)
        genres = engagement.by_genre(s, since, rows=viewed)
        report = engagement.rows_report(s, since, family=row_family)
    return render_page("educator/analytics.html", None, days=days, choices=DAYS, since=since,
                       newest=newest, titles=titles, genres=genres, report=report,
                       attribution=engagement.ATTRIBUTION_MINUTES,
                       gap=engagement.SESSION_GAP_MINUTES, profile=current_profile())
