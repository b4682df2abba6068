"""The bot in group chats: joining, leaving, members coming and going."""

from __future__ import annotations

from domain.group_guard import personal_data_in
from domain.invites import group_code_problem, normalize_code
from domain.textnorm import split_command
from handlers.context import Context
from messages import groups as msgs
from messages.line_json import Message
from services import groups


def on_join(ctx: Context) -> list[Message]:
    """Added to a group: introduce ourselves; nothing proactive until an officer binds it."""
    if ctx.group_id:
        groups.joined(ctx.session, ctx.group_id, ctx.now)
    return msgs.group_intro()


def on_leave(ctx: Context) -> list[Message]:
    """Removed from a group: every send to it stops."""
    if ctx.group_id:
        groups.left(ctx.session, ctx.group_id, ctx.now)
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
    if user_id and ctx.group_id:
        groups.member_seen(ctx.session, ctx.group_id, user_id, ctx.now, present=present)


def register(ctx: Context) -> list[Message]:
    """`ลงทะเบียนกลุ่ม CODE` by an officer in a group: bind it to the code's area.

    Anyone else gets no answer at all: in a group, silence reveals nothing.
    """
    if not ctx.group_id:
        return []
    _, argument = split_command(ctx.text)
    code = normalize_code(argument)
    found = groups.group_code(ctx.session, code) if code else None
    if found is None:
        return msgs.group_code_problem("unknown")
    problem = group_code_problem(found.used_in, found.used_at, found.expires_at, ctx.group_id, ctx.now)
    if problem is not None:
        return msgs.group_code_problem(problem)
    return msgs.group_bound(groups.bind(ctx.session, ctx.group_id, found, ctx.now))


def personal_data_note(ctx: Context) -> None:
    """Someone posted a 13-digit ID or a phone number in a group: a kind note to them, 1:1 and
    once a day at most; nothing is said in the group (bot/middleware.py calls this)."""
    if not ctx.in_group or not ctx.user_id or not ctx.text:
        return
    found = personal_data_in(ctx.text, [ctx.settings.office_phone])
    if found:
        ctx.push(ctx.user_id, msgs.personal_data_note(found), origin="group.personal_data_note",
                 dedupe_key=f"personal_data_note:{ctx.user_id}:{ctx.today.isoformat()}")
