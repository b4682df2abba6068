"""Appointment sessions (court mediation, debt clinic, mobile unit) and the seats booked in them.

No overbooking is a database rule, not a check before an insert: every booking holds a
seat number from 1 to the session's capacity (a CHECK), and an active seat is unique
per session (a partial unique index). A slotted session's seat k is its k-th slot.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.appointments import SESSION_KINDS
from models.base import Base
from models.register import Area, Person

KINDS = SESSION_KINDS


class AppointmentSession(Base):
    __tablename__ = "appointment_sessions"
    __table_args__ = (
        CheckConstraint("kind in ('court','clinic','mobile')", name="kind_known"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(300))
    map_url: Mapped[str | None] = mapped_column(String(500))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int]
    slot_minutes: Mapped[int | None]  # None: one block; else one seat per timed slot
    officer: Mapped[str | None] = mapped_column(String(200))
    documents: Mapped[list[Any]] = mapped_column(default=list)
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    district_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    # the province whose people book it and whose officers see it (None: the register's own, for everyone)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | cancelled
    created_at: Mapped[datetime]

    district: Mapped[Area | None] = relationship(foreign_keys=[district_id])
    province: Mapped[Area | None] = relationship(foreign_keys=[province_id])


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint("seat >= 1 and seat <= capacity", name="seat_within_capacity"),
        Index("uq_bookings_active_seat", "session_id", "seat", unique=True,
              sqlite_where=text("status = 'booked'"), postgresql_where=text("status = 'booked'")),
        Index("uq_bookings_active_kind", "person_id", "kind", unique=True,
              sqlite_where=text("status = 'booked'"), postgresql_where=text("status = 'booked'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("appointment_sessions.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    line_user_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))  # the session's, for "one active booking per kind"
    seat: Mapped[int]
    capacity: Mapped[int]  # the session's at booking time, for the CHECK
    slot_start: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10), default="booked")  # booked | cancelled
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE: grows on every change
    checklist: Mapped[dict[str, Any]] = mapped_column(default=dict)
    attendance: Mapped[str | None] = mapped_column(String(12))
    outcome: Mapped[str | None] = mapped_column(String(16))
    outcome_terms: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    session: Mapped[AppointmentSession] = relationship()
    person: Mapped[Person] = relationship()
