"""The officers' follow-up list, built once for the JSON API, `วันนี้` and the morning digest.

Rows are values (`domain.followups.FollowupRow`): why a row is listed, its numbers and
dates; messages/ turns them into the words officers read. The register's part is stored
ahead by `services.standing` and read from there while it is current.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import Select, and_, bindparam, or_, select
from sqlalchemy.orm import Session, selectinload

from domain.clock import BANGKOK
from domain.followups import Followup, FollowupRow, reason_for
from domain.followups import followups as order_followups
from domain.identity import mask_national_id
from domain.money import Position
from models import Booking, Contract, FieldUpdate, LineGroup, MeasureApplication, StaffMember
from models.db import ids_param, in_ids
from services import standing
from services.appointments import bookings_on
from services.areas import DistrictNames, Scope, area_ids_under, district_of_areas, provinces_of
from services.contracts import ContractFacts, each_open_position, open_positions
from services.measure_store import measure_labels
from services.visits import on_a_contract, on_contract_in, promises_to_follow


def money(value: Any) -> str | None:
    return None if value is None else f"{value.quantize(type(value)('0.01'))}"


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def position_fields(p: Position) -> dict[str, Any]:
    """A position as the JSON API shows it (money as strings with two decimals)."""
    return {
        "class": p.debtor_class,
        "class_name": p.class_name,
        "outstanding_principal": money(p.outstanding_principal),
        "overdue_amount": money(p.overdue_amount),
        "overdue_installments": p.overdue_installments,
        "next_due_date": iso(p.next_due_date),
        "next_due_amount": money(p.next_due_amount),
        "last_payment_date": iso(p.last_payment_date),
        "contract_end_date": iso(p.contract_end_date),
        "days_to_prescription": p.days_to_prescription,
        "default_interest": money(p.default_interest),
    }


def register_row(item: Followup, project_name: str, district: str | None) -> dict[str, Any]:
    """A register row of the list: why the contract is on it, and its position."""
    return {
        "project_code": item.project_code,
        "project_name": project_name,
        "district": district,
        "reason": item.reason,
        **position_fields(item.position),
    }


def live_register(session: Session, as_of: date,
                  area_ids: list[int] | None) -> tuple[list[Followup], dict[str, ContractFacts]]:
    """The register part computed now: the money rules over every contract that may be behind."""
    facts = open_positions(session, as_of, area_ids=area_ids, owing_only=True)
    return order_followups((f.project_code, p) for f, p in facts), {f.project_code: f for f, _ in facts}


def refresh_followups(session: Session, as_of: date, now: datetime) -> int:
    """Compute the province's register rows for `as_of` and store them (`services.standing`).

    The positions stream (`each_open_position`) and each row goes to the store with where it
    ranks (`Followup.order`); the database puts them in order. So a national register's
    refresh holds a batch of rows, not the list (it held 1.7 GB at 1M contracts)."""
    districts = district_of_areas(session)

    def compute() -> Iterator[tuple[int, int | None, dict[str, Any], tuple[int, int]]]:
        for facts, p in each_open_position(session, as_of, owing_only=True):
            reason = reason_for(p)
            if reason is None:
                continue
            item = Followup(facts.project_code, reason, p)
            district = districts.get(facts.area_id)
            yield (facts.id, district.id if district else None,
                   register_row(item, facts.project_name, district.name if district else None), item.order)

    return standing.refresh(session, as_of, now, compute)


def bring_up_to_date(session: Session, as_of: date, now: datetime) -> int | None:
    """Store the list for `as_of` unless it is current (the rows stored, or None). One at a time:
    a caller that finds a refresh under way waits for it, then finds the list current (the clock's
    minute refresh and the morning digest start together)."""
    standing.wait_for_refresh(session)
    if standing.is_fresh(session, as_of):
        return None
    return refresh_followups(session, as_of, now)


@dataclass(frozen=True)
class FollowupList:
    """One officer's list, or a page of it, with what the whole list holds."""

    rows: list[FollowupRow]
    total: int  # rows in the whole list
    counts: dict[str, int]  # the whole list's rows per reason, in the list's order
    stored: bool  # the register rows were read from the stored list, not computed now
    made_at: datetime | None = None  # set: the register rows are the stored list as it was then (`ListParts`)


