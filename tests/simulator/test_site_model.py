"""Seeding runs the site's recommender as the scheduler would: trained from the database on a
cadence, and its Top picks / ranked genre rows shown to the profiles it knows."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import select

from core.models import Impression
from recommender import models
from recommender.personal import best_in_genres, genre_affinity
from recommender.row_kinds import ROW_LENGTH
from simulator.studies.seed import seed_history
from simulator.studies.site_model import SiteModel
from simulator.viewers.world import load_catalog
from tests.conftest import TEST_NOW


def _shown_keys_by_day(database, days: int) -> list[Counter]:
    """Row kinds shown per simulated day (a late session running past midnight counts on the
    next day, which only moves warm-up rows later)."""
    start = TEST_NOW - timedelta(days=days)
    out = [Counter() for _ in range(days + 1)]
    with database.read() as s:
        for when, key in s.execute(select(Impression.shown_at, Impression.row_key)):
            out[(when - start).days][key.split("-")[0]] += 1
    return out


def test_top_picks_appear_once_the_model_is_trained(database):
    seed_history(database, 40, 4, 5, TEST_NOW, model_from_day=2)
    by_day = _shown_keys_by_day(database, 4)
    assert by_day[0]["top"] == 0 and by_day[1]["top"] == 0  # warm-up: popularity rows only
    assert by_day[2]["top"] > 0 and by_day[3]["top"] > 0
    assert by_day[2]["trending"] > 0  # Trending keeps its place beside the personal rows


def test_without_a_model_no_personal_rows_are_shown(database):
    seed_history(database, 40, 3, 5, TEST_NOW, model_from_day=None)
    assert all(day["top"] == 0 for day in _shown_keys_by_day(database, 3))


def test_site_model_cadence_and_filters(database):
    seed_history(database, 40, 2, 5, TEST_NOW, model_from_day=None)
    with database.read() as s:
        catalog = load_catalog(s)
    site = SiteModel(catalog, from_day=1, retrain_days=2)
    assert [site.due(d) for d in range(6)] == [False, True, False, True, False, True]
    assert not site.maybe_train(database, 0, TEST_NOW) and site.model is None
    assert site.maybe_train(database, 1, TEST_NOW) and site.trainings == 1
    assert site.model.family == "ease"  # one fixed production family (seeding speed)
    known = int(site.profiles[0])
    allowed = catalog.maturity <= 13
    allowed[:50] = False  # as if started already
    view = site.view(known, allowed)
    top = np.array([catalog.index[t] for t in view.top(ROW_LENGTH)])
    assert len(top) == ROW_LENGTH and allowed[top].all()
    scores = site.scores(known)
    assert np.all(np.diff(scores[top]) <= 0)  # best first
    best_allowed = np.max(np.where(allowed, scores, -np.inf))
    assert scores[top[0]] == best_allowed
    shown = set(view.top(5))
    assert shown.isdisjoint(view.top(ROW_LENGTH, exclude=shown))  # exclude leaves them out
    # a genre row: the genre's best allowed titles, in the same order
    tag_ids, slugs, member = site._genres
    genre = tag_ids[int(np.argmax(member[:, allowed].sum(axis=1)))]
    row = np.array([catalog.index[t] for t in view.top(ROW_LENGTH, tag_id=genre)])
    inside = member[tag_ids.index(genre)]
    assert len(row) == ROW_LENGTH and inside[row].all() and allowed[row].all()
    assert scores[row[0]] == np.max(np.where(allowed & inside, scores, -np.inf))
    assert np.all(np.diff(scores[row]) <= 0)
    # affinity: the mean of a genre's best five allowed scores; genres with none left out
    affinity = view.genre_affinity()
    for n, slug in enumerate(slugs):
        pool = np.sort(scores[allowed & member[n]])[::-1][:5]
        if pool.size:
            assert affinity[slug] == pytest.approx(float(pool.mean()))
        else:
            assert slug not in affinity
    # ... to the last bit as the site computes it (genre rows are ordered by it)
    for pid in site.profiles[:20].tolist():
        mine = site.view(int(pid), allowed)
        assert mine.genre_affinity() == genre_affinity(
            slugs, *best_in_genres(member, site.scores(int(pid)), allowed))
    assert site.view(-12345, allowed) is None  # unknown profile: popularity rows


def test_site_model_rejects_bad_cadence(database):
    with database.read() as s:
        catalog = load_catalog(s)
    with pytest.raises(ValueError):
        SiteModel(catalog, from_day=-1)
    with pytest.raises(ValueError):
        SiteModel(catalog, from_day=0, retrain_days=0)
    with pytest.raises(ValueError, match="unknown model family"):
        SiteModel(catalog, from_day=0, family="deep")


def test_site_model_serves_any_production_family(database):
    seed_history(database, 40, 2, 5, TEST_NOW, model_from_day=None)
    with database.read() as s:
        catalog = load_catalog(s)
    site = SiteModel(catalog, from_day=0, family="svd",
                     params=models.default_params("svd", epochs=5, factors=8))
    assert site.maybe_train(database, 0, TEST_NOW) and site.model.has_factors
    allowed = np.ones(len(catalog), bool)
    assert len(site.view(int(site.profiles[0]), allowed).top(ROW_LENGTH)) == ROW_LENGTH
