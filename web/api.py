"""The JSON API (bearer token = ADMIN_TOKEN). Dates are C.E. `YYYY-MM-DD`."""

from __future__ import annotations

import dataclasses
import hmac
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import Any

from flask import Blueprint, abort, jsonify, request, url_for

from bot.runtime import runtime
from domain.applications import NEXT_STATUSES, can_move
from domain.appointments import ATTENDANCE, COURT_CHECKLIST, OUTCOMES
from domain.clock import BANGKOK
from domain.identity import mask_national_id
from domain.measures import Situation, recommended_ids
from domain.textnorm import to_ascii_digits
from domain.visits import report_day_on_or_before, report_period
from messages.appointments import session_title
from messages.followups import shown
from models import AppointmentSession, Booking, Outbox
from services.appointments import (
    appointment_session,
    booking_by_id,
    create_session,
    record_outcome,
    seats_of,
    session_roster,
    sessions_from,
    taken_seats,
)
from services.areas import area_ids_under, district_names
from services.audit import record_access
from services.contracts import contract_by_code, first_open_contract, position_of, set_contract_status
from services.followups import application_row, followup_list, position_fields
from services.measure_store import measures_in_db
from services.outbox import outbox_since
from services.relief import application_by_id, applications_newest_first, move_application, start_settled_measure
from services.reports import district_report_for

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


def audit(session, people: list[int], action: str) -> None:  # type: ignore[no-untyped-def]
    """Log who saw these people's personal data through the API (PDPA accountability).

    The token is shared, so the web console (or any caller) names the person using it in
    `X-Officer`; without it the trail says the admin token was used.
    """
    if people:
        who = (request.headers.get("X-Officer") or "").strip()[:200] or "ADMIN_TOKEN"
        record_access(session, people, viewer="api", viewer_name=who, channel="api", action=action,
                      detail=f"{request.method} {request.full_path.rstrip('?')}"[:200], now=runtime().clock.now())
        session.commit()


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
                    "name": m.person.full_name, "role": m.role}
                   for m in sorted(found.memberships, key=lambda m: (roles.index(m.role), m.person.first_name))]
        situation = Situation(
            debtor_class=p.debtor_class, contract_date=found.contract_date, status=found.status,
            demand_letter=found.demand_letter_date is not None,
            has_co_obligors=any(m.role != "borrower" for m in found.memberships))
        measures = recommended_ids(measures_in_db(session), situation, as_of)
        audit(session, [m.person_id for m in found.memberships], "api.contract")
        return jsonify({
            "project_code": found.project_code,
            "project_name": found.project_name,
            "as_of": as_of.isoformat(),
            **position_fields(p),
            "status": found.status,
            "recommended_measures": measures,
            "members": members,
        })


@bp.get("/followups")
@require_admin
def followups():  # type: ignore[no-untyped-def]
    """The ordered follow-up list on `as_of`, optionally for one district."""
    as_of = parse_day(request.args.get("as_of"))
    offset = parse_count(request.args.get("offset"), "offset") or 0
    limit = parse_count(request.args.get("limit"), "limit")
    with runtime().sessions() as session:
        listed = followup_list(session, as_of, request.args.get("district") or None, offset=offset, limit=limit)
        rows = [shown(row) for row in listed.rows]
        audit(session, [int(r["applicant"]["person_id"]) for r in rows if r.get("applicant")], "api.followups")
    response = jsonify(rows)
    response.headers["X-Total-Count"] = str(listed.total)
    if limit is not None and offset + limit < listed.total:
        following = request.args.to_dict() | {"offset": str(offset + limit), "limit": str(limit)}
        response.headers["Link"] = f'<{url_for(".followups", **following)}>; rel="next"'
    return response


def parse_count(raw: str | None, name: str) -> int | None:
    """A whole number ≥ 0 (Thai digits too), or None when absent."""
    if raw is None or raw == "":
        return None
    text = to_ascii_digits(raw.strip())
    if not text.isdigit():
        abort(400, description=f"{name} must be a whole number 0 or more, got {raw!r}")
    return int(text)


