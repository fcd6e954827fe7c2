"""The run page's charts in real Chromium: pointing at a day shows its values, on a laptop and
on a phone, and the axis labels stay readable and apart."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from core import accounts
from core.models import ExperimentRun
from simulator.studies.experiment import normalise, summarise
from simulator.studies.metrics import METRICS
from simulator.studies.model_metrics import MODEL_METRICS
from tests.browser.conftest import open_page, shot, sign_in
from tests.browser.test_journey import axe_serious
from tests.conftest import TEST_NOW

ARMS = ("popularity", "random", "content")
SEEDS = (1, 2, 3)
DAYS = 8
EMAIL, PASSWORD = "charts@example.com", "a long enough passphrase"


def _value(arm: int, day: int, seed: int) -> float:
    """Every metric's crafted value: rising by day, apart by arm, seeds 0.01 either side."""
    return round(0.1 + 0.05 * day + 0.1 * arm + 0.01 * (seed - 2), 6)


@pytest.fixture(scope="module")
def finished_run(live_server, tmp_path_factory):
    """A finished run of three arms over three seeds and eight days (two launch days), its
    results folder written as the simulator writes it (metrics.json, summary.json); no ideal
    arm, so homogenization is n/a. The URL of its page, for an educator who is signed in."""
    _, database = live_server
    out = tmp_path_factory.mktemp("run")
    cfg = normalise({"name": "Charts in the browser", "profiles": 10, "days": DAYS,
                     "titles": 50, "seeds": list(SEEDS), "explore_days": 2,
                     "arms": [{"name": a, "policy": a} for a in ARMS]})
    rows = [{"seed": seed, "arm": arm, "day": day,
             **{m: _value(i, day, seed) for m in METRICS},
             "homogenization": None, "homogenization_taste": None,
             **{m: None for m in MODEL_METRICS}}
            for seed in SEEDS for i, arm in enumerate(ARMS) for day in range(DAYS)]
    (out / "metrics.json").write_text(json.dumps(rows))
    (out / "summary.json").write_text(json.dumps(summarise(cfg, rows)))
    with database.write() as s:
        run = ExperimentRun(name=cfg["name"], config=cfg, status="done", progress=1.0,
                            results_dir=str(out), created_at=TEST_NOW, finished_at=TEST_NOW)
        s.add(run)
        s.flush()
        return f"/educator/runs/{run.id}"


@pytest.fixture(scope="module")
def educator_state(browser, live_server):
    """A signed-in educator's cookies (the account made through the service, signed in
    through the login form), made once for both widths."""
    _, database = live_server
    with database.write() as s:
        account = accounts.create_account(s, EMAIL, PASSWORD, TEST_NOW, role="educator")
        accounts.create_profile(s, account, TEST_NOW, name="Cleo")
    page = open_page(browser, live_server, 1280, 800)
    sign_in(page, EMAIL, PASSWORD)
    state = page.context.storage_state()
    page.context.close()
    return state


