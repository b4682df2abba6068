"""Help, cancel, back, and the answers for things the bot does not understand."""

from __future__ import annotations

from linebot.v3.messaging import Message

from handlers.context import Context
from messages import common as msgs
from messages import groups as group_msgs
from messages.payloads import MenuTab
from services import richmenus


def help_menu(ctx: Context) -> list[Message]:
    """`ช่วยเหลือ` / `help` / `เมนู`; officers and volunteers also see their own words (1:1 only)."""
    if ctx.in_group:
        return group_msgs.group_help()
    staff = ctx.staff
    return msgs.help_menu() + (msgs.staff_help(staff.role) if staff else [])


def menu_tab(ctx: Context, tab: MenuTab) -> list[Message]:
    """A tab of the rich menu tapped: LINE has switched the menu already; noted (so a later relink
    keeps the tab chosen), and nothing said."""
    if ctx.user_id:
        richmenus.switched(ctx.session, ctx.user_id, tab.menu, ctx.now)
    return []


def cancel(ctx: Context) -> list[Message]:
    """`ยกเลิก` / `cancel`: leave whatever flow is in progress."""
    had_flow = ctx.conversation.active
    ctx.conversation.finish()
    return msgs.cancelled(had_flow)


def not_understood(ctx: Context) -> list[Message]:
    """The default for text: kind in a 1:1 chat, silent in a group (people chat there)."""
    return [] if ctx.in_group else msgs.not_understood()


def private_only(ctx: Context) -> list[Message]:
    """A personal command typed in a group: invite to a private chat, reveal nothing."""
    return msgs.private_chat_only()


def media_received(ctx: Context) -> list[Message]:
    """A sticker, image, video, audio, file or location nobody asked for."""
    return [] if ctx.in_group else msgs.media_not_expected()
