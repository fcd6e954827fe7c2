"""The home row planner: the shared rows cache, kids rows, and planning once per request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.models import Profile, Tag, Title, TitleTag, Viewing
from recommender.cache import TTLCache
from recommender.row_kinds import ADULT_GENRES, RowSpec
from recommender.rows import HomeRows
from tests.conftest import TEST_NOW, soup
from webapp.home import PAGES_CACHE, ROWS_CACHE

HX = {"HX-Request": "true"}


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def watch(database, profile_ids, title_id: int) -> None:
    with database.write() as s:
        for pid in profile_ids:
            s.add(Viewing(profile_id=pid, title_id=title_id, episode_key=0, position_s=900,
                          watched_s=900.0, furthest_s=900, completed=False, hidden=False,
                          plays=1, started_at=TEST_NOW, last_watched_at=TEST_NOW,
                          last_client_time=TEST_NOW))


def test_shared_rows_stay_the_same_within_the_ttl_and_refresh_after(make_viewer, database):
    viewers = [make_viewer(f"v{n}@example.com") for n in range(3)]
    clock = FakeClock()
    shared = TTLCache(ttl_s=45, clock=clock)

    def trending() -> list[int]:
        with database.read() as s:
            profile = s.get(Profile, viewers[0].profile_id)
            row = HomeRows(s, profile, TEST_NOW, None, shared).build(RowSpec("trending", ""))
            return [t.id for t in row.titles]

    with database.read() as s:
        hit = s.scalar(select(Title.id).where(Title.maturity_age <= 13)
                       .order_by(Title.popularity).limit(1))  # the least popular title
    before = trending()
    assert hit not in before
    watch(database, [v.profile_id for v in viewers], hit)  # now the most watched this week
    clock.t += 44
    assert trending() == before  # within the TTL: the same rows, not recomputed
    clock.t += 2
    after = trending()
    assert after[0] == hit and after != before  # past the TTL: computed again


def test_the_app_keeps_its_rows_cache_with_the_configured_ttl(app, settings):
    cache = app.extensions[ROWS_CACHE]
    assert isinstance(cache, TTLCache) and cache.ttl_s == settings.home_rows_cache_s > 0


def _adult_genre_ids(database) -> set[int]:
    with database.read() as s:
        return set(s.scalars(select(Tag.id).where(Tag.kind == "genre",
                                                  Tag.slug.in_(ADULT_GENRES))))


def test_kids_home_has_kids_rows_and_no_adult_genre_rows(kids_viewer, database):
    page = soup(kids_viewer.client.get("/home"))
    headings = [h.get_text() for h in page.select("section.row h2")]
    lazy = {s["hx-get"].rsplit("/", 1)[1]: s for s in page.select("section.row--loading[hx-get]")}
    keys = [s["aria-labelledby"].removeprefix("row-") for s in page.select("section.row[data-row]")]
    keys += list(lazy)
    assert not [k for k in keys if k.removeprefix("genre-") in ADULT_GENRES]
    assert {"kids-cartoons", "kids-family-night"} <= set(lazy)
    assert "genre-animation" in lazy and "genre-family" in lazy
    adult = _adult_genre_ids(database)
    shown: set[int] = set()
    for key in lazy:
        fragment = soup(kids_viewer.client.get(f"/home/rows/{key}", headers=HX))
        shown |= {int(c["data-title-id"]) for c in fragment.select("article.card")}
        if key == "kids-cartoons":
            assert fragment.select_one("h2").get_text() == "Cartoons"
            cartoons = {int(c["data-title-id"]) for c in fragment.select("article.card")}
            assert cartoons
    with database.read() as s:
        assert max(s.scalars(select(Title.maturity_age).where(Title.id.in_(shown)))) <= 7
        animated = set(s.scalars(select(TitleTag.title_id).join(Tag).where(
            Tag.slug == "animation", TitleTag.title_id.in_(cartoons))))
    assert animated == cartoons
    assert headings  # the first screen is there
    for slug in ADULT_GENRES:
        assert kids_viewer.client.get(f"/home/rows/genre-{slug}", headers=HX).status_code == 404
    assert adult  # the catalogue has adult genres, and the kids profile got none of their rows


def test_an_adult_profile_keeps_the_full_genre_rows(viewer):
    page = soup(viewer.client.get("/home"))
    lazy = {s["hx-get"].rsplit("/", 1)[1] for s in page.select("section.row--loading[hx-get]")}
    assert {f"genre-{g}" for g in ("war", "crime", "thriller")} <= lazy
    assert not [k for k in lazy if k.startswith("kids-")]


@pytest.fixture
def plan_calls(monkeypatch):
    calls = []
    original = HomeRows._make_plan

    def counting(self):
        calls.append(self.profile.id)
        return original(self)

    monkeypatch.setattr(HomeRows, "_make_plan", counting)
    return calls


def test_lazy_rows_fill_from_the_page_they_belong_to(viewer, plan_calls, app):
    """The home page is planned once; its lazy rows use that plan (kept per profile for a
    short time) and plan the page again only when none is kept."""
    page = soup(viewer.client.get("/home"))
    assert len(plan_calls) == 1
    urls = [s["hx-get"] for s in page.select("section.row--loading[hx-get]")]
    assert len(urls) >= 3
    plan_calls.clear()
    for url in urls[:3]:
        assert viewer.client.get(url, headers=HX).status_code == 200
    assert plan_calls == []
    app.extensions[PAGES_CACHE].clear()
    assert viewer.client.get(urls[0], headers=HX).status_code == 200
    assert plan_calls == [viewer.profile_id]
    viewer.client.get("/home")  # a new page plans afresh
    assert plan_calls == [viewer.profile_id] * 2


def test_continue_watching_shows_the_newest_twenty_of_a_long_history(viewer, database):
    with database.write() as s:
        titles = s.scalars(select(Title).where(Title.maturity_age <= 13, Title.kind == "film")
                           .order_by(Title.id).limit(30)).all()
        for i, t in enumerate(titles):
            when = TEST_NOW - timedelta(hours=i + 1)
            s.add(Viewing(profile_id=viewer.profile_id, title_id=t.id, episode_key=0,
                          position_s=300, watched_s=300.0, furthest_s=300, completed=i % 3 == 0,
                          hidden=False, plays=1, started_at=when, last_watched_at=when,
                          last_client_time=when))
        expected = [t.id for i, t in enumerate(titles) if i % 3 != 0][:20]
    page = soup(viewer.client.get("/home"))
    cards = page.select("section[aria-labelledby='row-continue'] article.card--wide")
    assert [int(c["data-title-id"]) for c in cards] == expected  # finished films left out


def test_title_cards_match_the_titles_and_are_read_only(database):
    from core import catalog

    with database.read() as s:
        ids = list(s.scalars(select(Title.id).order_by(Title.id).limit(5)))
        titles = catalog.load_titles(s, ids, 18)
        cards = catalog.load_cards(s, ids, 18)
        for title, card in zip(titles, cards, strict=True):
            assert (card.id, card.name, card.kind, card.year, card.maturity_age,
                    card.maturity_label, card.synopsis) == (
                title.id, title.name, title.kind, title.year, title.maturity_age,
                title.maturity_label, title.synopsis)
            assert ([t.name for t in catalog.top_tags(card)]
                    == [t.name for t in catalog.top_tags(title)])
    with pytest.raises(AttributeError):
        cards[0].name = "changed"


def test_cached_cards_respect_each_profiles_limit_and_expire(make_viewer, kids_viewer,
                                                             database):
    """One cache of cards serves every profile, so the limit is applied to each request's
    titles, not when the card was cached; an edited title shows once its card expires."""
    clock = FakeClock()
    cards = TTLCache(ttl_s=45, clock=clock)
    adult = make_viewer("cards@example.com")
    with database.read() as s:
        mixed = list(s.scalars(select(Title.id).order_by(Title.maturity_age.desc(), Title.id)
                               .limit(3)))
        mixed += list(s.scalars(select(Title.id).where(Title.maturity_age == 0)
                                .order_by(Title.id).limit(3)))
        ages = dict(s.execute(select(Title.id, Title.maturity_age)
                              .where(Title.id.in_(mixed))).all())

    def load(profile_id: int) -> list:
        with database.read() as s:
            profile = s.get(Profile, profile_id)
            return HomeRows(s, profile, TEST_NOW, None, None, cards).source.load(mixed)

    assert [t.id for t in load(adult.profile_id)] == mixed  # fills the cache with all six
    assert max(ages[i] for i in mixed) == 18
    kids = load(kids_viewer.profile_id)
    assert [t.id for t in kids] == [i for i in mixed if ages[i] <= 7] and kids
    with database.write() as s:
        s.get(Title, mixed[-1]).name = "Renamed Title"
    clock.t += 44
    assert load(adult.profile_id)[-1].name != "Renamed Title"  # the cached card, within TTL
    clock.t += 2
    assert load(adult.profile_id)[-1].name == "Renamed Title"
