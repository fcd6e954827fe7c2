"""An educator's workbench in real Chromium: clone feedback_loop, make it small, add an
exploration sweep, save it, start a (full, not quick) run of it, wait for it to finish and
read the paired-difference table.

The world is tiny (16 profiles, 4 days, 2 seeds, 4 arms without a model), so the run takes a
few seconds; its two seeds also make the page warn that intervals are wide. The run is carried
out by the worker's own loop (`runs.work`) in a thread of the test server instead of a
subprocess, which would not know the test's database.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import shot

KEEP = ("popularity-daily", "popularity-explore", "random", "ideal")


def test_clone_sweep_run_and_read_the_paired_table(educator_page):
    page = educator_page
    page.goto("/educator/")
    card = page.locator(".experiment-card[data-experiment='feedback_loop']")
    card.get_by_role("link", name="Clone and edit").click()
    expect(page.locator("h1")).to_have_text("New design from feedback loop")

    # A small world: few profiles and days, two seeds (the warning comes after saving).
    for field, value in (("profiles", "16"), ("titles", "60"), ("days", "4"),
                         ("explore_days", "1"), ("warmup_days", "1"), ("seeds", "1, 2"),
                         ("slug", "loop-sweep")):
        page.fill(f"input[name={field}]", value)
    # Keep four fast arms: remove the others one by one (each removal posts the form back).
    while True:
        names = page.locator("input[name^='arms-'][name$='-name']").evaluate_all(
            "inputs => inputs.map(i => i.value)")
        extra = [n for n in names if n not in KEEP]
        if not extra:
            break
        page.get_by_role("button", name=re.compile(rf"\({re.escape(extra[0])}\)$")).click()
    assert page.locator("input[name=days]").input_value() == "4"  # what was typed is kept

    # The sweep: popularity-explore's exploration share over 0.1 and 0.4.
    page.select_option("select[name=sweep_arm]", label="popularity-explore")
    page.select_option("select[name=sweep_param]", "epsilon")
    page.fill("input[name=sweep_values]", "0.1, 0.4")
    page.get_by_role("button", name="Expand into arms").click()
    names = page.locator("input[name^='arms-'][name$='-name']").evaluate_all(
        "inputs => inputs.map(i => i.value)")
    assert names == ["popularity-daily", "popularity-explore-eps0.1",
                     "popularity-explore-eps0.4", "ideal", "random"]

    # A bad value is refused beside its field, and the rest is kept.
    page.fill("input[name='arms-1-epsilon']", "1.5")
    page.get_by_role("button", name="Save the design").click()
    error = page.locator(".field--error:has(input[name='arms-1-epsilon']) .error")
    expect(error).to_contain_text("must be a number from 0 to 1")
    page.fill("input[name='arms-1-epsilon']", "0.1")
    shot(page, "designer-sweep", full_page=True)
    page.get_by_role("button", name="Save the design").click()

    # Back on the experiments page with the design chosen, a full run by default, and the
    # warning about its two seeds.
    expect(page.locator(".educator__saved")).to_contain_text("loop-sweep")
    start = page.locator("form.educator__start")
    expect(start.locator("select[name=config]")).to_have_value("saved:loop-sweep")
    expect(start.locator("input[name=quick]")).not_to_be_checked()
    expect(start.locator("[data-seeds-warning]")).to_be_visible()
    expect(start.locator("[data-seeds-warning]")).to_contain_text("(2)")
    shot(page, "designer-start")
    start.get_by_role("button", name="Start a run").click()

    # The run page polls until the run is done, then reloads with the results.
    expect(page.locator(".run__seeds-warning")).to_be_visible()
    expect(page.locator(".educator__state")).to_have_text("done", timeout=90_000)
    paired = page.locator("table.educator__paired")
    expect(paired.locator("thead th")).to_have_text(
        ["Metric", "popularity-explore-eps0.1 − popularity-daily",
         "popularity-explore-eps0.4 − popularity-daily", "ideal − popularity-daily",
         "random − popularity-daily"])
    cell = paired.locator("tr[data-metric='coverage'] td[data-arm='popularity-explore-eps0.4']")
    expect(cell.locator(".paired__mean")).to_have_text(re.compile(r"^[+-]\d"))
    expect(cell.locator(".paired__ci")).to_have_text(re.compile(r"^\[.+, .+\]$"))
    # Every metric row explains itself on hover, linked to the glossary.
    help_link = paired.locator("tr[data-metric='gini_plays'] a.gloss")
    expect(help_link).to_have_attribute("title", re.compile("concentrated"))
    paired.scroll_into_view_if_needed()
    shot(page, "designer-run-paired")
    help_link.click()
    expect(page).to_have_url(re.compile(r"/educator/glossary#gini_plays$"))
    expect(page.locator("article#gini_plays")).to_contain_text("Lower is better.")
    # The refused save answered 422 (the form re-rendered with its message), which Chromium
    # logs as a failed load; nothing else may be logged.
    assert [e for e in page.console_errors if "status of 422" not in e] == []
