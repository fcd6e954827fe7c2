"""The account page: e-mail, change password (which signs out every other session)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import login_user

from core import accounts
from core.models import Account
from webapp.database import get_database, no_write_lock
from webapp.forms import PasswordForm
from webapp.viewer import (
    BROWSER,
    LoginUser,
    account_required,
    current_account,
    current_profile,
)

bp = Blueprint("accounts", __name__, url_prefix="/account")


@bp.route("/", methods=["GET", "POST"])
@no_write_lock  # verify and hash first; the change itself is one short write below
@account_required
def settings():
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            hashed = accounts.password_change_hash(current_account(), form.current.data,
                                                   form.new.data)
        except accounts.AccountError as exc:
            form.form_errors.append(str(exc))
            status = 400
        else:
            browser_id = session.get(BROWSER)
            with get_database().write() as s:
                account = s.get(Account, current_account().id)
                accounts.set_password_hash(account, hashed)
                accounts.close_browser_sessions(s, account.id, keep=browser_id)
            session.clear()
            login_user(LoginUser(account))  # this browser stays in; every other is signed out
            session[BROWSER] = browser_id
            flash("Password changed. Every other device has been signed out.")
            return redirect(url_for("accounts.settings"))
    elif request.method == "POST":
        status = 400
    return render_template("accounts/settings.html", form=form, account=current_account(),
                           profile=current_profile()), status
