"""`นัดหมาย` / `appointment`: book, see, change or cancel a mediation, clinic or mobile-unit seat.

session → (slot, when the session is split into timed slots) → confirm → a card with
date, time, place, map, documents and an add-to-calendar link.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.textnorm import split_command
from handlers.context import Context
from handlers.flow import Flow, Step
from messages import appointments as msgs
from messages import commands as words
from messages.flows import AppointmentStep
from messages.line_json import Message
from messages.payloads import BookingAction
from models import Booking, Person
from services import appointments
from services.areas import officer_area_ids, provinces_of
from services.audit import record_access
from services.identity import person_by_id


def start(ctx: Context) -> list[Message]:
    """`นัดหมาย` from a verified debtor: their bookings, or the sessions they may book.

    `นัดหมาย ไกล่เกลี่ย` (or คลินิก …) asks for one kind: offered first, unless already held.
    """
    person = ctx.as_person()
    _, argument = split_command(ctx.text)
    asked = msgs.asked_kind(argument)
    mine = appointments.active_bookings(ctx.session, person.id)
    if mine and (asked is None or any(b.kind == asked for b in mine)):
        return msgs.my_bookings([appointments.booking_view(b, ctx.settings) for b in mine])
    return _offer(ctx, person, asked=asked)


def on_booking_action(ctx: Context, action: BookingAction) -> list[Message]:
    """A card's button: change or cancel that booking (cancelling asks first), or book another."""
    person = ctx.as_person()
    if action.op == "new":
        return _offer(ctx, person, asked=action.kind if action.kind in msgs.KIND_NAMES else None)
    booking = appointments.booking_by_id(ctx.session, action.booking)
    state = appointments.booking_state(booking, person.id, ctx.now)
    if booking is None or state != "active":  # an old card: say kindly what became of it
        return _not_current(ctx, person, state)
    view = appointments.booking_view(booking, ctx.settings)
    if action.op == "cancel":
        return msgs.confirm_cancel(view, booking.sequence)
    if action.op == "keep":
        return msgs.kept(view)
    if action.op == "cancel_yes":
        if action.seq != booking.sequence:  # moved since the question was asked: ask again, cancel nothing
            return _not_current(ctx, person, "changed")
        appointments.cancel_booking(booking, ctx.now)
        ctx.conversation.finish()
        return msgs.cancelled(appointments.booking_view(booking, ctx.settings))
    return _offer(ctx, person, moving=booking)


def _not_current(ctx: Context, person: Person, state: str) -> list[Message]:
    mine = appointments.active_bookings(ctx.session, person.id)
    return msgs.not_current(state, [appointments.booking_view(b, ctx.settings) for b in mine])


def _offer(ctx: Context, person: Person, moving: Booking | None = None, asked: str | None = None) -> list[Message]:
    views = appointments.sessions_for(ctx.session, person, ctx.now, moving, asked=asked)
    if not views:
        ctx.conversation.finish()
        return msgs.no_sessions(ctx.settings.office_phone)
    ctx.conversation.start(AppointmentStep.SESSION, person_id=person.id, moving=moving.id if moving else None,
                           asked=asked)
    return msgs.choose_session(views)


def ask_session(ctx: Context) -> list[Message]:
    person = person_by_id(ctx.session, ctx.conversation.data["person_id"])
    return msgs.choose_session(appointments.sessions_for(ctx.session, person, ctx.now, _moving(ctx),
                                                         asked=ctx.conversation.data.get("asked"))) if person else []


def on_session(ctx: Context, answer: str) -> list[Message]:
    person = person_by_id(ctx.session, ctx.conversation.data["person_id"])
    offered = {v.id: v for v in appointments.sessions_for(ctx.session, person, ctx.now, _moving(ctx))} \
        if person else {}
    if not answer.isdigit() or int(answer) not in offered:
        return ask_session(ctx)
    appointment = appointments.appointment_session(ctx.session, int(answer))
    assert appointment is not None
    if appointment.slot_minutes:
        ctx.conversation.advance(AppointmentStep.SLOT, session_id=appointment.id)
        return msgs.choose_slot(appointments.free_slots(ctx.session, appointment))
    ctx.conversation.advance(AppointmentStep.CONFIRM, session_id=appointment.id, seat=None)
    return msgs.confirm(offered[appointment.id], appointment.starts_at)


def ask_slot(ctx: Context) -> list[Message]:
    appointment = appointments.appointment_session(ctx.session, ctx.conversation.data["session_id"])
    return msgs.choose_slot(appointments.free_slots(ctx.session, appointment)) if appointment else []


