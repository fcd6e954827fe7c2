"""Playback event ingest under gunicorn, at the load the targets name, measured honestly.

Targets: 100 players, 1,000+ single events/s and 20,000+ batched events/s, request p99 under
100 ms, nothing lost or duplicated. A closed loop of 100 players cannot show that (by Little's
law its latency is 100 / throughput), so the two main phases offer load at a fixed pace
(an open loop), 10% above each target so that meeting it is not a matter of rounding:

* single:  each player sends one heartbeat every 90 ms (1,111 events/s offered);
* batched: each player sends 100 heartbeats every 450 ms (22,222 events/s offered).

Latency is measured from when a request was due, not from when the client got round to
sending it, so a slow server cannot hide its queue (coordinated omission). The load generator
is one asyncio process with one raw keep-alive HTTP/1.1 connection per player, pre-built
request heads and minimal response parsing, because it shares the 2 cores with the server.
It reports late sends (out more than 10 ms after they were due: the player still waited for
its previous answer, or the generator was short of CPU) and its own CPU use.

Then short closed loops (each player sends the next request when the answer comes) give the
maximum single-event and batched throughput, for information. Before all that, the server's
CPU cost per request is measured in-process (WSGI calls, no HTTP, no load generator).

With `--guessers` (or `--guessers-only`), last, guessers (issue 13; left out of the default
run, whose phases alone take 2 min 20 s, before building and signing in): gunicorn starts again
on the same database in the production layout (gunicorn.conf.py's workers and threads, so an
argon2 check, which releases the GIL, does not hold up a worker's other requests) with the
site's own login limit (the phases above raise it, so that 100 players can sign in from one
address). The players send single events at half the rate this server sustains, measured by a
5-second closed loop just before (on a saturated server any added work queues, which measures
capacity, not whether guessers hurt players; the phases above measure capacity), for
STREAMSIM_BENCH_GUESS_SECONDS (default 15) on their own and then as long again while six
clients try wrong PINs (three, each signed in to an account with two PIN-locked profiles) and
wrong passwords (three, one player's e-mail each) back to back. It prints the event latency with
and without the guessers (target: p99 under 100 ms), what was lost or duplicated, and how many
tries were checked (the PIN or password verified: argon2, ~60 ms of a core) and how many answered
429 by the rate limits (PINs: 5 per 5 minutes and 20 per day per profile and per account;
logins: 10 per minute per address and per e-mail). The limits count in Redis, shared by both
workers as in production, when STREAMSIM_BENCH_REDIS_URL names a Redis database the bench may
empty first (e.g. redis://127.0.0.1:6379/14); otherwise in each worker (memory://). Each guesser
keeps one keep-alive connection. STREAMSIM_BENCH_GUESS_EVERY_MS fixes the players' pace instead
and STREAMSIM_BENCH_GUESS_THREADS gunicorn's threads (default 4).

Lost: acknowledged (2xx) but not in the database. Duplicated: stored more than once. Prints
figures; asserts nothing about time. STREAMSIM_BENCH_SECONDS sets each paced phase's length
(default 60), STREAMSIM_BENCH_MAX_SECONDS the closed loop's (default 10),
STREAMSIM_BENCH_GUESS_SECONDS each half of the guessers' phase (default 15),
STREAMSIM_BENCH_WORKERS / _THREADS gunicorn's (default 2 x 1), STREAMSIM_BENCH_DATABASE_URL
another (empty) database instead of a temporary SQLite file. `--guessers-only` runs just the
guessers' phase (after building the database and signing the players in).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench.common import (  # noqa: E402
    Server,
    catalog_database,
    gunicorn,
    logged_in,
    machine_speed,
    production_threads,
    quantile_ms,
)
from core import accounts, activity, catalog  # noqa: E402
from core.db import Database  # noqa: E402
from core.models import PlaybackEvent, Title  # noqa: E402
from core.settings import Settings  # noqa: E402
from webapp.extensions import PIN_LIMIT  # noqa: E402

NOW = datetime(2026, 11, 1, 12)
PASSWORD = "bench password 123"
PLAYERS = 100
SECONDS = float(os.environ.get("STREAMSIM_BENCH_SECONDS", "60"))
MAX_SECONDS = float(os.environ.get("STREAMSIM_BENCH_MAX_SECONDS", "10"))
# Two single-threaded workers: on 2 cores more processes (or threads, which queue on the GIL
# while one of them holds the SQLite writer slot) cost more CPU per request (closed loop,
# 8 s: 2 x 1 workers 1.67 ms per request, 3 x 1 1.75, 4 x 1 1.99, 6 x 1 2.25, 2 x 2 1.88).
WORKERS = int(os.environ.get("STREAMSIM_BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("STREAMSIM_BENCH_THREADS", "1"))
PATH = "/api/playback/events"
EVENT = ('{"event_id":"%s","type":"heartbeat","title_id":%d,"position_s":%d,"speed":60.0,'
         '"client_time":"%s"}')
LATE_MS = 10.0
DRAIN_S = 10.0
GUESS_SECONDS = float(os.environ.get("STREAMSIM_BENCH_GUESS_SECONDS", "15"))
# The players' pace in the guessers' phase: half the single-event throughput a short closed
# loop measures on the same server just before (or STREAMSIM_BENCH_GUESS_EVERY_MS, fixed).
GUESS_EVERY_S = float(os.environ.get("STREAMSIM_BENCH_GUESS_EVERY_MS", "0")) / 1000
GUESS_LOAD = 0.5
CALIBRATE_SECONDS = 5.0
GUESS_THREADS = int(os.environ.get("STREAMSIM_BENCH_GUESS_THREADS") or production_threads())
GUESS_REDIS = os.environ.get("STREAMSIM_BENCH_REDIS_URL", "")
GUESSERS = 6  # half try PINs, half try passwords
PIN = "4321"  # every locked profile's PIN: the guessers never try it
LOCKED_PROFILES = 2  # PIN-locked profiles on each PIN guesser's account
SITE_LOGIN_LIMIT = Settings().rate_limit_login  # the site's default, not the bench's
STORAGE = ("in Redis, shared by the workers" if GUESS_REDIS
           else "per gunicorn worker, memory://")


def build(url: str) -> list[tuple[str, int]]:
    """Catalog plus PLAYERS accounts with one onboarded profile each: [(email, profile id)]."""
    db = catalog_database(url, 300, NOW)
    password_hash = accounts.hash_secret(PASSWORD)  # one hash (salted once) for every player
    with db.write() as s:
        picks = [t.id for t in catalog.popular(s, 18, n=3)]
        out = []
        for i in range(PLAYERS):
            account = accounts.create_account(s, f"player{i}@example.com", PASSWORD, NOW,
                                              password_hash=password_hash)
            profile = accounts.create_profile(s, account, NOW, name=f"P{i}", avatar="teal",
                                              maturity_limit=18)
            activity.save_taste_picks(s, profile, picks, [], NOW)
            out.append((account.email, profile.id))
    db.dispose()
    return out


def build_guessers(url: str) -> list[tuple[str, int, list[int]]]:
    """The PIN guessers' accounts: an open profile to sign in with and LOCKED_PROFILES
    profiles locked with PIN: [(email, open profile id, locked profile ids)]."""
    db = Database(Settings(env="testing", database_url=url))
    password_hash = accounts.hash_secret(PASSWORD)
    out = []
    with db.write() as s:
        for i in range(GUESSERS - GUESSERS // 2):
            account = accounts.create_account(s, f"guesser{i}@example.com", PASSWORD, NOW,
                                              password_hash=password_hash)
            open_profile = accounts.create_profile(s, account, NOW, name="Open",
                                                   maturity_limit=18)
            locked = [accounts.create_profile(s, account, NOW, name=f"Locked {j}",
                                              maturity_limit=18, pin=PIN).id
                      for j in range(LOCKED_PROFILES)]
            out.append((account.email, open_profile.id, locked))
    db.dispose()
    return out


def films(url: str) -> list[tuple[int, int]]:
    db = Database(Settings(env="testing", database_url=url))
    with db.read() as s:
        rows = s.execute(select(Title.id, Title.runtime_minutes).where(Title.kind == "film")
                         .order_by(Title.id).limit(PLAYERS)).all()
    db.dispose()
    return [(r[0], r[1] * 60) for r in rows]


# -- the load generator --------------------------------------------------------------------------

@dataclass
class Player:
    """One simulated player: its session cookie, CSRF token and film, and what it saw."""

    index: int
    cookie: str
    token: str
    title_id: int
    runtime: int
    position: int = 0
    seq: int = 0
    acked: list[str] = field(default_factory=list)

    def event_ids(self, phase: int, n: int) -> list[str]:
        """Deterministic UUIDs: phase, player and a sequence number, so the database check
        can find one phase's events by prefix."""
        first, self.seq = self.seq, self.seq + n
        return [f"{phase:08x}-{self.index:04x}-4000-8000-{s:012x}" for s in range(first, first + n)]

    def body(self, ids: list[str], batch: bool) -> bytes:
        when = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        parts = []
        for event_id in ids:
            self.position = (self.position + 10) % self.runtime
            parts.append(EVENT % (event_id, self.title_id, self.position, when))
        return (('{"events":[' + ",".join(parts) + "]}") if batch else parts[0]).encode()


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # ms from due time to full answer
    errors: dict[str, int] = field(default_factory=dict)
    late: int = 0  # sends that went out more than LATE_MS after they were due
    unsent: int = 0  # due before the end, still not sent DRAIN_S after it

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


