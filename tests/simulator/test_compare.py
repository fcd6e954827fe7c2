"""Arms against a baseline, paired by seed, over windows (simulator/studies/compare.py), on
crafted per-seed and per-day figures checked against hand computations."""

from __future__ import annotations

import json
import math

import pytest

from simulator.studies.compare import compare, paired_difference, seed_means, window_days
from simulator.studies.experiment import normalise, summarise
from simulator.studies.metrics import METRICS
from simulator.studies.model_metrics import MODEL_METRICS

T_2DF = 4.303  # Student's t, 0.975 quantile, 2 degrees of freedom (a printed table)


def test_paired_difference_against_a_hand_computation():
    # Three worlds far apart (0.2 to 0.8), the arm a steady 0.10-0.14 above the baseline in each.
    base = {1: 0.5, 2: 0.2, 3: 0.8}
    arm = {1: 0.6, 2: 0.32, 3: 0.94}
    got = paired_difference(arm, base)
    d = [0.10, 0.12, 0.14]
    mean = sum(d) / 3
    sd = math.sqrt(sum((x - mean) ** 2 for x in d) / 2)  # 0.02
    half = T_2DF * sd / math.sqrt(3)
    assert got["n"] == 3 and got["note"] is None
    assert got["mean"] == pytest.approx(0.12, abs=1e-9)
    assert got["low"] == pytest.approx(mean - half, abs=1e-4)  # 0.0703
    assert got["high"] == pytest.approx(mean + half, abs=1e-4)  # 0.1697
    assert got["low"] > 0  # paired, the interval excludes 0 ...
    # ... though the arms' own intervals over seeds overlap widely (the worlds' spread).
    assert max(base.values()) > min(arm.values())
    # Swapping the arms mirrors the figure.
    back = paired_difference(base, arm)
    assert (back["mean"], back["low"], back["high"]) == pytest.approx(
        (-got["mean"], -got["high"], -got["low"]), abs=1e-6)


def test_paired_difference_uses_only_seeds_with_both_values():
    got = paired_difference({1: 1.0, 2: 2.0, 3: None, 4: 5.0}, {1: 0.0, 2: 1.0, 3: 1.0})
    assert got["n"] == 2 and got["mean"] == 1.0
    assert got["low"] == got["high"] == 1.0  # two identical differences: a real width of 0
    one = paired_difference({1: 0.7}, {1: 0.5})
    assert one == {"mean": 0.2, "low": None, "high": None, "n": 1, "note": one["note"]}
    assert "at least 2" in one["note"]
    none = paired_difference({1: None}, {1: 0.5})
    assert none["mean"] is None and none["n"] == 0 and none["note"]


def test_windows_pick_the_right_days():
    assert window_days(12, 2) == {"all": (0, 11), "after_launch": (2, 11),
                                  "last_day": (11, 11), "last_7_days": (5, 11)}
    # Shorter than a week: the last 7 days are all of them; no launch phase: after = all.
    assert window_days(5, 0) == {"all": (0, 4), "after_launch": (0, 4),
                                 "last_day": (4, 4), "last_7_days": (0, 4)}
    assert window_days(3, 3)["after_launch"] is None  # all launch: no day after it


def _rows(days: int, seeds=(1, 2, 3), arms=("base", "arm")) -> list[dict]:
    """Crafted per-day rows: every metric of "arm" is its day number plus its seed, of "base"
    the seed alone (so arm - base, paired, is the day number in every seed); homogenization
    None (no ideal arm)."""
    return [{"seed": s, "arm": a, "day": d,
             **{m: float(s + (d if a == "arm" else 0)) for m in METRICS},
             "homogenization": None, "homogenization_taste": None,
             **dict.fromkeys(MODEL_METRICS)}
            for s in seeds for a in arms for d in range(days)]


