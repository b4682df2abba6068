"""Contact an officer: topic → message → call-back phone → saved and officers told."""

from __future__ import annotations

import re

from linebot.v3.messaging import Message, TextMessage
from sqlalchemy import select

from domain.textnorm import to_ascii_digits
from handlers.context import Context
from handlers.flow import Flow, Step
from messages import contact as msgs
from messages.flows import ContactStep
from models import ContactRequest, StaffMember

MAX_MESSAGE = 1000
_PHONE = re.compile(r"^0\d{8,9}$")


def start(ctx: Context) -> list[Message]:
    """`ติดต่อเจ้าหน้าที่` / `contact`."""
    ctx.conversation.start(ContactStep.TOPIC)
    return msgs.ask_topic()


def ask_topic(ctx: Context) -> list[Message]:
    return msgs.ask_topic()


def on_topic(ctx: Context, answer: str) -> list[Message]:
    topic = answer if answer in msgs.TOPICS else _topic_from_label(answer)
    if topic is None:
        return msgs.topic_not_recognised()
    ctx.conversation.advance(ContactStep.MESSAGE, topic=topic)
    return msgs.ask_message(topic)


def ask_message(ctx: Context) -> list[Message]:
    return msgs.ask_message(ctx.conversation.data["topic"])


def on_message(ctx: Context, answer: str) -> list[Message]:
    text = answer.strip()
    if not text or len(text) > MAX_MESSAGE:
        return msgs.message_too_long(MAX_MESSAGE)
    ctx.conversation.advance(ContactStep.PHONE, message=text)
    return msgs.ask_phone()


def ask_phone(ctx: Context) -> list[Message]:
    return msgs.ask_phone()


def on_phone(ctx: Context, answer: str) -> list[Message]:
    phone: str | None = None
    if answer != "none" and answer.strip() != msgs.NO_CALLBACK:
        phone = re.sub(r"[\s\-()]", "", to_ascii_digits(answer))
        if not _PHONE.match(phone):
            return msgs.phone_not_valid()
    data = ctx.conversation.data
    request = ContactRequest(line_user_id=ctx.user_id or "", topic=data["topic"], message=data["message"],
                             callback_phone=phone, created_at=ctx.now)
    ctx.session.add(request)
    ctx.conversation.finish()
    _tell_officers(ctx, request)
    return msgs.done(ctx.settings.office_phone, callback=phone is not None)


def _topic_from_label(text: str) -> str | None:
    for value, label in msgs.TOPICS.items():
        if text.strip() == label:
            return value
    return None


def _tell_officers(ctx: Context, request: ContactRequest) -> None:
    officers = ctx.session.scalars(
        select(StaffMember.line_user_id).where(StaffMember.role == "officer", StaffMember.revoked_at.is_(None))
    ).all()
    notice = [TextMessage(text=msgs.officer_notice(request.topic, request.message, request.callback_phone))]
    for officer in officers:
        ctx.push(officer, notice, origin="contact.new_request")


# --- the flow, declared ----------------------------------------------------------------

FLOW = Flow(ContactStep, {
    ContactStep.TOPIC: Step(on_topic, ask_topic),
    ContactStep.MESSAGE: Step(on_message, ask_message),
    ContactStep.PHONE: Step(on_phone, ask_phone),
})
