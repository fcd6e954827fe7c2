"""The simulated world's realism (issue 11): heavy-tailed appetites, discovery paths besides
the home rows, launch spikes that decay, quality that shows in public signals, and tastes
recorded as they drift. Distribution checks hold over several seeds, with tolerance bands."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import func, select

from core import catalog as core_catalog
from core.db import Database
from core.models import (
    Impression,
    Person,
    ProfileTruth,
    SearchQuery,
    TasteDay,
    Title,
    TitleTruth,
    Viewing,
)
from simulator.catalog.features import decode_features
from simulator.catalog.generate import generate_catalog
from simulator.rng import derive
from simulator.studies.metrics import gini
from simulator.studies.seed import seed_history
from simulator.viewers import behaviour as bh
from simulator.viewers.discovery import Discovery
from simulator.viewers.population import draw_traits, load_population
from simulator.viewers.world import expected_utility, load_catalog, truth_scorer
from tests.simulator.worlds import make_db

NOW = datetime(2026, 6, 1)
SEEDS = (3, 4)


@pytest.fixture(scope="module")
def worlds(tmp_path_factory):
    """Two small seeded worlds: 150 profiles x 24 days over 500 titles."""
    out = {}
    for seed in SEEDS:
        db = make_db(tmp_path_factory.mktemp(f"world{seed}") / "w.sqlite3")
        seed_history(db, 150, 24, seed, NOW, n_titles=500, model_from_day=None)
        out[seed] = db
    yield out
    for db in out.values():
        db.dispose()


def _plays_per(db: Database, column) -> np.ndarray:
    """Distinct profile-title plays grouped by `column` (a Viewing column)."""
    other = Viewing.title_id if column is Viewing.profile_id else Viewing.profile_id
    with db.read() as s:
        return np.array(s.scalars(select(func.count(func.distinct(other)))
                                  .group_by(column)).all(), dtype=float)


def test_appetite_is_heavy_tailed_and_shared_by_households():
    for seed in (1, 2, 3):
        rng = derive(seed, "test", "traits")
        household = np.repeat(rng.normal(0.0, 0.7, 2500), 2)
        traits = draw_traits(rng, 5000, household)
        rate = np.sort(traits["activity"])[::-1]
        assert rate[:1000].sum() / rate.sum() > 0.5  # top 20% make over half the visits
        assert np.quantile(rate, 0.9) / np.quantile(rate, 0.1) > 10
        minutes = traits["session_min"]
        assert 20 < np.median(minutes) < 90 and np.quantile(minutes, 0.95) > 2 * np.median(minutes)
        pairs = np.log(traits["activity"]).reshape(-1, 2)
        assert np.corrcoef(pairs[:, 0], pairs[:, 1])[0, 1] > 0.1  # same household, alike


def test_seeded_worlds_have_a_long_tail_and_uneven_viewers(worlds):
    for seed, db in worlds.items():
        per_title = _plays_per(db, Viewing.title_id)
        per_profile = _plays_per(db, Viewing.profile_id)
        with db.read() as s:
            titles = s.scalar(select(func.count()).select_from(Title))
        assert per_title.size / titles > 0.4, seed  # much of the catalogue is found
        assert 0.5 < gini(per_title) < 0.8, seed
        assert 0.3 < gini(per_profile) < 0.65, seed  # heavy and light viewers
        assert np.quantile(per_profile, 0.9) > 3 * np.quantile(per_profile, 0.25), seed


def test_every_discovery_path_is_used_and_logged(worlds):
    for seed, db in worlds.items():
        with db.read() as s:
            surfaces = dict(s.execute(select(Impression.surface, func.count())
                                      .group_by(Impression.surface)).all())
            keys = s.scalars(select(Impression.row_key).distinct()).all()
            queries = set(s.scalars(select(SearchQuery.query)).all())
            names = set(s.scalars(select(Title.name)).all())
            people = set(s.scalars(select(Person.name)).all())
        assert {"home", "search", "browse", "title"} <= set(surfaces), seed
        for prefix in ("search-title", "search-person", "browse-", "more-like-", "search-"):
            assert any(k.startswith(prefix) for k in keys), (seed, prefix)
        assert queries & names and queries & people, seed  # remembered titles and people
        assert queries - names - people, seed  # and genres


def test_titles_arrive_during_the_run_with_a_launch_spike_that_decays(worlds):
    start = NOW - timedelta(days=24)
    early, late = 0, 0
    for db in worlds.values():
        with db.read() as s:
            arrivals = dict(s.execute(select(Title.id, Title.release_date)
                                      .where(Title.release_date > start.date())).all())
            first_plays = s.execute(select(Viewing.title_id, Viewing.profile_id,
                                           func.min(Viewing.started_at))
                                    .where(Viewing.title_id.in_(list(arrivals)))
                                    .group_by(Viewing.title_id, Viewing.profile_id)).all()
        assert arrivals and first_plays
        for tid, _pid, when in first_plays:
            age = (when.date() - arrivals[tid]).days
            assert age >= 0  # nobody plays a title before it is released
            if arrivals[tid] <= (start + timedelta(days=10)).date():  # 14+ days to watch
                early += age < 7
                late += 7 <= age < 14
    assert early > 1.5 * late  # first week after release beats the second


def test_awareness_decays_to_an_evergreen_floor_that_quality_raises():
    age = np.arange(0, 120)
    good, poor = bh.awareness(1.0, age, 0.6), bh.awareness(1.0, age, -0.4)
    assert np.all(np.diff(good) <= 0) and good[0] == pytest.approx(1.0)
    half = int(bh.BUZZ_HALF_LIFE_DAYS)
    assert good[half] == pytest.approx(0.5 + 0.5 * good[-1], abs=0.02)
    assert good[-1] > poor[-1] > 0
    assert bh.awareness(1.0, -1, 0.0) == 0.0  # unreleased


def test_public_signals_follow_hidden_quality(tmp_path):
    for seed in (1, 2, 3):
        db = make_db(tmp_path / f"c{seed}.sqlite3")
        with db.session() as s:
            generate_catalog(s, 1500, seed, NOW)
            rows = s.execute(select(TitleTruth.quality, Title.popularity, Title.critic_score)
                             .join(Title, Title.id == TitleTruth.title_id)).all()
        db.dispose()
        q = np.array([r[0] for r in rows])
        pop = np.log(np.array([r[1] for r in rows]) + 0.01)
        scored = np.array([r[2] is not None for r in rows])
        critic = np.array([r[2] for r in rows if r[2] is not None], dtype=float)
        assert 0.35 < np.corrcoef(q, pop)[0, 1] < 0.7, seed
        assert 0.6 < np.corrcoef(q[scored], critic)[0, 1] < 0.9, seed
        assert 0.6 < scored.mean() < 0.95 and critic.min() >= 5 and critic.max() <= 99
        popular = pop > np.median(pop)
        assert scored[popular].mean() > scored[~popular].mean()  # critics review the popular


def test_tastes_are_recorded_by_day_and_truth_uses_the_latest(worlds):
    db = worlds[SEEDS[0]]
    with db.read() as s:
        days = s.execute(select(TasteDay.profile_id, func.count()).group_by(TasteDay.profile_id)
                         ).all()
        pid = max(days, key=lambda r: r[1])[0]
        start = decode_features(s.scalar(select(ProfileTruth.taste)
                                         .where(ProfileTruth.profile_id == pid)))
        latest_day = s.scalar(select(func.max(TasteDay.day)).where(TasteDay.profile_id == pid))
        latest = decode_features(s.scalar(select(TasteDay.taste).where(
            TasteDay.profile_id == pid, TasteDay.day == latest_day)))
        pop = load_population(s, [pid])
        title_ids = np.array(sorted(s.scalars(select(Title.id)).all()))
        scores = truth_scorer(s, title_ids)([pid])[0]
        cat = load_catalog(s)
        first_day = s.scalar(select(func.min(TasteDay.day)).where(TasteDay.profile_id == pid))
        tid = int(title_ids[0])
        then = expected_utility(s, {(pid, tid)}, on={(pid, tid): first_day})[(pid, tid)]
        later = expected_utility(s, {(pid, tid)}, on={(pid, tid): latest_day + timedelta(1)})
        now = expected_utility(s, {(pid, tid)})[(pid, tid)]
    i = cat.index[tid]
    assert then == pytest.approx(float(cat.features[i] @ start + cat.quality[i]), abs=1e-4)
    assert later[(pid, tid)] == pytest.approx(now) == pytest.approx(
        float(cat.features[i] @ latest + cat.quality[i]), abs=1e-4)
    assert max(n for _, n in days) > 3
    assert not np.allclose(start, latest)  # it drifted toward what it watched
    assert np.allclose(pop.taste[0], latest)  # a later run continues from the latest taste
    assert np.allclose(scores, cat.features @ latest + cat.quality, atol=1e-4)


def test_discovery_ranks_titles_as_the_sites_services_do(tmp_path):
    db = make_db(tmp_path / "d.sqlite3")
    with db.session() as s:
        generate_catalog(s, 300, 5, NOW)
    with db.read() as s:
        cat = load_catalog(s)
        disc = Discovery(cat, np.ones(len(cat), dtype=bool))
        for idx in (0, 17, 123):
            site = core_catalog.search(s, cat.names[idx], 18).titles
            ours = disc.search_title(idx, 18)
            assert site[0].id == cat.title_ids[ours[0]] == cat.title_ids[idx]
            title = s.get(Title, int(cat.title_ids[idx]))
            assert cat.title_ids[disc.similar(idx, 18)].tolist() == \
                core_catalog.similar_title_ids(s, title, 18)
        for genre in disc.genres[:4]:
            for sort in ("popular", "newest", "critics"):
                page = core_catalog.browse(s, 13, core_catalog.Filters(genre=genre, sort=sort))
                assert cat.title_ids[disc.browse(genre, None, sort, 13)].tolist() == \
                    [t.id for t in page.items], (genre, sort)
    db.dispose()


def test_public_holidays_in_the_viewers_country_bring_more_visits():
    from datetime import date

    from simulator.viewers.engine import is_public_holiday

    july4, boxing_day = date(2026, 7, 4), date(2026, 12, 26)
    assert is_public_holiday("US", july4) and not is_public_holiday("GB", july4)
    assert is_public_holiday("GB", boxing_day)
    assert not is_public_holiday("ZZ", date(2026, 1, 1))  # an unknown country has none
    wednesday = bh.visit_probability(np.full(4, 0.3), 2)
    assert np.all(bh.visit_probability(np.full(4, 0.3), 2, holiday=True) > wednesday * 1.2)
    mixed = bh.visit_probability(np.full(2, 0.3), 2, holiday=np.array([True, False]))
    assert mixed[0] > mixed[1]
