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
from flask_login import current_user, login_user, logout_user

from core import accounts
from core.clock import system_clock
from webapp.database import db_session, no_write_lock
from webapp.extensions import email_key, limiter
from webapp.forms import EmptyForm, LoginForm, SignupForm
from webapp.viewer import LoginUser, account_required, current_account

bp = Blueprint("auth", __name__)
LOGIN_FAILED = "That e-mail and password do not match an account."


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


def _start_session(account) -> None:
    session.clear()  # rotate: nothing from before the login survives
    login_user(LoginUser(account))
    session.permanent = True


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
        if account is not None:
            _start_session(account)
            return redirect(safe_next(form.next.data) or url_for("profiles.picker"))
        form.form_errors.append(LOGIN_FAILED)
        status = 401
    elif request.method == "POST":
        status = 400
    settings = current_app.config["STREAMSIM"]
    demo = settings if settings.demo and not settings.is_production else None
    return render_template("auth/login.html", form=form, demo=demo), status


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=email_key)
def signup():
    form = SignupForm()
    status = 200
    if form.validate_on_submit():
        try:
            # Hash before the write transaction opens: the write lock is not held through it.
            hashed = accounts.new_password_hash(form.password.data)
            s = db_session()
            account = accounts.create_account(s, form.email.data, form.password.data,
                                              system_clock.now(), password_hash=hashed)
        except accounts.AccountError as exc:
            db_session().rollback()
            form.form_errors.append(str(exc))
            status = 400
        else:
            s.commit()
            _start_session(account)
            flash("Welcome to StreamSim. Create a profile for everyone who watches.")
            return redirect(url_for("profiles.new"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/signup.html", form=form), status


@bp.post("/logout")
@account_required
def logout():
    if EmptyForm().validate_on_submit():
        s = db_session()
        account = s.merge(current_account())
        accounts.end_sessions(account)
        s.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    return redirect(url_for("auth.login"))
