"""A person's page: the titles they are in or directed (within the profile's limit)."""

from __future__ import annotations

from flask import Blueprint, abort

from core import catalog
from webapp.database import db_session
from webapp.htmx import render_page
from webapp.viewer import current_profile, profile_required

bp = Blueprint("people", __name__, url_prefix="/people")


@bp.get("/<int:person_id>")
@profile_required
def detail(person_id: int):
    found = catalog.person_with_titles(db_session(), person_id, current_profile().maturity_limit)
    if found is None or not found[1]:
        abort(404)
    person, titles = found
    return render_page("people/detail.html", None, person=person, titles=titles,
                       profile=current_profile())
