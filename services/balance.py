"""A person's money positions: every contract they are on, their role, and where it stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, func, select, true
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from domain.money import Position, position
from models.register import Contract, Membership, Payment, Person
from services.contracts import payments_by_contract, terms_of

_HELD = (select(Contract, Membership.role).join(Membership, Membership.contract_id == Contract.id)
         .where(Membership.person_id == bindparam("person")))
# PostgreSQL: each contract's payments in the same statement, as two arrays in the order they were
# paid (one index scan of the contract's payments, through a LATERAL subquery; an aggregate with no
# GROUP BY gives one row, of NULLs for a contract not yet paid on).
_PAID = (select(func.array_agg(aggregate_order_by(Payment.paid_on, Payment.paid_on, Payment.id)).label("days"),
                func.array_agg(aggregate_order_by(Payment.amount, Payment.paid_on, Payment.id)).label("amounts"))
         .where(Payment.contract_id == Contract.id).lateral("paid"))
_HELD_AND_PAID = _HELD.join(_PAID, true()).add_columns(_PAID.c.days, _PAID.c.amounts)


@dataclass(frozen=True)
class Holding:
    """One of a person's contracts, their role on it, and where it stands."""

    contract: Contract
    role: str
    position: Position


def holdings(session: Session, person: Person, as_of: date) -> list[Holding]:
    """Every contract the person is on (any role), oldest contract first.

    A debtor's balance is the webhook's commonest answer, so the payments are never loaded as ORM
    objects (that cost more than the rest of the answer): on PostgreSQL they come with the contracts
    in one statement, as arrays; elsewhere in a second one, as plain rows."""
    if session.get_bind().dialect.name == "postgresql":
        found = [Holding(contract, role, position(terms_of(contract), list(zip(days or (), amounts or (),
                                                                                 strict=True)), as_of))
                 for contract, role, days, amounts in session.execute(_HELD_AND_PAID, {"person": person.id})]
    else:
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
