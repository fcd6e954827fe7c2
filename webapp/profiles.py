"""Who's watching? and profile management (up to 5 per account)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from core import accounts
from core.clock import system_clock
from core.models import Profile
from webapp.database import db_session, get_database, no_write_lock
from webapp.extensions import PIN_LIMIT, limiter, pin_account_key, pin_profile_key, wrong_pin
from webapp.forms import EmptyForm, PinForm, ProfileForm
from webapp.viewer import account_required, current_account, current_profile, use_profile

bp = Blueprint("profiles", __name__, url_prefix="/profiles")


def _owned(profile_id: int) -> Profile:
    profile = accounts.get_profile(db_session(), current_account().id, profile_id)
    if profile is None:
        abort(404)
    return profile


def _asks_for_pin() -> bool:
    """Does choosing the requested profile take a PIN (a PIN-locked adult profile, or leaving
    a PIN-locked kids profile)? Choosing an open profile is never throttled."""
    if not current_account():
        return False
    target = accounts.get_profile(db_session(), current_account().id,
                                  (request.view_args or {}).get("profile_id", -1))
    if target is None:
        return False
    locked = _locked_in_kids()
    return bool((locked is not None and locked.id != target.id)
                or (target.pin_hash and not target.is_kids))


def _locked_in_kids() -> Profile | None:
    """The active kids profile if it has a PIN: leaving it or managing profiles needs it."""
    profile = current_profile()
    return profile if profile and profile.is_kids and profile.pin_hash else None


@bp.get("/")
@account_required
def picker():
    profiles = accounts.list_profiles(db_session(), current_account().id)
    if not profiles:
        return redirect(url_for("profiles.new"))
    active = current_profile()
    # A kids profile may not manage profiles, so it is never shown the managing view.
    manage = request.args.get("manage") == "1" and not (active and active.is_kids)
    return render_template("profiles/picker.html", profiles=profiles, form=EmptyForm(),
                           pin_form=PinForm(), manage=manage,
                           active=active, locked=_locked_in_kids(),
                           max_profiles=current_app.config["STREAMSIM"].max_profiles)


@bp.post("/<int:profile_id>/select")
@no_write_lock  # choosing a profile only sets the cookie: PIN checks never hold the write lock
@account_required
@limiter.limit(PIN_LIMIT, key_func=pin_profile_key, deduct_when=wrong_pin,
               exempt_when=lambda: not _asks_for_pin())
@limiter.limit(PIN_LIMIT, key_func=pin_account_key, deduct_when=wrong_pin,
               exempt_when=lambda: not _asks_for_pin())
def select(profile_id: int):
    """Choose a profile; a PIN-locked one (or leaving a locked kids profile) needs its PIN.
    Wrong PINs count against per-profile and per-account limits (extensions.PIN_LIMIT): past
    them every try, right or wrong, is a 429 with Retry-After until the window passes."""
    target = _owned(profile_id)
    locked = _locked_in_kids()
    pin = request.form.get("pin", "")
    if locked is not None and locked.id != target.id and not accounts.check_pin(locked, pin):
        g.wrong_pin = True
        flash(f"Enter {locked.name}'s PIN to leave the kids profile.")
        return redirect(url_for("profiles.picker"), 303)
    if target.pin_hash and not target.is_kids and not accounts.check_pin(target, pin):
        g.wrong_pin = True
        flash(f"{target.name} is locked with a PIN. Enter it to continue.")
        return redirect(url_for("profiles.picker"), 303)
    with get_database().write() as s:  # the PIN checks above held no write lock
        use_profile(s, target.id)
    if target.onboarded_at is None:
        return redirect(url_for("onboarding.picker"))
    return redirect(url_for("home.index"))


def manager_required(view: Callable) -> Callable:
    """Managing profiles (add, edit, delete) needs a signed-in account on an adult profile (or
    none chosen yet); a kids profile is sent back to the picker with a note."""

    @account_required
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if _locked_in_kids() is not None or (current_profile() and current_profile().is_kids):
            flash("Switch to an adult profile to manage profiles.")
            return redirect(url_for("profiles.picker"))
        return view(*args, **kwargs)

    return wrapper


@bp.route("/new", methods=["GET", "POST"])
@manager_required
def new():
    form = ProfileForm()
    status = 200
    if form.validate_on_submit():
        s = db_session()
        account = current_account()
        try:
            profile = accounts.create_profile(
                s, account, system_clock.now(), name=form.name.data, avatar=form.avatar.data,
                language=form.language.data, is_kids=form.is_kids.data,
                maturity_limit=form.chosen_limit(), pin=form.pin.data or None,
                max_profiles=current_app.config["STREAMSIM"].max_profiles)
        except accounts.AccountError as exc:
            s.rollback()
            form.form_errors.append(str(exc))
            status = 400
        else:
            use_profile(s, profile.id)
            s.commit()
            return redirect(url_for("onboarding.picker"))
    elif request.method == "POST":
        status = 400
    first = not accounts.list_profiles(db_session(), current_account().id)
    return render_template("profiles/form.html", form=form, profile=None, first=first), status


@bp.route("/<int:profile_id>/edit", methods=["GET", "POST"])
@manager_required
def edit(profile_id: int):
    profile = _owned(profile_id)
    form = ProfileForm(obj=profile) if request.method == "GET" else ProfileForm()
    if request.method == "GET":
        form.pin.data = ""
    status = 200
    if form.validate_on_submit():
        s = db_session()
        try:
            accounts.update_profile(profile, name=form.name.data, avatar=form.avatar.data,
                                    language=form.language.data, is_kids=form.is_kids.data,
                                    maturity_limit=form.chosen_limit())
            if form.clear_pin.data:
                accounts.set_pin(profile, None)
            elif form.pin.data:
                accounts.set_pin(profile, form.pin.data)
        except accounts.AccountError as exc:
            s.rollback()
            form.form_errors.append(str(exc))
            status = 400
        else:
            s.commit()
            flash(f"Saved {profile.name}.")
            return redirect(url_for("profiles.picker", manage=1))
    elif request.method == "POST":
        status = 400
    return render_template("profiles/form.html", form=form, profile=profile,
                           delete_form=EmptyForm()), status


@bp.route("/<int:profile_id>/delete", methods=["GET", "POST"])
@manager_required
def delete(profile_id: int):
    """GET asks "are you sure?"; only a POST that says confirm=yes deletes (works without JS)."""
    profile = _owned(profile_id)
    if request.method == "GET" or request.form.get("confirm") != "yes":
        return render_template("profiles/delete.html", profile=profile, form=EmptyForm())
    if EmptyForm().validate_on_submit():
        s = db_session()
        name = profile.name
        if current_profile() is not None and current_profile().id == profile.id:
            use_profile(s, None)
        accounts.delete_profile(s, profile)
        s.commit()
        flash(f"Deleted the profile {name}.")
    return redirect(url_for("profiles.picker", manage=1))
