"""Relief measures a person applies to: the measures in force, their applications, applying.

The measures themselves are loaded from their file by services.measure_store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any, NamedTuple

from linebot.v3.messaging import Message
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from domain.applications import Officer, Refusal, Standing, StepKind, StepNews, name_key, refusal, step_kind
from domain.measures import Measure
from models.db import in_ids
from models.measures import OPEN_APPLICATION_STATUSES, MeasureApplication
from models.register import Contract, LineLink, StaffMember
from services import outbox
from services.areas import district_of
from services.measure_store import measure_by_id, measures_in_db


class ApplicationLine(NamedTuple):
    """One of a person's applications as they see it: the measure, the contract, where it stands."""

    measure: str  # the measure's name, or its id once it is no longer in force
    project_code: str
    status: str
    changed_on: date  # the day the status last changed, in `tz` of applications_of


def measure_in_force(session: Session, measure_id: str) -> Measure | None:
    """The measure with this id among those loaded and not retired."""
    return next((m for m in measures_in_db(session) if m.id == measure_id), None)


def applications_of(session: Session, person_id: int, tz: tzinfo | None) -> list[ApplicationLine]:
    """Every application the person made, newest first, in one query."""
    measures = {m.id: m for m in measures_in_db(session)}
    rows = session.execute(
        select(MeasureApplication.measure_id, Contract.project_code, MeasureApplication.status,
               MeasureApplication.status_changed_at)
        .join(Contract, Contract.id == MeasureApplication.contract_id)
        .where(MeasureApplication.person_id == person_id)
        .order_by(MeasureApplication.submitted_at.desc())).all()
    return [ApplicationLine(measures[m].fill(measures[m].name) if m in measures else m, code, status,
                            changed.astimezone(tz).date())
            for m, code, status, changed in rows]


def open_application_status(session: Session, person_id: int, contract_id: int, measure_id: str) -> str | None:
    """The status of the person's open application to this measure for this contract, if any."""
    return session.scalars(select(MeasureApplication.status).where(
        MeasureApplication.person_id == person_id, MeasureApplication.contract_id == contract_id,
        MeasureApplication.measure_id == measure_id,
        MeasureApplication.status.in_(OPEN_APPLICATION_STATUSES))).first()


def submit_application(session: Session, *, person_id: int, contract_id: int, measure_id: str,
                       answers: Mapping[str, Any], at: datetime) -> bool:
    """Apply to a measure for a contract; False when the same application was just made elsewhere."""
    savepoint = session.begin_nested()
    try:
        session.add(MeasureApplication(
            person_id=person_id, contract_id=contract_id, measure_id=measure_id, answers=dict(answers),
            status="submitted", submitted_at=at, status_changed_at=at))
        session.flush()
        savepoint.commit()  # releases the savepoint; the caller's transaction commits
    except IntegrityError:  # the same request from another device a moment ago
        savepoint.rollback()
        return False
    return True


# --- officers deciding on applications (the console and the JSON API) -------------------------


def applications_newest_first(session: Session, status: str | None, limit: int) -> Sequence[MeasureApplication]:
    """Measure applications, newest first, optionally with one status, at most `limit`."""
    query = select(MeasureApplication).order_by(MeasureApplication.submitted_at.desc()).limit(limit)
    if status:
        query = query.where(MeasureApplication.status == status)
    return session.scalars(query).all()


def application_by_id(session: Session, application_id: int) -> MeasureApplication | None:
    return session.get(MeasureApplication, application_id)


def application_for_step(session: Session, application_id: int) -> MeasureApplication | None:
    """The application, locked until the transaction ends: two officers acting at once take turns."""
    return session.scalars(select(MeasureApplication).where(MeasureApplication.id == application_id)
                           .with_for_update()).one_or_none()


def officer_of(staff: StaffMember) -> Officer:
    """A staff member as the application rules know them."""
    return Officer(name=staff.name, staff_id=staff.id, district_id=staff.district_id,
                   province_id=staff.province_id if staff.district_id is None else None)


def officer_named(session: Session, named: str) -> Officer:
    """Who another program names in `X-Officer`: an officer by LINE user id, or by a name only one
    officer holding the role has; anyone else is known by that name alone."""
    active = select(StaffMember).where(StaffMember.role == "officer", StaffMember.revoked_at.is_(None))
    staff = session.scalars(active.where(StaffMember.line_user_id == named)).one_or_none()
    if staff is None:  # a province has tens of officers: compare names as the rule does, here
        alike = [s for s in session.scalars(active) if name_key(s.name) == name_key(named)]
        staff = alike[0] if len(alike) == 1 else None
    return officer_of(staff) if staff is not None else Officer(name=named)


