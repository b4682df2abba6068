"""`หยุดแจ้งเตือน` / `แจ้งเตือน`: a verified person turns personal reminders off and on."""

from __future__ import annotations

from handlers.context import Context
from messages import reminders as msgs
from messages.line_json import Message
from services.line_users import set_reminders


def stop(ctx: Context) -> list[Message]:
    if not set_reminders(ctx.session, ctx.user_id or "", ctx.now, on=False):
        return msgs.reminders_need_verification()
    return msgs.reminders_off()


def resume(ctx: Context) -> list[Message]:
    if not set_reminders(ctx.session, ctx.user_id or "", ctx.now, on=True):
        return msgs.reminders_need_verification()
    return msgs.reminders_on()
