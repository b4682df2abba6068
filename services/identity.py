"""Who is behind a LINE account: the person it was proven to be, or the staff role it holds.

Linking a LINE account to a person, the record of verification tries, and the count of
recent failed tries the lockout rule (domain.lockout) decides on. Helpers never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from domain.lockout import DailyLockout, Lockout
from models.db import in_ids
from models.register import Area, Contract, LineLink, Membership, Person, StaffMember, VerificationAttempt
from models.roles import RoleCodeAttempt
from services.areas import district_of

# What was tried and failed: proving who you are, or an officer/volunteer invite code.
FailureKind = Literal["verification", "invite_code"]


# Built once: asked on most events (who is writing).
_LINKED = select(Person).join(LineLink, LineLink.person_id == Person.id).where(
    LineLink.line_user_id == bindparam("line_user_id"))


def linked_person(session: Session, line_user_id: str) -> Person | None:
    """The person this LINE account was proven to be, if any."""
    return session.scalars(_LINKED, {"line_user_id": line_user_id}).one_or_none()


def people_of_accounts(session: Session, line_user_ids: set[str]) -> list[int]:
    """The people these LINE accounts were proven to be (accounts not linked, and groups, have none)."""
    ids = sorted(line_user_ids)
    found: list[int] = []
    for start in range(0, len(ids), 1000):
        found += session.scalars(select(LineLink.person_id).where(LineLink.line_user_id.in_(ids[start:start + 1000])))
    return sorted(found)


def person_by_id(session: Session, person_id: int | None) -> Person | None:
    """The person with this id (None for None, as kept in a conversation before a match)."""
    return session.get(Person, person_id) if person_id else None


def person_by_national_id(session: Session, national_id: str) -> Person | None:
    """The person on the register with these 13 digits, if any."""
    return session.scalars(select(Person).where(Person.national_id == national_id)).one_or_none()


def record_verification(session: Session, line_user_id: str, at: datetime, *, succeeded: bool,
                        subject: str | None = None) -> None:
    """Keep one try at verifying: who, at whom (`subject`, a digest) and when, and whether it matched.

    Never what was typed: `subject` is domain.identity.national_id_key of the ID tried.
    """
    session.add(VerificationAttempt(line_user_id=line_user_id, subject=subject, attempted_at=at,
                                    succeeded=succeeded))
    session.flush()  # counted by recent_failures and subject_failures right after


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


@dataclass(frozen=True)
class SubjectTries:
    """Today's failed tries at one national ID, from every LINE account together."""

    failures: int
    accounts: int  # how many LINE accounts made them


def subject_failures(session: Session, subject: str, lockout: DailyLockout, now: datetime) -> SubjectTries:
    """Failed tries at this national ID (its digest) that count at `now` (DailyLockout.counts)."""
    start, end = lockout.day_bounds(now)
    failures, accounts = session.execute(
        select(func.count(), func.count(func.distinct(VerificationAttempt.line_user_id))).where(
            VerificationAttempt.subject == subject,
            VerificationAttempt.succeeded.is_(False),
            VerificationAttempt.attempted_at >= start,
            VerificationAttempt.attempted_at < end)).one()
    return SubjectTries(failures or 0, accounts or 0)


def officers_of_person(session: Session, person_id: int) -> list[str]:
    """LINE user ids of the officers who look after a person, as officers' alerts go.

    The officers of each district the person's contracts lie in, and the officers of those
    districts' provinces and of the whole register (no district), in the order they were added;
    never volunteers.
    """
    areas = session.scalars(select(Area).join(Contract, Contract.area_id == Area.id)
                            .join(Membership, Membership.contract_id == Contract.id)
                            .where(Membership.person_id == person_id)).all()
    found = [d for d in (district_of(area) for area in areas) if d is not None]
    districts, provinces = {d.id for d in found}, {d.parent_id for d in found if d.parent_id is not None}
    wide = and_(StaffMember.district_id.is_(None),
                or_(StaffMember.province_id.is_(None), StaffMember.province_id.in_(provinces)))
    return list(session.scalars(select(StaffMember.line_user_id).where(
        StaffMember.role == "officer", StaffMember.revoked_at.is_(None),
        or_(wide, in_ids(StaffMember.district_id, districts)))
        .order_by(StaffMember.id)))


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
    return session.scalars(_STAFF[role is not None], {"uid": line_user_id, "role": role}).one_or_none()


# built once: every event of an officer asks it
_STAFF = {by_role: select(StaffMember).where(StaffMember.line_user_id == bindparam("uid"),
                                             StaffMember.revoked_at.is_(None),
                                             *([StaffMember.role == bindparam("role")] if by_role else []))
          for by_role in (False, True)}
