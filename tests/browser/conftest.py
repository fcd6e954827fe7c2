"""Real Chromium through Playwright, against the app served on a free local port.

Uses Debian's Chromium (/usr/bin/chromium); never downloads a browser. Without it the browser
tests skip with the reason. Screenshots go to artifacts/ (ignored by git).
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from core.db import Database
from core.migrate import upgrade
from core.settings import Settings
from tests.conftest import TEST_NOW

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The real app with its own SQLite database and catalog (served by `live_server`)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    from simulator.catalog.generate import generate_catalog
    from webapp import create_app

    folder = tmp_path_factory.mktemp("live")
    settings = Settings(env="testing", database_url=f"sqlite:///{folder / 'live.sqlite3'}",
                        instance_dir=folder, rate_limit_login="1000 per minute")
    upgrade(settings)
    database = Database(settings)
    with database.session() as s:
        generate_catalog(s, 400, seed=5, now=TEST_NOW)
        s.commit()
    yield create_app(settings, database)
    database.dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    """The real app over HTTP: (base URL, its database)."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", live_app.extensions["streamsim.db"]
    server.shutdown()


@pytest.fixture(scope="session")
def browser(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def open_page(browser, live_server, width: int, height: int, *, phone: bool = False,
              storage_state=None):
    """A page in a new context on the live server (signed in if `storage_state` carries a
    session), its console errors collected in `page.console_errors` (close `page.context`
    when done)."""
    context = browser.new_context(base_url=live_server[0],
                                  viewport={"width": width, "height": height},
                                  is_mobile=phone, has_touch=phone, storage_state=storage_state)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.console_errors = errors
    return pg


def sign_in(page, email: str, password: str) -> None:
    """Sign in through the login form; lands on the profile picker."""
    import re

    from playwright.sync_api import expect

    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/profiles/"))


@pytest.fixture
def page(browser, live_server):
    pg = open_page(browser, live_server, 1280, 800)
    yield pg
    pg.context.close()


def shot(page, name: str, full_page: bool = False) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


# Waiting on what a test needs instead of sleeping a fixed time (issue 12).

def wait_for_animations(page, selector: str, timeout: float = 10_000) -> None:
    """Wait until every finite CSS animation or transition on `selector` and inside it has
    finished (an infinite one, a skeleton's shimmer say, never does and is not waited on)."""
    page.wait_for_function(
        """sel => { const el = document.querySelector(sel);
            return !!el && el.getAnimations({subtree: true}).every(a => a.playState !== 'running'
                || a.effect.getComputedTiming().endTime === Infinity); }""",
        arg=selector, timeout=timeout)


# htmx marks a lazy row it has revealed (and asked the server for) with data-hx-revealed; the
# answer replaces the whole placeholder (hx-swap="outerHTML").
_NO_REVEALED_ROW_LOADING = "!document.querySelector('section.row--loading[data-hx-revealed]')"


def lazy_rows_settled(page, timeout: float = 10_000) -> int:
    """Wait until no lazy row htmx has revealed is still loading; return how many lazy-row
    placeholders are left on the page."""
    page.wait_for_function(f"() => {_NO_REVEALED_ROW_LOADING}", timeout=timeout)
    return page.locator("section.row--loading").count()


def wait_for_revealed_rows(page, placeholders_before: int, timeout: float = 10_000) -> None:
    """After a scroll: wait until it revealed lazy rows (fewer placeholders than the
    `placeholders_before` counted by `lazy_rows_settled`) and every revealed row has loaded."""
    page.wait_for_function(
        f"""n => document.querySelectorAll('section.row--loading').length < n
            && {_NO_REVEALED_ROW_LOADING}""",
        arg=placeholders_before, timeout=timeout)


EDUCATOR_PASSWORD = "a long enough passphrase"


@pytest.fixture
def educator_page(request, browser, live_server, live_app, tmp_path, monkeypatch):
    """A signed-in educator's page (an account of the test's own); runs go to a folder of this
    test's and are carried out by the worker's own loop (`runs.work`) in a thread of the test
    server, since a subprocess would not know the test's database. Saved designs are removed
    afterwards: the live app is shared by the browser tests."""
    import dataclasses
    import re

    from core import accounts
    from simulator.studies import design, runs

    _, database = live_server
    email = f"{re.sub(r'[^a-z0-9]+', '-', request.node.name.lower())[:40]}@example.com"
    with database.write() as s:
        account = accounts.create_account(s, email, EDUCATOR_PASSWORD, TEST_NOW,
                                          role="educator")
        accounts.create_profile(s, account, TEST_NOW, name="Lena")
    settings = dataclasses.replace(live_app.config["STREAMSIM"], results_dir=tmp_path / "runs")
    monkeypatch.setitem(live_app.config, "STREAMSIM", settings)
    workers: list[threading.Thread] = []

    def launch(results_root):
        worker = threading.Thread(target=runs.work, args=(database, results_root, 1),
                                  daemon=True)
        worker.start()
        workers.append(worker)

    monkeypatch.setitem(live_app.extensions, "streamsim.launch", launch)
    page = open_page(browser, live_server, 1440, 900)
    sign_in(page, email, EDUCATOR_PASSWORD)
    yield page
    page.context.close()
    for worker in workers:
        worker.join(timeout=60)
    shutil.rmtree(design.designs_dir(settings.instance_dir), ignore_errors=True)
