"""Contact requests: what a person left for an officer, and the officers who hear of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ContactRequest, Membership, StaffMember
from services.identity import officers_of_person


def leave_request(session: Session, *, line_user_id: str, topic: str, message: str, callback_phone: str | None,
                  now: datetime, person_id: int | None = None) -> ContactRequest:
    """Store a request; `person_id` is who a verified account proved to be (the officers' inbox shows them)."""
    request = ContactRequest(line_user_id=line_user_id, topic=topic, message=message,
                             callback_phone=callback_phone, created_at=now, person_id=person_id)
    session.add(request)
    return request


def officers_to_tell(session: Session, person_id: int | None) -> list[str]:
    """LINE user ids of the officers who hear of a request, in the order they were added: of a
    verified person on a contract, the officers who look after them (`officers_of_person`: the
    request carries their words and phone number, which officers elsewhere may not read, as the
    inbox shows it only in their areas: `services.inbox.visible`); else (an account not verified,
    a person on no contract: no area to go by) every officer holding the role."""
    if person_id is not None and session.scalar(
            select(Membership.id).where(Membership.person_id == person_id).limit(1)) is not None:
        return officers_of_person(session, person_id)
    return list(session.scalars(select(StaffMember.line_user_id).where(
        StaffMember.role == "officer", StaffMember.revoked_at.is_(None)).order_by(StaffMember.id)))
