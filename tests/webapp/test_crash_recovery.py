"""A `kill -9` of the production server during paced event load (issue 13, "Hardening").

gunicorn with the project's gunicorn.conf.py (gthread workers, reuse_port) and the WSGI entry
serves a fresh migrated database. Player threads send batches of heartbeats at a steady pace,
as webapp/static/js/player.js does: an event stays in the player's queue until a 2xx answer
covers it, and an unanswered batch goes out again with the same event ids (the events API
stores each event id once and still answers 2xx for a repeat). Mid-load the whole server
process group gets SIGKILL; a new server starts on the same port and database; the players keep
going, then stop making events and flush their queues.

Then every acknowledged event is in the database exactly once, nothing a player made is missing
or extra, and no player saw an answer other than 2xx, a 503 to retry, or a broken connection.
Every fifth acknowledged batch is also sent once more (an answer the player never saw), and the
server must answer it 2xx with every event counted as a duplicate.

Runs on SQLite; with STREAMSIM_TEST_DATABASE_URL naming PostgreSQL it runs there too, in a new
database created for it and dropped after (the PostgreSQL case is marked `db`, so .ci/run's
PostgreSQL pass picks it up). STREAMSIM_CRASH_PLAYERS sets the number of players (default 6).
"""

from __future__ import annotations

import os
import re
import runpy
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from core import accounts, activity, catalog
from core.db import Database
from core.migrate import upgrade
from core.models import PlaybackEvent, Title
from core.settings import PROJECT_ROOT, Settings
from simulator.catalog.generate import generate_catalog
from tests.conftest import TEST_NOW

pytestmark = pytest.mark.stress

URL = "/api/playback/events"
PASSWORD = "crash test password 1"
PLAYERS = int(os.environ.get("STREAMSIM_CRASH_PLAYERS", "6"))
PACE_S = 0.05  # each player queues BATCH new events every PACE_S (6 players: 1,200 events/s)
BATCH = 10
SEND_MAX = 200  # a request carries at most this many queued events (the API takes 500)
REQUESTS_BEFORE_KILL = 10  # acknowledged requests per player before the kill
REQUESTS_AFTER_RESTART = 10  # and again after the restart, before the players stop
REPLAY_EVERY = 5  # every fifth acknowledged batch is sent once more
TIMEOUT_S = 60.0  # deadline of each wait below (a busy 2-core machine boots gunicorn in ~7 s)
# A player gives up on an answer after this long and sends the batch again. A restarted
# worker listens before its app has loaded, so requests sent then wait that long (the answer
# may still come, after the player stopped waiting: the retry must find the events stored).
ANSWER_TIMEOUT_S = 5.0
GUNICORN_CONF = PROJECT_ROOT / "gunicorn.conf.py"
WORKERS = runpy.run_path(str(GUNICORN_CONF))["workers"]


