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


@contextmanager
def gunicorn(database_url: str, workers: int = 2, threads: int = 4):
    port = free_port()
    env = {**os.environ, "STREAMSIM_DATABASE_URL": database_url, "STREAMSIM_ENV": "testing",
           "STREAMSIM_RATE_LIMIT_LOGIN": "10000 per minute"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", str(threads),
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", "webapp.wsgi:app"],
        cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
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
