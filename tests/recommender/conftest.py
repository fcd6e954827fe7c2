"""Recommender fixtures: a synthetic world in the test database, a private model folder."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import insert, select

from core.models import Account, Profile, Rating, Title, Viewing
from tests.conftest import TEST_NOW
from tests.recommender import synth
from tests.webapp.conftest import kids_viewer, make_viewer, viewer  # noqa: F401 - fixtures


@pytest.fixture
def rec_settings(settings, tmp_path):
    """Settings with a private model folder and instance folder (nothing leaks between tests)."""
    return settings.with_(model_dir=tmp_path / "models", instance_dir=tmp_path / "instance",
                          rec_epochs=25)


def populate(database, n_users: int = 150, per_user: int = 25, seed: int = 3) -> dict:
    """Write a synthetic world's signals as viewings and thumbs of real catalog titles."""
    with database.read() as s:
        rows = s.execute(select(Title.id, Title.runtime_minutes).order_by(Title.id)).all()
    title_ids = np.array([r[0] for r in rows])
    runtime = {r[0]: r[1] * 60 for r in rows}
    inter, _, utility = synth.world(seed=seed, n_users=n_users, n_items=title_ids.size,
                                    per_user=per_user)
    with database.write() as s:
        account = Account(email="synthetic@example.com", role="viewer", is_simulated=True,
                          created_at=TEST_NOW)
        s.add(account)
        s.flush()
        made = s.scalars(insert(Profile).returning(Profile.id, sort_by_parameter_order=True), [
            {"account_id": account.id, "name": f"P{u}", "avatar": "a",
             "onboarded_at": TEST_NOW, "created_at": TEST_NOW} for u in range(1, n_users + 1)])
        profile_ids = [int(p) for p in made]
        viewings, ratings = [], []
        when = TEST_NOW - timedelta(days=1)
        for u, i, pref, explicit in zip(inter.users, inter.items, inter.pref, inter.explicit,
                                        strict=True):
            tid = int(title_ids[i - 1])
            done = pref >= 0.9
            watched = runtime[tid] * (1.0 if done else (0.1 if pref < 0.3 else 0.6))
            viewings.append({"profile_id": profile_ids[u - 1], "title_id": tid, "episode_key": 0,
                             "watched_s": watched, "completed": bool(done), "plays": 1,
                             "started_at": when, "last_watched_at": when,
                             "last_client_time": when})
            if explicit:
                value = 2 if pref >= 1.0 else (1 if pref >= 0.5 else -1)
                ratings.append({"profile_id": profile_ids[u - 1], "title_id": tid, "value": value,
                                "created_at": when, "updated_at": when})
        s.execute(insert(Viewing), viewings)
        if ratings:
            s.execute(insert(Rating), ratings)
    return {"account_id": account.id, "title_ids": title_ids, "utility": utility,
            "n_users": n_users, "profile_ids": profile_ids}


@pytest.fixture
def world_db(database):
    return populate(database)


@pytest.fixture
def app(rec_settings, database):
    """The web app on the private model folder (overrides the shared fixture)."""
    from webapp import create_app

    return create_app(rec_settings, database)
