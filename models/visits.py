"""What officers do in the field, and who looked at whose personal data (PDPA accountability)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.register import Contract, Money, Person

VISIT_OUTCOMES = ("met", "not_home", "moved", "deceased", "refused")


class Visit(Base):
    """One visit (or call) by an officer: who, when, where, what came of it, and a note."""

    __tablename__ = "visits"
    __table_args__ = (
        CheckConstraint("outcome in ('met','not_home','moved','deceased','refused')", name="outcome_known"),
        CheckConstraint("person_id is not null or contract_id is not null", name="about_someone"),
        Index("ix_visits_visited_on", "visited_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    officer: Mapped[str] = mapped_column(String(64))  # LINE user id of the officer
    officer_name: Mapped[str] = mapped_column(String(200))  # as it was on the day (staff rotate)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))  # of the contract, for reports
    visited_on: Mapped[date]
    outcome: Mapped[str] = mapped_column(String(10))
    measure_id: Mapped[str | None] = mapped_column(String(20))  # a relief measure discussed
    note: Mapped[str] = mapped_column(Text, default="")
    lat: Mapped[float | None]
    lng: Mapped[float | None]
    created_at: Mapped[datetime]

    person: Mapped[Person | None] = relationship()
    contract: Mapped[Contract | None] = relationship()


class PromiseToPay(Base):
    """An amount a debtor promised to pay on a contract by a date; kept or broken is read off payments."""

    __tablename__ = "promises_to_pay"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), unique=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    made_on: Mapped[date]
    due_on: Mapped[date] = mapped_column(index=True)

    visit: Mapped[Visit] = relationship()
    contract: Mapped[Contract] = relationship()


class DataAccess(Base):
    """One look at a person's personal data: who, when, through what, and what they saw."""

    __tablename__ = "data_access_log"
    __table_args__ = (Index("ix_data_access_log_person_at", "person_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    viewer: Mapped[str] = mapped_column(String(64))  # a LINE user id, "api" or "cli"
    viewer_name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(8))  # line | api | cli
    action: Mapped[str] = mapped_column(String(40))  # find | history_card | api.contract | ...
    detail: Mapped[str] = mapped_column(Text, default="")  # what was asked (never the data itself)
    at: Mapped[datetime]