@dataclass(frozen=True)
class ListParts:
    """The follow-up list in its two parts: the register's rows, read a slice at a time, and the
    rest (promises, applications, today's sessions, field updates), few and built whole."""

    count: Callable[[], int]  # rows in the register's part (asked after `register_rows`: it may tell)
    register_rows: Callable[[int, int | None], list[FollowupRow]]  # rows start..stop of the register's part
    others: list[FollowupRow]
    counts: dict[str, int]  # the whole list's rows per reason, in the list's order (empty: not counted)
    stored: bool  # the register rows are read from the stored list, not computed now
    #: None: the register rows are current. Else when the stored rows read were made: the register
    #: changed or the day turned since, and the list is too long to compute within a request
    #: (`services.standing.stored_part`); whoever reads it is told that time.
    made_at: datetime | None = None

    @property
    def register_count(self) -> int:
        return self.count()


#: Which rows of a narrowed list are kept, of those not read from the stored list (computed live, and
#: the rows after the register's): the caller's test, the same as its `standing.Narrowing` in SQL.
Keep = Callable[[FollowupRow], bool]


def list_parts(session: Session, as_of: date, district: Scope | None = None, *, counted: bool = True,
               of_today: bool = True, narrowing: standing.Narrowing | None = None,
               keep: Keep | None = None) -> ListParts:
    """The list's parts (see `followup_list`); the officer's list in LINE orders them its own way.
    `of_today`: `as_of` is the clock's day (the stored list of the day before may stand in, behind,
    until the clock stores today's: `services.standing.stored_part`).

    `narrowing` and `keep` (both or neither, and only uncounted): the stored rows are narrowed in
    SQL, page by page; every other row is kept or not by `keep`."""
    if (narrowing is None) != (keep is None) or (narrowing is not None and counted):
        raise ValueError("a narrowed list takes both narrowing and keep, and is not counted")
    districts = DistrictNames(session)
    area_ids = area_ids_under(session, district) if district else None
    others = other_rows(session, as_of, district, districts, area_ids)
    if keep is not None:
        others = [row for row in others if keep(row)]
    stored = standing.stored_part(session, as_of, area_ids, of_today=of_today)
    fetch: Callable[[int, int | None], list[FollowupRow]]
    count: Callable[[], int]
    if stored is not None:
        counts = stored.counts() if counted else {}
        if narrowing is not None:
            narrowed = standing.NarrowedRows(stored, narrowing)
            fetch, count = narrowed.rows, narrowed.count
        else:
            in_register = sum(counts.values()) if counted else stored.count()
            fetch, count = stored.rows, partial(int, in_register)
    else:
        items, facts = live_register(session, as_of, area_ids)
        counts = {}
        for item in items if counted else ():
            counts[item.reason] = counts.get(item.reason, 0) + 1

        def row_of(item: Followup) -> FollowupRow:
            return FollowupRow(register_row(item, facts[item.project_code].project_name,
                                            districts.get(facts[item.project_code].area_id)))

        if keep is not None:  # computed live (a short list, `standing.LIVE_ROWS`, or no clock running): built whole
            kept = [row for row in map(row_of, items) if keep(row)]
            count = partial(len, kept)

            def fetch(start: int, stop: int | None) -> list[FollowupRow]:
                return kept[start:stop]
        else:
            count = partial(len, items)

            def fetch(start: int, stop: int | None) -> list[FollowupRow]:
                return [row_of(item) for item in items[start:stop]]
    for row in others if counted else ():
        counts[row.reason] = counts.get(row.reason, 0) + 1
    return ListParts(count, fetch, others, counts, stored is not None, stored.made_at if stored else None)


def followup_list(session: Session, as_of: date, district: Scope | None = None, *, offset: int = 0,
                  limit: int | None = None, register_limit: int | None = None, counted: bool = True,
                  of_today: bool = True, narrowing: standing.Narrowing | None = None,
                  keep: Keep | None = None) -> FollowupList:
    """Time-barred, then the 5-year limit within 180 days, then defaults, then promises,
    applications, today's appointments and field updates: rows offset..offset+limit.

    The register rows come from the stored list when it was computed for `as_of` from the
    register as it is now (`services.standing`), else they are computed here. `register_limit`
    keeps at most that many register rows and every other row.
    `counted=False` leaves `counts` empty: only the total is read (a page that shows no counts).
    `of_today=False`: `as_of` is a day other than the clock's (see `list_parts`).
    `narrowing` and `keep`: only the rows under them (see `list_parts`); `total` counts those.
    """
    parts = list_parts(session, as_of, district, counted=counted, of_today=of_today, narrowing=narrowing, keep=keep)
    others = parts.others
    offset = max(0, offset)
    stop = None if limit is None else offset + max(0, limit)
    register_stop = stop if register_limit is None else register_limit if stop is None else min(stop, register_limit)
    # the page first: a narrowed list's count is then known without counting when the page ends it
    rows = parts.register_rows(offset, register_stop) if register_stop is None or offset < register_stop else []
    in_register = parts.register_count
    rows += others[max(0, offset - in_register):None if stop is None else max(0, stop - in_register)]
    return FollowupList(rows, in_register + len(others), parts.counts, parts.stored, parts.made_at)


