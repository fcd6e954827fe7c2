"""A bad-input sweep over the URL map (issue 13): every route with each id replaced by huge,
negative, non-numeric, unicode-digit and NUL values, and every page with hostile query
parameters, GET and POST, signed in and out: never a server error, and nothing changes."""

from __future__ import annotations

import re

from tests.conftest import csrf_from
from tests.webapp.test_security import _snapshot

BAD_IDS = ["99999999999999999999", str(2**31), str(2**63), "0", "-1", "²", "٣", "1e3", "%00",
           "9" * 400]
BAD_VALUES = ["9223372036854775807", "-1", "²", "٣", "%00", "abc", "1.5", "9" * 400, ""]
QUERY_NAMES = ("offset", "page", "decade", "season", "number", "q", "genre", "mood", "language",
               "sort", "kind", "title", "modal", "start")


def _urls(app, value: str) -> list[tuple[str, set[str]]]:
    """Every rule with arguments, each argument replaced by `value` (as raw URL text)."""
    out = []
    for rule in app.url_map.iter_rules():
        if not rule.arguments or rule.endpoint == "static":
            continue
        url = re.sub(r"<(?:[a-z]+:)?[a-z_]+>", value, rule.rule)
        out.append((url, set(rule.methods) - {"HEAD", "OPTIONS"}))
    return out


def test_no_id_in_any_route_gives_a_server_error(app, viewer, database):
    before = _snapshot(database)
    token = csrf_from(viewer.client.get("/profiles/"))
    anonymous = app.test_client()
    seen = 0
    for value in BAD_IDS:
        for url, methods in _urls(app, value):
            for method in methods:
                r = viewer.client.open(url, method=method, data={"csrf_token": token})
                assert r.status_code < 500, (method, url, r.status_code)
                seen += 1
            assert anonymous.get(url).status_code < 500, url
    assert seen > 200
    assert _snapshot(database) == before


def test_no_query_parameter_gives_a_server_error(app, viewer, database, film):
    before = _snapshot(database)
    token = csrf_from(viewer.client.get("/profiles/"))
    pages = ["/home", "/browse/", "/search/", "/welcome/", "/history/", "/my-list",
             f"/title/{film.id}", f"/art/{film.id}/still.svg", "/educator/", "/models/"]
    for value in BAD_VALUES:
        query = "&".join(f"{name}={value}" for name in QUERY_NAMES)
        for page in pages:
            r = viewer.client.get(f"{page}?{query}")
            assert r.status_code < 500, (page, value, r.status_code)
        r = viewer.client.post(f"/welcome/toggle/{film.id}?offset={value}",
                               data={"csrf_token": token})
        assert r.status_code < 500, value
        r = viewer.client.post("/welcome/done", data={"csrf_token": token, "genre": value})
        assert r.status_code < 500, value
    assert {k: v for k, v in _snapshot(database).items()
            if k not in ("taste_picks", "favourite_genres", "profiles")} == \
        {k: v for k, v in before.items()
         if k not in ("taste_picks", "favourite_genres", "profiles")}
