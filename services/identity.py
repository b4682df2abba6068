"""Who is behind a LINE account: the person it was proven to be, or the staff role it holds.

Linking a LINE account to a person and the record of verification tries. Helpers never commit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.register import LineLink, Person, StaffMember, VerificationAttempt


def linked_person(session: Session, line_user_id: str) -> Person | None:
    """The person this LINE account was proven to be, if any."""
    return session.scalars(
        select(Person).join(LineLink, LineLink.person_id == Person.id).where(LineLink.line_user_id == line_user_id)
    ).one_or_none()


def person_by_id(session: Session, person_id: int | None) -> Person | None:
    """The person with this id (None for None, as kept in a conversation before a match)."""
    return session.get(Person, person_id) if person_id else None


def person_by_national_id(session: Session, national_id: str) -> Person | None:
    """The person on the register with these 13 digits, if any."""
    return session.scalars(select(Person).where(Person.national_id == national_id)).one_or_none()


def record_verification(session: Session, line_user_id: str, at: datetime, *, succeeded: bool) -> None:
    """Keep one try at verifying: who and when and whether it matched, never what was typed."""
    session.add(VerificationAttempt(line_user_id=line_user_id, attempted_at=at, succeeded=succeeded))
    session.flush()  # counted right after


def link_line_account(session: Session, line_user_id: str, person_id: int, *, consented_at: datetime,
                      notice_version: str, at: datetime) -> bool:
    """Link the account to the person; False (and nothing linked) when another account holds them."""
    taken = session.scalars(select(LineLink).where(LineLink.person_id == person_id)).one_or_none()
    if taken is not None and taken.line_user_id != line_user_id:
        return False
    session.add(LineLink(line_user_id=line_user_id, person_id=person_id, consented_at=consented_at,
                         notice_version=notice_version, linked_at=at))
    session.flush()
    return True


def staff_member(session: Session, line_user_id: str | None, role: str | None = None) -> StaffMember | None:
    """The officer or volunteer behind a LINE account, while they hold the role (`role` narrows it)."""
    if not line_user_id:
        return None
    query = select(StaffMember).where(StaffMember.line_user_id == line_user_id, StaffMember.revoked_at.is_(None))
    if role is not None:
        query = query.where(StaffMember.role == role)
    return session.scalars(query).one_or_none()
