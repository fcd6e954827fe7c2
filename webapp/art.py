"""Generated artwork, served as SVG with caching headers (and the viewer's maturity limit)."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, request

from core import catalog
from webapp import artwork
from webapp.database import db_session
from webapp.viewer import current_profile, profile_required

bp = Blueprint("art", __name__, url_prefix="/art")
ART_VERSION = "1"  # bump when the drawing code changes, so caches refetch


def _svg(title_id: int, variant: int, draw) -> Response:
    title = catalog.get_title(db_session(), title_id, current_profile().maturity_limit)
    if title is None or not 0 <= variant < max(1, len(title.artworks)):
        abort(404)
    etag = hashlib.sha256(f"{ART_VERSION}:{title.id}:{variant}:{draw.__name__}:"
                          f"{title.name}:{title.art_seed}".encode()).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(draw(artwork.ArtSpec.from_title(title, variant)),
                            mimetype="image/svg+xml")
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


def _backdrop_svg(spec: artwork.ArtSpec) -> str:
    return artwork.wide_svg(spec, with_title=False)
