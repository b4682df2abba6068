"""Appointments: sessions, the seats people take, move and give back (under a lock and the database's constraints)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from linebot.v3.messaging import Message
from sqlalchemy import ColumnElement, bindparam, func, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from config.settings import Settings
from domain.appointments import (
    BookingView,
    OpenSession,
    SessionProblem,
    SessionView,
    bookable,
    seat_count,
    seat_start_at,
    seat_starts,
    seat_to_take,
    session_problems,
    sessions_to_offer,
)
from domain.clock import BANGKOK
from models.appointments import AppointmentSession, Booking
from models.db import Ids, ids_param, in_ids
from models.register import Person
from services import outbox
from services.areas import district_of_areas, provinces_of
from services.balance import holdings
from services.calendar import calendar_url
from services.visits import in_scope


@dataclass(frozen=True)
class BookingResult:
    booking: Booking | None
    problem: str | None  # None | "full" | "already" | "closed"
    # The seat asked for, when someone took it first and `booking` holds the next free one.
    asked: int | None = None


def seats_of(appointment: AppointmentSession) -> list[datetime]:
    return seat_starts(appointment.starts_at, appointment.ends_at, appointment.slot_minutes, appointment.capacity)



def seats_in(appointment: AppointmentSession) -> int:
    """How many seats a session has (counted, not listed)."""
    return seat_count(appointment.starts_at, appointment.ends_at, appointment.slot_minutes, appointment.capacity)

def taken_seats(session: Session, session_id: int) -> set[int]:
    return set(session.scalars(select(Booking.seat).where(Booking.session_id == session_id,
                                                         Booking.status == "booked")))


def lock_session(session: Session, session_id: int) -> AppointmentSession | None:
    """The session row, locked for this transaction (PostgreSQL); SQLite's writer is already alone."""
    return session.scalars(select(AppointmentSession).where(AppointmentSession.id == session_id)
                           .with_for_update()).one_or_none()


def book(session: Session, session_id: int, person: Person, line_user_id: str, now: datetime,
         seat: int | None = None, moving: Booking | None = None) -> BookingResult:
    """Take a seat, or move `moving` there: the one asked for, or the next free (domain.appointments.seat_to_take).

    "full" only when no seat of the session is free: a seat taken since the person chose it
    gives them the next free one instead (`asked` says which they had chosen).
    """
    appointment = lock_session(session, session_id)
    if appointment is None or appointment.status != "open" or appointment.starts_at <= now:
        return BookingResult(None, "closed")
    starts = seats_of(appointment)
    taken = taken_seats(session, session_id)
    free = [k for k in range(1, len(starts) + 1) if k not in taken]
    while (chosen := seat_to_take(seat, free)) is not None:
        savepoint = session.begin_nested()
        try:
            if moving is not None:
                moving.session_id, moving.kind, moving.seat = appointment.id, appointment.kind, chosen
                moving.capacity, moving.slot_start = len(starts), starts[chosen - 1]
                moving.sequence += 1
                moving.updated_at = now
                booking = moving
            else:
                booking = Booking(session_id=appointment.id, person_id=person.id, line_user_id=line_user_id,
                                  kind=appointment.kind, seat=chosen, capacity=len(starts),
                                  slot_start=starts[chosen - 1], status="booked", sequence=0, checklist={},
                                  created_at=now, updated_at=now)
                session.add(booking)
            session.flush()
            savepoint.commit()
        except IntegrityError as exc:
            savepoint.rollback()
            if "kind" in str(exc.orig):
                return BookingResult(None, "already")
            free.remove(chosen)  # the database says the seat is held after all: the next one
            continue
        return BookingResult(booking, None, asked=seat if seat is not None and chosen != seat else None)
    return BookingResult(None, "full")


def active_bookings(session: Session, person_id: int) -> list[Booking]:
    return list(session.scalars(select(Booking).where(Booking.person_id == person_id, Booking.status == "booked")
                                .options(selectinload(Booking.session)).order_by(Booking.slot_start)))


class SessionRefused(ValueError):
    """A session as published or changed breaks the rules (domain.appointments.session_problems)."""

    def __init__(self, problems: Sequence[SessionProblem]) -> None:
        super().__init__("; ".join(p.detail for p in problems))
        self.problems = list(problems)


