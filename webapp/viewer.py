"""Who is asking: the logged-in account and the active profile, re-checked on every request.

The session cookie carries the account id with its session epoch (Flask-Login's user id) and
the id of this browser's record (`BROWSER`, core.models.BrowserSession). The active profile is
kept in that record, on the server: an old copy of the cookie names the same record, so it
cannot bring back a profile this browser has left (leaving a PIN-locked kids profile needs its
PIN, whatever cookie comes back)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any

from flask import abort, g, redirect, request, session, url_for
from flask_login import UserMixin, current_user, login_user
from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from core import accounts, catalog, classroom
from core.models import Account, BrowserSession, Profile, Title
from webapp.database import db_session
from webapp.extensions import login_manager

BROWSER = "browser"  # the session key of this browser's record id


class LoginUser(UserMixin):
    """Flask-Login's view of an account. Its id carries the session epoch, so bumping the
    epoch (logout, password change) makes every older session cookie useless."""

    def __init__(self, account: Account) -> None:
        self.account = account

    def get_id(self) -> str:
        return f"{self.account.id}:{self.account.session_epoch}"

    @property
    def is_educator(self) -> bool:
        return self.account.role == "educator"

    @property
    def is_student(self) -> bool:
        """A student of a class (core/classroom.py); asked once per request at most."""
        if not hasattr(self, "_student"):
            self._student = (self.account.role != "educator" and classroom.membership(
                db_session(), self.account.id) is not None)
        return self._student


def _account_and_epoch(user_id: Any) -> tuple[int, int] | None:
    """Parse LoginUser.get_id() as Flask-Login stored it in the session."""
    try:
        account_id, epoch = (int(part) for part in user_id.split(":"))
    except (ValueError, AttributeError):
        return None
    return account_id, epoch


def _may_sign_in(session_epoch: int, is_simulated: bool, epoch: int) -> bool:
    """The session's epoch is the account's current one, and it is not a simulated viewer."""
    return session_epoch == epoch and not is_simulated


def _browser_id() -> str | None:
    value = session.get(BROWSER)
    return value if isinstance(value, str) else None


_ACCOUNT_AND_BROWSER = (
    select(Account, BrowserSession.profile_id)
    .join(BrowserSession, BrowserSession.account_id == Account.id)
    .where(Account.id == bindparam("account_id"), BrowserSession.id == bindparam("browser_id")))


@login_manager.user_loader
def _load_user(user_id: str) -> LoginUser | None:
    """The account, if the cookie's epoch is current and its browser record still exists
    (one query, which also reads the browser's chosen profile id for `current_profile`)."""
    ids = _account_and_epoch(user_id)
    browser_id = _browser_id()
    if ids is None or browser_id is None:
        return None
    row = db_session().execute(_ACCOUNT_AND_BROWSER, {"account_id": ids[0],
                                                      "browser_id": browser_id}).first()
    if row is None or not _may_sign_in(row[0].session_epoch, row[0].is_simulated, ids[1]):
        return None
    g.chosen_profile_id = row[1]
    return LoginUser(row[0])


@dataclass(frozen=True)
class SessionProfile:
    account_id: int
    profile_id: int
    maturity_limit: int
    onboarded_at: datetime | None


_ACCOUNT_AND_PROFILE = (
    select(Account.session_epoch, Account.is_simulated, Profile.id.label("profile_id"),
           Profile.maturity_limit, Profile.onboarded_at)
    .select_from(Account)
    .join(BrowserSession, BrowserSession.account_id == Account.id)
    .outerjoin(Profile, (Profile.account_id == Account.id)
               & (Profile.id == BrowserSession.profile_id))
    .where(Account.id == bindparam("account_id"), BrowserSession.id == bindparam("browser_id")))


def signed_in_cookie() -> bool:
    """Does the session cookie name an account at all? (No database: `session_profile`
    checks that it is still valid.)"""
    return _account_and_epoch(session.get("_user_id")) is not None


def session_profile(connection: Connection) -> tuple[bool, SessionProfile | None]:
    """(signed in?, the active profile) with the same rules as `_load_user` and
    `current_profile`, in one Core query on `connection` and without ORM objects: for the
    playback event endpoint, where loading the account and profile cost more than the work."""
    ids = _account_and_epoch(session.get("_user_id"))  # where Flask-Login keeps get_id()
    browser_id = _browser_id()
    if ids is None or browser_id is None:
        return False, None
    row = connection.execute(_ACCOUNT_AND_PROFILE, {"account_id": ids[0],
                                                    "browser_id": browser_id}).first()
    if row is None or not _may_sign_in(row.session_epoch, row.is_simulated, ids[1]):
        return False, None
    if row.profile_id is None:
        return True, None
    return True, SessionProfile(ids[0], row.profile_id, row.maturity_limit, row.onboarded_at)


def current_account() -> Account:
    return current_user.account


def current_profile() -> Profile | None:
    """This browser's profile (from its server-side record), if it belongs to the account."""
    if "profile" in g:
        return g.profile
    profile = None
    if current_user.is_authenticated:
        profile_id = g.get("chosen_profile_id")
        if profile_id is not None:
            profile = accounts.get_profile(db_session(), current_account().id, profile_id)
    g.profile = profile
    return profile


def sign_in(s: Session, account: Account, now: datetime) -> None:
    """Start a signed-in session for `account` in this browser: a fresh cookie (nothing from
    before survives) naming a new browser record, written in `s`."""
    browser_id = accounts.open_browser_session(s, account.id, now)
    session.clear()
    login_user(LoginUser(account))
    session[BROWSER] = browser_id
    session.permanent = True


def use_profile(s: Session, profile_id: int | None) -> None:
    """Make `profile_id` this browser's active profile (written in `s`, the caller commits)."""
    browser_id = _browser_id()
    if browser_id is None:
        raise accounts.AccountError("This browser is signed out. Sign in again.")
    accounts.choose_profile(s, browser_id, current_account().id, profile_id)
    g.pop("profile", None)
    g.chosen_profile_id = profile_id


def title_or_404(title_id: int) -> Title:
    """The title with everything its page shows, if the active profile may see it (within its
    maturity limit); 404 otherwise, a missing title and a hidden one alike."""
    title = catalog.get_title(db_session(), title_id, current_profile().maturity_limit)
    if title is None:
        abort(404)
    return title


def maturity_limit() -> int:
    profile = current_profile()
    return profile.maturity_limit if profile else 18


def account_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper


def profile_required(view: Callable) -> Callable:
    """Needs a logged-in account, an active profile, and a finished onboarding."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        profile = current_profile()
        if profile is None:
            return redirect(url_for("profiles.picker"))
        if profile.onboarded_at is None and request.blueprint not in ("onboarding", "art"):
            return redirect(url_for("onboarding.picker"))
        return view(*args, **kwargs)

    return wrapper


def educator_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated or current_account().role != "educator":
            abort(404)
        profile = current_profile()
        if profile is not None and profile.is_kids:
            abort(404)  # a kids profile stays inside the kids catalog, educator or not
        return view(*args, **kwargs)

    return wrapper


def workbench_required(view: Callable) -> Callable:
    """The experiment workbench: educators, and students of a class (core/classroom.py), who
    see only their own runs. Sets `g.student` (the student's seat row, or None)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            abort(404)
        account = current_account()
        g.student = None
        if account.role != "educator":
            g.student = classroom.membership(db_session(), account.id)
            if g.student is None:
                abort(404)
        profile = current_profile()
        if profile is not None and profile.is_kids:
            abort(404)  # a kids profile stays inside the kids catalog
        return view(*args, **kwargs)

    return wrapper
