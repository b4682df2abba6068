"""Reading the register for the rules: contracts with their payments, a person's contracts.

Helpers take a session and never commit; they turn rows into the plain values the pure
rules in domain/ work on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from domain.money import Position, Terms, position
from models.measures import MeasureApplication
from models.register import Area, Contract, LineLink, Membership, Person


def terms_of(contract: Contract) -> Terms:
    return Terms(
        contract_date=contract.contract_date,
        principal=Decimal(contract.principal),
        installment_count=contract.installment_count,
        first_due_date=contract.first_due_date,
        interval_months=contract.interval_months,
        default_rate=Decimal(contract.default_rate),
        status=contract.status,
    )


def payments_of(contract: Contract) -> list[tuple[date, Decimal]]:
    return [(p.paid_on, Decimal(p.amount)) for p in contract.payments]


def position_of(contract: Contract, as_of: date) -> Position:
    """The money rules applied to a loaded contract (its payments must be loaded)."""
    return position(terms_of(contract), payments_of(contract), as_of)


def contract_by_code(session: Session, project_code: str) -> Contract | None:
    return session.scalars(
        select(Contract)
        .where(Contract.project_code == project_code)
        .options(selectinload(Contract.payments), selectinload(Contract.memberships).selectinload(Membership.person),
                 selectinload(Contract.area).selectinload(Area.parent))
    ).one_or_none()


def linked_person(session: Session, line_user_id: str) -> Person | None:
    """The person this LINE account was proven to be, if any."""
    return session.scalars(
        select(Person).join(LineLink, LineLink.person_id == Person.id).where(LineLink.line_user_id == line_user_id)
    ).one_or_none()


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
        .options(selectinload(Membership.contract).selectinload(Contract.payments))
    ).all()
    found = [Holding(m.contract, m.role, position_of(m.contract, as_of)) for m in memberships]
    return sorted(found, key=lambda h: (h.contract.contract_date, h.contract.project_code))


def area_path(area: Area | None) -> dict[str, str]:
    """{"province": …, "district": …, "subdistrict": …, "village": …} for an area."""
    names: dict[str, str] = {}
    while area is not None:
        names[area.level] = area.name
        area = area.parent
    return names


def contracts_in(session: Session, district: str | None = None) -> Sequence[Contract]:
    """Open contracts with their payments, optionally only those under a district (by name)."""
    query = select(Contract).where(Contract.status != "closed").options(selectinload(Contract.payments))
    if district:
        query = query.where(Contract.area_id.in_(_areas_under(session, district)))
    return session.scalars(query.order_by(Contract.project_code)).all()


def _areas_under(session: Session, district: str) -> list[int]:
    """Ids of the district named and every area below it."""
    frontier = list(session.scalars(select(Area.id).where(Area.level == "district", Area.name == district)))
    found = list(frontier)
    while frontier:
        frontier = list(session.scalars(select(Area.id).where(Area.parent_id.in_(frontier))))
        found.extend(frontier)
    return found


def applications_awaiting(session: Session, district: str | None = None) -> Sequence[MeasureApplication]:
    """Measure applications an officer still has to act on, oldest first."""
    query = (select(MeasureApplication)
             .where(MeasureApplication.status.in_(("submitted", "under_review")))
             .options(selectinload(MeasureApplication.person), selectinload(MeasureApplication.contract))
             .order_by(MeasureApplication.submitted_at, MeasureApplication.id))
    if district:
        query = query.join(Contract, Contract.id == MeasureApplication.contract_id).where(
            Contract.area_id.in_(_areas_under(session, district)))
    return session.scalars(query).all()
