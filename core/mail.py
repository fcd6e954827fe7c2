"""The simulated outbox: what the site would e-mail, kept as rows (core.models.MailMessage).

StreamSim sends no real mail. Outside production the site shows the outbox at /mail/, so a
person trying the sign-up flow can open the link it "sent"; in production an operator hands the
rows to a real mail service.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import MailMessage


def send(session: Session, to_address: str, subject: str, body: str, now: datetime) -> None:
    session.add(MailMessage(to_address=to_address, subject=subject, body=body, created_at=now))


def recent(session: Session, to_address: str | None = None, limit: int = 50) -> list[MailMessage]:
    """The newest messages first, for one address or all."""
    query = select(MailMessage).order_by(MailMessage.id.desc()).limit(limit)
    if to_address:
        query = query.where(MailMessage.to_address == to_address)
    return list(session.scalars(query))
