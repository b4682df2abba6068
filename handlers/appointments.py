"""`นัดหมาย` / `appointment`: book, see, change or cancel a mediation, clinic or mobile-unit seat.

session → (slot, when the session is split into timed slots) → confirm → a card with
date, time, place, map, documents and an add-to-calendar link.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from linebot.v3.messaging import Message
from sqlalchemy import func, select

from config.settings import Settings
from domain.appointments import bookable, court_allowed
from handlers import officers, verify
from handlers.context import Context
from handlers.flow import Flow, Step
from messages import appointments as msgs
from messages.flows import AppointmentStep
from messages.payloads import BookingAction
from models import AppointmentSession, Area, Booking, Person
from services import outbox
from services.appointments import active_bookings, book, seats_of, taken_seats
from services.calendar import calendar_url
from services.history import record_access
from services.queries import holdings, linked_person


def start(ctx: Context) -> list[Message]:
    if officers.officer(ctx) is not None:
        return rosters(ctx)
    person = linked_person(ctx.session, ctx.user_id or "")
    if person is None:
        return verify.start(ctx)
    mine = active_bookings(ctx.session, person.id)
    if mine:
        return msgs.my_bookings([booking_view(b, ctx.settings) for b in mine])
    return _offer(ctx, person)


def on_booking_action(ctx: Context, action: BookingAction) -> list[Message]:
    """A card's button: change or cancel that booking, or book another."""
    person = linked_person(ctx.session, ctx.user_id or "")
    if person is None:
        return verify.start(ctx)
    if action.op == "new":
        return _offer(ctx, person)
    booking = ctx.session.get(Booking, action.booking)
    if booking is None or booking.person_id != person.id or booking.status != "booked":
        return msgs.not_yours()
    if action.op == "cancel":
        booking.status, booking.sequence, booking.updated_at = "cancelled", booking.sequence + 1, ctx.now
        ctx.conversation.finish()
        return msgs.cancelled(booking_view(booking, ctx.settings))
    return _offer(ctx, person, moving=booking)


def _offer(ctx: Context, person: Person, moving: Booking | None = None) -> list[Message]:
    views = _open_sessions(ctx, person, moving)
    if not views:
        ctx.conversation.finish()
        return msgs.no_sessions(ctx.settings.office_phone)
    ctx.conversation.start(AppointmentStep.SESSION, person_id=person.id, moving=moving.id if moving else None)
    return msgs.choose_session(views)


def ask_session(ctx: Context) -> list[Message]:
    person = ctx.session.get(Person, ctx.conversation.data["person_id"])
    moving = _moving(ctx)
    return msgs.choose_session(_open_sessions(ctx, person, moving)) if person else []


def on_session(ctx: Context, answer: str) -> list[Message]:
    person = ctx.session.get(Person, ctx.conversation.data["person_id"])
    offered = {v.id: v for v in _open_sessions(ctx, person, _moving(ctx))} if person else {}
    if not answer.isdigit() or int(answer) not in offered:
        return ask_session(ctx)
    appointment = ctx.session.get(AppointmentSession, int(answer))
    assert appointment is not None
    if appointment.slot_minutes:
        ctx.conversation.advance(AppointmentStep.SLOT, session_id=appointment.id)
        return msgs.choose_slot(_free_slots(ctx, appointment))
    ctx.conversation.advance(AppointmentStep.CONFIRM, session_id=appointment.id, seat=None)
    return msgs.confirm(offered[appointment.id], appointment.starts_at)


def ask_slot(ctx: Context) -> list[Message]:
    appointment = ctx.session.get(AppointmentSession, ctx.conversation.data["session_id"])
    return msgs.choose_slot(_free_slots(ctx, appointment)) if appointment else []


def on_slot(ctx: Context, answer: str) -> list[Message]:
    appointment = ctx.session.get(AppointmentSession, ctx.conversation.data["session_id"])
    free = dict(_free_slots(ctx, appointment)) if appointment else {}
    if not answer.isdigit() or int(answer) not in free or appointment is None:
        return ask_slot(ctx)
    ctx.conversation.advance(AppointmentStep.CONFIRM, seat=int(answer))
    return msgs.confirm(_session_view(ctx, appointment), free[int(answer)])


def ask_confirm(ctx: Context) -> list[Message]:
    data = ctx.conversation.data
    appointment = ctx.session.get(AppointmentSession, data["session_id"])
    if appointment is None:
        return []
    starts = seats_of(appointment)
    start = starts[data["seat"] - 1] if data.get("seat") else appointment.starts_at
    return msgs.confirm(_session_view(ctx, appointment), start)


def on_confirm(ctx: Context, answer: str) -> list[Message]:
    if answer != "yes":
        return ask_confirm(ctx)
    data = ctx.conversation.data
    person = ctx.session.get(Person, data["person_id"])
    assert person is not None
    moving = _moving(ctx)
    result = book(ctx.session, data["session_id"], person, ctx.user_id or "", ctx.now, seat=data.get("seat"),
                  moving=moving)
    ctx.conversation.finish()
    if result.problem == "already":
        kind = ctx.session.get(AppointmentSession, data["session_id"])
        return msgs.already_booked(kind.kind if kind else "clinic")
    if result.booking is None:
        appointment = ctx.session.get(AppointmentSession, data["session_id"])
        others = [v for v in _open_sessions(ctx, person, moving)
                  if appointment is not None and v.kind == appointment.kind and v.id != appointment.id]
        return msgs.full(others[0] if others else None)
    return msgs.booked(booking_view(result.booking, ctx.settings))


