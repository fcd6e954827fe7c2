"""Accounts and profiles: sign-up, password checks, session epochs, profile management."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import mail
from core.models import Account, BrowserSession, Profile

# argon2id above the OWASP minimum (m=19 MiB, t=2, p=1).
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024 * 2, parallelism=1)
# A fixed hash to verify against when the e-mail is unknown, so timing does not tell.
_DUMMY_HASH = _hasher.hash("not-a-real-password-but-the-same-work")

PASSWORD_MIN, PASSWORD_MAX = 8, 128
# Signed-in browsers kept per account: a sign-in past this forgets the longest-signed-in one.
MAX_BROWSERS = 50
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
AVATARS = ("amber", "coral", "teal", "violet", "lime", "sky", "rose", "slate")
KIDS_LIMITS = (0, 7, 13)
LANGUAGES = {"en": "English", "es": "Español", "fr": "Français", "de": "Deutsch",
             "ko": "한국어", "ja": "日本語"}


class AccountError(ValueError):
    """A request the domain refuses, with a message fit to show the user."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def verify_secret(secret_hash: str | None, secret: str) -> bool:
    try:
        return _hasher.verify(secret_hash or _DUMMY_HASH, secret) and secret_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def validate_password(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise AccountError(f"Use at least {PASSWORD_MIN} characters.")
    if len(password) > PASSWORD_MAX:
        raise AccountError(f"Use at most {PASSWORD_MAX} characters.")


def new_password_hash(password: str) -> str:
    """Check a new password's length and hash it. Hashing takes tens of milliseconds on
    purpose: callers do it before their write transaction, so the database's write lock is
    never held through it (docs/architecture.md)."""
    validate_password(password)
    return hash_secret(password)


def create_account(session: Session, email: str, password: str, now: datetime,
                   *, role: str = "viewer", password_hash: str | None = None,
                   confirmed: bool = True) -> Account:
    """A new account; `password_hash` (from `new_password_hash(password)`) saves hashing
    inside the caller's transaction. Accounts made here are confirmed unless `confirmed` is
    False (the site's own sign-up goes through `sign_up`, which mails a link instead)."""
    email = check_email(email)
    validate_password(password)
    if session.scalar(select(Account.id).where(Account.email == email)) is not None:
        raise AccountError("An account with this e-mail already exists. Try signing in.")
    account = Account(email=email, password_hash=password_hash or hash_secret(password),
                      role=role, created_at=now, session_epoch=0, is_simulated=False,
                      email_confirmed_at=now if confirmed else None)
    session.add(account)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent sign-up with the same e-mail
        raise AccountError("An account with this e-mail already exists. Try signing in.") from exc
    return account


def authenticate(session: Session, email: str, password: str) -> Account | None:
    """The account if the password is right; None otherwise (same work either way)."""
    account = session.scalar(select(Account).where(Account.email == normalize_email(email)))
    ok = verify_secret(account.password_hash if account else None, password)
    if not ok or account is None or account.is_simulated or account.password_hash is None:
        return None
    return account


def check_email(email: str) -> str:
    """The normalised address, or AccountError if it is not one."""
    email = normalize_email(email)
    if not EMAIL_RE.match(email):
        raise AccountError("Enter a valid e-mail address.")
    return email


def password_fingerprint(account: Account) -> str:
    """A short digest of the stored password hash: a sign-up link carries it, so a link is
    void once the password behind it has been replaced."""
    return hashlib.sha256((account.password_hash or "").encode()).hexdigest()[:16]


def sign_up(session: Session, email: str, password_hash: str, now: datetime, *,
            confirm_link: Callable[[Account], str], sign_in_link: str) -> None:
    """Sign-up that does not tell whether an address has an account: the caller answers
    "check your e-mail" either way, after the same work (the password was hashed before; here
    one lookup and one or two inserts). What differs goes to the address's owner by mail:
    - a new address: an unconfirmed account and a link to confirm it;
    - an address that signed up but never confirmed: the password is replaced and a new link
      sent (earlier links stop working: they carry the old password's fingerprint);
    - an account that exists: a notice that someone tried, with a sign-in link.
    """
    email = check_email(email)
    account = session.scalar(select(Account).where(Account.email == email))
    if account is None:
        account = Account(email=email, password_hash=password_hash, role="viewer",
                          created_at=now, session_epoch=0, is_simulated=False,
                          email_confirmed_at=None)
        try:
            with session.begin_nested():
                session.add(account)
        except IntegrityError:  # a concurrent sign-up with the same address won the race
            account = session.scalar(select(Account).where(Account.email == email))
            if account is None:
                raise
    elif account.email_confirmed_at is None and not account.is_simulated:
        account.password_hash = password_hash
        session.flush()
    else:
        mail.send(session, email, "Someone tried to sign up with your address",
                  "Someone (maybe you) tried to create a StreamSim account with this e-mail "
                  f"address, which already has one. To watch, sign in: {sign_in_link}\n"
                  "If it was not you, you can ignore this message.", now)
        return
    mail.send(session, email, "Confirm your StreamSim account",
              "Welcome to StreamSim. To finish creating your account, open this link within "
              f"two days: {confirm_link(account)}\n"
              "If you did not sign up, ignore this message: nothing happens without the link.",
              now)


def confirm_sign_up(session: Session, account_id: int, fingerprint: str,
                    now: datetime) -> Account | None:
    """The account a sign-up link names, now confirmed; None if the link is void (no such
    account, or its password changed since the link was sent)."""
    account = session.get(Account, account_id)
    if (account is None or account.is_simulated or account.password_hash is None
            or not secrets.compare_digest(fingerprint, password_fingerprint(account))):
        return None
    if account.email_confirmed_at is None:
        account.email_confirmed_at = now
    return account


def end_sessions(account: Account) -> None:
    """Make every session cookie issued so far useless (logout, password change)."""
    account.session_epoch += 1


def open_browser_session(session: Session, account_id: int, now: datetime) -> str:
    """A new signed-in browser for the account, with no profile chosen yet; returns the
    random id its cookie carries. Past MAX_BROWSERS, the account's oldest records go (those
    browsers are signed out)."""
    oldest = select(BrowserSession.id).where(BrowserSession.account_id == account_id).order_by(
        BrowserSession.created_at.desc(), BrowserSession.id).offset(MAX_BROWSERS - 1)
    stale = list(session.scalars(oldest))
    if stale:
        session.execute(delete(BrowserSession).where(BrowserSession.id.in_(stale)))
    browser_id = secrets.token_urlsafe(32)
    session.add(BrowserSession(id=browser_id, account_id=account_id, profile_id=None,
                               created_at=now))
    session.flush()
    return browser_id


def close_browser_sessions(session: Session, account_id: int,
                           keep: str | None = None) -> None:
    """Forget every browser of the account but `keep` (with `end_sessions`: sign-out
    everywhere else)."""
    session.execute(delete(BrowserSession).where(BrowserSession.account_id == account_id,
                                                 BrowserSession.id != (keep or "")))


def choose_profile(session: Session, browser_id: str, account_id: int,
                   profile_id: int | None) -> None:
    """Record which profile this browser uses (None: none yet). Callers pass a profile they
    have already checked belongs to the account (`current_profile` re-checks on every read)."""
    done = session.execute(
        update(BrowserSession)
        .where(BrowserSession.id == browser_id, BrowserSession.account_id == account_id)
        .values(profile_id=profile_id))
    if done.rowcount != 1:
        raise AccountError("This browser is signed out. Sign in again.")


def password_change_hash(account: Account, current: str, new: str) -> str:
    """The new password's hash, if `current` is right (the slow part of a change, done
    before any write transaction; `set_password_hash` then stores it)."""
    if not verify_secret(account.password_hash, current):
        raise AccountError("Your current password is not right.")
    return new_password_hash(new)


def set_password_hash(account: Account, password_hash: str) -> None:
    account.password_hash = password_hash
    end_sessions(account)


def get_profile(session: Session, account_id: int, profile_id: int) -> Profile | None:
    """A profile only if it belongs to the account (scoped in the query)."""
    return session.scalar(
        select(Profile).where(Profile.id == profile_id, Profile.account_id == account_id)
    )


def list_profiles(session: Session, account_id: int) -> list[Profile]:
    return list(session.scalars(
        select(Profile).where(Profile.account_id == account_id).order_by(Profile.id)))


def _clean_profile_fields(name: str, avatar: str, language: str, is_kids: bool,
                          maturity_limit: int) -> dict:
    name = " ".join(name.split())
    if not 1 <= len(name) <= 40:
        raise AccountError("A profile name has 1 to 40 characters.")
    if avatar not in AVATARS:
        raise AccountError("Choose one of the avatars.")
    if language not in LANGUAGES:
        raise AccountError("Choose one of the languages.")
    if is_kids and maturity_limit not in KIDS_LIMITS:
        raise AccountError("Choose a maturity limit for the kids profile.")
    return {"name": name, "avatar": avatar, "language": language, "is_kids": is_kids,
            "maturity_limit": maturity_limit if is_kids else 18}


def create_profile(session: Session, account: Account, now: datetime, *, name: str,
                   avatar: str = "amber", language: str = "en", is_kids: bool = False,
                   maturity_limit: int = 7, pin: str | None = None,
                   max_profiles: int = 5) -> Profile:
    count = session.scalar(select(func.count()).where(Profile.account_id == account.id))
    if count >= max_profiles:
        raise AccountError(f"An account can have up to {max_profiles} profiles.")
    fields = _clean_profile_fields(name, avatar, language, is_kids, maturity_limit)
    profile = Profile(account_id=account.id, created_at=now, autoplay=True, **fields)
    set_pin(profile, pin)
    session.add(profile)
    session.flush()
    return profile


def update_profile(profile: Profile, *, name: str, avatar: str, language: str, is_kids: bool,
                   maturity_limit: int) -> None:
    for key, value in _clean_profile_fields(name, avatar, language, is_kids,
                                            maturity_limit).items():
        setattr(profile, key, value)


def set_pin(profile: Profile, pin: str | None) -> None:
    """Set (4 digits) or clear (None or empty) the profile PIN."""
    if not pin:
        profile.pin_hash = None
        return
    if not (len(pin) == 4 and pin.isdigit()):
        raise AccountError("A PIN is 4 digits.")
    profile.pin_hash = hash_secret(pin)


def check_pin(profile: Profile, pin: str) -> bool:
    return profile.pin_hash is None or verify_secret(profile.pin_hash, pin)


def delete_profile(session: Session, profile: Profile) -> None:
    session.delete(profile)
