"""`streamsim abtest --live`: a small population seeded through the site's services with an A/A
live experiment, re-randomised; every key printed, the population reused the second time."""

from __future__ import annotations

import json

from click.testing import CliRunner

from webapp.cli.abtest import abtest

KEYS = {"aa_false_positive_rate", "peeking_fixed_horizon_rate", "sequential_rate",
        "srm_detection_rate", "cuped_variance_ratio", "one_minus_rho_squared",
        "planted_effect_power", "predicted_power"}


def test_abtest_live_prints_every_figure_and_reuses_its_population(tmp_path):
    path = tmp_path / "live.sqlite3"
    args = ["--live", "--profiles", "60", "--days", "3", "--pre-days", "2", "--salts", "20",
            "--database", str(path), "--json"]
    first = CliRunner().invoke(abtest, args)
    assert first.exit_code == 0, first.output
    res = json.loads(first.output)
    assert KEYS <= set(res)
    assert res["exposed_profiles"] >= 20 and res["seed_seconds"] > 0
    assert all(0.0 <= res[k] <= 1.0 for k in KEYS - {"cuped_variance_ratio"})
    assert res["sequential_rate"] <= res["peeking_fixed_horizon_rate"]
    assert res["exposed_per_look"] == sorted(res["exposed_per_look"])  # cumulative looks
    again = json.loads(CliRunner().invoke(abtest, args).output)
    assert again["seed_seconds"] < res["seed_seconds"]  # the population was reused
    assert {k: again[k] for k in KEYS} == {k: res[k] for k in KEYS}  # deterministic
    text = CliRunner().invoke(abtest, args[:-1])
    assert "A/A false positives" in text.output and "1 - rho^2" in text.output