def rosters(ctx: Context) -> list[Message]:
    """Today's and tomorrow's sessions, with counts and who is coming when."""
    start = datetime(ctx.today.year, ctx.today.month, ctx.today.day, tzinfo=ctx.now.tzinfo)
    rows = ctx.session.scalars(select(AppointmentSession).where(
        AppointmentSession.status == "open", AppointmentSession.starts_at >= start,
        AppointmentSession.starts_at < start + timedelta(days=2)).order_by(AppointmentSession.starts_at)).all()
    out = []
    seen: list[int] = []
    for row in rows:
        bookings = ctx.session.scalars(select(Booking).where(Booking.session_id == row.id, Booking.status == "booked")
                                       .order_by(Booking.seat)).all()
        seen += [b.person_id for b in bookings]
        roster = [(f"{b.slot_start.astimezone(ctx.now.tzinfo):%H:%M}", b.person.full_name)
                  for b in bookings]
        out.append((_session_view(ctx, row), roster))
    me = officers.officer(ctx)
    if me is not None and seen:  # names on a roster are personal data: the audit trail records the look
        record_access(ctx.session, seen, viewer=me.line_user_id, viewer_name=me.name, channel="line",
                      action="roster", detail="นัดหมาย (today and tomorrow)", now=ctx.now)
    return msgs.officer_sessions(out)


def cancel_session(ctx_session: Any, appointment: AppointmentSession, now: datetime, origin: str,
                   settings: Settings) -> int:
    """Officers cancel a session: every booked person hears it 1:1, with an apology and alternatives."""
    bookings = ctx_session.scalars(select(Booking).where(Booking.session_id == appointment.id,
                                                         Booking.status == "booked")).all()
    appointment.status = "cancelled"
    alternatives = ctx_session.scalar(select(func.count()).select_from(AppointmentSession).where(
        AppointmentSession.kind == appointment.kind, AppointmentSession.status == "open",
        AppointmentSession.starts_at > now)) or 0
    for booking in bookings:
        booking.status, booking.sequence, booking.updated_at = "cancelled", booking.sequence + 1, now
        outbox.enqueue_push(ctx_session, to=booking.line_user_id, origin=origin, now=now,
                            send_at=now, dedupe_key=f"session-cancelled:{appointment.id}:{booking.id}",
                            messages=msgs.session_cancelled(booking_view(booking, settings), alternatives))
    return len(bookings)


# --- helpers ---------------------------------------------------------------------------


def _moving(ctx: Context) -> Booking | None:
    booking_id = ctx.conversation.data.get("moving")
    return ctx.session.get(Booking, booking_id) if booking_id else None


def _open_sessions(ctx: Context, person: Person, moving: Booking | None) -> list[msgs.SessionView]:
    """Sessions this person may book now: court only when in default or ended, their district's
    mobile units first, never a kind they already hold (unless moving that booking)."""
    held = holdings(ctx.session, person, ctx.today)
    classes = {h.position.debtor_class for h in held if h.position.debtor_class}
    districts = {h.contract.area_id for h in held}
    have = {b.kind for b in active_bookings(ctx.session, person.id) if moving is None or b.id != moving.id}
    rows = ctx.session.scalars(select(AppointmentSession).where(
        AppointmentSession.status == "open", AppointmentSession.starts_at > ctx.now)
        .order_by(AppointmentSession.starts_at)).all()
    views = []
    for row in rows:
        if not bookable(row.status, row.starts_at, row.opens_at, row.closes_at, ctx.now):
            continue
        if row.kind in have or (moving is not None and row.kind != moving.kind):
            continue
        if row.kind == "court" and not court_allowed(classes):
            continue
        view = _session_view(ctx, row)
        if view.seats_left > 0:
            views.append((0 if row.kind == "mobile" and row.district_id in _district_ids(ctx, districts) else 1,
                          view))
    return [v for _, v in sorted(views, key=lambda pair: (pair[0], pair[1].starts_at))]


def _district_ids(ctx: Context, area_ids: set[int]) -> set[int]:
    found = set()
    for area_id in area_ids:
        area = ctx.session.get(Area, area_id)
        while area is not None and area.level != "district":
            area = area.parent
        if area is not None:
            found.add(area.id)
    return found


def _session_view(ctx: Context, row: AppointmentSession) -> msgs.SessionView:
    left = len(seats_of(row)) - len(taken_seats(ctx.session, row.id))
    return msgs.SessionView(row.id, row.kind, row.title, row.place, row.starts_at, row.ends_at, left)


def _free_slots(ctx: Context, appointment: AppointmentSession) -> list[tuple[int, datetime]]:
    taken = taken_seats(ctx.session, appointment.id)
    return [(k, start) for k, start in enumerate(seats_of(appointment), start=1) if k not in taken]


def booking_view(booking: Booking, settings: Settings) -> msgs.BookingView:
    appointment = booking.session
    end = appointment.ends_at if not appointment.slot_minutes else None  # a slot shows its start only
    return msgs.BookingView(booking.id, appointment.kind, appointment.title, appointment.place, appointment.map_url,
                            booking.slot_start, end, list(appointment.documents),
                            calendar_url(settings, booking.id))


# --- the flow, declared ----------------------------------------------------------------

FLOW = Flow(AppointmentStep, {
    AppointmentStep.SESSION: Step(on_session, ask_session),
    AppointmentStep.SLOT: Step(on_slot, ask_slot),
    AppointmentStep.CONFIRM: Step(on_confirm, ask_confirm),
})