class Connection:
    """A raw HTTP/1.1 keep-alive connection: write a pre-built head and body, read the status
    line, the headers up to Content-Length, and the body."""

    def __init__(self, host: str, port: int, head: bytes) -> None:
        self.host, self.port, self.head = host, port, head
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, body: bytes, head: bytes | None = None) -> int:
        """POST `body` with this connection's head (or `head`: request line and headers up to
        "Content-Length: "); the answer's status."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = self.head if head is None else head
        self.writer.write(head + str(len(body)).encode() + b"\r\n\r\n" + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        match = re.search(rb"\r\ncontent-length: *(\d+)", head, re.IGNORECASE)
        await self.reader.readexactly(int(match.group(1)) if match else 0)
        if re.search(rb"\r\nconnection: *close", head, re.IGNORECASE):
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def run_player(p: Player, conn: Connection, phase: int, batch: int, every_s: float,
                     start: float, end: float, tally: Tally) -> None:
    """Send from `start` to `end` (loop.time()): paced every `every_s` (with a random first
    offset, so players do not send in lockstep), or closed-loop when every_s is 0. A paced
    player that falls behind sends back to back until DRAIN_S after `end`; what is still due
    then is counted as unsent, with its latency so far."""
    loop = asyncio.get_running_loop()
    due = start + (random.random() * every_s if every_s else 0.0)  # noqa: S311 - not crypto
    while due < end:
        now = loop.time()
        if every_s and now > end + DRAIN_S:
            while due < end:
                tally.unsent += 1
                tally.latencies.append((now - due) * 1000)
                due += every_s
            return
        if due > now:
            await asyncio.sleep(due - now)
        elif (now - due) * 1000 > LATE_MS:
            tally.late += 1
        ids = p.event_ids(phase, batch)
        try:
            status = await asyncio.wait_for(conn.post(p.body(ids, batch > 1)), 30)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:  # TimeoutError: OSError
            conn.close()
            tally.error(type(exc).__name__)
            status = 0
        done = loop.time()
        tally.latencies.append((done - due) * 1000)
        if 200 <= status < 300:
            p.acked.extend(ids)
        elif status:
            tally.error(str(status))
        due = due + every_s if every_s else done


def stored_ids(url: str, phase: int) -> tuple[set[str], int]:
    """The phase's event ids in the database, and how many rows carry them."""
    db = Database(Settings(env="testing", database_url=url))
    with db.read() as s:
        pattern = f"{phase:08x}-%"
        ids = set(s.scalars(select(PlaybackEvent.event_id).where(
            PlaybackEvent.event_id.like(pattern))))
        rows = s.scalar(select(func.count()).select_from(PlaybackEvent).where(
            PlaybackEvent.event_id.like(pattern)))
    db.dispose()
    return ids, rows


