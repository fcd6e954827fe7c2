"""The simulated mailbox (outside production only): what the site would have e-mailed."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from core import accounts, mail
from webapp.database import db_session

bp = Blueprint("mail", __name__, url_prefix="/mail")


@bp.get("/")
def index():
    if current_app.config["STREAMSIM"].is_production:
        abort(404)
    to = request.args.get("to", "").strip()
    to = accounts.normalize_email(to)[:254] if to else None
    return render_template("mail/index.html", to=to,
                           messages=mail.recent(db_session(), to))
