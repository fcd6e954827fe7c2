"""Engagement analytics (core/engagement.py) on crafted data with hand-counted answers:
last-touch attribution within the window, plays that span a binge, click-through by row and
position, browse time before a play, completion and abandonment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core import accounts, engagement, impressions
from core.models import PlaybackEvent, Title, Viewing
from tests.conftest import TEST_NOW

MIN = timedelta(minutes=1)


@pytest.fixture
def crafted(database):
    with database.write() as s:
        account = accounts.create_account(s, "e@example.com", "correct horse battery", TEST_NOW)
        pid = accounts.create_profile(s, account, TEST_NOW, name="E").id
        a, b, c = s.scalars(select(Title).where(Title.kind == "film").order_by(Title.id)
                            .limit(3)).all()
        t0 = TEST_NOW
        impressions.record_rows(s, pid, [("top-picks", [a.id, b.id], None)], "home", t0)
        impressions.record_rows(s, pid, [("trending", [a.id, c.id], None)], "home", t0 + MIN,
                                first_position=1)
        n = 0

        def event(tid, kind, at, credited=0.0):
            nonlocal n
            n += 1
            s.add(PlaybackEvent(event_id=f"00000000-0000-4000-8000-{n:012d}", profile_id=pid,
                                title_id=tid, type=kind, position_s=0.0, client_time=at,
                                received_at=at + 60 * MIN, credited_s=credited))

        # A: started 2 min after the first row, watched past the end: one completed play,
        # credited to Trending (the last row that showed A), even with a pause and a restart
        # 10 minutes later (the same play).
        event(a.id, "start", t0 + 2 * MIN)
        event(a.id, "heartbeat", t0 + 12 * MIN, 600.0)
        event(a.id, "start", t0 + 20 * MIN)
        event(a.id, "complete", t0 + 30 * MIN, a.runtime_minutes * 60 - 600.0)
        # B: started 45 minutes after Top picks showed it: outside the window, unattributed.
        event(b.id, "start", t0 + 45 * MIN)
        # C: started 3 min after Trending, 60 s watched: an abandoned play from Trending.
        event(c.id, "start", t0 + 4 * MIN)
        event(c.id, "stop", t0 + 5 * MIN, 60.0)
        for title, watched, done in ((a, a.runtime_minutes * 60, True), (c, 60.0, False)):
            s.add(Viewing(profile_id=pid, title_id=title.id, episode_key=0, watched_s=watched,
                          completed=done, started_at=t0, last_watched_at=t0 + 30 * MIN,
                          last_client_time=t0 + 30 * MIN))
        return database, a, b, c


def test_plays_are_credited_to_the_last_row_that_showed_them(crafted):
    database, a, _b, c = crafted
    with database.read() as s:
        report = engagement.rows_report(s, TEST_NOW - MIN)
    rows = {t.label: t for t in report.rows}
    assert report.plays == 3 and report.unattributed == 1
    trending, picks = rows["home: trending"], rows["home: top-picks"]
    assert (trending.impressions, trending.cards, trending.plays) == (1, 2, 2)
    assert trending.click_through == 1.0  # both cards it showed were played
    assert (picks.impressions, picks.cards, picks.plays, picks.click_through) == (1, 2, 0, 0.0)
    assert trending.completed == 1 and trending.abandoned == 1
    assert trending.watched_s == pytest.approx(a.runtime_minutes * 60 + 60.0)
    positions = {t.label: t for t in report.positions}
    assert positions["row 1"].plays == 0 and positions["row 2"].plays == 2
    # Browse time: the visit's first row (Top picks, t0) to each play: 2 and 4 minutes.
    assert sorted(report.browse_seconds) == [120.0, 240.0]
    assert report.browse_median_s == 180.0


def test_rows_can_be_grouped_into_families(crafted):
    database, *_ = crafted
    with database.read() as s:
        report = engagement.rows_report(s, TEST_NOW - MIN, family=lambda surface, key: surface)
    assert [(t.label, t.impressions, t.plays) for t in report.rows] == [("home", 2, 2)]


def test_titles_and_genres_count_completion_and_abandonment(crafted):
    database, a, _b, c = crafted
    with database.read() as s:
        titles = {t.label: t for t in engagement.by_title(s, TEST_NOW - MIN)}
        genres = engagement.by_genre(s, TEST_NOW - MIN)
        later = engagement.by_title(s, TEST_NOW + 60 * MIN)
    assert titles[a.name].completion_rate == 1.0 and titles[a.name].abandonment_rate == 0.0
    assert titles[c.name].abandonment_rate == 1.0 and titles[c.name].completion_rate == 0.0
    assert sum(g.viewings for g in genres) == 2 and later == []
    assert list(titles) == [a.name, c.name]  # most watch time first