async def phase(label: str, number: int, url: str, server: Server, players: list[Player],
                conns: list[Connection], batch: int, every_s: float, seconds: float,
                alongside: Callable[[float, float], Awaitable[int]] | None = None,
                ) -> tuple[list[float], int, int]:
    """Run the players for `seconds` and print the phase's line; `alongside(start, end)` runs
    as well (returning how many requests it made). Returns (latencies, lost, duplicated)."""
    loop = asyncio.get_running_loop()
    for p, c in zip(players, conns, strict=True):
        p.acked = []
        c.close()  # fresh connections: the server drops idle ones after its keep-alive time
    tally = Tally()
    cpu, server_cpu = time.process_time(), server.cpu_seconds()
    start = loop.time() + 0.2
    jobs = [run_player(p, c, number, batch, every_s, start, start + seconds, tally)
            for p, c in zip(players, conns, strict=True)]
    if alongside is not None:
        jobs.append(alongside(start, start + seconds))
    done = await asyncio.gather(*jobs)
    other_requests = done[-1] if alongside is not None else 0
    elapsed = loop.time() - start
    client_cpu = (time.process_time() - cpu) / elapsed
    server_cpu = server.cpu_seconds() - server_cpu
    acked = [i for p in players for i in p.acked]
    stored, rows = stored_ids(url, number)
    lost = len(set(acked) - stored)
    duplicated = rows - len(stored)
    lat = sorted(tally.latencies)
    q = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) > 1 else [0.0] * 99
    offered = f"offered {PLAYERS * batch / every_s:,.0f} events/s, " if every_s else ""
    unsent = (f"; unsent {tally.unsent} (still due {DRAIN_S:.0f} s after the end: counted "
              "with their wait so far, so the latencies are lower bounds)" if tally.unsent else "")
    print(f"[{label}] {offered}achieved {len(acked) / elapsed:,.0f} events/s "
          f"({(len(lat) - tally.unsent) / elapsed:,.0f} requests/s answered, {len(acked)} "
          f"acknowledged in {elapsed:.1f} s); "
          f"request latency p50 {q[49]:.1f} ms, p99 {q[98]:.1f} ms, max {lat[-1]:.0f} ms; "
          f"lost {lost}, duplicated {duplicated}; errors {tally.errors or 'none'}; "
          f"late sends {tally.late}; gunicorn CPU {server_cpu / elapsed:.0%} of a core "
          f"({server_cpu / max(len(lat) + other_requests, 1) * 1000:.2f} ms per request), "
          f"load generator CPU {client_cpu:.0%}{unsent}", flush=True)
    return lat, lost, duplicated


