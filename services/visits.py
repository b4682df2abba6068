"""What officers do about a person: search, the history card, visits, promises to pay, map pins.

Helpers take a session and never commit; every change joins the caller's transaction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    ColumnExpressionArgument,
    CompoundSelect,
    Select,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
    true,
    union,
)
from sqlalchemy.orm import Session, selectinload

from domain.clock import BANGKOK
from domain.textnorm import to_ascii_digits, without_title
from domain.visits import PromiseStatus, pins_home, promise_status, promise_to_show
from models.appointments import AppointmentSession, Booking
from models.db import Ids, ids_param, in_ids, table_of
from models.field import FieldUpdate
from models.measures import MeasureApplication
from models.register import Contract, Membership, Payment, Person, StaffMember
from models.visits import PromiseToPay, Visit
from services.areas import Scope, area_ids_under, district_of
from services.balance import Holding, holdings

SEARCH_LIMIT = 10
_CODE_LIKE = re.compile(r"^[A-Za-z]{2,5}-[\dA-Za-z-]*$")

# --- search ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    people: list[Person]
    more: bool  # there were more than SEARCH_LIMIT: ask for a narrower search


def in_scope(area_ids: Ids | None) -> ColumnElement[bool]:
    """People an officer may look at: on a contract of their district (None: the province).

    PDPA: access only for those who need it. Someone on no contract at all has no district
    to scope by and stays visible to every officer.
    """
    if area_ids is None:
        return true()
    return or_(on_contract_in(Person.id, area_ids), ~on_a_contract(Person.id))


# Scoping is asked of one row at a time (a person, a request, an update), so it is written as
# correlated EXISTS: an index probe of memberships by person per row. `IN (members of the
# district)` inside an OR made PostgreSQL hash every member of the district for each query (75 ms
# for one person's page at 100,000 contracts), and `NOT IN (every member)` could not be hashed
# at all once the register outgrew work_mem: a district officer's name search scanned the whole
# memberships table once per person it looked at (145 s at 100,000 contracts; docs/PERFORMANCE.md).
# Aliases of their own, so that a query which itself joins memberships or contracts (the map's)
# correlates only `who` into them, never its own rows.
_member = table_of(Membership).alias("scope_member")
_contract = table_of(Contract).alias("scope_contract")


def on_contract_in(who: ColumnExpressionArgument[Any], area_ids: Ids) -> ColumnElement[bool]:
    """`who` (a person's id, per row) is on a contract of these areas."""
    return exists().where(_member.c.person_id == who, _contract.c.id == _member.c.contract_id,
                          in_ids(_contract.c.area_id, area_ids))


def on_a_contract(who: ColumnExpressionArgument[Any]) -> ColumnElement[bool]:
    """`who` (a person's id, per row) is on some contract, anywhere."""
    return exists().where(_member.c.person_id == who)


def people_in_scope(area_ids: Ids) -> CompoundSelect:
    """The ids of the people `in_scope(area_ids)` admits, as one set: those on a contract of these areas,
    and those on no contract at all. For a query over everyone pinned or listed (the map), where
    asking `in_scope` of each row probed memberships once per person of the whole register (2.0 s
    for a district's map at 1M contracts); this reads the district's members through its contracts
    and the people on no contract in one anti-join."""
    here = (select(_member.c.person_id).join(_contract, _contract.c.id == _member.c.contract_id)
            .where(in_ids(_contract.c.area_id, area_ids)))
    nowhere = select(Person.id).where(~exists().where(_member.c.person_id == Person.id))
    return union(here, nowhere)


def find_people(session: Session, text: str, area_ids: Sequence[int] | None = None) -> Found:
    """People by project code, name (every word), national ID digits or phone digits, within `area_ids`."""
    query = to_ascii_digits(text).strip()
    words = [w for w in (without_title(word) for word in query.split()) if w]
    if not words:
        return Found([], False)
    stmt = (select(Person).where(in_scope(area_ids))
            .order_by(Person.first_name, Person.last_name, Person.id).limit(SEARCH_LIMIT + 1))
    compact = re.sub(r"[\s\-]", "", query)
    if _CODE_LIKE.match(query):
        on_contract = select(Membership.person_id).join(Contract).where(
            func.upper(Contract.project_code).startswith(query.upper()))
        stmt = stmt.where(Person.id.in_(on_contract))
    elif compact.isdigit():
        if len(compact) < 3:
            return Found([], False)
        if len(compact) == 13:
            stmt = stmt.where(Person.national_id == compact)
        else:
            stmt = stmt.where(or_(Person.national_id.endswith(compact), Person.phone.endswith(compact)))
    else:
        stmt = stmt.where(and_(*(or_(Person.first_name.contains(w, autoescape=True),
                                     Person.last_name.contains(w, autoescape=True)) for w in words)))
    people = list(session.scalars(stmt))
    return Found(people[:SEARCH_LIMIT], len(people) > SEARCH_LIMIT)



def person_in_scope(session: Session, person_id: int, area_ids: Sequence[int] | None) -> Person | None:
    """The person with this id, if still in the register and within `area_ids` (None: the province)."""
    return session.scalars(select(Person).where(Person.id == person_id, in_scope(area_ids))).one_or_none()


def members_in_scope(session: Session, project_code: str, area_ids: Sequence[int] | None) -> list[Person]:
    """The people on the project with this code, borrower first, if it lies within `area_ids`."""
    query = (select(Person).join(Membership, Membership.person_id == Person.id).join(Contract)
             .where(Contract.project_code == project_code).order_by(Membership.id))
    if area_ids is not None:
        query = query.where(in_ids(Contract.area_id, area_ids))
    return list(session.scalars(query))


def contracts_of(session: Session, person_ids: Sequence[int], *, open_only: bool = False,
                 area_ids: Sequence[int] | None = None) -> dict[int, list[tuple[int, str]]]:
    """person id → [(contract id, project code)], oldest contract first: no payments, no money rules.
    `area_ids`: only the contracts an officer of those areas may see (None: every one)."""
    if not person_ids:  # an officer's list with no one waiting: no round trip for nothing
        return {}
    query = (select(Membership.person_id, Contract.id, Contract.project_code).join(Contract)
             .where(in_ids(Membership.person_id, person_ids)).order_by(Contract.contract_date, Contract.project_code))
    if open_only:
        query = query.where(Contract.status != "closed")
    if area_ids is not None:
        query = query.where(in_ids(Contract.area_id, area_ids))
    found: dict[int, list[tuple[int, str]]] = {person_id: [] for person_id in person_ids}
    for person_id, contract_id, code in session.execute(query):
        found[person_id].append((contract_id, code))
    return found


# --- promises -------------------------------------------------------------------------------


def payments_by_contract(session: Session, contract_ids: Sequence[int]) -> dict[int, list[tuple[date, Decimal]]]:
    paid: dict[int, list[tuple[date, Decimal]]] = {}
    for start in range(0, len(contract_ids), 1000):
        for contract_id, paid_on, amount in session.execute(
                select(Payment.contract_id, Payment.paid_on, Payment.amount)
                .where(Payment.contract_id.in_(contract_ids[start:start + 1000]))):
            paid.setdefault(contract_id, []).append((paid_on, Decimal(amount)))
    return paid


def statuses(session: Session, promises: Sequence[PromiseToPay], as_of: date) -> dict[int, PromiseStatus]:
    """promise id → kept, broken or pending on `as_of`, read off the imported payments."""
    paid = payments_by_contract(session, sorted({p.contract_id for p in promises}))
    return {p.id: promise_status(Decimal(p.amount), p.made_on, p.due_on, paid.get(p.contract_id, []), as_of)
            for p in promises}


@dataclass(frozen=True)
class PromiseRow:
    promise: PromiseToPay
    status: PromiseStatus
    reason: str  # promise_broken | promise_kept


def promises_to_follow(session: Session, as_of: date, district: Scope | None = None) -> list[PromiseRow]:
    """Promises that belong on today's list: broken ones not yet revisited, kept ones this week."""
    window_start = as_of - timedelta(days=120)  # older promises were followed up long ago
    promises = list(session.scalars(_PROMISES[bool(district)], {
        "since": window_start, "as_of": as_of, "areas": area_ids_under(session, district) if district else None}))
    if not promises:
        return []
    found = statuses(session, promises, as_of)
    later_visits = {(contract_id, visited_on) for contract_id, visited_on in session.execute(
        _VISITS_SINCE, {"contracts": sorted({p.contract_id for p in promises}), "since": window_start})}
    rows = []
    for promise in promises:
        revisited = any(c == promise.contract_id and day > promise.due_on for c, day in later_visits)
        reason = promise_to_show(found[promise.id], as_of, revisited)
        if reason:
            rows.append(PromiseRow(promise, found[promise.id], reason))
    return sorted(rows, key=lambda r: (r.reason != "promise_broken", r.promise.due_on, r.promise.id))


def _promises(scoped: bool) -> Select[PromiseToPay]:
    query = (select(PromiseToPay)
             .where(PromiseToPay.due_on >= bindparam("since"), PromiseToPay.made_on <= bindparam("as_of"))
             .options(selectinload(PromiseToPay.contract), selectinload(PromiseToPay.visit))
             .order_by(PromiseToPay.due_on, PromiseToPay.id))
    if scoped:
        query = query.join(Contract, Contract.id == PromiseToPay.contract_id).where(
            in_ids(Contract.area_id, ids_param("areas")))
    return query


# built once (every officer's list asks them; building one costs more than running it)
_PROMISES = {scoped: _promises(scoped) for scoped in (False, True)}
_VISITS_SINCE = select(Visit.contract_id, Visit.visited_on).where(
    in_ids(Visit.contract_id, ids_param("contracts")), Visit.visited_on >= bindparam("since"))


# --- the history card -----------------------------------------------------------------------


@dataclass(frozen=True)
class SeenVisit:
    """A visit as a person's history shows it.

    A visit belongs to the person visited: their note is about them. A visit recorded about
    a contract alone (no one person) shows to each of its members, without its note.
    """

    id: int
    visited_on: date
    officer_name: str
    outcome: str
    measure_id: str | None
    note: str
    about_contract: bool  # recorded about the contract, not about this person

    @classmethod
    def of(cls, visit: Visit, person_id: int) -> SeenVisit:
        own = visit.person_id == person_id
        return cls(visit.id, visit.visited_on, visit.officer_name, visit.outcome, visit.measure_id,
                   visit.note if own else "", not own)


@dataclass(frozen=True)
class History:
    """Everything the next officer needs about one person."""

    person: Person
    holdings: list[Holding]
    visits: list[tuple[SeenVisit, PromiseToPay | None, PromiseStatus | None]]
    applications: list[MeasureApplication]
    bookings: list[Booking]
    updates: list[FieldUpdate]


def visits_about(person_id: int, contract_ids: Sequence[int]) -> ColumnElement[bool]:
    """The visits a person's history shows: to them, or about one of their contracts and no one person
    (a visit to a co-debtor on a shared contract is the co-debtor's, with their private note)."""
    own = Visit.person_id == person_id
    if not contract_ids:
        return own
    return or_(own, and_(Visit.person_id.is_(None), Visit.contract_id.in_(contract_ids)))


def history(session: Session, person: Person, as_of: date, *, visits: int = 5, updates: int = 3,
            area_ids: Sequence[int] | None = None) -> History:
    """A person's contracts, visits, promises, applications, bookings and field updates, as an officer
    of `area_ids` sees them (None: everything): a contract of theirs in another district is not
    shown, nor its documents or updates; what is about the person is."""
    held = holdings(session, person, as_of)
    if area_ids is not None:
        here = set(area_ids)
        held = [h for h in held if h.contract.area_id in here]
    contract_ids = [h.contract.id for h in held]
    recent = list(session.scalars(select(Visit).where(visits_about(person.id, contract_ids))
                                  .order_by(Visit.visited_on.desc(), Visit.id.desc()).limit(visits)))
    promised = {p.visit_id: p for p in session.scalars(
        select(PromiseToPay).where(PromiseToPay.visit_id.in_([v.id for v in recent])))}
    found = statuses(session, list(promised.values()), as_of)
    now = datetime(as_of.year, as_of.month, as_of.day, tzinfo=BANGKOK)
    bookings = list(session.scalars(
        select(Booking).join(AppointmentSession)
        .where(Booking.person_id == person.id, Booking.status == "booked", Booking.slot_start >= now)
        .options(selectinload(Booking.session)).order_by(Booking.slot_start)))
    applications = list(session.scalars(
        select(MeasureApplication).where(MeasureApplication.person_id == person.id)
        .order_by(MeasureApplication.submitted_at.desc()).limit(5)))
    update_about = or_(FieldUpdate.person_id == person.id, FieldUpdate.contract_id.in_(contract_ids)) if (
        contract_ids) else (FieldUpdate.person_id == person.id)
    recent_updates = list(session.scalars(select(FieldUpdate).where(update_about)
                                          .order_by(FieldUpdate.created_at.desc()).limit(updates)))
    return History(person, held, [(SeenVisit.of(v, person.id), promised.get(v.id),
                                   found.get(promised[v.id].id) if v.id in promised else None)
                                  for v in recent], applications, bookings, recent_updates)


# --- recording a visit, and the map pin ---------------------------------------------------------


def record_visit(session: Session, *, officer: StaffMember, person_id: int, contract_id: int | None, outcome: str,
                 measure: str | None, note: str, promise: tuple[Decimal, date] | None, today: date,
                 now: datetime) -> tuple[Visit, PromiseToPay | None]:
    """Store a visit, and the promise to pay made at it when it was about a contract still there.

    The visit counts for the contract's district (for the district report), or, about no
    open contract, for the officer's.
    """
    contract = session.get(Contract, contract_id) if contract_id else None
    district = district_of(contract.area) if contract is not None else None
    visit = Visit(officer=officer.line_user_id, officer_name=officer.name, person_id=person_id,
                  contract_id=contract.id if contract else None,
                  district_id=district.id if district is not None else officer.district_id,
                  visited_on=today, outcome=outcome, measure_id=measure, note=note, created_at=now)
    session.add(visit)
    session.flush()
    promised = None
    if promise is not None and contract is not None:
        promised = PromiseToPay(visit_id=visit.id, contract_id=contract.id, person_id=person_id,
                                amount=promise[0], made_on=today, due_on=promise[1])
        session.add(promised)
    return visit, promised


def pin_visit(session: Session, visit_id: int, lat: float | None, lng: float | None) -> bool:
    """Where a visit took place, and the person's map pin when that is their home; False: no such visit."""
    visit = session.get(Visit, visit_id)
    if visit is None:
        return False
    visit.lat, visit.lng = lat, lng
    person = visit.person
    if person is not None and pins_home(visit.outcome):
        person.lat, person.lng = lat, lng
    return True


def field_update(session: Session, update_id: int) -> FieldUpdate | None:
    return session.get(FieldUpdate, update_id)


def subject_of(session: Session, update: FieldUpdate) -> Person | None:
    """The person a field update is about, once the update is stored (its id goes on the pin button)."""
    person = session.get(Person, update.person_id) if update.person_id is not None else None
    if person is not None:
        session.flush()
    return person


def pin_from_update(session: Session, update: FieldUpdate, now: datetime) -> Person | None:
    """The update's location becomes the map pin of the person it is about."""
    person = session.get(Person, update.person_id) if update.person_id is not None else None
    if person is not None:
        person.lat, person.lng = update.lat, update.lng
        update.pinned_at = now
    return person


def latest_located_update(session: Session, person_id: int) -> FieldUpdate | None:
    """The newest field update about this person that carries a location (the console offers it as the pin)."""
    return session.scalars(select(FieldUpdate).where(FieldUpdate.person_id == person_id,
                                                     FieldUpdate.lat.is_not(None), FieldUpdate.lng.is_not(None))
                           .order_by(FieldUpdate.created_at.desc(), FieldUpdate.id.desc()).limit(1)).first()


def located_update_of(session: Session, person_id: int, update_id: int) -> FieldUpdate | None:
    """That update, if it is about this person and carries a location."""
    update = session.get(FieldUpdate, update_id)
    if update is None or update.person_id != person_id or update.lat is None or update.lng is None:
        return None
    return update


def set_pin(person: Person, lat: float, lng: float) -> None:
    """An officer sets or corrects the person's map pin by hand (the console)."""
    person.lat, person.lng = lat, lng
