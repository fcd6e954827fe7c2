"""Seeding goes through the core services: the data passes the web path's integrity checks."""

from __future__ import annotations

import uuid
from datetime import timedelta

import numpy as np
from sqlalchemy import func, select

from core.models import (
    Account,
    Impression,
    PlaybackEvent,
    Profile,
    ProfileTruth,
    Rating,
    TastePick,
    Title,
    Viewing,
)
from core.playback import PlaybackInput, record_playback
from core.playback_bulk import Batch, CatalogCache, record_playback_bulk
from simulator.studies.seed import seed_history
from tests.conftest import TEST_NOW


def test_seeded_database_passes_integrity_checks(database):
    summary = seed_history(database, 40, 3, 5, TEST_NOW)
    assert summary.sessions > 20 and summary.plays > 20 and summary.events >= summary.plays
    with database.read() as s:
        accounts = s.scalars(select(Account).where(Account.is_simulated.is_(True))).all()
        assert accounts and all(a.password_hash is None for a in accounts)
        assert s.scalar(select(func.count()).select_from(ProfileTruth)) == 40
        assert s.scalar(select(func.count(func.distinct(TastePick.profile_id)))) == 40
        # every viewing has a start event for the same profile, title and episode
        viewings = s.scalars(select(Viewing)).all()
        assert viewings
        starts = set(s.execute(select(PlaybackEvent.profile_id, PlaybackEvent.title_id,
                                      PlaybackEvent.episode_id)
                               .where(PlaybackEvent.type == "start")).all())
        for v in viewings:
            assert (v.profile_id, v.title_id, v.episode_id) in starts
        # credited time is bounded by elapsed client time (speed 1) and sums to watched_s
        events = s.execute(select(PlaybackEvent).order_by(PlaybackEvent.id)).scalars().all()
        last: dict = {}
        credited: dict = {}
        for e in events:
            key = (e.profile_id, e.title_id, e.episode_id)
            if key in last and e.type != "start":
                assert e.credited_s <= (e.client_time - last[key]).total_seconds() + 1e-6
            last[key] = e.client_time
            credited[key] = credited.get(key, 0.0) + e.credited_s
        for v in viewings:
            assert abs(credited[(v.profile_id, v.title_id, v.episode_id)] - v.watched_s) < 1e-6
            title = s.get(Title, v.title_id)
            limit = s.get(Profile, v.profile_id).maturity_limit
            assert title.maturity_age <= limit
        assert s.scalar(select(func.count()).where(PlaybackEvent.type == "heartbeat")) == 0
        # ratings are unique per profile and title
        n, distinct = s.execute(select(func.count(), func.count(func.distinct(
            Rating.profile_id * 100000 + Rating.title_id)))).one()
        assert n == distinct
        rows = s.scalars(select(Impression).limit(50)).all()
        assert rows and all(r.title_ids and r.policy == "site" for r in rows)
        assert any(r.row_key == "trending" for r in rows)
        assert s.scalar(select(func.count()).where(Viewing.completed.is_(True))) > 0


def _events(title: Title, episode_id, start):
    e = lambda t, pos, sec: PlaybackInput(str(uuid.uuid4()), t, title.id, float(pos),  # noqa: E731
                                          start + timedelta(seconds=sec), episode_id=episode_id)
    return [e("start", 0, 0), e("seek", 60, 2), e("pause", 400, 342), e("stop", 900, 1200),
            e("start", 900, 4000), e("complete", 1100, 4150)]


def test_bulk_path_matches_record_playback(database):
    with database.write() as s:
        title = s.scalars(select(Title).where(Title.kind == "film",
                                              Title.maturity_age <= 13)).first()
        series = s.scalars(select(Title).where(Title.kind == "series",
                                               Title.maturity_age <= 13)).first()
        account = Account(email="bulk@example.test", password_hash=None, role="viewer",
                          is_simulated=True, session_epoch=0, created_at=TEST_NOW)
        s.add(account)
        s.flush()
        a = Profile(account_id=account.id, name="A", avatar="amber", created_at=TEST_NOW)
        b = Profile(account_id=account.id, name="B", avatar="amber", created_at=TEST_NOW)
        s.add_all([a, b])
        s.flush()
        ep = series.episodes[0]
        start = TEST_NOW - timedelta(hours=3)
        film_events = _events(title, None, start)
        ep_events = [PlaybackInput(str(uuid.uuid4()), "start", series.id, 0.0, start,
                                   episode_id=ep.id),
                     PlaybackInput(str(uuid.uuid4()), "complete", series.id,
                                   float(ep.credits_start_seconds),
                                   start + timedelta(seconds=ep.credits_start_seconds),
                                   episode_id=ep.id)]
        now = TEST_NOW
        record_playback(s, a.id, film_events + ep_events, now)
        bulk_film = [PlaybackInput(str(uuid.uuid4()), e.type, e.title_id, e.position_s,
                                   e.client_time, e.speed, e.episode_id)
                     for e in film_events + ep_events]
        n = record_playback_bulk(s, [Batch(b.id, bulk_film, now)], CatalogCache(s))
        assert n == len(bulk_film)
        assert record_playback_bulk(s, [Batch(b.id, bulk_film, now)], CatalogCache(s)) == 0

        def state(pid):
            return sorted((v.title_id, v.episode_key, v.position_s, round(v.watched_s, 6),
                           v.furthest_s, v.completed, v.plays)
                          for v in s.scalars(select(Viewing).where(Viewing.profile_id == pid)))

        def credits(pid):
            return [round(c, 6) for c in s.scalars(select(PlaybackEvent.credited_s).where(
                PlaybackEvent.profile_id == pid).order_by(PlaybackEvent.id))]

        assert state(a.id) == state(b.id)
        assert credits(a.id) == credits(b.id)


def _fresh_population(path, seed):
    from core.db import Database
    from core.models import Base
    from core.settings import Settings
    from simulator.catalog.generate import generate_catalog
    from simulator.viewers.population import generate_population
    from simulator.viewers.world import load_catalog

    db = Database(Settings(env="testing", database_url=f"sqlite:///{path}"))
    Base.metadata.create_all(db.engine)
    with db.session() as s:
        generate_catalog(s, 60, seed, TEST_NOW)
        pop = generate_population(s, 25, seed, TEST_NOW, load_catalog(s))
        names = s.execute(select(Profile.name, Profile.is_kids, Profile.maturity_limit)
                          .order_by(Profile.id)).all()
        picks = s.execute(select(TastePick.profile_id, TastePick.title_id)
                          .order_by(TastePick.profile_id, TastePick.title_id)).all()
    db.dispose()
    return pop, names, picks


def test_same_seed_same_population(tmp_path):
    a, names_a, picks_a = _fresh_population(tmp_path / "a.sqlite3", 9)
    b, names_b, picks_b = _fresh_population(tmp_path / "b.sqlite3", 9)
    c, names_c, _ = _fresh_population(tmp_path / "c.sqlite3", 10)
    assert names_a == names_b and picks_a == picks_b
    assert (a.taste == b.taste).all() and (a.community == b.community).all()
    assert names_a != names_c
    assert len(set(a.community.tolist())) > 2  # communities exist
    assert 60 < float(np.median(a.traits["patience_s"])) < 130  # ~90 s median