def _overlap(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


@pytest.mark.parametrize("width,height,phone", [(1440, 900, False), (390, 844, True)],
                         ids=["laptop", "phone"])
def test_pointing_at_a_day_shows_its_values(browser, live_server, finished_run, educator_state,
                                            width, height, phone):
    page = open_page(browser, live_server, width, height, phone=phone,
                     storage_state=educator_state)
    errors = page.console_errors
    try:
        page.goto(finished_run)
        expect(page.locator("figure.run-chart")).to_have_count(len(METRICS))
        expect(page.locator("#chart-homogenization .run-chart__na")).to_contain_text("n/a")
        chart = page.locator("#chart-coverage")
        expect(chart.locator("polyline.line-chart__line")).to_have_count(len(ARMS))
        chart.scroll_into_view_if_needed()
        tip = chart.locator(".chart-tip")
        expect(tip).to_be_hidden()

        # Point at random's dot on day 5: the tooltip gives every arm's value that day.
        dot = chart.locator(".line-chart__day[data-day='5'] .line-chart__dot[data-arm='random']")
        box = dot.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        expect(tip).to_be_visible()
        expect(tip.locator(".chart-tip__day")).to_have_text("Day 5")
        # Three seeds at 0.45 - 0.01, 0.45, 0.45 + 0.01: 4.303 x 0.01 / sqrt(3) either side.
        row = tip.locator(".chart-tip__row", has_text="random")
        expect(row.locator(".chart-tip__value")).to_have_text("0.450 ± 0.025")
        expect(tip.locator(".chart-tip__row")).to_have_count(len(ARMS))
        expect(chart.locator(".line-chart__day[data-day='5']")).to_have_class(
            "line-chart__day is-active")
        tip_box, card = tip.bounding_box(), chart.bounding_box()
        assert card["x"] <= tip_box["x"] and tip_box["x"] + tip_box["width"] <= \
            card["x"] + card["width"], "the tooltip stays inside its card"
        shot(page, f"educator-charts-hover-{'phone' if phone else 'laptop'}")
        if phone:  # a tap on another day moves the tooltip there, and it stays
            other = chart.locator(".line-chart__day[data-day='2'] .line-chart__hit").bounding_box()
            page.touchscreen.tap(other["x"] + other["width"] / 2, other["y"] + 40)
            expect(tip.locator(".chart-tip__day")).to_have_text("Day 2")
            expect(tip).to_be_visible()
        page.mouse.move(2, 2)
        if not phone:
            expect(tip).to_be_hidden()

        # Axis labels: a readable size, and never on top of each other.
        for axis in ("line-chart__x", "line-chart__y"):
            labels = chart.locator(f"svg.{axis} text")
            boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
            assert len(boxes) >= 3
            assert all(b["height"] >= 11 for b in boxes), (axis, boxes)
            assert not any(_overlap(a, b) for a, b in zip(boxes, boxes[1:], strict=False)), axis
        size = chart.locator("svg.line-chart__y text").first.evaluate(
            "t => parseFloat(getComputedStyle(t).fontSize)")
        assert size >= 12
        # The page does not scroll sideways; the plot fills its card.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        plot = chart.locator("svg.line-chart__plot").bounding_box()
        assert plot["width"] >= card["width"] * 0.7

        # The same numbers, in a table under the chart.
        table = chart.locator("details.chart-numbers table")
        expect(table).to_be_hidden()
        chart.locator("summary").click()
        expect(table).to_be_visible()
        expect(table.locator("tbody tr").nth(5).locator("td").nth(1)).to_have_text(
            "0.450 ± 0.025")
        # Beside its chart on a laptop (the card takes the whole row), under it on a phone.
        plot, numbers = (chart.locator("svg.line-chart__plot").bounding_box(),
                         table.bounding_box())
        if phone:
            assert numbers["y"] >= plot["y"] + plot["height"]
        else:
            assert numbers["x"] >= plot["x"] + plot["width"] and numbers["y"] < plot["y"] + 100
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if not phone:
            assert axe_serious(page) == []
        assert errors == []
    finally:
        page.context.close()


@pytest.mark.parametrize("width,height,phone", [(1440, 900, False), (390, 844, True)],
                         ids=["laptop", "phone"])
def test_baseline_and_window_pickers(browser, live_server, finished_run, educator_state,
                                     width, height, phone):
    """The pickers swap the comparison in place (htmx) and put the choice in the URL; the
    paired table does not widen the page. Every metric of random is 0.1 above popularity's,
    and content's 0.2, on every day of every seed: paired, the differences are exact."""
    page = open_page(browser, live_server, width, height, phone=phone,
                     storage_state=educator_state)
    try:
        page.goto(finished_run)
        section = page.locator("#run-compare")
        heads = section.locator("table.educator__paired thead th")
        expect(heads).to_have_text(["Metric", "random − popularity", "content − popularity"])
        cell = section.locator("tr[data-metric='coverage'] td[data-arm='content']")
        expect(cell.locator(".paired__mean")).to_have_text("+0.2")
        expect(cell).to_have_attribute("data-excludes-zero", "")
        na = section.locator("tr[data-metric='homogenization'] td[data-arm='random'] "
                             ".run-compare__na")
        expect(na).to_have_attribute("title", re.compile("ideal arm"))
        section.locator("select[name=window]").select_option("after_launch")
        expect(page).to_have_url(re.compile(r"window=after_launch"))
        expect(section.locator(".run-compare__days")).to_contain_text("days 2 to 7")
        page.locator("#run-compare select[name=baseline]").select_option("content")
        expect(page).to_have_url(re.compile(r"baseline=content"))
        expect(page.locator("#run-compare table.educator__paired thead th")).to_have_text(
            ["Metric", "popularity − content", "random − content"])
        expect(page.locator("#run-compare tr[data-metric='coverage'] td[data-arm='popularity'] "
                            ".paired__mean")).to_have_text("-0.2")
        expect(page.locator("figure.run-chart")).to_have_count(len(METRICS))  # still there
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.locator("#run-compare").scroll_into_view_if_needed()
        shot(page, f"educator-paired-{'phone' if phone else 'laptop'}")
        if not phone:
            assert axe_serious(page) == []
        assert page.console_errors == []
    finally:
        page.context.close()


def test_the_pickers_work_without_javascript(browser, live_server, finished_run,
                                             educator_state):
    context = browser.new_context(base_url=live_server[0], java_script_enabled=False,
                                  storage_state=educator_state)
    try:
        page = context.new_page()
        page.goto(finished_run)
        page.locator("select[name=window]").select_option("last_day")
        page.locator("select[name=baseline]").select_option("random")
        page.locator("button.run-compare__show").click()
        expect(page).to_have_url(re.compile(r"window=last_day&baseline=random"))
        expect(page.locator(".run-compare__days")).to_contain_text("day 7 of 0 to 7")
        expect(page.locator("tr[data-metric='ctr'] td[data-arm='popularity'] .paired__mean")) \
            .to_have_text("-0.1")
    finally:
        context.close()
