"""The synthetic catalog: shape, believability, ground truth and determinism."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import datetime

import numpy as np
import pytest
from sqlalchemy import func, select

from core.models import (
    Artwork,
    Credit,
    Episode,
    Person,
    Tag,
    Title,
    TitleTag,
    TitleTruth,
)
from simulator.catalog import vocab
from simulator.catalog.features import FEATURE_INDEX, N_FEATURES, decode_features
from simulator.catalog.generate import generate_catalog
from simulator.rng import derive, derive_int, streams
from tests.simulator.worlds import make_db

NOW = datetime(2025, 6, 1, 12, 0)
N = 500
GENRE_WORDS = {g.slug: g.word for g in vocab.GENRES}


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    db = make_db(tmp_path_factory.mktemp("catalog") / "t.sqlite3")
    calls: list[int] = []
    with db.session() as s:
        summary = generate_catalog(s, N, seed=11, now=NOW, progress=calls.append)
    yield db, summary, calls
    db.dispose()


@pytest.fixture(scope="module")
def titles(catalog):
    db = catalog[0]
    with db.read() as s:
        rows = s.scalars(select(Title).order_by(Title.id)).all()
        tags = {t.id: t for t in s.scalars(select(Tag))}
        links = defaultdict(list)
        for link in s.scalars(select(TitleTag).order_by(TitleTag.title_id, TitleTag.position)):
            links[link.title_id].append(tags[link.tag_id])
    return rows, links


def _tags_of(links, title_id, kind):
    return [t.slug for t in links[title_id] if t.kind == kind]


@pytest.mark.db
def test_summary_and_progress(catalog):
    _, summary, calls = catalog
    assert summary.titles == N == summary.films + summary.series
    assert summary.first_title_id == 1 and summary.last_title_id == N
    assert summary.tags_added == len(vocab.GENRES) + len(vocab.MOODS) + len(vocab.THEMES)
    assert calls == sorted(calls) and calls[-1] == N


@pytest.mark.db
def test_about_seventy_percent_films(titles):
    rows, _ = titles
    films = sum(t.kind == "film" for t in rows)
    assert 0.62 <= films / N <= 0.78


@pytest.mark.db
def test_every_series_has_seasons_of_episodes_and_films_have_none(catalog, titles):
    db = catalog[0]
    rows, _ = titles
    with db.read() as s:
        episodes = s.scalars(select(Episode)).all()
    by_title = defaultdict(list)
    for ep in episodes:
        by_title[ep.title_id].append(ep)
        assert 30 <= ep.intro_end_seconds <= 90
        assert ep.intro_end_seconds < ep.credits_start_seconds < ep.runtime_seconds
        assert ep.runtime_seconds - ep.credits_start_seconds <= 300
        assert ep.name
    for t in rows:
        eps = by_title.get(t.id, [])
        if t.kind == "film":
            assert not eps and t.seasons == 0 and 80 <= t.runtime_minutes <= 170
            continue
        assert 1 <= t.seasons <= 6 and 22 <= t.runtime_minutes <= 60
        per_season = Counter(ep.season for ep in eps)
        assert sorted(per_season) == list(range(1, t.seasons + 1))
        assert all(6 <= n <= 10 for n in per_season.values())


@pytest.mark.db
def test_tags_genres_moods_themes(titles):
    rows, links = titles
    for t in rows:
        assert links[t.id][0].kind == "genre"  # position 0 is the primary genre
        for kind in ("genre", "mood", "theme"):
            assert 1 <= len(_tags_of(links, t.id, kind)) <= 3
        assert t.pace in vocab.PACES
    primaries = Counter(_tags_of(links, t.id, "genre")[0] for t in rows)
    assert len(primaries) >= 15  # a varied catalog


@pytest.mark.db
def test_every_title_has_three_artworks_with_distinct_focus_tags(catalog, titles):
    db = catalog[0]
    rows, links = titles
    with db.read() as s:
        arts = s.scalars(select(Artwork).order_by(Artwork.title_id, Artwork.variant)).all()
    by_title = defaultdict(list)
    for art in arts:
        by_title[art.title_id].append(art)
    for t in rows:
        variants = by_title[t.id]
        assert len(variants) >= 3
        assert [a.variant for a in variants] == list(range(len(variants)))
        focus = [a.focus_tag_id for a in variants]
        assert len(set(focus)) == len(focus)
        assert set(focus) <= {tag.id for tag in links[t.id]}
        assert focus[0] == links[t.id][0].id  # variant 0 stresses the primary genre
        assert all(a.motif in vocab.MOTIFS for a in variants)


@pytest.mark.db
def test_casts_and_directors_with_recurring_actors(catalog):
    db = catalog[0]
    with db.read() as s:
        credits = s.scalars(select(Credit)).all()
        people = s.scalar(select(func.count()).select_from(Person))
    assert 0.9 * N * 1.2 <= people <= 1.1 * N * 1.2 + 150  # small languages get a floor
    cast = Counter(c.title_id for c in credits if c.role == "cast")
    directors = Counter(c.title_id for c in credits if c.role == "director")
    assert len(cast) == N and all(3 <= n <= 8 for n in cast.values())
    assert len(directors) == N and set(directors.values()) == {1}
    appearances = Counter(c.person_id for c in credits if c.role == "cast")
    assert max(appearances.values()) >= 3
    assert sum(n >= 3 for n in appearances.values()) >= 20  # actors recur across titles


@pytest.mark.db
def test_synopsis_mentions_the_primary_genre(titles):
    rows, links = titles
    for t in rows:
        primary = _tags_of(links, t.id, "genre")[0]
        assert GENRE_WORDS[primary] in t.synopsis.lower(), (t.name, t.synopsis)
        assert 60 <= len(t.synopsis) <= 400
    assert len({t.synopsis for t in rows}) == N


@pytest.mark.db
def test_names_are_believable_and_mostly_unique(titles):
    rows, _ = titles
    names = [t.name for t in rows]
    assert len(set(names)) >= 0.97 * N
    # A capital letter, or a year ("1917", "1984"): the one name form that starts otherwise.
    assert all(0 < len(n) <= 160 and (n[0].isupper() or n[:4].isdigit()) for n in names)


@pytest.mark.db
def test_maturity_spread_lets_kids_see_a_fifth_of_the_catalog(titles):
    rows, links = titles
    assert {t.maturity_age for t in rows} == set(vocab.MATURITY_AGES)
    kids_share = sum(t.maturity_age <= 7 for t in rows) / N
    assert 0.15 <= kids_share <= 0.40
    for t in rows:
        genres = _tags_of(links, t.id, "genre")
        if "horror" in genres:
            assert t.maturity_age >= 13
        if genres[0] in {"kids", "family"}:
            assert t.maturity_age <= 13


@pytest.mark.db
def test_popularity_is_long_tailed(titles):
    rows, _ = titles
    pop = np.sort(np.array([t.popularity for t in rows]))[::-1]
    assert pop.min() >= 0 and pop.max() <= 100
    assert pop[: N // 10].sum() / pop.sum() >= 0.35
    assert np.median(pop) < pop.mean()


@pytest.mark.db
def test_dates_languages_and_countries(titles):
    rows, _ = titles
    countries = {lang.code: {c for c, _ in lang.countries} for lang in vocab.LANGUAGES}
    for t in rows:
        assert 1970 <= t.year <= NOW.year
        assert t.release_date.year == t.year and t.release_date <= NOW.date()
        assert t.country in countries[t.language]
        assert t.created_at == NOW
    years = np.array([t.year for t in rows])
    assert np.median(years) >= NOW.year - 10  # skewed recent
    languages = Counter(t.language for t in rows)
    assert languages.most_common(1)[0][0] == "en" and len(languages) >= 6


@pytest.mark.db
def test_ground_truth_quality_and_features(catalog, titles):
    db = catalog[0]
    rows, links = titles
    with db.read() as s:
        truths = {t.title_id: t for t in s.scalars(select(TitleTruth))}
    assert set(truths) == {t.id for t in rows}
    quality = np.array([truths[t.id].quality for t in rows])
    assert abs(quality.mean()) < 0.15
    assert quality.max() > 0.8 and quality.min() < -0.8  # some great, some poor
    for t in rows[:100]:
        vec = decode_features(truths[t.id].features)
        assert vec.shape == (N_FEATURES,) and vec.dtype == np.float32
        assert abs(float(np.linalg.norm(vec)) - 1.0) < 1e-4
        primary = _tags_of(links, t.id, "genre")[0]
        genre_dims = [FEATURE_INDEX[f"genre:{g.slug}"] for g in vocab.GENRES]
        assert vec[genre_dims].argmax() == genre_dims.index(FEATURE_INDEX[f"genre:{primary}"])
        assert vec[FEATURE_INDEX[f"pace:{t.pace}"]] > 0.1


def test_named_streams_are_reproducible_and_independent():
    a, b = derive(7, "catalog"), derive(7, "catalog")
    assert np.array_equal(a.random(5), b.random(5))
    assert not np.array_equal(derive(7, "catalog").random(5), derive(7, "population").random(5))
    assert not np.array_equal(derive(7, "catalog").random(5), derive(8, "catalog").random(5))
    s = streams(7)
    assert np.array_equal(s("arm", "svd").random(3), s.get("arm", "svd").random(3))
    assert derive_int(7, "faker") == streams(7).int_seed("faker") < 2**63
    with pytest.raises(ValueError):
        derive(-1, "x")


@pytest.mark.db
def test_same_seed_same_rows_and_no_global_random_state(tmp_path):
    np_state, py_state = np.random.get_state(), random.getstate()

    def dump(seed: int, name: str) -> dict:
        db = make_db(tmp_path / name)
        with db.session() as s:
            generate_catalog(s, 80, seed=seed, now=NOW)
        out = {}
        with db.read() as s:
            for model in (Title, TitleTag, Credit, Person, Tag, Episode, Artwork, TitleTruth):
                table = model.__table__
                order = list(table.primary_key.columns)
                out[table.name] = [tuple(r) for r in s.execute(select(table).order_by(*order))]
        db.dispose()
        return out

    first, second, other = dump(3, "a.sqlite3"), dump(3, "b.sqlite3"), dump(4, "c.sqlite3")
    assert first == second
    assert first["titles"] != other["titles"] and first["people"] != other["people"]
    assert all(first[name] for name in first)
    # No global random state was used or disturbed.
    assert random.getstate() == py_state
    after = np.random.get_state()
    assert after[0] == np_state[0] and np.array_equal(after[1], np_state[1])


@pytest.mark.db
def test_adds_to_an_existing_catalog(tmp_path):
    db = make_db(tmp_path / "grow.sqlite3")
    with db.session() as s:
        one = generate_catalog(s, 40, seed=5, now=NOW)
    with db.session() as s:
        two = generate_catalog(s, 30, seed=5, now=NOW)
    assert (one.first_title_id, one.last_title_id) == (1, 40)
    assert (two.first_title_id, two.last_title_id) == (41, 70) and two.tags_added == 0
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Title)) == 70
        assert s.scalar(select(func.count()).select_from(Tag)) == one.tags_added
        names = s.scalars(select(Title.name).order_by(Title.id)).all()
        art_ids = s.scalars(select(Artwork.id).order_by(Artwork.id)).all()
    assert names[:30] != names[40:70]  # the second batch is not a replay of the first
    assert art_ids == list(range(1, len(art_ids) + 1))
    db.dispose()


@pytest.mark.db
def test_zero_titles_only_ensures_tags(tmp_path):
    db = make_db(tmp_path / "empty.sqlite3")
    with db.session() as s:
        summary = generate_catalog(s, 0, seed=1, now=NOW)
    assert summary.titles == 0
    assert summary.tags_added == len(vocab.GENRES) + len(vocab.MOODS) + len(vocab.THEMES)
    with pytest.raises(ValueError), db.session() as s:
        generate_catalog(s, -1, seed=1, now=NOW)
    db.dispose()


def test_shared_test_catalog_is_consistent_and_ids_keep_working(database):
    """Runs on whatever database the suite uses (PostgreSQL in CI's second pass): the seeded
    catalog is whole, and rows added later without explicit ids do not collide (on
    PostgreSQL the generator moves the id sequences past the ids it assigned)."""
    with database.session() as s:
        n_titles = s.scalar(select(func.count()).select_from(Title))
        assert n_titles > 0
        assert s.scalar(select(func.count()).select_from(TitleTruth)) == n_titles
        art_counts = s.execute(select(Artwork.title_id, func.count())
                               .group_by(Artwork.title_id)).all()
        assert len(art_counts) == n_titles and min(n for _, n in art_counts) >= 3
        series = s.scalars(select(Title.id).where(Title.kind == "series")).all()
        with_eps = set(s.scalars(select(Episode.title_id).distinct()))
        assert set(series) == with_eps
        max_tag = s.scalar(select(func.max(Tag.id)))
        max_person = s.scalar(select(func.max(Person.id)))
        tag, person = Tag(kind="mood", slug="test-only", name="Test"), Person(name="Test Only")
        s.add_all([tag, person])
        s.flush()
        assert tag.id > max_tag and person.id > max_person
        s.rollback()