def made_at(session: Session, as_of: date, district: Scope | None = None) -> datetime | None:
    """When the register rows `followup_list` and `followup_batches` give were made, if they are the
    stored list as it was (see `ListParts.made_at`); None when they are current."""
    stored = standing.stored_part(session, as_of, area_ids_under(session, district) if district else None)
    return stored.made_at if stored is not None else None


def other_rows(session: Session, as_of: date, district: Scope | None, districts: Mapping[int, str],
               area_ids: list[int] | None) -> list[FollowupRow]:
    """The rows after the register's: promises, applications, today's appointments, field updates."""
    return (promise_rows(session, as_of, district, districts)
            + application_rows(session, applications_awaiting(session, district), districts)
            + appointment_rows(session, as_of, provinces_of(session, district))
            + field_update_rows(session, as_of, area_ids))


def followup_batches(session: Session, as_of: date, district: Scope | None = None, *,
                     narrowing: standing.Narrowing | None = None, keep: Keep | None = None,
                     batch: int = 5000) -> Iterator[list[FollowupRow]]:
    """The rows of `followup_list` (under `narrowing` and `keep`, as there), in its order, a batch at a time.

    For exports: read from the stored list, the register rows never all sit in memory at
    once (computed live, they do, as `followup_list` holds them). When they are the stored list
    as it was, `made_at` says since when.
    """
    if (narrowing is None) != (keep is None):
        raise ValueError("a narrowed list takes both narrowing and keep")
    districts = DistrictNames(session)
    area_ids = area_ids_under(session, district) if district else None
    others = [row for row in other_rows(session, as_of, district, districts, area_ids) if keep is None or keep(row)]
    stored = standing.stored_part(session, as_of, area_ids)
    if stored is not None:
        yield from stored.stream(batch, narrowing)
    else:
        items, facts = live_register(session, as_of, area_ids)
        rows = [FollowupRow(register_row(item, facts[item.project_code].project_name,
                                         districts.get(facts[item.project_code].area_id))) for item in items]
        rows = [row for row in rows if keep is None or keep(row)]
        for start in range(0, len(rows), batch):
            yield rows[start:start + batch]
    if others:
        yield others


def promise_rows(session: Session, as_of: date, district: Scope | None,
                 districts: Mapping[int, str]) -> list[FollowupRow]:
    """Promises to pay read off the payments: broken ones to revisit, kept ones to thank."""
    rows = []
    for row in promises_to_follow(session, as_of, district):
        promise, contract = row.promise, row.promise.contract
        rows.append(FollowupRow({
            "project_code": contract.project_code,
            "project_name": contract.project_name,
            "district": districts.get(contract.area_id),
            "class": None,
            "days_to_prescription": None,
            "reason": row.reason,
            "promise_id": promise.id,
            "visit_id": promise.visit_id,
            "amount": money(promise.amount),
            "due_on": promise.due_on.isoformat(),
            "paid": money(row.status.paid),
            "kept_on": iso(row.status.kept_on),
        }, {"officer": promise.visit.officer_name, "person_id": promise.person_id}))
    return rows


def field_update_rows(session: Session, as_of: date, area_ids: list[int] | None = None) -> list[FollowupRow]:
    """Field updates from the day before and today: what the volunteers saw (in these areas)."""
    since = datetime(as_of.year, as_of.month, as_of.day, tzinfo=BANGKOK) - timedelta(days=1)
    rows = []
    for update, code, name in session.execute(_FIELD_UPDATES[area_ids is not None],
                                              {"since": since, "areas": area_ids}):
        rows.append(FollowupRow({
            "project_code": code, "project_name": name or "", "district": None,
            "class": None, "days_to_prescription": None,
            "reason": "field_update",
            "update_id": update.id,
            "created_at": update.created_at.astimezone(BANGKOK).isoformat(),
        }, {"text": update.text, "photos": len(update.photos), "located": update.lat is not None,
            "person_id": update.person_id}))
    return rows


