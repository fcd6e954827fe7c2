"""The artwork bandit (recommender/artwork_bandit.py): Thompson sampling on crafted problems,
posteriors against hand-computed Beta parameters, the qualified-play reward read from the
event log, its state file, and choose_artwork's policies."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import numpy as np
import pytest

from core import accounts, impressions
from core.playback import PlaybackInput, record_playback
from core.settings import ARTWORK_POLICIES, Settings, SettingsError
from recommender import artwork_bandit as ab
from tests.conftest import TEST_NOW


def test_thompson_sampling_converges_to_the_better_of_two_bernoulli_arms():
    rng, world = np.random.default_rng(3), np.random.default_rng(4)
    p = np.array([0.30, 0.45])  # variant 1 is better
    bandit = ab.ArtworkBandit()
    chosen = []
    for _ in range(3000):
        v = int(bandit.choose(0, [11], rng, {11: 2})[0])
        bandit.update([(0, 11, v, int(world.random() < p[v]))])
        chosen.append(v)
    late = np.array(chosen[-1000:])
    assert late.mean() > 0.9  # the better arm, nearly always, by the end
    assert np.array(chosen[:100]).mean() < late.mean()  # it explored first
    alpha, beta = bandit.posterior(0, 11)
    mean = alpha[:2] / (alpha[:2] + beta[:2])
    assert mean[1] == pytest.approx(0.45, abs=0.05)


def test_posterior_update_against_hand_computed_beta_parameters():
    bandit = ab.ArtworkBandit()
    bandit.update([(2, 7, 1, 1)] * 3 + [(2, 7, 1, 0)] * 2 + [(2, 8, 1, 1), (2, 8, 0, 0)])
    alpha, beta = bandit.posterior(2, 7)
    # Variant 1: the all-communities pool has 4 successes and 2 failures (under
    # COMMUNITY_PRIOR: all kept), community 2's arm the same 4 and 2 on top, title 7's own 3
    # and 2, Beta(1, 1) underneath.
    assert (alpha[1], beta[1]) == (1 + 4 + 4 + 3, 1 + 2 + 2 + 2)
    assert (alpha[0], beta[0]) == (1, 1 + 1 + 1)  # title 8's failure, in both pools
    assert (alpha[2], beta[2]) == (1, 1)  # never shown
    alpha, beta = bandit.posterior(2, 99)  # a title never shown: the pools alone
    assert (alpha[1], beta[1]) == (9, 5)
    other, other_beta = bandit.posterior(3, 7)  # another community: the all-communities pool
    assert (other[1], other_beta[1]) == (5, 3)
    # Large pools count as at most COMMUNITY_PRIOR and PRIOR_STRENGTH observations.
    big = ab.ArtworkBandit()
    big.pooled_s[0, 0], big.pooled_f[0, 0] = 1500.0, 500.0
    w0 = ab.COMMUNITY_PRIOR / 2000.0
    s, f = 1500 * w0 + 1500, 500 * w0 + 500
    w = ab.PRIOR_STRENGTH / (s + f)
    alpha, beta = big.posterior(0, 5)
    assert (alpha[0], beta[0]) == pytest.approx((1 + s * w, 1 + f * w))
    alpha, beta = big.posterior(4, 5)  # community 4 has only the pool's COMMUNITY_PRIOR
    assert ab.COMMUNITY_PRIOR == 500.0
    assert (alpha[0], beta[0]) == pytest.approx((1 + 375, 1 + 125))


def test_choose_only_picks_variants_a_title_has():
    bandit = ab.ArtworkBandit()
    bandit.pooled_s[0, 3] = 500.0  # variant 3 looks great, but title 2 has only 3 variants
    rng = np.random.default_rng(0)
    got = bandit.choose(0, [1, 2, 3], rng, {1: 4, 2: 3, 3: 1})
    assert got[0] == 3 and got[1] in (0, 1, 2) and got[2] == 0


def _event(title_id, kind, pos, at) -> PlaybackInput:
    return PlaybackInput(str(uuid.uuid4()), kind, title_id, float(pos),
                         TEST_NOW + timedelta(seconds=at))


def test_the_reward_is_a_qualified_play_never_a_bare_click(database, film):
    """Three profiles shown the film with artwork variant 2 at t=0: one plays 400 s
    (qualified), one clicks and leaves after 100 s, one never plays; a fourth sees it twice
    (variants 0 then 1) and the play counts for the later impression only."""
    with database.write() as s:
        account = accounts.create_account(s, "art@example.com", "correct horse battery",
                                          TEST_NOW)
        pids = [accounts.create_profile(s, account, TEST_NOW, name=f"P{k}").id
                for k in range(4)]
    with database.write() as s:
        for pid in pids[:3]:
            impressions.record_rows(s, pid, [("trending", [film.id], [2])], "home", TEST_NOW)
        impressions.record_rows(s, pids[3], [("trending", [film.id], [0])], "home", TEST_NOW)
        impressions.record_rows(s, pids[3], [("trending", [film.id], [1])], "home",
                                TEST_NOW + timedelta(seconds=30))
    with database.write() as s:
        record_playback(s, pids[0], [_event(film.id, "start", 0, 10),
                                     _event(film.id, "pause", 200, 210),
                                     _event(film.id, "stop", 400, 410)],
                        TEST_NOW + timedelta(hours=1))
        record_playback(s, pids[1], [_event(film.id, "start", 0, 10),
                                     _event(film.id, "stop", 100, 110)],
                        TEST_NOW + timedelta(hours=1))
        record_playback(s, pids[3], [_event(film.id, "start", 0, 60),
                                     _event(film.id, "stop", 600, 660)],
                        TEST_NOW + timedelta(hours=1))
    community = {pids[0]: 1, pids[1]: 1, pids[2]: 1, pids[3]: 4}
    with database.read() as s:
        trials = ab.trials_from_log(s, TEST_NOW - timedelta(hours=1),
                                    TEST_NOW + timedelta(hours=1), community)
    assert sorted(trials) == sorted([(1, film.id, 2, 1), (1, film.id, 2, 0), (1, film.id, 2, 0),
                                     (4, film.id, 0, 0), (4, film.id, 1, 1)])
    bandit = ab.ArtworkBandit()
    with database.read() as s:  # the batch update waits ATTRIBUTION_S for late plays
        assert ab.update_from_log(s, bandit, TEST_NOW + timedelta(hours=1), community) == 0
        assert ab.update_from_log(s, bandit, TEST_NOW + timedelta(seconds=ab.ATTRIBUTION_S,
                                                                  hours=1), community) == 5
        assert ab.update_from_log(s, bandit, TEST_NOW + timedelta(seconds=ab.ATTRIBUTION_S,
                                                                  hours=1), community) == 0
    assert (bandit.pooled_s[1, 2], bandit.pooled_f[1, 2]) == (1, 2)
    assert bandit.n_variants[film.id] >= 3


def test_qualified_threshold():
    assert not ab.qualified(ab.QUALIFIED_PLAY_S - 1) and ab.qualified(ab.QUALIFIED_PLAY_S)


def test_state_round_trips_through_an_arrays_only_file(tmp_path):
    bandit = ab.ArtworkBandit()
    bandit.update([(0, 5, 1, 1), (6, 9, 2, 0)])
    bandit.n_variants = {5: 3, 9: 4}
    bandit.profiles = {12: 0, 13: ab.UNKNOWN}
    bandit.model_version, bandit.updated_until = "v1", TEST_NOW
    bandit.save(tmp_path / "m" / ab.FILE_NAME)
    with np.load(tmp_path / "m" / ab.FILE_NAME, allow_pickle=False) as z:
        assert all(z[k].dtype != object for k in z.files)
    back = ab.ArtworkBandit.load(tmp_path / "m" / ab.FILE_NAME)
    assert np.array_equal(back.pooled_s, bandit.pooled_s)
    assert back.title.keys() == bandit.title.keys()
    assert (back.n_variants, back.profiles, back.model_version, back.updated_until) == \
        ({5: 3, 9: 4}, {12: 0, 13: ab.UNKNOWN}, "v1", TEST_NOW)
    assert ab.load_state(tmp_path / "m") is ab.load_state(tmp_path / "m")  # kept until it changes
    assert ab.load_state(tmp_path / "nothing") is None


def test_relabel_keeps_community_numbers_across_retrains():
    old = {1: 0, 2: 0, 3: 1, 4: 1, 5: 2}
    new = {1: 5, 2: 5, 3: 0, 4: 0, 5: 3, 6: 1}  # same groups, numbered afresh; 6 is new
    got = ab.relabel(new, old)
    assert got[1] == got[2] == 0 and got[3] == got[4] == 1 and got[5] == 2
    assert got[6] not in (0, 1, 2) and got[6] < ab.K


def test_choose_artwork_policies():
    ids = [3, 4, 5]
    assert ab.choose_artwork(ab.ArtworkContext("default"), ids) == [0, 0, 0]
    assert ab.choose_artwork(ab.ArtworkContext("bandit"), ids) == [0, 0, 0]  # nothing learnt
    rng = np.random.default_rng(1)
    got = ab.choose_artwork(ab.ArtworkContext("random", rng=rng, n_variants={3: 2, 4: 1,
                                                                            5: 4}), ids * 50)
    assert set(got[0::3]) == {0, 1} and set(got[1::3]) == {0} and set(got[2::3]) == {0, 1, 2, 3}
    bandit = ab.ArtworkBandit(n_variants={3: 3, 4: 3, 5: 3})
    bandit.pooled_s[2, 1], bandit.pooled_f[2, 1] = 300.0, 100.0
    bandit.pooled_f[2, [0, 2]] = 400.0
    ctx = ab.ArtworkContext("bandit", community=2, bandit=bandit, rng=rng)
    assert ab.choose_artwork(ctx, ids) == [1, 1, 1]
    with pytest.raises(ValueError):
        ab.choose_artwork(ab.ArtworkContext("clicks"), ids)
    assert ab.POLICIES == ARTWORK_POLICIES
    with pytest.raises(SettingsError, match="STREAMSIM_ARTWORK_POLICY"):
        Settings.from_env({"STREAMSIM_ARTWORK_POLICY": "clickiest"})


def test_choosing_thirty_cards_is_cheap():
    rng = np.random.default_rng(0)
    bandit = ab.ArtworkBandit(n_variants={t: 4 for t in range(5000)})
    bandit.update((int(c), int(t), int(v), int(r)) for c, t, v, r in zip(
        rng.integers(0, ab.N_COMMUNITIES, 50_000), rng.integers(0, 5000, 50_000),
        rng.integers(0, 4, 50_000), rng.random(50_000) < 0.05, strict=True))
    ids = list(range(100, 130))
    ctx = ab.ArtworkContext("bandit", community=3, bandit=bandit, rng=rng)
    ab.choose_artwork(ctx, ids)
    start = time.perf_counter()
    for _ in range(200):
        ab.choose_artwork(ctx, ids)
    per_card = (time.perf_counter() - start) / 200 / len(ids)
    assert per_card < 2e-4  # well under 1 ms a card (tens of microseconds)


def test_assign_communities_is_stable_from_day_to_day():
    rng = np.random.default_rng(2)
    centres = np.eye(6, 10) * 5
    x = np.repeat(centres, 20, axis=0) + rng.normal(0, 0.3, (120, 10))
    x[:5] = 0.0  # no history yet
    labels, kept = ab.assign_communities(x, None)
    assert (labels[:5] == ab.UNKNOWN).all()
    again, _ = ab.assign_communities(x + rng.normal(0, 0.05, x.shape), kept)
    assert (again == labels).mean() > 0.95


def test_refresh_under_an_item_item_model_pools_every_profile(database, tmp_path):
    """A retrain may publish a model without user vectors (EASE, a blend of item-item
    models): there are no communities to take, so every profile is pooled, not an error."""
    from recommender import models
    from recommender.data import Interactions

    users = np.array([1, 1, 2, 2, 3, 3], np.int64)
    items = np.array([10, 11, 10, 12, 11, 12], np.int64)
    inter = Interactions(users, items, np.ones(6), np.ones(6), np.zeros(6, bool))
    model = models.fit("ease", inter, np.array([10, 11, 12], np.int64))
    assert not model.has_factors
    bandit = ab.ArtworkBandit()
    bandit.profiles, bandit.model_version = {1: 0, 2: 1}, "an older version"
    bandit.save(ab.state_path(tmp_path))
    with database.read() as s:
        ab.refresh(s, tmp_path, TEST_NOW, model)
    kept = ab.ArtworkBandit.load(ab.state_path(tmp_path))
    assert kept.profiles == {} and kept.model_version == model.version