@bp.get("/applications")
@require_admin
def applications():  # type: ignore[no-untyped-def]
    """Measure applications, newest first, optionally by status."""
    status = request.args.get("status")
    with runtime().sessions() as session:
        districts = district_names(session)
        found = applications_newest_first(session, status, MAX_ROWS)
        rows = [shown(application_row(a, districts)) for a in found]
        audit(session, [a.person_id for a in found], "api.applications")
        return jsonify(rows)


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
        application = application_by_id(session, application_id)
        if application is None:
            return jsonify({"error": "not_found", "detail": f"no application {application_id}"}), 404
        if not can_move(application.status, str(new)):
            allowed = sorted(NEXT_STATUSES.get(application.status, ()))
            return jsonify({"error": "conflict", "detail": f"cannot move from {application.status} to {new}; "
                            f"allowed: {', '.join(allowed) or 'none'}"}), 409
        move_application(application, status=str(new), officer=officer, note=body.get("note"), now=rt.clock.now())
        session.commit()
        return jsonify(shown(application_row(application, district_names(session))))


@bp.get("/sessions")
@require_admin
def list_sessions():  # type: ignore[no-untyped-def]
    """Appointment sessions from today on (or `from=DATE`), with seats taken."""
    since = parse_day(request.args.get("from"), "from")
    start = datetime(since.year, since.month, since.day, tzinfo=BANGKOK)
    with runtime().sessions() as session:
        rows = sessions_from(session, start)
        return jsonify([_session_row(session, row) for row in rows])


@bp.post("/sessions")
@require_admin
def add_session():  # type: ignore[no-untyped-def]
    """Publish a session: {"kind", "start", "end", "place", "capacity", "title"?, "slot_minutes"?, ...}."""
    body = request.get_json(silent=True) or {}
    rt = runtime()
    try:
        with rt.sessions() as session:
            row = create_session(
                session, kind=str(body.get("kind")), start=parse_instant(str(body.get("start")), "start"),
                end=parse_instant(str(body.get("end")), "end"), place=str(body.get("place") or ""),
                capacity=int(body.get("capacity") or 0), now=rt.clock.now(),
                title=session_title(str(body.get("kind")), body.get("title")),
                slot_minutes=body.get("slot_minutes"), officer=body.get("officer"),
                documents=list(body.get("documents") or []), map_url=body.get("map_url"))
            session.commit()
            return jsonify(_session_row(session, row)), 201
    except (ValueError, TypeError) as exc:
        abort(400, description=str(exc))


@bp.get("/sessions/<int:session_id>/bookings")
@require_admin
def session_bookings(session_id: int):  # type: ignore[no-untyped-def]
    """The roster of a session: who booked which seat (national IDs masked)."""
    with runtime().sessions() as session:
        row = appointment_session(session, session_id)
        if row is None:
            return jsonify({"error": "not_found", "detail": f"no session {session_id}"}), 404
        bookings = session_roster(session, session_id)
        body = _session_row(session, row)
        audit(session, [b.person_id for b in bookings], "api.roster")
        return jsonify({**body, "bookings": [{
            "booking_id": b.id, "seat": b.seat, "status": b.status,
            "time": b.slot_start.astimezone(BANGKOK).isoformat(),
            "name": b.person.full_name,
            "national_id_masked": mask_national_id(b.person.national_id),
            "attendance": b.attendance, "outcome": b.outcome} for b in bookings]})


