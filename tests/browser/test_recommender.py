"""The personalised home page and "Why this?" in real Chromium."""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.models import Title
from recommender import artifacts, models
from recommender.scoring import ModelStore
from tests.browser.conftest import shot, wait_for_animations
from tests.browser.test_journey import axe_serious, create_profile, onboarded, pick_three, sign_up
from tests.recommender import synth


@pytest.fixture
def serving_model(live_app, live_server, tmp_path):
    """A model over the live catalog, trained on a synthetic world (profile ids far away from
    real ones), served from a private folder for this test only (the live app's store)."""
    _, database = live_server
    with database.read() as s:
        ids = np.array(list(s.scalars(select(Title.id).order_by(Title.id))), np.int64)
    inter, _, _ = synth.world(seed=9, n_users=150, n_items=ids.size, per_user=25)
    inter.items = ids[inter.items - 1]
    inter.users = inter.users + 10_000_000
    model = models.fit("svd", inter, ids, models.default_params("svd", epochs=20))
    model.version = "20261101T120000"
    artifacts.save(tmp_path, model, {"trained_at": "2026-11-01T12:00:00", "metrics": {}})
    artifacts.set_current(tmp_path, model.version)
    previous = live_app.extensions["streamsim.models"]
    live_app.extensions["streamsim.models"] = ModelStore(tmp_path)
    yield model.version
    live_app.extensions["streamsim.models"] = previous


def test_personal_home_page_and_why_this(page, live_server, serving_model):
    onboarded(page, "recs@example.com", "Rhea")
    top = page.locator("section[aria-labelledby='row-top-picks']")
    expect(top.locator("h2")).to_have_text("Top picks for you")
    expect(top.locator("article.card")).to_have_count(20)
    expect(top.locator(".card__match").first).to_contain_text("% match")
    shot(page, "recommender-home")
    card = top.locator("article.card").first
    card.hover()
    why = card.locator("a.card__why")
    expect(why).to_be_visible()
    shot(page, "recommender-card-hover")
    why.focus()  # the hover card stays open while focus is inside it
    page.keyboard.press("Enter")
    dialog = page.locator("#modal-root [role=dialog]")
    expect(dialog.locator("#why-heading")).to_contain_text("Why")
    expect(dialog.locator("tr[data-part]")).to_have_count(4)  # SVD: mean, two biases, factors
    expect(dialog.locator("[data-version]")).to_have_text(serving_model)
    values = [float(v) for v in dialog.locator("tr[data-part]").evaluate_all(
        "rows => rows.map(r => r.dataset.value)")]
    assert abs(sum(values) - float(dialog.locator("[data-score]").inner_text())) < 1e-3
    wait_for_animations(page, "#modal-root")  # the modal's rise has finished before the shot
    shot(page, "recommender-why-modal")
    page.goto(why.get_attribute("href"))
    expect(page).to_have_url(re.compile(r"/why/\d+$"))
    expect(page.locator("table.why__parts")).to_be_visible()
    shot(page, "recommender-why-page")
    assert axe_serious(page) == []
    assert page.console_errors == []


def test_model_page_for_educators(page, live_server, serving_model):
    from core.models import Account

    _, database = live_server
    sign_up(page, "teacher@example.com")
    with database.write() as s:
        s.scalar(select(Account).where(Account.email == "teacher@example.com")).role = "educator"
    create_profile(page, "Tess")
    pick_three(page)
    page.goto("/models/")
    expect(page.locator("[data-current]")).to_have_attribute("data-current", serving_model)
    expect(page.locator("svg.communities-map circle")).to_have_count(150)
    shot(page, "recommender-models-page", full_page=True)
    assert axe_serious(page) == []
    # Tables sort by a click on their headings (numbers as numbers), both ways.
    heading = page.locator("table.models-table").first.locator("thead th").nth(2)
    heading.locator("button.sort-button").click()
    expect(heading).to_have_attribute("aria-sort", "ascending")
    heading.locator("button.sort-button").click()
    expect(heading).to_have_attribute("aria-sort", "descending")
    signals = page.locator("table.models-table").first.locator("tbody tr td:nth-child(3)")
    values = [float(v or 0) for v in signals.all_inner_texts()]
    assert values == sorted(values, reverse=True)
    page.goto("/educator/dropoff/")
    expect(page.locator("h1")).to_have_text("Audience drop-off")
    assert axe_serious(page) == []
    page.goto("/educator/")
    from simulator.studies.worker import shipped_configs

    expect(page.locator(".experiment-card")).to_have_count(len(shipped_configs()))
    shot(page, "educator-experiments", full_page=True)
    assert axe_serious(page) == []
    page.goto("/taste")
    expect(page.locator("[data-community]")).to_be_visible()
    shot(page, "recommender-taste")
    assert axe_serious(page) == []
    assert page.console_errors == []
