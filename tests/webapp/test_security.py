"""Headers, CSRF on every unsafe route, XSS payloads rendered inert, access control over
app.url_map, and the kids limit on every route that takes a title."""

import re

import pytest
from sqlalchemy import func, select

from core.models import Person, Profile, Rating, Title
from tests.conftest import csrf_from, soup
from tests.webapp.conftest import make_account

XSS = '"><svg onload=alert(1)>'
PARAM_VALUES = {"variant": 0, "key": "trending", "run_id": 1, "metric": "coverage",
                "token": "not-a-signed-token", "slug": "a-design", "classroom_id": 1, "exp_id": 1,
                "name": "ratings", "fmt": "csv"}


def _url(rule, **ids):
    values = {arg: ids.get(arg, PARAM_VALUES.get(arg)) for arg in rule.arguments}
    from flask import url_for

    return url_for(rule.endpoint, **values)


def first_title_id(database) -> int:
    with database.read() as s:
        return s.scalar(select(func.min(Title.id)))


def _rules(app, method):
    skip = {"static", "assets.htmx_js"}
    return [r for r in app.url_map.iter_rules() if method in r.methods and r.endpoint not in skip]


def test_security_headers_and_csp_on_html(viewer):
    r = viewer.client.get("/home")
    csp = r.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'",
                      "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"]
    assert r.headers["Cache-Control"] == "no-store"


def test_no_inline_scripts_and_htmx_eval_off(viewer):
    page = soup(viewer.client.get("/home"))
    for script in page.find_all("script"):
        assert script.get("src") and not script.string
    for tag in page.find_all(True):
        assert not any(a.startswith("on") for a in tag.attrs), tag.name
    config = page.find("meta", attrs={"name": "htmx-config"})["content"]
    assert '"allowEval": false' in config


def test_htmx_is_served_by_the_app(client):
    r = client.get("/static/vendor/htmx.min.js")
    assert r.status_code == 200 and b"htmx" in r.data[:2000]
    assert r.mimetype == "text/javascript"


def test_every_unsafe_route_requires_a_csrf_token(app, viewer, database):
    with app.test_request_context():
        rules = _rules(app, "POST")
        assert rules, "no POST routes found"
        title_id = first_title_id(database)
        for rule in rules:
            url = _url(rule, profile_id=viewer.profile_id, title_id=title_id)
            r = viewer.client.post(url, data={"value": "1", "action": "add"})
            assert r.status_code == 400, (rule.rule, r.status_code)
            # htmx requests are checked too (with a wrong header token).
            r = viewer.client.post(url, data={"value": "1"},
                                   headers={"HX-Request": "true", "X-CSRFToken": "forged"})
            assert r.status_code == 400, rule.rule
    with database.read() as s:
        assert s.scalar(select(func.count()).select_from(Rating)) == 0