def _field_updates(scoped: bool) -> Select[FieldUpdate, str, str]:
    query = (select(FieldUpdate, Contract.project_code, Contract.project_name)
             .join(Contract, Contract.id == FieldUpdate.contract_id, isouter=True)
             .where(FieldUpdate.created_at >= bindparam("since")).order_by(FieldUpdate.created_at))
    if not scoped:
        return query
    areas = ids_param("areas")
    # about a contract of the district, or a person the officer may see (services.visits.in_scope);
    # about nobody yet: posted in one of its groups, or by its people. An update about someone of
    # another district stays with that district's officers, whoever wrote it and wherever.
    return query.where(or_(
        in_ids(Contract.area_id, areas),
        and_(FieldUpdate.contract_id.is_(None), FieldUpdate.person_id.is_not(None),
             or_(on_contract_in(FieldUpdate.person_id, areas), ~on_a_contract(FieldUpdate.person_id))),
        and_(FieldUpdate.contract_id.is_(None), FieldUpdate.person_id.is_(None), or_(
            FieldUpdate.group_id.in_(select(LineGroup.group_id).where(in_ids(LineGroup.area_id, areas))),
            FieldUpdate.author.in_(select(StaffMember.line_user_id).where(
                in_ids(StaffMember.district_id, areas)))))))


# built once (building and keying one costs more than running it): the whole register's, and an area's
_FIELD_UPDATES = {scoped: _field_updates(scoped) for scoped in (False, True)}


def appointment_rows(session: Session, as_of: date, provinces: set[int] | None = None) -> list[FollowupRow]:
    """Today's sessions with people booked (that an officer of these provinces sees, None: every one):
    what the officer prepares for."""
    by_session: dict[int, list[Booking]] = {}
    for booking in bookings_on(session, [as_of], provinces):
        by_session.setdefault(booking.session_id, []).append(booking)
    rows = []
    for bookings in by_session.values():
        appointment = bookings[0].session
        start = appointment.starts_at.astimezone(BANGKOK)
        rows.append(FollowupRow({
            "project_code": None,
            "project_name": appointment.title,
            "district": None,
            "class": None,
            "days_to_prescription": None,
            "reason": "appointment",
            "session_id": appointment.id,
            "booked": len(bookings),
            "start": start.isoformat(),
        }, {"kind": appointment.kind, "place": appointment.place}))
    return rows


def applications_awaiting(session: Session, district: Scope | None = None) -> Sequence[MeasureApplication]:
    """Measure applications an officer still has to act on, oldest first."""
    return session.scalars(_AWAITING[bool(district)],
                           {"areas": area_ids_under(session, district) if district else None}).all()


def _awaiting(scoped: bool) -> Select[MeasureApplication]:
    query = (select(MeasureApplication)
             .where(MeasureApplication.status.in_(("submitted", "under_review")))
             .options(selectinload(MeasureApplication.person), selectinload(MeasureApplication.contract))
             .order_by(MeasureApplication.submitted_at, MeasureApplication.id))
    if scoped:
        query = query.join(Contract, Contract.id == MeasureApplication.contract_id).where(
            in_ids(Contract.area_id, ids_param("areas")))
    return query


_AWAITING = {scoped: _awaiting(scoped) for scoped in (False, True)}  # built once, as `_FIELD_UPDATES`


def application_rows(session: Session, applications: Sequence[MeasureApplication],
                     districts: Mapping[int, str]) -> list[FollowupRow]:
    """Applications as rows, each worded with its measure's short name (never its id)."""
    names = measure_labels(session) if applications else {}
    return [application_row(a, districts, names) for a in applications]


def application_row(application: MeasureApplication, districts: Mapping[int, str],
                    measure_names: dict[str, str] | None = None) -> FollowupRow:
    """An application waiting for an officer (also what the applications API shows of one)."""
    person, contract = application.person, application.contract
    return FollowupRow({
        "project_code": contract.project_code,
        "project_name": contract.project_name,
        "district": districts.get(contract.area_id),
        "class": None,  # every row carries the interface's keys (INTERFACES.md)
        "days_to_prescription": None,
        "reason": "measure_application",
        "application_id": application.id,
        "measure": application.measure_id,
        "status": application.status,
        "applicant": {"person_id": person.id, "national_id_masked": mask_national_id(person.national_id),
                      "name": person.full_name},
        "submitted_at": application.submitted_at.astimezone(BANGKOK).isoformat(),
        "status_changed_at": application.status_changed_at.astimezone(BANGKOK).isoformat(),
        "officer": application.officer,
    }, {"measure_name": (measure_names or {}).get(application.measure_id, "")})