def test_window_means_and_differences_on_crafted_days():
    rows = _rows(12)
    assert seed_means(rows, "arm", "ctr", (5, 11)) == {1: 9.0, 2: 10.0, 3: 11.0}
    out = compare(rows, ["base", "arm"], "base", days=12, launch_days=2)
    expected = {"all": 5.5, "after_launch": 6.5, "last_day": 11.0, "last_7_days": 8.0}
    for window, diff in expected.items():
        vs = out[window]["arms"]["arm"]["vs_baseline"]["ctr"]
        # The same difference in every seed: a paired interval of width 0, n = 3.
        assert (vs["mean"], vs["low"], vs["high"], vs["n"]) == (diff, diff, diff, 3), window
        mean = out[window]["arms"]["arm"]["mean"]["ctr"]
        assert mean["mean"] == pytest.approx(diff + 2.0) and mean["n"] == 3  # seeds 1-3: +2
    assert out["after_launch"]["days"] == [2, 11] and out["last_7_days"]["label"] == "Last 7 days"
    # The baseline itself and a figure that needs an arm the run lacks: null, with why.
    assert out["all"]["arms"]["base"]["vs_baseline"]["ctr"]["mean"] is None
    assert out["all"]["arms"]["base"]["vs_baseline"]["ctr"]["note"] == "This is the baseline arm."
    homog = out["all"]["arms"]["arm"]["vs_baseline"]["homogenization"]
    assert homog["mean"] is None and "ideal arm" in homog["note"]
    assert out["all"]["arms"]["arm"]["mean"]["homogenization"]["note"] == homog["note"]
    # A window without days (a run that is all launch phase).
    empty = compare(_rows(3), ["base", "arm"], "base", days=3, launch_days=3)["after_launch"]
    assert empty["days"] is None
    assert empty["arms"]["arm"]["vs_baseline"]["ctr"]["note"] == \
        "This window has no days in this run."
    assert empty["arms"]["arm"]["mean"]["ctr"]["mean"] is None


def _cfg(**extra) -> dict:
    return normalise({"name": "c", "profiles": 10, "days": 12, "titles": 50, "seeds": [1, 2, 3],
                      "explore_days": 2, **extra,
                      "arms": [{"name": "base", "policy": "random"},
                               {"name": "arm", "policy": "popularity"}]})


def test_summary_carries_vs_baseline_and_windows():
    summary = summarise(_cfg(), _rows(12))
    assert summary["baseline"] == "base"  # the first arm by default
    vs = summary["arms"]["arm"]["vs_baseline"]
    assert set(vs) == set(METRICS)
    assert (vs["ctr"]["mean"], vs["ctr"]["n"]) == (5.5, 3)
    assert set(summary["windows"]) == {"all", "after_launch", "last_day", "last_7_days"}
    assert summary["windows"]["last_day"]["arms"]["arm"]["vs_baseline"]["plays"]["mean"] == 11.0
    # The existing keys stay as they were.
    assert summary["arms"]["arm"]["run_mean"]["ctr"]["mean"] == pytest.approx(7.5)
    assert summary["arms"]["arm"]["last_day"]["ctr"]["mean"] == pytest.approx(13.0)
    json.dumps(summary, allow_nan=False)  # plain JSON: None, never NaN
    # A baseline named in the config.
    other = summarise(_cfg(baseline="arm"), _rows(12))
    assert other["baseline"] == "arm"
    assert other["arms"]["base"]["vs_baseline"]["ctr"]["mean"] == -5.5


def test_a_single_seed_gives_no_interval_and_says_why():
    rows = _rows(12, seeds=(4,))
    summary = summarise(_cfg(seeds=[4]), rows)
    ctr = summary["arms"]["arm"]["vs_baseline"]["ctr"]
    assert ctr["mean"] == 5.5 and ctr["n"] == 1
    assert ctr["low"] is None and ctr["high"] is None and "at least 2" in ctr["note"]


@pytest.mark.parametrize("baseline", ["nope", "", 3])
def test_a_baseline_that_names_no_arm_is_refused(baseline):
    with pytest.raises(ValueError, match=r"^baseline must name one of the arms \('base', 'arm'\)"):
        _cfg(baseline=baseline)
