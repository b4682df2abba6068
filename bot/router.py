"""The whole surface of the bot in one place: events, words, postbacks and flow states.

Read top to bottom: which handler answers which event type, which typed word, which
button payload, and which step of which conversation. Anything unmatched falls to a
logged default.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from linebot.v3.messaging import Message

from domain.textnorm import command_key, split_command
from handlers import (
    appointments,
    balance,
    common,
    contact,
    field,
    groups,
    lifecycle,
    officers,
    quiz,
    reminders,
    roles,
    verify,
    visits,
)
from handlers.context import Context
from messages import common as msgs
from messages.payloads import Answer, BookingAction, FlowControl, LinkUpdate, PersonCard, PinAction, VisitFor
from messages.postback import PostbackError, unpack

log = logging.getLogger(__name__)

Handler = Callable[[Context], list[Message]]
StepHandler = Callable[[Context, str], list[Message]]


@dataclass(frozen=True)
class State:
    """One step of a flow: how to read the answer, and how to ask the question again."""

    handle: StepHandler
    prompt: Handler


# --- events, by type -------------------------------------------------------------------

EVENTS: dict[str, Handler] = {
    "follow": lifecycle.on_follow,
    "unfollow": lifecycle.on_unfollow,
    "join": groups.on_join,
    "leave": groups.on_leave,
    "memberJoined": groups.on_member_joined,
    "memberLeft": groups.on_member_left,
}
# "message" and "postback" are routed below by content type and payload.

MESSAGES: dict[str, Handler] = {
    # "text" is routed by word and conversation state, below
    "image": field.on_image,  # attaches to a field update, else a gentle answer
    "video": common.media_received,
    "audio": common.media_received,
    "file": common.media_received,
    "location": field.on_location,
    "sticker": common.media_received,
}

# --- words people type (keys are compared without case, spaces or Thai/Arabic digit form) ---

UNIVERSAL_CANCEL = {"ยกเลิก", "cancel"}
UNIVERSAL_BACK = {"ย้อนกลับ", "back"}

USER_COMMANDS: dict[str, Handler] = {
    "ช่วยเหลือ": common.help_menu, "help": common.help_menu, "เมนู": common.help_menu,
    "menu": common.help_menu,
    "ติดต่อเจ้าหน้าที่": contact.start, "contact": contact.start,
    "ยอดหนี้": balance.balance, "balance": balance.balance,
    "ยืนยันตัวตน": verify.start, "verify": verify.start,
    "วิธีชำระ": balance.how_to_pay, "วิธีชำระเงิน": balance.how_to_pay, "pay": balance.how_to_pay,
    "มาตรการ": quiz.start, "relief": quiz.start, "ประเมินมาตรการ": quiz.start_again,
    "นัดหมาย": appointments.start, "appointment": appointments.start,
    "หยุดแจ้งเตือน": reminders.stop, "stopreminders": reminders.stop,
    "แจ้งเตือน": reminders.resume, "reminders": reminders.resume,
    # words with an argument: the first word decides (`เจ้าหน้าที่ ABCD2345`)
    "เจ้าหน้าที่": roles.take_officer, "officer": roles.take_officer,
    "อาสา": roles.take_volunteer, "volunteer": roles.take_volunteer,
    # officers only (others get the ordinary "not understood")
    "วันนี้": officers.today, "today": officers.today,
    "ค้นหา": visits.find, "find": visits.find,  # `ค้นหา TEXT`: a person or project, then the history card
    "บันทึกเยี่ยม": visits.start, "visit": visits.start,  # the visit flow below
}

GROUP_COMMANDS: dict[str, Handler] = {
    "ช่วยเหลือ": common.help_menu, "help": common.help_menu, "เมนู": common.help_menu,
    "ลงทะเบียนกลุ่ม": groups.register, "register": groups.register,  # officers only, with a code
}

# Personal words that must never be answered in a group, only with an invitation to 1:1.
PRIVATE_ONLY = {"ยอดหนี้", "balance", "ยืนยันตัวตน", "verify", "นัดหมาย", "appointment",
                "มาตรการ", "relief", "ประเมินมาตรการ", "ติดต่อเจ้าหน้าที่", "contact", "วิธีชำระ", "pay",
                "หยุดแจ้งเตือน", "stopreminders", "แจ้งเตือน", "reminders"}

# --- conversation states: (flow, step) -> State ------------------------------------------

STATES: dict[tuple[str, str], State] = {
    ("contact", "topic"): State(contact.on_topic, contact.ask_topic),
    ("contact", "message"): State(contact.on_message, contact.ask_message),
    ("contact", "phone"): State(contact.on_phone, contact.ask_phone),
    ("verify", "consent"): State(verify.on_consent, verify.ask_consent),
    ("verify", "national_id"): State(verify.on_national_id, verify.ask_national_id),
    ("verify", "secret"): State(verify.on_secret, verify.ask_secret),
    **{("relief", step): State(quiz.on_answer, quiz.ask) for step in quiz.QUESTIONS},
    ("relief", "results"): State(quiz.on_results, quiz.ask),
    ("appt", "session"): State(appointments.on_session, appointments.ask_session),
    ("appt", "slot"): State(appointments.on_slot, appointments.ask_slot),
    ("appt", "confirm"): State(appointments.on_confirm, appointments.ask_confirm),
    ("visit", "who"): State(visits.on_who, visits.ask_who),
    ("visit", "contract"): State(visits.on_contract, visits.ask_contract),
    ("visit", "outcome"): State(visits.on_outcome, visits.ask_outcome),
    ("visit", "promise"): State(visits.on_promise, visits.ask_promise),
    ("visit", "measure"): State(visits.on_measure, visits.ask_measure),
    ("visit", "note"): State(visits.on_note, visits.ask_note),
    ("visit", "pin"): State(visits.on_pin_text, visits.ask_pin),  # the visit is saved; a location pins it
}

# Steps that take a location message rather than text.
LOCATION_STATES: dict[tuple[str, str], Handler] = {
    ("visit", "pin"): visits.on_pin,
}

# Buttons that act on their own (not an answer to the current step).
POSTBACKS: dict[type, Callable[[Context, Any], list[Message]]] = {
    BookingAction: appointments.on_booking_action,
    PersonCard: visits.on_person_card,  # officers: a search result tapped
    VisitFor: visits.start_for,  # officers: `บันทึกเยี่ยม` on a history card
    PinAction: visits.on_pin_action,  # the author of a field update confirms its map pin
    LinkUpdate: field.on_link_update,  # the author says which of several same-named people an update is about
}


# --- dispatch ---------------------------------------------------------------------------


def understands(text: str, *, in_group: bool = False) -> bool:
    """Whether a typed word starts something here (the simulator shows only such hints)."""
    key = command_key(text)
    head, _ = split_command(text)
    if field.is_update(text):  # `#อัปเดต …`, in a group or 1:1
        return True
    if in_group:
        return key in GROUP_COMMANDS or key in PRIVATE_ONLY
    return key in USER_COMMANDS or head in USER_COMMANDS or key in UNIVERSAL_CANCEL


@dataclass(frozen=True)
class Routed:
    """What dispatch decided: the handler's name (for logs) and the messages to reply with."""

    handler: str
    messages: list[Message]


