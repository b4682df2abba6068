"""Relief measures a person applies to: the measures in force, their applications, applying.

The measures themselves are loaded from their file by services.measure_store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, tzinfo
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.measures import Measure
from models.measures import OPEN_APPLICATION_STATUSES, MeasureApplication
from models.register import Contract
from services.measure_store import measures_in_db


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


# --- officers deciding on applications (the JSON API) ----------------------------------------


def applications_newest_first(session: Session, status: str | None, limit: int) -> Sequence[MeasureApplication]:
    """Measure applications, newest first, optionally with one status, at most `limit`."""
    query = select(MeasureApplication).order_by(MeasureApplication.submitted_at.desc()).limit(limit)
    if status:
        query = query.where(MeasureApplication.status == status)
    return session.scalars(query).all()


def application_by_id(session: Session, application_id: int) -> MeasureApplication | None:
    return session.get(MeasureApplication, application_id)


def move_application(application: MeasureApplication, *, status: str, officer: str, note: str | None,
                     now: datetime) -> None:
    """An officer moves an application on (the caller checked the move is allowed); no note keeps the old one."""
    application.status, application.officer = status, officer
    application.note = note or application.note
    application.status_changed_at = now


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
