"""The retrain scheduler: job options, one scheduler per deployment, status."""

import threading

from apscheduler.schedulers.background import BackgroundScheduler

from recommender import scheduler


def test_retrain_job_has_the_safety_options(database, rec_settings):
    sched = BackgroundScheduler(timezone="UTC")
    scheduler.add_retrain_job(sched, database, rec_settings)
    job = sched.get_job(scheduler.JOB_ID)
    assert job.max_instances == 1 and job.coalesce is True
    assert job.misfire_grace_time == scheduler.MISFIRE_GRACE_S
    assert job.trigger.interval.total_seconds() == rec_settings.rec_retrain_minutes * 60


def test_only_one_scheduler_per_deployment(database, rec_settings):
    first = scheduler.start_in_app(database, rec_settings)
    try:
        assert first is not None and first.running
        assert scheduler.start_in_app(database, rec_settings) is None
        assert scheduler.run_blocking(database, rec_settings) is False
        status = scheduler.status(rec_settings)
        assert status["running"] is True and status["mode"] == "in-app"
    finally:
        scheduler.stop(first)
    assert scheduler.status(rec_settings)["running"] is False
    again = scheduler.start_in_app(database, rec_settings)
    assert again is not None
    scheduler.stop(again)


def test_a_run_of_the_job_records_its_outcome(database, rec_settings):
    sched = BackgroundScheduler(timezone="UTC")
    scheduler.add_retrain_job(sched, database, rec_settings)
    # In a thread of its own, as APScheduler's executor runs it (the job lowers its thread's
    # priority, which must not be the test runner's).
    runner = threading.Thread(target=sched.get_job(scheduler.JOB_ID).func)
    runner.start()  # no signals yet: a recorded failure
    runner.join()
    status = scheduler.read_status(rec_settings)
    assert status["last_status"] == "failed" and "no training signals" in status["last_detail"]


def test_training_threads_run_at_lower_priority():
    import os

    main_before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen = {}

    def work():
        before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        scheduler.lower_priority()
        seen["delta"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) - before
        seen["before"] = before
        seen["policy"] = os.sched_getscheduler(0) if hasattr(os, "sched_getscheduler") else None

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert seen["delta"] > 0 or seen["before"] == 19  # already the lowest priority
    if hasattr(os, "SCHED_IDLE"):  # Linux: the training thread runs only on idle CPU
        assert seen["policy"] == os.SCHED_IDLE
    # Only the training thread moved: the request-serving thread keeps its priority.
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == main_before
    if hasattr(os, "sched_getscheduler"):
        assert os.sched_getscheduler(0) == os.SCHED_OTHER


def _fake_affinity(monkeypatch, cpus):
    monkeypatch.setattr(scheduler.os, "sched_getaffinity", lambda pid: set(cpus), raising=False)


def test_training_cpus_are_the_highest_half_by_default(monkeypatch, rec_settings):
    _fake_affinity(monkeypatch, range(8))
    assert scheduler.training_cpus(rec_settings) == {4, 5, 6, 7}
    _fake_affinity(monkeypatch, [0, 1])
    assert scheduler.training_cpus(rec_settings) == {1}
    _fake_affinity(monkeypatch, [3])  # one CPU: training shares it
    assert scheduler.training_cpus(rec_settings) == {3}
    _fake_affinity(monkeypatch, [0, 2, 5])
    assert scheduler.training_cpus(rec_settings.with_(rec_train_cpus=2)) == {2, 5}
    assert scheduler.training_cpus(rec_settings.with_(rec_train_cpus=9)) == {0, 2, 5}


def test_a_bad_train_cpus_setting_is_refused():
    import pytest

    from core.settings import Settings, SettingsError

    with pytest.raises(SettingsError, match="STREAMSIM_REC_TRAIN_CPUS"):
        Settings.from_env({"STREAMSIM_REC_TRAIN_CPUS": "-1"})


def test_background_training_confines_only_the_training_thread():
    import os

    if not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2:
        import pytest

        pytest.skip("needs Linux CPU affinity and two CPUs or more")
    from threadpoolctl import threadpool_info

    everywhere = os.sched_getaffinity(0)
    target = {max(everywhere)}
    seen = {}

    def work():
        with scheduler.background_training(target):
            seen["cpus"] = os.sched_getaffinity(0)
            seen["threads"] = {p["num_threads"] for p in threadpool_info()}

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert seen["cpus"] == target
    assert seen["threads"] == {1}  # as many BLAS threads as training CPUs
    assert os.sched_getaffinity(0) == everywhere  # the request-serving thread is untouched
