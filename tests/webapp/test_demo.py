"""`make demo`: the demo login is printed last, once the server answers, with its URL."""

from __future__ import annotations

import socket
from pathlib import Path

from core.settings import Settings
from webapp.demo import announce_when_up


def test_the_demo_login_is_announced_once_the_port_answers(capsys, tmp_path):
    settings = Settings(env="development", demo=True, instance_dir=tmp_path)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert announce_when_up("127.0.0.1", port, settings, timeout_s=5)
    out = capsys.readouterr().out.strip().splitlines()
    assert f"http://127.0.0.1:{port}/" in out[0]
    assert out[1].strip() == f"Demo login: {settings.demo_email} / {settings.demo_password}"


def test_nothing_is_announced_when_the_server_never_starts(capsys, tmp_path):
    settings = Settings(env="development", demo=True, instance_dir=tmp_path)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert not announce_when_up("127.0.0.1", port, settings, timeout_s=0.5)
    assert "Demo login" not in capsys.readouterr().out


def test_make_demo_takes_the_port_from_the_environment():
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    assert "PORT ?= 5000" in makefile
    assert "--port $(PORT)" in makefile and "python -m webapp.demo $(HOST) $(PORT)" in makefile
