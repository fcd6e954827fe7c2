"""The pages a viewer uses, each htmx endpoint both as a full page and as a fragment."""

from sqlalchemy import func, select

from core.models import Credit, ListItem, Profile, Rating, SearchQuery, TastePick, Title
from tests.conftest import csrf_from, soup
from tests.webapp.conftest import active_profile, login, make_account, select_profile

HX = {"HX-Request": "true"}


def card_ids(response, selector="[data-title-id]"):
    return [int(el["data-title-id"]) for el in soup(response).select(selector)]


def test_healthz_reports_the_database(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json == {"status": "ok", "database": "ok", "model_version": None}


def test_home_has_a_billboard_and_first_screen_rows_without_repeats(viewer):
    r = viewer.client.get("/home")
    assert r.status_code == 200
    page = soup(r)
    assert page.select_one(".billboard h1").get_text(strip=True)
    rows = page.select("section.row[data-row]")
    assert len(rows) >= 3
    seen = []
    for row in rows:
        seen += [int(c["data-title-id"]) for c in row.select("[data-title-id]")]
    assert len(seen) == len(set(seen)), "a title repeats across the first screen's rows"
    headings = [h.get_text(strip=True) for h in page.select(".row__head h2")]
    assert "Trending Now" in headings
    lazy = page.select("section.row--loading[hx-get][hx-trigger=revealed]")
    assert len(lazy) >= 5
    assert r.headers["Vary"] == "HX-Request" or "HX-Request" in r.headers["Vary"]


def test_lazy_rows_come_as_fragments(viewer):
    page = soup(viewer.client.get("/home"))
    urls = [s["hx-get"] for s in page.select("section.row--loading")]
    r = viewer.client.get(urls[0], headers=HX)
    assert r.status_code == 200
    fragment = soup(r)
    assert fragment.find("html") is None
    assert fragment.select_one("section.row h2")
    assert len(fragment.select("[data-title-id]")) > 0
    assert viewer.client.get("/home/rows/not-a-row", headers=HX).status_code == 404


def test_top10_rows_have_rank_numerals_and_films_and_series_apart(viewer, database):
    r = viewer.client.get("/home/rows/top10-film", headers=HX)
    ranks = [el.get_text() for el in soup(r).select(".rank")]
    assert ranks == [str(i) for i in range(1, 11)]
    with database.read() as s:
        kinds = {s.get(Title, i).kind for i in card_ids(r)}
    assert kinds == {"film"}
    r = viewer.client.get("/home/rows/top10-series", headers=HX)
    with database.read() as s:
        assert {s.get(Title, i).kind for i in card_ids(r)} == {"series"}


def test_onboarding_picks_shape_the_first_home_page(make_viewer, database):
    v = make_viewer("pick@example.com", onboard=False)
    c = v.client
    assert "/welcome" in c.get("/home").headers["Location"]
    r = c.get("/welcome/")
    candidates = card_ids_from_picker(r)
    assert 30 <= len(candidates) <= 40
    with database.read() as s:
        genres = {s.get(Title, t).tag_links[0].tag_id for t in candidates}
    assert len(genres) >= 10, "the picker should spread across genres"
    button = soup(r).select_one("#onboarding-continue")
    assert button.has_attr("disabled")
    token = csrf_from(r)
    for title_id in candidates[:3]:
        t = c.post(f"/welcome/toggle/{title_id}", headers={**HX, "X-CSRFToken": token})
        assert t.status_code == 200
    frag = soup(t)
    assert frag.select_one("form.pick.is-picked")
    assert not frag.select_one("#onboarding-continue").has_attr("disabled")
    assert "3" in frag.select_one("#pick-counter").get_text()
    r = c.post("/welcome/done", data={"csrf_token": token})
    assert r.status_code == 302 and r.headers["Location"].endswith("/home")
    with database.read() as s:
        picks = set(s.scalars(select(TastePick.title_id).where(
            TastePick.profile_id == v.profile_id)))
        first = s.get(Title, candidates[0])
    assert picks == set(candidates[:3])
    home = soup(c.get("/home"))
    headings = [h.get_text(strip=True) for h in home.select(".row__head h2")]
    assert f"Because you picked {first.name}" in headings or any(
        h.startswith("Because you picked") for h in headings)


def card_ids_from_picker(response):
    return [int(f["hx-post"].split("/toggle/")[1].split("?")[0])
            for f in soup(response).select("form.pick")]


def test_onboarding_needs_three_picks(make_viewer, database):
    v = make_viewer("few@example.com", onboard=False)
    r = v.client.get("/welcome/")
    token = csrf_from(r)
    first = card_ids_from_picker(r)[0]
    v.client.post(f"/welcome/toggle/{first}", headers={**HX, "X-CSRFToken": token})
    r = v.client.post("/welcome/done", data={"csrf_token": token})
    assert "/welcome" in r.headers["Location"]
    with database.read() as s:
        assert s.get(Profile, v.profile_id).onboarded_at is None


def test_show_me_others_gives_different_titles(make_viewer):
    v = make_viewer("others@example.com", onboard=False)
    first = set(card_ids_from_picker(v.client.get("/welcome/")))
    r = v.client.get("/welcome/?offset=1", headers=HX)
    assert soup(r).find("html") is None
    second = set(card_ids_from_picker(r))
    assert second and len(first & second) < len(second) / 4


def test_title_page_and_modal_fragment(viewer, database):
    with database.read() as s:
        series = s.scalar(select(Title).where(Title.kind == "series", Title.maturity_age <= 18)
                          .order_by(Title.id))
    page = viewer.client.get(f"/title/{series.id}")
    assert page.status_code == 200
    doc = soup(page)
    assert doc.select_one("h1#title-heading").get_text(strip=True) == series.name
    assert doc.select(".episode") and doc.select("a[href^='/people/']")
    assert doc.select(".more-like-this [data-title-id]")
    modal = viewer.client.get(f"/title/{series.id}?modal=1", headers=HX)
    frag = soup(modal)
    assert frag.find("html") is None
    assert frag.select_one("[role=dialog][aria-modal=true] #title-heading")


def test_episode_stills_differ_within_a_season_and_critics_score_shows(viewer, database):
    with database.read() as s:
        series = s.scalar(select(Title).where(Title.kind == "series", Title.maturity_age <= 18)
                          .order_by(Title.id))
        reviewed = s.scalar(select(Title).where(Title.critic_score.is_not(None),
                                                Title.maturity_age <= 18).order_by(Title.id))
    doc = soup(viewer.client.get(f"/title/{series.id}"))
    stills = [img["src"] for img in doc.select(".episode__thumb")]
    assert len(stills) == len(set(stills)) > 1  # one still per episode
    first = viewer.client.get(stills[0])
    assert first.status_code == 200 and first.mimetype == "image/svg+xml"
    bodies = {viewer.client.get(src).data for src in stills[:6]}
    assert len(bodies) == min(6, len(stills))  # drawn differently
    assert viewer.client.get(f"/art/{series.id}/still.svg?season=99&number=1").status_code == 404
    page = soup(viewer.client.get(f"/title/{reviewed.id}"))
    assert page.select_one(".critics").get_text(strip=True) == f"Critics {reviewed.critic_score}%"


def test_thumbs_upsert_change_and_remove(viewer, database):
    with database.read() as s:
        title_id = s.scalar(select(func.min(Title.id)))
    token = csrf_from(viewer.client.get(f"/title/{title_id}"))
    post = lambda v: viewer.client.post(f"/title/{title_id}/rating",  # noqa: E731
                                        data={"value": v, "csrf_token": token}, headers=HX)
    assert post("1").status_code == 200
    assert post("2").status_code == 200
    with database.read() as s:
        rows = s.scalars(select(Rating).where(Rating.profile_id == viewer.profile_id)).all()
    assert [r.value for r in rows] == [2]
    r = post("2")  # the same thumb again takes it back
    assert soup(r).select("button.thumb[aria-pressed=true]") == []
    with database.read() as s:
        assert s.scalar(select(func.count()).select_from(Rating)) == 0
    assert post("5").status_code == 400


def test_my_list_add_remove_and_page(viewer, database):
    with database.read() as s:
        title_id = s.scalar(select(func.min(Title.id)))
    token = csrf_from(viewer.client.get("/home"))
    for _ in range(2):  # a double click adds once
        r = viewer.client.post(f"/title/{title_id}/list?compact=1",
                               data={"action": "add", "csrf_token": token}, headers=HX)
    assert soup(r).select_one("button[aria-pressed=true]")
    assert card_ids(viewer.client.get("/browse/my-list")) == [title_id]
    headings = [h.get_text(strip=True) for h in soup(viewer.client.get("/home")).select("h2")]
    assert "My List" in headings
    viewer.client.post(f"/title/{title_id}/list?compact=1",
                       data={"action": "remove", "csrf_token": token}, headers=HX)
    with database.read() as s:
        assert s.scalar(select(func.count()).select_from(ListItem)) == 0


def test_browse_filters_sort_and_pages(viewer, database):
    r = viewer.client.get("/browse/?genre=drama&sort=az")
    ids = card_ids(r)
    with database.read() as s:
        titles = [s.get(Title, i) for i in ids]
        assert all(any(link.tag.slug == "drama" for link in t.tag_links) for t in titles)
    names = [t.name for t in titles]
    assert names == sorted(names)
    full = viewer.client.get("/browse/")
    total = int(soup(full).select_one(".result-count").get_text().split()[0])
    assert total > 36
    more = soup(full).select_one(".grid-sentinel[hx-trigger=revealed]")
    assert "page=2" in more["hx-get"]
    page2 = viewer.client.get(more["hx-get"], headers=HX)
    assert soup(page2).find("html") is None
    assert not set(card_ids(page2)) & set(card_ids(full))
    decade = viewer.client.get("/browse/?decade=1990")
    with database.read() as s:
        assert all(1990 <= s.get(Title, i).year < 2000 for i in card_ids(decade))
    films = viewer.client.get("/browse/?kind=film&language=en")
    with database.read() as s:
        assert {(s.get(Title, i).kind, s.get(Title, i).language) for i in card_ids(films)} == {
            ("film", "en")}
    fragment = viewer.client.get("/browse/?mood=dark", headers=HX)
    assert soup(fragment).select_one("#browse-results") and soup(fragment).find("html") is None


def test_search_matches_titles_people_and_tags_and_is_logged(viewer, database):
    with database.read() as s:
        title = s.scalar(select(Title).order_by(Title.popularity.desc()))
        credit = s.scalar(select(Credit).where(Credit.role == "director").order_by(Credit.title_id))
        director_name = credit.person.name
    r = viewer.client.get("/search/", query_string={"q": title.name})
    assert card_ids(r)[0] == title.id
    r = viewer.client.get("/search/", query_string={"q": director_name}, headers=HX)
    assert credit.title_id in card_ids(r) and soup(r).find("html") is None
    r = viewer.client.get("/search/", query_string={"q": "thriller"})
    assert len(card_ids(r)) > 0
    r = viewer.client.get("/search/", query_string={"q": "zzqxj nothing"})
    empty = soup(r).select_one(".empty-state")
    assert "No results for" in empty.get_text() and empty.select("a.chip")
    with database.read() as s:
        logged = s.scalars(select(SearchQuery.query).where(
            SearchQuery.profile_id == viewer.profile_id).order_by(SearchQuery.id)).all()
    assert logged == [title.name, director_name, "thriller", "zzqxj nothing"]


def test_person_page_lists_their_titles(viewer, database):
    with database.read() as s:
        n_titles = func.count(func.distinct(Credit.title_id))
        person_id, n = s.execute(select(Credit.person_id, n_titles).group_by(Credit.person_id)
                                 .order_by(n_titles.desc(), Credit.person_id)).first()
    r = viewer.client.get(f"/people/{person_id}")
    assert len(card_ids(r)) == n


def test_profiles_create_edit_delete_and_limit(make_viewer, database):
    v = make_viewer("fam@example.com")
    c = v.client
    for i in range(4):
        token = csrf_from(c.get("/profiles/new"))
        r = c.post("/profiles/new", data={"name": f"P{i}", "avatar": "teal", "language": "en",
                                          "maturity_limit": "7", "csrf_token": token})
        assert r.status_code == 302
        select_profile(c, v.profile_id)
    token = csrf_from(c.get("/profiles/new"))
    r = c.post("/profiles/new", data={"name": "Sixth", "avatar": "teal", "language": "en",
                                      "maturity_limit": "7", "csrf_token": token})
    assert r.status_code == 400 and "up to 5" in soup(r).select_one(".form-errors").get_text()
    with database.read() as s:
        ids = s.scalars(select(Profile.id).where(Profile.account_id == v.account_id)
                        .order_by(Profile.id)).all()
    assert len(ids) == 5
    token = csrf_from(c.get(f"/profiles/{ids[-1]}/edit"))
    r = c.post(f"/profiles/{ids[-1]}/edit", data={
        "name": "Little one", "avatar": "lime", "language": "fr", "is_kids": "y",
        "maturity_limit": "7", "csrf_token": token, "account_id": "999", "id": "1"})
    assert r.status_code == 302
    with database.read() as s:
        edited = s.get(Profile, ids[-1])
        assert (edited.name, edited.is_kids, edited.maturity_limit, edited.language,
                edited.account_id) == ("Little one", True, 7, "fr", v.account_id)
    # Deleting asks first: a post without confirm=yes (or a GET) only shows the question.
    r = c.post(f"/profiles/{ids[-1]}/delete", data={"csrf_token": token})
    assert r.status_code == 200
    with database.read() as s:
        assert s.get(Profile, ids[-1]) is not None
    edit = soup(c.get(f"/profiles/{ids[-1]}/edit"))
    confirm_url = edit.select_one("a[data-delete-profile]")["href"]
    question = soup(c.get(confirm_url))
    assert "Delete Little one?" in question.select_one("h1").get_text()
    form = question.select_one("form[method=post]")
    data = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    assert data["confirm"] == "yes"
    r = c.post(form["action"], data=data)
    assert r.status_code == 302
    with database.read() as s:
        assert s.get(Profile, ids[-1]) is None


def test_the_first_profile_form_speaks_to_you_and_defaults_to_all_ratings(app, database):
    make_account(database, "first@example.com", profiles=())
    c = app.test_client()
    login(c, "first@example.com")
    page = soup(c.get("/profiles/new"))
    assert "another person" not in page.select_one("[data-lead]").get_text()
    assert page.select_one("#maturity_limit option[selected]")["value"] == "18"
    # No name yet: no avatar pretends to be an "S".
    initials = {a.get_text(strip=True) for a in page.select(".avatar-choice .avatar")}
    assert initials == {"☺"}
    token = csrf_from(c.get("/profiles/new"))
    r = c.post("/profiles/new", data={"name": "Grown-up", "avatar": "teal", "language": "en",
                                      "maturity_limit": "18", "csrf_token": token})
    assert r.status_code == 302
    page = soup(c.get("/profiles/new"))
    assert "another person" in page.select_one("[data-lead]").get_text()
    # A form shown again (here with a bad PIN) uses the profile's initial.
    token = csrf_from(c.get("/profiles/new"))
    r = c.post("/profiles/new", data={"name": "Zoe", "avatar": "sky", "language": "en",
                                      "maturity_limit": "18", "pin": "12", "csrf_token": token})
    assert r.status_code == 400
    assert {a.get_text(strip=True) for a in soup(r).select(".avatar-choice .avatar")} == {"Z"}
    token = csrf_from(c.get("/profiles/new"))
    # A kids profile left on "all ratings" gets the kids default, not an error or 18+.
    r = c.post("/profiles/new", data={"name": "Little", "avatar": "lime", "language": "en",
                                      "is_kids": "y", "maturity_limit": "18", "csrf_token": token})
    assert r.status_code == 302
    with database.read() as s:
        limits = dict(s.execute(select(Profile.name, Profile.maturity_limit)).all())
    assert limits == {"Grown-up": 18, "Little": 7}


def test_a_kids_profile_is_never_offered_managing_and_has_its_own_look(kids_viewer, viewer):
    page = soup(kids_viewer.client.get("/profiles/?manage=1"))
    assert page.select_one("h1").get_text() == "Who's watching?"
    assert not page.select("a[href*='manage=1']") and not page.select("a[href*='/edit']")
    home = soup(kids_viewer.client.get("/home"))
    assert "kids" in home.body["class"]
    assert not home.select(".profile-menu a[href*='manage=1']")
    assert "kids" not in soup(viewer.client.get("/home")).body.get("class", [])


def test_leaving_a_kids_profile_needs_its_pin(app, database):
    _, (adult, kid) = make_account(database, "pin@example.com", profiles=(
        {"name": "Parent"}, {"name": "Kid", "is_kids": True, "maturity_limit": 7, "pin": "1234"}))
    c = app.test_client()
    login(c, "pin@example.com")
    select_profile(c, kid)
    assert select_profile(c, adult).headers["Location"].endswith("/profiles/")
    assert active_profile(c, database) == kid
    assert select_profile(c, adult, pin="0000").headers["Location"].endswith("/profiles/")
    assert select_profile(c, adult, pin="1234").headers["Location"].endswith("/home")
    assert active_profile(c, database) == adult
    # a kids profile cannot manage profiles
    select_profile(c, kid)
    assert c.get("/profiles/new").headers["Location"].endswith("/profiles/")


def test_unsafe_htmx_endpoints_also_answer_plain_form_posts_with_the_full_page(viewer, database):
    """Without JavaScript the same forms work: the answer is the whole page, not a fragment."""
    with database.read() as s:
        title_id = s.scalar(select(func.min(Title.id)))
    token = csrf_from(viewer.client.get(f"/title/{title_id}"))
    for url, data in ((f"/title/{title_id}/rating", {"value": "1"}),
                      (f"/title/{title_id}/list", {"action": "add"})):
        full = viewer.client.post(url, data={**data, "csrf_token": token})
        assert full.status_code == 200
        assert soup(full).find("html") is not None and soup(full).select_one("#title-heading")
        assert "HX-Request" in full.headers["Vary"]
    r = viewer.client.get("/welcome/")
    toggled = viewer.client.post(f"/welcome/toggle/{card_ids_from_picker(r)[0]}",
                                 data={"csrf_token": token})
    assert soup(toggled).find("html") is not None


def test_header_search_is_live_and_in_step_with_the_search_page(viewer):
    page = soup(viewer.client.get("/search/", query_string={"q": "love"}))
    top, hero = page.select_one("#top-search"), page.select_one("#search-q")
    assert top["value"] == hero["value"] == "love"
    assert page.select_one("h1").get_text(strip=True) == "Search"
    # On the search page both boxes swap the results region, debounced, and push the URL.
    for box in (top, hero):
        assert box["hx-get"] == "/search/" and "delay:" in box["hx-trigger"]
        assert box["hx-target"] == "#search-results" and box.has_attr("data-search-sync")
    # Elsewhere the header box brings in the search page's main region.
    home_box = soup(viewer.client.get("/home")).select_one("#top-search")
    assert home_box["hx-target"] == "#main" and home_box["hx-select"] == "#main"
    # The server answers each: the results fragment, or the whole page without autofocus.
    fragment = viewer.client.get("/search/?q=love", headers={**HX, "HX-Target": "search-results"})
    assert soup(fragment).find("html") is None and soup(fragment).select_one("#search-results")
    whole = viewer.client.get("/search/?q=love", headers={
        **HX, "HX-Target": "main", "HX-Trigger": "top-search"})
    assert soup(whole).select_one("main#main #search-results")
    assert not soup(whole).select_one("#search-q").has_attr("autofocus")
    assert "HX-Target" in whole.headers["Vary"]
    # Without JS it is a plain GET form.
    form = page.select_one("form.searchbox")
    assert form["method"] == "get" and form["action"] == "/search/"


def test_the_title_modal_has_no_banner_and_home_deep_links_open_it(viewer, database):
    with database.read() as s:
        title_id = s.scalar(select(func.min(Title.id)).where(Title.maturity_age <= 18))
    modal = soup(viewer.client.get(f"/title/{title_id}?modal=1", headers=HX))
    assert modal.select_one("[role=dialog]")
    assert not modal.select("header, [role=banner]")
    home = soup(viewer.client.get(f"/home?title={title_id}"))
    loader = home.select_one("[data-deep-title]")
    assert loader["hx-get"] == f"/title/{title_id}?modal=1" and loader["hx-trigger"] == "load"
    assert not soup(viewer.client.get("/home")).select("[data-deep-title]")
    card = home.select_one("section.row .card__link")
    card_id = card.find_parent(attrs={"data-title-id": True})["data-title-id"]
    assert card["hx-push-url"] == f"/home?title={card_id}"
    # Cards elsewhere do not pretend to be on home.
    browse = soup(viewer.client.get("/browse/"))
    assert not browse.select(".card__link[hx-push-url]")


def test_every_page_has_the_small_footer(viewer, client):
    for c, url in ((viewer.client, "/home"), (viewer.client, "/search/"), (client, "/login")):
        footer = soup(c.get(url)).select_one("footer.site-footer")
        assert "StreamSim — a teaching lab" in footer.get_text(), url
        assert footer.select_one("a[href='/healthz']"), url


def test_analytics_rows_are_written_after_the_requests_reads(viewer, database, monkeypatch):
    """Impressions and search logs are written once the request's read session has closed
    (webapp.database.write_after_reads), so no commit happens inside a read transaction."""
    from flask import g
    from sqlalchemy import func, select

    from core import activity, impressions
    from core.models import Impression, SearchQuery

    seen = []
    record, log_search = impressions.record_rows, activity.log_search

    def spy(original):
        def wrapped(*args, **kwargs):
            seen.append("db_session" in g)
            return original(*args, **kwargs)
        return wrapped

    monkeypatch.setattr(impressions, "record_rows", spy(record))
    monkeypatch.setattr(activity, "log_search", spy(log_search))
    assert viewer.client.get("/home").status_code == 200
    assert viewer.client.get("/search/?q=the").status_code == 200
    assert seen == [False, False]
    with database.read() as s:
        assert s.scalar(select(func.count()).select_from(Impression)) > 0
        assert s.scalar(select(func.count()).select_from(SearchQuery)) == 1


def test_kept_row_cards_carry_each_sessions_own_token_and_list_state(make_viewer, app):
    """Home row cards are kept as HTML between requests (webapp.filters.row_card); each page
    still gets its own session's CSRF token and its own My List state."""
    import re

    from webapp.filters import CARD_HTML

    def tokens(html):
        return set(re.findall(r'name="csrf_token" value="([^"]+)"', html))

    def pressed(html, title_id):
        card = re.search(rf'data-title-id="{title_id}".*?</article>', html, re.S).group(0)
        return re.search(r'aria-pressed="(true|false)"', card).group(1)

    kept = app.extensions[CARD_HTML]
    kept.clear()
    a, b = make_viewer("a@example.com"), make_viewer("b@example.com")
    page_a = a.client.get("/home").get_data(as_text=True)
    after_a = len(kept)
    page_b = b.client.get("/home").get_data(as_text=True)
    assert after_a > 20 and len(kept) == after_a  # B's cards all came from A's page
    assert len(tokens(page_a)) == 1 and len(tokens(page_b)) == 1
    assert tokens(page_a) != tokens(page_b)
    first = int(re.search(r'<article class="card[^"]*" data-title-id="(\d+)"', page_b).group(1))
    assert b.client.post(f"/title/{first}/list", data={
        "action": "add", "csrf_token": tokens(page_b).pop()}).status_code in (200, 302, 303)
    page_b = b.client.get("/home").get_data(as_text=True)
    page_a = a.client.get("/home").get_data(as_text=True)
    assert pressed(page_b, first) == "true" and pressed(page_a, first) == "false"


def test_kept_continue_watching_cards_follow_the_progress(viewer, database, app):
    """Continue Watching cards are kept as HTML too (webapp.filters.wide_row_card), keyed by
    the progress they show: a title watched further shows its new progress on the next home
    page, and a profile at the same point shows the kept card."""
    import re
    from datetime import timedelta

    from core.models import Title, Viewing
    from tests.conftest import TEST_NOW

    with database.write() as s:
        film = s.scalar(select(Title).where(Title.kind == "film").order_by(Title.id.desc()))
        runtime = film.runtime_minutes * 60
        s.add(Viewing(profile_id=viewer.profile_id, title_id=film.id, episode_key=0,
                      position_s=runtime // 4, watched_s=runtime / 4, furthest_s=runtime // 4,
                      completed=False, hidden=False, plays=1, started_at=TEST_NOW,
                      last_watched_at=TEST_NOW, last_client_time=TEST_NOW))
        film_id = film.id

    def progress():
        html = viewer.client.get("/home").get_data(as_text=True)
        card = re.search(rf'<article class="card card--wide" data-title-id="{film_id}".*?'
                         r'</article>', html, re.S).group(0)
        return int(re.search(r'<progress[^>]*value="(\d+)"', card).group(1))

    assert progress() == 25 and progress() == 25
    with database.write() as s:
        v = s.scalar(select(Viewing).where(Viewing.profile_id == viewer.profile_id,
                                           Viewing.title_id == film_id))
        v.position_s, v.watched_s = runtime // 2, runtime / 2
        v.last_watched_at = TEST_NOW + timedelta(minutes=5)
    assert progress() == 50
