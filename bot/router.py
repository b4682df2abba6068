"""The whole surface of the bot in one place: events, words, buttons and flows, with who may
use each and where.

Read top to bottom: which handler answers which event type, which typed word, which
button payload, and which conversation. Each word and button says who may use it
(anyone, a verified debtor, an officer, a volunteer, any staff) and where (a 1:1 chat,
a group, both); a button and a flow's answers obey the rules of the word that starts
them. The router checks them before any handler runs; anything unmatched falls to a
logged default.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum, Flag, auto
from typing import Any

from linebot.v3.models.events import UnknownEvent
from linebot.v3.webhooks import (
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
)

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
from handlers.flow import Flow, Handler, Step
from messages import commands as words
from messages import common as msgs
from messages.line_json import Message
from messages.payloads import (
    Answer,
    BookingAction,
    FlowControl,
    LinkUpdate,
    ListPage,
    MenuTab,
    PayQR,
    PersonCard,
    PinAction,
    ProjectCard,
    VisitFor,
)
from messages.postback import Postback, PostbackError, unpack

log = logging.getLogger(__name__)


class Who(Enum):
    """Who may use a word, a button or a flow."""

    ANYONE = auto()
    DEBTOR = auto()  # a verified debtor: this LINE account is linked to a person
    OFFICER = auto()
    VOLUNTEER = auto()
    STAFF = auto()  # an officer or a volunteer


class Where(Flag):
    """Where a word, a button or a flow may be used."""

    PRIVATE = auto()  # a 1:1 chat with the bot
    GROUP = auto()  # a group chat (or room)
    BOTH = PRIVATE | GROUP


@dataclass(frozen=True)
class Access:
    """Who and where, and what someone else is told (by default: nothing is revealed)."""

    who: Who = Who.ANYONE
    where: Where = Where.PRIVATE
    denied: Handler = common.not_understood


@dataclass(frozen=True)
class Route:
    """Typed words (the first word decides: `เจ้าหน้าที่ CODE`), or a prefix test, and their handler."""

    words: tuple[str, ...]
    handler: Handler
    access: Access = Access()
    personal: bool = False  # typed in a group: only an invitation to a 1:1 chat, never an answer
    test: Callable[[str], bool] | None = None  # instead of words: e.g. a message starting `#อัปเดต`

    def matches(self, key: str, head: str, *, alone: bool = False) -> bool:
        """Whether typed text (its command key and first word) calls this route."""
        if alone:
            return key in self.words
        return key in self.words or head in self.words


# --- who and where, in the words of the people involved -----------------------------------------

ANYONE_1TO1 = Access()
ANYONE_ANYWHERE = Access(where=Where.BOTH)
DEBTOR_1TO1 = Access(Who.DEBTOR, denied=verify.start)
OFFICER_1TO1 = Access(Who.OFFICER)
OFFICER_IN_GROUP = Access(Who.OFFICER, Where.GROUP, denied=lambda ctx: [])  # silence reveals nothing
STAFF_1TO1 = Access(Who.STAFF)
STAFF_ANYWHERE = Access(Who.STAFF, Where.BOTH)

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

# --- words people type (messages/commands.py; compared without case, spaces or digit form) ---

UNIVERSAL_CANCEL = set(words.CANCEL)
UNIVERSAL_BACK = set(words.BACK)

# The first route that matches the words and whose `who` fits the person answers; when
# none fits, the last matching route's `denied` does.
ROUTES: tuple[Route, ...] = (
    # `#อัปเดต …` from a volunteer or officer, in their area's group or 1:1
    Route((), field.on_update, STAFF_ANYWHERE, test=field.is_update),
    Route(words.HELP, common.help_menu, ANYONE_ANYWHERE),
    Route(words.REGISTER_GROUP, groups.register, OFFICER_IN_GROUP),  # with a code
    Route(words.CONTACT, contact.start, personal=True),
    Route(words.BALANCE, balance.balance, Access(Who.DEBTOR, denied=balance.verify_first), personal=True),
    Route(words.VERIFY, verify.start, personal=True),
    Route(words.PAY, balance.how_to_pay, personal=True),
    Route(words.RELIEF, quiz.start, personal=True),
    Route(words.RELIEF_AGAIN, quiz.start_again, personal=True),
    # `นัดหมาย`: officers see today's and tomorrow's rosters; a verified debtor books
    Route(words.APPOINTMENT, appointments.rosters, OFFICER_1TO1),
    Route(words.APPOINTMENT, appointments.start, DEBTOR_1TO1, personal=True),
    Route(words.STOP_REMINDERS, reminders.stop, personal=True),
    Route(words.RESUME_REMINDERS, reminders.resume, personal=True),
    Route(words.TAKE_OFFICER, roles.take_officer),  # with an invite code
    Route(words.TAKE_VOLUNTEER, roles.take_volunteer),  # with an invite code
    Route(words.TODAY, officers.today, OFFICER_1TO1),
    Route(words.CONSOLE, officers.console_link, OFFICER_1TO1),
    Route(words.FIND, visits.find, OFFICER_1TO1),  # `ค้นหา TEXT`: a person or project
    Route(words.VISIT, visits.start, OFFICER_1TO1),  # the visit flow
)

# --- conversations: each flow module declares its steps; here, who may hold it and where ----

FLOWS: dict[str, tuple[Flow, Access]] = {
    flow.name: (flow, access) for flow, access in (
        (contact.FLOW, ANYONE_1TO1),
        (verify.FLOW, ANYONE_1TO1),
        (quiz.FLOW, ANYONE_1TO1),
        (appointments.FLOW, DEBTOR_1TO1),
        (visits.FLOW, OFFICER_1TO1),
        (field.FLOW, STAFF_1TO1),  # which person an ambiguous `#อัปเดต` is about
    )
}

# --- buttons that act on their own (not an answer to the current step) ---------------------

OFFICER_CARD = Access(Who.OFFICER, denied=visits.not_an_officer)

POSTBACKS: dict[type[Postback], tuple[Callable[[Context, Any], list[Message]], Access]] = {
    BookingAction: (appointments.on_booking_action, DEBTOR_1TO1),  # change / cancel a booking
    PayQR: (balance.on_pay_qr, DEBTOR_1TO1),  # `จ่ายด้วย QR` on a balance or payment card
    PersonCard: (visits.on_person_card, OFFICER_CARD),  # a search result tapped
    ProjectCard: (visits.on_project_card, OFFICER_CARD),  # a row of the officer's list, about a project
    ListPage: (officers.on_page, OFFICER_1TO1),  # the officer's list: the next page
    VisitFor: (visits.start_for, OFFICER_CARD),  # `บันทึกเยี่ยม` on a history card
    PinAction: (visits.on_pin_action, STAFF_1TO1),  # a field update's author confirms its map pin
    LinkUpdate: (field.on_link_update, STAFF_1TO1),  # which of several same-named people an update is about
    MenuTab: (common.menu_tab, ANYONE_1TO1),  # a tab of the rich menu (LINE switched it; nothing to say)
}


# --- dispatch ---------------------------------------------------------------------------


def understands(text: str, *, in_group: bool = False) -> bool:
    """Whether a typed word starts something here (the simulator shows only such hints)."""
    key = command_key(text)
    head, _ = split_command(text)
    here = Where.GROUP if in_group else Where.PRIVATE
    for route in ROUTES:
        if route.test is not None:
            if route.test(text) and here in route.access.where:
                return True
        elif route.matches(key, head) and (here in route.access.where or (in_group and route.personal)):
            return True
    return not in_group and key in UNIVERSAL_CANCEL


@dataclass(frozen=True)
class Routed:
    """What dispatch decided: the handler's name (for logs) and the messages to reply with."""

    handler: str
    messages: list[Message]


