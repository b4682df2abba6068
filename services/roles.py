"""Officer and volunteer roles: invite codes taken, wrong codes recorded (services.identity counts them), staff rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import InviteCode, RoleCodeAttempt, StaffMember


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
    staff.name, staff.role, staff.district_id, staff.revoked_at = invite.name, invite.role, invite.district_id, None
    return staff
