"""The behaviour model's pieces, as pure functions."""

from __future__ import annotations

from datetime import datetime

import numpy as np

from simulator.rng import derive
from simulator.viewers import behaviour as bh
from simulator.viewers.session import ProfileState, ShownRow, Viewer, run_session


def test_choice_probabilities_sum_to_one_and_include_no_click():
    rng = derive(1, "t")
    appeal = rng.normal(0, 1, 30)
    attn = bh.attention(3, 10).ravel()
    p = bh.choice_probabilities(appeal, attn)
    assert p.shape == (31,)
    assert np.isclose(p.sum(), 1.0)
    assert (p > 0).all()


def test_attention_lowers_clicks_down_rows_and_along_rows():
    attn = bh.attention(3, 5)
    p = bh.choice_probabilities(np.zeros(15), attn)[1:].reshape(3, 5)
    assert (np.diff(p, axis=0) < 0).all()  # further down, fewer clicks
    assert (np.diff(p, axis=1) < 0).all()  # further right, fewer clicks


def test_better_titles_get_more_clicks_and_artwork_moves_clicks_not_utility():
    p = bh.choice_probabilities(bh.click_appeal(np.array([0.0, 1.0])), np.ones(2))
    assert p[2] > p[1]
    base = bh.choice_probabilities(bh.click_appeal(np.array([0.5])), np.ones(1))
    art = bh.choice_probabilities(bh.click_appeal(np.array([0.5]), 0.5), np.ones(1))
    assert art[1] > base[1]


def test_abandonment_rises_as_utility_falls():
    u = np.linspace(-2, 3, 20)
    assert (np.diff(bh.abandon_probability(u)) < 0).all()
    rng = derive(2, "watch")
    low = np.mean([not bh.watch_fraction(rng, -1.0)[1] for _ in range(400)])
    high = np.mean([not bh.watch_fraction(rng, 2.0)[1] for _ in range(400)])
    assert low > 0.8 and high < 0.3


def test_visits_follow_activity_and_satisfaction():
    assert bh.visit_probability(1.0, 5) > bh.visit_probability(0.2, 5)
    assert bh.visit_probability(0.5, 2, 1.0) > bh.visit_probability(0.5, 2, -1.0)


def test_utility_noise_is_fixed_per_pair_and_normal():
    a = bh.utility_noise(7, 12, np.arange(1, 5001))
    b = bh.utility_noise(7, 12, np.arange(1, 5001))
    c = bh.utility_noise(8, 12, np.arange(1, 5001))
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert abs(a.mean()) < 0.02 and abs(a.std() - bh.NOISE_SIGMA) < 0.02


def test_thumbs_follow_utility():
    rng = derive(3, "thumbs")
    low = [bh.thumbs(rng, -1.0, 1.0) for _ in range(200)]
    high = [bh.thumbs(rng, 2.5, 1.0) for _ in range(200)]
    assert np.mean([v == -1 for v in low]) > 0.9
    assert np.mean([v == 2 for v in high]) > 0.9
    assert bh.thumbs(rng, 2.0, 0.0) is None


def test_drift_moves_toward_watched_and_keeps_length():
    taste = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    f = np.array([0.0, 1.0, 0.0], dtype=np.float32)
    moved = bh.drift(taste, f, 0.1)
    assert moved[1] > 0 and np.isclose(np.linalg.norm(moved), 1.0, atol=1e-5)


def _tiny_catalog():
    from simulator.viewers.world import Catalog

    n = 12
    feats = np.eye(n, 4, dtype=np.float32)
    return Catalog(title_ids=np.arange(1, n + 1), features=feats,
                   quality=np.zeros(n, dtype=np.float32), prior_popularity=np.ones(n),
                   maturity=np.zeros(n, dtype=int), is_series=np.zeros(n, dtype=bool),
                   runtime_s=np.full(n, 5400), release_ordinal=np.zeros(n, dtype=int),
                   tags=np.zeros((n, 1), dtype=np.float32), genre_of=["drama"] * n,
                   art_focus=[[0] for _ in range(n)], index={i + 1: i for i in range(n)})


def _session(seed: int):
    cat = _tiny_catalog()
    viewer = Viewer(5, np.ones(4, dtype=np.float32), {"patience_s": 90.0, "explore": 0.0,
                    "binge": 0.5, "rating": 0.5, "list": 0.1, "drift": 0.0}, 18)
    rows = [ShownRow("r1", np.arange(6), np.zeros(6, dtype=int)),
            ShownRow("r2", np.arange(6, 12), np.zeros(6, dtype=int))]
    utility = np.linspace(2.0, -1.0, 12)
    return run_session(derive(seed, "s"), viewer, ProfileState(), cat, rows, utility,
                       datetime(2026, 1, 1, 20))


def test_a_session_is_deterministic_and_its_events_are_coherent():
    a, b = _session(4), _session(4)
    assert [(e.type, e.title_id, e.position_s, e.client_time) for e in a.events] == \
        [(e.type, e.title_id, e.position_s, e.client_time) for e in b.events]
    assert [e.event_id for e in a.events] == [e.event_id for e in b.events]
    for s in (_session(k) for k in range(20)):
        assert s.impressions and s.impressions[0][1].key == "r1"
        starts = [e for e in s.events if e.type == "start"]
        assert len(starts) == len(s.plays)
        times = [e.client_time for e in s.events]
        assert times == sorted(times)
        assert all(e.type != "heartbeat" for e in s.events)
