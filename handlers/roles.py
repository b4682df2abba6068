"""`เจ้าหน้าที่ CODE` / `อาสา CODE`: take the officer or volunteer role with a one-time code."""

from __future__ import annotations

from linebot.v3.messaging import Message
from sqlalchemy import func, select

from domain.invites import MAX_WRONG, WRONG_WINDOW, normalize_code
from domain.textnorm import split_command
from handlers import contact
from handlers.context import Context
from messages import roles as msgs
from models import InviteCode, RoleCodeAttempt, StaffMember


def take_officer(ctx: Context) -> list[Message]:
    return _take(ctx, "officer")


def take_volunteer(ctx: Context) -> list[Message]:
    return _take(ctx, "volunteer")


def _take(ctx: Context, role: str) -> list[Message]:
    _, argument = split_command(ctx.text)
    code = normalize_code(argument)
    if code is None:
        # "เจ้าหน้าที่ โทรหาหน่อย" is someone asking for an officer, not a role code
        return contact.start(ctx) if argument or role == "officer" else msgs.ask_for_code(role)
    wrong = _wrong_recently(ctx)
    if wrong >= MAX_WRONG:
        return msgs.locked(ctx.settings.office_phone)
    invite = ctx.session.scalars(select(InviteCode).where(InviteCode.code == code)
                                 .with_for_update()).one_or_none()
    if invite is None:
        ctx.session.add(RoleCodeAttempt(line_user_id=ctx.user_id or "", attempted_at=ctx.now))
        left = MAX_WRONG - wrong - 1
        return msgs.locked(ctx.settings.office_phone) if left <= 0 else msgs.wrong_code(left)
    if invite.role != role:
        return msgs.wrong_kind(role)
    if invite.used_at is not None:
        return msgs.used_code()
    if invite.expires_at <= ctx.now:
        return msgs.expired_code()
    invite.used_at, invite.used_by = ctx.now, ctx.user_id
    staff = ctx.session.scalars(select(StaffMember).where(StaffMember.line_user_id == ctx.user_id)).one_or_none()
    if staff is None:
        staff = StaffMember(line_user_id=ctx.user_id or "", created_at=ctx.now)
        ctx.session.add(staff)
    staff.name, staff.role, staff.district_id, staff.revoked_at = invite.name, role, invite.district_id, None
    area = invite.district.name if invite.district else "ทั้งจังหวัด"
    return msgs.welcome(role, invite.name, area)


def _wrong_recently(ctx: Context) -> int:
    return ctx.session.scalar(select(func.count()).select_from(RoleCodeAttempt).where(
        RoleCodeAttempt.line_user_id == (ctx.user_id or ""),
        RoleCodeAttempt.attempted_at > ctx.now - WRONG_WINDOW)) or 0