def standing_of(application: MeasureApplication) -> Standing:
    """The application as the rules see it: its status, its contract's district, who reviewed it."""
    district = district_of(application.contract.area)
    reviewer = None
    if application.reviewed_by is not None:
        staff = application.reviewer
        reviewer = (officer_of(staff) if staff is not None
                    else Officer(name=application.reviewed_by, staff_id=application.reviewed_by_staff_id))
    return Standing(application.status, district.id if district else None, reviewer,
                    district.parent_id if district else None)


def take_step(application: MeasureApplication, *, status: str, officer: Officer, note: str | None,
              now: datetime) -> Refusal | None:
    """An officer moves an application on, if the rules let them (domain/applications.py), recording who.

    Returns why not, and then changes nothing. A note is kept with its step; the latest note
    is also `note` (no note keeps the old one), and `officer` is whoever moved it last.
    """
    refused = refusal(standing_of(application), status, officer, note)
    if refused is not None:
        return refused
    note = (note or "").strip() or None
    kind = step_kind(application.status, status)
    if kind is StepKind.REVIEW:
        application.reviewed_by_staff_id, application.reviewed_by = officer.staff_id, officer.name
        application.reviewed_at, application.review_note = now, note
    elif kind is StepKind.DECISION:
        application.decided_by_staff_id, application.decided_by = officer.staff_id, officer.name
        application.decided_at, application.decision_note = now, note
    application.status, application.officer = status, officer.name
    application.note = note or application.note
    application.status_changed_at = now
    return None


Notice = Callable[[StepNews], Sequence[Message | dict[str, Any]]]
TOLD_STATUSES = ("under_review", "approved", "rejected")  # the steps the person hears of


def tell_applicant(session: Session, application: MeasureApplication, *, notice: Notice, origin: str,
                   now: datetime) -> bool:
    """Tell the person, 1:1 through the outbox, where their application now stands; once per step.

    Only steps in TOLD_STATUSES, and only to a LINE account linked to the person (an application
    a settlement started may have none). `notice(status, measure, application)` words it.
    """
    status = application.status
    line_user_id = session.scalar(select(LineLink.line_user_id).where(LineLink.person_id == application.person_id))
    measure = measure_by_id(session, application.measure_id)
    if status not in TOLD_STATUSES or line_user_id is None or measure is None:
        return False
    news = StepNews(status, measure, application.person.first_name, application.contract.project_name)
    row = outbox.enqueue_push(session, to=line_user_id, messages=notice(news),
                              origin=origin, now=now, send_at=now,
                              dedupe_key=f"application-step:{application.id}:{status}")
    return row is not None


@dataclass(frozen=True)
class QueueFilter:
    """Which applications a queue shows: these statuses (None: any), one measure (None: any), on
    contracts in these areas (None: the province)."""

    statuses: Sequence[str] | None
    measure_id: str | None
    area_ids: Sequence[int] | None


def _queue(chosen: QueueFilter) -> Select[Any]:
    query = select(MeasureApplication).join(Contract, Contract.id == MeasureApplication.contract_id)
    if chosen.statuses is not None:
        query = query.where(MeasureApplication.status.in_(chosen.statuses))
    if chosen.measure_id:
        query = query.where(MeasureApplication.measure_id == chosen.measure_id)
    if chosen.area_ids is not None:
        query = query.where(in_ids(Contract.area_id, chosen.area_ids))
    return query


def count_applications(session: Session, chosen: QueueFilter) -> int:
    """How many applications the queue holds."""
    return session.scalar(select(func.count()).select_from(_queue(chosen).subquery())) or 0


def application_queue(session: Session, chosen: QueueFilter, *, offset: int, limit: int,
                      oldest_first: bool) -> Sequence[MeasureApplication]:
    """One page of the queue, by submission (oldest first: what waits longest), with person and contract."""
    order = MeasureApplication.submitted_at.asc() if oldest_first else MeasureApplication.submitted_at.desc()
    return session.scalars(_queue(chosen).order_by(order, MeasureApplication.id).offset(offset).limit(limit)
                           .options(selectinload(MeasureApplication.person),
                                    selectinload(MeasureApplication.contract))).all()


def start_settled_measure(session: Session, *, person_id: int, contract_id: int, measure_id: str, booking_id: int,
                          officer: str, note: str | None, now: datetime) -> MeasureApplication | None:
    """A settlement at an appointment starts a measure, approved at once; flushed, so it has its id.

    None when the person already has an open application to that measure for that contract
    (one open application each, as the database's unique index says); nothing is added then.
    """
    if open_application_status(session, person_id, contract_id, measure_id) is not None:
        return None
    application = MeasureApplication(person_id=person_id, contract_id=contract_id, measure_id=measure_id,
                                     status="approved", answers={"from_booking": booking_id}, submitted_at=now,
                                     status_changed_at=now, officer=officer, note=note)
    savepoint = session.begin_nested()
    try:
        session.add(application)
        session.flush()
        savepoint.commit()
    except IntegrityError:  # the same settlement recorded from elsewhere a moment ago
        savepoint.rollback()
        return None
    return application
