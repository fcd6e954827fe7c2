"""The demo account (demo mode only): a lived-in account a visitor can sign in to at once."""

from __future__ import annotations

import socket
import sys
import time
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import accounts, activity, catalog
from core.models import Account
from core.settings import Settings

DEMO_PROFILES = (
    {"name": "Alex", "avatar": "amber", "genres": ("crime", "thriller", "sci-fi")},
    {"name": "Robin", "avatar": "teal", "genres": ("romance", "comedy", "drama")},
    {"name": "Kids", "avatar": "lime", "is_kids": True, "maturity_limit": 7,
     "genres": ("animation", "family")},
)


def ensure_demo_account(session: Session, settings: Settings, now: datetime) -> bool:
    """Create the demo account with three onboarded profiles; False if it already exists."""
    if settings.is_production or not settings.demo:
        raise RuntimeError("The demo account exists only in demo mode.")
    if session.scalar(select(Account).where(Account.email == settings.demo_email)):
        return False
    account = accounts.create_account(session, settings.demo_email, settings.demo_password, now,
                                      role="educator")
    for spec in DEMO_PROFILES:
        profile = accounts.create_profile(
            session, account, now, name=spec["name"], avatar=spec["avatar"],
            is_kids=spec.get("is_kids", False), maturity_limit=spec.get("maturity_limit", 7))
        picks: list[int] = []
        genre_ids = []
        for slug in spec["genres"]:
            tag = catalog.tag_by_slug(session, "genre", slug)
            if tag is None:
                continue
            genre_ids.append(tag.id)
            picks += [t.id for t in catalog.popular(session, profile.maturity_limit, n=2,
                                                    tag_id=tag.id, exclude=picks)]
        if len(picks) >= activity.MIN_PICKS:
            activity.save_taste_picks(session, profile, picks, genre_ids, now)
    return True


def announce_when_up(host: str, port: int, settings: Settings, timeout_s: float = 120.0) -> bool:
    """Wait until the server accepts connections, then print its URL and the demo login last."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                break
        except OSError:
            time.sleep(0.25)
    else:
        print(f"The server did not start on {host}:{port}.", file=sys.stderr)
        return False
    print(f"\n  StreamSim is up: http://{host}:{port}/\n"
          f"  Demo login: {settings.demo_email} / {settings.demo_password}\n"
          f"  (Ctrl-C stops the server.)\n", flush=True)
    return True


if __name__ == "__main__":  # make demo: python -m webapp.demo HOST PORT
    sys.exit(0 if announce_when_up(sys.argv[1], int(sys.argv[2]), Settings.from_env()) else 1)
