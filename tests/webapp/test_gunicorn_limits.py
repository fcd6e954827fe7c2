"""The production server (gunicorn.conf.py: 2 worker processes) as clients meet it (issue 13).

- Bodies too large to accept: an early 413 said `Connection: keep-alive` and then closed the
  socket. gunicorn.conf.py's pre_request hook marks such requests, so the 413 says
  `Connection: close` and the connection then ends cleanly.
- PIN lockouts across worker processes: with the limits in Redis, wrong PINs served by either
  worker count together, and the sixth try is refused whichever worker gets it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_S = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _exchange(port: int, request: bytes, wait_s: float = 2.0) -> tuple[bytes, bool]:
    """Send `request`, read until the server closes or `wait_s` pass without a byte (the
    server's keep-alive is 5 s): (bytes read, closed?)."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait_s) as sock:
        sock.sendall(request)
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except TimeoutError:
            return data, False
        return data, True


def _start(settings, tmp_path, **env_extra):
    port = _free_port()
    env = {**os.environ, "STREAMSIM_ENV": "testing",
           "STREAMSIM_DATABASE_URL": settings.database_url,
           "STREAMSIM_INSTANCE_DIR": str(tmp_path), "STREAMSIM_REC_SCHEDULER_IN_APP": "0",
           **env_extra}
    log = (tmp_path / "gunicorn.log").open("w")
    # The access log names the worker (pid) that served each request.
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                             "-b", f"127.0.0.1:{port}", "--access-logfile",
                             str(tmp_path / "access.log"), "--access-logformat",
                             "%(p)s %(m)s %(U)s %(s)s", "webapp.wsgi:app"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + DEADLINE_S
    while True:
        try:
            data, _ = _exchange(port, b"GET /healthz HTTP/1.1\r\nHost: t\r\n"
                                      b"Connection: close\r\n\r\n")
            if data.startswith(b"HTTP/1.1 200"):
                break
        except OSError:
            pass
        assert proc.poll() is None and time.monotonic() < deadline, (
            (tmp_path / "gunicorn.log").read_text()[-2000:])
        time.sleep(0.1)
    return port, proc, log


def _stop(proc, log) -> None:
    proc.terminate()
    proc.wait(DEADLINE_S)
    log.close()


@pytest.fixture
def server(settings, database, tmp_path):
    port, proc, log = _start(settings, tmp_path)
    yield port
    _stop(proc, log)


def test_a_body_too_large_gets_413_with_connection_close_and_a_clean_close(server):
    head = (b"POST /login HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded"
            b"\r\nContent-Length: 10000000\r\n\r\n")
    data, closed = _exchange(server, head + b"a" * 1024)  # most of the body never comes
    status, _, rest = data.partition(b"\r\n")
    headers = rest.split(b"\r\n\r\n", 1)[0].lower()
    assert status.startswith(b"HTTP/1.1 413")
    assert b"connection: close" in headers
    assert closed  # the server ended the connection after its answer, without waiting


def test_an_ordinary_request_keeps_its_connection_alive(server):
    data, closed = _exchange(server, b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 200")
    assert b"connection: close" not in data.lower() and not closed


def _served_by(access_log: Path, path: str) -> list[str]:
    """The worker pids that served POSTs to `path`, in order."""
    return [line.split()[0] for line in access_log.read_text().splitlines()
            if line.split()[1:3] == ["POST", path]]


def _workers_of(access_log: Path, path: str, first: int, count: int) -> set[str]:
    """The distinct workers that served POSTs number first .. first+count-1 to `path` (the
    access log is written just after each answer, so wait for those lines)."""
    deadline = time.monotonic() + DEADLINE_S
    while len(_served_by(access_log, path)) < first + count:
        assert time.monotonic() < deadline, "the access log never showed the requests"
        time.sleep(0.05)
    return set(_served_by(access_log, path)[first:first + count])


def _post_form(base: str, http, form_page: str, path: str, data: dict):
    """POST `data` to `path` with the CSRF token of `form_page`, each on a new connection
    (reuse_port spreads new connections over the workers)."""
    from bs4 import BeautifulSoup

    close = {"Connection": "close"}
    page = http.get(base + form_page, headers=close)
    token = BeautifulSoup(page.text, "html.parser").select_one("input[name=csrf_token]")["value"]
    return http.post(base + path, data={**data, "csrf_token": token}, headers=close,
                     allow_redirects=False)


def test_pin_lockouts_hold_across_two_worker_processes_sharing_redis(settings, database,
                                                                   tmp_path, redis_url):
    """Five wrong PINs spread over both workers, then the right one is a 429. A round counts
    only if both workers served wrong PINs; a new account per round, at most 4 rounds, so the
    chance that no round spreads is below 1 in 10,000."""
    import requests

    from tests.webapp.conftest import PASSWORD, make_account

    port, proc, log = _start(settings, tmp_path, STREAMSIM_RATE_LIMIT_STORAGE=redis_url)
    base, access = f"http://127.0.0.1:{port}", tmp_path / "access.log"
    try:
        for round_ in range(4):
            email = f"workers{round_}@example.com"
            _, (safe,) = make_account(database, email, profiles=({"name": "S", "pin": "4321"},))
            http = requests.Session()
            r = _post_form(base, http, "/login", "/login",
                           {"email": email, "password": PASSWORD})
            assert r.status_code == 302
            path = f"/profiles/{safe}/select"
            before = len(_served_by(access, path))
            for wrong in ("0000", "1111", "2222", "3333", "4444"):
                assert _post_form(base, http, "/profiles/", path, {"pin": wrong}
                                  ).status_code == 303
            r = _post_form(base, http, "/profiles/", path, {"pin": "4321"})
            assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
            if len(_workers_of(access, path, before, 5)) == 2:
                break
        else:
            pytest.fail("in 4 rounds the wrong PINs never reached both workers")
    finally:
        _stop(proc, log)


def test_login_lockouts_hold_across_two_worker_processes_sharing_redis(settings, database,
                                                                     tmp_path, redis_url):
    """The login limit (STREAMSIM_RATE_LIMIT_LOGIN, 10 per minute per address and per IP) with
    Redis storage: 10 wrong passwords spread over both workers, then the right one is a 429.
    Redis is emptied between rounds (the per-IP count would carry over)."""
    import redis
    import requests

    from tests.webapp.conftest import PASSWORD, make_account

    port, proc, log = _start(settings, tmp_path, STREAMSIM_RATE_LIMIT_STORAGE=redis_url,
                             STREAMSIM_RATE_LIMIT_LOGIN="10 per minute")
    base, access = f"http://127.0.0.1:{port}", tmp_path / "access.log"
    try:
        for round_ in range(3):
            redis.Redis.from_url(redis_url).flushdb()
            email = f"guess{round_}@example.com"
            make_account(database, email)
            before = len(_served_by(access, "/login"))
            for n in range(10):
                r = _post_form(base, requests.Session(), "/login", "/login",
                               {"email": email, "password": f"wrong password {n}"})
                assert r.status_code == 401
            r = _post_form(base, requests.Session(), "/login", "/login",
                           {"email": email, "password": PASSWORD})
            assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
            if len(_workers_of(access, "/login", before, 10)) == 2:
                break
        else:
            pytest.fail("in 3 rounds the wrong logins never reached both workers")
    finally:
        _stop(proc, log)
