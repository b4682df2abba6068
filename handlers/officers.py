"""Officer-only words. Anyone else gets the ordinary "not understood", so nothing is revealed."""

from __future__ import annotations

from linebot.v3.messaging import Message

from handlers.context import Context
from messages.console import signin_button
from messages.followups import DIGEST_ROWS, digest, quota_paused, shown
from messages.format import area_name
from services import outbox
from services.console import issue_signin_link
from services.followups import followup_list


def today(ctx: Context) -> list[Message]:
    """`วันนี้` / `today`: the officer's follow-up list, the same as the morning digest."""
    me = ctx.as_officer()
    ctx.loading()  # the whole district's list: more than a moment
    district = me.district.name if me.district else None
    listed = followup_list(ctx.session, ctx.today, district, register_limit=DIGEST_ROWS)
    return digest([shown(row) for row in listed.rows], ctx.today, area_name(district), listed.counts)


def quota_notice(ctx: Context) -> list[Message]:
    """Once per pause, tell each officer who writes to us that pushes are held (replies are free)."""
    if ctx.in_group or not ctx.user_id:
        return []
    until = outbox.quota_pause_untold(ctx.session, ctx.user_id, ctx.now)
    if until is None or ctx.officer is None:
        return []
    outbox.mark_quota_told(ctx.session, ctx.user_id)
    return [quota_paused(until.astimezone(ctx.now.tzinfo).date())]


def console_link(ctx: Context) -> list[Message]:
    """`เข้าระบบ` / `console`: a single-use sign-in link to the web console, for this officer only."""
    me = ctx.as_officer()
    token = issue_signin_link(ctx.session, me, ctx.now)
    return signin_button(f"{ctx.settings.public_base_url}/console/signin/{token}", me.name)
