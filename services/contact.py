"""Contact requests: what a person left for an officer, and the officers who hear of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ContactRequest, StaffMember


def leave_request(session: Session, *, line_user_id: str, topic: str, message: str, callback_phone: str | None,
                  now: datetime, person_id: int | None = None) -> ContactRequest:
    """Store a request; `person_id` is who a verified account proved to be (the officers' inbox shows them)."""
    request = ContactRequest(line_user_id=line_user_id, topic=topic, message=message,
                             callback_phone=callback_phone, created_at=now, person_id=person_id)
    session.add(request)
    return request


def officers_to_tell(session: Session) -> list[str]:
    """LINE user ids of every officer holding the role, in the order they were added."""
    return list(session.scalars(select(StaffMember.line_user_id).where(
        StaffMember.role == "officer", StaffMember.revoked_at.is_(None)).order_by(StaffMember.id)))
