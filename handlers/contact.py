"""Contact an officer: topic → message → call-back phone → saved and officers told."""

from __future__ import annotations

from domain.contact import MAX_MESSAGE, callback_phone, message_fits
from handlers.context import Context
from handlers.flow import Flow, Step
from messages import contact as msgs
from messages.flows import ContactStep
from messages.line_json import Message, TextMessage
from models import ContactRequest
from services import contact


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
    if not message_fits(text):
        return msgs.message_too_long(MAX_MESSAGE)
    ctx.conversation.advance(ContactStep.PHONE, message=text)
    return msgs.ask_phone()


def ask_phone(ctx: Context) -> list[Message]:
    return msgs.ask_phone()


def on_phone(ctx: Context, answer: str) -> list[Message]:
    phone: str | None = None
    if answer != "none" and answer.strip() != msgs.NO_CALLBACK:
        phone = callback_phone(answer)
        if phone is None:
            return msgs.phone_not_valid()
    data = ctx.conversation.data
    person = ctx.person
    request = contact.leave_request(ctx.session, line_user_id=ctx.user_id or "", topic=data["topic"],
                                    message=data["message"], callback_phone=phone, now=ctx.now,
                                    person_id=person.id if person is not None else None)
    ctx.conversation.finish()
    _tell_officers(ctx, request)
    return msgs.done(ctx.settings.office_phone, callback=phone is not None)


def _topic_from_label(text: str) -> str | None:
    for value, label in msgs.TOPICS.items():
        if text.strip() == label:
            return value
    return None


def _tell_officers(ctx: Context, request: ContactRequest) -> None:
    notice = [TextMessage(text=msgs.officer_notice(request.topic, request.message, request.callback_phone))]
    for officer in contact.officers_to_tell(ctx.session, request.person_id):
        ctx.push(officer, notice, origin="contact.new_request")


# --- the flow, declared ----------------------------------------------------------------

FLOW = Flow(ContactStep, {
    ContactStep.TOPIC: Step(on_topic, ask_topic),
    ContactStep.MESSAGE: Step(on_message, ask_message),
    ContactStep.PHONE: Step(on_phone, ask_phone),
})
