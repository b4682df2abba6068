"""A person's money positions: every contract they are on, their role, and where it stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from domain.money import Position, position
from models.register import Contract, Membership, Person
from services.contracts import payments_by_contract, terms_of

_HELD = (select(Contract, Membership.role).join(Membership, Membership.contract_id == Contract.id)
         .where(Membership.person_id == bindparam("person")))


@dataclass(frozen=True)
class Holding:
    """One of a person's contracts, their role on it, and where it stands."""

    contract: Contract
    role: str
    position: Position


def holdings(session: Session, person: Person, as_of: date) -> list[Holding]:
    """Every contract the person is on (any role), oldest contract first.

    Two round trips: the contracts with the person's role on each, then their payments as plain
    rows (a debtor's balance is the webhook's commonest answer, and loading each payment as an
    ORM object cost more than the rest of the answer)."""
    held = session.execute(_HELD, {"person": person.id}).all()
    paid = payments_by_contract(session, [contract.id for contract, _ in held])
    found = [Holding(contract, role, position(terms_of(contract), paid.get(contract.id, []), as_of))
             for contract, role in held]
    return sorted(found, key=lambda h: (h.contract.contract_date, h.contract.project_code))


def open_holdings(session: Session, person: Person, as_of: date) -> list[Holding]:
    """The person's contracts whose status is not `closed`, oldest first."""
    return [h for h in holdings(session, person, as_of) if not h.position.closed]


def holding_of(session: Session, person: Person, contract_id: int, as_of: date) -> Holding | None:
    """The person's holding of this contract, or None when they are not on it (or it does not exist)."""
    return next((h for h in holdings(session, person, as_of) if h.contract.id == contract_id), None)
