"""Bulk-insert helpers shared by the catalog and population generators.

Rows carry explicit ids (`next_id` gives the first free one), go in with chunked executemany
(`insert_rows`), and on PostgreSQL the serial sequences are then moved past them
(`sync_sequences`).
"""

from __future__ import annotations

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

BATCH_ROWS = 2000  # rows per executemany


def next_id(session: Session, model) -> int:
    """The first id after the table's current maximum (1 for an empty table)."""
    return int(session.scalar(select(func.coalesce(func.max(model.id), 0)))) + 1


def insert_rows(session: Session, model, rows: list[dict]) -> None:
    """Insert `rows` into `model`'s table, BATCH_ROWS at a time."""
    for start in range(0, len(rows), BATCH_ROWS):
        session.execute(insert(model), rows[start:start + BATCH_ROWS])


def sync_sequences(session: Session, models) -> None:
    """PostgreSQL only: explicit ids do not advance serial sequences, so move them past max(id)
    (otherwise a later insert without an id would collide). SQLite needs nothing."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        table = model.__tablename__
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # nosec B608
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"))