def create_session(session: Session, *, kind: str, start: datetime, end: datetime, place: str, capacity: int,
                   now: datetime, title: str, slot_minutes: int | None = None,
                   officer: str | None = None, documents: list[str] | None = None, map_url: str | None = None,
                   opens_at: datetime | None = None, closes_at: datetime | None = None,
                   district_id: int | None = None, province_id: int | None = None) -> AppointmentSession:
    """A new session after the one rule set of every way of publishing; SessionRefused says what is wrong.

    `province_id`: a session of that province, booked by its people and seen by its officers (a
    mobile unit's district says it); None: the register's own, for everyone."""
    problems = session_problems(kind=kind, starts_at=start, ends_at=end, place=place, capacity=capacity,
                                slot_minutes=slot_minutes, now=now)
    if problems:
        raise SessionRefused(problems)
    if not isinstance(title, str) or not title.strip():
        raise ValueError("a session needs a title (messages.appointments.session_title gives each kind's own)")
    row = AppointmentSession(kind=kind, title=title, place=place.strip(), map_url=map_url,
                             starts_at=start, ends_at=end, capacity=capacity, slot_minutes=slot_minutes,
                             officer=officer, documents=documents or [], opens_at=opens_at, closes_at=closes_at,
                             district_id=district_id, status="open", created_at=now)
    if province_id is None and district_id is not None:
        province_id = next(iter(provinces_of(session, district_id) or ()), None)
    row.province_id = province_id
    session.add(row)
    session.flush()
    return row


def highest_seat(session: Session, session_id: int) -> int:
    """The highest seat anyone holds in this session (0: nobody)."""
    return max(taken_seats(session, session_id), default=0)


def change_session(session: Session, appointment: AppointmentSession, *, start: datetime, end: datetime,
                   place: str, capacity: int, now: datetime, origin: str, settings: Settings,
                   notice: Callable[[BookingView, datetime, str], Sequence[Message | dict[str, Any]]]) -> int:
    """Officers change an open session's time, place or seats, keeping every booking; SessionRefused says why not.

    Nobody loses a seat: the seats may not shrink below the highest one held, and each seat
    keeps its number (a slotted session's seat k is still its k-th slot, at the new time).
    When the time or the place changes, everyone booked is told 1:1 through the outbox
    (`notice(booking, old start, old place)` words it); their calendar file's SEQUENCE grows.
    Returns how many were told.
    """
    appointment = lock_session(session, appointment.id) or appointment
    problems = session_problems(kind=appointment.kind, starts_at=start, ends_at=end, place=place, capacity=capacity,
                                slot_minutes=appointment.slot_minutes, now=now,
                                highest_seat=highest_seat(session, appointment.id))
    if problems:
        raise SessionRefused(problems)
    moved = start != appointment.starts_at or end != appointment.ends_at or place.strip() != appointment.place
    bookings = session.scalars(select(Booking).where(Booking.session_id == appointment.id,
                                                     Booking.status == "booked").order_by(Booking.seat)).all()
    old = {b.id: b.slot_start for b in bookings}
    old_place = appointment.place
    appointment.starts_at, appointment.ends_at = start, end
    appointment.place, appointment.capacity = place.strip(), capacity
    starts = seats_of(appointment)
    told = 0
    for booking in bookings:
        if not moved:
            continue
        booking.slot_start = starts[booking.seat - 1]
        booking.sequence += 1
        booking.updated_at = now
        outbox.enqueue_push(session, to=booking.line_user_id, origin=origin, now=now, send_at=now,
                            dedupe_key=f"session-moved:{appointment.id}:{booking.id}:{booking.sequence}",
                            messages=notice(booking_view(booking, settings), old[booking.id], old_place))
        told += 1
    session.flush()
    return told


# --- reading sessions and bookings for the booking flow -----------------------------------


def appointment_session(session: Session, session_id: int) -> AppointmentSession | None:
    return session.get(AppointmentSession, session_id)


def booking_by_id(session: Session, booking_id: int) -> Booking | None:
    return session.get(Booking, booking_id)


def sessions_from(session: Session, start: datetime) -> Sequence[AppointmentSession]:
    """Appointment sessions starting at or after `start`, soonest first."""
    return session.scalars(select(AppointmentSession).where(AppointmentSession.starts_at >= start)
                           .order_by(AppointmentSession.starts_at)).all()


