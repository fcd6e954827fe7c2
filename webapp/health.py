"""GET /healthz: JSON with the database status and the version of the model this app serves."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy.exc import SQLAlchemyError

from webapp.database import get_database
from webapp.recs import serving_model

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        ok = get_database().ping()
    except SQLAlchemyError:
        ok = False
    body = {"status": "ok" if ok else "degraded", "database": "ok" if ok else "unavailable"}
    model = serving_model()
    body["model_version"] = model.version if model else None  # None: popularity rows
    return jsonify(body), 200 if ok else 503
