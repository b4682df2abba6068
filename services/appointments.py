"""Appointments: sessions, the seats people take, move and give back (under a lock and the database's constraints)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.appointments import seat_starts
from models.appointments import AppointmentSession, Booking
from models.register import Person


@dataclass(frozen=True)
class BookingResult:
    booking: Booking | None
    problem: str | None  # None | "full" | "already" | "closed"


def seats_of(appointment: AppointmentSession) -> list[datetime]:
    return seat_starts(appointment.starts_at, appointment.ends_at, appointment.slot_minutes, appointment.capacity)


def taken_seats(session: Session, session_id: int) -> set[int]:
    return set(session.scalars(select(Booking.seat).where(Booking.session_id == session_id,
                                                         Booking.status == "booked")))


def lock_session(session: Session, session_id: int) -> AppointmentSession | None:
    """The session row, locked for this transaction (PostgreSQL); SQLite's writer is already alone."""
    return session.scalars(select(AppointmentSession).where(AppointmentSession.id == session_id)
                           .with_for_update()).one_or_none()


def book(session: Session, session_id: int, person: Person, line_user_id: str, now: datetime,
         seat: int | None = None, moving: Booking | None = None) -> BookingResult:
    """Take a free seat (the one asked for, or the first free), or move `moving` there."""
    appointment = lock_session(session, session_id)
    if appointment is None or appointment.status != "open" or appointment.starts_at <= now:
        return BookingResult(None, "closed")
    starts = seats_of(appointment)
    free = [k for k in range(1, len(starts) + 1) if k not in taken_seats(session, session_id)]
    if seat is not None:
        free = [k for k in free if k == seat]
    if not free:
        return BookingResult(None, "full")
    savepoint = session.begin_nested()
    try:
        if moving is not None:
            moving.session_id, moving.kind, moving.seat = appointment.id, appointment.kind, free[0]
            moving.capacity, moving.slot_start = len(starts), starts[free[0] - 1]
            moving.sequence += 1
            moving.updated_at = now
            booking = moving
        else:
            booking = Booking(session_id=appointment.id, person_id=person.id, line_user_id=line_user_id,
                              kind=appointment.kind, seat=free[0], capacity=len(starts),
                              slot_start=starts[free[0] - 1], status="booked", sequence=0, checklist={},
                              created_at=now, updated_at=now)
            session.add(booking)
        session.flush()
        savepoint.commit()
    except IntegrityError as exc:
        savepoint.rollback()
        return BookingResult(None, "already" if "kind" in str(exc.orig) else "full")
    return BookingResult(booking, None)


def active_bookings(session: Session, person_id: int) -> list[Booking]:
    return list(session.scalars(select(Booking).where(Booking.person_id == person_id, Booking.status == "booked")
                                .order_by(Booking.slot_start)))


def create_session(session: Session, *, kind: str, start: datetime, end: datetime, place: str, capacity: int,
                   now: datetime, title: str | None = None, slot_minutes: int | None = None,
                   officer: str | None = None, documents: list[str] | None = None, map_url: str | None = None,
                   opens_at: datetime | None = None, closes_at: datetime | None = None,
                   district_id: int | None = None) -> AppointmentSession:
    """A new session after checking what a person would get wrong; ValueError says what."""
    from models.appointments import KINDS

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    if end <= start:
        raise ValueError("the end must be after the start")
    if capacity < 1:
        raise ValueError("capacity must be at least 1")
    if slot_minutes is not None and slot_minutes < 5:
        raise ValueError("slots are at least 5 minutes")
    default_titles = {"court": "ไกล่เกลี่ยก่อนฟ้อง ศาลแขวงภูเก็ต", "clinic": "คลินิกแก้หนี้",
                      "mobile": "หน่วยเคลื่อนที่เร็ว WomenFund Phuket"}
    row = AppointmentSession(kind=kind, title=title or default_titles[kind], place=place, map_url=map_url,
                             starts_at=start, ends_at=end, capacity=capacity, slot_minutes=slot_minutes,
                             officer=officer, documents=documents or [], opens_at=opens_at, closes_at=closes_at,
                             district_id=district_id, status="open", created_at=now)
    if not seats_of(row):
        raise ValueError("no slot fits between the start and the end")
    session.add(row)
    session.flush()
    return row
