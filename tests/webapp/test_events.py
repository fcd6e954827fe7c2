"""The playback event endpoint: every error class, dedup, 503 when busy, the OpenAPI document,
a Hypothesis property test, and concurrency (thumbs and 50 event writers)."""

from __future__ import annotations

import os
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select
from sqlalchemy.exc import OperationalError

from core import activity, playback
from core.models import PlaybackEvent, Rating, Title, Viewing
from tests.conftest import TEST_NOW, csrf_from
from tests.webapp.conftest import make_account

URL = "/api/playback/events"


def iso(when: datetime) -> str:
    return when.replace(tzinfo=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def event(title_id: int, type_="heartbeat", pos=0.0, when=None, **extra) -> dict:
    return {"event_id": str(uuid.uuid4()), "type": type_, "title_id": title_id,
            "position_s": pos, "speed": 1.0, "client_time": iso(when or utcnow()), **extra}


def token(client) -> str:
    """The session's CSRF token (cached on the client: Hypothesis asks once per example)."""
    if not hasattr(client, "csrf"):
        client.csrf = csrf_from(client.get("/profiles/"))
    return client.csrf


def post(client, body, tok, **kw):
    return client.post(URL, json=body, headers={"X-CSRFToken": tok}, **kw)


@pytest.fixture
def film(database) -> Title:
    with database.read() as s:
        return s.scalar(select(Title).where(Title.kind == "film", Title.maturity_age <= 7)
                        .order_by(Title.id))


def stored(database) -> int:
    with database.read() as s:
        return s.scalar(select(func.count()).select_from(PlaybackEvent))


def test_single_and_batched_events_are_stored_once(viewer, database, film):
    tok = token(viewer.client)
    start = utcnow() - timedelta(seconds=30)
    one = event(film.id, "start", 0, start)
    r = post(viewer.client, one, tok)
    assert r.status_code == 200 and r.get_json() == {"accepted": 1, "stored": 1, "duplicates": 0}
    batch = [event(film.id, "heartbeat", 10 * i, start + timedelta(seconds=10 * i))
             for i in (1, 2)]
    assert post(viewer.client, {"events": batch}, tok).get_json()["stored"] == 2
    # A retry of everything: acknowledged again, stored once.
    r = post(viewer.client, {"events": [one, *batch]}, tok)
    assert r.status_code == 200 and r.get_json()["duplicates"] == 3
    assert stored(database) == 3
    with database.read() as s:
        v = s.scalar(select(Viewing).where(Viewing.profile_id == viewer.profile_id))
        assert v.position_s == 20 and v.watched_s == pytest.approx(20)
        assert {e.profile_id for e in s.scalars(select(PlaybackEvent))} == {viewer.profile_id}


def test_error_classes(viewer, database, film):
    c, tok = viewer.client, token(viewer.client)
    good = event(film.id)
    r = c.post(URL, data="x=1", content_type="application/x-www-form-urlencoded",
               headers={"X-CSRFToken": tok})
    assert r.status_code == 415 and r.get_json()["error"]
    r = c.post(URL, data="{not json", content_type="application/json",
               headers={"X-CSRFToken": tok})
    assert r.status_code == 400 and "JSON" in r.get_json()["error"]
    r = c.post(URL, data="[" + " " * 200_000 + "]", content_type="application/json",
               headers={"X-CSRFToken": tok})
    assert r.status_code == 413
    r = post(c, {"events": [good] * (playback.MAX_BATCH + 1)}, tok)
    assert r.status_code == 422 and r.get_json()["field"] == "events"
    bad = [{**good, "profile_id": 99}, {**good, "type": "rewind"},
           {**good, "position_s": film.runtime_minutes * 60 + 1},
           {**good, "client_time": iso(utcnow() + timedelta(hours=1))},
           {**good, "title_id": 10**6},
           {**good, "position_s": 10**400},  # overflows float(): refused, not a 500
           {**good, "speed": 10**400}, {**good, "episode_id": 2**63}]
    fields = ["profile_id", "type", "position_s", "client_time", "title_id", "position_s",
              "speed", "episode_id"]
    for body, field in zip(bad, fields, strict=True):
        r = post(c, {"events": [event(film.id), body]}, tok)
        assert r.status_code == 422, field
        assert r.get_json() == {"error": r.get_json()["error"], "field": field, "index": 1}
    assert stored(database) == 0


def test_csrf_header_is_required(viewer, database, film):
    r = viewer.client.post(URL, json=event(film.id))
    assert r.status_code == 400
    r = viewer.client.post(URL, json=event(film.id), headers={"X-CSRFToken": "forged"})
    assert r.status_code == 400 and stored(database) == 0


def test_anonymous_and_profileless_requests_get_json_errors(app, database, film):
    client = app.test_client()
    tok = csrf_from(client.get("/login"))
    r = post(client, event(film.id), tok)
    assert r.status_code == 401 and r.is_json
    from tests.webapp.conftest import login

    make_account(database, "np@example.com")
    login(client, "np@example.com")
    r = post(client, event(film.id), csrf_from(client.get("/profiles/")))
    assert r.status_code == 404 and r.is_json and stored(database) == 0


def test_kids_profile_cannot_record_a_mature_title(kids_viewer, database):
    with database.read() as s:
        mature = s.scalar(select(Title.id).where(Title.maturity_age >= 16, Title.kind == "film"))
    r = post(kids_viewer.client, event(mature), token(kids_viewer.client))
    assert r.status_code == 422 and r.get_json()["field"] == "title_id"
    assert stored(database) == 0


def test_a_locked_database_gives_503_with_retry_after(viewer, database, film, monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(playback, "record_playback", locked)
    r = post(viewer.client, event(film.id), token(viewer.client))
    assert r.status_code == 503 and r.headers["Retry-After"] == "1" and r.is_json


def test_openapi_document_matches_the_endpoint(client):
    r = client.get("/openapi.json")
    doc = r.get_json()
    assert r.status_code == 200 and doc["openapi"].startswith("3.1")
    op = doc["paths"][URL]["post"]
    assert {"200", "400", "413", "415", "422", "503"} <= set(op["responses"])
    schema = doc["components"]["schemas"]["PlaybackEvent"]
    assert set(schema["properties"]) == set(playback.FIELDS)
    assert set(schema["required"]) == set(playback.REQUIRED_FIELDS)
    assert schema["additionalProperties"] is False
    assert schema["properties"]["type"]["enum"] == list(playback.EVENT_TYPES)
    batch = doc["components"]["schemas"]["PlaybackBatch"]["properties"]["events"]
    assert batch["maxItems"] == playback.MAX_BATCH
    # Every field the schema lists is accepted, and one it does not list is refused.
    sample = {"event_id": str(uuid.uuid4()), "type": "start", "title_id": 1, "episode_id": None,
              "position_s": 0, "speed": 1.0, "client_time": "2026-11-01T12:00:00Z"}
    assert set(sample) == set(schema["properties"])
    playback.parse_event(sample)
    with pytest.raises(playback.PlaybackError):
        playback.parse_event({**sample, "extra": 1})


# -- property tests ----------------------------------------------------------------------------

steps = st.lists(st.tuples(st.sampled_from(playback.EVENT_TYPES),
                           st.floats(-30, 700, allow_nan=False),  # position change
                           st.floats(-20, 60, allow_nan=False),   # client seconds since last
                           st.sampled_from(playback.SPEEDS)), min_size=1, max_size=12)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                               max_size=4), max_leaves=12)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seq=steps)
