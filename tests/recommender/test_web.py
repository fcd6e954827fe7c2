"""The recommender on the site: personal rows, match figures, "Why this?", the model page."""

import pytest
from sqlalchemy import select

from core.clock import ManualClock
from core.models import Title, Viewing
from recommender.lifecycle import retrain
from tests.conftest import TEST_NOW, soup

HX = {"HX-Request": "true"}


@pytest.fixture
def trained(database, world_db, rec_settings, app):
    outcome = retrain(database, rec_settings, clock=ManualClock(TEST_NOW))
    assert outcome.status == "ok"
    return outcome.version


def _rows(page):
    return [s["aria-labelledby"].removeprefix("row-") for s in page.select("section.row[data-row]")]


def test_without_a_model_the_home_page_serves_popularity_rows(viewer):
    page = soup(viewer.client.get("/home"))
    keys = _rows(page)
    assert keys and "top-picks" not in keys and keys[0] == "trending"
    assert not page.select(".card__match") and not page.select(".card__why")


def test_top_picks_lead_the_home_page_with_match_figures_and_why_links(viewer, trained):
    page = soup(viewer.client.get("/home"))
    keys = _rows(page)
    assert keys[0] == "top-picks" and "trending" in keys
    first = page.select_one("section#row-top-picks, section[aria-labelledby='row-top-picks']")
    assert first.select_one("h2").get_text() == "Top picks for you"
    cards = first.select("article.card")
    assert len(cards) == 20
    matches = [int(c.select_one(".card__match").get_text().split("%")[0]) for c in cards]
    assert all(0 <= m <= 99 for m in matches) and matches[0] >= 90
    why = cards[0].select_one("a.card__why")
    assert why["href"] == f"/why/{cards[0]['data-title-id']}"
    picks = {1, 2, 3}  # make_account picks the first three visible titles
    assert not picks & {int(c["data-title-id"]) for c in cards}


def test_personal_rows_load_lazily_as_fragments(viewer, trained):
    page = soup(viewer.client.get("/home"))
    lazy = [s["hx-get"] for s in page.select("section.row--loading[hx-get]")]
    genre = next(url for url in lazy if "/genre-" in url)
    fragment = soup(viewer.client.get(genre, headers=HX))
    assert fragment.find("html") is None
    row = fragment.select_one("section.row")
    assert row.select_one(".row__why").get_text().endswith("ranked for you")
    assert row.select(".card__match") and row.select("a.card__why")
    picked = next(url for url in lazy if "/because-" in url)
    assert soup(viewer.client.get(picked, headers=HX)).select("article.card")


def test_lazy_rows_reuse_the_pages_ranker_and_show_the_same_titles(viewer, trained, app,
                                                                   monkeypatch):
    """A lazy row fills from its page's kept ranker state (no second load of the profile's
    signals) and shows exactly what planning it afresh shows."""
    import recommender.scoring as scoring
    from webapp.home import PAGES_CACHE

    page = soup(viewer.client.get("/home"))
    lazy = [s["hx-get"] for s in page.select("section.row--loading[hx-get]")]
    picked = [url for url in lazy if "/genre-" in url or "/because-" in url][:3]
    loads = []
    original = scoring.load_interactions
    monkeypatch.setattr(scoring, "load_interactions",
                        lambda *a, **k: loads.append(1) or original(*a, **k))

    def cards(url):
        row = soup(viewer.client.get(url, headers=HX))
        return [(c["data-title-id"], c.select_one(".card__match").get_text())
                for c in row.select("article.card")]

    kept = [cards(url) for url in picked]
    assert loads == [] and all(kept)
    fresh = []
    for url in picked:
        app.extensions[PAGES_CACHE].clear()
        fresh.append(cards(url))
    assert len(loads) == len(picked)  # without a kept page each row loads the signals again
    assert kept == fresh


def test_a_new_home_page_reuses_the_ranker_only_while_the_signals_are_unchanged(
        viewer, trained, database, monkeypatch):
    """A second home page with nothing new reuses the kept ranker state (no load of the
    profile's signals) and shows the same top picks; once the profile gives a thumbs down
    (written here as another worker would), the next home page loads its signals again and
    the title has left Top picks."""
    import recommender.scoring as scoring
    from core import activity

    def top_picks(page):
        row = page.select_one("section[aria-labelledby='row-top-picks']")
        return [int(c["data-title-id"]) for c in row.select("article.card")]

    first = top_picks(soup(viewer.client.get("/home")))
    loads = []
    original = scoring.load_interactions
    monkeypatch.setattr(scoring, "load_interactions",
                        lambda *a, **k: loads.append(1) or original(*a, **k))
    assert top_picks(soup(viewer.client.get("/home"))) == first and loads == []
    with database.write() as s:
        activity.rate_title(s, viewer.profile_id, first[0], -1, TEST_NOW)
    after = top_picks(soup(viewer.client.get("/home")))
    assert loads == [1] and first[0] not in after


def test_because_you_watched_follows_recent_completed_viewings(viewer, trained, database):
    with database.write() as s:
        title = s.scalar(select(Title).where(Title.kind == "film").order_by(Title.id.desc()))
        s.add(Viewing(profile_id=viewer.profile_id, title_id=title.id, episode_key=0,
                      watched_s=title.runtime_minutes * 60, completed=True,
                      started_at=TEST_NOW, last_watched_at=TEST_NOW, last_client_time=TEST_NOW))
        title_id, name = title.id, title.name
    page = soup(viewer.client.get("/home"))
    heads = [h.get_text() for h in page.select("section.row h2")]
    assert f"Because you watched {name}" in heads
    row = soup(viewer.client.get(f"/home/rows/watched-{title_id}", headers=HX))
    ids = [int(c["data-title-id"]) for c in row.select("article.card")]
    assert ids and title_id not in ids


