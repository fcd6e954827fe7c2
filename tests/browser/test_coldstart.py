"""The cold-start page in real Chromium: an educator asks for picks 0,30 (refused, the field
named), then 0,3 over 2 seeds of a tiny world, waits for the run and reads the table, the
paired differences and the chart's tooltip by number of picks. The run is carried out by the
worker's own loop in a thread of the test server (a subprocess would not know the test's
database)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import shot


def test_run_the_cold_start_study_and_read_it(educator_page):
    page = educator_page
    page.goto("/educator/coldstart/")
    form = page.locator("form.coldstart__form")
    for name, value in (("picks", "0,30"), ("seeds", "1,2"), ("profiles", "6"),
                        ("history_profiles", "20"), ("history_days", "2"), ("titles", "100")):
        form.locator(f"input[name={name}]").fill(value)
    form.get_by_role("button", name="Run the study").click()
    expect(page.locator(".form-errors")).to_contain_text("picks")
    expect(page.locator("input[name=picks]")).to_have_attribute("aria-invalid", "true")
    page.locator("input[name=picks]").fill("0,3")
    page.get_by_role("button", name="Run the study").click()

    expect(page.locator(".run__seeds-warning")).to_be_visible()  # 2 seeds: wide intervals
    expect(page.locator(".educator__state")).to_have_text("done", timeout=90_000)
    table = page.locator("table.coldstart__table")
    expect(table.locator("thead th")).to_have_text(["Row", "0 picks", "3 picks"])
    expect(table.locator("tr[data-row='onboarding'] a.gloss")).to_have_attribute(
        "title", re.compile("onboarding"))
    expect(table.locator("tr[data-row='random'] td").first).to_contain_text("±")
    paired = page.locator("table.coldstart__paired tr[data-versus='vs_no_picks'] td")
    expect(paired.nth(1)).to_have_text(re.compile(r"^[+-]\d.*\[.+, .+\]"))
    chart = page.locator("figure#chart-coldstart")
    chart.scroll_into_view_if_needed()
    chart.locator("g.line-chart__day[data-day='3'] rect.line-chart__hit").hover()
    expect(chart.locator(".chart-tip")).to_contain_text("Picks 3")
    shot(page, "coldstart-run")
    assert [e for e in page.console_errors if "status of 422" not in e] == []
