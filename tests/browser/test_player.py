"""The player in real Chromium: play at 60x, reload and resume, finish, thumbs, My List, hide
from history, and offline mode with every queued event stored exactly once."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from core.models import (
    Account,
    Episode,
    ListItem,
    PlaybackEvent,
    Profile,
    Rating,
    Title,
    Viewing,
)
from tests.browser.conftest import open_page, shot
from tests.browser.test_journey import axe_serious, onboarded


def a_film(database) -> Title:
    with database.read() as s:
        return s.scalar(select(Title).where(Title.kind == "film", Title.maturity_age <= 13)
                        .order_by(Title.runtime_minutes, Title.id))


def profile_of(database, email: str) -> int:
    with database.read() as s:
        return s.scalar(select(Profile.id).join(Account).where(Account.email == email))


def viewing(database, profile_id: int, title_id: int) -> Viewing | None:
    with database.read() as s:
        return s.scalar(select(Viewing).where(Viewing.profile_id == profile_id,
                                              Viewing.title_id == title_id))


def queue_length(page) -> int:
    return page.evaluate("""() => Object.keys(localStorage)
        .filter(k => k.startsWith('streamsim.playback.queue.'))
        .reduce((n, k) => n + JSON.parse(localStorage.getItem(k) || '[]').length, 0)""")


def wait_for_position(page, seconds: float, timeout: float = 20_000) -> None:
    """Wait until the player's content clock (shown by the scrubber, updated every 200 ms) has
    reached `seconds`; at 60x that is about seconds / 60 of real time."""
    page.wait_for_function("s => Number(document.querySelector('[data-scrubber]').value) >= s",
                           arg=seconds, timeout=timeout)


def wait_for_queue_sent(page, timeout: float = 30_000) -> None:
    """Wait until every queued playback event has been acknowledged by the server."""
    page.wait_for_function("() => !Object.keys(localStorage).some(k => "
                           "k.startsWith('streamsim.playback.queue.') && "
                           "JSON.parse(localStorage.getItem(k)).length)", timeout=timeout)


def stored_heartbeat_at(speed: int):
    """A predicate for page.expect_response: the server stored a batch of playback events
    holding a heartbeat sent at `speed`."""
    def predicate(response) -> bool:
        request = response.request
        if request.method != "POST" or not response.url.endswith("/api/playback/events"):
            return False
        events = (request.post_data_json or {}).get("events", [])
        return response.ok and any(e["type"] == "heartbeat" and e["speed"] == speed
                                   for e in events)
    return predicate


def scrub_to(page, seconds: int) -> None:
    page.evaluate("""s => { const r = document.querySelector('[data-scrubber]');
        r.value = String(s); r.dispatchEvent(new Event('input'));
        r.dispatchEvent(new Event('change')); }""", seconds)


def test_watch_resume_finish_rate_list_and_hide(page, live_server):
    _, database = live_server
    onboarded(page, "watcher@example.com", "Wes")
    film = a_film(database)
    profile_id = profile_of(database, "watcher@example.com")

    page.goto(f"/title/{film.id}")
    page.locator("[data-play]").click()
    expect(page).to_have_url(re.compile(rf"/watch/{film.id}$"))
    player = page.locator("[data-player]")
    expect(player).to_have_class(re.compile("is-playing"))
    page.select_option("[data-speed]", "60")
    wait_for_position(page, 180)  # about 3 s of real time at 60x
    page.mouse.move(400, 300)
    shot(page, "player-laptop")
    page.keyboard.press("Space")  # pause
    expect(player).to_have_class(re.compile("is-paused"))
    assert axe_serious(page) == []
    before = float(page.locator("[data-scrubber]").input_value())
    assert before > 100
    wait_for_queue_sent(page)
    page.reload()
    resumed = float(player.get_attribute("data-position"))
    assert abs(resumed - before) <= 10, (before, resumed)
    v = viewing(database, profile_id, film.id)
    assert v.watched_s > 100 and not v.completed

    # Keyboard: arrows seek 10 s, m mutes.
    page.keyboard.press("Space")
    expect(player).to_have_class(re.compile("is-paused"))
    at = float(page.locator("[data-scrubber]").input_value())
    page.keyboard.press("ArrowRight")
    assert abs(float(page.locator("[data-scrubber]").input_value()) - (at + 10)) <= 1
    page.keyboard.press("m")
    expect(page.locator("[data-action='mute']")).to_have_attribute("aria-pressed", "true")

    # Finish it: jump close to the end and play at 60x.
    runtime = film.runtime_minutes * 60
    scrub_to(page, runtime - 60)
    page.select_option("[data-speed]", "60")
    page.keyboard.press("Space")
    end = page.locator("[data-end-panel]")
    expect(end).to_be_visible(timeout=10_000)
    shot(page, "player-end")
    end.locator("button[aria-label='Love this!']").click()
    expect(end.locator("button[aria-label='Love this!']")).to_have_attribute("aria-pressed", "true")
    end.locator(f"button[aria-label='Add {film.name} to My List']").click()
    expect(end.locator(f"button[aria-label='Remove {film.name} from My List']")).to_be_visible()
    wait_for_queue_sent(page)
    assert viewing(database, profile_id, film.id).completed
    with database.read() as s:
        assert s.scalar(select(Rating.value).where(Rating.profile_id == profile_id)) == 2
        listed = s.scalar(select(ListItem.title_id).where(ListItem.profile_id == profile_id))
        assert listed == film.id

    # Finished: not in Continue Watching. Another film half-watched is, first on the page.
    page.goto("/home")
    assert page.locator(f"#row-continue ~ * [data-title-id='{film.id}']").count() == 0
    with database.read() as s:
        other = s.scalar(select(Title).where(Title.kind == "film", Title.maturity_age <= 13,
                                             Title.id != film.id).order_by(Title.id))
    page.goto(f"/watch/{other.id}")
    page.select_option("[data-speed]", "60")
    wait_for_position(page, 120)  # about 2 s of real time at 60x
    page.keyboard.press("Space")
    expect(player).to_have_class(re.compile("is-paused"))
    wait_for_queue_sent(page)  # the server has its heartbeats and the pause before /home asks
    page.goto("/home")
    first_row = page.locator("section.row[data-row]").first
    expect(first_row).to_have_attribute("aria-labelledby", "row-continue")
    card = first_row.locator(f"article.card--wide[data-title-id='{other.id}']")
    expect(card).to_be_visible()
    assert float(card.locator("progress").get_attribute("value")) > 0
    shot(page, "home-continue-watching")
    card.locator("a.card__link").click()
    expect(page).to_have_url(re.compile(rf"/watch/{other.id}$"))
    assert float(page.locator("[data-player]").get_attribute("data-position")) > 60

    # Hide it from history: it leaves the activity page and Continue Watching.
    page.goto("/history/")
    shot(page, "viewing-activity")
    assert axe_serious(page) == []
    page.locator(f"tr[data-history-title='{other.id}'] button.history-hide").click()
    expect(page.locator(f"tr[data-history-title='{other.id}']")).to_have_count(0)
    expect(page.locator(f"tr[data-history-title='{film.id}']")).to_have_count(1)
    page.goto("/home")
    assert page.locator("#row-continue").count() == 0
    assert page.console_errors == [], page.console_errors


def test_offline_events_are_queued_and_stored_once(browser, live_server):
    _, database = live_server
    page = open_page(browser, live_server, 390, 844, phone=True)
    context = page.context
    onboarded(page, "offline@example.com", "Off")
    film = a_film(database)
    profile_id = profile_of(database, "offline@example.com")
    page.goto(f"/watch/{film.id}")
    # Online first: the server stores a batch with a heartbeat at 60x.
    with page.expect_response(stored_heartbeat_at(60), timeout=15_000):
        page.select_option("[data-speed]", "60")
    context.set_offline(True)
    # Offline: a send fails, the status says so, and the events pile up in the queue.
    expect(page.locator("[data-status]")).to_be_visible(timeout=15_000)
    page.wait_for_function("""n => Object.keys(localStorage)
        .filter(k => k.startsWith('streamsim.playback.queue.'))
        .reduce((m, k) => m + JSON.parse(localStorage.getItem(k) || '[]').length, 0) >= n""",
                           arg=5, timeout=15_000)
    shot(page, "player-phone-offline")
    page.keyboard.press("Space")  # pause: the pause event is queued too
    queued = page.evaluate("""() => Object.keys(localStorage)
        .filter(k => k.startsWith('streamsim.playback.queue.'))
        .flatMap(k => JSON.parse(localStorage.getItem(k)).map(e => e.event_id))""")
    assert len(queued) >= 5
    context.set_offline(False)
    wait_for_queue_sent(page, timeout=40_000)
    expect(page.locator("[data-status]")).to_be_hidden()
    with database.read() as s:
        stored = list(s.scalars(select(PlaybackEvent.event_id).where(
            PlaybackEvent.profile_id == profile_id)))
        credited = s.scalar(select(func.sum(PlaybackEvent.credited_s)).where(
            PlaybackEvent.profile_id == profile_id))
    assert set(queued) <= set(stored) and len(stored) == len(set(stored))
    assert abs(viewing(database, profile_id, film.id).watched_s - credited) < 1e-6
    context.close()


def test_series_autoplay_next_episode_then_are_you_still_watching(browser, live_server):
    _, database = live_server
    page = open_page(browser, live_server, 390, 844, phone=True)
    context = page.context
    onboarded(page, "binge@example.com", "Bea")
    with database.read() as s:
        series = s.scalar(select(Title).where(Title.kind == "series", Title.maturity_age <= 13)
                          .order_by(Title.id))
        first, second = series.episodes[0], series.episodes[1]
    page.goto(f"/watch/{series.id}/{first.id}")
    page.keyboard.press("Space")  # pause, and count as an interaction
    page.mouse.move(200, 400)
    shot(page, "player-phone")
    # Two autoplays in a row already happened in this tab; the third asks first.
    page.evaluate("sessionStorage.setItem('streamsim.autoplay.chain', '2')")
    scrub_to(page, first.credits_start_seconds - 2)
    page.evaluate("sessionStorage.setItem('streamsim.autoplay.chain', '2')")
    page.locator("[data-action='toggle']").first.dispatch_event("click")
    panel = page.locator("[data-next-panel]")
    expect(panel).to_be_visible(timeout=8_000)
    expect(panel.locator("[data-countdown-line]")).to_be_visible()
    page.evaluate("sessionStorage.setItem('streamsim.autoplay.chain', '2')")
    expect(page).to_have_url(re.compile(rf"/watch/{series.id}/{second.id}"), timeout=15_000)
    still = page.locator("[data-still-watching]")
    expect(still).to_be_visible()
    expect(page.locator("[data-player]")).to_have_class(re.compile("is-paused"))
    still.locator("[data-action='still-yes']").click()
    expect(page.locator("[data-player]")).to_have_class(re.compile("is-playing"))
    assert page.console_errors == [], page.console_errors
    context.close()


def test_skip_intro_fullscreen_and_seek_back_by_keyboard(page, live_server):
    """An episode inside its intro offers "Skip intro", which jumps to the intro's end; f
    toggles fullscreen (and the button says so); the left arrow goes back 10 s."""
    _, database = live_server
    onboarded(page, "intro@example.com", "Ivo")
    with database.read() as s:
        episode = s.scalar(select(Episode).join(Title).where(
            Title.maturity_age <= 13, Episode.intro_end_seconds > 30).order_by(Episode.id))
    page.goto(f"/watch/{episode.title_id}/{episode.id}")
    player = page.locator("[data-player]")
    expect(player).to_have_class(re.compile("is-playing"), timeout=5_000)
    skip = page.locator("[data-action='skip-intro']")
    expect(skip).to_be_visible(timeout=5_000)  # shown once a second of the intro has played
    skip.click()
    expect(skip).to_be_hidden()
    assert float(page.locator("[data-scrubber]").input_value()) >= episode.intro_end_seconds
    page.keyboard.press("Space")
    expect(player).to_have_class(re.compile("is-paused"))
    at = float(page.locator("[data-scrubber]").input_value())
    page.keyboard.press("ArrowLeft")
    assert abs(float(page.locator("[data-scrubber]").input_value()) - (at - 10)) <= 1
    button = page.locator("[data-action='fullscreen']")
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement !== null")
    expect(button).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement === null")
    expect(button).to_have_attribute("aria-pressed", "false")
