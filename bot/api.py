"""The JSON API (bearer token = ADMIN_TOKEN). Dates are C.E. `YYYY-MM-DD`."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import wraps
from typing import Any

from flask import Blueprint, abort, jsonify, request
from sqlalchemy import select

from bot.clock import BANGKOK
from bot.runtime import runtime
from domain.applications import NEXT_STATUSES, can_move
from domain.followups import followups as order_followups
from domain.identity import mask_national_id
from domain.measures import Situation, recommended_ids
from domain.money import Position
from messages.followups import NEXT_ACTION, application_text, reason_text
from models import Area, MeasureApplication, Outbox
from models.measure_store import measures_in_db
from models.queries import applications_awaiting, contract_by_code, contracts_in, position_of

bp = Blueprint("api", __name__, url_prefix="/api")
MAX_ROWS = 1000


def require_admin(view: Callable[..., Any]) -> Callable[..., Any]:
    """401 unless `Authorization: Bearer $ADMIN_TOKEN`."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        expected = runtime().settings.admin_token
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected.encode()):
            response = jsonify({"error": "unauthorized", "detail": "send Authorization: Bearer <ADMIN_TOKEN>"})
            response.status_code = 401
            response.headers["WWW-Authenticate"] = 'Bearer realm="wdf"'
            return response
        return view(*args, **kwargs)

    return wrapper


@bp.errorhandler(400)
def _bad_request(exc):  # type: ignore[no-untyped-def]
    return jsonify({"error": "bad_request", "detail": exc.description}), 400


def parse_day(raw: str | None, name: str = "as_of") -> date:
    """`YYYY-MM-DD` (C.E.), or today (Asia/Bangkok) when absent."""
    if not raw:
        return runtime().clock.today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(400, description=f"{name} must be a C.E. date YYYY-MM-DD, got {raw!r}")


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.quantize(Decimal('0.01'))}"


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


@bp.get("/contracts/<project_code>")
@require_admin
def contract(project_code: str):  # type: ignore[no-untyped-def]
    """Where one contract stands on `as_of` (INTERFACES.md)."""
    as_of = parse_day(request.args.get("as_of"))
    with runtime().sessions() as session:
        found = contract_by_code(session, project_code)
        if found is None:
            return jsonify({"error": "not_found", "detail": f"no contract {project_code!r}"}), 404
        p = position_of(found, as_of)
        roles = ("borrower", "co_debtor", "guarantor")
        members = [{"national_id_masked": mask_national_id(m.person.national_id),
                    "name": f"{m.person.first_name} {m.person.last_name}", "role": m.role}
                   for m in sorted(found.memberships, key=lambda m: (roles.index(m.role), m.person.first_name))]
        situation = Situation(
            debtor_class=p.debtor_class, contract_date=found.contract_date, status=found.status,
            demand_letter=found.demand_letter_date is not None,
            has_co_obligors=any(m.role != "borrower" for m in found.memberships))
        measures = recommended_ids(measures_in_db(session), situation, as_of)
        return jsonify({
            "project_code": found.project_code,
            "project_name": found.project_name,
            "as_of": as_of.isoformat(),
            **_position_fields(p),
            "status": found.status,
            "recommended_measures": measures,
            "members": members,
        })


def _position_fields(p: Position) -> dict[str, Any]:
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


@bp.get("/followups")
@require_admin
def followups():  # type: ignore[no-untyped-def]
    """The ordered follow-up list on `as_of`, optionally for one district."""
    as_of = parse_day(request.args.get("as_of"))
    district = request.args.get("district") or None
    with runtime().sessions() as session:
        contracts = {c.project_code: c for c in contracts_in(session, district)}
        districts = _district_names(session)
        ordered = order_followups((code, position_of(c, as_of)) for code, c in contracts.items())
        rows = [{
            "project_code": item.project_code,
            "project_name": contracts[item.project_code].project_name,
            "district": districts.get(contracts[item.project_code].area_id),
            "reason": item.reason,
            "reason_text": reason_text(item),
            "next_action": NEXT_ACTION[item.reason],
            **_position_fields(item.position),
        } for item in ordered]
        rows += [_application_row(a, districts) for a in applications_awaiting(session, district)]
        return jsonify(rows)