def connections(base: Server, players: list[Player]) -> list[Connection]:
    host, port = base.removeprefix("http://").split(":")
    return [Connection(host, int(port), (
        f"POST {PATH} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"X-CSRFToken: {p.token}\r\nCookie: streamsim_session={p.cookie}\r\n"
        "Content-Length: ").encode()) for p in players]


async def load(base: Server, url: str, players: list[Player]) -> None:
    conns = connections(base, players)
    run = (url, base, players, conns)
    await phase("warm-up", 0, *run, 1, 1.0, 2)
    await phase("single: 1 event every 90 ms per player", 1, *run, 1, 0.09, SECONDS)
    await phase("batched: 100 events every 450 ms per player", 2, *run, 100, 0.45, SECONDS)
    await phase("closed loop, single events (max throughput)", 3, *run, 1, 0.0, MAX_SECONDS)
    await phase("closed loop, batches of 100 (max throughput)", 4, *run, 100, 0.0, MAX_SECONDS)
    for c in conns:
        c.close()


# -- guessers: wrong PINs and wrong passwords while the players send events ----------------------

@dataclass
class Guesser:
    """One client trying wrong PINs (`kind` "pin": choosing a locked profile of the account it
    is signed in to, the profiles in turn) or wrong passwords ("login": one e-mail), each try
    as soon as the answer to the last came. `checked`: tries the site verified (303 for a PIN,
    401 for a password), by target; 429: refused by a rate limit."""

    kind: str
    cookie: str
    token: str
    targets: list[str]  # profile ids (pin) or e-mail addresses (login)
    statuses: Counter = field(default_factory=Counter)
    checked: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)

    CHECKED = {"pin": 303, "login": 401}

    def attempt(self, n: int, host: str) -> tuple[bytes, bytes, str]:
        """Try n: (head, body, target)."""
        target = self.targets[n % len(self.targets)]
        if self.kind == "pin":
            path = f"/profiles/{target}/select"
            guess = f"{n % 10000:04d}"
            fields = {"csrf_token": self.token, "pin": "0000" if guess == PIN else guess}
        else:
            path = "/login"
            fields = {"csrf_token": self.token, "email": target,
                      "password": f"wrong guess {n}", "next": ""}
        head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Cookie: streamsim_session={self.cookie}\r\nContent-Length: ").encode()
        return head, urlencode(fields).encode(), target


