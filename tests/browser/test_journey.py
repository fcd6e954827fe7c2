"""A new visitor's journey in real Chromium, with screenshots and an accessibility check."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from core.models import Title
from tests.browser.conftest import (
    lazy_rows_settled,
    open_page,
    shot,
    wait_for_animations,
    wait_for_revealed_rows,
)


def axe_serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def sign_up(page, email: str) -> None:
    """Sign up as a person does: the form, "check your e-mail", the link in the simulated
    mailbox, the confirm button, then profile creation."""
    page.goto("/signup")
    page.fill("#email", email)
    page.fill("#password", "a long enough passphrase")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Check your e-mail")
    page.click("text=simulated mailbox")
    message = page.locator(".mail-message", has_text="Confirm your StreamSim account").first
    message.locator("a").first.click()
    expect(page.locator("h1")).to_have_text("Confirm your account")
    page.click("button:has-text('Confirm and sign in')")
    expect(page).to_have_url(re.compile(r"/profiles/new$"))


def create_profile(page, name: str, kids: bool = False) -> None:
    page.goto("/profiles/new")
    page.fill("#name", name)
    if kids:
        page.check("#is_kids")
        page.select_option("#maturity_limit", "7")
    page.click("button[type=submit]:has-text('Continue')")
    expect(page).to_have_url(re.compile(r"/welcome/$"))


def pick_three(page) -> None:
    for i in range(3):
        page.locator("form.pick:not(.is-picked) button").first.click()
        expect(page.locator("form.pick.is-picked")).to_have_count(i + 1)
    continue_button = page.locator("#onboarding-continue")
    expect(continue_button).to_be_enabled()
    continue_button.click()
    expect(page).to_have_url(re.compile(r"/home$"))


def onboarded(page, email: str, name: str) -> None:
    """A new viewer through the pages: signed up, a first profile added and three titles
    picked, ending on the home page."""
    sign_up(page, email)
    create_profile(page, name)
    pick_three(page)


def test_sign_up_onboard_browse_search_and_kids(page, live_server):
    sign_up(page, "journey@example.com")
    create_profile(page, "Jules")
    expect(page.locator("form.pick")).to_have_count(40)
    expect(page.locator("#onboarding-continue")).to_be_disabled()
    shot(page, "onboarding")
    pick_three(page)

    # Home: billboard and rows, lazy rows load on scroll.
    expect(page.locator(".billboard h1")).to_be_visible()
    expect(page.locator("section.row[data-row]").first).to_be_visible()
    assert page.locator("section.row[data-row]").count() >= 3
    shot(page, "home")
    placeholders = lazy_rows_settled(page)
    page.mouse.wheel(0, 2500)
    expect(page.locator("section.row--loading").first).to_have_count(1)
    wait_for_revealed_rows(page, placeholders)
    assert page.locator("section.row[data-row]").count() > 3
    shot(page, "home-scrolled", full_page=False)
    page.evaluate("window.scrollTo(0, 0)")

    # The title modal over the home page, closed with Escape.
    page.locator("section.row[data-row] .card__link").first.click()
    dialog = page.locator("[role=dialog]")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#title-heading")).not_to_be_empty()
    wait_for_animations(page, "#modal-root")  # the backdrop's fade and the dialog's rise
    shot(page, "title-modal")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)

    # Search as you type.
    page.goto("/search/")
    page.fill("#search-q", "the")
    expect(page.locator("#search-results [data-title-id]").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=the"))
    shot(page, "search")
    page.fill("#search-q", "zzqxjv")
    expect(page.locator("#search-results .empty-state")).to_contain_text("No results for")

    page.goto("/browse/?genre=drama")
    expect(page.locator("#browse-grid [data-title-id]").first).to_be_visible()
    shot(page, "browse")
    assert page.console_errors == [], page.console_errors

    # A kids profile never shows a mature title.
    create_profile(page, "Kiddo", kids=True)
    pick_three(page)
    placeholders = lazy_rows_settled(page)
    page.mouse.wheel(0, 4000)
    wait_for_revealed_rows(page, placeholders)  # their titles are checked too
    _, database = live_server
    with database.read() as s:
        mature = set(s.scalars(select(Title.id).where(Title.maturity_age > 7)))
    shown = {int(x) for x in page.locator("[data-title-id]").evaluate_all(
        "els => els.map(e => e.dataset.titleId)")}
    assert shown and not shown & mature
    shot(page, "home-kids")


def test_main_pages_have_no_serious_accessibility_violations(page, live_server):
    sign_up(page, "a11y@example.com")
    create_profile(page, "Ada")
    assert axe_serious(page) == []
    pick_three(page)
    failures = {}
    for url in ("/home", "/browse/", "/search/?q=love", "/profiles/"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        found = axe_serious(page)
        if found:
            failures[url] = found
    page.goto("/home")
    title_url = page.locator(".card__link").first.get_attribute("href")
    page.goto(title_url)
    if found := axe_serious(page):
        failures[title_url] = found
    assert failures == {}


def test_everything_works_by_keyboard(page, live_server):
    onboarded(page, "keys@example.com", "Kay")
    # Tab from the top reaches the first card; arrows move along the row; Enter opens it.
    first_card = page.locator("section.row[data-row] .card__link").first
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('card__link')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('card__link')")
    first_id = page.evaluate("document.activeElement.closest('[data-title-id]').dataset.titleId")
    page.keyboard.press("ArrowRight")
    second_id = page.evaluate("document.activeElement.closest('[data-title-id]').dataset.titleId")
    assert first_id != second_id
    page.keyboard.press("Enter")
    expect(page.locator("[role=dialog]")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("[role=dialog]")).to_have_count(0)
    assert first_card.count() == 1


def test_phone_width_layout(browser, live_server):
    page = open_page(browser, live_server, 390, 844, phone=True)
    context = page.context
    sign_up(page, "phone@example.com")
    create_profile(page, "Pho")
    shot(page, "phone-onboarding")
    pick_three(page)
    # About 2.5 cards visible in a row; nothing wider than the screen.
    width = page.evaluate("document.querySelector('.row__item').getBoundingClientRect().width")
    assert 390 / 3.2 < width < 390 / 2.0
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    shot(page, "phone-home")
    # No page is wider than the phone: poster grids, the title page's hero and its
    # "More like this" grid once overflowed to 480-640 px.
    title = page.locator(".row a[href^='/title/']").first.get_attribute("href")
    for path in (title, "/browse/", "/browse/?kind=film", "/search/?q=the", "/history/",
                 "/my-list", "/account/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    shot(page, "phone-title-grid")
    context.close()
