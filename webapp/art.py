"""Generated artwork, served as SVG with caching headers (and the viewer's maturity limit)."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, request

from core import catalog
from webapp.artwork import compose as artwork
from webapp.database import db_session
from webapp.viewer import current_profile, profile_required

bp = Blueprint("art", __name__, url_prefix="/art")
ART_VERSION = "1"  # bump when the drawing code changes, so caches refetch


def _svg(title_id: int, variant: int, draw) -> Response:
    title = catalog.get_title(db_session(), title_id, current_profile().maturity_limit)
    if title is None or not 0 <= variant < max(1, len(title.artworks)):
        abort(404)
    return _send(f"{title.id}:{variant}:{draw.__name__}:{title.name}:{title.art_seed}",
                 lambda: draw(artwork.ArtSpec.from_title(title, variant)))


def _send(key: str, make) -> Response:
    """The SVG `make()` draws, or 304 when the client holds the version `key` names."""
    etag = hashlib.sha256(f"{ART_VERSION}:{key}".encode()).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(make(), mimetype="image/svg+xml")
    response.set_etag(etag)
    # Private: art is only served within a profile's maturity limit.
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@bp.get("/<int:title_id>/poster-<int:variant>.svg")
@profile_required
def poster(title_id: int, variant: int):
    return _svg(title_id, variant, artwork.poster_svg)


@bp.get("/<int:title_id>/wide-<int:variant>.svg")
@profile_required
def wide(title_id: int, variant: int):
    return _svg(title_id, variant, artwork.wide_svg)


@bp.get("/<int:title_id>/backdrop-<int:variant>.svg")
@profile_required
def backdrop(title_id: int, variant: int):
    """Wide art without the title set in it, for headers that set the title in HTML."""
    return _svg(title_id, variant, _backdrop_svg)


@bp.get("/<int:title_id>/still.svg")
@profile_required
def still(title_id: int):
    """One episode's still (artwork.still_svg), `?season=1&number=2`: no two alike within a
    season. (The episode is a query, so every title route still has just its title_id.)"""
    title = catalog.get_title(db_session(), title_id, current_profile().maturity_limit)
    season = request.args.get("season", type=int)
    number = request.args.get("number", type=int)
    if title is None or (season, number) not in {(e.season, e.number) for e in title.episodes}:
        abort(404)
    return _send(f"{title.id}:still:{season}:{number}:{title.name}:{title.art_seed}",
                 lambda: artwork.still_svg(title, season, number))


def _backdrop_svg(spec: artwork.ArtSpec) -> str:
    return artwork.wide_svg(spec, with_title=False)
