"""Officer-only words. Anyone else gets the ordinary "not understood", so nothing is revealed."""

from __future__ import annotations

from linebot.v3.messaging import Message
from sqlalchemy import select

from bot.context import Context
from bot.reports import followup_rows
from handlers import common
from messages.followups import digest
from models import StaffMember


def officer(ctx: Context) -> StaffMember | None:
    """The active officer behind this LINE account, if it is one."""
    if not ctx.user_id:
        return None
    return ctx.session.scalars(select(StaffMember).where(
        StaffMember.line_user_id == ctx.user_id, StaffMember.role == "officer",
        StaffMember.revoked_at.is_(None))).one_or_none()


def today(ctx: Context) -> list[Message]:
    """`วันนี้` / `today`: the officer's follow-up list, the same as the morning digest."""
    me = officer(ctx)
    if me is None:
        return common.not_understood(ctx)
    district = me.district.name if me.district else None
    return digest(followup_rows(ctx.session, ctx.today, district), ctx.today, district or "ทั้งจังหวัด")
