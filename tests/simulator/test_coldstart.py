"""Cold-start study (docs/simulation.md, study 3): after 3 onboarding picks, the rows a new
profile gets (the retrain's model with its cold-start part, through the site's fold-in path)
beat the popularity prior and the popularity row on precision@10 against its true top 10;
and simulated viewers pick in the onboarding picker what a viewer would. The arms study: the
number of picks as arms over seeds, with random and popularity baselines, means with 95%
intervals and paired differences (checked by hand on crafted figures), from the CLI too."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from core import catalog as core_catalog
from core.models import Base, TastePick
from simulator.studies.coldstart import (
    ROWS,
    StudyError,
    run_coldstart,
    run_picks_study,
    study_config,
    summarise,
)
from simulator.studies.experiment import _database
from simulator.studies.metrics import t95
from simulator.viewers.population import choose_picks, generate_population
from tests.conftest import TEST_NOW
from webapp.cli import sim as cli_sim


@pytest.fixture(scope="module")
def study():
    return run_coldstart(profiles=30, seed=3, history_profiles=80, history_days=6, titles=200)


def test_onboarding_rows_beat_the_popularity_prior_and_row_on_true_tastes(study):
    assert study.profiles == 30
    assert study.sources == {"fold-in": 30}  # every newcomer is served by fold-in
    assert all(0.0 <= getattr(study, name) <= 1.0 for name in ROWS)
    assert study.onboarding > study.prior and study.onboarding > study.popular
    assert study.onboarding_wins > study.popular_wins
    assert study.training_signals > 0 and study.champion
    assert set(study.seconds) == {"choose_and_refit", "attach"}


def test_cli_prints_json_and_is_deterministic():
    args = ["--profiles", "4", "--seed", "5", "--history-profiles", "20", "--days", "2",
            "--titles", "60", "--json"]
    first = CliRunner().invoke(cli_sim.coldstart, args)
    assert first.exit_code == 0, first.output
    figures = json.loads(first.output)
    assert figures["profiles"] == 4 and figures["seed"] == 5
    assert set(figures) >= {"onboarding", "prior", "popular", "model_alone", "content_alone"}
    again = CliRunner().invoke(cli_sim.coldstart, args)
    assert again.output == first.output


def test_cli_text_output_is_registered_and_readable():
    from webapp.cli.main import cli

    assert "coldstart" in cli.commands
    out = CliRunner().invoke(cli_sim.coldstart, ["--profiles", "3", "--seed", "5",
                                                 "--history-profiles", "20", "--days", "2",
                                                 "--titles", "60"])
    assert out.exit_code == 0, out.output
    assert "precision@10" in out.output and "3 new profiles" in out.output


def test_simulated_viewers_pick_what_they_like_from_what_the_picker_shows(tmp_path):
    from simulator.catalog.generate import generate_catalog
    from simulator.viewers.world import load_catalog

    db = _database(tmp_path / "picks.sqlite3")
    Base.metadata.create_all(db.engine)
    with db.session() as s:
        generate_catalog(s, 120, 4, TEST_NOW)
        cat = load_catalog(s)
        pop = generate_population(s, 30, 4, TEST_NOW, cat)
        picked = {}
        for pid, tid in s.execute(select(TastePick.profile_id, TastePick.title_id)):
            picked.setdefault(pid, set()).add(tid)
        # The picker shows the best-known titles of every genre, not the most popular overall.
        shown_ids = {limit: [t.id for t in core_catalog.onboarding_candidates(s, int(limit))]
                     for limit in set(pop.maturity_limit.tolist())}
    db.dispose()
    top40 = set(cat.title_ids[np.argsort(-cat.prior_popularity, kind="stable")[:40]].tolist())
    outside_top40 = 0
    for i, pid in enumerate(pop.profile_ids.tolist()):
        shown_list = shown_ids[int(pop.maturity_limit[i])]
        assert len(picked[pid]) == 3 and picked[pid] <= set(shown_list)
        shown = np.array([cat.index[t] for t in shown_list])
        expected = cat.features[shown] @ pop.taste[i] + cat.quality[shown]
        liked = set(cat.title_ids[shown[np.argsort(-expected, kind="stable")[:3]]].tolist())
        assert picked[pid] == liked  # the 3 it expects to enjoy most among those shown
        assert set(cat.title_ids[choose_picks(cat, pop.taste[i], shown)].tolist()) == liked
        outside_top40 += len(picked[pid] - top40)
    assert outside_top40 > 0  # picks reach titles the overall top 40 would never show


def test_the_random_row_is_the_floor(study):
    assert study.random < study.onboarding and study.picks == 3
    assert "random" in study.lines()[1]


@pytest.fixture(scope="module")
def arms():
    return run_picks_study({"picks": [0, 3, 10], "seeds": [1, 2], "profiles": 15,
                            "history_profiles": 50, "history_days": 4, "titles": 150})


def test_arms_share_each_seeds_world_and_more_picks_serve_better(arms):
    assert list(arms["arms"]) == ["0", "3", "10"] and arms["kind"] == "coldstart"
    assert [p["seed"] for p in arms["per_seed"]] == [1, 2]
    for p in arms["per_seed"]:
        zero, ten = p["arms"]["0"], p["arms"]["10"]
        # 0 picks: no personal state, so the site serves the popularity prior.
        assert zero["onboarding"] == zero["prior"] and set(zero["sources"]) == {"popularity"}
        assert ten["sources"] == {"fold-in": 15}
        assert all(0.0 <= ten[r] <= 1.0 for r in ROWS)
    mean = {k: arm["mean"]["onboarding"]["mean"] for k, arm in arms["arms"].items()}
    assert mean["10"] > mean["0"]  # told more, the site guesses better
    assert arms["arms"]["10"]["vs_no_picks"]["mean"] > 0
    assert arms["arms"]["10"]["mean"]["onboarding"]["n"] == 2


def test_means_and_paired_differences_match_a_hand_computation():
    per_seed = [{"seed": s, "arms": {k: {**dict.fromkeys(ROWS, 0.0), **fig,
                                         "onboarding_wins": 1, "popular_wins": 0}
                                     for k, fig in arms.items()}}
                for s, arms in ((1, {"0": {"onboarding": 0.10, "popular": 0.05},
                                     "3": {"onboarding": 0.20, "popular": 0.06}}),
                                (2, {"0": {"onboarding": 0.12, "popular": 0.07},
                                     "3": {"onboarding": 0.30, "popular": 0.08}}),
                                (3, {"0": {"onboarding": 0.08, "popular": 0.03},
                                     "3": {"onboarding": 0.22, "popular": 0.04}}))]
    out = summarise(per_seed, (0, 3))
    three = out["3"]
    # Mean over seeds of 0.20, 0.30, 0.22 and its interval t(0.975, 2) sd / sqrt(3).
    sd = np.std([0.20, 0.30, 0.22], ddof=1)
    assert three["mean"]["onboarding"]["mean"] == pytest.approx(0.24)
    assert three["mean"]["onboarding"]["ci95"] == pytest.approx(t95(2) * sd / np.sqrt(3),
                                                                abs=1e-6)
    # Paired by seed against 0 picks: d = 0.10, 0.18, 0.14.
    d = [0.10, 0.18, 0.14]
    half = t95(2) * np.std(d, ddof=1) / np.sqrt(3)
    vs = three["vs_no_picks"]
    assert vs["mean"] == pytest.approx(0.14)
    assert (vs["low"], vs["high"]) == (pytest.approx(0.14 - half, abs=1e-6),
                                       pytest.approx(0.14 + half, abs=1e-6))
    # Against the popularity row of the same arm: d = 0.14, 0.22, 0.18.
    assert three["vs_popular"]["mean"] == pytest.approx(0.18)
    assert out["0"]["vs_no_picks"]["mean"] == 0.0 and three["onboarding_wins"] == 3
    # Without a 0-picks arm there is no such difference.
    assert "vs_no_picks" not in summarise(per_seed, (3,))["3"]


@pytest.mark.parametrize(("raw", "field"), [
    ({"picks": []}, "picks"), ({"picks": [0, 21]}, "picks"), ({"picks": [3, 3]}, "picks"),
    ({"picks": ["3"]}, "picks"), ({"seeds": []}, "seeds"), ({"seeds": [1, 1]}, "seeds"),
    ({"seeds": list(range(11))}, "seeds"), ({"profiles": 1}, "profiles"),
    ({"titles": 10_000}, "titles"), ({"history_days": True}, "history_days")])
def test_study_config_refuses_bad_values_naming_the_field(raw, field):
    with pytest.raises(StudyError, match=f"^{field}:"):
        study_config(raw)


def test_study_config_defaults_and_the_clis_own_bounds():
    cfg = study_config({})
    assert cfg["picks"] == [0, 1, 3, 5, 10] and len(cfg["seeds"]) == 3
    assert study_config({"picks": [5, 0]})["picks"] == [0, 5]
    assert study_config({"titles": 1000}, limits=False)["titles"] == 1000


def test_cli_runs_the_arms_study():
    args = ["--picks", "0,3", "--seeds", "4", "--profiles", "5", "--history-profiles", "20",
            "--days", "2", "--titles", "100"]
    out = CliRunner().invoke(cli_sim.coldstart, args)
    assert out.exit_code == 0, out.output
    assert "Cold start by onboarding picks" in out.output and " 3 picks: onboarding" in out.output
    as_json = CliRunner().invoke(cli_sim.coldstart, [*args, "--json"])
    figures = json.loads(as_json.output)
    assert figures["picks"] == [0, 3] and set(figures["arms"]) == {"0", "3"}
    bad = CliRunner().invoke(cli_sim.coldstart, ["--picks", "0,x"])
    assert bad.exit_code == 2 and "comma-separated" in bad.output
    too_many = CliRunner().invoke(cli_sim.coldstart, ["--picks", "0,40", "--seeds", "1"])
    assert too_many.exit_code == 2 and "picks" in too_many.output