async def run_guesser(g: Guesser, conn: Connection, start: float, end: float) -> int:
    """Try from `start` to `end` (loop.time()), closed loop; returns the number of tries."""
    loop = asyncio.get_running_loop()
    await asyncio.sleep(max(0.0, start - loop.time()))
    host = f"{conn.host}:{conn.port}"
    n = 0
    while loop.time() < end:
        head, body, target = g.attempt(n, host)
        n += 1
        sent = loop.time()
        try:
            status = await asyncio.wait_for(conn.post(body, head), 30)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            conn.close()
            status = 0
        g.latencies.append((loop.time() - sent) * 1000)
        g.statuses[status] += 1
        if status == Guesser.CHECKED[g.kind]:
            g.checked[target] += 1
    return n


def make_guessers(base: Server, pin_accounts: list[tuple[str, int, list[int]]],
                  emails: list[str]) -> list[Guesser]:
    """Sign the PIN guessers in (their open profile chosen) and give the password guessers a
    login page's session and CSRF token, on `base` (whose login limit lets them all in)."""
    out = []
    for email, open_profile, locked in pin_accounts:
        s = logged_in(base, email, PASSWORD, open_profile)
        token = re.search(r'name="csrf_token" value="([^"]+)"', s.get(base + "/profiles/").text)
        out.append(Guesser("pin", s.cookies.get("streamsim_session"), token.group(1),
                           [str(i) for i in locked]))
    for email in emails:
        s = requests.Session()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                          s.get(base + "/login").text)
        out.append(Guesser("login", s.cookies.get("streamsim_session"), token.group(1),
                           [email]))
    return out


def ms(samples: list[float], p: int) -> float:
    return quantile_ms(samples, p) if samples else float("nan")