def test_property_random_sequences_never_over_credit(viewer, database, film, seq):
    with database.write() as s:
        s.execute(delete(PlaybackEvent))
        s.execute(delete(Viewing))
    runtime = film.runtime_minutes * 60
    t, pos, events = utcnow() - timedelta(hours=1), 0.0, []
    for type_, dpos, dt, speed in seq:
        t, pos = t + timedelta(seconds=dt), min(max(pos + dpos, 0.0), runtime)
        events.append({**event(film.id, type_, round(pos, 3), t), "speed": speed})
    r = post(viewer.client, {"events": events}, token(viewer.client))
    assert r.status_code == 200, r.get_json()
    # The bound: client time between consecutive in-order events x the reported speed.
    bound, last = 0.0, None
    for e in events:
        when = playback.parse_client_time(e["client_time"])
        if last is None or when >= last:
            if last is not None:
                bound += (when - last).total_seconds() * e["speed"]
            last = when
    with database.read() as s:
        credited = s.scalar(select(func.coalesce(func.sum(PlaybackEvent.credited_s), 0.0)))
        watched = s.scalar(select(Viewing.watched_s))
    assert credited == pytest.approx(watched)
    assert credited <= bound + 1e-6
    assert watched <= runtime + 1e-6


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=st.one_of(json_values,
                      st.fixed_dictionaries({"event_id": st.uuids().map(str),
                                             "type": st.sampled_from(playback.EVENT_TYPES),
                                             "title_id": st.integers(-5, 300),
                                             "position_s": json_values,
                                             "client_time": st.text(max_size=30)})))
