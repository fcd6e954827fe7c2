"""The live experiments' pages: create (CSRF form), start, stop and results for educators;
404 for everyone else; the layer rule's refusal shown on the page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models import LiveExperiment, LiveExposure
from tests.conftest import csrf_from, soup


@pytest.fixture
def teacher(make_viewer):
    return make_viewer("teach@example.com", role="educator")


def _create(client, name="Fewer genre rows", layer="home", **extra):
    token = csrf_from(client.get("/educator/experiments/live/new"))
    data = {"csrf_token": token, "name": name, "hypothesis": "Less scrolling, more plays",
            "population": "all", "share": "1", "layer": layer, "salt": f"salt-{name}",
            "primary_metric": "watch_minutes", "guardrails": ["completion", "abandonment"],
            "variants-0-name": "control", "variants-0-weight": "1",
            "variants-0-model": "serving", "variants-0-genre_rows": "all",
            "variants-0-artwork": "default",
            "variants-1-name": "few", "variants-1-weight": "1",
            "variants-1-model": "serving", "variants-1-genre_rows": "0",
            "variants-1-artwork": "default"} | extra
    return client.post("/educator/experiments/live/new", data=data)


def _exp(database, name):
    with database.read() as s:
        return s.scalar(select(LiveExperiment).where(LiveExperiment.name == name))


def _post(client, exp_id, action):
    token = csrf_from(client.get(f"/educator/experiments/live/{exp_id}"))
    return client.post(f"/educator/experiments/live/{exp_id}/{action}",
                       data={"csrf_token": token})


def test_an_educator_creates_starts_reads_and_stops_an_experiment(teacher, viewer, database):
    client = teacher.client
    assert "Live A/B tests" in client.get("/educator/").get_data(as_text=True)
    made = _create(client)
    assert made.status_code == 302
    exp = _exp(database, "Fewer genre rows")
    assert exp.state == "draft" and exp.created_by == teacher.account_id
    assert exp.variants[1] == {"name": "few", "weight": 1,
                               "sets": {"model": "serving", "genre_rows": "0",
                                        "artwork": "default"}}
    assert exp.guardrails == ["abandonment", "completion"]
    page = soup(client.get(made.headers["Location"]))
    assert page.select_one("h1").get_text(" ", strip=True).endswith("draft")
    assert _post(client, exp.id, "start").status_code == 302
    assert _exp(database, "Fewer genre rows").state == "running"
    assert viewer.client.get("/home").status_code == 200  # a viewer is exposed
    with database.read() as s:
        assert s.scalar(select(LiveExposure.profile_id)) == viewer.profile_id
    page = soup(client.get(f"/educator/experiments/live/{exp.id}"))
    text = page.get_text(" ", strip=True)
    assert page.select_one("[data-srm]") is not None  # the SRM check comes first
    assert str(page).index("data-srm") < str(page).index("live__metrics") \
        or "Too few exposed" in text
    assert "Watch minutes" in text and "primary" in text
    assert _post(client, exp.id, "stop").status_code == 302
    stopped = _exp(database, "Fewer genre rows")
    assert stopped.state == "stopped" and stopped.stopped_at is not None
    listing = soup(client.get("/educator/experiments/live/")).get_text(" ", strip=True)
    assert "Fewer genre rows stopped home" in listing


def test_the_form_shows_a_refusal_beside_its_field(teacher, database):
    bad = _create(teacher.client, name="")
    assert bad.status_code == 400
    page = soup(bad)
    assert page.select_one(".field--error #name") is not None
    one = _create(teacher.client, name="One arm", **{"variants-1-name": ""})
    assert one.status_code == 400 and "2 to 5 variants" in one.get_data(as_text=True)
    assert _exp(database, "One arm") is None


def test_csrf_is_required(teacher, database):
    r = teacher.client.post("/educator/experiments/live/new", data={"name": "No token"})
    assert r.status_code == 400
    assert _exp(database, "No token") is None


def test_a_second_experiment_in_a_running_layer_is_refused_with_a_message(teacher, database):
    _create(teacher.client, "First")
    _create(teacher.client, "Second")
    first, second = _exp(database, "First"), _exp(database, "Second")
    _post(teacher.client, first.id, "start")
    refused = _post(teacher.client, second.id, "start")
    page = teacher.client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "&#39;First&#39; is running in the &#39;home&#39; layer" in page
    assert _exp(database, "Second").state == "draft"


def test_everyone_but_educators_gets_404(teacher, viewer, kids_viewer, client, database):
    _create(teacher.client, "Private")
    exp_id = _exp(database, "Private").id
    for who in (viewer.client, kids_viewer.client, client):
        for url in ("/educator/experiments/live/", "/educator/experiments/live/new",
                    f"/educator/experiments/live/{exp_id}"):
            assert who.get(url).status_code == 404, url
        for action in ("start", "stop"):
            assert who.post(f"/educator/experiments/live/{exp_id}/{action}").status_code \
                in (400, 404)
        assert who.post("/educator/experiments/live/new", data={}).status_code in (400, 404)
    assert _exp(database, "Private").state == "draft"
    assert teacher.client.get("/educator/experiments/live/99999").status_code == 404
