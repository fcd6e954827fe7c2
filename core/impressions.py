"""Impressions: what a profile was shown, one compact row per rendered row of titles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from core.models import Impression


def record_rows(session: Session, profile_id: int,
                rows: Sequence[tuple[str, Sequence[int], Sequence[int] | None]], surface: str,
                now: datetime, *, first_position: int = 0, policy: str = "site") -> int:
    """Store (row key, ordered title ids, artwork variants or None) rows; returns rows stored.
    Empty rows are skipped. Never commits."""
    values = [{"profile_id": profile_id, "shown_at": now, "surface": surface,
               "row_key": key[:64], "row_position": first_position + i,
               "title_ids": [int(t) for t in ids],
               "variants": [int(v) for v in variants] if variants is not None else None,
               "policy": policy}
              for i, (key, ids, variants) in enumerate(rows) if ids]
    if values:
        session.connection().execute(insert(Impression.__table__), values)
    return len(values)