def test_property_random_bodies_never_give_a_5xx(viewer, database, body):
    before = stored(database)
    r = post(viewer.client, body, token(viewer.client))
    assert r.status_code < 500
    if r.status_code != 200:
        assert stored(database) == before and r.get_json()["error"]


# -- concurrency -------------------------------------------------------------------------------

def test_twenty_simultaneous_thumbs_make_one_rating(database, film):
    _, (profile_id,) = make_account(database, "thumbs@example.com", onboard=False)
    barrier, errors = threading.Barrier(20), []

    def thumb(value: int) -> None:
        try:
            barrier.wait()
            with database.write() as s:
                activity.rate_title(s, profile_id, film.id, value, TEST_NOW)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=thumb, args=(1 if i % 2 else 2,)) for i in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    with database.read() as s:
        assert s.scalar(select(func.count()).select_from(Rating)) == 1


@pytest.mark.stress
def test_fifty_writers_lose_and_duplicate_nothing(app, make_viewer, database):
    """50 threads post events (some retried) for STREAMSIM_STRESS_SECONDS (default 10 s)."""
    seconds = float(os.environ.get("STREAMSIM_STRESS_SECONDS", "10"))
    v = make_viewer("stress@example.com", profiles=({"name": "A"}, {"name": "B"}))
    tok = token(v.client)
    cookie = v.client.get_cookie("streamsim_session").value
    with database.read() as s:
        films = list(s.scalars(select(Title.id).where(Title.kind == "film",
                                                      Title.maturity_age <= 13).limit(25)))
    sent: set[str] = set()
    statuses: list[int] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def writer(i: int) -> None:
        client = app.test_client()
        client.set_cookie("streamsim_session", cookie, domain="localhost")
        title, pos, mine, previous = films[i % len(films)], 0.0, set(), None
        base = utcnow() - timedelta(minutes=30)
        n = 0
        while time.monotonic() < deadline:
            n += 1
            body = event(title, "heartbeat", pos, base + timedelta(seconds=n))
            # Every fourth request retries the previous event as well (a lost answer).
            payload = {"events": [previous, body]} if previous and n % 4 == 0 else body
            r = client.post(URL, json=payload, headers={"X-CSRFToken": tok})
            with lock:
                statuses.append(r.status_code)
            if r.status_code == 200:
                mine.add(body["event_id"])
            previous, pos = body, pos + 1
        with lock:
            sent.update(mine)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(50)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert statuses and set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}
    with database.read() as s:
        ids = list(s.scalars(select(PlaybackEvent.event_id)))
    assert len(ids) == len(set(ids)) == len(sent) and set(ids) == sent


# -- who is asking: the endpoint's own account/profile check keeps the user loader's rules -----

def test_a_stale_or_simulated_account_is_not_signed_in(viewer, database, film):
    from core.models import Account

    tok = token(viewer.client)
    assert post(viewer.client, event(film.id), tok).status_code == 200
    with database.write() as s:  # signed out everywhere (logout, password change)
        s.get(Account, viewer.account_id).session_epoch += 1
    r = post(viewer.client, event(film.id), tok)
    assert r.status_code == 401 and r.is_json
    with database.write() as s:
        account = s.get(Account, viewer.account_id)
        account.session_epoch -= 1
        account.is_simulated = True
    assert post(viewer.client, event(film.id), tok).status_code == 401
    assert stored(database) == 1


def choose(client, database, profile_id: int) -> None:
    """Point the client's browser record at `profile_id` directly in the database (bypassing
    the site's checks, to test the events endpoint's own)."""
    from sqlalchemy import update

    from core.models import BrowserSession
    from webapp.viewer import BROWSER

    with client.session_transaction() as sess:
        browser_id = sess[BROWSER]
    with database.write() as s:
        s.execute(update(BrowserSession).where(BrowserSession.id == browser_id)
                  .values(profile_id=profile_id))


