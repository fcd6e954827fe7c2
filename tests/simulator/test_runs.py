"""Experiment runs, one way (simulator/studies/runs.py): queued runs are claimed under a lock, at
most `limit` at once; a run whose process dies is settled as failed with the reason; an error in
the experiment is recorded, never lost."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import select

from core.models import ExperimentRun
from simulator.studies import runs
from simulator.studies.experiment import normalise
from tests.conftest import TEST_NOW

TINY = normalise({"name": "tiny", "profiles": 8, "days": 2, "titles": 40, "seeds": [1],
                  "arms": [{"policy": "popularity"}, {"policy": "random"}]})


def _queue(database, root, n=1, cfg=TINY):
    ids = []
    with database.write() as s:
        for k in range(n):
            ids.append(runs.queue(s, cfg, root, label=f"t{k}", created_by=None, now=TEST_NOW).id)
    return ids


def _status(database):
    with database.read() as s:
        return {r.id: (r.status, r.error) for r in s.scalars(select(ExperimentRun))}


def test_a_submitted_run_is_committed_before_its_worker_starts(database, tmp_path):
    seen = []

    def launch(root):  # the worker reads the queue on a connection of its own
        seen.append((root, _status(database)))

    s = database.session()
    try:
        run = runs.submit(s, TINY, tmp_path, label="t", created_by=None, now=TEST_NOW,
                          launch=launch)
    finally:
        s.close()
    assert seen == [(tmp_path, {run.id: ("queued", "")})]


def test_claims_oldest_first_and_never_more_than_the_limit(database, tmp_path):
    first, second, third = _queue(database, tmp_path, 3)
    run_id, fd = runs.claim(database, tmp_path, limit=1)
    assert run_id == first
    assert runs.claim(database, tmp_path, limit=1) is None  # one is running
    assert runs.execute(database, run_id, fd) is not None
    assert _status(database)[first] == ("done", "")
    assert runs.work(database, tmp_path, limit=1) == 2  # the worker drains the queue in order
    assert {k: v[0] for k, v in _status(database).items()} == {
        first: "done", second: "done", third: "done"}


def test_an_error_in_the_experiment_is_recorded_and_frees_the_slot(database, tmp_path):
    bad = {**TINY, "arms": [{**TINY["arms"][0], "policy": "no-such-policy"}]}
    [run_id] = _queue(database, tmp_path, cfg=bad)
    claimed = runs.claim(database, tmp_path, limit=1)
    assert runs.execute(database, *claimed) is None
    status, error = _status(database)[run_id]
    assert status == "failed" and error.startswith("ConfigError: Arm 1 needs a policy")
    [again] = _queue(database, tmp_path)
    assert runs.claim(database, tmp_path, limit=1)[0] == again  # the slot is free


def test_a_killed_worker_leaves_a_failed_run_with_the_reason(database, tmp_path):
    [run_id] = _queue(database, tmp_path)
    code = ("import sys, time; from pathlib import Path; from core.db import Database; "
            "from core.settings import Settings; from simulator.studies import runs; "
            "db = Database(Settings(env='testing', database_url=sys.argv[1])); "
            "got = runs.claim(db, Path(sys.argv[2]), limit=1); "
            "print('claimed' if got else 'none', flush=True); time.sleep(60)")
    child = subprocess.Popen([sys.executable, "-c", code, database.settings.database_url,
                              str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "claimed"
        assert runs.settle_crashed(database) == 0  # alive: still running
        assert _status(database)[run_id][0] == "running"
        assert runs.claim(database, tmp_path, limit=1) is None
    finally:
        child.kill()
        child.wait()
    assert runs.settle_crashed(database) == 1
    status, error = _status(database)[run_id]
    assert status == "failed" and "stopped before it finished" in error
    [again] = _queue(database, tmp_path)
    assert runs.claim(database, tmp_path, limit=1)[0] == again


def test_the_worker_answers_help_without_running_anything(capsys):
    """`python -m simulator.studies.worker --help` used to start the worker, claiming queued
    runs from whatever database the environment named."""
    from simulator.studies import worker

    with pytest.raises(SystemExit) as stop:
        worker.main(["--help"])
    assert stop.value.code == 0
    assert "usage: python -m simulator.studies.worker" in capsys.readouterr().out
