"""The audit trail (PDPA): who saw whose personal data, when, through which channel.

`record_access` adds its rows to the caller's transaction, so a view is logged exactly
when its answer is given (and not when the answer fails).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.visits import DataAccess


def record_access(session: Session, people: Sequence[int], *, viewer: str, viewer_name: str, channel: str,
                  action: str, detail: str, now: datetime) -> None:
    """Log that `viewer` saw these people's personal data (in the caller's transaction)."""
    session.add_all([DataAccess(person_id=person_id, viewer=viewer, viewer_name=viewer_name, channel=channel,
                                action=action, detail=detail[:200], at=now) for person_id in dict.fromkeys(people)])


def access_trail(session: Session, person_id: int) -> Sequence[DataAccess]:
    """Every recorded view of one person's data, oldest first."""
    return session.scalars(select(DataAccess).where(DataAccess.person_id == person_id)
                           .order_by(DataAccess.at, DataAccess.id)).all()
