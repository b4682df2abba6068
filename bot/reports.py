"""The officers' follow-up list, built once for the JSON API, `วันนี้` and the morning digest."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.clock import BANGKOK
from domain.followups import followups as order_followups
from domain.identity import mask_national_id
from domain.money import Position
from messages.followups import (
    NEXT_ACTION,
    application_text,
    appointment_text,
    field_update_text,
    promise_text,
    reason_text,
)
from models import Area, Booking, Contract, FieldUpdate, LineGroup, MeasureApplication, StaffMember
from models.history import promises_to_follow
from models.queries import applications_awaiting, area_ids_under, bookings_on, open_positions


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


def followup_rows(session: Session, as_of: date, district: str | None = None) -> list[dict[str, Any]]:
    """Time-barred, then the 5-year limit within 180 days, then defaults, then applications."""
    area_ids = area_ids_under(session, district) if district else None
    facts = open_positions(session, as_of, area_ids=area_ids, owing_only=True)
    contracts = {f.project_code: f for f, _ in facts}
    districts = district_names(session)
    ordered = order_followups((f.project_code, p) for f, p in facts)
    rows = [{
        "project_code": item.project_code,
        "project_name": contracts[item.project_code].project_name,
        "district": districts.get(contracts[item.project_code].area_id),
        "reason": item.reason,
        "reason_text": reason_text(item),
        "next_action": NEXT_ACTION[item.reason],
        **position_fields(item.position),
    } for item in ordered]
    rows += promise_rows(session, as_of, district, districts)
    rows += [application_row(a, districts) for a in applications_awaiting(session, district)]
    rows += appointment_rows(session, as_of)
    rows += field_update_rows(session, as_of, area_ids)
    return rows


def promise_rows(session: Session, as_of: date, district: str | None,
                 districts: dict[int, str]) -> list[dict[str, Any]]:
    """Promises to pay read off the payments: broken ones to revisit, kept ones to thank."""
    rows = []
    for row in promises_to_follow(session, as_of, district):
        promise, contract = row.promise, row.promise.contract
        rows.append({
            "project_code": contract.project_code,
            "project_name": contract.project_name,
            "district": districts.get(contract.area_id),
            "class": None,
            "days_to_prescription": None,
            "reason": row.reason,
            "reason_text": promise_text(row.reason, promise.amount, promise.due_on, row.status.paid,
                                        promise.visit.officer_name),
            "next_action": NEXT_ACTION[row.reason],
            "promise_id": promise.id,
            "visit_id": promise.visit_id,
            "amount": money(promise.amount),
            "due_on": promise.due_on.isoformat(),
            "paid": money(row.status.paid),
            "kept_on": iso(row.status.kept_on),
        })
    return rows


def field_update_rows(session: Session, as_of: date, area_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """Field updates from the day before and today: what the volunteers saw (in these areas)."""
    since = datetime(as_of.year, as_of.month, as_of.day, tzinfo=BANGKOK) - timedelta(days=1)
    query = (select(FieldUpdate, Contract.project_code, Contract.project_name)
             .join(Contract, Contract.id == FieldUpdate.contract_id, isouter=True)
             .where(FieldUpdate.created_at >= since).order_by(FieldUpdate.created_at))
    if area_ids is not None:  # about a contract of the district, posted in one of its groups, or by its people
        query = query.where(or_(
            Contract.area_id.in_(area_ids),
            FieldUpdate.group_id.in_(select(LineGroup.group_id).where(LineGroup.area_id.in_(area_ids))),
            FieldUpdate.author.in_(select(StaffMember.line_user_id).where(StaffMember.district_id.in_(area_ids)))))
    rows = []
    for update, code, name in session.execute(query):
        rows.append({
            "project_code": code, "project_name": name or "", "district": None,
            "class": None, "days_to_prescription": None,
            "reason": "field_update",
            "reason_text": field_update_text(update.text, len(update.photos), update.lat is not None),
            "next_action": NEXT_ACTION["field_update"],
            "update_id": update.id,
            "created_at": update.created_at.astimezone(BANGKOK).isoformat(),
        })
    return rows


def appointment_rows(session: Session, as_of: date) -> list[dict[str, Any]]:
    """Today's sessions with people booked: what the officer prepares for."""
    by_session: dict[int, list[Booking]] = {}
    for booking in bookings_on(session, [as_of]):
        by_session.setdefault(booking.session_id, []).append(booking)
    rows = []
    for bookings in by_session.values():
        appointment = bookings[0].session
        start = appointment.starts_at.astimezone(BANGKOK)
        rows.append({
            "project_code": None,
            "project_name": appointment.title,
            "district": None,
            "class": None,
            "days_to_prescription": None,
            "reason": "appointment",
            "reason_text": appointment_text(appointment.kind, start, appointment.place, len(bookings)),
            "next_action": NEXT_ACTION["appointment"],
            "session_id": appointment.id,
            "booked": len(bookings),
            "start": start.isoformat(),
        })
    return rows


def application_row(application: MeasureApplication, districts: dict[int, str]) -> dict[str, Any]:
    person, contract = application.person, application.contract
    return {
        "project_code": contract.project_code,
        "project_name": contract.project_name,
        "district": districts.get(contract.area_id),
        "class": None,  # every row carries the interface's keys (INTERFACES.md)
        "days_to_prescription": None,
        "reason": "measure_application",
        "reason_text": application_text(application.measure_id, application.status),
        "next_action": NEXT_ACTION["measure_application"],
        "application_id": application.id,
        "measure": application.measure_id,
        "status": application.status,
        "applicant": {"person_id": person.id, "national_id_masked": mask_national_id(person.national_id),
                      "name": f"{person.first_name} {person.last_name}"},
        "submitted_at": application.submitted_at.astimezone(BANGKOK).isoformat(),
        "status_changed_at": application.status_changed_at.astimezone(BANGKOK).isoformat(),
        "officer": application.officer,
    }


def district_names(session: Session) -> dict[int, str]:
    """area id → the name of the district it lies in (one query for the whole tree)."""
    rows = {a.id: a for a in session.scalars(select(Area))}

    def district_of(area_id: int | None) -> str | None:
        while area_id is not None:
            area = rows[area_id]
            if area.level == "district":
                return area.name
            area_id = area.parent_id
        return None

    return {area_id: name for area_id in rows if (name := district_of(area_id))}
