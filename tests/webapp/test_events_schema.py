"""The events API tested from its own OpenAPI document (issue 13), with Schemathesis.

From the document it generates requests: valid ones, invalid ones and the boundary cases of its
coverage phase (each field missing or just out of bounds, other methods). Every answer must be
one the document lists, with its content type and schema, never a 5xx, and a refused request
changes nothing. What the document calls valid passes the parser; valid events about a title the
profile may watch are stored once.

The document is `webapp.openapi.document()`, loaded at import so that `parametrize` can make its
tests; the first test checks it is what `/openapi.json` serves. (Loading it from the app fixture
with `schemathesis.pytest.from_fixture` fails on pytest 9.2, which removed the node attribute
`_nodeid` it sets.) Requests reach the Flask app in process through the signed-in viewer's test
client, with its CSRF token. Examples are bounded and derandomized: a run is repeatable.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select

from core import playback
from core.models import PlaybackEvent, Title, Viewing
from tests.conftest import csrf_from
from webapp.events import _json_number
from webapp.openapi import document

URL = "/api/playback/events"
DOCUMENT = document()
API = schemathesis.openapi.from_dict(DOCUMENT, config=schemathesis.Config.from_dict({"checks": {
    # For a signed-in viewer with a profile: valid data may still be refused by what the
    # document cannot say (the catalog, the clock), with 422; never with 400, 413 or 415.
    "positive_data_acceptance": {"expected-statuses": ["200", "422"]},
    "negative_data_rejection": {"expected-statuses": ["400", "413", "415", "422"]},
    "missing_required_header": {"expected-statuses": ["400"]},  # the CSRF token
}}))
EVENTS = API[URL]["POST"]

BOUNDED = settings(deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture,
                                          HealthCheck.too_slow])


def token(client) -> str:
    if not hasattr(client, "csrf"):
        client.csrf = csrf_from(client.get("/profiles/"))
    return client.csrf


def footprint(database) -> tuple[int, int, float]:
    """What a request could have written: events, viewings and their credited time."""
    with database.read() as s:
        return tuple(s.execute(select(
            select(func.count()).select_from(PlaybackEvent).scalar_subquery(),
            select(func.count()).select_from(Viewing).scalar_subquery(),
            select(func.coalesce(func.sum(Viewing.watched_s), 0.0)).scalar_subquery())).one())


def events_in(body: dict) -> list[dict]:
    return body["events"] if "events" in body else [body]


def test_the_document_tested_is_the_one_served(client):
    r = client.get("/openapi.json")
    assert r.status_code == 200 and r.get_json() == DOCUMENT


@settings(BOUNDED, max_examples=25)
@given(case=EVENTS.as_strategy())
def test_everything_the_document_calls_valid_passes_the_parser(case):
    """Shapes only (no database): a 422 for a valid body can only be the catalog or the clock.
    The body is decoded as the endpoint decodes it."""
    body = json.loads(json.dumps(case.body), parse_float=_json_number)
    assert len(playback.parse_body(body)) == len(events_in(body))


@settings(BOUNDED, max_examples=40)
@API.parametrize()
def test_every_generated_request_gets_a_documented_answer(case, viewer, database):
    before = footprint(database)
    # All of Schemathesis' checks: no 5xx; a status, content type, headers and body the
    # document lists for the operation; invalid data refused; see the config above.
    r = case.call_and_validate(app=viewer.client.application, session=viewer.client,
                               headers={"X-CSRFToken": token(viewer.client)})
    if r.request.method == "POST" and r.status_code == 200:
        ack = r.json()
        assert ack["accepted"] == len(events_in(case.body))
        assert ack["stored"] + ack["duplicates"] == ack["accepted"]
        assert footprint(database)[0] == before[0] + ack["stored"]
    else:
        assert footprint(database) == before, r.status_code


@pytest.mark.parametrize("kind, body", [("application/json", "{}"), ("text/plain", "{}"),
                                        ("application/x-www-form-urlencoded", "x=1")])
@pytest.mark.parametrize("csrf", [None, "forged"])
def test_a_refused_csrf_token_is_answered_as_documented(viewer, database, kind, body, csrf):
    """Flask-WTF refuses before the view runs, whatever the body: still the document's JSON."""
    headers = {"X-CSRFToken": csrf} if csrf else {}
    r = viewer.client.post(URL, data=body, content_type=kind, headers=headers)
    assert r.status_code == 400
    EVENTS.Case().validate_response(r)  # a documented status, content type and schema
    assert "CSRF" in r.get_json()["error"] and footprint(database)[0] == 0


@settings(BOUNDED, max_examples=20)
@given(case=EVENTS.as_strategy())
def test_valid_events_about_a_title_the_profile_may_watch_are_stored_once(viewer, database,
                                                                          case):
    """The document's valid events with what it cannot say filled in: a film this profile may
    watch (chosen by the generated title_id), a position within its runtime, a recent time."""
    with database.read() as s:
        films = s.execute(select(Title.id, Title.runtime_minutes).where(
            Title.kind == "film", Title.maturity_age <= 13).order_by(Title.id)).all()
    now = datetime.now(UTC)
    events = []
    for i, event in enumerate(events_in(case.body)):
        film = films[int(event["title_id"]) % len(films)]
        sent = now - timedelta(seconds=len(events_in(case.body)) - i)
        # As generated: an integer may come as 42.0, which JSON Schema counts as one.
        title_id = type(event["title_id"])(film.id)
        events.append({**event, "title_id": title_id, "episode_id": None,
                       "position_s": event["position_s"] % (film.runtime_minutes * 60),
                       "client_time": sent.isoformat(timespec="milliseconds")})
    case.body = {"events": events} if "events" in case.body else events[0]
    ids = {playback.canonical_uuid(e["event_id"]) for e in events}
    with database.read() as s:  # an id drawn again by an earlier example is already stored
        new_ids = ids - set(s.scalars(select(PlaybackEvent.event_id)
                                      .where(PlaybackEvent.event_id.in_(ids))))
    before = footprint(database)[0]
    call = dict(app=viewer.client.application, session=viewer.client,
                headers={"X-CSRFToken": token(viewer.client)})
    r = case.call_and_validate(**call)
    assert r.status_code == 200, r.json()
    ack = r.json()
    assert ack == {"accepted": len(events), "stored": len(new_ids),
                   "duplicates": len(events) - len(new_ids)}
    assert footprint(database)[0] == before + len(new_ids)
    # At-least-once delivery: the same request again is acknowledged and stores nothing.
    again = case.call_and_validate(**call)
    assert again.status_code == 200
    assert again.json() == {"accepted": len(events), "stored": 0, "duplicates": len(events)}
    assert footprint(database)[0] == before + len(new_ids)
