"""`เจ้าหน้าที่ CODE` / `อาสา CODE`: take the officer or volunteer role with a one-time code."""

from __future__ import annotations

from domain.invites import LOCKOUT, invite_problem, normalize_code
from domain.textnorm import split_command
from handlers import contact
from handlers.context import Context
from messages import roles as msgs
from messages.format import area_name
from messages.line_json import Message
from services import roles
from services.identity import recent_failures


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
    wrong = recent_failures(ctx.session, "invite_code", ctx.user_id or "", LOCKOUT, ctx.now)
    if LOCKOUT.locked(wrong):
        return msgs.locked(ctx.settings.office_phone)
    invite = roles.invite_to_take(ctx.session, code)
    if invite is None:
        roles.record_wrong_code(ctx.session, ctx.user_id or "", ctx.now)
        left = LOCKOUT.tries_left(wrong + 1)  # this wrong code counts too
        return msgs.locked(ctx.settings.office_phone) if left <= 0 else msgs.wrong_code(left)
    problem = invite_problem(invite.role, invite.used_at, invite.expires_at, role, ctx.now)
    if problem == "kind":
        return msgs.wrong_kind(role)
    if problem == "used":
        return msgs.used_code()
    if problem == "expired":
        return msgs.expired_code()
    roles.take_role(ctx.session, invite, ctx.user_id, ctx.now)
    ctx.roles_changed()  # the role's menu
    area = area_name(invite.district.name if invite.district else None,
                     invite.province.name if invite.province else None)
    return msgs.welcome(role, invite.name, area)
