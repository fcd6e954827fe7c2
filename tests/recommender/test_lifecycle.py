"""Model lifecycle faults: training raises, a worse model, a corrupt artifact, two at once."""

import json
import threading

import numpy as np
import pytest
from sqlalchemy import select

from core.clock import ManualClock
from core.models import JobRun
from recommender import artifacts, lifecycle
from recommender.lifecycle import retrain
from recommender.scoring import ModelStore
from tests.conftest import TEST_NOW


def _runs(database):
    with database.read() as s:
        return [(r.status, r.model_version, r.detail) for r in
                s.scalars(select(JobRun).order_by(JobRun.id))]


def _clock(minutes=0):
    from datetime import timedelta
    return ManualClock(TEST_NOW + timedelta(minutes=minutes))


def test_a_good_model_is_published_with_its_card(database, world_db, rec_settings):
    outcome = retrain(database, rec_settings, clock=_clock())
    assert outcome.status == "ok"
    model_dir = rec_settings.model_dir
    assert artifacts.current_version(model_dir) == outcome.version
    card = json.loads((model_dir / outcome.version / "card.json").read_text())
    assert card["version"] == outcome.version and card["trained_at"] == TEST_NOW.isoformat()
    assert card["data"]["signals"] > 1000 and card["training_seconds"] > 0
    assert card["metrics"]["ndcg@10"] > card["metrics"]["popularity_ndcg@10"]
    # Champion/challenger: every candidate's figures are on the card; the best one serves.
    named = set(rec_settings.rec_candidates)
    assert named <= set(card["candidates"]) and card["chosen"] in card["candidates"]
    best = max(card["candidates"].values(), key=lambda c: c["ndcg@10"])
    assert card["candidates"][card["chosen"]]["ndcg@10"] == best["ndcg@10"]
    assert card["family"] == card["chosen"] and card["serving_memory_bytes"] > 0
    assert card["params"] == card["candidates"][card["chosen"]]["params"]
    with np.load(model_dir / outcome.version / "factors.npz", allow_pickle=False) as data:
        assert set(data.files) == set(artifacts.ARRAYS + artifacts.OPTIONAL)
    assert _runs(database) == [("ok", outcome.version, outcome.detail)]
    with database.read() as s:
        report = json.loads(s.scalar(select(JobRun.report)))
    assert report["chosen"] == card["chosen"] and report["candidates"] == card["candidates"]


def test_training_that_raises_is_recorded_and_the_last_good_model_keeps_serving(
        database, world_db, rec_settings):
    good = retrain(database, rec_settings, clock=_clock())

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    bad = retrain(database, rec_settings, clock=_clock(60), select=broken)
    assert bad.status == "failed" and "disk on fire" in bad.detail
    assert artifacts.current_version(rec_settings.model_dir) == good.version
    assert [r[0] for r in _runs(database)] == ["ok", "failed"]
    assert ModelStore(rec_settings.model_dir).get().version == good.version


def test_a_worse_model_is_rejected(database, world_db, rec_settings):
    good = retrain(database, rec_settings, clock=_clock())
    card_path = rec_settings.model_dir / good.version / "card.json"
    card = json.loads(card_path.read_text())
    card["metrics"]["ndcg@10"] = 0.99  # the serving model looks far better than any new one
    card_path.write_text(json.dumps(card))
    worse = retrain(database, rec_settings, clock=_clock(60))
    assert worse.status == "rejected" and "worse than the serving model" in worse.detail
    assert artifacts.current_version(rec_settings.model_dir) == good.version
    assert artifacts.versions(rec_settings.model_dir) == [good.version]


def test_a_model_that_cannot_beat_popularity_is_rejected():
    reason = lifecycle.gate({"ndcg@10": 0.2, "popularity_ndcg@10": 0.25}, None)
    assert reason and "does not beat popularity" in reason
    assert lifecycle.gate({"ndcg@10": 0.3, "popularity_ndcg@10": 0.25}, None) is None
    serving = {"metrics": {"ndcg@10": 0.31}}
    assert lifecycle.gate({"ndcg@10": 0.30, "popularity_ndcg@10": 0.25}, serving) is None


def test_a_corrupt_artifact_is_ignored_and_the_last_good_model_serves(
        database, world_db, rec_settings):
    first = retrain(database, rec_settings, clock=_clock())
    store = ModelStore(rec_settings.model_dir)
    assert store.get().version == first.version
    second = retrain(database, rec_settings, clock=_clock(60))
    assert second.status == "ok"
    (rec_settings.model_dir / second.version / "factors.npz").write_bytes(b"not a zip")
    artifacts.set_current(rec_settings.model_dir, second.version)  # CURRENT changes: reload
    assert store.get().version == first.version  # in memory: keeps the last good model
    fresh = ModelStore(rec_settings.model_dir)  # a new process: falls back on disk
    assert fresh.get().version == first.version
    with pytest.raises(artifacts.ArtifactError):
        artifacts.load(rec_settings.model_dir, second.version)


