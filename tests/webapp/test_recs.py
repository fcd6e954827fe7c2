"""The recommender's wiring into the app: each app serves its own model, and the in-app retrain
scheduler starts only from the serving entry points (`streamsim run`, webapp.wsgi)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from core.clock import ManualClock
from core.settings import Settings
from recommender import scheduler
from tests.conftest import TEST_NOW
from webapp import create_app, recs

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo_settings(settings, tmp_path) -> Settings:
    """Development settings with the in-app scheduler on, in private folders."""
    return settings.with_(env="development", rec_scheduler_in_app=True, rec_epochs=25,
                          instance_dir=tmp_path / "instance", model_dir=tmp_path / "models")


@pytest.fixture
def demo_env(demo_settings, monkeypatch) -> dict[str, str]:
    """The same settings as STREAMSIM_* variables, the way the `streamsim` command reads them."""
    env = {"STREAMSIM_ENV": "development", "STREAMSIM_DATABASE_URL": demo_settings.database_url,
           "STREAMSIM_INSTANCE_DIR": str(demo_settings.instance_dir),
           "STREAMSIM_MODEL_DIR": str(demo_settings.model_dir),
           "STREAMSIM_REC_SCHEDULER_IN_APP": "1"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("STREAMSIM_DEMO", raising=False)
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    monkeypatch.setenv("FLASK_DEBUG", "0")
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "false")  # FlaskGroup sets it; restored after
    return env


@pytest.fixture
def stop_started():
    """Stops every scheduler a test started (and releases its lock), even when it fails."""
    started = []
    yield started
    for app in started:
        if recs.SCHEDULER in app.extensions:
            scheduler.stop(app.extensions[recs.SCHEDULER])


def test_building_the_app_for_a_cli_command_starts_no_scheduler(demo_env, demo_settings):
    from webapp.cli.main import cli

    built = []

    def factory():  # the command's own factory (settings from the environment), recorded
        built.append(create_app())
        return built[-1]

    result = CliRunner().invoke(cli, ["models"], obj=ScriptInfo(create_app=factory))
    assert result.exit_code == 0, result.output
    assert result.output.endswith("0 version(s); serving none (popularity rows)\n")
    (app,) = built
    assert app.config["STREAMSIM"].rec_scheduler_in_app
    assert recs.SCHEDULER not in app.extensions
    assert scheduler.status(demo_settings)["running"] is False  # nobody holds the lock
    app.extensions["streamsim.db"].dispose()


def test_start_background_starts_one_scheduler_per_deployment(database, demo_settings,
                                                              stop_started):
    first = create_app(demo_settings, database)
    second = create_app(demo_settings, database)  # another worker of the same deployment
    stop_started.extend([first, second])
    assert recs.SCHEDULER not in first.extensions and recs.SCHEDULER not in second.extensions
    assert scheduler.status(demo_settings)["running"] is False

    running = recs.start_background(first)
    assert running is not None and running.running
    assert running.get_job(scheduler.JOB_ID) is not None
    assert first.extensions[recs.SCHEDULER] is running
    status = scheduler.status(demo_settings)
    assert status["running"] is True and status["mode"] == "in-app"
    assert recs.start_background(second) is None  # the lock is taken: it stands down
    assert recs.SCHEDULER not in second.extensions
    assert recs.start_background(first) is running  # asked twice: still one

    scheduler.stop(running)
    assert scheduler.status(demo_settings)["running"] is False


def test_start_background_does_nothing_when_the_setting_is_off(database, demo_settings):
    app = create_app(demo_settings.with_(rec_scheduler_in_app=False), database)
    assert recs.start_background(app) is None
    assert recs.SCHEDULER not in app.extensions
    assert scheduler.status(demo_settings)["running"] is False


@pytest.mark.parametrize(("args", "run_main", "starts"), [
    ([], None, True),  # no reloader: this process serves
    (["--reload"], None, False),  # the reloader's watcher process: it never serves
    (["--reload"], "true", True),  # the child the reloader starts: it serves
])
def test_streamsim_run_starts_the_scheduler_where_it_serves(
        database, demo_settings, demo_env, monkeypatch, stop_started, args, run_main, starts):
    from webapp.cli.main import cli

    if run_main:
        monkeypatch.setenv("WERKZEUG_RUN_MAIN", run_main)
    app = create_app(demo_settings, database)
    stop_started.append(app)
    served = {}

    def fake_run_simple(host, port, application, **options):
        served.update(app=application, reloader=options["use_reloader"],
                      running=scheduler.status(demo_settings)["running"])

    monkeypatch.setattr("flask.cli.run_simple", fake_run_simple)
    result = CliRunner().invoke(cli, ["run", "--port", "0", *args],
                                obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    assert served["app"] is app and served["reloader"] is bool(args)
    assert served["running"] is starts  # started before serving, or not at all
    assert (recs.SCHEDULER in app.extensions) is starts


def test_the_wsgi_entry_starts_the_scheduler_when_the_setting_is_on(demo_env, demo_settings,
                                                                    database):
    probe = ("import json; from webapp import wsgi, recs; from recommender import scheduler; "
             "s = wsgi.app.config['STREAMSIM']; print(json.dumps({"
             "'started': recs.SCHEDULER in wsgi.app.extensions, "
             "'running': scheduler.status(s)['running']}))")
    env = {**os.environ, **demo_env}
    for setting, expected in (("1", True), ("0", False)):
        env["STREAMSIM_REC_SCHEDULER_IN_APP"] = setting
        done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120, check=True)
        found = json.loads(done.stdout.strip().splitlines()[-1])
        assert found == {"started": expected, "running": expected}
    assert scheduler.status(demo_settings)["running"] is False  # released at exit


def test_two_apps_in_one_process_serve_their_own_models(database, demo_settings, tmp_path):
    from recommender.lifecycle import retrain
    from tests.recommender.conftest import populate

    populate(database)
    one = demo_settings.with_(model_dir=tmp_path / "one")
    two = demo_settings.with_(model_dir=tmp_path / "two")
    first_app, second_app = create_app(one, database), create_app(two, database)
    first = retrain(database, one, clock=ManualClock(TEST_NOW))
    assert first.status == "ok"

    def serving(app):
        with app.app_context():
            model = recs.serving_model()
        assert app.test_client().get("/healthz").json["model_version"] == (
            model.version if model else None)
        return model.version if model else None

    assert serving(first_app) == first.version and serving(second_app) is None
    second = retrain(database, two, clock=ManualClock(TEST_NOW + timedelta(hours=1)))
    assert second.status == "ok" and second.version != first.version
    assert serving(first_app) == first.version and serving(second_app) == second.version
    assert first_app.extensions[recs.MODELS] is not second_app.extensions[recs.MODELS]
