"""The bot in group chats: joining, leaving, members coming and going."""

from __future__ import annotations

from linebot.v3.messaging import Message
from sqlalchemy import select

from domain.invites import normalize_code
from domain.textnorm import split_command
from handlers import officers
from handlers.context import Context
from messages import groups as msgs
from models import GroupCode, GroupMember, LineGroup


def _group(ctx: Context) -> LineGroup | None:
    if not ctx.group_id:
        return None
    return ctx.session.scalars(select(LineGroup).where(LineGroup.group_id == ctx.group_id)).one_or_none()


def on_join(ctx: Context) -> list[Message]:
    """Added to a group: introduce ourselves; nothing proactive until an officer binds it."""
    group = _group(ctx)
    if group is None:
        ctx.session.add(LineGroup(group_id=ctx.group_id, joined_at=ctx.now))
    else:
        group.joined_at, group.left_at = ctx.now, None
    return msgs.group_intro()


def on_leave(ctx: Context) -> list[Message]:
    """Removed from a group: every send to it stops."""
    group = _group(ctx)
    if group is not None:
        group.left_at = ctx.now
    return []


def on_member_joined(ctx: Context) -> list[Message]:
    for user_id in ctx.joined:
        _set_member(ctx, user_id, present=True)
    return []


def on_member_left(ctx: Context) -> list[Message]:
    for user_id in ctx.left:
        _set_member(ctx, user_id, present=False)
    return []


def _set_member(ctx: Context, user_id: str | None, *, present: bool) -> None:
    if not user_id or not ctx.group_id:
        return
    row = ctx.session.scalars(
        select(GroupMember).where(GroupMember.group_id == ctx.group_id, GroupMember.line_user_id == user_id)
    ).one_or_none()
    if row is None:
        row = GroupMember(group_id=ctx.group_id, line_user_id=user_id, joined_at=ctx.now)
        ctx.session.add(row)
    if present:
        row.joined_at, row.left_at = ctx.now, None
    else:
        row.left_at = ctx.now


def register(ctx: Context) -> list[Message]:
    """`ลงทะเบียนกลุ่ม CODE` by an officer in a group: bind it to the code's area.

    Anyone else gets no answer at all: in a group, silence reveals nothing.
    """
    if not ctx.in_group or not ctx.group_id:
        return []
    if officers.officer(ctx) is None:
        return []
    _, argument = split_command(ctx.text)
    code = normalize_code(argument)
    found = ctx.session.scalars(select(GroupCode).where(GroupCode.code == code)).one_or_none() if code else None
    if found is None:
        return msgs.group_code_problem("unknown")
    if found.used_at is not None and found.used_in != ctx.group_id:
        return msgs.group_code_problem("used")
    if found.expires_at <= ctx.now:
        return msgs.group_code_problem("expired")
    group = _group(ctx)
    if group is None:
        group = LineGroup(group_id=ctx.group_id, joined_at=ctx.now)
        ctx.session.add(group)
    group.area_id, group.bound_at, group.left_at = found.area_id, ctx.now, None
    found.used_at, found.used_in = ctx.now, ctx.group_id
    return msgs.group_bound(found.area.name)
