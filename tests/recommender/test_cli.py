"""streamsim train / models / evaluate."""

import json

import pytest

from recommender import artifacts


@pytest.fixture
def runner(rec_settings, database):
    from webapp import create_app
    from webapp.cli.main import cli

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
    result = runner("evaluate", "--json", "--seeds", "2")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {"production", "popularity", "random", "svd", "ease", "als", "knn"} <= set(report)
    for row in report.values():
        assert {"ndcg@10", "recall@20", "map@10", "coverage", "popularity", "diversity",
                "split"} <= set(row)
        assert row["split"]["seeds"] == [0, 1] and "relevant" in row["split"]["relevance"]
        assert len(row["ndcg@10_seeds"]) == 2 and row["ndcg@10_std"] >= 0
    assert report["production"]["ndcg@10"] >= 1.2 * report["popularity"]["ndcg@10"]
    assert report["random"]["ndcg@10"] < report["popularity"]["ndcg@10"]
    table = runner("evaluate", "--seeds", "1")
    lines = table.stdout.splitlines()
    assert table.exit_code == 0 and lines[0].startswith("model")
    assert any(line.startswith("production") for line in lines)
    assert runner("evaluate", "--models", "nope").exit_code == 2  # a clear usage error


def test_models_pin_and_unpin(runner, world_db, rec_settings):
    import shutil

    model_dir = rec_settings.model_dir
    assert runner("train").exit_code == 0
    (newest,) = artifacts.versions(model_dir)
    older = "20200101T000000"
    shutil.copytree(model_dir / newest, model_dir / older)  # a second stored version
    card_path = model_dir / older / "card.json"
    card_path.write_text(json.dumps({**json.loads(card_path.read_text()), "version": older}))
    family = artifacts.card(model_dir, newest)["family"]

    pinned = runner("models", "--pin", older)
    assert pinned.exit_code == 0, pinned.output
    assert pinned.output.startswith(f"Pinned {older}")
    assert artifacts.pinned_version(model_dir) == older
    assert artifacts.current_version(model_dir) == older
    lines = runner("models").output.splitlines()
    assert lines[0].startswith(f"  {newest}  {family}") and not lines[0].endswith("PINNED")
    assert lines[1].startswith(f"* {older}  {family}") and lines[1].endswith("  PINNED")
    assert lines[-1] == f"2 version(s); serving {older}; pinned {older} (retrains are skipped)"

    skipped = runner("train")
    assert skipped.exit_code == 0 and skipped.output.startswith("Training skipped")
    assert artifacts.versions(model_dir) == [newest, older]
    refused = runner("models", "--rollback", newest)  # the pin wins until it is lifted
    assert refused.exit_code == 1 and "pinned" in refused.output
    assert artifacts.current_version(model_dir) == older

    unknown = runner("models", "--pin", "nope")
    assert unknown.exit_code == 1 and "Error: no model version nope" in unknown.output
    assert artifacts.pinned_version(model_dir) == older
    assert runner("models", "--pin", newest, "--unpin").exit_code == 2

    unpinned = runner("models", "--unpin")
    assert unpinned.exit_code == 0 and unpinned.output.startswith(f"Unpinned {older}")
    assert artifacts.pinned_version(model_dir) is None
    assert runner("models").output.splitlines()[-1] == f"2 version(s); serving {older}"
    assert runner("models", "--unpin").output.startswith("No version was pinned")


def test_models_pin_refuses_an_unreadable_version(runner, world_db, rec_settings):
    import shutil

    model_dir = rec_settings.model_dir
    assert runner("train").exit_code == 0
    (good,) = artifacts.versions(model_dir)
    shutil.copytree(model_dir / good, model_dir / "20200101T000000")
    (model_dir / "20200101T000000" / "factors.npz").write_bytes(b"not a zip")
    result = runner("models", "--pin", "20200101T000000")
    assert result.exit_code == 1 and "cannot be read" in result.output
    assert artifacts.pinned_version(model_dir) is None
    assert artifacts.current_version(model_dir) == good
