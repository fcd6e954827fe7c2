"""Sign up, log in, log out. Login errors never say whether an e-mail exists."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from core import accounts, classroom
from core.clock import system_clock
from webapp.database import db_session, get_database, no_write_lock
from webapp.extensions import email_key, limiter
from webapp.forms import EmptyForm, LoginForm, SignupForm
from webapp.viewer import account_required, current_account, sign_in

bp = Blueprint("auth", __name__)
LOGIN_FAILED = "That e-mail and password do not match an account."
UNCONFIRMED = ("Confirm your e-mail address first: open the link we sent to it "
               "(sign up again for a new link).")
SIGNUP_LINK_SECONDS = 2 * 24 * 3600


def _login_limit() -> str:
    return current_app.config["STREAMSIM"].rate_limit_login


def safe_next(target: str | None) -> str | None:
    """Only same-host relative paths ("/browse?x=1"), never "//evil" or "https://evil"."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@no_write_lock  # a sign-in reads the account and sets a cookie: no write lock through argon2
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=email_key)
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("profiles.picker"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status = 200
    if form.validate_on_submit():
        account = accounts.authenticate(db_session(), form.email.data, form.password.data)
        if account is None:
            form.form_errors.append(LOGIN_FAILED)
            status = 401
        elif account.email_confirmed_at is None:
            form.form_errors.append(UNCONFIRMED)
            status = 403
        else:
            with get_database().write() as s:  # one short write: this browser's record
                sign_in(s, account, system_clock.now())
            landing = ("educator.index" if classroom.membership(db_session(), account.id)
                       else "profiles.picker")  # a class's student lands on their runs
            return redirect(safe_next(form.next.data) or url_for(landing))
    elif request.method == "POST":
        status = 400
    settings = current_app.config["STREAMSIM"]
    demo = settings if settings.demo and not settings.is_production else None
    return render_template("auth/login.html", form=form, demo=demo), status


@bp.route("/signup", methods=["GET", "POST"])
@no_write_lock  # the password is hashed first; the sign-up itself is one short write
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=email_key)
def signup():
    """Sign-up answers "check your e-mail" whether or not the address has an account (same
    page, same work); the owner learns which by the mail (core.accounts.sign_up)."""
    form = SignupForm()
    status = 200
    if form.validate_on_submit():
        try:
            email = accounts.check_email(form.email.data)
            hashed = accounts.new_password_hash(form.password.data)
        except accounts.AccountError as exc:
            form.form_errors.append(str(exc))
            status = 400
        else:
            with get_database().write() as s:
                accounts.sign_up(s, email, hashed, system_clock.now(),
                                 confirm_link=_confirm_link,
                                 sign_in_link=url_for("auth.login", _external=True))
            return render_template("auth/check_email.html", email=email,
                                   mailbox=_mailbox_shown())
    elif request.method == "POST":
        status = 400
    return render_template("auth/signup.html", form=form), status


def _signup_tokens() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="streamsim-signup-confirm")


def _confirm_link(account) -> str:
    token = _signup_tokens().dumps([account.id, accounts.password_fingerprint(account)])
    return url_for("auth.confirm", token=token, _external=True)


def _mailbox_shown() -> bool:
    return not current_app.config["STREAMSIM"].is_production


@bp.route("/signup/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """A sign-up link: GET shows a button (mail scanners that prefetch links change nothing),
    POST confirms the account and signs this browser in."""
    try:
        account_id, fingerprint = _signup_tokens().loads(token, max_age=SIGNUP_LINK_SECONDS)
        account_id, fingerprint = int(account_id), str(fingerprint)
    except (BadSignature, TypeError, ValueError):
        return render_template("auth/confirm.html", form=None), 400
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        s = db_session()
        account = accounts.confirm_sign_up(s, account_id, fingerprint, system_clock.now())
        if account is None:
            s.rollback()
            return render_template("auth/confirm.html", form=None), 400
        sign_in(s, account, system_clock.now())
        s.commit()
        flash("Welcome to StreamSim. Create a profile for everyone who watches.")
        return redirect(url_for("profiles.new"))
    return render_template("auth/confirm.html", form=form), 400 if request.method == "POST" else 200


@bp.post("/logout")
@account_required
def logout():
    if EmptyForm().validate_on_submit():
        s = db_session()
        account = s.merge(current_account())
        accounts.end_sessions(account)
        accounts.close_browser_sessions(s, account.id)
        s.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    return redirect(url_for("auth.login"))