def dispatch(ctx: Context) -> Routed:
    """Route one event to its handler and return the reply."""
    event = ctx.event
    if isinstance(event, UnknownEvent):  # a type or shape the SDK does not know
        kind = getattr(event, "type", "unknown")
        log.info("no handler", extra={"route": f"unknown:{kind}"})
        return Routed(f"default:unknown:{kind}", [])
    if isinstance(event, MessageEvent):
        message = event.message
        if isinstance(message, TextMessageContent):
            return _with_expiry_notice(ctx, _on_text(ctx, message.text))
        if isinstance(message, LocationMessageContent) and not ctx.in_group and ctx.conversation.active:
            step = _current_step(ctx)
            if step is not None and step.location is not None:  # a step that takes a location
                return _answer(ctx, step.location)
        return _run(MESSAGES.get(message.type), ctx, default=f"message:{message.type}")
    if isinstance(event, PostbackEvent):
        return _with_expiry_notice(ctx, _on_postback(ctx, event.postback.data))
    return _run(EVENTS.get(event.type), ctx, default=event.type)


def allowed(ctx: Context, access: Access) -> bool:
    """Whether the person writing, here, may use what `access` guards."""
    return _here(ctx) in access.where and _fits(ctx, access.who)


def _here(ctx: Context) -> Where:
    return Where.GROUP if ctx.in_group else Where.PRIVATE


