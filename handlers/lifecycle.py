"""Follow and unfollow: who can hear from us."""

from __future__ import annotations

from linebot.v3.messaging import Message
from sqlalchemy import select

from handlers.context import Context
from messages import common as msgs
from models import LineUser


def remember_user(ctx: Context) -> LineUser | None:
    """The LineUser row for the event's user, created on first sight."""
    if not ctx.user_id:
        return None
    user = ctx.session.scalars(select(LineUser).where(LineUser.line_user_id == ctx.user_id)).one_or_none()
    if user is None:
        user = LineUser(line_user_id=ctx.user_id, following=not ctx.in_group,
                        first_seen_at=ctx.now, last_seen_at=ctx.now)
        ctx.session.add(user)
    else:
        user.last_seen_at = ctx.now
    return user


def on_follow(ctx: Context) -> list[Message]:
    """Added as a friend (or unblocked): greet, say what we do and how data is used."""
    user = remember_user(ctx)
    if user is not None:
        user.following = True
        user.followed_at = ctx.now
    return msgs.greeting(ctx.settings.office_name, ctx.settings.office_phone)


def on_unfollow(ctx: Context) -> list[Message]:
    """Blocked: stop every proactive message to this person (there is no reply token)."""
    user = remember_user(ctx)
    if user is not None:
        user.following = False
        user.unfollowed_at = ctx.now
    ctx.conversation.finish()
    return []
