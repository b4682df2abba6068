"""`หยุดแจ้งเตือน` / `แจ้งเตือน`: a verified person turns personal reminders off and on."""

from __future__ import annotations

from linebot.v3.messaging import Message
from sqlalchemy import select

from handlers.context import Context
from messages import reminders as msgs
from models import LineLink


def _link(ctx: Context) -> LineLink | None:
    return ctx.session.scalars(select(LineLink).where(LineLink.line_user_id == (ctx.user_id or ""))).one_or_none()


def stop(ctx: Context) -> list[Message]:
    link = _link(ctx)
    if link is None:
        return msgs.reminders_need_verification()
    link.reminders_off_at = link.reminders_off_at or ctx.now
    return msgs.reminders_off()


def resume(ctx: Context) -> list[Message]:
    link = _link(ctx)
    if link is None:
        return msgs.reminders_need_verification()
    link.reminders_off_at = None
    return msgs.reminders_on()