def on_slot(ctx: Context, answer: str) -> list[Message]:
    appointment = appointments.appointment_session(ctx.session, ctx.conversation.data["session_id"])
    slots = appointments.free_slots(ctx.session, appointment) if appointment else []
    free = dict(slots)
    if appointment is not None and answer.isdigit() and int(answer) not in free \
            and 1 <= int(answer) <= len(appointments.seats_of(appointment)):
        if not slots:  # the last free time went while they were choosing
            return _full(ctx, appointment.id)
        return msgs.slot_taken(slots)  # someone took that time a moment ago: the free ones, again
    if not answer.isdigit() or int(answer) not in free or appointment is None:
        return ask_slot(ctx)
    ctx.conversation.advance(AppointmentStep.CONFIRM, seat=int(answer))
    return msgs.confirm(appointments.session_view(ctx.session, appointment), free[int(answer)])


def ask_confirm(ctx: Context) -> list[Message]:
    data = ctx.conversation.data
    appointment = appointments.appointment_session(ctx.session, data["session_id"])
    if appointment is None:
        return []
    return msgs.confirm(appointments.session_view(ctx.session, appointment),
                        appointments.seat_start(appointment, data.get("seat")))


def on_confirm(ctx: Context, answer: str) -> list[Message]:
    if answer != "yes":
        return ask_confirm(ctx)
    data = ctx.conversation.data
    person = person_by_id(ctx.session, data["person_id"])
    assert person is not None
    moving = _moving(ctx)
    result = appointments.book(ctx.session, data["session_id"], person, ctx.user_id or "", ctx.now,
                               seat=data.get("seat"), moving=moving)
    if result.problem == "already":
        ctx.conversation.finish()
        kind = appointments.appointment_session(ctx.session, data["session_id"])
        return msgs.already_booked(kind.kind if kind else "clinic")
    if result.booking is None:
        return _full(ctx, data["session_id"], closed=result.problem == "closed")
    ctx.conversation.finish()
    view = appointments.booking_view(result.booking, ctx.settings)
    if result.asked is not None:  # the time chosen was taken a moment before: the next free one instead
        return msgs.booked_instead(view, appointments.seat_start(result.booking.session, result.asked))
    return msgs.booked(view)


def _full(ctx: Context, session_id: int, *, closed: bool = False) -> list[Message]:
    """No seat left in the session chosen (or it closed): the other sessions with free seats, to tap."""
    person = person_by_id(ctx.session, ctx.conversation.data["person_id"])
    moving = _moving(ctx)
    chosen = appointments.appointment_session(ctx.session, session_id)
    others = [v for v in appointments.sessions_for(ctx.session, person, ctx.now, moving)
              if v.id != session_id] if person else []
    if chosen is not None:  # the same kind first: what they were booking
        others.sort(key=lambda v: v.kind != chosen.kind)
    if not others or person is None:
        ctx.conversation.finish()
        return msgs.full([], closed=closed)
    ctx.conversation.start(AppointmentStep.SESSION, person_id=person.id, moving=moving.id if moving else None)
    return msgs.full(others, closed=closed)


def rosters(ctx: Context) -> list[Message]:
    """Today's and tomorrow's sessions, with counts and who is coming when."""
    me = ctx.as_officer()
    start = datetime(ctx.today.year, ctx.today.month, ctx.today.day, tzinfo=ctx.now.tzinfo)
    rows = appointments.rosters_between(ctx.session, start, start + timedelta(days=2),
                                        officer_area_ids(ctx.session, me), provinces_of(ctx.session, me.area_id))
    out = [(row.view, [(f"{b.slot_start.astimezone(ctx.now.tzinfo):%H:%M}", b.person.full_name)
                       for b in row.bookings], row.others) for row in rows]
    seen = [b.person_id for row in rows for b in row.bookings]
    if seen:  # names on a roster are personal data: the audit trail records the look
        record_access(ctx.session, seen, viewer=me.line_user_id, viewer_name=me.name, channel="line",
                      action="roster", detail=f"{words.APPOINTMENT[0]} (today and tomorrow)", now=ctx.now)
    return msgs.officer_sessions(out)


def _moving(ctx: Context) -> Booking | None:
    booking_id = ctx.conversation.data.get("moving")
    return appointments.booking_by_id(ctx.session, booking_id) if booking_id else None


# --- the flow, declared ----------------------------------------------------------------

FLOW = Flow(AppointmentStep, {
    AppointmentStep.SESSION: Step(on_session, ask_session),
    AppointmentStep.SLOT: Step(on_slot, ask_slot),
    AppointmentStep.CONFIRM: Step(on_confirm, ask_confirm),
})
