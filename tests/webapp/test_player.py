"""The player page, resume and start over, autoplay, continue watching, viewing activity."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core import activity
from core.models import Episode, Profile, Title, Viewing
from core.playback import PlaybackInput, record_playback
from tests.conftest import csrf_from, soup


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def watch(database, profile_id, title, to_s, episode=None, *, ago_s=0):
    """Record a start at 0 and a heartbeat at to_s (at 60x, so the credit is real)."""
    now = utcnow() - timedelta(seconds=ago_s)
    t0 = now - timedelta(seconds=to_s / 60 + 2)
    ep = episode.id if episode else None
    events = [PlaybackInput(str(uuid.uuid4()), "start", title.id, 0, t0, 60.0, ep),
              PlaybackInput(str(uuid.uuid4()), "heartbeat", title.id, to_s,
                            t0 + timedelta(seconds=to_s / 60 + 1), 60.0, ep)]
    with database.write() as s:
        record_playback(s, profile_id, events, now)


@pytest.fixture
def series(database) -> Title:
    with database.read() as s:
        title = s.scalar(select(Title).where(Title.kind == "series", Title.maturity_age <= 13)
                         .order_by(Title.id))
        title.episodes  # noqa: B018 - load them before the session closes
        return title


def test_player_page_for_a_film(viewer, film):
    r = viewer.client.get(f"/watch/{film.id}")
    assert r.status_code == 200
    page = soup(r)
    player = page.select_one("[data-player]")
    assert player["data-title-id"] == str(film.id) and player["data-episode-id"] == ""
    assert player["data-runtime"] == str(film.runtime_minutes * 60)
    assert player["data-position"] == "0" and player["data-events-url"] == "/api/playback/events"
    assert page.select_one(".player__heading h1").get_text() == film.name
    assert page.select_one("img.player__art")["src"].endswith("backdrop-0.svg")
    assert [o["value"] for o in page.select("[data-speed] option")] == ["1", "10", "60"]
    for action in ("toggle", "back10", "fwd10", "mute", "fullscreen"):
        assert page.select(f"[data-action='{action}']"), action
    assert page.select_one("[data-scrubber]")["max"] == str(film.runtime_minutes * 60)
    assert page.select_one("script[src$='player.js']") is not None
    assert all(s.get("src") and not s.string for s in page.find_all("script"))
    assert not page.select("[style]") and page.select_one(".topbar") is None
    assert page.select_one("[data-next-panel]") is None  # films have no next episode
    assert page.select_one("[data-end-panel] form.thumbs") is not None


def test_series_redirects_to_the_episode_to_watch_and_offers_the_next(viewer, series):
    first, second = series.episodes[0], series.episodes[1]
    r = viewer.client.get(f"/watch/{series.id}")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/watch/{series.id}/{first.id}")
    page = soup(viewer.client.get(f"/watch/{series.id}/{first.id}"))
    player = page.select_one("[data-player]")
    assert player["data-episode-id"] == str(first.id)
    assert player["data-intro-end"] == str(first.intro_end_seconds)
    assert player["data-credits"] == str(first.credits_start_seconds)
    assert player["data-next-url"] == f"/watch/{series.id}/{second.id}?start=0"
    assert page.select_one("[data-next-panel] [data-autoplay-form]") is not None
    if first.intro_end_seconds:
        assert page.select_one("[data-action='skip-intro']") is not None


def test_wrong_episode_or_film_episode_is_404(viewer, series, film, database):
    with database.read() as s:
        other = s.scalar(select(Episode.id).where(Episode.title_id != series.id))
    assert viewer.client.get(f"/watch/{series.id}/{other}").status_code == 404
    assert viewer.client.get(f"/watch/{film.id}/{other}").status_code == 404
    assert viewer.client.get("/watch/999999").status_code == 404


def test_resume_and_start_over(viewer, database, film):
    watch(database, viewer.profile_id, film, 1200)
    player = soup(viewer.client.get(f"/watch/{film.id}")).select_one("[data-player]")
    assert player["data-position"] == "1200"
    player = soup(viewer.client.get(f"/watch/{film.id}?start=0")).select_one("[data-player]")
    assert player["data-position"] == "0"
    page = soup(viewer.client.get(f"/title/{film.id}"))
    play = page.select_one("[data-play]")
    assert play["href"] == f"/watch/{film.id}" and "Resume" in play.get_text()
    assert page.select_one("[data-start-over]")["href"] == f"/watch/{film.id}?start=0"


def test_title_page_play_before_watching(viewer, film, series):
    page = soup(viewer.client.get(f"/title/{film.id}"))
    assert page.select_one("[data-play]")["href"] == f"/watch/{film.id}"
    assert page.select_one("[data-start-over]") is None
    page = soup(viewer.client.get(f"/title/{series.id}"))
    assert page.select_one("[data-play]")["href"] == f"/watch/{series.id}/{series.episodes[0].id}"


def test_autoplay_toggle_full_and_fragment(viewer, database):
    c = viewer.client
    history = c.get("/history/")
    tok = csrf_from(history)
    # The activity page's switch is the player's: swapped in place by htmx.
    assert soup(history).select_one("[data-autoplay-form]")["hx-post"] == "/watch/autoplay"
    r = c.post("/watch/autoplay", data={"autoplay": "off", "csrf_token": tok})
    assert r.status_code == 302
    with database.read() as s:
        assert s.get(Profile, viewer.profile_id).autoplay is False
    r = c.post("/watch/autoplay", data={"autoplay": "on"},
               headers={"HX-Request": "true", "X-CSRFToken": tok})
    frag = soup(r)
    assert r.status_code == 200 and frag.find("html") is None
    assert frag.select_one("[data-autoplay-form]")["data-autoplay"] == "true"
    assert frag.select_one("[role=switch]")["aria-checked"] == "true"
    r = c.post("/watch/autoplay", data={"autoplay": "maybe", "csrf_token": tok})
    assert r.status_code == 400


def continue_row(client):
    page = soup(client.get("/home"))
    rows = page.select("section.row[data-row]")
    return rows[0] if rows and rows[0]["aria-labelledby"] == "row-continue" else None


def test_continue_watching_first_with_progress_and_finished_titles_drop_out(viewer, database,
                                                                             film, series):
    assert continue_row(viewer.client) is None
    other = database.read
    with other() as s:
        film2 = s.scalar(select(Title).where(Title.kind == "film", Title.maturity_age <= 13,
                                             Title.id != film.id).order_by(Title.id))
    watch(database, viewer.profile_id, film2, 600, ago_s=120)
    watch(database, viewer.profile_id, film, 1800)
    row = continue_row(viewer.client)
    assert row is not None and "row--wide" in row["class"]
    cards = row.select("article.card--wide")
    assert [int(c["data-title-id"]) for c in cards] == [film.id, film2.id]  # most recent first
    assert cards[0].select_one("a.card__link")["href"] == f"/watch/{film.id}"
    progress = cards[0].select_one("progress")
    assert progress["value"] == str(round(1800 / (film.runtime_minutes * 60) * 100))
    # Finishing the film takes it out of the row.
    watch(database, viewer.profile_id, film, film.runtime_minutes * 60)
    ids = [int(c["data-title-id"]) for c in continue_row(viewer.client).select("[data-title-id]")]
    assert ids == [film2.id]
    # A finished episode moves the series on to its next episode.
    first, second = series.episodes[0], series.episodes[1]
    watch(database, viewer.profile_id, series, first.runtime_seconds, episode=first)
    card = continue_row(viewer.client).select_one(f"[data-title-id='{series.id}']")
    assert card.select_one("a")["href"] == f"/watch/{series.id}/{second.id}"
    assert f"S{second.season}:E{second.number}" in card.get_text()


def test_continue_row_as_an_htmx_fragment(viewer, database, film):
    watch(database, viewer.profile_id, film, 900)
    r = viewer.client.get("/home/rows/continue", headers={"HX-Request": "true"})
    frag = soup(r)
    assert r.status_code == 200 and frag.find("html") is None
    assert frag.select_one("article.card--wide")["data-title-id"] == str(film.id)


def test_viewing_activity_lists_and_hides(viewer, database, film, series):
    c = viewer.client
    empty = soup(c.get("/history/"))
    assert empty.select_one(".empty-state") is not None
    watch(database, viewer.profile_id, film, 900)
    watch(database, viewer.profile_id, series, 200, episode=series.episodes[0], ago_s=60)
    with database.write() as s:
        activity.rate_title(s, viewer.profile_id, film.id, 2, utcnow())
    page = soup(c.get("/history/"))
    rows = page.select("tr[data-history-title]")
    assert [int(r["data-history-title"]) for r in rows] == [film.id, series.id]
    percent = round(900 / (film.runtime_minutes * 60) * 100)
    assert rows[0].select_one("progress")["value"] == str(percent)
    assert rows[0].select_one(".history-thumb") is not None and "S1:E1" in rows[1].get_text()
    assert page.select_one(".profile-menu a[href='/history/']") is not None
    assert [int(li["data-rated-title"]) for li in page.select("[data-rated-title]")] == [film.id]
    tok = csrf_from(c.get("/history/"))
    r = c.post(f"/history/{film.id}/hide", headers={"HX-Request": "true", "X-CSRFToken": tok})
    frag = soup(r)
    assert r.status_code == 200 and frag.find("html") is None
    left = [int(x["data-history-title"]) for x in frag.select("tr[data-history-title]")]
    assert left == [series.id]
    with database.read() as s:
        assert s.scalar(select(Viewing.hidden).where(Viewing.title_id == film.id)) is True
    ids = [int(x["data-title-id"]) for x in continue_row(c).select("[data-title-id]")]
    assert film.id not in ids and series.id in ids
    r = c.post(f"/history/{series.id}/hide", data={"csrf_token": tok})
    assert r.status_code == 302
    assert continue_row(c) is None


def test_kids_profile_cannot_watch_or_hide_mature_titles(kids_viewer, database):
    with database.read() as s:
        mature = s.scalar(select(Title.id).where(Title.maturity_age >= 16))
    assert kids_viewer.client.get(f"/watch/{mature}").status_code == 404
    tok = csrf_from(kids_viewer.client.get("/history/"))
    assert kids_viewer.client.post(f"/history/{mature}/hide",
                                   data={"csrf_token": tok}).status_code == 404


def test_the_player_takes_its_limits_and_event_types_from_the_server(viewer, film):
    """One place for each: the batch limit comes from the page, and every event the player
    emits is a type the events API and the table accept."""
    import re
    from pathlib import Path

    from core import playback

    page = soup(viewer.client.get(f"/watch/{film.id}"))
    assert int(page.select_one("[data-player]")["data-max-batch"]) == playback.MAX_BATCH
    script = (Path(__file__).resolve().parents[2] / "webapp/static/js/player.js").read_text()
    emitted = set(re.findall(r'emit\("(\w+)"\)', script))
    assert emitted and emitted <= set(playback.EVENT_TYPES)
    assert "MAX_BATCH = 500" not in script
