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