def _fits(ctx: Context, who: Who) -> bool:
    match who:
        case Who.ANYONE:
            return True
        case Who.DEBTOR:
            return ctx.person is not None
        case Who.OFFICER:
            return ctx.officer is not None
        case Who.VOLUNTEER:
            return ctx.staff is not None and ctx.staff.role == "volunteer"
        case Who.STAFF:
            return ctx.staff is not None


def _deny(ctx: Context, access: Access) -> list[Message]:
    """The wrong place gets the ordinary answer for it (silence in a group); the wrong person, `denied`."""
    if _here(ctx) not in access.where:
        return common.not_understood(ctx)
    return access.denied(ctx)


def _run(handler: Handler | None, ctx: Context, *, default: str) -> Routed:
    if handler is None:
        log.info("no handler", extra={"route": default})
        return Routed(f"default:{default}", [])
    return Routed(_name(handler), handler(ctx))


def _routes_for(text: str, key: str, head: str, *, alone: bool = False) -> list[Route]:
    """The routes these words call, in order (a prefix route only with its prefix)."""
    found = []
    for route in ROUTES:
        if route.test is not None:
            if not alone and route.test(text):
                found.append(route)
        elif route.matches(key, head, alone=alone):
            found.append(route)
    return found


def _call(ctx: Context, routes: Iterable[Route]) -> Routed | None:
    """The first route whose who/where fits answers; else the last one's denial; None if none."""
    last = None
    for route in routes:
        if allowed(ctx, route.access):
            return Routed(_name(route.handler), route.handler(ctx))
        last = route
    if last is None:
        return None
    return Routed(f"denied:{_name(last.handler)}", _deny(ctx, last.access))


def _on_text(ctx: Context, text: str) -> Routed:
    key = command_key(text)
    head, _argument = split_command(text)
    if ctx.in_group:
        routes = _routes_for(text, key, head)
        here = [r for r in routes if Where.GROUP in r.access.where]
        if here:
            return _call(ctx, here) or Routed("default:group_text", [])
        if any(r.personal and key in r.words for r in routes):
            return Routed(_name(common.private_only), common.private_only(ctx))
        return Routed("default:group_text", [])
    private = [r for r in _routes_for(text, key, head) if Where.PRIVATE in r.access.where]
    if private and private[0].test is not None:  # `#อัปเดต …` is never an answer to a step
        return _call(ctx, private[:1]) or Routed("default:text", [])
    if key in UNIVERSAL_CANCEL:
        return Routed(_name(common.cancel), common.cancel(ctx))
    conversation = ctx.conversation
    if conversation.active:
        if key in UNIVERSAL_BACK:
            return _back(ctx)
        # a menu word typed alone leaves the flow and does what it says (only alone: a note
        # such as "วันนี้ ไม่อยู่บ้าน" is an answer, not the `วันนี้` command)
        alone = [r for r in private if r.test is None and r.matches(key, head, alone=True)]
        if alone:
            conversation.finish()
            return _call(ctx, alone) or Routed("default:text", [])
        return _answer(ctx, text)
    routed = _call(ctx, [r for r in private if r.test is None])
    if routed is not None:
        return routed
    log.info("no handler", extra={"route": "text"})
    return Routed("default:text", common.not_understood(ctx))


