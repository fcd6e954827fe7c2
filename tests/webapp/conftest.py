"""Web fixtures: accounts made through the services, logged in through the real login form."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from core import accounts, activity, catalog
from core.models import Title
from tests.conftest import TEST_NOW, csrf_from

PASSWORD = "correct horse battery"


@dataclass
class Viewer:
    client: object
    account_id: int
    profile_id: int
    email: str


def make_account(database, email: str, *, profiles=({"name": "Ada"},), onboard=True,
                 role="viewer") -> tuple[int, list[int]]:
    with database.write() as s:
        account = accounts.create_account(s, email, PASSWORD, TEST_NOW, role=role)
        ids = []
        for spec in profiles:
            profile = accounts.create_profile(s, account, TEST_NOW, **spec)
            if onboard:
                picks = list(s.scalars(select(Title.id).where(
                    catalog.visible(profile.maturity_limit)).order_by(Title.id).limit(3)))
                activity.save_taste_picks(s, profile, picks, [], TEST_NOW)
            ids.append(profile.id)
        return account.id, ids


def login(client, email: str, password: str = PASSWORD):
    token = csrf_from(client.get("/login"))
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": token})


def select_profile(client, profile_id: int, pin: str = ""):
    token = csrf_from(client.get("/profiles/"))
    return client.post(f"/profiles/{profile_id}/select", data={"csrf_token": token, "pin": pin})


def active_profile(client, database) -> int | None:
    """The profile this test client's browser record names (the server keeps the choice)."""
    from core.models import BrowserSession
    from webapp.viewer import BROWSER

    with client.session_transaction() as sess:
        browser_id = sess.get(BROWSER)
    with database.read() as s:
        return s.scalar(select(BrowserSession.profile_id).where(BrowserSession.id == browser_id))


@pytest.fixture
def redis_url():
    """STREAMSIM_TEST_REDIS_URL's Redis, emptied before and after the test (a database of its
    own, e.g. /15); the test is skipped, saying why, without one."""
    import os

    url = os.environ.get("STREAMSIM_TEST_REDIS_URL")
    if not url:
        pytest.skip("STREAMSIM_TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15)")
    import redis

    store = redis.Redis.from_url(url)
    try:
        store.ping()
    except redis.RedisError as exc:
        pytest.skip(f"STREAMSIM_TEST_REDIS_URL is set but Redis is unreachable: {exc}")
    store.flushdb()
    yield url
    store.flushdb()


@pytest.fixture
def make_viewer(app, database):
    def factory(email="ada@example.com", **kwargs) -> Viewer:
        account_id, profile_ids = make_account(database, email, **kwargs)
        client = app.test_client()
        assert login(client, email).status_code == 302
        assert select_profile(client, profile_ids[0]).status_code == 302
        return Viewer(client, account_id, profile_ids[0], email)

    return factory


@pytest.fixture
def viewer(make_viewer) -> Viewer:
    return make_viewer()


@pytest.fixture
def kids_viewer(make_viewer) -> Viewer:
    return make_viewer("kid@example.com",
                       profiles=({"name": "Kiddo", "is_kids": True, "maturity_limit": 7},))
