"""Playback event ingest under gunicorn: 100 simulated players send heartbeats as fast as they
are answered (a closed loop), first as single events, then in batches; then at the pace the real
player keeps at 60x (one request a second carrying ~6 heartbeats) for latency at that load.

Reports events/s, request latency p50/p99, and lost / duplicated counts checked against the
database (lost: acknowledged but not stored; duplicated: stored more than once). Prints figures;
asserts nothing about time. STREAMSIM_BENCH_SECONDS sets each phase's length (default 60),
STREAMSIM_BENCH_BATCH the batch size (default 50), STREAMSIM_BENCH_DATABASE_URL another
(empty) database instead of a temporary SQLite file.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from bench.common import gunicorn, logged_in  # noqa: E402
from core import accounts, activity, catalog  # noqa: E402
from core.db import Database  # noqa: E402
from core.migrate import upgrade  # noqa: E402
from core.models import Account, PlaybackEvent, Profile, Title  # noqa: E402
from core.settings import Settings  # noqa: E402
from simulator.catalog import generate_catalog  # noqa: E402

NOW = datetime(2026, 11, 1, 12)
PASSWORD = "bench password 123"
PLAYERS = 100
PROCESSES = 4  # client processes (threads inside), so the load generator is not one GIL
SECONDS = float(os.environ.get("STREAMSIM_BENCH_SECONDS", "60"))
BATCH = int(os.environ.get("STREAMSIM_BENCH_BATCH", "50"))


def build(url: str) -> list[tuple[str, int]]:
    """Catalog plus PLAYERS accounts with one onboarded profile each: [(email, profile id)]."""
    settings = Settings(env="testing", database_url=url)
    upgrade(settings)
    db = Database(settings)
    with db.session() as s:
        generate_catalog(s, 300, seed=3, now=NOW)
        s.commit()
    password_hash = accounts.hash_secret(PASSWORD)  # one hash (salted once) for every player
    with db.write() as s:
        picks = [t.id for t in catalog.popular(s, 18, n=3)]
        out = []
        for i in range(PLAYERS):
            account = Account(email=f"player{i}@example.com", password_hash=password_hash,
                              role="viewer", is_simulated=False, session_epoch=0,
                              created_at=NOW)
            s.add(account)
            s.flush()
            profile = Profile(account_id=account.id, name=f"P{i}", avatar="teal",
                              language="en", is_kids=False, maturity_limit=18, autoplay=True,
                              created_at=NOW)
            s.add(profile)
            s.flush()
            activity.save_taste_picks(s, profile, picks, [], NOW)
            out.append((account.email, profile.id))
    db.dispose()
    return out


def films(url: str) -> list[tuple[int, int]]:
    db = Database(Settings(env="testing", database_url=url))
    with db.read() as s:
        rows = s.execute(Title.__table__.select().with_only_columns(
            Title.id, Title.runtime_minutes).where(Title.kind == "film").limit(PLAYERS)).all()
    db.dispose()
    return [(r[0], r[1] * 60) for r in rows]


def player(base: str, cookie: str, token: str, film: tuple[int, int], batch: int,
           deadline: float, out: dict, every_s: float = 0.0) -> None:
    """One player: heartbeats on one keep-alive connection, in a closed loop (every_s=0) or
    one request every every_s seconds (as player.js does at 60x: ~6 events a second)."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {"Content-Type": "application/json", "X-CSRFToken": token,
               "Cookie": f"streamsim_session={cookie}"}
    title_id, runtime = film
    position, acked, latencies, errors = 0, [], [], {}
    next_at = time.time() + (every_s * (hash(cookie) % 1000) / 1000 if every_s else 0)
    while time.time() < deadline:
        if every_s:
            time.sleep(max(0.0, next_at - time.time()))
            next_at += every_s
        events = []
        for _ in range(batch):
            position = (position + 10) % runtime
            events.append({"event_id": str(uuid.uuid4()), "type": "heartbeat",
                           "title_id": title_id, "position_s": position, "speed": 60.0,
                           "client_time": datetime.now(UTC).isoformat(timespec="milliseconds")
                           .replace("+00:00", "Z")})
        body = json.dumps(events[0] if batch == 1 else {"events": events})
        t = time.perf_counter()
        try:
            conn.request("POST", "/api/playback/events", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            status = type(exc).__name__
            conn.close()
            conn = http.client.HTTPConnection(host, int(port), timeout=30)
        latencies.append((time.perf_counter() - t) * 1000)
        if status == 200:
            acked.extend(e["event_id"] for e in events)
        else:
            errors[str(status)] = errors.get(str(status), 0) + 1
    conn.close()
    out["acked"].extend(acked)
    out["latencies"].extend(latencies)
    for k, v in errors.items():
        out["errors"][k] = out["errors"].get(k, 0) + v


def client_process(jobs: list, batch: int, deadline: float, every_s: float, queue) -> None:
    out = {"acked": [], "latencies": [], "errors": {}}
    threads = [threading.Thread(target=player, args=(*job, batch, deadline, out, every_s))
               for job in jobs]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    queue.put(out)


def phase(label: str, base: str, players: list, batch: int, url: str,
          every_s: float = 0.0) -> None:
    deadline = time.time() + SECONDS
    queue = multiprocessing.Queue()
    chunks = [players[i::PROCESSES] for i in range(PROCESSES)]
    procs = [multiprocessing.Process(target=client_process,
                                     args=(c, batch, deadline, every_s, queue)) for c in chunks]
    start = time.time()
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.time() - start
    acked = [a for r in results for a in r["acked"]]
    latencies = sorted(x for r in results for x in r["latencies"])
    errors: dict[str, int] = {}
    for r in results:
        for k, v in r["errors"].items():
            errors[k] = errors.get(k, 0) + v
    db = Database(Settings(env="testing", database_url=url))
    with db.read() as s:
        stored = set(s.scalars(PlaybackEvent.__table__.select().with_only_columns(
            PlaybackEvent.event_id)))
        rows = s.scalar(select(func.count()).select_from(PlaybackEvent))
    db.dispose()
    lost = len(set(acked) - stored)
    duplicated = rows - len(stored)
    q = (statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1
         else [0.0] * 99)
    print(f"[{label}] {len(acked)} events acknowledged in {elapsed:.1f} s: "
          f"{len(acked) / elapsed:,.0f} events/s, {len(latencies) / elapsed:,.0f} requests/s; "
          f"request latency p50 {q[49]:.1f} ms, p99 {q[98]:.1f} ms; "
          f"lost {lost}, duplicated {duplicated}; errors {errors or 'none'}", flush=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("STREAMSIM_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/ingest.sqlite3"
        t = time.perf_counter()
        people = build(url)
        catalog_films = films(url)
        print(f"built catalog and {len(people)} players in {time.perf_counter() - t:.1f} s "
              f"({url.split(':')[0]}, {SECONDS:.0f} s per phase, batch {BATCH})", flush=True)
        with gunicorn(url) as base:
            players = []
            for i, (email, profile_id) in enumerate(people):
                s = logged_in(base, email, PASSWORD, profile_id)
                token = re.search(r'"X-CSRFToken": "([^"]+)"', s.get(base + "/history/").text)
                players.append((base, s.cookies.get("streamsim_session"), token.group(1),
                                catalog_films[i % len(catalog_films)]))
            phase("single events, closed loop", base, players, 1, url)
            phase(f"batches of {BATCH}, closed loop", base, players, BATCH, url)
            # What player.js sends at 60x: one request a second with about 6 heartbeats.
            phase("player.js at 60x: 6 events/s each", base, players, 6, url, every_s=1.0)


if __name__ == "__main__":
    main()
