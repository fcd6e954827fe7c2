"""Who is asking: the logged-in account and the active profile, re-checked on every request."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, g, redirect, request, session, url_for
from flask_login import UserMixin, current_user

from core import accounts
from core.models import Account, Profile
from webapp.database import db_session
from webapp.extensions import login_manager


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


@login_manager.user_loader
def _load_user(user_id: str) -> LoginUser | None:
    try:
        account_id, epoch = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    account = db_session().get(Account, account_id)
    if account is None or account.session_epoch != epoch or account.is_simulated:
        return None
    return LoginUser(account)


def current_account() -> Account:
    return current_user.account


def current_profile() -> Profile | None:
    """The session's profile, only if it still belongs to the logged-in account."""
    if "profile" in g:
        return g.profile
    profile = None
    profile_id = session.get("profile_id")
    if current_user.is_authenticated and isinstance(profile_id, int):
        profile = accounts.get_profile(db_session(), current_account().id, profile_id)
        if profile is None:
            session.pop("profile_id", None)
    g.profile = profile
    return profile


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
        return view(*args, **kwargs)

    return wrapper