# -- the server ----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(base: str) -> bool:
    try:
        return requests.get(base + "/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def poll_until(predicate, what: str, timeout: float = TIMEOUT_S) -> None:
    """Poll `predicate` until it holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.02)


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes in process group `pgid`."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        if fields[2] == str(pgid) and fields[0] != "Z":
            out.append(int(stat.parent.name))
    return out


class GunicornServer:
    """`gunicorn -c gunicorn.conf.py webapp.wsgi:app` in its own process group (its session),
    so one killpg reaches the master and every worker."""

    def __init__(self, url: str, port: int, instance: Path, log: Path) -> None:
        self.url, self.port, self.instance, self.log = url, port, instance, log
        self.base = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        env = {**os.environ, "STREAMSIM_ENV": "testing", "STREAMSIM_DATABASE_URL": self.url,
               "STREAMSIM_INSTANCE_DIR": str(self.instance),
               "STREAMSIM_RATE_LIMIT_LOGIN": "1000 per minute",
               "STREAMSIM_RATE_LIMIT_STORAGE": "memory://",
               "STREAMSIM_REC_SCHEDULER_IN_APP": "0"}
        with self.log.open("a") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF),
                 "-b", f"127.0.0.1:{self.port}", "--log-level", "warning", "webapp.wsgi:app"],
                cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        poll_until(lambda: healthy(self.base) or self.proc.poll() is not None,
                   "gunicorn to answer /healthz")
        assert self.proc.poll() is None, f"gunicorn exited:\n{self.log.read_text()[-3000:]}"
        # The master and every worker gunicorn.conf.py asks for are up.
        poll_until(lambda: len(group_members(self.proc.pid)) >= 1 + WORKERS, "gunicorn's workers")

    def kill_9(self) -> int:
        """SIGKILL to the whole process group; returns how many processes it reached."""
        members = group_members(self.proc.pid)
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(TIMEOUT_S)
        poll_until(lambda: not group_members(self.proc.pid), "the killed group to be gone")
        return len(members)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(TIMEOUT_S)


# -- a fresh database --------------------------------------------------------------------------

@pytest.fixture
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path):
    """A new, empty database: a SQLite file in tmp_path, or a new PostgreSQL database next to
    STREAMSIM_TEST_DATABASE_URL's (dropped after)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'crash.sqlite3'}"
        return
    base = os.environ.get("STREAMSIM_TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        pytest.skip("STREAMSIM_TEST_DATABASE_URL does not name a PostgreSQL database")
    name = f"streamsim_crash_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - unreachable or not allowed: say so and skip
        admin.dispose()
        pytest.skip(f"cannot create a PostgreSQL database for the crash test: {exc}")
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def build(url: str, players: int) -> tuple[list[tuple[str, int]], list[tuple[int, int]]]:
    """Migrate, seed a small catalog and one onboarded adult profile per player:
    ([(email, profile id)], [(film id, runtime s)])."""
    settings = Settings(env="testing", database_url=url)
    upgrade(settings)
    db = Database(settings)
    try:
        with db.session() as s:
            generate_catalog(s, 30, seed=13, now=TEST_NOW)
            s.commit()
        password_hash = accounts.hash_secret(PASSWORD)
        people = []
        with db.write() as s:
            picks = [t.id for t in catalog.popular(s, 18, n=3)]
            for i in range(players):
                account = accounts.create_account(s, f"crash{i}@example.com", PASSWORD,
                                                  TEST_NOW, password_hash=password_hash)
                profile = accounts.create_profile(s, account, TEST_NOW, name=f"C{i}",
                                                  maturity_limit=18)
                activity.save_taste_picks(s, profile, picks, [], TEST_NOW)
                people.append((account.email, profile.id))
        with db.read() as s:
            films = [(r[0], r[1] * 60) for r in s.execute(
                select(Title.id, Title.runtime_minutes).where(Title.kind == "film")
                .order_by(Title.id))]
    finally:
        db.dispose()
    assert films, "the catalog has no films"
    return people, films


def sign_in(base: str, email: str, profile_id: int) -> tuple[requests.Session, str]:
    """A requests session signed in through the real forms, with the profile chosen, and the
    CSRF token the events API wants in X-CSRFToken."""
    s = requests.Session()
    page = s.get(base + "/login", timeout=10).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    r = s.post(base + "/login", data={"email": email, "password": PASSWORD, "csrf_token": token},
               allow_redirects=False, timeout=10)
    assert r.status_code == 302, r.status_code
    page = s.get(base + "/profiles/", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    r = s.post(f"{base}/profiles/{profile_id}/select", data={"csrf_token": token.group(1)},
               allow_redirects=False, timeout=10)
    assert r.status_code == 302, r.status_code
    token = re.search(r'"X-CSRFToken": "([^"]+)"', s.get(base + "/history/", timeout=10).text)
    return s, token.group(1)


# -- the players ---------------------------------------------------------------------------------

def iso_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Player(threading.Thread):
    """Queues BATCH heartbeats every PACE_S and sends the head of its queue (up to SEND_MAX);
    events leave the queue only on a 2xx. After `making` is cleared it makes no new events and
    stops once its queue is empty (or at `give_up`)."""

    def __init__(self, index: int, base: str, session: requests.Session, token: str,
                 film: tuple[int, int], progress: threading.Condition,
                 making: threading.Event, give_up: threading.Event) -> None:
        super().__init__(name=f"player-{index}", daemon=True)
        self.base, self.session, self.token = base, session, token
        self.title_id, self.runtime = film
        self.progress, self.making, self.give_up = progress, making, give_up
        self.position = 0
        self.queue: list[dict] = []
        self.made: list[str] = []
        self.acked: list[str] = []
        self.acked_requests = 0
        self.failures = 0  # requests without a 2xx answer
        self.in_flight = False
        self.outcomes: Counter[str] = Counter()  # "200", "503", "refused", "broken", ...
        self.unexpected: list[tuple[int, str]] = []  # answers other than 2xx or 503
        self.resent_ids: set[str] = set()  # events sent again after an unanswered try
        self.sent_ids: set[str] = set()
        self.recovered = 0  # events the server already had when a resend arrived
        self.replays = 0
        self.bad_replays: list[dict] = []  # a replayed acknowledged batch not seen as repeats
        self.error: BaseException | None = None

    def make(self) -> None:
        for _ in range(BATCH):
            self.position = (self.position + 10) % self.runtime
            event = {"event_id": str(uuid.uuid4()), "type": "heartbeat",
                     "title_id": self.title_id, "position_s": self.position, "speed": 60.0,
                     "client_time": iso_now()}
            self.queue.append(event)
            self.made.append(event["event_id"])

    def post(self, events: list[dict]) -> tuple[int, dict | None, str, float]:
        """(status, JSON answer, outcome label, Retry-After seconds); status 0 when no answer
        came."""
        with self.progress:
            self.in_flight = True
            self.progress.notify_all()
        try:
            r = self.session.post(self.base + URL, json={"events": events},
                                  headers={"X-CSRFToken": self.token},
                                  timeout=ANSWER_TIMEOUT_S)
        except requests.ConnectionError as exc:
            return 0, None, "refused" if "refused" in str(exc).lower() else "broken", 0.0
        except requests.Timeout:
            return 0, None, "timeout", 0.0
        except requests.RequestException:  # e.g. the answer cut off mid-body by the kill
            return 0, None, "broken", 0.0
        finally:
            with self.progress:
                self.in_flight = False
        is_json = r.headers.get("Content-Type", "").startswith("application/json")
        retry_after = r.headers.get("Retry-After", "")
        return (r.status_code, r.json() if is_json else None, str(r.status_code),
                float(retry_after) if retry_after.isdigit() else 0.0)

    def run(self) -> None:
        try:
            self.loop()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        finally:
            with self.progress:
                self.progress.notify_all()

    def loop(self) -> None:
        next_make = time.monotonic()
        while not self.give_up.is_set():
            if self.making.is_set():
                while next_make <= time.monotonic():  # keep the pace after a slow answer too
                    self.make()
                    next_make += PACE_S
            elif not self.queue:
                return
            wait = 0.0  # after a 2xx, what is still queued goes out at once (as player.js)
            if self.queue:
                batch = self.queue[:SEND_MAX]
                ids = [e["event_id"] for e in batch]
                status, answer, outcome, retry_after = self.post(batch)
                retried = [i for i in ids if i in self.sent_ids]
                self.sent_ids.update(ids)
                with self.progress:
                    self.outcomes[outcome] += 1
                    if 200 <= status < 300:
                        del self.queue[:len(batch)]
                        self.acked.extend(ids)
                        self.acked_requests += 1
                        if retried:
                            self.resent_ids.update(retried)
                            self.recovered += answer["duplicates"]
                    else:
                        self.failures += 1
                        if status not in (0, 503):
                            self.unexpected.append((status, str(answer)[:200]))
                        wait = min(retry_after, 2.0) or PACE_S  # back off, then retry
                    self.progress.notify_all()
                if 200 <= status < 300 and self.acked_requests % REPLAY_EVERY == 0:
                    self.replay(batch)
            if self.making.is_set() and not (self.queue and wait == 0):
                wait = max(wait, next_make - time.monotonic())  # the pace
            self.give_up.wait(max(0.0, wait))

    def replay(self, batch: list[dict]) -> None:
        """Send an acknowledged batch again, as a player that never saw the answer would."""
        status, answer, _, _ = self.post(batch)
        if status in (0, 503):
            return  # no answer (the server went away meanwhile) or "retry": nothing to check
        self.replays += 1
        if not (status == 200 and answer["stored"] == 0
                and answer["duplicates"] == len(batch)):
            self.bad_replays.append({"status": status, "answer": answer})


# -- the test ------------------------------------------------------------------------------------

@pytest.mark.parametrize("fresh_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.db)],
                         indirect=True)
def test_kill_9_mid_load_loses_and_duplicates_no_acknowledged_event(fresh_url, tmp_path):
    began = time.monotonic()
    marks: dict[str, float] = {}
    people, films = build(fresh_url, PLAYERS)
    (tmp_path / "instance").mkdir()
    server = GunicornServer(fresh_url, free_port(), tmp_path / "instance",
                            tmp_path / "gunicorn.log")
    progress = threading.Condition()
    making, give_up = threading.Event(), threading.Event()
    players: list[Player] = []
    try:
        marks["build"] = time.monotonic()
        server.start()
        marks["up"] = time.monotonic()
        for i, (email, profile_id) in enumerate(people):
            session, token = sign_in(server.base, email, profile_id)
            players.append(Player(i, server.base, session, token, films[i % len(films)],
                                  progress, making, give_up))
        making.set()
        for p in players:
            p.start()

        def wait_for(predicate, what: str) -> None:
            with progress:
                if not progress.wait_for(lambda: predicate() or any(p.error for p in players),
                                         TIMEOUT_S):
                    pytest.fail(f"timed out after {TIMEOUT_S:.0f} s waiting for {what}")
            for p in players:
                if p.error:
                    raise p.error

        # Load on every player, then kill -9 while a request is out.
        wait_for(lambda: all(p.acked_requests >= REQUESTS_BEFORE_KILL for p in players)
                 and any(p.in_flight for p in players), "steady load with a request in flight")
        marks["kill"] = time.monotonic()
        killed = server.kill_9()
        with progress:
            acked_at_kill = sum(len(p.acked) for p in players)
            failures_at_kill = [p.failures for p in players]
        # Every player finds the server gone (and keeps its unanswered events queued) ...
        wait_for(lambda: all(p.failures > f for p, f in zip(players, failures_at_kill,
                                                             strict=True)),
                 "every player to see the server gone")
        with progress:
            queued_in_outage = sum(len(p.queue) for p in players)
        # ... then the server comes back on the same port and database.
        marks["restart"] = time.monotonic()
        server.start()
        marks["back"] = time.monotonic()
        with progress:
            acked_at_restart = [p.acked_requests for p in players]
        wait_for(lambda: all(p.acked_requests >= a + REQUESTS_AFTER_RESTART
                             for p, a in zip(players, acked_at_restart, strict=True)),
                 "load to resume on the restarted server")
        making.clear()  # stop making events; flush the queues
        marks["flush"] = time.monotonic()
        wait_for(lambda: not any(p.is_alive() for p in players), "the players to flush")
        marks["done"] = time.monotonic()
    finally:
        give_up.set()
        for p in players:
            p.join(TIMEOUT_S)
        server.stop()

    for p in players:
        if p.error:
            raise p.error
    assert killed >= 1 + WORKERS, f"the kill reached {killed} processes, not the master and " \
        f"{WORKERS} workers"

    acked = [i for p in players for i in p.acked]
    made = {i for p in players for i in p.made}
    db = Database(Settings(env="testing", database_url=fresh_url))
    profile_ids = [profile_id for _, profile_id in people]
    try:
        with db.read() as s:
            per_id = dict(s.execute(
                select(PlaybackEvent.event_id, func.count())
                .where(PlaybackEvent.profile_id.in_(profile_ids))
                .group_by(PlaybackEvent.event_id)).all())
    finally:
        db.dispose()
    duplicated = {i: n for i, n in per_id.items() if n > 1}
    lost = set(acked) - set(per_id)
    outcomes = sum((p.outcomes for p in players), Counter())
    print(f"\n[crash recovery, {make_url(fresh_url).get_backend_name()}] {len(players)} players; "
          f"kill -9 reached {killed} processes; acknowledged {len(acked)} events "
          f"({acked_at_kill} before the kill), stored {sum(per_id.values())} rows of "
          f"{len(per_id)} event ids; lost {len(lost)}, duplicated {len(duplicated)}; "
          f"{queued_in_outage} events queued during the outage; "
          f"{sum(len(p.resent_ids) for p in players)} events resent after an unanswered try, "
          f"{sum(p.recovered for p in players)} of them already stored; "
          f"{sum(p.replays for p in players)} acknowledged batches replayed; "
          f"outcomes {dict(outcomes)}; seconds: setup {marks['build'] - began:.1f}, boot "
          f"{marks['up'] - marks['build']:.1f}, load {marks['kill'] - marks['up']:.1f}, outage "
          f"{marks['restart'] - marks['kill']:.1f}, reboot {marks['back'] - marks['restart']:.1f}, "
          f"load {marks['flush'] - marks['back']:.1f}, flush {marks['done'] - marks['flush']:.1f}, "
          f"in all {time.monotonic() - began:.1f}", flush=True)

    assert outcomes["refused"] + outcomes["broken"] > 0, "the players never saw the server gone"
    assert not [u for p in players for u in p.unexpected], \
        [u for p in players for u in p.unexpected][:5]
    assert all(not p.queue for p in players), "a player could not flush its queue"
    assert len(acked) == len(set(acked)) == len(made), "an event was acknowledged twice or never"
    assert not duplicated, list(duplicated.items())[:5]
    assert not lost, sorted(lost)[:5]
    assert set(per_id) == made  # nothing stored that no player made
    assert sum(p.replays for p in players) > 0
    assert not [b for p in players for b in p.bad_replays], \
        [b for p in players for b in p.bad_replays][:5]