def _application_row(application: MeasureApplication, districts: dict[int, str]) -> dict[str, Any]:
    person, contract = application.person, application.contract
    return {
        "project_code": contract.project_code,
        "project_name": contract.project_name,
        "district": districts.get(contract.area_id),
        "reason": "measure_application",
        "reason_text": application_text(application.measure_id, application.status),
        "next_action": NEXT_ACTION["measure_application"],
        "application_id": application.id,
        "measure": application.measure_id,
        "status": application.status,
        "applicant": {"national_id_masked": mask_national_id(person.national_id),
                      "name": f"{person.first_name} {person.last_name}"},
        "submitted_at": application.submitted_at.astimezone(BANGKOK).isoformat(),
        "status_changed_at": application.status_changed_at.astimezone(BANGKOK).isoformat(),
        "officer": application.officer,
    }


@bp.get("/applications")
@require_admin
def applications():  # type: ignore[no-untyped-def]
    """Measure applications, newest first, optionally by status."""
    status = request.args.get("status")
    query = select(MeasureApplication).order_by(MeasureApplication.submitted_at.desc()).limit(MAX_ROWS)
    if status:
        query = query.where(MeasureApplication.status == status)
    with runtime().sessions() as session:
        districts = _district_names(session)
        return jsonify([_application_row(a, districts) for a in session.scalars(query)])


@bp.post("/applications/<int:application_id>")
@require_admin
def update_application(application_id: int):  # type: ignore[no-untyped-def]
    """An officer moves an application on: {"status", "officer", "note"}."""
    body = request.get_json(silent=True) or {}
    new, officer = body.get("status"), (body.get("officer") or "").strip()
    if not officer:
        abort(400, description="officer (who decided) is required")
    rt = runtime()
    with rt.sessions() as session:
        application = session.get(MeasureApplication, application_id)
        if application is None:
            return jsonify({"error": "not_found", "detail": f"no application {application_id}"}), 404
        if not can_move(application.status, str(new)):
            allowed = sorted(NEXT_STATUSES.get(application.status, ()))
            return jsonify({"error": "conflict", "detail": f"cannot move from {application.status} to {new}; "
                            f"allowed: {', '.join(allowed) or 'none'}"}), 409
        application.status, application.officer = str(new), officer
        application.note = body.get("note") or application.note
        application.status_changed_at = rt.clock.now()
        session.commit()
        return jsonify(_application_row(application, _district_names(session)))


def _district_names(session) -> dict[int, str]:  # type: ignore[no-untyped-def]
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


def parse_instant(raw: str, name: str) -> datetime:
    """`YYYY-MM-DD` or an ISO date-time; naive means Asia/Bangkok."""
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        abort(400, description=f"{name} must be YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+07:00], got {raw!r}")
    return moment if moment.tzinfo else moment.replace(tzinfo=BANGKOK)


@bp.get("/outbox")
@require_admin
def outbox():  # type: ignore[no-untyped-def]
    """Messages sent or queued to LINE since a moment, oldest first."""
    query = select(Outbox).order_by(Outbox.created_at, Outbox.id).limit(MAX_ROWS)
    since = request.args.get("since")
    if since:
        query = query.where(Outbox.created_at >= parse_instant(since, "since"))
    with runtime().sessions() as session:
        rows = session.scalars(query).all()
    return jsonify([_outbox_row(row) for row in rows])


def _outbox_row(row: Outbox) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "recipient_kind": row.recipient_kind,
        "recipients": row.recipients,
        "text": row.summary,
        "status": row.status,
        "attempts": row.attempts,
        "origin": row.origin,
        "retry_key": row.retry_key,
        "dedupe_key": row.dedupe_key,
        "http_status": row.last_status,
        "created_at": row.created_at.astimezone(BANGKOK).isoformat(),
        "sent_at": row.sent_at.astimezone(BANGKOK).isoformat() if row.sent_at else None,
    }
