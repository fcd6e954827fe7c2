"""Accounts and sessions: hashing, enumeration-safe errors, rotation, epochs, next, limits."""

import re
from urllib.parse import urlsplit

from core import accounts, mail
from core.models import Account
from tests.conftest import TEST_NOW, csrf_from, soup
from tests.webapp.conftest import PASSWORD, login, make_account


def test_passwords_are_hashed_with_argon2id_above_owasp_minimums(database):
    with database.write() as s:
        account = accounts.create_account(s, "h@example.com", "x" * 8, TEST_NOW)
    assert account.password_hash.startswith("$argon2id$")
    params = dict(p.split("=") for p in account.password_hash.split("$")[3].split(","))
    assert int(params["m"]) >= 19 * 1024 and int(params["t"]) >= 2 and int(params["p"]) >= 1


def test_long_passwords_are_accepted_and_not_truncated(database):
    long_password = "p" * 100
    with database.write() as s:
        accounts.create_account(s, "long@example.com", long_password, TEST_NOW)
    with database.read() as s:
        assert accounts.authenticate(s, "long@example.com", long_password) is not None
        assert accounts.authenticate(s, "long@example.com", long_password[:72]) is None


def signup(client, email: str, password: str = "longenough1"):
    token = csrf_from(client.get("/signup"))
    return client.post("/signup", data={"email": email, "password": password,
                                        "csrf_token": token})


def mailed_link(database, to: str) -> str:
    """The path of the newest link mailed to `to` (the simulated outbox)."""
    with database.read() as s:
        body = mail.recent(s, to, limit=1)[0].body
    url = re.search(r"https?://\S+", body).group(0)
    return urlsplit(url).path