def seen_in(provinces: set[int] | Ids | None) -> ColumnElement[bool]:
    """Sessions an officer of these provinces sees (`services.areas.provinces_of` their area): their
    provinces' and the register's own (no province); None (the whole register's officer): every one."""
    if provinces is None:
        return true()
    return or_(AppointmentSession.province_id.is_(None), in_ids(AppointmentSession.province_id, provinces))


# built once (every officer's list asks it): the whole register's officer's, and a province's
_BOOKINGS_ON = {scoped: (select(Booking).join(AppointmentSession)
                         .where(Booking.status == "booked", AppointmentSession.status == "open",
                                Booking.slot_start >= bindparam("start"), Booking.slot_start < bindparam("end"),
                                seen_in(ids_param("provinces") if scoped else None))
                         .options(selectinload(Booking.session)).order_by(Booking.slot_start))
                for scoped in (False, True)}


def session_seen(session: Session, session_id: int, provinces: set[int] | None) -> AppointmentSession | None:
    """The session, if an officer of these provinces sees it (`seen_in`)."""
    return session.scalars(select(AppointmentSession).where(AppointmentSession.id == session_id,
                                                            seen_in(provinces))).first()


def session_roster(session: Session, session_id: int) -> Sequence[Booking]:
    """Every booking of a session (cancelled ones too), by seat."""
    return session.scalars(select(Booking).where(Booking.session_id == session_id)
                           .order_by(Booking.seat, Booking.id)).all()


def record_outcome(booking: Booking, *, checklist: Mapping[str, bool], attendance: str | None, outcome: str | None,
                   terms: str | None, now: datetime) -> None:
    """An officer's ticks and the outcome of an appointment (the caller checked the values); None keeps a field."""
    booking.checklist = {**booking.checklist, **checklist}
    if attendance is not None:
        booking.attendance = attendance
    if outcome is not None:
        booking.outcome = outcome
    booking.outcome_terms = terms or booking.outcome_terms
    booking.updated_at = now


def own_booking(session: Session, booking_id: int, person_id: int, now: datetime) -> Booking | None:
    """The booking, when it is this person's, still active and still to come."""
    booking = session.get(Booking, booking_id)
    if booking_state(booking, person_id, now) != "active":
        return None
    return booking


def booking_state(booking: Booking | None, person_id: int, now: datetime) -> str:
    """What became of a booking a card's button names: active, cancelled, past, or unknown
    (none such, or someone else's: the two are not told apart)."""
    if booking is None or booking.person_id != person_id:
        return "unknown"
    if booking.status != "booked" or booking.session.status != "open":
        return "cancelled"
    if booking.slot_start <= now:
        return "past"
    return "active"


def cancel_booking(booking: Booking, now: datetime) -> None:
    """Give the seat back; the calendar file's SEQUENCE grows so phones drop the event."""
    booking.status, booking.sequence, booking.updated_at = "cancelled", booking.sequence + 1, now


def seat_start(appointment: AppointmentSession, seat: int | None) -> datetime:
    """When a seat's appointment starts (no seat chosen: the session's start)."""
    return seat_start_at(appointment.starts_at, appointment.slot_minutes, seat) if seat else appointment.starts_at


def free_slots(session: Session, appointment: AppointmentSession) -> list[tuple[int, datetime]]:
    """(seat, start) of each seat nobody holds."""
    taken = taken_seats(session, appointment.id)
    return [(k, start) for k, start in enumerate(seats_of(appointment), start=1) if k not in taken]


def _taken_counts(session: Session, session_ids: Sequence[int]) -> dict[int, int]:
    """session id → seats held, for many sessions in one query."""
    if not session_ids:
        return {}
    rows = session.execute(select(Booking.session_id, func.count(func.distinct(Booking.seat)))
                           .where(Booking.session_id.in_(session_ids), Booking.status == "booked")
                           .group_by(Booking.session_id)).all()
    return {session_id: taken for session_id, taken in rows}


def _view(row: AppointmentSession, taken: int) -> SessionView:
    return SessionView(row.id, row.kind, row.title, row.place, row.starts_at, row.ends_at,
                       seats_in(row) - taken)