def test_only_the_accounts_own_onboarded_profile_may_record(make_viewer, database, film):
    from core.models import Profile

    other = make_viewer("other@example.com")
    v = make_viewer("two@example.com", profiles=({"name": "A"}, {"name": "B"}))
    tok = token(v.client)
    choose(v.client, database, other.profile_id)  # a record naming someone else's profile
    r = post(v.client, event(film.id), tok)
    assert r.status_code == 404 and r.is_json
    with database.write() as s:
        second = s.scalar(select(Profile).where(Profile.account_id == v.account_id,
                                                Profile.name == "B"))
        second.onboarded_at = None
        second_id = second.id
    choose(v.client, database, second_id)
    assert post(v.client, event(film.id), tok).status_code == 404
    assert stored(database) == 0
    choose(v.client, database, v.profile_id)
    assert post(v.client, event(film.id), tok).status_code == 200
    with database.read() as s:
        assert s.scalar(select(PlaybackEvent.profile_id)) == v.profile_id


def test_a_busy_database_while_checking_the_session_gives_503(viewer, film, monkeypatch):
    from webapp import events

    def locked(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    tok = token(viewer.client)
    monkeypatch.setattr(events, "session_profile", locked)
    r = post(viewer.client, event(film.id), tok)
    assert r.status_code == 503 and r.headers["Retry-After"] == "1" and r.is_json


def test_a_batch_costs_one_insert_and_one_viewing_write(viewer, database, film):
    """However many events a batch holds, one INSERT (executemany) stores them and each
    (title, episode) viewing is written once."""
    from sqlalchemy import event as sa_event

    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(" ".join(statement.split()))

    tok = token(viewer.client)
    start = utcnow() - timedelta(minutes=5)
    first = [event(film.id, "start", 0, start)]
    assert post(viewer.client, {"events": first}, tok).status_code == 200
    batch = [event(film.id, "heartbeat", 10 * i, start + timedelta(seconds=10 * i))
             for i in range(1, 31)]
    sa_event.listen(database.engine, "before_cursor_execute", record)
    try:
        r = post(viewer.client, {"events": batch}, tok)
    finally:
        sa_event.remove(database.engine, "before_cursor_execute", record)
    assert r.status_code == 200 and r.get_json()["stored"] == 30
    writes = [s for s in statements if s.startswith(("INSERT", "UPDATE", "DELETE"))]
    assert len([s for s in writes if "playback_events" in s]) == 1
    (viewing_write,) = [s for s in writes if "viewings" in s]
    assert len(writes) == 2
    # Only what events change is written: the keys (and their unique index) stay untouched.
    assert viewing_write.startswith("UPDATE") and "title_id" not in viewing_write
    assert "profile_id" not in viewing_write.split("WHERE")[0]
    if database.engine.dialect.name == "sqlite":  # sign-in check and writes: one transaction
        begins = [s for s in statements if s.startswith("BEGIN")]
        assert begins == ["BEGIN IMMEDIATE"]
        assert statements.index("BEGIN IMMEDIATE") < statements.index(writes[0])
    with database.read() as s:
        v = s.scalar(select(Viewing).where(Viewing.profile_id == viewer.profile_id))
        assert v.position_s == 300 and v.plays == 1


def test_a_refused_body_never_opens_a_transaction(viewer, database, film):
    """Content type, size, JSON and shape are checked before the database is touched, so a
    bad request never holds SQLite's write lock."""
    from sqlalchemy import event as sa_event

    tok = token(viewer.client)
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa_event.listen(database.engine, "before_cursor_execute", record)
    try:
        bodies = [("{not json", "application/json"), ("x=1", "text/plain"),
                  ('{"events": []}', "application/json"),
                  ('{"event_id": "x", "colour": "red"}', "application/json")]
        for body, kind in bodies:
            r = viewer.client.post(URL, data=body, content_type=kind,
                                   headers={"X-CSRFToken": tok})
            assert 400 <= r.status_code < 500 and r.is_json, (body, r.status_code)
    finally:
        sa_event.remove(database.engine, "before_cursor_execute", record)
    assert statements == []
    assert post(viewer.client, event(film.id), tok).status_code == 200
