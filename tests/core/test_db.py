"""SQLite runs with WAL, a busy timeout, foreign keys, and IMMEDIATE write transactions."""

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from core.db import Database
from core.models import Base, Profile
from core.settings import Settings


@pytest.fixture
def sqlite_db(tmp_path):
    db = Database(Settings(env="testing", database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}",
                           sqlite_busy_timeout_ms=7000))
    Base.metadata.create_all(db.engine)
    yield db
    db.dispose()


def test_sqlite_pragmas(sqlite_db):
    with sqlite_db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 7000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_foreign_keys_are_enforced(sqlite_db):
    from datetime import datetime

    with pytest.raises(IntegrityError), sqlite_db.write() as s:
        s.add(Profile(account_id=999, name="orphan", avatar="amber", created_at=datetime.now()))


def test_write_sessions_take_the_write_lock_at_begin(sqlite_db):
    """A write session holds the RESERVED lock from its first statement (BEGIN IMMEDIATE),
    so a second writer waits instead of failing later with 'database is locked'."""
    order: list[str] = []
    first_in = threading.Event()
    release = threading.Event()

    def first():
        with sqlite_db.write() as s:
            s.execute(text("SELECT 1"))  # a read only: still took the write lock
            order.append("first-began")
            first_in.set()
            release.wait(5)
            order.append("first-commits")

    def second():
        first_in.wait(5)
        with sqlite_db.write() as s:
            s.execute(text("SELECT 1"))
            order.append("second-began")

    t1, t2 = threading.Thread(target=first), threading.Thread(target=second)
    t1.start(), t2.start()
    first_in.wait(5)
    threading.Event().wait(0.3)
    release.set()
    t1.join(10), t2.join(10)
    assert order == ["first-began", "first-commits", "second-began"]


def test_read_sessions_do_not_block_behind_a_writer(sqlite_db):
    with sqlite_db.write() as w:
        w.execute(text("SELECT 1"))
        with sqlite_db.read() as r:  # WAL + deferred: a reader proceeds at once
            assert r.execute(text("SELECT count(*) FROM accounts")).scalar() == 0


def test_the_sqlite_folder_is_made_on_first_connection_not_before(tmp_path):
    """Building the app (as `streamsim --help` does) leaves no folder behind; connecting does."""
    folder = tmp_path / "instance"
    db = Database(Settings(env="testing", database_url=f"sqlite:///{folder}/site.sqlite3"))
    assert not folder.exists()
    db.ping()
    assert (folder / "site.sqlite3").exists()
    db.dispose()
