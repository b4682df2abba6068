"""Contracts and their money positions, read from the register for the rules in domain.money.

The lists run set-based (one query for a whole district or province): they serve the
follow-up list, the reminders and the API.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Integer, Subquery, case, cast, extract, func, select
from sqlalchemy.orm import Session, selectinload

from domain.money import Position, Terms, position
from models.db import ids_param, in_ids
from models.register import Area, Contract, Membership, Payment, Person


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


_PAID = (select(Payment.contract_id, Payment.paid_on, Payment.amount)
         .where(in_ids(Payment.contract_id, ids_param("contracts")))
         .order_by(Payment.contract_id, Payment.paid_on, Payment.id))


def payments_by_contract(session: Session, contract_ids: Sequence[int]) -> dict[int, list[tuple[date, Decimal]]]:
    """The payments of these contracts as (paid on, amount), oldest first, read as plain rows."""
    paid: dict[int, list[tuple[date, Decimal]]] = {}
    if contract_ids:
        for contract_id, paid_on, amount in session.connection().execute(_PAID, {"contracts": list(contract_ids)}):
            paid.setdefault(contract_id, []).append((paid_on, Decimal(amount)))
    return paid


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


def contract_by_id(session: Session, contract_id: int) -> Contract | None:
    return session.get(Contract, contract_id)


def first_open_contract(session: Session, person_id: int) -> Contract | None:
    """The person's oldest contract that is not closed (what a settlement applies to)."""
    return session.scalars(select(Contract).join(Membership).where(
        Membership.person_id == person_id, Contract.status != "closed")
        .order_by(Contract.contract_date)).first()


def set_contract_status(contract: Contract, status: str) -> None:
    """The contract's status as an officer recorded it (active, litigation, judgment, closed)."""
    contract.status = status


@dataclass(frozen=True)
class ContractFacts:
    """What the jobs and lists need of a contract, read as plain columns (no ORM objects)."""

    id: int
    project_code: str
    project_name: str
    area_id: int
    status: str


def open_positions(session: Session, as_of: date, *, contract_ids: Any = None, area_ids: Sequence[int] | None = None,
                   owing_only: bool = False) -> list[tuple[ContractFacts, Position]]:
    """Positions of open contracts in one set-based query, by project code (`each_open_position`)."""
    return list(each_open_position(session, as_of, contract_ids=contract_ids, area_ids=area_ids,
                                   owing_only=owing_only, ordered=True))


POSITION_BATCH = 5000  # rows of the positions query turned into Python objects at a time


def each_open_position(session: Session, as_of: date, *, contract_ids: Any = None,
                       area_ids: Sequence[int] | None = None, owing_only: bool = False,
                       ordered: bool = False) -> Iterator[tuple[ContractFacts, Position]]:
    """Positions of open contracts in one set-based query: the province-wide path of the clock.

    The money rules need of the payments only their sum and the latest date up to `as_of`
    (payments go to installments oldest first), so the database adds them up: one row per
    contract comes back, however many payments it has. `contract_ids` may be a subquery
    selecting contract ids; `area_ids` limits to areas; `owing_only` leaves out, in the
    same query, contracts that cannot be behind on `as_of` (see `behind_condition`): the
    follow-up list and the prescription alerts need no others. `ordered`: by project code.

    Unless `contract_ids` is a list (a page's), the rows are read POSITION_BATCH at a time
    (PostgreSQL: a server-side cursor), so a caller
    that goes through them once (the stored list's refresh of a national register) never
    holds them all. Other statements may run between two rows, but not a COPY fed by them
    (the stored list writes what it computed a batch at a time).
    """
    chosen = [Contract.status != "closed"]
    if contract_ids is not None:
        chosen.append(Contract.id.in_(contract_ids))
    if area_ids is not None:
        chosen.append(in_ids(Contract.area_id, area_ids))
    paid_query = (select(Payment.contract_id, func.sum(Payment.amount).label("total"),
                         func.max(Payment.paid_on).label("last"))
                  .where(Payment.paid_on <= as_of).group_by(Payment.contract_id))
    if contract_ids is not None or area_ids is not None:  # add up only the payments of the contracts asked for
        paid_query = paid_query.where(Payment.contract_id.in_(select(Contract.id).where(*chosen)))
    paid = paid_query.subquery()
    query = (select(Contract.id, Contract.project_code, Contract.project_name, Contract.area_id, Contract.status,
                    Contract.contract_date, Contract.principal, Contract.installment_count,
                    Contract.first_due_date, Contract.interval_months, Contract.default_rate,
                    paid.c.total, paid.c.last)
             .outerjoin(paid, paid.c.contract_id == Contract.id).where(*chosen))
    if owing_only:
        query = query.where(behind_condition(as_of, paid.c.total))
    if ordered:
        query = query.order_by(Contract.project_code)
    # A list of ids is a page's worth, read at once: under a server-side cursor PostgreSQL plans for
    # the first rows fast (cursor_tuple_fraction), and for 55 ids walked every contract in project
    # code order instead of sorting 55 rows (95 ms against 10 at 100,000 contracts).
    streamed = not isinstance(contract_ids, list | tuple | set | frozenset)
    for r in session.execute(query.execution_options(yield_per=POSITION_BATCH) if streamed else query):
        terms = Terms(contract_date=r.contract_date, principal=Decimal(r.principal),
                      installment_count=r.installment_count, first_due_date=r.first_due_date,
                      interval_months=r.interval_months, default_rate=Decimal(r.default_rate), status=r.status)
        payments = [(r.last, Decimal(r.total))] if r.last is not None else []
        yield (ContractFacts(r.id, r.project_code, r.project_name, r.area_id, r.status),
               position(terms, payments, as_of))


