"""Taste communities: k-means on user factors, the profile's community, the educator's map."""

import numpy as np
import pytest

from core.clock import ManualClock
from recommender.communities import compute, kmeans
from recommender.lifecycle import retrain
from recommender.scoring import ModelStore
from tests.conftest import TEST_NOW, soup


def test_kmeans_finds_planted_groups_deterministically():
    rng = np.random.default_rng(0)
    centers = np.array([[5.0, 0.0], [0.0, 5.0], [-5.0, -5.0]])
    x = np.concatenate([c + rng.normal(0, 0.3, (40, 2)) for c in centers])
    labels, found = kmeans(x, 3, seed=1)
    for g in range(3):
        assert len(set(labels[g * 40:(g + 1) * 40])) == 1  # each planted group is one cluster
    again, _ = kmeans(x, 3, seed=1)
    assert np.array_equal(labels, again)


@pytest.fixture
def trained(database, world_db, rec_settings, app):
    # Communities live in a factor space: train a factor model (an item-item champion has none).
    settings = rec_settings.with_(rec_candidates=("svd", "popularity"), rec_blend=False)
    assert retrain(database, settings, clock=ManualClock(TEST_NOW)).status == "ok"
    return ModelStore(rec_settings.model_dir).get()


def test_communities_of_a_model(trained):
    found = compute(trained, k=4)
    assert found.labels.shape == (trained.user_ids.size,) and found.sizes.sum() == found.labels.size
    assert len(found.top_titles) == 4 and all(len(t) == 8 for t in found.top_titles)
    assert found.coords.min() >= 0 and found.coords.max() <= 1
    pid = int(trained.user_ids[0])
    assert found.of(trained, pid) == found.nearest(trained.pu[0])


def test_profile_sees_its_community(viewer, trained):
    page = soup(viewer.client.get("/taste"))
    summary = page.select_one("[data-community]")
    assert summary is not None and int(summary["data-community"]) >= 0
    assert len(page.select("article.card")) == 8


def test_profile_without_a_model_has_no_community(viewer):
    page = soup(viewer.client.get("/taste"))
    assert "No recommender model is serving" in page.select_one(".taste__none").get_text()


def test_educator_map_of_communities(make_viewer, trained):
    edu = make_viewer("edu2@example.com", role="educator")
    page = soup(edu.client.get("/models/"))
    dots = page.select("svg.communities-map circle[data-community]")
    assert len(dots) == trained.user_ids.size
    assert len(page.select("[data-legend]")) == 6
