"""Drop-off curves from the raw event log: who started, how far real watching got."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from core import accounts, analytics
from core.models import Episode, Title
from core.playback import PlaybackInput, record_playback
from tests.conftest import TEST_NOW


def ev(title_id, type_, pos, t, episode_id=None) -> PlaybackInput:
    return PlaybackInput(event_id=str(uuid.uuid4()), type=type_, title_id=title_id,
                         position_s=pos, client_time=TEST_NOW + timedelta(seconds=t),
                         speed=60.0, episode_id=episode_id)


def watch(database, profile_id, title_id, upto, *, episode_id=None, seek_to=None):
    """Start at 0, watch (60x) in 10-minute steps up to `upto` seconds; optionally seek."""
    events, t, pos = [ev(title_id, "start", 0, 0, episode_id)], 0, 0
    while pos < upto:
        pos, t = min(upto, pos + 600), t + 10
        events.append(ev(title_id, "heartbeat", pos, t, episode_id))
    if seek_to is not None:
        events.append(ev(title_id, "seek", seek_to, t + 1, episode_id))
    with database.write() as s:
        record_playback(s, profile_id, events, TEST_NOW + timedelta(hours=1))


@pytest.fixture
def profiles(database) -> list[int]:
    with database.write() as s:
        account = accounts.create_account(s, "a@example.com", "correct horse battery", TEST_NOW)
        return [accounts.create_profile(s, account, TEST_NOW, name=f"P{i}").id for i in range(4)]


def test_a_films_curve_counts_real_watching_only(database, profiles):
    with database.read() as s:
        film = s.scalar(select(Title).where(Title.kind == "film", Title.runtime_minutes >= 80)
                        .order_by(Title.id))
    runtime = film.runtime_minutes * 60
    watch(database, profiles[0], film.id, runtime)  # all of it
    watch(database, profiles[1], film.id, runtime // 2)  # half
    watch(database, profiles[2], film.id, 600, seek_to=runtime)  # 10 min, then skips to the end
    with database.read() as s:
        curve = analytics.dropoff(s, film.id)
        assert analytics.dropoff(s, 10**6) is None
    assert curve.starts == 3 and len(curve.reached) == analytics.POINTS
    assert curve.reached[0] == 1.0
    assert curve.at(0.1) == 1.0  # everyone watched the first 10 minutes (of 80+)
    assert curve.at(0.25) == pytest.approx(2 / 3)  # the skipper's seek credits nothing
    assert curve.at(0.5) == pytest.approx(2 / 3)
    assert curve.at(0.55) == pytest.approx(1 / 3)
    assert curve.finished == pytest.approx(1 / 3) and curve.reached[-1] == pytest.approx(1 / 3)
    assert list(curve.reached) == sorted(curve.reached, reverse=True)


def test_a_series_pools_its_episodes_and_films_pool_together(database, profiles):
    with database.read() as s:
        series = s.scalar(select(Title).where(Title.kind == "series").order_by(Title.id))
        first, second = s.scalars(select(Episode).where(Episode.title_id == series.id)
                                  .order_by(Episode.season, Episode.number).limit(2)).all()
        films = s.scalars(select(Title).where(Title.kind == "film").order_by(Title.id)
                          .limit(2)).all()
    watch(database, profiles[0], series.id, first.runtime_seconds, episode_id=first.id)
    watch(database, profiles[0], series.id, 0, episode_id=second.id)  # started, nothing more
    watch(database, profiles[1], series.id, first.runtime_seconds, episode_id=first.id)
    for film, share in zip(films, (1.0, 0.0), strict=True):
        watch(database, profiles[3], film.id, int(film.runtime_minutes * 60 * share))
    with database.read() as s:
        curve = analytics.dropoff(s, series.id)
        pooled = analytics.dropoff_films(s)
        top = analytics.most_started(s, limit=5)
    assert curve.starts == 3 and curve.finished == pytest.approx(2 / 3)
    assert pooled.starts == 2 and pooled.finished == pytest.approx(1 / 2)
    assert top[0][0].id == series.id
    assert [starts for _, starts in top] == [3, 1, 1]


def test_film_plays_count_each_sitting_where_the_curve_counts_each_viewing(database, profiles):
    """Why the experiments' completion (a share of plays) is below the drop-off page's share of
    finished viewings: a film paused half-way and finished in a second sitting is one finished
    viewing, but two plays of which one completed."""
    with database.read() as s:
        film = s.scalar(select(Title).where(Title.kind == "film").order_by(Title.id))
    runtime = film.runtime_minutes * 60
    half = runtime // 2
    with database.write() as s:  # profile 0: two sittings, the second one to the end
        record_playback(s, profiles[0], [
            ev(film.id, "start", 0, 0), ev(film.id, "stop", half, half // 60),
            ev(film.id, "start", half, 10_000),
            ev(film.id, "complete", runtime, 10_000 + (runtime - half) // 60)],
            TEST_NOW + timedelta(hours=5))
    with database.read() as s:
        plays, completed = analytics.film_plays(s)
        curve = analytics.dropoff_films(s)
    assert (plays, completed) == (2, 0.5)
    assert curve.starts == 1 and curve.finished == 1.0
