"""The loan register: areas, funds, contracts, people, their roles, payments, LINE links.

Personal fields are kept to what the fund's work needs (PDPA minimal collection):
national ID (to match the LM register and to verify identity), name, phone, birth date
(a verification factor), address and an optional map pin (for field visits).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.identity import full_name
from models.base import Base

Money = Numeric(14, 2)
Rate = Numeric(7, 3)

AREA_LEVELS = ("province", "district", "subdistrict", "village")
ROLES = ("borrower", "co_debtor", "guarantor")
CONTRACT_STATUSES = ("active", "litigation", "judgment", "closed")


class Area(Base):
    """Province → district → subdistrict → village, as data (nothing is hard-coded to Phuket)."""

    __tablename__ = "areas"
    __table_args__ = (
        UniqueConstraint("parent_id", "level", "name"),
        # NULLs are distinct in a unique constraint, so provinces (no parent) need their own.
        Index("uq_areas_root_level_name", "level", "name", unique=True,
              sqlite_where=text("parent_id IS NULL"), postgresql_where=text("parent_id IS NULL")),
        CheckConstraint("level in ('province','district','subdistrict','village')", name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)

    parent: Mapped[Area | None] = relationship(remote_side=[id])


class Fund(Base):
    """A lending fund; `WDF` is the Women's Development Fund."""

    __tablename__ = "funds"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class Contract(Base):
    """One loan contract of one project (โครงการ), with its repayment schedule parameters."""

    __tablename__ = "contracts"
    __table_args__ = (
        CheckConstraint("principal >= 0", name="principal_not_negative"),
        CheckConstraint("installment_count >= 1", name="installments_positive"),
        CheckConstraint("interval_months >= 1", name="interval_positive"),
        CheckConstraint(
            "status in ('active','litigation','judgment','closed')", name="status_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_code: Mapped[str] = mapped_column(String(40), unique=True)
    project_name: Mapped[str] = mapped_column(String(300))
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    contract_date: Mapped[date]
    principal: Mapped[Decimal] = mapped_column(Money)
    installment_count: Mapped[int]
    first_due_date: Mapped[date]
    interval_months: Mapped[int] = mapped_column(default=1)
    interest_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal("0.10"))
    default_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal("7.5"))
    status: Mapped[str] = mapped_column(String(12), default="active")
    demand_letter_date: Mapped[date | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    fund: Mapped[Fund] = relationship()
    area: Mapped[Area] = relationship()
    memberships: Mapped[list[Membership]] = relationship(back_populates="contract")
    payments: Mapped[list[Payment]] = relationship(
        back_populates="contract", order_by="Payment.paid_on"
    )


class Person(Base):
    """A debtor: borrower, co-debtor or guarantor on one or more contracts."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    national_id: Mapped[str] = mapped_column(String(13), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    birth_date: Mapped[date | None]
    address: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float | None]
    lng: Mapped[float | None]

    memberships: Mapped[list[Membership]] = relationship(back_populates="person")

    @property
    def full_name(self) -> str:
        """First and last name, as people read it (one rule: domain.identity.full_name)."""
        return full_name(self.first_name, self.last_name)


class Membership(Base):
    """A person's role on a contract."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("contract_id", "person_id"),
        CheckConstraint("role in ('borrower','co_debtor','guarantor')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(String(12))

    contract: Mapped[Contract] = relationship(back_populates="memberships")
    person: Mapped[Person] = relationship(back_populates="memberships")


class Payment(Base):
    """A payment received (from LM's Bill Payment export); the four columns identify it."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("contract_id", "paid_on", "amount", "reference"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    paid_on: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(Money)
    reference: Mapped[str] = mapped_column(String(60), default="")

    contract: Mapped[Contract] = relationship(back_populates="payments")


class LineLink(Base):
    """A LINE account proven to belong to a person, with the PDPA notice they accepted."""

    __tablename__ = "line_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), unique=True)
    consented_at: Mapped[datetime]
    notice_version: Mapped[str] = mapped_column(String(20))
    linked_at: Mapped[datetime]
    reminders_off_at: Mapped[datetime | None]  # `หยุดแจ้งเตือน`; None = personal reminders on

    person: Mapped[Person] = relationship()


class StaffMember(Base):
    """An officer or volunteer, known by their LINE user id, and the part of the register they look
    after: a district; or, with no district, a province (an officer of a province's fund office on
    a register of several provinces); or, with neither, the whole register."""

    __tablename__ = "staff_members"
    __table_args__ = (
        CheckConstraint("role in ('officer','volunteer')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(12))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))  # only with no district
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    district: Mapped[Area | None] = relationship(foreign_keys=[district_id])
    province: Mapped[Area | None] = relationship(foreign_keys=[province_id])

    @property
    def area_id(self) -> int | None:
        """The area they look after, by id: their district, else their province (None: everything)."""
        return self.district_id if self.district_id is not None else self.province_id


class VerificationAttempt(Base):
    """One try at proving identity in LINE (no typed values are kept, only the outcome).

    `subject` is the keyed digest of the national ID tried (domain.identity.national_id_key),
    so tries at one person are counted across accounts; NULL on tries kept before it was.
    """

    __tablename__ = "verification_attempts"
    __table_args__ = (
        Index("ix_verification_attempts_user_at", "line_user_id", "attempted_at"),
        Index("ix_verification_attempts_subject_at", "subject", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(64))
    attempted_at: Mapped[datetime]
    succeeded: Mapped[bool]
