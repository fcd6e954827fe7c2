"""`streamsim seed`, `simulate` and `grant-educator` through Flask's CLI runner."""

from __future__ import annotations

import json
import re

from sqlalchemy import func, select

from core.models import Account, ExperimentRun, Impression, ProfileTruth
from tests.webapp.conftest import make_account
from webapp.cli import sim as cli_sim


def test_seed_prints_a_summary(app, database):
    result = app.test_cli_runner().invoke(cli_sim.seed, ["--profiles", "12", "--days", "1",
                                                         "--seed", "4"])
    assert result.exit_code == 0, result.output
    line = result.output.strip().splitlines()[-1]
    assert "Seeded: 12 profiles x 1 days:" in line
    with database.read() as s:
        assert s.scalar(select(func.count()).select_from(ProfileTruth)) == 12


def test_seed_model_options(app, database):
    runner = app.test_cli_runner()
    result = runner.invoke(cli_sim.seed, ["--profiles", "12", "--days", "2", "--seed", "4",
                                          "--model-from-day", "1"])
    assert result.exit_code == 0, result.output
    with database.read() as s:
        keys = set(s.scalars(select(Impression.row_key)))
    assert "top-picks" in keys
    bad = runner.invoke(cli_sim.seed, ["--profiles", "3", "--retrain-days", "0"])
    assert bad.exit_code != 0 and "retrain-days" in bad.output


def test_simulate_writes_results_and_a_run_row(app, database, tmp_path):
    config = tmp_path / "tiny.toml"
    config.write_text('name = "Tiny"\nprofiles = 10\ndays = 2\ntitles = 50\nseeds = [2]\n'
                      '[[arms]]\npolicy = "popularity"\n[[arms]]\npolicy = "ideal"\n')
    out = tmp_path / "out"
    result = app.test_cli_runner().invoke(cli_sim.simulate, [str(config), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "popularity: utility" in result.output
    # The second arm against the first, paired by seed; one seed gives no interval, and says so.
    assert "Utility against the baseline (popularity)" in result.output
    assert re.search(r"ideal: [+-]\d\.\d{3} \(Only one seed", result.output), result.output
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary["arms"]) == {"popularity", "ideal"}
    with database.read() as s:
        run = s.scalars(select(ExperimentRun)).one()
        assert (run.status, run.results_dir) == ("done", str(out))


def test_grant_educator(app, database):
    make_account(database, "teach@example.com")
    runner = app.test_cli_runner()
    assert runner.invoke(cli_sim.grant_educator, ["Teach@example.com"]).exit_code == 0
    with database.read() as s:
        assert s.scalar(select(Account.role).where(Account.email == "teach@example.com")) \
            == "educator"
    assert runner.invoke(cli_sim.grant_educator, ["nobody@example.com"]).exit_code != 0


def test_simulate_refuses_a_bad_config_clearly_and_stores_nothing(app, database, tmp_path):
    bad = tmp_path / "bad.toml"
    for text, message in (('name = "x"\n[[arms]]\nname = "a"\n', "needs a policy"),
                          ('name = "x"\n[[arms]]\npolicy = "random"\nrows = 0\n', "rows"),
                          ('name = "x"\n[[arms]]\npolicy = "svd"\nmodel = "deep"\n',
                           "unknown model 'deep'"),
                          ('name = "x"\nbaseline = "b"\n[[arms]]\nname = "a"\n'
                           'policy = "random"\n', "baseline must name one of the arms ('a')"),
                          ('name = "x\n', "bad.toml")):
        bad.write_text(text)
        result = app.test_cli_runner().invoke(cli_sim.simulate, [str(bad)])
        assert result.exit_code != 0 and message in result.output, result.output
        assert "Traceback" not in result.output
    with database.read() as s:
        assert s.scalar(select(func.count()).select_from(ExperimentRun)) == 0


def test_simulate_on_a_database_without_tables_says_what_to_run(tmp_path):
    """It used to end in a traceback ("no such table: experiment_runs")."""
    from core.settings import Settings
    from webapp import create_app

    app = create_app(Settings(env="testing", database_url=f"sqlite:///{tmp_path}/empty.sqlite3",
                              results_dir=tmp_path / "results"))
    config = tmp_path / "tiny.toml"
    config.write_text('name = "Tiny"\nprofiles = 10\ndays = 2\ntitles = 50\nseeds = [2]\n'
                      '[[arms]]\npolicy = "popularity"\n')
    result = app.test_cli_runner().invoke(cli_sim.simulate, [str(config)])
    assert result.exit_code != 0 and "streamsim db upgrade" in result.output, result.output
    assert "Traceback" not in result.output
    app.extensions["streamsim.db"].dispose()
