"""Database engine and sessions.

SQLite gets WAL, a busy timeout, foreign keys, and write transactions that begin IMMEDIATE:
a deferred read-then-write transaction can fail with "database is locked" despite the timeout,
because SQLite cannot upgrade a read lock while another writer waits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from core.settings import Settings


def make_engine(settings: Settings) -> Engine:
    """An engine for settings.database_url, with the SQLite pragmas applied on every connect."""
    url = settings.database_url
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)

    path = url.split("///", 1)[-1]
    timeout_s = settings.sqlite_busy_timeout_ms / 1000
    engine = create_engine(url, connect_args={"timeout": timeout_s, "check_same_thread": False})
    busy_ms = settings.sqlite_busy_timeout_ms

    @event.listens_for(engine, "do_connect")
    def _folder(_dialect, _record, _cargs, _cparams):  # noqa: ANN001
        # The file's folder is made on the first connection, not when the engine is built:
        # `streamsim --help` builds the app but must leave no instance/ folder behind.
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_conn, _record):  # noqa: ANN001 - DBAPI types
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):  # noqa: ANN001
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


class Database:
    """The engine plus two session factories: writes (IMMEDIATE on SQLite) and reads."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self.engine = engine or make_engine(settings)
        self.write_factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        read_engine = self.engine.execution_options(sqlite_begin="DEFERRED")
        self.read_factory = sessionmaker(bind=read_engine, expire_on_commit=False)

    def session(self, *, readonly: bool = False) -> Session:
        return (self.read_factory if readonly else self.write_factory)()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A short write transaction: commits on success, rolls back on error."""
        with self.write_factory() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.read_factory() as session:
            yield session

    def ping(self) -> bool:
        with self.engine.connect() as conn:
            conn.execution_options(sqlite_begin="DEFERRED")
            return conn.execute(text("SELECT 1")).scalar() == 1

    def dispose(self) -> None:
        self.engine.dispose()
