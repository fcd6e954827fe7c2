"""Home page and lazy rows under concurrent load, for a profile with a long viewing history.

Demo size: 1,200 titles, 300 simulated profiles with 30 days of history (simulator.studies.seed), a
model trained by the real retrain, the demo account (Alex, Robin, Kids), and Alex given a long
history (LONG_HISTORY titles half watched, so Continue Watching has far more than a row's
worth). gunicorn in the production layout (gunicorn.conf.py: 2 workers and its threads), 16
concurrent signed-in keep-alive clients. Prints p50/p90/p99 (bench.common.quantile_ms),
requests/s and each worker's share of the requests (from gunicorn's access log, by worker
pid), then the home page for one client alone; asserts nothing about time.

Run: .venv/bin/python bench/bench_pages.py [seconds per phase] [clients]
STREAMSIM_BENCH_DATA=dir keeps the built database (and model) in dir and reuses it next time.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from bench.common import (  # noqa: E402
    concurrent_gets,
    gunicorn,
    logged_in,
    machine_speed,
    percentiles,
    production_threads,
    worker_shares,
)
from core.clock import ManualClock  # noqa: E402
from core.db import Database  # noqa: E402
from core.migrate import upgrade  # noqa: E402
from core.models import Profile, Title, Viewing  # noqa: E402
from core.settings import Settings  # noqa: E402
from recommender.lifecycle import retrain  # noqa: E402
from simulator.studies.seed import seed_history  # noqa: E402
from webapp.demo import ensure_demo_account  # noqa: E402

NOW = datetime(2026, 11, 1, 12)
LONG_HISTORY = 60


def give_long_history(db: Database, profile_id: int, n: int, now: datetime) -> None:
    """n titles half watched, one a day apart (films; series at their first episode)."""
    with db.write() as s:
        limit = s.get(Profile, profile_id).maturity_limit
        titles = s.scalars(select(Title).where(Title.maturity_age <= limit)
                           .order_by(Title.popularity.desc(), Title.id).limit(n)).all()
        for i, t in enumerate(titles):
            episode = t.episodes[0] if t.kind == "series" and t.episodes else None
            when = now - timedelta(hours=6 * (i + 1))
            s.add(Viewing(profile_id=profile_id, title_id=t.id,
                          episode_id=episode.id if episode else None,
                          episode_key=episode.id if episode else 0, position_s=600,
                          watched_s=600.0, furthest_s=600, completed=False, hidden=False,
                          plays=1, started_at=when, last_watched_at=when,
                          last_client_time=when))


def build(folder: Path) -> tuple[Settings, int]:
    settings = Settings(env="testing", database_url=f"sqlite:///{folder / 'bench.sqlite3'}",
                        instance_dir=folder, model_dir=folder / "models", demo=True)
    marker = folder / "built"
    db = Database(settings)
    if not marker.exists():
        upgrade(settings)
        seed_history(db, 300, 30, 7, NOW, n_titles=1200)
        with db.write() as s:
            ensure_demo_account(s, settings, NOW)
        outcome = retrain(db, settings, clock=ManualClock(NOW), tolerance=1.0)
        print(f"training: {outcome.status} {outcome.version} {outcome.detail}")
    with db.read() as s:
        alex = s.scalar(select(Profile).where(Profile.name == "Alex")).id
    if not marker.exists():
        give_long_history(db, alex, LONG_HISTORY, NOW)
        marker.touch()
    db.dispose()
    return settings, alex


def phase(label: str, base, clients, urls: list[str], seconds: float, log: Path) -> None:
    before = worker_shares(log) if log.exists() else {}
    samples, elapsed = concurrent_gets(clients, urls, seconds)
    after = worker_shares(log)
    share = {pid: after.get(pid, 0) - before.get(pid, 0) for pid in after}
    total = sum(share.values()) or 1
    shares = ", ".join(f"pid {pid} {n / total:.0%}" for pid, n in share.items() if n)
    print(f"{label:<15} {percentiles(samples)}; {len(samples) / elapsed:.1f} requests/s; "
          f"workers: {shares}")


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    n_clients = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    keep = os.environ.get("STREAMSIM_BENCH_DATA")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(keep) if keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        settings, profile_id = build(folder)
        print(f"demo-size data ready in {time.perf_counter() - t:.1f} s "
              f"(Alex has {LONG_HISTORY} titles in progress); load {os.getloadavg()[0]:.2f}")
        os.environ["STREAMSIM_MODEL_DIR"] = str(settings.model_dir)
        log = Path(tmp) / "access.log"
        threads = int(os.environ.get("STREAMSIM_BENCH_PAGE_THREADS") or production_threads())
        with gunicorn(settings.database_url, access_log=log, threads=threads) as base:
            clients = [logged_in(base, settings.demo_email, settings.demo_password, profile_id)
                       for _ in range(n_clients)]
            page = clients[0].get(base + "/home").text
            assert "Continue Watching" in page and "Top picks for you" in page
            lazy = [base + "/home/rows/" + key for key in
                    sorted(set(_lazy_keys(page)))] or [base + "/home"]
            concurrent_gets(clients, [base + "/home"], 5)  # warm up both workers
            print(machine_speed())
            print(f"{n_clients} keep-alive clients, {seconds:.0f} s per phase, "
                  f"gunicorn 2 workers x {threads} threads")
            phase("home page", base, clients, [base + "/home"], seconds, log)
            phase("lazy rows", base, clients, lazy, seconds / 2, log)
            phase("home, 1 client", base, clients[:1], [base + "/home"], seconds / 4, log)
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _lazy_keys(page: str) -> list[str]:
    return re.findall(r"/home/rows/([\w-]+)", page)


if __name__ == "__main__":
    main()
