"""The production server's handling of bodies too large to accept (issue 13: an early 413 said
`Connection: keep-alive` and then closed the socket). gunicorn.conf.py's pre_request hook marks
such requests, so the 413 says `Connection: close` and the connection then ends cleanly."""

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


@pytest.fixture
def server(settings, database, tmp_path):
    port = _free_port()
    env = {**os.environ, "STREAMSIM_ENV": "testing",
           "STREAMSIM_DATABASE_URL": settings.database_url,
           "STREAMSIM_INSTANCE_DIR": str(tmp_path), "STREAMSIM_REC_SCHEDULER_IN_APP": "0"}
    log = (tmp_path / "gunicorn.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                             "-b", f"127.0.0.1:{port}", "webapp.wsgi:app"], cwd=ROOT, env=env,
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
    yield port
    proc.terminate()
    proc.wait(DEADLINE_S)
    log.close()


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
