"""The inbox (`/console/inbox`): what debtors left for an officer, taken, answered and closed here.

An officer takes a request (the others see who has it), then answers it by phone (with a
note of what was said) or by a 1:1 LINE message typed here, or marks it done. Each way
the person is told kindly, in LINE, that their request was answered; the message goes
through the outbox to the account that asked, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from bot.runtime import runtime
from domain.clock import BANGKOK
from domain.console import page_of
from domain.contact import message_fits
from messages import inbox as words
from messages.balance import ROLE_NAMES
from messages.console import CLASS_SHORT
from messages.format import thai_date, thai_time
from messages.line_json import Message
from models import ContactRequest
from services import inbox, outbox
from web.console.access import audit, db, viewer
from web.console.forms import ROW_ID
from web.console.today import today, whole_number

NOTE_LIMIT = 1000


def people_of(items: Sequence[inbox.InboxItem]) -> list[int]:
    return [item.person.id for item in items if item.person is not None]


def moment(at: datetime | None) -> str:
    """An instant as an officer reads it: the Thai date and the Bangkok time."""
    if at is None:
        return ""
    local = at.astimezone(BANGKOK)
    return f"{thai_date(local.date())} {thai_time(local)}"


def inbox_page() -> str:
    show_all = request.args.get("show") == "all"
    wanted = whole_number(request.args.get("page"))
    page = page_of(wanted, None, inbox.inbox_total(db(), viewer().area_ids, open_only=not show_all))
    items = inbox.inbox(db(), today(), viewer().area_ids, open_only=not show_all, offset=page.offset,
                        limit=page.size)
    audit(people_of(items), "console.inbox")
    db().commit()
    return render_template("console/inbox.html", items=items, page=page, show_all=show_all, words=words,
                           roles=ROLE_NAMES, class_short=CLASS_SHORT, moment=moment,
                           note_limit=NOTE_LIMIT)


def item_or_404(request_id: int) -> inbox.InboxItem:
    """A request the officer may read; any other is simply not found."""
    found = inbox.request_item(db(), request_id, viewer().area_ids, today())
    if found is None:
        abort(404)
    return found


def back_to(request_id: int) -> Response:
    shown = "all" if request.args.get("show") == "all" else None  # back to the tab the officer was on
    return redirect(url_for("console.inbox", show=shown) + f"#request-{request_id}")


def take(request_id: int) -> Response:
    item = item_or_404(request_id)
    inbox.take(db(), request_id, officer_name=viewer().name, now=runtime().clock.now())
    audit(people_of([item]), "console.inbox_take")
    db().commit()
    return back_to(request_id)


class Refused(Exception):
    """A form the officer must fix: shown as a kind page, nothing changed."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def refused(exc: Refused) -> tuple[str, int]:
    return render_template("console/problem.html", text=exc.text), 400


def typed(field: str, *, required: bool) -> str:
    """A form's text, within its limit; a missing or oversized one is refused."""
    text = request.form.get(field, "").strip()
    if (required and not message_fits(text)) or len(text) > NOTE_LIMIT:
        raise Refused(words.ANSWER_MISSING.format(limit=NOTE_LIMIT) if required else
                      words.NOTE_TOO_LONG.format(limit=NOTE_LIMIT))
    return text


def finish(item: inbox.InboxItem, channel: str | None, answer: str,
           notice: Callable[[ContactRequest], list[Message]]) -> Response:
    """Close the request once, tell the person in LINE, and send it after the commit.

    The notice is queued with `send_at` now, like every message the fund starts: inside the
    legal contact hours it goes at once, outside them the outbox holds it until they open.
    It is not counted against "one proactive contact a day" (services.reminders): the person
    asked for this answer, and a reminder the clock sent them this morning must not hold
    it back until tomorrow.
    """
    now = runtime().clock.now()
    closed = inbox.close(db(), item.request.id, officer_name=viewer().name, channel=channel, answer=answer, now=now)
    told = False
    if closed is not None and item.following:
        outbox.enqueue_push(db(), to=closed.line_user_id, messages=notice(closed), origin="console.contact_answer",
                            now=now, send_at=now, dedupe_key=f"contact-answer:{closed.id}")
        told = True
    audit(people_of([item]), "console.inbox_answer")
    db().commit()
    if told:
        runtime().deliver_queued()
    return back_to(item.request.id)


def answer_by_phone(request_id: int) -> Response:
    item = item_or_404(request_id)
    note = typed("note", required=False)
    phone = runtime().settings.office_phone
    return finish(item, "phone", note, lambda row: words.answered_by_phone(row.topic, phone))


def answer_in_line(request_id: int) -> Response:
    item = item_or_404(request_id)
    text = typed("text", required=True)
    if not item.following or not item.request.line_user_id.startswith("U"):
        raise Refused(words.UNREACHABLE)  # they blocked the fund's account: call them instead
    name, phone = viewer().name, runtime().settings.office_phone
    return finish(item, "line", text, lambda row: words.answered_in_line(row.topic, text, name, phone))


def mark_done(request_id: int) -> Response:
    item = item_or_404(request_id)
    note = typed("note", required=False)
    phone = runtime().settings.office_phone
    return finish(item, None, note, lambda row: words.request_done(row.topic, phone))


def routes(bp: Blueprint) -> None:
    bp.register_error_handler(Refused, refused)
    bp.add_url_rule("/inbox", "inbox", inbox_page, methods=["GET"])
    bp.add_url_rule(f"/inbox/<{ROW_ID}:request_id>/take", "inbox_take", take, methods=["POST"])
    bp.add_url_rule(f"/inbox/<{ROW_ID}:request_id>/phone", "inbox_phone", answer_by_phone, methods=["POST"])
    bp.add_url_rule(f"/inbox/<{ROW_ID}:request_id>/line", "inbox_line", answer_in_line, methods=["POST"])
    bp.add_url_rule(f"/inbox/<{ROW_ID}:request_id>/done", "inbox_done", mark_done, methods=["POST"])
