"""The account page: e-mail, change password (which signs out every other session)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import login_user

from core import accounts
from webapp.database import db_session
from webapp.forms import PasswordForm
from webapp.viewer import LoginUser, account_required, current_account, current_profile

bp = Blueprint("accounts", __name__, url_prefix="/account")


@bp.route("/", methods=["GET", "POST"])
@account_required
def settings():
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        account = current_account()
        try:
            accounts.change_password(account, form.current.data, form.new.data)
        except accounts.AccountError as exc:
            db_session().rollback()
            form.form_errors.append(str(exc))
            status = 400
        else:
            db_session().commit()
            profile_id = session.get("profile_id")
            session.clear()
            login_user(LoginUser(account))  # this browser stays in; every other is signed out
            if profile_id is not None:
                session["profile_id"] = profile_id
            flash("Password changed. Every other device has been signed out.")
            return redirect(url_for("accounts.settings"))
    elif request.method == "POST":
        status = 400
    return render_template("accounts/settings.html", form=form, account=current_account(),
                           profile=current_profile()), status