def dispatch(ctx: Context) -> Routed:
    """Route one event to its handler and return the reply."""
    kind = ctx.event.type
    if type(ctx.event).__name__ == "UnknownEvent":  # a type or shape the SDK does not know
        log.info("no handler", extra={"route": f"unknown:{kind}"})
        return Routed(f"default:unknown:{kind}", [])
    if kind == "message":
        content = ctx.event.message.type
        if content == "text":
            return _with_expiry_notice(ctx, _on_text(ctx, ctx.event.message.text))
        if content == "location" and not ctx.in_group and ctx.conversation.active:
            located = LOCATION_STATES.get((ctx.conversation.flow or "", ctx.conversation.step or ""))
            if located is not None:
                return _run(located, ctx, default="message:location")
        return _run(MESSAGES.get(content), ctx, default=f"message:{content}")
    if kind == "postback":
        return _with_expiry_notice(ctx, _on_postback(ctx, ctx.event.postback.data))
    return _run(EVENTS.get(kind), ctx, default=kind)


def _run(handler: Handler | None, ctx: Context, *, default: str) -> Routed:
    if handler is None:
        log.info("no handler", extra={"route": default})
        return Routed(f"default:{default}", [])
    return Routed(_name(handler), handler(ctx))


def _on_text(ctx: Context, text: str) -> Routed:
    key = command_key(text)
    head, _argument = split_command(text)
    if field.is_update(text):  # `#อัปเดต …`, in a group or 1:1
        return Routed(_name(field.on_update), field.on_update(ctx))
    if ctx.in_group:
        group_command = GROUP_COMMANDS.get(key) or GROUP_COMMANDS.get(head)
        if group_command is not None:
            return Routed(_name(group_command), group_command(ctx))
        if key in PRIVATE_ONLY:
            return Routed(_name(common.private_only), common.private_only(ctx))
        return Routed("default:group_text", [])
    if key in UNIVERSAL_CANCEL:
        return Routed(_name(common.cancel), common.cancel(ctx))
    conversation = ctx.conversation
    if conversation.active:
        if key in UNIVERSAL_BACK:
            return _back(ctx)
        # a menu word typed alone leaves the flow and does what it says (only alone: a note
        # such as "วันนี้ ไม่อยู่บ้าน" is an answer, not the `วันนี้` command)
        command = USER_COMMANDS.get(key)
        if command is not None:
            conversation.finish()
            return Routed(_name(command), command(ctx))
        state = STATES.get((conversation.flow or "", conversation.step or ""))
        if state is None:  # a step that no longer exists (after a deploy): start over kindly
            log.warning("unknown conversation state", extra={"route": f"{conversation.flow}:{conversation.step}"})
            conversation.finish()
            return Routed("default:stale_state", msgs.button_out_of_date())
        return Routed(_name(state.handle), state.handle(ctx, text))
    command = USER_COMMANDS.get(key) or USER_COMMANDS.get(head)
    if command is not None:
        return Routed(_name(command), command(ctx))
    log.info("no handler", extra={"route": "text"})
    return Routed("default:text", common.not_understood(ctx))


