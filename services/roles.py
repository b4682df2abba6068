"""Officer and volunteer roles: invite codes taken, wrong codes recorded (services.identity counts them), staff rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import InviteCode, RoleCodeAttempt, StaffMember


def add_invite(session: Session, *, code: str, role: str, name: str, district_id: int | None, villages: list[int],
               now: datetime, expires_at: datetime, province_id: int | None = None) -> None:
    """A one-time code a person types in LINE to take this role (`province_id`: an officer of that
    province, with no district)."""
    session.add(InviteCode(code=code, role=role, name=name, district_id=district_id,
                           province_id=None if district_id is not None else province_id, villages=villages,
                           created_at=now, expires_at=expires_at))


def staff_with_role(session: Session, role: str) -> Sequence[StaffMember]:
    """Everyone who holds or held this role, oldest first."""
    return session.scalars(select(StaffMember).where(StaffMember.role == role).order_by(StaffMember.id)).all()


def staff_by_line_id(session: Session, line_user_id: str, role: str) -> StaffMember | None:
    """The staff row of this role behind a LINE account, revoked or not."""
    return session.scalars(select(StaffMember).where(StaffMember.line_user_id == line_user_id,
                                                     StaffMember.role == role)).one_or_none()


def revoke_role(member: StaffMember, now: datetime) -> None:
    """Take the role away (the first revocation's time is kept)."""
    member.revoked_at = member.revoked_at or now


def record_wrong_code(session: Session, line_user_id: str, now: datetime) -> None:
    session.add(RoleCodeAttempt(line_user_id=line_user_id, attempted_at=now))


def invite_to_take(session: Session, code: str) -> InviteCode | None:
    """The invite with this code, locked until the transaction ends (two phones, one code)."""
    return session.scalars(select(InviteCode).where(InviteCode.code == code).with_for_update()).one_or_none()


def take_role(session: Session, invite: InviteCode, line_user_id: str | None, now: datetime) -> StaffMember:
    """Spend the invite: the account gets its role, name and district (a revoked role comes back)."""
    invite.used_at, invite.used_by = now, line_user_id
    staff = session.scalars(select(StaffMember).where(StaffMember.line_user_id == line_user_id)).one_or_none()
    if staff is None:
        staff = StaffMember(line_user_id=line_user_id or "", created_at=now)
        session.add(staff)
    staff.name, staff.role, staff.revoked_at = invite.name, invite.role, None
    staff.district_id, staff.province_id = invite.district_id, invite.province_id
    return staff
