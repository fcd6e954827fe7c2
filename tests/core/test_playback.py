"""record_playback: dedup by UUID, bounded credit, completion, order, seeks, rewatches, hiding."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core import accounts, playback
from core.models import Episode, PlaybackEvent, Title, Viewing
from core.playback import PlaybackError, PlaybackInput, parse_body, parse_event, record_playback
from tests.conftest import TEST_NOW


@pytest.fixture
def profile_id(database):
    with database.write() as s:
        account = accounts.create_account(s, "p@example.com", "correct horse battery", TEST_NOW)
        return accounts.create_profile(s, account, TEST_NOW, name="P").id


@pytest.fixture
def episode(database) -> Episode:
    with database.read() as s:
        return s.scalar(select(Episode).join(Title).where(Title.maturity_age <= 13)
                        .order_by(Episode.id))


def ev(title_id, type_, pos, t, speed=1.0, episode_id=None, event_id=None) -> PlaybackInput:
    return PlaybackInput(event_id=event_id or str(uuid.uuid4()), type=type_, title_id=title_id,
                         position_s=pos, client_time=TEST_NOW + timedelta(seconds=t),
                         speed=speed, episode_id=episode_id)


def play(database, profile_id, events, now=None):
    with database.write() as s:
        return record_playback(s, profile_id, events, now or TEST_NOW + timedelta(hours=1))


def viewing(database, profile_id, title_id) -> Viewing:
    with database.read() as s:
        return s.scalar(select(Viewing).where(Viewing.profile_id == profile_id,
                                              Viewing.title_id == title_id))


def count_events(database) -> int:
    with database.read() as s:
        return s.scalar(select(func.count()).select_from(PlaybackEvent))


def test_a_retried_event_is_stored_once(database, profile_id, film):
    start = ev(film.id, "start", 0, 0)
    beat = ev(film.id, "heartbeat", 10, 10)
    assert [o.stored for o in play(database, profile_id, [start, beat])] == [True, True]
    again = play(database, profile_id, [start, beat])
    assert [o.stored for o in again] == [False, False]
    assert count_events(database) == 2
    assert viewing(database, profile_id, film.id).watched_s == pytest.approx(10)


def test_credit_is_bounded_by_client_time_and_speed(database, profile_id, film):
    # 5 s of client time at 1x cannot credit a 100 s jump of the position.
    out = play(database, profile_id, [ev(film.id, "start", 0, 0), ev(film.id, "heartbeat", 100, 5)])
    assert out[1].credited_s == pytest.approx(5)
    # At 10x, 5 s of client time may credit 50 s, but the position only moved 20.
    out = play(database, profile_id, [ev(film.id, "heartbeat", 120, 10, speed=10.0)])
    assert out[0].credited_s == pytest.approx(20)
    v = viewing(database, profile_id, film.id)
    assert v.watched_s == pytest.approx(25) and v.position_s == 120 and v.furthest_s == 120


def test_completion_at_ninety_percent(database, profile_id, film):
    runtime = film.runtime_minutes * 60
    at = int(runtime * 0.9)
    play(database, profile_id, [ev(film.id, "start", 0, 0),
                                ev(film.id, "heartbeat", at - 1, (at - 1) / 60, speed=60.0)])
    assert not viewing(database, profile_id, film.id).completed
    play(database, profile_id, [ev(film.id, "heartbeat", at, at / 60 + 1, speed=60.0)])
    assert viewing(database, profile_id, film.id).completed


def test_completion_at_the_credits_mark_of_an_episode(database, profile_id):
    # An episode whose credits start before 90% of its runtime: completing at the mark shows
    # that the mark decides.
    with database.read() as s:
        episode = s.scalar(select(Episode).join(Title).where(
            Title.maturity_age <= 13,
            Episode.credits_start_seconds < Episode.runtime_seconds * playback.COMPLETE_FRACTION)
            .order_by(Episode.id))
    mark = episode.credits_start_seconds
    assert mark < episode.runtime_seconds * playback.COMPLETE_FRACTION
    play(database, profile_id, [
        ev(episode.title_id, "start", 0, 0, episode_id=episode.id),
        ev(episode.title_id, "heartbeat", mark - 5, (mark - 5) / 10, speed=10.0,
           episode_id=episode.id)])
    assert not viewing(database, profile_id, episode.title_id).completed
    play(database, profile_id, [
        ev(episode.title_id, "heartbeat", mark, mark / 10 + 1, speed=10.0, episode_id=episode.id)])
    v = viewing(database, profile_id, episode.title_id)
    assert v.completed and v.episode_id == episode.id


def test_seeking_to_the_end_gives_no_credit_and_no_completion(database, profile_id, film):
    runtime = film.runtime_minutes * 60
    out = play(database, profile_id, [ev(film.id, "start", 0, 0),
                                      ev(film.id, "seek", runtime - 10, 1),
                                      ev(film.id, "complete", runtime, 20)])
    assert out[1].credited_s == 0
    v = viewing(database, profile_id, film.id)
    assert v.watched_s == pytest.approx(10)  # only the last 10 s were watched
    assert not v.completed


def test_out_of_order_events_give_no_credit_and_do_not_move_back(database, profile_id, film):
    play(database, profile_id, [ev(film.id, "start", 0, 0), ev(film.id, "heartbeat", 30, 30)])
    late = play(database, profile_id, [ev(film.id, "heartbeat", 20, 20)])
    assert late[0].stored and late[0].credited_s == 0
    v = viewing(database, profile_id, film.id)
    assert v.position_s == 30 and v.watched_s == pytest.approx(30)


def test_a_rewatch_reopens_a_completed_viewing(database, profile_id, film):
    runtime = film.runtime_minutes * 60
    play(database, profile_id, [ev(film.id, "start", 0, 0),
                                ev(film.id, "complete", runtime, runtime / 60, speed=60.0)])
    v = viewing(database, profile_id, film.id)
    assert v.completed and v.plays == 1
    play(database, profile_id, [ev(film.id, "start", 0, runtime / 60 + 60)])
    v = viewing(database, profile_id, film.id)
    assert not v.completed and v.plays == 2 and v.position_s == 0


def test_a_rejected_batch_stores_nothing(database, profile_id, film):
    good = ev(film.id, "start", 0, 0)
    bad = ev(film.id, "heartbeat", film.runtime_minutes * 60 + 1, 1)
    with pytest.raises(PlaybackError) as info, database.write() as s:
        record_playback(s, profile_id, [good, bad], TEST_NOW + timedelta(hours=1))
    assert info.value.field == "position_s" and info.value.index == 1
    assert count_events(database) == 0 and viewing(database, profile_id, film.id) is None


def test_kids_limit_and_absurd_times_are_refused(database, profile_id):
    with database.read() as s:
        mature = s.scalar(select(Title).where(Title.maturity_age >= 16, Title.kind == "film"))
    with pytest.raises(PlaybackError) as info, database.write() as s:
        record_playback(s, profile_id, [ev(mature.id, "start", 0, 0)], TEST_NOW, max_age=7)
    assert info.value.field == "title_id"
    with pytest.raises(PlaybackError) as info, database.write() as s:
        record_playback(s, profile_id, [ev(mature.id, "start", 0, 0)],
                        TEST_NOW + timedelta(days=30))
    assert info.value.field == "client_time"


def test_a_series_event_needs_its_own_episode(database, profile_id, episode, film):
    with pytest.raises(PlaybackError) as info, database.write() as s:
        record_playback(s, profile_id, [ev(episode.title_id, "start", 0, 0)], TEST_NOW)
    assert info.value.field == "episode_id"
    with pytest.raises(PlaybackError), database.write() as s:
        record_playback(s, profile_id, [ev(film.id, "start", 0, 0, episode_id=episode.id)],
                        TEST_NOW)


def test_parse_event_is_strict():
    good = {"event_id": str(uuid.uuid4()), "type": "heartbeat", "title_id": 3,
            "position_s": 12.5, "speed": 10, "client_time": "2026-11-01T12:00:00.250Z"}
    parsed = parse_event(good)
    assert parsed.speed == 10.0 and parsed.client_time.microsecond == 250000
    assert parsed.client_time.tzinfo is None
    cases = {"extra": ({**good, "profile_id": 1}, "profile_id"),
             "type": ({**good, "type": "rewind"}, "type"),
             "uuid": ({**good, "event_id": "nope"}, "event_id"),
             "bool": ({**good, "title_id": True}, "title_id"),
             "huge": ({**good, "title_id": 2**70}, "title_id"),
             "neg": ({**good, "position_s": -1}, "position_s"),
             "speed": ({**good, "speed": 3}, "speed"),
             "naive": ({**good, "client_time": "2026-11-01T12:00:00"}, "client_time"),
             "offset": ({**good, "client_time": "2026-11-01T12:00:00+02:00"}, "client_time"),
             "missing": ({k: v for k, v in good.items() if k != "type"}, "type")}
    for name, (raw, field) in cases.items():
        with pytest.raises(PlaybackError) as info:
            parse_event(raw, 4)
        assert (info.value.field, info.value.index) == (field, 4), name


def test_parse_body_batches():
    one = {"event_id": str(uuid.uuid4()), "type": "start", "title_id": 1, "position_s": 0,
           "client_time": "2026-11-01T12:00:00Z"}
    assert len(parse_body(one)) == 1 and len(parse_body({"events": [one]})) == 1
    with pytest.raises(PlaybackError):
        parse_body({"events": [one] * (playback.MAX_BATCH + 1)})
    for body in ({"events": []}, {"events": {}}, [one], None, {"events": [one], "x": 1}):
        with pytest.raises(PlaybackError):
            parse_body(body)


def test_event_ids_are_stored_in_canonical_form():
    raw = {"event_id": "", "type": "start", "title_id": 1, "position_s": 0,
           "client_time": "2026-11-01T12:00:00Z"}
    canonical = str(uuid.uuid4())
    for form in (canonical, canonical.upper(), "{" + canonical + "}",
                 canonical.replace("-", "")):
        assert parse_event({**raw, "event_id": form}).event_id == canonical
    for bad in (canonical + "0", canonical[:-1] + "g", " " + canonical, canonical + "\n"):
        with pytest.raises(PlaybackError):
            parse_event({**raw, "event_id": bad})
    assert playback.canonical_uuid(canonical) == canonical


def test_record_playback_sees_the_callers_unflushed_viewing(database, profile_id, film):
    """record_playback reads and writes with Core: a Viewing the caller added but did not
    flush yet is flushed first, so it is updated, not inserted a second time."""
    with database.write() as s:
        s.add(Viewing(profile_id=profile_id, title_id=film.id, episode_id=None, episode_key=0,
                      position_s=0, watched_s=0, furthest_s=0, completed=False, hidden=True,
                      plays=1, started_at=TEST_NOW, last_watched_at=TEST_NOW,
                      last_client_time=TEST_NOW))
        out = record_playback(s, profile_id, [ev(film.id, "start", 0, 1),
                                              ev(film.id, "heartbeat", 30, 31)],
                              TEST_NOW + timedelta(hours=1))
    assert [o.credited_s for o in out] == [0, pytest.approx(30)]
    v = viewing(database, profile_id, film.id)
    assert v.plays == 2 and not v.hidden and v.position_s == 30
    assert v.watched_s == pytest.approx(30)