def _on_postback(ctx: Context, data: str) -> Routed:
    try:
        payload = unpack(data)
    except PostbackError as exc:
        log.warning("unreadable postback", extra={"error": str(exc)[:120]})
        return Routed("default:postback", [] if ctx.in_group else msgs.button_out_of_date())
    conversation = ctx.conversation
    if isinstance(payload, FlowControl):
        if payload.op == "cancel":
            return Routed(_name(common.cancel), common.cancel(ctx))
        if conversation.active:
            return _back(ctx)
        return Routed("default:back", msgs.button_out_of_date())
    acting = POSTBACKS.get(type(payload))
    if acting is not None:
        return Routed(_name(acting), acting(ctx, payload))
    if isinstance(payload, Answer):
        if conversation.flow == payload.flow and conversation.step == payload.step:
            state = STATES[(payload.flow, payload.step)]
            return Routed(_name(state.handle), state.handle(ctx, payload.value))
        return Routed("default:stale_answer", msgs.button_out_of_date())
    log.warning("postback without a route", extra={"route": payload.action})
    return Routed("default:postback", msgs.button_out_of_date())


def _back(ctx: Context) -> Routed:
    conversation = ctx.conversation
    previous = conversation.back()
    if previous is None:
        return Routed("flow.back", msgs.nothing_to_go_back_to())
    state = STATES[(conversation.flow or "", previous)]
    return Routed("flow.back", state.prompt(ctx))


def _with_expiry_notice(ctx: Context, routed: Routed) -> Routed:
    """After an idle flow expired, say so kindly before answering the new message."""
    if "conversation" in ctx.__dict__ and ctx.conversation.expired_flow and not ctx.in_group:
        return Routed(routed.handler, [msgs.conversation_expired(), *routed.messages][:5])
    return routed


def _name(handler: Callable[..., object]) -> str:
    module = handler.__module__.rsplit(".", 1)[-1]
    return f"{module}.{handler.__name__}"