def satang(amount: Any) -> ColumnElement[int]:
    """An amount of baht as whole satang, exact on every backend (SQLite sums money as floats)."""
    return cast(func.round(amount * 100), Integer)


def paid_up_to(as_of: date, contract_ids: Any) -> Subquery:
    """Each of these contracts' payments up to `as_of`, added up by the database: (contract_id, total).
    The money rules need of the payments only their sum (they go to installments oldest first)."""
    return (select(Payment.contract_id, func.sum(Payment.amount).label("total"))
            .where(Payment.paid_on <= as_of, Payment.contract_id.in_(contract_ids))
            .group_by(Payment.contract_id).subquery())


def behind_condition(as_of: date, paid_total: Any) -> ColumnElement[bool]:
    """True for every contract that may have an unpaid installment due before `as_of`.

    A superset, cheap enough for the whole province in SQL, in whole satang so that it is
    exact on every backend: the installments due before `as_of` are at most those whose
    month is `as_of`'s or earlier (one too many at worst, in the days before a due day),
    and the first c of them sum to c regular installments (`installment_amounts`: the
    principal ÷ count rounded half up, or down for tiny principals), or the whole
    principal once all are due. A contract whose payments up to `as_of` (`paid_total`)
    reach that is neither in default nor owing after its term; the money rules run only
    for the rest.
    """
    count = Contract.installment_count
    principal = satang(Contract.principal)
    half_up = (principal * 2 + count) // (count * 2)
    regular = case((half_up * (count - 1) > principal, principal // count), else_=half_up)
    months = (cast(extract("year", Contract.first_due_date), Integer) * 12
              + cast(extract("month", Contract.first_due_date), Integer))
    elapsed = (as_of.year * 12 + as_of.month) - months
    due_count = case((elapsed < 0, 0), else_=elapsed // Contract.interval_months + 1)
    due_at_most = case((due_count >= count, principal), else_=due_count * regular)
    # payments are whole satang; half a satang absorbs SQLite's floating-point sums
    return (due_count > 0) & (func.coalesce(paid_total, 0) * 100 < due_at_most - Decimal("0.5"))


def project_codes_in(session: Session, area_ids: Sequence[int]) -> set[str]:
    """Project codes of the contracts of these areas (the console's area filter)."""
    codes: set[str] = set()
    ids = list(area_ids)
    for start in range(0, len(ids), 1000):
        batch = ids[start:start + 1000]
        codes.update(session.scalars(select(Contract.project_code).where(Contract.area_id.in_(batch))))
    return codes


@dataclass(frozen=True)
class MemberFacts:
    """Who is on a contract, as a button to their card needs it."""

    person_id: int
    first_name: str
    role: str


ROLE_ORDER = ("borrower", "co_debtor", "guarantor")


def members_of(session: Session, contract_ids: Sequence[int]) -> dict[int, list[MemberFacts]]:
    """contract id → its people, the main borrower first (one query per thousand contracts)."""
    found: dict[int, list[MemberFacts]] = {contract_id: [] for contract_id in contract_ids}
    ids = list(contract_ids)
    for start in range(0, len(ids), 1000):
        rows = session.execute(select(Membership.contract_id, Person.id, Person.first_name, Membership.role)
                               .join(Person, Person.id == Membership.person_id)
                               .where(Membership.contract_id.in_(ids[start:start + 1000])))
        for contract_id, person_id, first_name, role in rows:
            found[contract_id].append(MemberFacts(person_id, first_name, role))
    for members in found.values():
        members.sort(key=lambda m: (ROLE_ORDER.index(m.role) if m.role in ROLE_ORDER else 9, m.first_name))
    return found
