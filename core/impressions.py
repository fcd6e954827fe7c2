"""Impressions: what a profile was shown, one compact row per rendered row of titles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from core.models import Impression


def row_values(profile_id: int, key: str, title_ids: Sequence[int],
               variants: Sequence[int] | None, surface: str, when: datetime, position: int,
               policy: str = "site") -> dict:
    """One impression row as the table stores it (the site and the simulator both use it)."""
    return {"profile_id": profile_id, "shown_at": when, "surface": surface,
            "row_key": key[:64], "row_position": position,
            "title_ids": [int(t) for t in title_ids],
            "variants": [int(v) for v in variants] if variants is not None else None,
            "policy": policy}


def insert_rows(session: Session, values: list[dict]) -> None:
    """Store impression rows made by `row_values`, in one statement. Never commits."""
    if values:
        session.connection().execute(insert(Impression.__table__), values)


def record_rows(session: Session, profile_id: int,
                rows: Sequence[tuple[str, Sequence[int], Sequence[int] | None]], surface: str,
                now: datetime, *, first_position: int = 0, policy: str = "site") -> int:
    """Store (row key, ordered title ids, artwork variants or None) rows; returns rows stored.
    Empty rows are skipped. Never commits."""
    values = [row_values(profile_id, key, ids, variants, surface, now, first_position + i,
                         policy)
              for i, (key, ids, variants) in enumerate(rows) if ids]
    insert_rows(session, values)
    return len(values)