@bp.post("/bookings/<int:booking_id>")
@require_admin
def update_booking(booking_id: int):  # type: ignore[no-untyped-def]
    """An officer ticks checklist items and records the outcome of an appointment.

    {"officer", "checklist": {"day1_date_venue_fixed": true, ...}, "attendance": "attended|no_show",
     "outcome": "settled|no_agreement|did_not_come", "terms": "...",
     "start_measure": "M7"?, "contract_status": "active|litigation|judgment|closed"?}
    """
    body = request.get_json(silent=True) or {}
    officer = (body.get("officer") or "").strip()
    if not officer:
        abort(400, description="officer (who recorded it) is required")
    rt = runtime()
    with rt.sessions() as session:
        booking = booking_by_id(session, booking_id)
        if booking is None:
            return jsonify({"error": "not_found", "detail": f"no booking {booking_id}"}), 404
        ticks = body.get("checklist") or {}
        known = set(COURT_CHECKLIST)
        if unknown := sorted(set(ticks) - known):
            abort(400, description=f"unknown checklist items {unknown}; known: {sorted(known)}")
        for field, allowed in (("attendance", ATTENDANCE), ("outcome", OUTCOMES)):
            if body.get(field) is not None and body[field] not in allowed:
                abort(400, description=f"{field} must be one of {', '.join(allowed)}")
        record_outcome(booking, checklist={k: bool(v) for k, v in ticks.items()}, attendance=body.get("attendance"),
                       outcome=body.get("outcome"), terms=body.get("terms"), now=rt.clock.now())
        started = _after_settlement(session, booking, body, officer, rt.clock.now())
        session.commit()
        return jsonify({"booking_id": booking.id, "checklist": booking.checklist, "attendance": booking.attendance,
                        "outcome": booking.outcome, "terms": booking.outcome_terms, **started})


def _after_settlement(session, booking: Booking, body: dict[str, Any], officer: str,  # type: ignore[no-untyped-def]
                      now: datetime) -> dict[str, Any]:
    """A settlement may start a measure application or change the contract's status."""
    out: dict[str, Any] = {}
    if booking.outcome != "settled" or not (body.get("start_measure") or body.get("contract_status")):
        return out
    contract = first_open_contract(session, booking.person_id)
    if contract is None:
        abort(400, description="the person has no open contract to apply the settlement to")
    if body.get("start_measure"):
        application = start_settled_measure(session, person_id=booking.person_id, contract_id=contract.id,
                                            measure_id=str(body["start_measure"]), booking_id=booking.id,
                                            officer=officer, note=booking.outcome_terms, now=now)
        out["application_id"] = application.id
    if body.get("contract_status"):
        if body["contract_status"] not in ("active", "litigation", "judgment", "closed"):
            abort(400, description="contract_status must be active, litigation, judgment or closed")
        set_contract_status(contract, body["contract_status"])
        out["contract_status"] = contract.status
    out["project_code"] = contract.project_code
    return out


def _session_row(session, row: AppointmentSession) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    seats = len(seats_of(row))
    taken = len(taken_seats(session, row.id))
    return {"id": row.id, "kind": row.kind, "title": row.title, "place": row.place, "map_url": row.map_url,
            "start": row.starts_at.astimezone(BANGKOK).isoformat(), "end": row.ends_at.astimezone(BANGKOK).isoformat(),
            "capacity": seats, "booked": taken, "slot_minutes": row.slot_minutes, "officer": row.officer,
            "documents": row.documents, "status": row.status}


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
    since = request.args.get("since")
    start = parse_instant(since, "since") if since else None
    with runtime().sessions() as session:
        rows = outbox_since(session, start, MAX_ROWS)
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


@bp.get("/reports/visits")
@require_admin
def visits_report():  # type: ignore[no-untyped-def]
    """The district report (INTERFACES.md): `from`/`to` default to the latest report period."""
    today = runtime().clock.today()
    default_start, default_end = report_period(report_day_on_or_before(today))
    start = parse_day(request.args.get("from"), "from") if request.args.get("from") else default_start
    end = parse_day(request.args.get("to"), "to") if request.args.get("to") else default_end
    if end < start:
        abort(400, description=f"to ({end}) is before from ({start})")
    district = request.args.get("district") or None
    with runtime().sessions() as session:
        if district and not area_ids_under(session, district):
            return jsonify({"error": "not_found", "detail": f"no district {district!r}"}), 404
        report = district_report_for(session, start, end, district)
    counts = {k: v for k, v in dataclasses.asdict(report).items() if k not in {"start", "end"}}
    return jsonify({"from": start.isoformat(), "to": end.isoformat(), "district": district, **counts})
