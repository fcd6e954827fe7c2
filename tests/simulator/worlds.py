"""Shared helpers for the simulator's tests."""

from __future__ import annotations

from core.db import Database
from core.models import Base
from core.settings import Settings


def make_db(path) -> Database:
    """An empty SQLite database with the schema, at `path`."""
    db = Database(Settings(env="testing", database_url=f"sqlite:///{path}"))
    Base.metadata.create_all(db.engine)
    return db
