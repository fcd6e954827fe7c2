"""Shared bench helpers: a temporary database, a gunicorn server, a logged-in HTTP session."""

from __future__ import annotations

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


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


@contextmanager
def gunicorn(database_url: str, workers: int = 2, threads: int = 4, keepalive_s: int = 5,
             worker_class: str = "gthread"):
    """gunicorn on a free port: `workers` processes of `threads` threads (gthread, which keeps
    connections alive for keepalive_s seconds between requests)."""
    port = free_port()
    # Workers touch a heartbeat file on every loop; on tmpfs that costs nothing.
    tmp_dir = ["--worker-tmp-dir", "/dev/shm"] if Path("/dev/shm").is_dir() else []
    env = {**os.environ, "STREAMSIM_DATABASE_URL": database_url, "STREAMSIM_ENV": "testing",
           "STREAMSIM_RATE_LIMIT_LOGIN": "10000 per minute"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-k", worker_class, "-w", str(workers),
         "--threads", str(threads), *tmp_dir,
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


def percentiles(samples_ms: list[float]) -> str:
    samples = sorted(samples_ms)
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return f"p50 {q[49]:.1f} ms, p99 {q[98]:.1f} ms, n={len(samples)}"


def timed_gets(session: requests.Session, urls: list[str], rounds: int) -> list[float]:
    out = []
    for i in range(rounds):
        url = urls[i % len(urls)]
        t = time.perf_counter()
        r = session.get(url)
        out.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    return out
