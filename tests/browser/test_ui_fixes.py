"""What a new user hit (issue 12), checked where only a browser shows it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.models import Profile
from tests.browser.conftest import open_page, shot
from tests.browser.test_journey import create_profile, pick_three, sign_up


@pytest.fixture
def desktop(browser, live_server):
    page = open_page(browser, live_server, 1440, 900)
    yield page
    page.context.close()


def _boxes_overlap(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def test_the_first_profile_form_is_friendly(page):
    sign_up(page, "friendly@example.com")
    # The welcome toast does not cover the heading.
    toast, heading = page.locator(".flash").first, page.locator("h1")
    expect(toast).to_be_visible()
    assert not _boxes_overlap(toast.bounding_box(), heading.bounding_box())
    expect(page.locator("[data-lead]")).not_to_contain_text("another person")
    expect(page.locator("#maturity_limit")).to_have_value("18")
    # Each avatar shows the initial of the name being typed (never a stray "S").
    avatars = page.locator(".avatar-choice .avatar")
    page.locator("#name").press_sequentially("Juno")
    for i in range(avatars.count()):
        expect(avatars.nth(i)).to_have_text("J")
    assert page.console_errors == []


def test_header_search_is_live_and_both_boxes_stay_in_step(page):
    sign_up(page, "searcher@example.com")
    create_profile(page, "Sam")
    pick_three(page)
    # From home: typing in the header box brings up the search page, no Enter needed.
    with page.expect_request(lambda r: "/search/" in r.url and r.headers.get("hx-request")):
        page.locator("#top-search").press_sequentially("the")
    expect(page).to_have_url(re.compile(r"/search/\?q=the$"))
    expect(page.locator("#search-results [data-title-id]").first).to_be_visible()
    expect(page.locator("#search-q")).to_have_value("the")
    expect(page.locator("#top-search")).to_be_focused()
    assert "page-search" in page.locator("body").get_attribute("class")
    # On the search page, either box updates the results in place (no page load).
    page.evaluate("window.__samePage = true")
    with page.expect_response(lambda r: "q=zzqxjv" in r.url):
        page.locator("#top-search").fill("zzqxjv")
    expect(page.locator("#search-results .empty-state")).to_contain_text("No results for")
    expect(page.locator("#search-q")).to_have_value("zzqxjv")
    page.locator("#search-q").fill("love")
    expect(page.locator("#search-results .result-count")).to_contain_text("love")
    expect(page.locator("#top-search")).to_have_value("love")
    expect(page).to_have_url(re.compile(r"q=love"))
    assert page.evaluate("window.__samePage === true")
    assert page.console_errors == []


def test_deleting_a_profile_asks_first(page, live_server):
    _, database = live_server
    sign_up(page, "deleter@example.com")
    create_profile(page, "Keeper")
    create_profile(page, "Goner")
    page.goto("/profiles/?manage=1")
    page.click("a[aria-label='Edit Goner']")
    page.click("a[data-delete-profile]")
    expect(page.locator("h1")).to_have_text("Delete Goner?")
    with database.read() as s:
        assert s.scalar(select(Profile.id).where(Profile.name == "Goner")) is not None
    page.click("text=Keep it")
    expect(page).to_have_url(re.compile(r"/profiles/\d+/edit$"))
    page.click("a[data-delete-profile]")
    page.click("button[data-confirm-delete]")
    expect(page).to_have_url(re.compile(r"/profiles/\?manage=1$"))
    expect(page.locator(".profile-tile__name", has_text="Goner")).to_have_count(0)
    with database.read() as s:
        assert s.scalar(select(Profile.id).where(Profile.name == "Goner")) is None


def test_phone_width_pages_fit_and_the_nav_hints_at_more(browser, live_server):
    page = open_page(browser, live_server, 375, 812, phone=True)
    context = page.context
    # A long address once made /account/ 430 px wide.
    sign_up(page, "a.rather.long.address.for.a.phone@example-school.example.org")
    create_profile(page, "Pip")
    pick_three(page)
    fits = "document.scrollingElement.scrollWidth <= window.innerWidth"
    for path in ("/account/", "/search/?q=love", "/home"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate(fits), path
    nav = page.locator(".topnav")
    assert nav.evaluate("n => n.scrollWidth > n.clientWidth")  # it scrolls sideways...
    mask = nav.evaluate("n => getComputedStyle(n).webkitMaskImage || getComputedStyle(n).maskImage")
    assert "gradient" in mask  # ...and fades at the edge to say so
    nav.evaluate("n => { n.scrollLeft = n.scrollWidth; }")
    expect(nav).to_have_class(re.compile(r"is-scrolled-end"))
    # Card metadata wraps inside the card instead of being cut off.
    page.goto("/search/?q=love")
    overflowing = page.locator(".poster-grid .card").evaluate_all("""cards => cards.filter(c => {
        const m = c.querySelector('.card__meta');
        return m && m.scrollWidth > m.clientWidth + 1; }).length""")
    assert overflowing == 0
    shot(page, "phone-search-375")
    context.close()


def test_home_fits_its_first_row_and_deep_links_open_the_title(desktop):
    page = desktop
    sign_up(page, "deeplink@example.com")
    create_profile(page, "Dee")
    pick_three(page)
    first_row = page.locator("section.row[data-row]").first
    card = first_row.locator(".card__link").first
    assert card.bounding_box()["y"] + card.bounding_box()["height"] <= 900
    expect(page.locator("footer.site-footer")).to_contain_text("StreamSim — a teaching lab")

    # Opening a card pushes /home?title=N; a reload reopens it; closing returns to /home.
    title_id = card.locator("xpath=ancestor::article[1]").get_attribute("data-title-id")
    card.click()
    dialog = page.locator("[role=dialog]")
    expect(dialog).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/home\?title={title_id}$"))
    page.reload()
    expect(dialog).to_be_visible()
    expect(dialog.locator("#title-heading")).not_to_be_empty()
    assert page.locator("#modal-root").get_by_role("banner").count() == 0
    expect(page.get_by_role("banner")).to_have_count(1)  # only the page's own top bar
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/home$"))
    assert page.console_errors == []


def test_a_kids_profile_looks_like_one(desktop):
    page = desktop
    sign_up(page, "kidslook@example.com")
    create_profile(page, "Grown")
    pick_three(page)
    adult_accent = page.evaluate("getComputedStyle(document.body).getPropertyValue('--accent')")
    assert "kids" not in (page.locator("body").get_attribute("class") or "")
    create_profile(page, "Tiny", kids=True)
    pick_three(page)
    expect(page.locator("body")).to_have_class(re.compile(r"\bkids\b"))
    kids_accent = page.evaluate("getComputedStyle(document.body).getPropertyValue('--accent')")
    assert kids_accent.strip() != adult_accent.strip()
    radius = page.locator("section.row .card__link").first.evaluate(
        "a => parseFloat(getComputedStyle(a).borderTopLeftRadius)")
    assert radius >= 12
    # No "Manage profiles" for a kids profile, in the menu or on the picker.
    page.click(".profile-menu summary")
    expect(page.locator(".profile-menu__panel a", has_text="Manage profiles")).to_have_count(0)
    page.goto("/profiles/")
    expect(page.locator("a", has_text="Manage profiles")).to_have_count(0)
    shot(page, "kids-profiles")


def test_the_demo_password_never_breaks_mid_word(page):
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto("/login")
    # The live app is not in demo mode: put the demo box in as the template writes it.
    page.evaluate("""() => {
        const aside = document.createElement('aside');
        aside.className = 'demo-login';
        aside.innerHTML = '<p><code>demo@streamsim.local</code> / '
            + '<code>watch-something-good</code></p>';
        document.querySelector('.auth-card h1').after(aside);
    }""")
    code = page.locator(".demo-login code").nth(1)
    assert code.evaluate("c => getComputedStyle(c).whiteSpace") == "nowrap"
    assert code.evaluate("c => c.getClientRects().length") == 1  # one line box, unbroken
