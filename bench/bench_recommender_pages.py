"""Home page p50/p99 with personalised rows at demo size, idle and while retrains run.

Demo size: 1,200 titles, 300 simulated profiles with 30 days of history (simulator.studies.seed), a
model trained by the real retrain, gunicorn (2 workers, gunicorn.conf.py's threads). Then the
same home page while another process retrains in a loop as `streamsim scheduler` would (idle
scheduling class, on the training CPUs: recommender.scheduler.background_training). Prints
figures.

Run: .venv/bin/python bench/bench_recommender_pages.py [rounds]
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import gunicorn, logged_in, percentiles, quantile_ms, timed_gets  # noqa: E402
from core import accounts, activity, catalog  # noqa: E402
from core.clock import ManualClock  # noqa: E402
from core.db import Database  # noqa: E402
from core.migrate import upgrade  # noqa: E402
from core.settings import Settings  # noqa: E402
from recommender.lifecycle import retrain  # noqa: E402
from recommender.scheduler import background_training, training_cpus  # noqa: E402
from simulator.studies.seed import seed_history  # noqa: E402

NOW = datetime(2026, 11, 1, 12)
PASSWORD = "bench password 123"


def build(folder: Path) -> tuple[Settings, int]:
    settings = Settings(env="testing", database_url=f"sqlite:///{folder / 'bench.sqlite3'}",
                        instance_dir=folder, model_dir=folder / "models")
    upgrade(settings)
    db = Database(settings)
    seed_history(db, 300, 30, 7, NOW, n_titles=1200)
    with db.write() as s:
        account = accounts.create_account(s, "bench@example.com", PASSWORD, NOW)
        profile = accounts.create_profile(s, account, NOW, name="Bench")
        picks = [t.id for t in catalog.popular(s, 18, n=40)][::13][:3]
        activity.save_taste_picks(s, profile, picks, [], NOW)
        profile_id = profile.id
    outcome = retrain(db, settings, clock=ManualClock(NOW), tolerance=1.0)
    print(f"first training: {outcome.status} {outcome.version} {outcome.detail}")
    db.dispose()
    return settings, profile_id


def retrain_loop(settings: Settings, stop, counts) -> None:
    db = Database(settings)
    n = 0
    with background_training(training_cpus(settings)):  # as the scheduler's job does
        while not stop.is_set():
            retrain(db, settings, clock=ManualClock(NOW), tolerance=1.0)
            n += 1
    counts.value = n
    db.dispose()


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        settings, profile_id = build(Path(tmp))
        print(f"built demo-size data in {time.perf_counter() - t:.1f} s")
        os.environ["STREAMSIM_MODEL_DIR"] = str(settings.model_dir)
        with gunicorn(settings.database_url) as base:
            s = logged_in(base, "bench@example.com", PASSWORD, profile_id)
            page = s.get(base + "/home").text
            assert "Top picks for you" in page, "the home page is not personalised"
            timed_gets(s, [base + "/home"], 20)
            idle = timed_gets(s, [base + "/home"], rounds)
            # A fresh interpreter, as `streamsim scheduler` is: a forked child would inherit
            # this process's BLAS and OpenMP thread pools, which hang after a fork.
            ctx = mp.get_context("spawn")
            stop, counts = ctx.Event(), ctx.Value("i", 0)
            worker = ctx.Process(target=retrain_loop, args=(settings, stop, counts))
            worker.start()
            time.sleep(0.5)
            busy = timed_gets(s, [base + "/home"], rounds)
            stop.set()
            worker.join()
        q_idle, q_busy = quantile_ms(idle, 99), quantile_ms(busy, 99)
        print(f"home page, personalised, idle:           {percentiles(idle)}")
        print(f"home page, personalised, while retraining: {percentiles(busy)} "
              f"({counts.value} retrains ran)")
        print(f"p99 while retraining / idle p99: {q_busy / q_idle:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
