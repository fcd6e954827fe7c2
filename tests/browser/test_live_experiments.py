"""A live A/B test in real Chromium: an educator creates and starts an experiment on the
pages, a seeded population is fast-forwarded a few days (simulated viewers go through the
site's assignment and exposure), and the educator reads the results page, at desktop and
phone widths."""

from __future__ import annotations

from playwright.sync_api import expect

from core.clock import system_clock
from simulator.studies.seed import fast_forward, seed_history
from tests.browser.conftest import open_page, shot

SEED = 21


def test_start_an_experiment_fast_forward_and_read_the_results(educator_page, live_server,
                                                                browser):
    _, database = live_server
    seed_history(database, 60, 2, SEED, system_clock.now(), n_titles=400, model_from_day=None)
    page = educator_page
    page.goto("/educator/")
    page.get_by_role("link", name="Live A/B tests").click()
    page.get_by_role("link", name="New live experiment").click()
    page.fill("#name", "No genre rows")
    page.fill("#hypothesis", "Without genre rows viewers find less to watch")
    page.select_option("#variants-1-genre_rows", "0")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator("h1")).to_contain_text("draft")
    page.get_by_role("button", name="Start").click()
    expect(page.locator("h1")).to_contain_text("running")

    fast_forward(database, 3, SEED, model=False)
    page.reload()
    expect(page.locator("[data-srm]")).to_be_visible()
    exposed = page.locator("table.live__variants td.num").nth(1)
    assert int(exposed.inner_text().replace(",", "")) > 0
    table = page.locator("table.live__metrics")
    expect(table.locator("tbody tr").first).to_contain_text("Watch minutes")
    expect(table.locator("tbody tr").first).to_contain_text("[")
    expect(page.locator("text=What the simulator knows")).to_be_visible()
    # The SRM check comes before every figure.
    assert page.locator("[data-srm]").bounding_box()["y"] < table.bounding_box()["y"]
    shot(page, "live-experiment-1440", full_page=True)

    phone = open_page(browser, live_server, 390, 844, phone=True,
                      storage_state=page.context.storage_state())
    phone.goto(page.url)
    expect(phone.locator("[data-srm]")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px phone"
    shot(phone, "live-experiment-390", full_page=True)
    assert phone.console_errors == [] and page.console_errors == []
    phone.context.close()

    page.get_by_role("button", name="Stop").click()
    expect(page.locator("h1")).to_contain_text("stopped")
