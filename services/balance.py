"""A person's money positions: every contract they are on, their role, and where it stands."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from domain.money import Position
from models.register import Contract, Membership, Person
from services.contracts import position_of


@dataclass(frozen=True)
class Holding:
    """One of a person's contracts, their role on it, and where it stands."""

    contract: Contract
    role: str
    position: Position


def holdings(session: Session, person: Person, as_of: date) -> list[Holding]:
    """Every contract the person is on (any role), oldest contract first."""
    memberships: Sequence[Membership] = session.scalars(
        select(Membership)
        .where(Membership.person_id == person.id)
        .options(joinedload(Membership.contract).selectinload(Contract.payments))  # two round trips, not three
    ).all()
    found = [Holding(m.contract, m.role, position_of(m.contract, as_of)) for m in memberships]
    return sorted(found, key=lambda h: (h.contract.contract_date, h.contract.project_code))


def open_holdings(session: Session, person: Person, as_of: date) -> list[Holding]:
    """The person's contracts whose status is not `closed`, oldest first."""
    return [h for h in holdings(session, person, as_of) if not h.position.closed]


def holding_of(session: Session, person: Person, contract_id: int, as_of: date) -> Holding | None:
    """The person's holding of this contract, or None when they are not on it (or it does not exist)."""
    return next((h for h in holdings(session, person, as_of) if h.contract.id == contract_id), None)