def test_kids_top_picks_stay_within_the_limit(kids_viewer, trained, database):
    page = soup(kids_viewer.client.get("/home"))
    ids = [int(c["data-title-id"]) for c in page.select("article.card")]
    with database.read() as s:
        ages = dict(s.execute(select(Title.id, Title.maturity_age)).all())
    assert "top-picks" in _rows(page) and max(ages[i] for i in ids) <= 7
    over = next(t for t, age in ages.items() if age > 7)
    assert kids_viewer.client.get(f"/why/{over}").status_code == 404


def test_why_this_parts_sum_to_the_score_as_page_and_fragment(viewer, trained):
    page = soup(viewer.client.get("/home"))
    card = page.select_one("section[aria-labelledby='row-top-picks'] article.card")
    url = card.select_one("a.card__why")["href"]
    full = soup(viewer.client.get(url))
    assert full.find("html") is not None and full.select_one("h1#why-heading")
    parts = {tr["data-part"]: float(tr["data-value"]) for tr in full.select("tr[data-part]")}
    # Only the parts the serving model has: factor rows for a factor model, the item-item
    # row for EASE or kNN, both for a blend.
    assert parts and set(parts) <= {"global_mean", "user_bias", "item_bias", "factors",
                                    "neighbours", "content"}
    assert "factors" in parts or "neighbours" in parts
    score = float(full.select_one("[data-score]").get_text())
    assert abs(sum(parts.values()) - score) < 1e-3
    assert full.select_one("[data-version]").get_text() == trained
    assert full.select(".why__filters li")
    fragment = soup(viewer.client.get(url, headers=HX))
    assert fragment.find("html") is None and fragment.select_one("[role=dialog] tr[data-part]")


def test_why_this_without_a_model_says_rows_are_popular(viewer):
    page = soup(viewer.client.get("/why/5"))
    assert "No recommender model is serving" in page.select_one(".why__none").get_text()


def test_model_page_is_for_educators(make_viewer, trained, client):
    plain = make_viewer("plain@example.com")
    assert plain.client.get("/models/").status_code == 404
    assert client.get("/models/").status_code == 404
    edu = make_viewer("edu@example.com", role="educator")
    page = soup(edu.client.get("/models/"))
    assert page.select_one("[data-current]")["data-current"] == trained
    assert page.select_one(f"tr[data-version='{trained}']")["aria-current"] == "true"
    assert page.select_one("svg.models-chart polyline.line-model")
    assert page.select_one("tr[data-run] .status-ok")
    assert page.select_one("[data-scheduler]")["data-scheduler"] == "stopped"
    fragment = soup(edu.client.get("/models/", headers=HX))
    assert fragment.find("html") is None and fragment.select_one("[data-current]")


def test_healthz_reports_the_serving_model(client, trained):
    assert client.get("/healthz").json["model_version"] == trained


def test_more_like_this_uses_the_model_when_one_serves(viewer, trained, database, app):
    from core.models import Profile
    from recommender.personal import PersonalRows

    page = soup(viewer.client.get("/title/10"))
    shown = [int(c["data-title-id"]) for c in page.select(".more-like-this article.card")]
    model = app.extensions["streamsim.models"].get()
    with database.read() as s:
        expected = PersonalRows(s, s.get(Profile, viewer.profile_id), TEST_NOW,
                                model).similar(10, n=12)
    assert shown == expected and 10 not in shown


def test_more_like_this_without_a_model_shares_tags(viewer, database):
    from core import catalog

    page = soup(viewer.client.get("/title/10"))
    shown = [int(c["data-title-id"]) for c in page.select(".more-like-this article.card")]
    with database.read() as s:
        title = catalog.get_title(s, 10, 18)
        assert shown == [t.id for t in catalog.similar_titles(s, title, 18, n=12)]


def test_search_is_reranked_lightly_for_the_profile(viewer, trained, database, app):
    from core import catalog
    from core.models import Profile
    from recommender.personal import rerank_search

    with database.read() as s:
        genre = catalog.tags(s, "genre")[0]
        plain = catalog.search(s, genre.name, 18).titles
        profile = s.get(Profile, viewer.profile_id)
        mine = rerank_search(s, profile, TEST_NOW, genre.name, list(plain),
                             app.extensions["streamsim.models"].get())
    assert sorted(t.id for t in mine) == sorted(t.id for t in plain) and len(plain) > 5
    assert [t.id for t in mine] != [t.id for t in plain]
    page = soup(viewer.client.get("/search/", query_string={"q": genre.name}))
    ids = [int(c["data-title-id"]) for c in page.select("article.card")]
    assert ids[: len(mine)] == [t.id for t in mine][: len(ids)]


def test_model_page_survives_partial_and_unreadable_cards(make_viewer, trained, rec_settings):
    (rec_settings.model_dir / "20200101T000000").mkdir()  # a version folder without a card
    bare = rec_settings.model_dir / "20200102T000000"
    bare.mkdir()
    (bare / "card.json").write_text('{"version": "20200102T000000"}')
    edu = make_viewer("edu3@example.com", role="educator")
    response = edu.client.get("/models/")
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("tr[data-version='20200101T000000']").get_text().count("unreadable")
    assert page.select_one("tr[data-version='20200102T000000']")
