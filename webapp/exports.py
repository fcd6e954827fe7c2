"""Data to take home, for educators: each activity table as a CSV or Parquet download, with
the schema (core/export.py; `streamsim export` writes the same files to a folder)."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    after_this_request,
    request,
    send_file,
    stream_with_context,
)

from core import export
from webapp.database import get_database
from webapp.htmx import render_page
from webapp.viewer import current_profile, educator_required

bp = Blueprint("exports", __name__, url_prefix="/educator/export")


def _since() -> datetime | None:
    raw = request.args.get("since", "").strip()
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        abort(400)


@bp.get("/")
@educator_required
def index():
    db, since = get_database(), _since()
    tables = [(spec, export.count(db, spec, since), export.describe(spec))
              for spec in export.TABLES.values()]
    return render_page("educator/export.html", None, tables=tables, since=since,
                       profile=current_profile())


@bp.get("/<name>.<fmt>")
@educator_required
def download(name: str, fmt: str):
    spec = export.TABLES.get(name)
    if spec is None or fmt not in export.FORMATS:
        abort(404)
    db, since = get_database(), _since()
    if fmt == "csv":  # streamed: a chunk of rows at a time, whatever the table's size
        return Response(stream_with_context(export.csv_lines(db, spec, since)),
                        mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    folder = Path(tempfile.mkdtemp(prefix="streamsim-export-"))
    path = folder / f"{name}.parquet"
    export.write_parquet(db, spec, path, since)

    @after_this_request
    def _remove(response):
        response.call_on_close(lambda: (path.unlink(missing_ok=True), folder.rmdir()))
        return response

    return send_file(path, mimetype="application/vnd.apache.parquet", as_attachment=True,
                     download_name=f"{name}.parquet")