def test_signup_mails_a_link_that_confirms_the_account_and_signs_in(client, database):
    r = signup(client, "New@Example.com")
    assert r.status_code == 200
    assert soup(r).select_one("h1").get_text() == "Check your e-mail"
    with database.read() as s:
        account = s.query(Account).filter_by(email="new@example.com").one()
        assert account.email_confirmed_at is None
    # Not before the link: the right password gets a clear message, nothing else.
    r = login(client, "new@example.com", "longenough1")
    assert r.status_code == 403 and "Confirm your e-mail" in r.get_data(as_text=True)
    link = mailed_link(database, "new@example.com")
    page = client.get(link)
    assert page.status_code == 200  # a button: a prefetched link changes nothing
    with database.read() as s:
        assert s.query(Account).filter_by(email="new@example.com").one().email_confirmed_at is None
    r = client.post(link, data={"csrf_token": csrf_from(page)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/profiles/new")
    assert client.get("/profiles/new").status_code == 200  # signed in
    with database.read() as s:
        assert s.query(Account).filter_by(email="new@example.com").one().email_confirmed_at
    assert login(app_client(client), "new@example.com", "longenough1").status_code == 302


def app_client(client):
    return client.application.test_client()


def test_signup_does_not_tell_whether_an_address_has_an_account(client, database, monkeypatch):
    """Issue 13: "An account with this e-mail already exists" (6.5 ms) against a new account
    (67 ms) told who has one. Now both get the same page after the same hashing; only the
    address's owner learns, by mail, which it was."""
    make_account(database, "taken@example.com")
    hashes = []
    real = accounts.hash_secret
    monkeypatch.setattr(accounts, "hash_secret", lambda secret: hashes.append(1) or real(secret))
    taken = signup(app_client(client), "taken@example.com", "another password 1")
    fresh = signup(app_client(client), "free@example.com", "another password 1")
    assert taken.status_code == fresh.status_code == 200
    card = [soup(r).select_one(".auth-card").get_text(" ", strip=True)
            .replace("taken@example.com", "ADDRESS").replace("free@example.com", "ADDRESS")
            for r in (taken, fresh)]
    assert card[0] == card[1]
    assert len(hashes) == 2  # one argon2 hash each
    with database.read() as s:
        notice = mail.recent(s, "taken@example.com")
        assert [m.subject for m in notice] == ["Someone tried to sign up with your address"]
        assert [m.subject for m in mail.recent(s, "free@example.com")] == [
            "Confirm your StreamSim account"]
    # The existing account's password is untouched.
    assert login(app_client(client), "taken@example.com").status_code == 302


def test_a_newer_signup_voids_the_older_link(client, database):
    """Someone else signing up first with your address cannot keep the account: signing up
    again replaces the password, and the first link (which carries the old password's
    fingerprint) stops working."""
    signup(app_client(client), "twice@example.com", "first password 1")
    first = mailed_link(database, "twice@example.com")
    signup(app_client(client), "twice@example.com", "second password 2")
    second = mailed_link(database, "twice@example.com")
    assert first != second
    c = app_client(client)
    r = c.post(first, data={"csrf_token": csrf_from(c.get(second))})
    assert r.status_code == 400
    r = c.post(second, data={"csrf_token": csrf_from(c.get(second))})
    assert r.status_code == 302
    assert login(app_client(client), "twice@example.com", "first password 1").status_code == 401
    assert login(app_client(client), "twice@example.com", "second password 2").status_code == 302


def test_a_forged_or_garbled_link_is_a_clear_400(client, database):
    for token in ("nonsense", "W1sxXQ.abc.def", "x" * 300):
        r = client.get(f"/signup/confirm/{token}")
        assert r.status_code == 400
        assert soup(r).select_one("h1").get_text() == "This link does not work"


def test_the_simulated_mailbox_is_hidden_in_production(settings, database, client):
    from webapp import create_app

    assert client.get("/mail/").status_code == 200
    production = create_app(settings.with_(env="production", secret_key="s" * 40), database)
    assert production.test_client().get("/mail/").status_code == 404


def test_signup_rejects_short_passwords_and_stores_nothing(client, database):
    token = csrf_from(client.get("/signup"))
    r = client.post("/signup", data={"email": "a@example.com", "password": "short",
                                     "csrf_token": token})
    assert r.status_code == 400
    assert soup(r).select_one(".error").get_text(strip=True).startswith("Use 8")
    with database.read() as s:
        assert s.query(Account).count() == 0


def test_login_errors_do_not_reveal_whether_the_email_exists(client, database):
    make_account(database, "known@example.com")
    wrong_password = login(client, "known@example.com", "not the password")
    unknown_email = login(client, "nobody@example.com", "not the password")
    assert wrong_password.status_code == unknown_email.status_code == 401
    msg = lambda r: soup(r).select_one(".form-errors").get_text(strip=True)  # noqa: E731
    assert msg(wrong_password) == msg(unknown_email)


def test_login_rotates_the_session(client, database):
    make_account(database, "rot@example.com")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    assert login(client, "rot@example.com").status_code == 302
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_user_id"].endswith(":0")


def test_logout_makes_the_old_session_cookie_useless(app, database):
    make_account(database, "out@example.com")
    client = app.test_client()
    login(client, "out@example.com")
    stolen = client.get_cookie("streamsim_session").value
    token = csrf_from(client.get("/profiles/"))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("streamsim_session", stolen)
    r = thief.get("/profiles/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_password_change_signs_out_other_sessions(app, database):
    make_account(database, "pw@example.com")
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, "pw@example.com"), login(phone, "pw@example.com")
    token = csrf_from(laptop.get("/account/"))
    r = laptop.post("/account/", data={"current": PASSWORD, "new": "a brand new secret",
                                       "csrf_token": token})
    assert r.status_code == 302
    assert laptop.get("/profiles/").status_code == 200
    assert "/login" in phone.get("/profiles/").headers["Location"]


def test_session_cookie_flags(client, database):
    make_account(database, "c@example.com")
    r = login(client, "c@example.com")
    cookie = r.headers.getlist("Set-Cookie")[-1]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookie_under_production_config(settings, database):
    from webapp import create_app

    app = create_app(settings.with_(env="production", secret_key="s" * 40), database)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.debug is False


def test_next_only_redirects_to_same_host_paths(client, database):
    make_account(database, "n@example.com")
    for target, expected in [("/browse/?genre=drama", "/browse/?genre=drama"),
                             ("//evil.example/x", "/profiles/"),
                             ("https://evil.example/", "/profiles/"),
                             ("/\\evil.example", "/profiles/")]:
        c = client.application.test_client()
        token = csrf_from(c.get("/login"))
        r = c.post("/login", data={"email": "n@example.com", "password": PASSWORD,
                                   "next": target, "csrf_token": token})
        assert r.headers["Location"] == expected, target


def test_simulated_accounts_cannot_log_in(client, database):
    with database.write() as s:
        account = accounts.create_account(s, "sim@example.com", PASSWORD, TEST_NOW)
        account.is_simulated = True
    assert login(client, "sim@example.com").status_code == 401


def test_login_is_rate_limited_per_ip_and_per_email(settings, database):
    from webapp import create_app

    app = create_app(settings.with_(rate_limit_login="3 per minute"), database)
    make_account(database, "rl@example.com")
    client = app.test_client()
    codes = [login(client, "rl@example.com", "wrong password").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    limited = login(client, "rl@example.com", "wrong password")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    # Per e-mail: another IP hitting the same address is limited too.
    other_ip = app.test_client()
    token = csrf_from(other_ip.get("/login", environ_base={"REMOTE_ADDR": "10.9.9.9"}))
    r = other_ip.post("/login", data={"email": "rl@example.com", "password": "x" * 9,
                                      "csrf_token": token},
                      environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert r.status_code == 429


def test_the_demo_login_is_shown_whole_on_the_login_page(settings, database):
    from dataclasses import replace

    from webapp import create_app

    demo = replace(settings, env="development", demo=True)
    page = soup(create_app(demo, database).test_client().get("/login"))
    codes = [c.get_text() for c in page.select(".demo-login code")]
    assert codes == [demo.demo_email, demo.demo_password]
    # That it never breaks mid-word is checked in Chromium (tests/browser/test_ui_fixes.py).
