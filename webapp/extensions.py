"""Flask extensions, created here and bound in create_app.

Flask-WTF gives forms and CSRF (htmx sends the token in a header set once on <body>),
Flask-Login keeps the login session, Flask-Limiter rate-limits login and sign-up,
htmx-flask adds request.htmx.
"""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx

from core.settings import Settings

csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
htmx = Htmx()


def email_key() -> str:
    """Rate-limit key for the e-mail a login or sign-up names (per-address limit)."""
    return "email:" + (request.form.get("email") or "").strip().lower()[:254]


# Wrong PINs: a profile's PIN (and all the PINs of one account) can be tried at most this
# often, counted in the limiter's storage, which every worker shares when it is Redis. The
# tiers make the lockout grow: 5 wrong tries lock for minutes, 20 for the rest of the day.
PIN_LIMIT = "5 per 5 minutes;20 per day"


def pin_profile_key() -> str:
    return f"pin-profile:{(request.view_args or {}).get('profile_id')}"


def pin_account_key() -> str:
    from flask_login import current_user

    return f"pin-account:{current_user.get_id()}"


def wrong_pin(response) -> bool:
    """Count a try against the PIN limits only when it was wrong (set by the view)."""
    from flask import g

    return bool(g.get("wrong_pin"))


def init_app(app: Flask, settings: Settings) -> None:
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = None  # the per-account session epoch does this job
    limiter.init_app(app)
    htmx.init_app(app)
