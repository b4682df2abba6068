"""Officer-only words. Anyone else gets the ordinary "not understood", so nothing is revealed."""

from __future__ import annotations

from domain.followups import people_on
from handlers.context import Context
from messages.console import signin_button
from messages.followups import PAGE_ROWS, list_moved_on, officer_list, quota_paused
from messages.format import area_name
from messages.line_json import Message
from messages.payloads import ListPage
from services import outbox
from services.audit import record_access
from services.console import issue_signin_link
from services.officer_list import officer_list as listed_for


def today(ctx: Context) -> list[Message]:
    """`วันนี้` / `today`: the first page of the officer's list, the same as the morning digest."""
    return _page(ctx, 1)


def on_page(ctx: Context, payload: ListPage) -> list[Message]:
    """The list's "next page" button; one from an earlier day starts today's list again."""
    if payload.day != ctx.today.isoformat():
        return [list_moved_on(ctx.today), *_page(ctx, 1)][:5]
    return _page(ctx, max(1, payload.page), greet=False)


def _page(ctx: Context, page: int, *, greet: bool = True) -> list[Message]:
    me = ctx.as_officer()
    ctx.loading()  # the whole district's list: more than a moment
    district = me.area_id  # by id: another province may have a district of the same name
    area = area_name(me.district.name if me.district else None, me.province.name if me.province else None)
    found = listed_for(ctx.session, ctx.now, district, offset=(page - 1) * PAGE_ROWS, limit=PAGE_ROWS)
    if not found.rows and page > 1:  # the list grew shorter since the button was made: its last page
        last = max(1, -(-found.total // PAGE_ROWS))
        found = listed_for(ctx.session, ctx.now, district, offset=(last - 1) * PAGE_ROWS, limit=PAGE_ROWS)
    record_access(ctx.session, people_on(found.rows), viewer=me.line_user_id, viewer_name=me.name, channel="line",
                  action="today", detail=f"today: rows {found.offset + 1}-{found.offset + len(found.rows)}",
                  now=ctx.now)
    return officer_list(found.rows, offset=found.offset, total=found.total, counts=found.counts, as_of=ctx.today,
                        area=area, console_url=f"{ctx.settings.public_base_url}/console/",
                        greet=greet, made_at=found.made_at)


def quota_notice(ctx: Context) -> list[Message]:
    """Once per pause, tell each officer who writes to us that pushes are held (replies are free)."""
    if ctx.in_group or not ctx.user_id:
        return []
    flag = ctx.quota_flag if ctx.quota_flag is not None else outbox.quota_flag(ctx.session)
    until = outbox.quota_pause_untold(flag, ctx.user_id, ctx.now)
    if until is None or ctx.officer is None:
        return []
    outbox.mark_quota_told(ctx.session, ctx.user_id)
    return [quota_paused(until.astimezone(ctx.now.tzinfo).date())]


def console_link(ctx: Context) -> list[Message]:
    """`เข้าระบบ` / `console`: a single-use sign-in link to the web console, for this officer only."""
    me = ctx.as_officer()
    token = issue_signin_link(ctx.session, me, ctx.now)
    return signin_button(f"{ctx.settings.public_base_url}/console/signin/{token}", me.name)
