"""A/B calibration: A/A tests reject at ~alpha, a planted effect is found with predicted power."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from scipy import stats

from simulator.rng import derive
from simulator.studies.abtest import (
    ABConfig,
    binomial_ci,
    calibrate,
    make_world,
    power_two_sample,
    run_world,
    split,
)
from webapp.cli.abtest import abtest

SMALL = ABConfig(profiles=200, titles=80, days=5)


@pytest.fixture(scope="module")
def calibration():
    # Heavy-tailed appetites make watch time noisy: an effect of 1.2 is found about a third of
    # the time, in the range where predicted power can be checked.
    return calibrate(range(1, 201), SMALL, effect=1.2)


def test_power_matches_textbook_values():
    # Cohen's tables: d = 0.5 with 64 per group -> 0.80; d = 0.2 with 393 per group -> 0.80.
    assert power_two_sample(0.5, 64, 64) == pytest.approx(0.80, abs=0.005)
    assert power_two_sample(0.2, 393, 393) == pytest.approx(0.80, abs=0.005)
    assert power_two_sample(0.0, 50, 50) == pytest.approx(0.05, abs=1e-9)
    assert power_two_sample(0.3, 100, 100, alpha=0.01) < power_two_sample(0.3, 100, 100)


def test_power_agrees_with_simulated_t_tests():
    rng = np.random.default_rng(3)
    a = rng.normal(0.0, 1.0, (4000, 40))
    b = rng.normal(0.4, 1.0, (4000, 40))
    found = np.mean(stats.ttest_ind(b, a, axis=1).pvalue < 0.05)
    assert found == pytest.approx(power_two_sample(0.4, 40, 40), abs=0.03)


def test_binomial_ci_brackets_the_rate():
    lo, hi = binomial_ci(10, 200)
    assert lo < 0.05 < hi and hi - lo < 0.07


def test_split_is_seeded_and_halves():
    a, b = split(5, 101), split(5, 101)
    assert np.array_equal(a, b) and a.sum() == 50
    assert not np.array_equal(a, split(6, 101))


def test_run_is_reproducible_and_the_bonus_raises_plays():
    world = make_world(2, SMALL)
    base = run_world(world, np.zeros(SMALL.profiles), SMALL, derive(2, "t"))
    again = run_world(world, np.zeros(SMALL.profiles), SMALL, derive(2, "t"))
    boosted = run_world(world, np.full(SMALL.profiles, 2.0), SMALL, derive(2, "t"))
    assert np.array_equal(base["minutes"], again["minutes"])
    assert boosted["plays"].sum() > base["plays"].sum() > 0
    assert (base["minutes"] >= 0).all() and (base["plays"] <= SMALL.days).all()


def test_aa_rejects_at_about_alpha(calibration):
    aa = calibration["aa"]
    # 99.9% binomial band around 5% for 200 seeds.
    lo, hi = stats.binom.ppf([0.0005, 0.9995], 200, 0.05)
    assert lo <= aa["rejections"] <= hi, aa
    assert aa["ci95"][0] <= 0.05 <= aa["ci95"][1]
    assert abs(aa["effect_size_d"]) < 0.05


def test_planted_effect_found_with_predicted_power(calibration):
    ab = calibration["ab"]
    assert ab["effect_size_d"] > 0.1
    assert 0.2 < ab["predicted_power"] < 0.95
    se = np.sqrt(ab["predicted_power"] * (1 - ab["predicted_power"]) / 200)
    assert ab["rate"] == pytest.approx(ab["predicted_power"], abs=max(3.5 * se, 0.08)), ab


def test_cli_prints_summary_and_json():
    runner = CliRunner()
    args = ["--seeds", "6", "--profiles", "60", "--titles", "40", "--days", "3"]
    text = runner.invoke(abtest, args)
    assert text.exit_code == 0, text.output
    assert "A/A: rejected" in text.output and "predicted power" in text.output
    js = runner.invoke(abtest, [*args, "--json", "--effect", "0.5"])
    assert js.exit_code == 0, js.output
    data = json.loads(js.output)
    assert data["config"]["seeds"] == 6 and data["config"]["effect"] == 0.5
    assert set(data) == {"config", "aa", "ab"} and 0 <= data["ab"]["predicted_power"] <= 1
    assert runner.invoke(abtest, [*args, "--json"]).output == runner.invoke(
        abtest, [*args, "--json"]).output


def test_policies_come_from_the_one_registry():
    from simulator.studies.abtest import POLICIES
    from simulator.studies.policies import policy_names

    assert set(POLICIES) <= set(policy_names())
    choice = next(p for p in abtest.params if p.name == "policy")
    assert tuple(choice.type.choices) == POLICIES
    with pytest.raises(ValueError, match="unknown policy"):
        run_world(make_world(1, SMALL), np.zeros(SMALL.profiles),
                  ABConfig(profiles=SMALL.profiles, titles=SMALL.titles, days=1,
                           policy="personal"), derive(1, "t"))
