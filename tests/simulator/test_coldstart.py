"""Cold-start study (SIMULATION.md item 3): fold-in rows after 3 onboarding picks beat the
popularity rows on precision@10 against each newcomer's true top 10."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from simulator.coldstart import run_coldstart
from webapp import cli_sim


@pytest.fixture(scope="module")
def study():
    return run_coldstart(profiles=30, seed=3, history_profiles=80, history_days=6, titles=200)


def test_foldin_rows_beat_popularity_rows_on_true_tastes(study):
    assert study.profiles == 30
    assert study.sources == {"fold-in": 30}  # every newcomer is served by fold-in
    assert study.foldin_precision > study.popularity_precision
    assert study.foldin_wins > study.popularity_wins
    assert 0.0 <= study.popularity_precision < study.foldin_precision <= 1.0
    assert study.training_signals > 0


def test_cli_prints_json_and_is_deterministic():
    args = ["--profiles", "4", "--seed", "5", "--history-profiles", "20", "--days", "2",
            "--titles", "60", "--json"]
    first = CliRunner().invoke(cli_sim.coldstart, args)
    assert first.exit_code == 0, first.output
    figures = json.loads(first.output)
    assert figures["profiles"] == 4 and figures["seed"] == 5
    assert set(figures) >= {"foldin_precision", "popularity_precision", "prior_precision"}
    again = CliRunner().invoke(cli_sim.coldstart, args)
    assert again.output == first.output


def test_cli_text_output_is_registered():
    from webapp.cli import cli

    assert "coldstart" in cli.commands
