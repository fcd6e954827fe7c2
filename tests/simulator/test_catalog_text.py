"""The catalogue's words read like a real catalogue's (issue 11): varied names, synopses that
agree with their names, episodes with their own synopses and stills, plausible credits, and
words drawn from their own random stream. Checked over several seeds of full-size catalogues.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import select

from core import catalog as core_catalog
from core.db import Database
from core.models import Artwork, Credit, Episode, Person, Title, TitleTag, TitleTruth
from simulator.catalog import vocab
from simulator.catalog.generate import generate_catalog
from simulator.catalog.people import People
from simulator.catalog.title_text import CatalogText, TitleWords
from simulator.rng import derive
from tests.simulator.worlds import make_db
from webapp.artwork.compose import still_svg, wide_svg

NOW = datetime(2025, 6, 1, 12, 0)
N = 1200  # the default seeded world's size
SEEDS = (3, 7, 11)
KEY = "from-title-1"  # the streams' key of a catalogue made into an empty database

CITY_COUNTRY = {city: code for code, c in vocab.PLACES.items() for city in c.cities}
# Longest first, so "Porto Alegre" is found before "Porto".
CITY = re.compile(r"\b(" + "|".join(re.escape(c) for c in sorted(CITY_COUNTRY, key=len,
                                                                 reverse=True)) + r")\b")
YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)s?\b")


@dataclass
class World:
    seed: int
    db: Database
    titles: list[Title]
    words: list[TitleWords]  # what the name generator recorded, in title order
    episodes: dict[int, list[Episode]]
    credits: dict[int, list[Credit]]
    names: dict[int, str]  # person id -> name


@pytest.fixture(scope="module")
def worlds(tmp_path_factory):
    original = CatalogText.title
    out = []
    for seed in SEEDS:
        recorded: list[TitleWords] = []

        def title(self, *, _recorded=recorded, **kwargs):
            words = original(self, **kwargs)
            _recorded.append(words)
            return words

        db = make_db(tmp_path_factory.mktemp(f"text{seed}") / "t.sqlite3")
        with pytest.MonkeyPatch.context() as mp, db.session() as s:
            mp.setattr(CatalogText, "title", title)
            generate_catalog(s, N, seed=seed, now=NOW)
        with db.read() as s:
            titles = s.scalars(select(Title).order_by(Title.id)).all()
            episodes = defaultdict(list)
            for ep in s.scalars(select(Episode).order_by(Episode.title_id, Episode.season,
                                                         Episode.number)):
                episodes[ep.title_id].append(ep)
            credits = defaultdict(list)
            for c in s.scalars(select(Credit).order_by(Credit.title_id, Credit.position)):
                credits[c.title_id].append(c)
            names = dict(s.execute(select(Person.id, Person.name)).all())
        out.append(World(seed, db, titles, recorded, episodes, credits, names))
    yield out
    for world in out:
        world.db.dispose()


# --- names ------------------------------------------------------------------------------------


@pytest.mark.db
def test_no_naming_template_or_opening_dominates(worlds):
    used = set()
    for w in worlds:
        assert [t.name for t in w.titles] == [words.name for words in w.words]
        templates = Counter(words.template for words in w.words)
        used |= set(templates)
        assert len(templates) >= 90
        assert templates.most_common(1)[0][1] <= 0.02 * N, templates.most_common(3)
        # What a viewer sees: no two opening words ("Nights on", "A Year") on over 2%.
        openings = Counter(" ".join(t.name.split()[:2]) for t in w.titles)
        assert openings.most_common(1)[0][1] <= 0.02 * N, openings.most_common(3)
        assert len({t.name for t in w.titles}) >= 0.98 * N
    assert len(used) >= 0.95 * len(vocab.TITLE_TEMPLATES)


def test_every_city_belongs_to_one_country():
    assert len(CITY_COUNTRY) == sum(len(c.cities) for c in vocab.PLACES.values())
    assert set(vocab.PLACES) == {c for lang in vocab.LANGUAGES for c, _ in lang.countries}


@pytest.mark.db
def test_a_named_city_is_where_the_synopsis_is_set_and_in_the_titles_country(worlds):
    named = 0
    for w in worlds:
        for t in w.titles:
            in_name, in_synopsis = CITY.findall(t.name), CITY.findall(t.synopsis)
            assert all(CITY_COUNTRY[c] == t.country for c in in_name + in_synopsis), t.name
            if in_name:
                named += 1
                assert set(in_synopsis) == set(in_name), (t.name, t.synopsis)
    assert named >= 0.1 * N * len(worlds)  # "A Year in Ghent" and friends are common enough


@pytest.mark.db
def test_a_named_year_is_the_synopsis_year_and_no_year_is_after_release(worlds):
    named = 0
    for w in worlds:
        for t in w.titles:
            years = [int(y) for y in YEAR.findall(t.synopsis)]
            assert all(y <= t.year for y in years), (t.year, t.synopsis)
            for y in re.findall(r"\b(?:19|20)\d\d\b", t.name):
                named += 1
                assert int(y) in years, (t.name, t.synopsis)
            for yy in re.findall(r"'(\d\d)\b", t.name):
                named += 1
                assert any(y % 100 == int(yy) for y in years), (t.name, t.synopsis)
    assert named >= 20


@pytest.mark.db
def test_people_places_and_periods_a_name_names_are_in_its_synopsis(worlds):
    counts = Counter()
    for w in worlds:
        for words in w.words:
            text = words.synopsis
            for fact in ("person", "place", "era", "period", "person2"):
                value = getattr(words, fact, None) if fact != "person2" \
                    else words.facts.get("person2")
                if value is not None:
                    counts[fact] += 1
                    needle = str(value)
                    assert needle in (text.lower() if fact == "period" else text), \
                        (fact, words.name, text)
            if "occupation" in words.facts and words.tone != "kids":
                assert words.facts["occupation"] in text, (words.name, text)
    assert min(counts.values()) >= 30, counts


@pytest.mark.db
def test_synopses_are_unique_and_kids_synopses_stay_gentle(worlds):
    dark = set(vocab.STORY_EVENTS["dark"]) | set(vocab.COMPLICATIONS["dark"]) | set(vocab.ALLIES)
    for w in worlds:
        assert len({t.synopsis for t in w.titles}) == N
        for t, words in zip(w.titles, w.words, strict=True):
            assert 60 <= len(t.synopsis) <= 400
            if words.tone == "kids":
                assert not any(phrase in t.synopsis for phrase in dark), t.synopsis


# --- credits ----------------------------------------------------------------------------------


@pytest.mark.db
def test_cast_and_director_are_distinct_people(worlds):
    for w in worlds:
        for t in w.titles:
            cast = [c.person_id for c in w.credits[t.id] if c.role == "cast"]
            directors = [c.person_id for c in w.credits[t.id] if c.role == "director"]
            assert len(directors) == 1 and 3 <= len(cast) <= 8
            assert len(set(cast)) == len(cast)
            assert directors[0] not in cast


@pytest.mark.db
def test_people_are_named_for_the_titles_language_and_country(worlds):
    for w in worlds:
        # The people of a catalogue made into an empty database, rebuilt from the seed.
        people = People(derive(w.seed, "catalog", KEY, "people"), w.seed, KEY, round(N * 1.2), 1)
        assert {r["id"]: r["name"] for r in people.rows} == w.names
        pool_of = {}
        for (lang, country), pool in people.pools.items():
            for pid in [*pool.actors.tolist(), *pool.directors.tolist()]:
                pool_of[pid] = (lang, country)
        local = total = 0
        for t in w.titles:
            for c in w.credits[t.id]:
                lang, country = pool_of[c.person_id]
                assert lang == t.language, (t.language, w.names[c.person_id])
                if c.role == "director":
                    assert country == t.country
                local += country == t.country
                total += 1
            if t.language in vocab.SURNAME_FIRST:  # "Kim Min-jun", surname first
                for c in w.credits[t.id]:
                    pool = people.pools[pool_of[c.person_id]]
                    assert w.names[c.person_id].split()[0] in pool.lasts
        assert local / total >= 0.75
        # The characters a synopsis names come from the same country's names.
        for words in w.words:
            pool = people.pools[(words.lang, words.country)]
            assert words.hero in pool.firsts or words.hero in vocab.KIDS_NAMES, words.hero


# --- episodes ---------------------------------------------------------------------------------


@pytest.mark.db
def test_every_episode_of_a_season_has_its_own_synopsis_and_name(worlds):
    for w in worlds:
        for title_id, eps in w.episodes.items():
            assert len({ep.synopsis for ep in eps}) == len(eps), title_id  # within the series
            seasons = defaultdict(list)
            for ep in eps:
                seasons[ep.season].append(ep.name)
                assert ep.synopsis.endswith(".") and len(ep.synopsis) >= 30
            for names in seasons.values():
                assert len(set(names)) == len(names), names


@pytest.mark.db
def test_every_episode_of_a_season_has_its_own_still(worlds):
    w = worlds[0]
    series = [t.id for t in w.titles if t.kind == "series"][:12]
    with w.db.read() as s:
        for title_id in series:
            title = core_catalog.get_title(s, title_id, 18)
            wide = {wide_svg(title, v) for v in range(len(title.artworks))}
            by_season = defaultdict(list)
            for ep in title.episodes:
                by_season[ep.season].append(ep.number)
            for season, numbers in by_season.items():
                stills = [still_svg(title, season, n) for n in numbers]
                assert len(set(stills)) == len(stills)
                assert not set(stills) & wide
                assert still_svg(title, season, numbers[-1]) == stills[-1]  # deterministic


# --- random streams ---------------------------------------------------------------------------


def _numbers(db: Database) -> dict:
    """Every generated number of a catalogue (no names, synopses or credits)."""
    with db.read() as s:
        return {
            "titles": s.execute(select(
                Title.id, Title.kind, Title.year, Title.release_date, Title.runtime_minutes,
                Title.seasons, Title.language, Title.country, Title.maturity_age, Title.pace,
                Title.popularity, Title.art_seed).order_by(Title.id)).all(),
            "truth": s.execute(select(TitleTruth.title_id, TitleTruth.quality,
                                      TitleTruth.features).order_by(TitleTruth.title_id)).all(),
            "tags": s.execute(select(TitleTag.title_id, TitleTag.tag_id, TitleTag.position)
                              .order_by(TitleTag.title_id, TitleTag.position)).all(),
            "episodes": s.execute(select(
                Episode.id, Episode.title_id, Episode.season, Episode.number,
                Episode.runtime_seconds, Episode.intro_end_seconds,
                Episode.credits_start_seconds).order_by(Episode.id)).all(),
            "artworks": s.execute(select(Artwork.id, Artwork.title_id, Artwork.variant,
                                         Artwork.focus_tag_id, Artwork.motif)
                                  .order_by(Artwork.id)).all(),
        }


@pytest.mark.db
def test_words_have_their_own_stream_so_rewording_shifts_no_number(tmp_path, monkeypatch):
    def generate(name: str) -> tuple[dict, list[str]]:
        db = make_db(tmp_path / name)
        with db.session() as s:
            generate_catalog(s, 150, seed=5, now=NOW)
        with db.read() as s:
            names = s.scalars(select(Title.name).order_by(Title.id)).all()
        numbers = _numbers(db)
        db.dispose()
        return numbers, names

    before, names_before = generate("a.sqlite3")
    # Reword everything: one naming template, other occupations, no named episodes.
    monkeypatch.setattr(vocab, "TITLE_TEMPLATES", (vocab.TitleTemplate("The {noun}", kids=True),))
    monkeypatch.setattr(vocab, "OCCUPATIONS", ("plumber", "astronomer"))
    monkeypatch.setattr(vocab, "EPISODE_NAMES", ("Only This",))
    after, names_after = generate("b.sqlite3")
    assert names_after != names_before
    assert after == before
