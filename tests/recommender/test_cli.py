"""streamsim train / models / evaluate."""

import json

import pytest

from recommender import artifacts


@pytest.fixture
def runner(rec_settings, database):
    from webapp import create_app
    from webapp.cli import cli

    app = create_app(rec_settings, database)
    cli_runner = app.test_cli_runner()
    return lambda *args: cli_runner.invoke(cli, list(args))


def test_train_models_and_rollback(runner, world_db, rec_settings):
    first = runner("train")
    assert first.exit_code == 0, first.output
    assert first.output.startswith("Training ok: ")
    second = runner("train")
    assert second.exit_code == 0
    listing = runner("models")
    assert listing.exit_code == 0
    versions = artifacts.versions(rec_settings.model_dir)
    assert len(versions) == 2
    lines = listing.output.splitlines()
    assert lines[0].startswith(f"* {versions[0]}") and lines[1].startswith(f"  {versions[1]}")
    assert lines[-1] == f"2 version(s); serving {versions[0]}"
    back = runner("models", "--rollback", versions[1])
    assert back.exit_code == 0 and artifacts.current_version(rec_settings.model_dir) == versions[1]
    bad = runner("models", "--rollback", "nope")
    assert bad.exit_code != 0 and "nope" in bad.output


def test_train_without_signals_fails_visibly(runner, rec_settings):
    result = runner("train")
    assert result.exit_code == 1 and "failed" in result.output
    assert artifacts.current_version(rec_settings.model_dir) is None


def test_evaluate_json(runner, world_db):
    result = runner("evaluate", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {"production", "rating_svd", "popularity", "random"} <= set(report)
    assert report["production"]["ndcg@10"] >= 1.2 * report["popularity"]["ndcg@10"]
    table = runner("evaluate")
    assert table.exit_code == 0 and table.output.splitlines()[1].startswith("production")
