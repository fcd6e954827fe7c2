"""Artwork in the simulator: the hidden appeal per community, planted clickbait (more clicks,
more early abandonment), the oracle, and the artwork_bandit study's direction on a small
world."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from recommender.artwork_bandit import QUALIFIED_PLAY_S
from simulator.rng import derive
from simulator.studies.experiment import ConfigError, load_config, normalise, run_experiment
from simulator.viewers import behaviour as bh
from simulator.viewers.session import ProfileState, ShownRow, Viewer, _look, run_session
from simulator.viewers.world import Catalog

STUDY = Path(__file__).parents[2] / "simulator/studies/experiments/artwork_bandit.toml"


def _catalog(clickbait: bool) -> Catalog:
    n = 12
    cat = Catalog(title_ids=np.arange(1, n + 1), features=np.eye(n, 4, dtype=np.float32),
                  quality=np.zeros(n, dtype=np.float32), prior_popularity=np.ones(n),
                  maturity=np.zeros(n, dtype=int), is_series=np.zeros(n, dtype=bool),
                  runtime_s=np.full(n, 5400), release_ordinal=np.zeros(n, dtype=int),
                  tags=np.zeros((n, 1), dtype=np.float32), genre_of=["drama"] * n,
                  art_focus=[[0, 1, 2] for _ in range(n)], index={i + 1: i for i in range(n)})
    if clickbait:
        cat.clickbait = np.ones(n, dtype=bool)
    return cat


def _sessions(variant: int, clickbait: bool, n: int = 300):
    cat = _catalog(clickbait)
    plays, shown, early = 0, 0, 0
    for seed in range(n):
        viewer = Viewer(5, np.full(4, 0.2, dtype=np.float32),
                        {"patience_s": 60.0, "explore": 0.0, "binge": 0.5, "rating": 0.5,
                         "list": 0.1, "drift": 0.0}, 18)
        rows = [ShownRow("r1", np.arange(6), np.full(6, variant)),
                ShownRow("r2", np.arange(6, 12), np.full(6, variant))]
        res = run_session(derive(seed, "art"), viewer, ProfileState(), cat, rows,
                          np.linspace(1.2, 0.2, 12), datetime(2026, 1, 1, 20))
        plays += len(res.plays)
        shown += res.shown
        early += sum(p.watch_s < QUALIFIED_PLAY_S for p in res.plays)
    return plays / shown, early / max(plays, 1), plays


def _click_share(variant: int, clickbait: bool, n: int = 3000) -> float:
    """How often one screen of two rows gets a click (the viewer's logit choice)."""
    cat = _catalog(clickbait)
    viewer = Viewer(5, np.full(4, 0.2, dtype=np.float32), {}, 18)
    rows = [ShownRow("r1", np.arange(6), np.full(6, variant)),
            ShownRow("r2", np.arange(6, 12), np.full(6, variant))]
    rng = np.random.default_rng(0)
    utility = np.linspace(0.4, -0.6, 12)  # a screen that often gets no click
    return np.mean([_look(rng, viewer, cat, rows, utility, set()) is not None
                    for _ in range(n)])


def test_clickbait_art_draws_more_clicks_and_more_early_abandonment():
    assert _click_share(bh.CLICKBAIT_VARIANT, True) > \
        1.2 * _click_share(bh.CLICKBAIT_VARIANT, False)
    _, early_plain, _ = _sessions(bh.CLICKBAIT_VARIANT, clickbait=False)
    _, early_bait, _ = _sessions(bh.CLICKBAIT_VARIANT, clickbait=True)
    assert early_bait > early_plain + 0.4  # most clicks on clickbait are left in minutes
    # Another variant of the same titles is not clickbait: as before.
    assert _sessions(0, clickbait=True) == _sessions(0, clickbait=False)
    assert _click_share(0, True) == _click_share(0, False)


def test_hidden_appeal_is_fixed_per_seed_and_off_at_zero():
    ids = np.arange(1, 41)
    a = bh.art_appeal(3, 6, ids, 4, 0.6)
    assert a.shape == (6, 40, 4) and np.array_equal(a, bh.art_appeal(3, 6, ids, 4, 0.6))
    assert not np.array_equal(a, bh.art_appeal(4, 6, ids, 4, 0.6))
    assert a.std() == pytest.approx(0.6, rel=0.5)
    # Most of it is the community's liking for a variant slot, shared by the titles.
    assert a.mean(axis=1).var() > 2 * (a - a.mean(axis=1, keepdims=True)).var()
    assert not bh.art_appeal(3, 6, ids, 4, 0.0).any()
    share = bh.clickbait_titles(3, np.arange(1, 2001), 0.25).mean()
    assert share == pytest.approx(0.25, abs=0.04)


def test_clickbait_is_worth_less_than_plain_art_despite_its_clicks():
    plain, bait = bh.art_value(0.0, False), bh.art_value(bh.CLICKBAIT_PULL, True)
    assert np.exp(bh.CLICKBAIT_PULL) > 1 and bait < plain


def test_artwork_settings_are_checked():
    arms = [{"name": "b", "policy": "popularity", "artwork": "bandit"}]
    assert normalise({"arms": arms})["clickbait"] == 0.0
    with pytest.raises(ConfigError) as err:
        normalise({"clickbait": 1.5, "arms": arms})
    assert err.value.field == "clickbait"
    with pytest.raises(ConfigError) as err:
        normalise({"arms": [{"name": "b", "policy": "popularity", "artwork": "clicks"}]})
    assert err.value.field == "arms.0.artwork"
    cfg = load_config(STUDY)
    assert [a["artwork"] for a in cfg["arms"]] == ["default", "random", "bandit", "oracle"]
    assert cfg["clickbait"] > 0 and cfg["art_appeal"] > 0


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    cfg = normalise({"name": "art", "profiles": 60, "days": 8, "titles": 120, "seeds": [2],
                     "art_appeal": 0.6, "clickbait": 1.0, "arms": [
                         {"name": "random-art", "policy": "popularity", "artwork": "random"},
                         {"name": "bandit", "policy": "popularity", "artwork": "bandit"},
                         {"name": "oracle", "policy": "popularity", "artwork": "oracle"}]})
    out = tmp_path_factory.mktemp("art")
    run_experiment(cfg, out)
    rows = json.loads((out / "metrics.json").read_text())
    return out, {arm: [r for r in rows if r["arm"] == arm]
                 for arm in ("random-art", "bandit", "oracle")}


def test_the_bandit_regrets_less_than_random_art_and_learns_to_avoid_clickbait(study):
    _, by_arm = study
    last = {arm: rs[-1] for arm, rs in by_arm.items()}
    assert last["oracle"]["art_regret_cum"] == pytest.approx(0.0, abs=0.05)
    assert last["bandit"]["art_regret_cum"] < 0.8 * last["random-art"]["art_regret_cum"]
    # Regret per day, as a share of random art's the same day (the same visitors): about 1
    # on day 0, when the bandit knows nothing, and falling as it learns.
    ratio = [b["art_regret"] / r["art_regret"]
             for b, r in zip(by_arm["bandit"], by_arm["random-art"], strict=True)]
    assert ratio[0] == pytest.approx(1.0, abs=0.3)
    assert np.mean(ratio[-3:]) < 0.7
    share = {arm: np.mean([r["clickbait_share"] for r in rs[-3:]]) for arm, rs in by_arm.items()}
    assert share["random-art"] > 0.2 and share["bandit"] < 0.5 * share["random-art"]
    assert share["oracle"] < 0.05


def test_the_study_reports_its_artwork_figures(study):
    out, _ = study
    for metric in ("art_regret_cum", "clickbait_share", "qualified_play_rate"):
        assert (out / "plots" / f"{metric}.svg").exists()
    assert "Cumulative artwork regret" in (out / "report.html").read_text()
