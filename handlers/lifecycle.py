"""Follow and unfollow: who can hear from us."""

from __future__ import annotations

from handlers.common import audience
from handlers.context import Context
from messages import common as msgs
from messages.line_json import Message
from models import LineUser
from services import line_users


def remember_user(ctx: Context) -> LineUser | None:
    """The LineUser row for the event's user, created on first sight."""
    if not ctx.user_id:
        return None
    return line_users.remember(ctx.session, ctx.user_id, ctx.now, in_group=ctx.in_group)


def note_seen(ctx: Context) -> None:
    """Every 1:1 event: the account's last-seen time (created on first sight)."""
    if ctx.user_id:
        line_users.seen(ctx.session, ctx.user_id, ctx.now, in_group=ctx.in_group)


def on_follow(ctx: Context) -> list[Message]:
    """Added as a friend (or unblocked): greet, say what we do and how data is used."""
    user = remember_user(ctx)
    if user is not None:
        line_users.followed(user, ctx.now)
        if ctx.person is not None or ctx.staff is not None:  # back after blocking: their menu again
            ctx.roles_changed()
    return msgs.greeting(ctx.settings.office_name, ctx.settings.office_phone, audience(ctx))  # a returning one too


def on_unfollow(ctx: Context) -> list[Message]:
    """Blocked: stop every proactive message to this person (there is no reply token)."""
    user = remember_user(ctx)
    if user is not None:
        line_users.unfollowed(user, ctx.now)
        if ctx.person is not None or ctx.staff is not None:  # their menu is unlinked
            ctx.roles_changed()
    ctx.conversation.finish()
    return []