def test_htmx_requests_with_the_body_header_token_pass(viewer, database):
    page = viewer.client.get("/home")
    token = re.search(r'"X-CSRFToken": "([^"]+)"', soup(page).body["hx-headers"]).group(1)
    title_id = first_title_id(database)
    r = viewer.client.post(f"/title/{title_id}/rating", data={"value": "2"},
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    assert r.status_code == 200


# GET pages may log what they showed and what was searched (the analytics' raw data); nothing
# else may change.
GET_LOGS = {"impressions", "search_queries"}


def _snapshot(database) -> dict[str, int]:
    """Every table's rows, hashed (order-independent), except the GET logs."""
    from core.models import Base

    out = {}
    with database.read() as s:
        for table in Base.metadata.sorted_tables:
            if table.name not in GET_LOGS:
                rows = s.execute(select(table)).all()
                out[table.name] = hash(frozenset(map(tuple, rows)))
    return out


def test_no_route_changes_state_on_get(app, viewer, database):
    before = _snapshot(database)
    statuses = {}
    with app.test_request_context():
        title_id = first_title_id(database)
        for rule in _rules(app, "GET"):
            url = _url(rule, profile_id=viewer.profile_id, title_id=title_id, person_id=1)
            statuses[rule.rule] = viewer.client.get(url).status_code
    assert len(statuses) > 20
    assert {rule: code for rule, code in statuses.items() if code >= 500} == {}
    changed = {name for name, digest in _snapshot(database).items() if before[name] != digest}
    assert changed == set()


def test_xss_payload_in_profile_name_and_search_renders_inert(make_viewer):
    v = make_viewer("x@example.com", profiles=({"name": XSS},))
    for url in ("/profiles/", "/home", f"/search/?q={XSS}"):
        r = v.client.get(url)
        html = r.get_data(as_text=True)
        assert "<svg onload" not in html, url
        assert soup(r).find("svg", attrs={"onload": True}) is None
    assert "&lt;svg onload=alert(1)&gt;" in v.client.get("/profiles/").get_data(as_text=True)


def test_error_pages_are_generic(viewer):
    r = viewer.client.get("/title/999999999")
    assert r.status_code == 404
    text = r.get_data(as_text=True)
    assert "Traceback" not in text and "sqlalchemy" not in text.lower()


def test_access_control_matrix_over_the_url_map(app, make_viewer, database):
    """Every route that takes a profile id gives 404 for another account's profile."""
    mallory = make_viewer("mallory@example.com")
    _, (victim_profile,) = make_account(database, "victim@example.com")
    covered = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "profile_id" not in rule.arguments:
                continue
            url = _url(rule, profile_id=victim_profile)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                token = csrf_from(mallory.client.get("/profiles/"))
                r = mallory.client.open(url, method=method, data={"csrf_token": token})
                assert r.status_code == 404, (method, rule.rule, r.status_code)
                covered.append(rule.endpoint)
    assert {"profiles.select", "profiles.edit", "profiles.delete"} <= set(covered)
    with database.read() as s:
        assert s.get(Profile, victim_profile) is not None


def test_anonymous_visitors_are_sent_to_login_everywhere(app, client, database):
    public = {"auth.login", "auth.signup", "auth.confirm", "auth.index", "health.healthz",
              "static", "mail.index",
              "events.openapi",
              "assets.htmx_js"}
    with app.test_request_context():
        title_id = first_title_id(database)
        for rule in _rules(app, "GET"):
            if rule.endpoint in public:
                continue
            r = client.get(_url(rule, profile_id=1, title_id=title_id, person_id=1))
            assert r.status_code in (302, 404), rule.rule
            if r.status_code == 302:
                assert "/login" in r.headers["Location"], rule.rule


@pytest.fixture
def mature_title(database):
    with database.read() as s:
        return s.scalar(select(Title).where(Title.maturity_age >= 16).order_by(Title.id))


def test_kids_profile_gets_404_for_mature_titles_on_every_title_route(app, kids_viewer,
                                                                      mature_title):
    c = kids_viewer.client
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "title_id" not in rule.arguments:
                continue
            url = _url(rule, title_id=mature_title.id)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                token = csrf_from(c.get("/home"))
                r = c.open(url, method=method, data={"csrf_token": token, "value": "1",
                                                     "action": "add"})
                assert r.status_code == 404, (method, rule.rule, r.status_code)


def test_kids_profile_never_sees_a_mature_title_anywhere(kids_viewer, database):
    with database.read() as s:
        mature = set(s.scalars(select(Title.id).where(Title.maturity_age > 7)))
        mature_names = {t.name for t in s.scalars(select(Title).where(Title.maturity_age > 7))}
        person = s.scalar(select(Person).order_by(Person.id))
    c = kids_viewer.client
    pages = ["/home", "/browse/", "/browse/?sort=newest", "/browse/?page=2",
             "/search/?q=the", "/search/?q=a", "/welcome/", "/browse/my-list",
             f"/people/{person.id}"]
    pages += [f"/home/rows/{key}" for key in ("trending", "top10-film", "top10-series", "new")]
    seen = 0
    for url in pages:
        r = c.get(url)
        ids = {int(a["data-title-id"]) for a in soup(r).select("[data-title-id]")}
        seen += len(ids)
        assert not ids & mature, url
    assert seen > 20
    # Even a suggestive search for a mature title's exact name finds nothing mature.
    name = sorted(mature_names)[0]
    r = c.get("/search/", query_string={"q": name})
    assert not {int(a["data-title-id"]) for a in soup(r).select("[data-title-id]")} & mature


def test_a_nul_character_anywhere_is_a_400_and_changes_nothing(app, viewer, database):
    """PostgreSQL cannot store a NUL; the site refuses it the same way on every database."""
    before = _snapshot(database)
    for url in ("/search/?q=a%00b", "/browse/?genre=dr%00ama", "/browse/?mood=%00",
                "/home?x%00=1"):
        assert viewer.client.get(url).status_code == 400, url
    token = csrf_from(viewer.client.get("/profiles/"))
    r = viewer.client.post("/profiles/new", data={"csrf_token": token, "name": "Ev\x00e"})
    assert r.status_code == 400
    anonymous = app.test_client()
    token = csrf_from(anonymous.get("/login"))
    r = anonymous.post("/login", data={"csrf_token": token, "email": "a\x00@example.com",
                                       "password": "whatever-long-enough"})
    assert r.status_code == 400
    assert _snapshot(database) == before


def test_a_lost_database_gives_the_sites_own_503_pages_and_the_documented_api_answer(
        tmp_path, settings):
    """The error path needs no database: with the database gone, a page is the site's own
    error page (every security header, Retry-After) and the events API answers 503 with
    Retry-After, as its OpenAPI document says."""
    from core.db import Database
    from core.migrate import upgrade
    from simulator.catalog.generate import generate_catalog
    from tests.conftest import TEST_NOW
    from tests.webapp.conftest import login, make_account, select_profile
    from webapp import create_app

    path = tmp_path / "lost.sqlite3"
    own = settings.with_(database_url=f"sqlite:///{path}", instance_dir=tmp_path,
                         model_dir=tmp_path / "models")
    upgrade(own)
    database = Database(own)
    with database.session() as s:
        generate_catalog(s, 12, 3, TEST_NOW)
    _, (profile_id,) = make_account(database, "lost@example.com")
    app = create_app(own, database)
    client = app.test_client()
    assert login(client, "lost@example.com").status_code == 302
    assert select_profile(client, profile_id).status_code == 302
    csrf = csrf_from(client.get("/profiles/"))
    database.engine.dispose()
    path.unlink()  # the database is gone (a new, empty file would be made on connect)
    page = client.get("/home")
    assert page.status_code == 503 and page.headers["Retry-After"]
    assert "reach our database" in page.get_data(as_text=True)
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"):
        assert header in page.headers, header
    api = client.post("/api/playback/events", headers={"X-CSRFToken": csrf},
                      json={"event_id": "3f1c6d5e-8a4b-4c2d-9e0f-1a2b3c4d5e6f", "type": "start",
                            "title_id": 1, "position_s": 0, "client_time": "2026-11-01T00:00:00Z"})
    assert api.status_code == 503 and api.headers["Retry-After"] and api.is_json
    database.dispose()


def test_method_not_allowed_says_what_is(viewer, film):
    r = viewer.client.get(f"/title/{film.id}/rating")
    assert r.status_code == 405 and "POST" in r.headers["Allow"]


def test_hsts_in_production_only(app, settings, database, client):
    from webapp import create_app

    assert "Strict-Transport-Security" not in client.get("/login").headers
    production = create_app(settings.with_(env="production", secret_key="s" * 40), database)
    r = production.test_client().get("/login")
    assert r.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_wrong_pins_are_limited_per_profile_and_per_account(app, database):
    """Issue 13: a 4-digit PIN was found in 1,235 unthrottled tries. Now 5 wrong tries lock
    the profile and the account's other PINs (429 + Retry-After, the right PIN included);
    right PINs never count."""
    from tests.webapp.conftest import active_profile, login, make_account, select_profile

    _, (plain, locked, other) = make_account(database, "pins@example.com", profiles=(
        {"name": "Open"}, {"name": "Safe", "pin": "4321"}, {"name": "Also", "pin": "8765"}))
    c = app.test_client()
    login(c, "pins@example.com")
    for _ in range(10):  # right PINs never count
        assert select_profile(c, locked, pin="4321").status_code == 302
    for wrong in ("0000", "1111", "2222", "3333", "4444"):
        r = select_profile(c, locked, pin=wrong)
        assert r.status_code == 303 and r.headers["Location"].endswith("/profiles/")
    for pin in ("5555", "4321"):  # locked out, even with the right PIN
        r = select_profile(c, locked, pin=pin)
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
        # the plain error page: a client trying too fast costs no user lookup or navigation
        assert "topbar--bare" in r.text and "Slow down" in r.text
        assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert select_profile(c, other, pin="0000").status_code == 429  # the account's PINs
    assert select_profile(c, plain).status_code == 302  # an open profile is never throttled
    assert active_profile(c, database) == plain


def test_a_refused_try_waits_with_nothing_held(app, database, settings, monkeypatch):
    """Issue 13: six clients retrying refused PINs and passwords back to back took the CPU the
    players' events needed. A 429 from a rate limit now leaves after `refusal_stall_ms`, paused
    after the request's database work is over (no pooled connection checked out); answers that
    were not refused leave at once."""
    from tests.webapp.conftest import login, make_account, select_profile
    from webapp import errors

    assert settings.refusal_stall_ms > 0
    _, (_, locked) = make_account(database, "stall@example.com", profiles=(
        {"name": "Open"}, {"name": "Safe", "pin": "4321"}))
    stalls: list[tuple[float, int]] = []
    monkeypatch.setattr(errors.time, "sleep", lambda s: stalls.append(
        (s, database.engine.pool.checkedout())))
    c = app.test_client()
    login(c, "stall@example.com")
    for wrong in ("0000", "1111", "2222", "3333", "4444"):
        assert select_profile(c, locked, pin=wrong).status_code == 303
    assert stalls == []  # wrong tries inside the limit are answered at once
    assert select_profile(c, locked, pin="5555").status_code == 429
    assert stalls == [(settings.refusal_stall_ms / 1000, 0)]


def test_the_write_lock_is_free_while_a_password_or_pin_is_hashed(app, database, settings,
                                                                  monkeypatch):
    """Issue 13: wrong-PIN and wrong-password POSTs held SQLite's write lock through argon2
    (~60 ms each), so six PIN guessers cut event ingest ninefold. Every argon2 call a sign-in,
    sign-up, PIN check or password change makes must now leave the lock free: another
    connection can begin a write transaction at once (timeout 0) while it runs."""
    import sqlite3

    from core import accounts
    from tests.webapp.conftest import PASSWORD, login, make_account, select_profile

    if not settings.database_url.startswith("sqlite"):
        pytest.skip("the single write lock is SQLite's; PostgreSQL locks rows")
    path = settings.database_url.split("///", 1)[1]
    free: list[tuple[str, bool]] = []

    def probe(what: str) -> None:
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            free.append((what, True))
        except sqlite3.OperationalError:
            free.append((what, False))
        finally:
            other.close()

    verify, hash_ = accounts.verify_secret, accounts.hash_secret
    monkeypatch.setattr(accounts, "verify_secret",
                        lambda h, s: (probe("verify"), verify(h, s))[1])
    monkeypatch.setattr(accounts, "hash_secret", lambda s: (probe("hash"), hash_(s))[1])
    _, (safe,) = make_account(database, "lock@example.com", profiles=({"name": "S",
                                                                       "pin": "4321"},))
    free.clear()  # the fixture's own hashing happened outside any request
    c = app.test_client()
    assert login(c, "lock@example.com", "wrong password!").status_code == 401
    assert login(c, "nobody@example.com").status_code == 401
    assert login(c, "lock@example.com").status_code == 302
    assert select_profile(c, safe, pin="0000").status_code == 303
    assert select_profile(c, safe, pin="4321").status_code == 302
    token = csrf_from(c.get("/account/"))
    r = c.post("/account/", data={"csrf_token": token, "current": "not it at all",
                                  "new": "another horse battery", "confirm":
                                  "another horse battery"})
    assert r.status_code == 400
    r = c.post("/account/", data={"csrf_token": token, "current": PASSWORD,
                                  "new": "another horse battery", "confirm":
                                  "another horse battery"})
    assert r.status_code == 302
    fresh = app.test_client()
    token = csrf_from(fresh.get("/signup"))
    r = fresh.post("/signup", data={"csrf_token": token, "email": "new@example.com",
                                    "password": PASSWORD, "confirm": PASSWORD})
    assert r.status_code == 200
    assert len(free) >= 9 and all(ok for _, ok in free), free
    # ... and the password change and the sign-up were written.
    with database.read() as s:
        from core.models import Account
        assert s.scalar(select(Account.id).where(Account.email == "new@example.com"))
    assert login(app.test_client(), "lock@example.com", "another horse battery"
                 ).status_code == 302


def test_pin_lockouts_live_in_the_shared_redis_storage(settings, database, redis_url):
    """With STREAMSIM_RATE_LIMIT_STORAGE pointing at Redis (the production recipe), the wrong-PIN
    counts are kept there, not in one worker's memory: every gunicorn worker sees the same
    lockout. Clearing Redis (what a different worker's empty memory would be) lifts it."""
    import redis

    from tests.webapp.conftest import login, make_account, select_profile
    from webapp import create_app

    store = redis.Redis.from_url(redis_url)
    app = create_app(settings.with_(rate_limit_storage=redis_url), database)
    _, (safe,) = make_account(database, "redis@example.com",
                              profiles=({"name": "S", "pin": "4321"},))
    c = app.test_client()
    login(c, "redis@example.com")
    for wrong in ("0000", "1111", "2222", "3333", "4444"):
        assert select_profile(c, safe, pin=wrong).status_code == 303
    assert select_profile(c, safe, pin="4321").status_code == 429
    keys = [k.decode() for k in store.keys("*")]
    assert any(f"pin-profile:{safe}" in k for k in keys), keys
    # A second worker process is a second client of the same Redis: a fresh test client
    # of a fresh app (its own memory) is locked out too.
    other = create_app(settings.with_(rate_limit_storage=redis_url), database).test_client()
    login(other, "redis@example.com")
    assert select_profile(other, safe, pin="4321").status_code == 429
    store.flushdb()
    assert select_profile(other, safe, pin="4321").status_code == 302


def test_an_old_cookie_cannot_bring_back_a_profile_the_browser_left(app, database):
    """Issue 13: the profile choice lived only in the signed cookie, so a copy captured while
    the parent's profile was active brought it back after switching to a PIN-locked kids
    profile. The choice now lives in the browser's server-side record."""
    from tests.webapp.conftest import active_profile, login, make_account, select_profile

    _, (adult, kid) = make_account(database, "replay@example.com", profiles=(
        {"name": "Parent"}, {"name": "Kid", "is_kids": True, "maturity_limit": 7, "pin": "2468"}))
    c = app.test_client()
    login(c, "replay@example.com")
    assert select_profile(c, adult).status_code == 302
    cookie = app.config["SESSION_COOKIE_NAME"]
    captured = c.get_cookie(cookie).value  # while the parent's profile is active
    assert "kids" not in soup(c.get("/home")).body.get("class", [])
    assert select_profile(c, kid).status_code == 302
    c.set_cookie(cookie, captured)  # the old cookie comes back
    assert active_profile(c, database) == kid
    assert "kids" in soup(c.get("/home")).body["class"]  # still the kids home
    r = select_profile(c, adult)  # and leaving still needs the PIN
    assert r.status_code == 303 and r.headers["Location"].endswith("/profiles/")
    assert active_profile(c, database) == kid


def test_signing_out_ends_the_browser_records_and_old_cookies(app, database):
    """Sign-out forgets every browser of the account: a cookie copied before it is useless."""
    from core.models import BrowserSession
    from tests.webapp.conftest import login, make_account, select_profile

    account_id, (adult,) = make_account(database, "out@example.com")
    c = app.test_client()
    login(c, "out@example.com")
    select_profile(c, adult)
    captured = c.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    assert c.get("/home").status_code == 200
    with database.read() as s:
        assert s.scalar(select(func.count()).select_from(BrowserSession)
                        .where(BrowserSession.account_id == account_id)) == 1
    r = c.post("/logout", data={"csrf_token": csrf_from(c.get("/home"))})
    assert r.status_code == 302
    with database.read() as s:
        assert s.scalar(select(func.count()).select_from(BrowserSession)
                        .where(BrowserSession.account_id == account_id)) == 0
    c.set_cookie(app.config["SESSION_COOKIE_NAME"], captured)
    assert c.get("/home").headers["Location"].startswith("/login")
