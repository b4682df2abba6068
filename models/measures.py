"""Relief measures as data, and people's applications to join them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.register import Contract, Person, StaffMember

APPLICATION_STATUSES = ("submitted", "under_review", "approved", "rejected", "active", "failed")
OPEN_APPLICATION_STATUSES = ("submitted", "under_review", "approved", "active")


class MeasureRow(Base):
    """One measure as loaded from a measures file (`flask --app bot measures load`)."""

    __tablename__ = "measures"

    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    version: Mapped[str] = mapped_column(String(20))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str] = mapped_column(String(40), default="", server_default="")  # buttons and lists
    summary: Mapped[str] = mapped_column(Text)
    conditions: Mapped[str] = mapped_column(Text)
    classes: Mapped[list[Any]]
    roles: Mapped[list[Any]]
    documents: Mapped[list[Any]]
    next_step: Mapped[str] = mapped_column(String(12))
    audience: Mapped[str] = mapped_column(String(12), default="debtor")
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    params: Mapped[dict[str, Any]]
    loaded_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]  # no longer in the newest file


class MeasureApplication(Base):
    """A person's request to join a measure for one contract, and where it stands."""

    __tablename__ = "measure_applications"
    __table_args__ = (
        CheckConstraint(
            "status in ('submitted','under_review','approved','rejected','active','failed')", name="status_known"
        ),
        # One open application per person, contract and measure: the database says so.
        Index("uq_measure_applications_open", "person_id", "contract_id", "measure_id", unique=True,
              sqlite_where=text("status in ('submitted','under_review','approved','active')"),
              postgresql_where=text("status in ('submitted','under_review','approved','active')")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    measure_id: Mapped[str] = mapped_column(String(20))
    answers: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(14), default="submitted")
    submitted_at: Mapped[datetime]
    status_changed_at: Mapped[datetime]
    officer: Mapped[str | None] = mapped_column(String(200))  # who moved it last
    note: Mapped[str | None] = mapped_column(Text)  # the latest note
    # The two steps of M2's rule (DOMAIN.md), each with who took it: a staff member when the
    # product knows them (console, or X-Officer naming one), else only the name another program sent.
    reviewed_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str | None] = mapped_column(Text)
    decided_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)

    person: Mapped[Person] = relationship()
    contract: Mapped[Contract] = relationship()
    reviewer: Mapped[StaffMember | None] = relationship(foreign_keys=[reviewed_by_staff_id])
    decider: Mapped[StaffMember | None] = relationship(foreign_keys=[decided_by_staff_id])