def _current_step(ctx: Context) -> Step | None:
    declared = FLOWS.get(ctx.conversation.flow or "")
    if declared is None:
        return None
    flow, _access = declared
    return next((step for name, step in flow.table.items() if name.value == ctx.conversation.step), None)


def _answer(ctx: Context, answer: str | Handler) -> Routed:
    """A typed or tapped answer (or, for a step that takes one, a location) to the current step."""
    conversation = ctx.conversation
    declared = FLOWS.get(conversation.flow or "")
    step = _current_step(ctx)
    if declared is None or step is None:  # a step that no longer exists (after a deploy): start over kindly
        log.warning("unknown conversation state", extra={"route": f"{conversation.flow}:{conversation.step}"})
        conversation.finish()
        return Routed("default:stale_state", common.out_of_date(ctx))
    _flow, access = declared
    if not allowed(ctx, access):  # the role ended mid-flow
        conversation.finish()
        return Routed(f"denied:{conversation.flow}", _deny(ctx, access))
    if callable(answer):
        return Routed(_name(answer), answer(ctx))
    return Routed(_name(step.handle), step.handle(ctx, answer))


def _on_postback(ctx: Context, data: str) -> Routed:
    try:
        payload = unpack(data)
    except PostbackError as exc:
        log.warning("unreadable postback", extra={"error": str(exc)[:120]})
        return Routed("default:postback", _out_of_date(ctx))
    conversation = ctx.conversation
    if isinstance(payload, FlowControl):
        if payload.op == "cancel":
            return Routed(_name(common.cancel), common.cancel(ctx))
        if conversation.active:
            return _back(ctx)
        return Routed("default:back", _out_of_date(ctx))
    acting = POSTBACKS.get(type(payload))
    if acting is not None:
        handler, access = acting
        if not allowed(ctx, access):
            return Routed(f"denied:{_name(handler)}", _deny(ctx, access))
        return Routed(_name(handler), handler(ctx, payload))
    if isinstance(payload, Answer):
        if conversation.flow == payload.flow and conversation.step == payload.step:
            return _answer(ctx, payload.value)
        return Routed("default:stale_answer", _out_of_date(ctx))
    log.warning("postback without a route", extra={"route": payload.action})
    return Routed("default:postback", _out_of_date(ctx))


def _out_of_date(ctx: Context) -> list[Message]:
    """A button that no longer does anything: said kindly 1:1, never into a group."""
    return common.out_of_date(ctx)


def _back(ctx: Context) -> Routed:
    conversation = ctx.conversation
    previous = conversation.back()
    if previous is None:
        return Routed("flow.back", msgs.nothing_to_go_back_to())
    step = _current_step(ctx)
    if step is None:
        conversation.finish()
        return Routed("default:stale_state", common.out_of_date(ctx))
    return Routed("flow.back", step.prompt(ctx))


def _with_expiry_notice(ctx: Context, routed: Routed) -> Routed:
    """After an idle flow expired, say so kindly before answering the new message."""
    if "conversation" in ctx.__dict__ and ctx.conversation.expired_flow and not ctx.in_group:
        return Routed(routed.handler, [msgs.conversation_expired(), *routed.messages][:5])
    return routed


def _name(handler: Callable[..., object]) -> str:
    module = handler.__module__.rsplit(".", 1)[-1]
    return f"{module}.{handler.__name__}"