async def guessing(base: Server, url: str, players: list[Player], guessers: list[Guesser],
                   seconds: float) -> None:
    conns = connections(base, players)
    host, port = base.removeprefix("http://").split(":")
    guess_conns = [Connection(host, int(port), b"") for _ in guessers]
    run = (url, base, players, conns)
    every_s = GUESS_EVERY_S
    if not every_s:  # half of what this server sustains now, measured by a short closed loop
        await phase("closed loop, single events (the guessers' phase's capacity)", 7, *run, 1,
                    0.0, CALIBRATE_SECONDS)
        capacity = sum(len(p.acked) for p in players) / CALIBRATE_SECONDS
        every_s = len(players) / (GUESS_LOAD * capacity)
    pace = f"1 event every {every_s * 1000:.0f} ms per player"
    quiet, quiet_lost, quiet_dup = await phase(f"guessers off: {pace}", 5, *run, 1,
                                               every_s, seconds)

    async def guess(start: float, end: float) -> int:
        tries = await asyncio.gather(*(run_guesser(g, c, start, end)
                                       for g, c in zip(guessers, guess_conns, strict=True)))
        return sum(tries)

    loud, loud_lost, loud_dup = await phase(
        f"guessers on: {pace}, {len(guessers)} clients trying wrong PINs and passwords",
        6, *run, 1, every_s, seconds, alongside=guess)
    for c in conns + guess_conns:
        c.close()

    def tally(kind: str) -> str:
        group = [g for g in guessers if g.kind == kind]
        statuses = sum((g.statuses for g in group), Counter())
        checked = sum((g.checked for g in group), Counter())
        tries = sum(statuses.values())
        other = {k: v for k, v in statuses.items() if k not in (Guesser.CHECKED[kind], 429)}
        latencies = [x for g in group for x in g.latencies]
        return (f"{tries} tries, {statuses[Guesser.CHECKED[kind]]} checked, "
                f"{statuses[429]} answered 429 ({statuses[429] / max(tries, 1):.1%}), "
                f"most checked for one {'profile' if kind == 'pin' else 'e-mail'} "
                f"{max(checked.values(), default=0)}, other answers {other or 'none'}, "
                f"answer p50 {ms(latencies, 50):.1f} ms")

    print(f"[guessers] event request latency without guessers p50 {ms(quiet, 50):.1f} ms, "
          f"p99 {ms(quiet, 99):.1f} ms; with them p50 {ms(loud, 50):.1f} ms, "
          f"p99 {ms(loud, 99):.1f} ms (target p99 < 100 ms); acknowledged but lost "
          f"{quiet_lost} and {loud_lost}, duplicated {quiet_dup} and {loud_dup}; "
          f"wrong PINs: {tally('pin')}; wrong passwords: {tally('login')} "
          f"(limits: PINs {PIN_LIMIT.replace(';', ' and ')} per profile and per account, "
          f"logins {SITE_LOGIN_LIMIT} "
          f"per address and per e-mail; counted {STORAGE})", flush=True)


# -- the server's own cost, in-process -----------------------------------------------------------

