"""Help, cancel, back, and the answers for things the bot does not understand, each fitting
the person: an officer's words, a volunteer's, a verified debtor's or a guest's."""

from __future__ import annotations

from handlers.context import Context
from messages import common as msgs
from messages import groups as group_msgs
from messages.line_json import Message
from messages.payloads import MenuTab
from services import richmenus


def audience(ctx: Context) -> msgs.Audience:
    """Who is writing, as the menus see them: their staff role, and whether they verified."""
    staff = ctx.staff
    return msgs.Audience(role=staff.role if staff else None, verified=ctx.person is not None)


def help_menu(ctx: Context) -> list[Message]:
    """`ช่วยเหลือ` / `help` / `เมนู`: the menu of this person's role and state (1:1; a group gets its own)."""
    if ctx.in_group:
        return group_msgs.group_help()
    return msgs.help_menu(audience(ctx))


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
    if ctx.in_group:  # its menu is a person's own (a debtor's, a guest's): the group would learn which
        return []
    return msgs.cancelled(had_flow, audience(ctx))


def not_understood(ctx: Context) -> list[Message]:
    """The default for text: kind in a 1:1 chat, silent in a group (people chat there)."""
    return [] if ctx.in_group else msgs.not_understood(audience(ctx))


def out_of_date(ctx: Context) -> list[Message]:
    """A button that no longer does anything: said kindly 1:1, never into a group."""
    return [] if ctx.in_group else msgs.button_out_of_date(audience(ctx))


def private_only(ctx: Context) -> list[Message]:
    """A personal command typed in a group: invite to a private chat, reveal nothing."""
    return msgs.private_chat_only()


def media_received(ctx: Context) -> list[Message]:
    """A sticker, image, video, audio, file or location nobody asked for."""
    if ctx.in_group:
        return []
    kind = str(getattr(getattr(ctx.event, "message", None), "type", ""))
    return msgs.media_not_expected(audience(ctx), kind, waiting=ctx.conversation.active)
