"""What the home page costs: SQL statements per page and per lazy row, whatever the history."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from core.clock import ManualClock
from core.models import Profile, Title, Viewing
from recommender.lifecycle import retrain
from tests.conftest import TEST_NOW, soup

HX = {"HX-Request": "true"}
MAX_STATEMENTS = 15  # every statement the engine sends, BEGIN and the impressions INSERT too


@contextmanager
def counted(database) -> Iterator[list[str]]:
    """Every SQL statement the engine sends while the block runs."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


def give_history(database, profile_id: int, n: int) -> None:
    """n titles in progress (series at an episode), one an hour apart."""
    with database.write() as s:
        limit = s.get(Profile, profile_id).maturity_limit
        titles = s.scalars(select(Title).where(Title.maturity_age <= limit)
                           .order_by(Title.id.desc()).limit(n)).all()
        assert len(titles) == n
        for i, t in enumerate(titles):
            ep = t.episodes[0] if t.kind == "series" and t.episodes else None
            when = TEST_NOW - timedelta(hours=i + 1)
            s.add(Viewing(profile_id=profile_id, title_id=t.id, episode_id=ep.id if ep else None,
                          episode_key=ep.id if ep else 0, position_s=300, watched_s=300.0,
                          furthest_s=300, completed=False, hidden=False, plays=1,
                          started_at=when, last_watched_at=when, last_client_time=when))


@pytest.fixture
def trained(database, world_db, rec_settings, app):
    outcome = retrain(database, rec_settings, clock=ManualClock(TEST_NOW))
    assert outcome.status == "ok"
    return outcome.version


def home_cost(viewer, database) -> tuple[int, list[int]]:
    """(statements for /home, statements for each of its lazy rows)."""
    viewer.client.get("/home")  # the first request fills the catalog-wide caches
    with counted(database) as home:
        page = soup(viewer.client.get("/home"))
    lazy = [s["hx-get"] for s in page.select("section.row--loading[hx-get]")]
    assert lazy
    for url in lazy:  # fill the shared rows cache, as the first viewer in a minute would
        viewer.client.get(url, headers=HX)
    rows = []
    for url in lazy:
        with counted(database) as row:
            assert viewer.client.get(url, headers=HX).status_code == 200
        rows.append(len(row))
    return len(home), rows


@pytest.mark.parametrize("history", [0, 3, 60])
def test_home_page_statements_stay_flat_with_history(viewer, database, trained, history):
    give_history(database, viewer.profile_id, history)
    home, rows = home_cost(viewer, database)
    print(f"history {history}: home {home} statements, lazy rows {rows}")
    page = soup(viewer.client.get("/home"))
    resumed = page.select("section[aria-labelledby='row-continue'] article.card--wide")
    assert len(resumed) == min(history, 20)  # the long history really is on the page
    assert home <= MAX_STATEMENTS
    assert max(rows) <= MAX_STATEMENTS


def test_home_page_statements_without_a_model(viewer, database):
    give_history(database, viewer.profile_id, 60)
    home, rows = home_cost(viewer, database)
    print(f"no model: home {home} statements, lazy rows {rows}")
    assert home <= MAX_STATEMENTS
    assert max(rows) <= MAX_STATEMENTS