def test_two_retrains_at_once_only_one_runs(database, world_db, rec_settings):
    lock = rec_settings.model_dir / ".train.lock"
    with lifecycle.exclusive(lock) as got:
        assert got
        assert retrain(database, rec_settings, clock=_clock()).status == "busy"
    assert _runs(database) == []
    results = []
    threads = [threading.Thread(target=lambda: results.append(
        retrain(database, rec_settings, clock=_clock()).status)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) in (["busy", "ok"], ["ok", "ok"])  # never two at the same time
    assert [r[0] for r in _runs(database)].count("running") == 0


def test_only_the_last_versions_are_kept_and_rollback_works(database, world_db, rec_settings):
    settings = rec_settings.with_(rec_keep_versions=2)
    made = [retrain(database, settings, clock=_clock(60 * n), tolerance=1.0).version
            for n in range(3)]
    assert artifacts.versions(settings.model_dir) == sorted(made[1:], reverse=True)
    artifacts.set_current(settings.model_dir, made[1])
    assert ModelStore(settings.model_dir).get().version == made[1]
    with pytest.raises(artifacts.ArtifactError):
        artifacts.set_current(settings.model_dir, made[0])


def test_the_better_candidate_is_published(database, world_db, rec_settings):
    """Two candidates, one plainly worse (popularity): the personal one serves."""
    settings = rec_settings.with_(rec_candidates=("ease", "popularity"), rec_blend=False)
    outcome = retrain(database, settings, clock=_clock())
    card = artifacts.card(settings.model_dir, outcome.version)
    assert outcome.status == "ok" and card["chosen"] == "ease"
    assert card["candidates"]["ease"]["ndcg@10"] > card["candidates"]["popularity"]["ndcg@10"]
    assert ModelStore(settings.model_dir).get().family == "ease"


def test_when_every_candidate_fails_the_gate_the_old_model_keeps_serving(
        database, world_db, rec_settings):
    good = retrain(database, rec_settings, clock=_clock())
    only_popularity = rec_settings.with_(rec_candidates=("popularity",), rec_blend=False)
    outcome = retrain(database, only_popularity, clock=_clock(60))
    assert outcome.status == "rejected" and "does not beat popularity" in outcome.detail
    assert artifacts.current_version(rec_settings.model_dir) == good.version
    assert outcome.report["candidates"].keys() == {"popularity"}


def test_a_pinned_model_is_never_replaced(database, world_db, rec_settings):
    first = retrain(database, rec_settings, clock=_clock())
    artifacts.pin(rec_settings.model_dir, first.version)
    skipped = retrain(database, rec_settings, clock=_clock(60))
    assert skipped.status == "skipped" and first.version in skipped.detail
    assert artifacts.current_version(rec_settings.model_dir) == first.version
    artifacts.unpin(rec_settings.model_dir)
    assert retrain(database, rec_settings, clock=_clock(120), tolerance=1.0).status == "ok"


def _hold_lock_in_child(path):
    """A child process that takes the lock on `path` and waits: (process, ready)."""
    import subprocess
    import sys

    code = ("import sys, time; from pathlib import Path; from core.locks import try_lock; "
            "fd = try_lock(Path(sys.argv[1])); print('held' if fd else 'busy', flush=True); "
            "time.sleep(60)")
    child = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE,
                             text=True)
    return child, child.stdout.readline().strip()


def test_a_killed_retrain_shows_as_failed_not_running(database, rec_settings):
    """A retrain's process killed mid-run leaves its JobRun "running"; once its lock is
    released by the system (the process is gone), the next look settles it as failed."""
    with database.write() as s:
        s.add(JobRun(job="train", started_at=TEST_NOW, status="running", detail=""))
    child, state = _hold_lock_in_child(lifecycle.train_lock(rec_settings))
    try:
        assert state == "held"
        assert lifecycle.settle_interrupted(database, rec_settings, _clock()) == 0  # alive
        assert [r[0] for r in _runs(database)] == ["running"]
    finally:
        child.kill()
        child.wait()
    assert lifecycle.settle_interrupted(database, rec_settings, _clock(5)) == 1
    [(status, _, detail)] = _runs(database)
    assert status == "failed" and "stopped before it finished" in detail
