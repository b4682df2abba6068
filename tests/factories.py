"""Test-data factories: register rows with sensible defaults, written through a session."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from domain.identity import national_id_check_digit
from models import Area, Contract, Fund, LineLink, Membership, Payment, Person

_seq = itertools.count(1)
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def national_id(serial: int | None = None) -> str:
    first12 = f"38301{(serial or next(_seq)):07d}"
    return first12 + str(national_id_check_digit(first12))


def area(session: Session, district: str = "เมืองภูเก็ต", subdistrict: str = "ฉลอง", province: str = "ภูเก็ต") -> Area:
    """The subdistrict, with its district and province, created when missing."""
    parent: Area | None = None
    for level, name in (("province", province), ("district", district), ("subdistrict", subdistrict)):
        found = session.query(Area).filter_by(level=level, name=name, parent=parent).one_or_none()
        if found is None:
            found = Area(level=level, name=name, parent=parent)
            session.add(found)
            session.flush()
        parent = found
    assert parent is not None
    return parent


def contract(session: Session, *, where: Area | None = None, code: str | None = None, **fields: object) -> Contract:
    fund = session.query(Fund).filter_by(code="WDF").one_or_none() or Fund(code="WDF", name="กองทุนพัฒนาบทบาทสตรี")
    values: dict[str, object] = dict(
        project_code=code or f"PKT-2567-{next(_seq):04d}", project_name="กลุ่มสตรีทำขนมบ้านฉลอง",
        fund=fund, area=where or area(session), contract_date=date(2024, 1, 15), principal=Decimal("24000.00"),
        installment_count=24, first_due_date=date(2024, 2, 15), interval_months=1,
        interest_rate=Decimal("0.10"), default_rate=Decimal("7.5"), status="active",
        created_at=NOW, updated_at=NOW,
    )
    values.update(fields)
    row = Contract(**values)
    session.add(row)
    session.flush()
    return row


def person(session: Session, **fields: object) -> Person:
    values: dict[str, object] = dict(national_id=national_id(), first_name="สมศรี", last_name="แก้วประดับ",
                                     phone="0812345678", birth_date=date(1972, 2, 14))
    values.update(fields)
    row = Person(**values)
    session.add(row)
    session.flush()
    return row


def member(session: Session, of: Contract, who: Person, role: str = "borrower") -> Membership:
    row = Membership(contract=of, person=who, role=role)
    session.add(row)
    session.flush()
    return row


def payment(session: Session, of: Contract, paid_on: date, amount: str, reference: str = "") -> Payment:
    row = Payment(contract=of, paid_on=paid_on, amount=Decimal(amount), reference=reference)
    session.add(row)
    session.flush()
    return row


def link(session: Session, who: Person, line_user_id: str) -> LineLink:
    row = LineLink(line_user_id=line_user_id, person_id=who.id, consented_at=NOW, notice_version="test",
                   linked_at=NOW)
    session.add(row)
    session.flush()
    return row