def session_view(session: Session, appointment: AppointmentSession) -> SessionView:
    return _view(appointment, len(taken_seats(session, appointment.id)))


def sessions_for(session: Session, person: Person, now: datetime, moving: Booking | None = None,
                 asked: str | None = None) -> list[SessionView]:
    """The sessions this person may book now, in the order offered (the rule: domain.appointments);
    `asked`: the kind they asked for, offered first."""
    held = holdings(session, person, now.date())
    rows = session.scalars(select(AppointmentSession).where(
        AppointmentSession.status == "open", AppointmentSession.starts_at > now)
        .order_by(AppointmentSession.starts_at)).all()
    # the whole area tree in one query, and only when a mobile unit could come first
    districts = district_of_areas(session) if held and any(row.kind == "mobile" for row in rows) else {}
    provinces: set[int] = set()
    if any(row.province_id is not None for row in rows):  # a register of several provinces
        for area_id in {h.contract.area_id for h in held}:
            provinces |= provinces_of(session, area_id) or set()
    taken = _taken_counts(session, [row.id for row in rows])
    return sessions_to_offer(
        [OpenSession(_view(row, taken.get(row.id, 0)), row.status, row.opens_at, row.closes_at, row.district_id,
                     row.province_id)
         for row in rows], now, home_provinces=provinces,
        debtor_classes={h.position.debtor_class for h in held if h.position.debtor_class},
        home_districts={districts[h.contract.area_id].id for h in held if h.contract.area_id in districts},
        held=[(b.id, b.kind) for b in active_bookings(session, person.id)],
        moving=(moving.id, moving.kind) if moving is not None else None, asked=asked)


@dataclass(frozen=True)
class Roster:
    """A session and who holds its seats, by seat: the bookings of people the officer may see, and
    how many others are booked (counted, never named)."""

    view: SessionView
    bookings: list[Booking]
    others: int = 0


def rosters_between(session: Session, start: datetime, end: datetime,
                    area_ids: Sequence[int] | None, provinces: set[int] | None) -> list[Roster]:
    """Open sessions starting in [start, end) that an officer of these provinces sees (`seen_in`),
    each with its active bookings and their people, as an officer of `area_ids` may see them
    (`services.visits.in_scope`; None: everyone), as the console's roster shows them
    (`roster_in_scope`)."""
    rows = session.scalars(select(AppointmentSession).where(
        AppointmentSession.status == "open", AppointmentSession.starts_at >= start,
        AppointmentSession.starts_at < end, seen_in(provinces)).order_by(AppointmentSession.starts_at)).all()
    by_session: dict[int, list[Booking]] = {row.id: [] for row in rows}
    booked: dict[int, int] = {}
    if rows:
        active = (Booking.session_id.in_(by_session), Booking.status == "booked")
        for booking in session.scalars(select(Booking).join(Person, Person.id == Booking.person_id)
                                       .where(*active, in_scope(area_ids))
                                       .options(selectinload(Booking.person)).order_by(Booking.seat)):
            by_session[booking.session_id].append(booking)
        booked = {session_id: count for session_id, count in session.execute(
            select(Booking.session_id, func.count()).where(*active).group_by(Booking.session_id))}
    return [Roster(_view(row, booked.get(row.id, 0)), by_session[row.id],
                   booked.get(row.id, 0) - len(by_session[row.id])) for row in rows]


def booking_view(booking: Booking, settings: Settings) -> BookingView:
    """What the card, the reminder and the cancellation show of a booking."""
    appointment = booking.session
    end = appointment.ends_at if not appointment.slot_minutes else None  # a slot shows its start only
    return BookingView(booking.id, appointment.kind, appointment.title, appointment.place, appointment.map_url,
                       booking.slot_start, end, list(appointment.documents), calendar_url(settings, booking.id))


