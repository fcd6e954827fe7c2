"""Shared bench helpers: a temporary database, a gunicorn server, a logged-in HTTP session,
concurrent clients, and the one quantile method every bench reports with.

Quantiles: `statistics.quantiles(method="inclusive")` (numpy's default "linear" method gives the
same figures), always through `quantile_ms`/`percentiles` below, so benches compare.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import requests

from core.db import Database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def machine_speed() -> str:
    """A fixed piece of pure-Python work timed in CPU seconds (best of 3), printed beside a
    bench's figures: the same code measured on a slower machine (or a virtual machine whose
    host is busy) gives slower figures, and this line says how much slower. A typical desktop
    core of 2024 takes about 0.5 s."""
    best = float("inf")
    for _ in range(3):
        t = time.process_time()
        sum(i * i for i in range(10**7))
        best = min(best, time.process_time() - t)
    return f"reference loop (sum of 10^7 squares) {best:.2f} s CPU, load {os.getloadavg()[0]:.2f}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server(str):
    """The server's base URL, with the gunicorn master's pid."""

    pid: int

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the master and its workers."""
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue  # a process that ended meanwhile
            if stat.parent.name == str(self.pid) or fields[1] == str(self.pid):
                total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
        return total / os.sysconf("SC_CLK_TCK")


def catalog_database(url: str, titles: int, now) -> Database:
    """A migrated database at `url` with a generated catalogue of `titles` titles (seed 3)."""
    from core.migrate import upgrade
    from core.settings import Settings
    from simulator.catalog.generate import generate_catalog

    settings = Settings(env="testing", database_url=url)
    upgrade(settings)
    db = Database(settings)
    with db.session() as s:
        generate_catalog(s, titles, seed=3, now=now)
        s.commit()
    return db


def production_threads() -> int:
    """gunicorn.conf.py's threads per worker (the production layout), without importing it."""
    found = re.search(r"^threads = (\d+)", (ROOT / "gunicorn.conf.py").read_text(), re.M)
    return int(found.group(1)) if found else 1


@contextmanager
def gunicorn(database_url: str, workers: int = 2, threads: int | None = None,
             keepalive_s: int = 5,
             worker_class: str = "gthread", access_log: Path | None = None,
             env: dict[str, str] | None = None):
    """gunicorn on a free port with the production config (gunicorn.conf.py: SO_REUSEPORT, one
    listening socket per worker): `workers` processes of `threads` threads (default: the
    config's; STREAMSIM_BENCH_PAGE_THREADS overrides it for a comparison; gthread, which keeps
    connections alive for keepalive_s seconds between requests). With `access_log`, every
    request is logged as "<worker pid> <path> <status>" (see `worker_shares`). `env` sets
    variables last (e.g. the site's own STREAMSIM_RATE_LIMIT_LOGIN instead of the bench's)."""
    if threads is None:
        threads = int(os.environ.get("STREAMSIM_BENCH_PAGE_THREADS") or production_threads())
    port = free_port()
    log = (["--access-logfile", str(access_log), "--access-logformat", "%(p)s %(U)s %(s)s"]
           if access_log else [])
    env = {**os.environ, "STREAMSIM_DATABASE_URL": database_url, "STREAMSIM_ENV": "testing",
           "STREAMSIM_RATE_LIMIT_LOGIN": "10000 per minute", **(env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
         "-k", worker_class, "-w", str(workers), *log,
         "--threads", str(threads),
         "--keep-alive", str(keepalive_s), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         "webapp.wsgi:app"],
        cwd=ROOT, env=env)
    base = Server(f"http://127.0.0.1:{port}")
    base.pid = proc.pid
    try:
        for _ in range(100):
            try:
                if requests.get(base + "/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)


def logged_in(base: str, email: str, password: str, profile_id: int) -> requests.Session:
    s = requests.Session()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      s.get(base + "/login").text).group(1)
    r = s.post(base + "/login", data={"email": email, "password": password, "csrf_token": token},
               allow_redirects=False)
    assert r.status_code == 302, r.status_code
    token = re.search(r'name="csrf_token" value="([^"]+)"', s.get(base + "/profiles/").text)
    r = s.post(f"{base}/profiles/{profile_id}/select",
               data={"csrf_token": token.group(1)}, allow_redirects=False)
    assert r.status_code == 302
    return s


def quantile_ms(samples_ms: list[float], p: int) -> float:
    """The p-th percentile (1..99) of the samples: statistics.quantiles, method="inclusive"."""
    if len(samples_ms) < 2:
        return samples_ms[0] if samples_ms else float("nan")
    return statistics.quantiles(sorted(samples_ms), n=100, method="inclusive")[p - 1]


def percentiles(samples_ms: list[float]) -> str:
    p50, p90, p99 = (quantile_ms(samples_ms, p) for p in (50, 90, 99))
    return f"p50 {p50:.1f} ms, p90 {p90:.1f} ms, p99 {p99:.1f} ms, n={len(samples_ms)}"


def timed_gets(session: requests.Session, urls: list[str], rounds: int) -> list[float]:
    out = []
    for i in range(rounds):
        url = urls[i % len(urls)]
        t = time.perf_counter()
        r = session.get(url)
        out.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    return out


def concurrent_gets(sessions: list[requests.Session], urls: list[str],
                    seconds: float) -> tuple[list[float], float]:
    """Each session a closed-loop client in its own thread, cycling through `urls` (each client
    starting at a different one) for `seconds`; returns (latencies in ms, elapsed seconds)."""
    samples: list[float] = []
    errors: list[object] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(n: int, s: requests.Session) -> None:
        mine, i = [], n
        while time.perf_counter() < deadline:
            url = urls[i % len(urls)]
            i += 1
            t = time.perf_counter()
            try:
                r = s.get(url)
            except requests.ConnectionError:
                # A keep-alive connection the server closed while this client was idle (between
                # phases, after gunicorn's keep-alive time): a browser opens a new one and asks
                # again, and so does this client, timed from the first try.
                r = s.get(url)
            mine.append((time.perf_counter() - t) * 1000)
            if r.status_code != 200:
                errors.append((url, r.status_code))
                break
        with lock:
            samples.extend(mine)

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n, s)) for n, s in enumerate(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    return samples, time.perf_counter() - began


def worker_shares(access_log: Path, path_prefix: str = "") -> dict[str, int]:
    """Requests per worker pid in a gunicorn access log written by `gunicorn(access_log=...)`."""
    counts: Counter[str] = Counter()
    for line in access_log.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].startswith(path_prefix):
            counts[parts[0].strip("<>")] += 1
    return dict(counts.most_common())
