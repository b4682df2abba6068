"""Who is behind a LINE account: the person it was proven to be, or the staff role it holds.

Linking a LINE account to a person, the record of verification tries, and the count of
recent failed tries the lockout rule (domain.lockout) decides on. Helpers never commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.lockout import Lockout
from models.register import LineLink, Person, StaffMember, VerificationAttempt
from models.roles import RoleCodeAttempt

# What was tried and failed: proving who you are, or an officer/volunteer invite code.
FailureKind = Literal["verification", "invite_code"]


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
    session.flush()  # counted by recent_failures right after


def recent_failures(session: Session, kind: FailureKind, line_user_id: str, lockout: Lockout, now: datetime) -> int:
    """Failed tries of this kind by this LINE account that still count at `now` (Lockout.counts)."""
    since = lockout.window_start(now)
    if kind == "verification":
        query = select(func.count()).select_from(VerificationAttempt).where(
            VerificationAttempt.line_user_id == line_user_id,
            VerificationAttempt.succeeded.is_(False),
            VerificationAttempt.attempted_at > since)
    else:  # every stored invite-code attempt is a wrong code
        query = select(func.count()).select_from(RoleCodeAttempt).where(
            RoleCodeAttempt.line_user_id == line_user_id,
            RoleCodeAttempt.attempted_at > since)
    return session.scalar(query) or 0


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
