"""What live experiments add to the home page: its latency with no experiment running, then
with two (a genre-rows test in the home layer, an A/A test in another layer: every page is
planned under both variants and exposure is logged), for signed-in profiles of a seeded
population; plus the cost of assignment alone (hashing a profile into every running
experiment).

In-process (Flask's test client, one thread), without network noise; the experiments' own
work in each request (webapp.home._live: assignment, planning the page under each variant,
applying the variant) is also timed alone, since on a shared machine the pages' p99 moves more
with the load than with it. 300 profiles x 6 days; 400 home pages per phase over 20 profiles.

Run: .venv/bin/python bench/bench_live_assignment.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from bench.common import machine_speed, percentiles  # noqa: E402
from core import accounts, activity, experiments  # noqa: E402
from core.db import Database  # noqa: E402
from core.migrate import upgrade  # noqa: E402
from core.models import Profile, Title  # noqa: E402
from core.settings import Settings  # noqa: E402
from simulator.studies.seed import seed_history  # noqa: E402

NOW = datetime(2026, 11, 1, 12)
PASSWORD = "a long enough passphrase"


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-live-"))
    settings = Settings(env="testing", database_url=f"sqlite:///{folder / 'b.sqlite3'}",
                        instance_dir=folder, rate_limit_login="100000 per minute")
    upgrade(settings)
    db = Database(settings)
    seed_history(db, 300, 6, 7, NOW, n_titles=1200, model_from_day=None)
    with db.write() as s:
        account = accounts.create_account(s, "bench@example.com", PASSWORD, NOW)
        account.email_confirmed_at = NOW
        ids = []
        for i in range(5):
            profile = accounts.create_profile(s, account, NOW, name=f"P{i}")
            picks = list(s.scalars(select(Title.id).order_by(Title.popularity.desc())
                                   .offset(3 * i).limit(3)))
            activity.save_taste_picks(s, profile, picks, [], NOW)
            ids.append(profile.id)
    from webapp import create_app
    from webapp.home import running_experiments

    app = create_app(settings, db)
    client = app.test_client()
    token = client.get("/login")
    assert token.status_code == 200
    from tests.conftest import csrf_from
    r = client.post("/login", data={"email": "bench@example.com", "password": PASSWORD,
                                    "csrf_token": csrf_from(token)})
    assert r.status_code == 302, r.status_code

    def phase(label: str) -> list[float]:
        samples = []
        for n in range(400):
            pid = ids[n % len(ids)]
            client.post(f"/profiles/{pid}/select",
                        data={"csrf_token": csrf_from(client.get("/profiles/"))})
            began = time.perf_counter()
            page = client.get("/home")
            samples.append((time.perf_counter() - began) * 1000)
            assert page.status_code == 200, page.status_code
        print(f"{label}: home {percentiles(samples)}")
        return samples

    print(machine_speed())
    phase("warm-up")
    phase("no experiment")
    with db.write() as s:
        for name, layer, variants in (
                ("genres", "home", [{"name": "control", "weight": 1, "sets": {}},
                                    {"name": "two", "weight": 1, "sets": {"genre_rows": "2"}}]),
                ("aa", "other", [{"name": "a", "weight": 1, "sets": {}},
                                 {"name": "b", "weight": 1, "sets": {}}])):
            exp = experiments.create(s, {"name": name, "layer": layer, "variants": variants,
                                         "primary_metric": "watch_minutes"}, NOW)
            experiments.start(s, exp, NOW)
    with app.app_context():
        running_experiments().clear()
    from webapp import home

    spent: list[float] = []
    live = home._live

    def timed_live(profile, builder):  # the experiments' own work in a home request
        began = time.perf_counter()
        try:
            return live(profile, builder)
        finally:
            spent.append((time.perf_counter() - began) * 1000)

    home._live = timed_live
    if "--profile" in sys.argv:
        import cProfile
        import pstats
        prof = cProfile.Profile()
        home._live = lambda p, b: prof.runcall(live, p, b)
        phase("profiled")
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
        return
    phase("two experiments")
    print(f"of which assignment, planning under each variant, applying: {percentiles(spent)}")
    # Interleaved, request by request, so the machine's load moves both alike: every other
    # home page skips the experiments.
    on = [True]
    home._live = lambda p, b: live(p, b) if on[0] else None
    off_ms, on_ms = [], []
    for n in range(1200):
        pid = ids[n % len(ids)]
        client.post(f"/profiles/{pid}/select",
                    data={"csrf_token": csrf_from(client.get("/profiles/"))})
        on[0] = n % 2 == 0
        began = time.perf_counter()
        assert client.get("/home").status_code == 200
        (on_ms if on[0] else off_ms).append((time.perf_counter() - began) * 1000)
    print(f"interleaved, without: home {percentiles(off_ms)}")
    print(f"interleaved, with two experiments: home {percentiles(on_ms)}")
    with db.read() as s:
        running = experiments.running(s)
        pids = list(s.scalars(select(Profile.id)))
    began = time.perf_counter()
    rounds = 20
    for _ in range(rounds):
        for pid in pids:
            experiments.assign(running, pid)
    per = (time.perf_counter() - began) / (rounds * len(pids)) * 1e6
    print(f"assignment alone: {per:.1f} us per profile for {len(running)} experiments")


if __name__ == "__main__":
    main()