def in_process_cost(url: str, email: str, profile_id: int, film: tuple[int, int]) -> None:
    """CPU per request through the WSGI app (no HTTP server, no load generator): single events
    and batches of 100, each with new event ids."""
    from werkzeug.test import EnvironBuilder

    from webapp import create_app

    app = create_app(Settings(env="testing", database_url=url))
    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/login").text).group(1)
    assert client.post("/login", data={"email": email, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/profiles/").text)
    assert client.post(f"/profiles/{profile_id}/select",
                       data={"csrf_token": token.group(1)}).status_code == 302
    token = re.search(r'"X-CSRFToken": "([^"]+)"', client.get("/history/").text).group(1)
    cookie = client.get_cookie("streamsim_session").value
    player = Player(999, cookie, token, *film)

    def cost(requests: int, batch: int) -> float:
        environs = [EnvironBuilder(
            path=PATH, method="POST", data=player.body(player.event_ids(9, batch), batch > 1),
            content_type="application/json",
            headers={"X-CSRFToken": token, "Cookie": f"streamsim_session={cookie}"},
        ).get_environ() for _ in range(requests)]
        statuses = []
        cpu = time.process_time()
        for environ in environs:
            answer = app(environ, lambda status, headers, exc_info=None: statuses.append(status))
            b"".join(answer)
            answer.close()
        cpu = time.process_time() - cpu
        assert set(statuses) == {"200 OK"}, set(statuses)
        return cpu / requests

    cost(50, 1)
    cost(5, 100)
    single = min(cost(500, 1) for _ in range(3))
    batched = min(cost(50, 100) for _ in range(3))
    print(f"[in-process] server CPU {single * 1000:.2f} ms per single-event request; "
          f"{batched * 1000:.2f} ms per request of 100 events = {batched * 1e4:.1f} us per event "
          "(best of 3)", flush=True)
    app.extensions["streamsim.db"].dispose()


def wait_healthy(base: Server, timeout_s: float = 120.0) -> None:
    """Poll /healthz until it answers 200 (a busy machine boots gunicorn slowly)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if requests.get(base + "/healthz", timeout=2).ok:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"gunicorn at {base} did not answer /healthz in {timeout_s:.0f} s")
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--guessers", action="store_true",
                        help="add the guessers' phase (wrong PINs and passwords) at the end")
    parser.add_argument("--guessers-only", action="store_true",
                        help="run only the guessers' phase")
    args = parser.parse_args()
    guessing_too = args.guessers or args.guessers_only
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("STREAMSIM_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/ingest.sqlite3"
        t = time.perf_counter()
        people = build(url)
        pin_accounts = build_guessers(url)
        catalog_films = films(url)
        print(f"built catalog and {len(people)} players in {time.perf_counter() - t:.1f} s "
              f"({url.split(':')[0]}; {SECONDS:.0f} s per paced phase; gunicorn {WORKERS} "
              f"workers x {THREADS} threads; load {os.getloadavg()[0]:.2f} at "
              f"{datetime.now(UTC):%H:%M} UTC)", flush=True)
        print(machine_speed(), flush=True)
        if not args.guessers_only:
            in_process_cost(url, *people[0], catalog_films[0])
        with gunicorn(url, workers=WORKERS, threads=THREADS) as base:
            wait_healthy(base)
            players = []
            for i, (email, profile_id) in enumerate(people):
                s = logged_in(base, email, PASSWORD, profile_id)
                token = re.search(r'"X-CSRFToken": "([^"]+)"', s.get(base + "/history/").text)
                players.append(Player(i, s.cookies.get("streamsim_session"), token.group(1),
                                      *catalog_films[i % len(catalog_films)]))
            guessers = make_guessers(base, pin_accounts,
                                     [email for email, _ in people[:GUESSERS // 2]])
            if not args.guessers_only:
                asyncio.run(load(base, url, players))
        if guessing_too:
            # The site's own login limit this time, counted where production counts it when a
            # Redis is given; the players' and guessers' sessions carry over (same database and
            # secret key).
            env = {"STREAMSIM_RATE_LIMIT_LOGIN": SITE_LOGIN_LIMIT}
            if GUESS_REDIS:
                import redis

                redis.Redis.from_url(GUESS_REDIS).flushdb()
                env["STREAMSIM_RATE_LIMIT_STORAGE"] = GUESS_REDIS
            with gunicorn(url, workers=WORKERS, threads=GUESS_THREADS, env=env) as base:
                wait_healthy(base)
                print(f"gunicorn restarted in the production layout ({WORKERS} workers x "
                      f"{GUESS_THREADS} threads) with the site's login limit "
                      f"({SITE_LOGIN_LIMIT}, counted {STORAGE}); "
                      f"{GUESS_SECONDS:.0f} s without guessers, then {GUESS_SECONDS:.0f} s with "
                      f"them; load {os.getloadavg()[0]:.2f}", flush=True)
                asyncio.run(guessing(base, url, players, guessers, GUESS_SECONDS))


if __name__ == "__main__":
    main()