def alternatives_to(session: Session, appointment: AppointmentSession, now: datetime) -> list[SessionView]:
    """Other sessions of the same kind someone could book now instead, with free seats, soonest first:
    of the same province or the register's own (never another province's: its people booked this one)."""
    here = (seen_in({appointment.province_id}) if appointment.province_id is not None
            else AppointmentSession.province_id.is_(None))
    rows = session.scalars(select(AppointmentSession).where(
        AppointmentSession.kind == appointment.kind, AppointmentSession.status == "open",
        AppointmentSession.id != appointment.id, AppointmentSession.starts_at > now, here)
        .order_by(AppointmentSession.starts_at)).all()
    taken = _taken_counts(session, [row.id for row in rows])
    views = [_view(row, taken.get(row.id, 0)) for row in rows
             if bookable(row.status, row.starts_at, row.opens_at, row.closes_at, now)]
    return [view for view in views if view.seats_left > 0]


def cancel_session(session: Session, appointment: AppointmentSession, now: datetime, *, origin: str,
                   settings: Settings,
                   notice: Callable[[BookingView, Sequence[SessionView]], Sequence[Message | dict[str, Any]]]) -> int:
    """Officers cancel a session: its bookings are cancelled and each booked person is told 1:1.

    `notice(booking, alternatives)` words the push (alternatives: open sessions of the same
    kind still to come with free seats, soonest first); one push per booking, once (its
    dedupe key). Returns how many were booked.
    """
    appointment = lock_session(session, appointment.id) or appointment
    bookings = session.scalars(select(Booking).where(Booking.session_id == appointment.id,
                                                     Booking.status == "booked")).all()
    appointment.status = "cancelled"
    alternatives = alternatives_to(session, appointment, now)
    for booking in bookings:
        cancel_booking(booking, now)
        outbox.enqueue_push(session, to=booking.line_user_id, origin=origin, now=now,
                            send_at=now, dedupe_key=f"session-cancelled:{appointment.id}:{booking.id}",
                            messages=notice(booking_view(booking, settings), alternatives))
    session.flush()
    return len(bookings)


def bookings_on(session: Session, days: Sequence[date], provinces: set[int] | None = None) -> list[Booking]:
    """Active bookings whose appointment falls on one of these Bangkok days (of sessions an officer of
    these provinces sees: `seen_in`)."""
    first, last = min(days), max(days)
    start = datetime(first.year, first.month, first.day, tzinfo=BANGKOK)
    end = datetime(last.year, last.month, last.day, tzinfo=BANGKOK) + timedelta(days=1)
    return list(session.scalars(_BOOKINGS_ON[provinces is not None], {
        "start": start, "end": end, "provinces": None if provinces is None else sorted(provinces)}))


# --- the console's sessions pages ------------------------------------------------------------


@dataclass(frozen=True)
class SessionLine:
    """A session as the console lists it: the row, its seats and how many are taken."""

    row: AppointmentSession
    seats: int
    taken: int

    @property
    def free(self) -> int:
        return max(self.seats - self.taken, 0)


def session_lines(session: Session, since: datetime, until: datetime | None = None, *,
                  provinces: set[int] | None = None) -> list[SessionLine]:
    """Sessions starting in [since, until) that an officer of these provinces sees (`seen_in`), soonest
    first, with seats taken, in two queries."""
    query = select(AppointmentSession).where(AppointmentSession.starts_at >= since, seen_in(provinces))
    if until is not None:
        query = query.where(AppointmentSession.starts_at < until)
    rows = session.scalars(query.order_by(AppointmentSession.starts_at)).all()
    taken = _taken_counts(session, [row.id for row in rows])
    return [SessionLine(row, seats_in(row), taken.get(row.id, 0)) for row in rows]


def session_line(session: Session, appointment: AppointmentSession) -> SessionLine:
    return SessionLine(appointment, seats_in(appointment), len(taken_seats(session, appointment.id)))


def roster_in_scope(session: Session, session_id: int,
                    area_ids: Sequence[int] | None) -> tuple[list[Booking], int]:
    """The session's bookings of people the officer may see (by seat, cancelled ones too), and how many
    active bookings are of people outside their area (counted, never named)."""
    rows = session.scalars(select(Booking).join(Person, Person.id == Booking.person_id)
                           .where(Booking.session_id == session_id, in_scope(area_ids))
                           .options(selectinload(Booking.person)).order_by(Booking.seat, Booking.id)).all()
    active = session.scalar(select(func.count()).select_from(Booking).where(
        Booking.session_id == session_id, Booking.status == "booked")) or 0
    return list(rows), active - sum(1 for b in rows if b.status == "booked")
