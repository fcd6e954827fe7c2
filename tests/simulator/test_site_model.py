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
from simulator.seed import seed_history
from simulator.site_model import ROW_LENGTH, SiteModel
from simulator.world import load_catalog
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
    top, genres = site.personal_rows(known, allowed)
    assert 0 < len(top) <= ROW_LENGTH and allowed[top].all()
    scores = site.scores(known)
    assert np.all(np.diff(scores[top]) <= 0)  # best first
    best_allowed = np.max(np.where(allowed, scores, -np.inf))
    assert scores[top[0]] == best_allowed
    assert genres and all(allowed[ids].all() for _, ids in genres)
    # every title in a genre row carries that genre (catalog tag columns)
    slugs, member = site._genres
    for slug, ids in genres:
        assert member[slugs.index(slug)][ids].all()
    # genre rows come in the profile's order: mean of its best five scores, descending
    affinity = [float(np.mean(scores[ids[:5]])) for _, ids in genres]
    assert affinity == sorted(affinity, reverse=True)
    assert site.personal_rows(-12345, allowed) is None  # unknown profile: popularity rows


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
    top, _ = site.personal_rows(int(site.profiles[0]), allowed)
    assert len(top) == ROW_LENGTH
