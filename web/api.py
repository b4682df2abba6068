"""The JSON API (bearer token = ADMIN_TOKEN). Dates are C.E. `YYYY-MM-DD`.

Every body and query is read through its model in `web/schemas.py` (`body_of`, `query_of`), and
the same models are published at `/api/openapi.json` (`web/openapi.py`). What does not match is a
400 `{"error": "bad_request", "detail": "...", "problems": [{"field", "problem"}, ...]}`.
"""

from __future__ import annotations

import dataclasses
import hmac
import json
from collections.abc import Callable
from datetime import datetime
from functools import partial, wraps
from typing import Any, NoReturn, TypeVar

from flask import Blueprint, Flask, jsonify, request, url_for
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import BadRequest, Conflict, HTTPException, MethodNotAllowed, NotFound

from bot.runtime import runtime
from domain.applications import NEXT_STATUSES, STEP_ACTIONS, Refusal, name_key
from domain.appointments import changed_times
from domain.clock import BANGKOK
from domain.identity import mask_national_id
from domain.measures import Situation, recommended_ids
from domain.textnorm import MAX_ROW_ID, to_ascii_digits
from domain.visits import report_day_on_or_before, report_period
from messages.applications import step_notice
from messages.appointments import session_cancelled, session_moved, session_title
from messages.followups import shown
from models import AppointmentSession, Booking, MeasureApplication, Outbox
from services.appointments import (
    SessionRefused,
    appointment_session,
    booking_by_id,
    cancel_session,
    change_session,
    create_session,
    record_outcome,
    seats_in,
    session_roster,
    sessions_from,
    taken_seats,
)
from services.areas import AreaNotFound, area_ids_under, district_names, one_province, scope_named
from services.audit import record_access
from services.contracts import contract_by_code, first_open_contract, position_of, set_contract_status
from services.followups import application_row, followup_list, position_fields
from services.identity import people_of_accounts
from services.measure_store import measure_labels, measures_in_db
from services.outbox import outbox_since
from services.relief import (
    application_for_step,
    applications_newest_first,
    officer_named,
    start_settled_measure,
    take_step,
    tell_applicant,
)
from services.reports import district_report_for
from web import openapi
from web.schemas import (
    ApplicationMove,
    ApplicationsQuery,
    BookingUpdate,
    ContractQuery,
    FollowupsQuery,
    NewSession,
    OutboxQuery,
    SessionChange,
    SessionsQuery,
    VisitsReportQuery,
)

bp = Blueprint("api", __name__, url_prefix="/api")
MAX_ROWS = 1000
MAX_ID = MAX_ROW_ID  # a larger id names nothing (domain.textnorm)
M = TypeVar("M", bound=BaseModel)
JSON_KINDS = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true or false",
              type(None): "null"}


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
        who = _printable(request.headers.get("X-Officer") or "").strip()[:200] or "ADMIN_TOKEN"
        record_access(session, people, viewer="api", viewer_name=who, channel="api", action=action,
                      detail=_printable(f"{request.method} {request.full_path.rstrip('?')}")[:200],
                      now=runtime().clock.now())
        session.commit()


def _printable(text: str) -> str:
    """Without control characters (a NUL in a header would fail the audit row's insert on PostgreSQL)."""
    return "".join(ch for ch in text if ch.isprintable())


class Invalid(BadRequest):
    """A 400 that lists each problem with its field (None: the request as a whole)."""

    def __init__(self, problems: list[tuple[str | None, str]]) -> None:
        super().__init__(description="; ".join(f"{where}: {what}" if where else what for where, what in problems))
        self.problems = problems


def invalid(field: str | None, problem: str) -> NoReturn:
    raise Invalid([(field, problem)])


@bp.errorhandler(400)
def _bad_request(exc):  # type: ignore[no-untyped-def]
    problems = getattr(exc, "problems", None) or [(None, exc.description)]
    return jsonify({"error": "bad_request", "detail": exc.description,
                    "problems": [{"field": where, "problem": what} for where, what in problems]}), 400


@bp.errorhandler(409)
def _conflict(exc):  # type: ignore[no-untyped-def]
    return jsonify({"error": "conflict", "detail": exc.description}), 409


def _problems(exc: ValidationError) -> list[tuple[str | None, str]]:
    """pydantic's errors as (field, problem): `checklist.nonsense`, `documents.2`, or None for the body."""
    return [(".".join(str(part) for part in error["loc"] if part != "[key]") or None, error["msg"])
            for error in exc.errors(include_url=False, include_input=False, include_context=False)]


def body_of(model: type[M]) -> M:
    """The request's JSON object, checked against `model`; anything else is a 400 saying what is wrong."""
    if not request.is_json:
        invalid(None, "send a JSON object with Content-Type: application/json")
    raw = request.get_data(cache=True)
    if not raw.strip():
        invalid(None, "the body is empty: send a JSON object")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested past what the parser takes
        invalid(None, "the body is not valid JSON")
    if not isinstance(data, dict):
        invalid(None, f"the body must be a JSON object {{...}}, not {JSON_KINDS.get(type(data), 'that')}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise Invalid(_problems(exc)) from None


def query_of(model: type[M]) -> M:
    """The query parameters, checked against `model`; an empty value counts as absent."""
    try:
        return model.model_validate({name: value for name, value in request.args.items() if value != ""})
    except ValidationError as exc:
        raise Invalid(_problems(exc)) from None


def not_found(what: str) -> tuple[Any, int]:
    return jsonify({"error": "not_found", "detail": f"no {what}"}), 404


def register_routing_errors(app: Flask) -> None:
    """An address under /api/ that names no route, or a method its route does not take, is answered
    in the API's JSON like every other refusal (a routing error reaches the app, not the blueprint)."""
    def routing(exc: HTTPException) -> Any:
        if not request.path.startswith(f"{bp.url_prefix}/"):
            return exc  # the page Flask (or the console's own handler) gives
        if isinstance(exc, MethodNotAllowed):
            allowed = ", ".join(exc.valid_methods or [])
            response = jsonify({"error": "method_not_allowed",
                                "detail": f"{request.method} is not taken here: {allowed}"})
            response.status_code = 405
            response.headers["Allow"] = allowed
            return response
        return not_found(f"route {request.path} (see /api/openapi.json)")

    app.register_error_handler(NotFound, routing)
    app.register_error_handler(MethodNotAllowed, routing)


@bp.get("/openapi.json")
def openapi_document():  # type: ignore[no-untyped-def]
    """The API as OpenAPI 3.1. Public: it describes the code (published anyway), not the data."""
    return jsonify(openapi.document())


@bp.get("/contracts/<project_code>")
@require_admin
def contract(project_code: str):  # type: ignore[no-untyped-def]
    """Where one contract stands on `as_of` (INTERFACES.md)."""
    as_of = query_of(ContractQuery).as_of or runtime().clock.today()
    code = to_ascii_digits(project_code)  # as the register reads project codes
    if "\x00" in code:  # no code holds one, and PostgreSQL refuses it in a query
        return not_found(f"contract {project_code!r}")
    with runtime().sessions() as session:
        found = contract_by_code(session, code)
        if found is None:
            return not_found(f"contract {project_code!r}")
        p = position_of(found, as_of)
        roles = ("borrower", "co_debtor", "guarantor")
        members = [{"national_id_masked": mask_national_id(m.person.national_id),
                    "name": m.person.full_name, "role": m.role}
                   for m in sorted(found.memberships, key=lambda m: (roles.index(m.role), m.person.first_name))]
        situation = Situation(
            debtor_class=p.debtor_class, contract_date=found.contract_date, status=found.status,
            demand_letter=found.demand_letter_date is not None, demand_letter_date=found.demand_letter_date,
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
    query = query_of(FollowupsQuery)
    as_of = query.as_of or runtime().clock.today()
    offset, limit = query.offset or 0, query.limit
    with runtime().sessions() as session:
        try:
            scope = scope_named(session, query.district, query.province)
        except AreaNotFound as missing:
            return jsonify({"error": "not_found", "detail": str(missing)}), 404
        listed = followup_list(session, as_of, scope, offset=offset, limit=limit,
                               of_today=as_of == runtime().clock.today())
        rows = [shown(row) for row in listed.rows]
        audit(session, [int(r["applicant"]["person_id"]) for r in rows if r.get("applicant")], "api.followups")
    response = jsonify(rows)
    response.headers["X-Total-Count"] = str(listed.total)
    if listed.made_at is not None:  # the stored list as it was: the register changed or the day turned since
        response.headers["X-List-Made-At"] = listed.made_at.astimezone(BANGKOK).isoformat()
    if limit is not None and offset + limit < listed.total:
        following = ({key: value for key, value in request.args.items() if key in FollowupsQuery.model_fields}
                     | {"offset": str(offset + limit), "limit": str(limit)})  # not `_method` (url_for's own)
        response.headers["Link"] = f'<{url_for(".followups", **following)}>; rel="next"'
    return response


@bp.get("/applications")
@require_admin
def applications():  # type: ignore[no-untyped-def]
    """Measure applications, newest first, optionally by status."""
    status = query_of(ApplicationsQuery).status
    with runtime().sessions() as session:
        districts = district_names(session)
        found = applications_newest_first(session, status, MAX_ROWS)
        names = measure_labels(session)
        rows = [_application_json(a, districts, names) for a in found]
        audit(session, [a.person_id for a in found], "api.applications")
        return jsonify(rows)


STEP_REFUSED = {
    Refusal.DISTRICT_STEP: "the review is for an officer of the contract's district",
    Refusal.PROVINCE_STEP: "approving or rejecting is for a province officer",
    Refusal.OUT_OF_AREA: "the contract is outside the officer's district",
    Refusal.SAME_OFFICER: "the officer who reviewed this application may not also decide it: another officer must",
}


def _deciding_officer(body: ApplicationMove) -> str:
    """Who takes the step: `X-Officer`, or (as before the header) the body's `officer`; never both, differing."""
    header = _printable(request.headers.get("X-Officer") or "").strip()[:200]
    if header and body.officer and name_key(header) != name_key(body.officer):
        invalid("officer", "X-Officer and officer name different people: send one of them")
    named = header or body.officer
    if not named:
        invalid("officer", "name the officer taking the step in the X-Officer header (their LINE user id or name)")
    return named


@bp.post("/applications/<int:application_id>")
@require_admin
def update_application(application_id: int):  # type: ignore[no-untyped-def]
    """An officer moves an application on: {"status", "note"?}, the officer in `X-Officer` (or the body's
    "officer"); the same rules as the console (domain/applications.py), the person told 1:1."""
    body = body_of(ApplicationMove)
    named = _deciding_officer(body)
    if application_id > MAX_ID:
        return not_found(f"application {application_id}")
    rt = runtime()
    now = rt.clock.now()
    with rt.sessions() as session:
        application = application_for_step(session, application_id)
        if application is None:
            return not_found(f"application {application_id}")
        current = application.status
        refused = take_step(application, status=body.status, officer=officer_named(session, named), note=body.note,
                            now=now)
        if refused is Refusal.MOVE:
            allowed = sorted(NEXT_STATUSES.get(current, ()))
            return jsonify({"error": "conflict", "detail": f"cannot move from {current} to {body.status}; "
                            f"allowed: {', '.join(allowed) or 'none'}"}), 409
        if refused is Refusal.NOTE_NEEDED:
            invalid("note", "a rejection needs a note saying why")
        if refused is not None:
            return jsonify({"error": "forbidden", "detail": STEP_REFUSED[refused]}), 403
        told = tell_applicant(session, application, origin="api.application_step", now=now,
                              notice=partial(step_notice, office_phone=rt.settings.office_phone))
        record_access(session, [application.person_id], viewer="api", viewer_name=named, channel="api",
                      action=f"api.{STEP_ACTIONS[body.status]}",
                      detail=_printable(f"{request.method} {request.path} {current} -> {body.status}")[:200], now=now)
        session.commit()
        if told:
            rt.deliver_queued()
        return jsonify(_application_json(application, district_names(session), measure_labels(session)))


def _application_json(application: MeasureApplication, districts: dict[int, str],
                      measure_names: dict[str, str]) -> dict[str, Any]:
    """An application as the API lists it, with who took each step (staff by name); its words name the
    measure by its short name."""
    return {**shown(application_row(application, districts, measure_names)),
            "reviewed_by": application.reviewed_by, "decided_by": application.decided_by}


@bp.get("/sessions")
@require_admin
def list_sessions():  # type: ignore[no-untyped-def]
    """Appointment sessions from today on (or `from=DATE`), with seats taken."""
    since = query_of(SessionsQuery).since or runtime().clock.today()
    start = datetime(since.year, since.month, since.day, tzinfo=BANGKOK)
    with runtime().sessions() as session:
        rows = sessions_from(session, start)
        return jsonify([_session_row(session, row) for row in rows])


@bp.post("/sessions")
@require_admin
def add_session():  # type: ignore[no-untyped-def]
    """Publish a session: {"kind", "start", "end", "place", "capacity", "title"?, "slot_minutes"?, ...}
    (web/schemas.py: NewSession)."""
    body = body_of(NewSession)
    rt = runtime()
    with rt.sessions() as session:
        try:
            province = one_province(session, body.province).id if body.province else None
        except AreaNotFound as missing:
            raise Invalid([("province", str(missing))]) from None
        try:
            row = create_session(
                session, kind=body.kind, start=body.start, end=body.end, place=body.place,
                capacity=body.capacity, now=rt.clock.now(), title=session_title(body.kind, body.title),
                slot_minutes=body.slot_minutes, officer=body.officer or None, documents=body.documents or [],
                map_url=body.map_url, province_id=province)
        except SessionRefused as refused:  # what the body's types cannot say: in the past, no slot fits
            raise Invalid([(p.field, p.detail) for p in refused.problems]) from None
        session.commit()
        return jsonify(_session_row(session, row)), 201


@bp.post("/sessions/<int:session_id>")
@require_admin
def change_a_session(session_id: int):  # type: ignore[no-untyped-def]
    """Change an open session: {"start"?, "end"?, "place"?, "capacity"?} (web/schemas.py: SessionChange).

    The rules of publishing, and the seats never below the highest one held; everyone booked keeps
    their seat and is told 1:1 through the outbox when the time or the place moves (`told`).
    """
    body = body_of(SessionChange)
    if session_id > MAX_ID:
        return not_found(f"session {session_id}")
    rt = runtime()
    with rt.sessions() as session:
        row = appointment_session(session, session_id)
        if row is None:
            return not_found(f"session {session_id}")
        if row.status != "open":
            raise Conflict(f"session {session_id} is {row.status}: publish a new one with POST /api/sessions")
        start, end = changed_times(row.starts_at, row.ends_at, body.start, body.end)
        try:
            told = change_session(session, row, start=start, end=end,
                                  place=row.place if body.place is None else body.place,
                                  capacity=row.capacity if body.capacity is None else body.capacity,
                                  now=rt.clock.now(), origin="api.sessions_change", settings=rt.settings,
                                  notice=session_moved)
        except SessionRefused as refused:
            session.rollback()
            raise Invalid([(p.field, p.detail) for p in refused.problems]) from None
        session.commit()
        if told:
            rt.deliver_queued()
        return jsonify({**_session_row(session, row), "told": told})


@bp.delete("/sessions/<int:session_id>")
@require_admin
def cancel_a_session(session_id: int):  # type: ignore[no-untyped-def]
    """Cancel an open session (it stays listed, status cancelled); everyone booked is told 1:1 with the
    sessions of the same kind that still have free seats (`told`)."""
    if session_id > MAX_ID:
        return not_found(f"session {session_id}")
    rt = runtime()
    with rt.sessions() as session:
        row = appointment_session(session, session_id)
        if row is None:
            return not_found(f"session {session_id}")
        if row.status != "open":
            raise Conflict(f"session {session_id} is already {row.status}")
        told = cancel_session(session, row, rt.clock.now(), origin="api.sessions_cancel", settings=rt.settings,
                              notice=session_cancelled)
        session.commit()
        if told:
            rt.deliver_queued()
        return jsonify({**_session_row(session, row), "told": told})


@bp.get("/sessions/<int:session_id>/bookings")
@require_admin
def session_bookings(session_id: int):  # type: ignore[no-untyped-def]
    """The roster of a session: who booked which seat (national IDs masked)."""
    if session_id > MAX_ID:
        return not_found(f"session {session_id}")
    with runtime().sessions() as session:
        row = appointment_session(session, session_id)
        if row is None:
            return not_found(f"session {session_id}")
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
    (web/schemas.py: BookingUpdate)
    """
    body = body_of(BookingUpdate)
    if booking_id > MAX_ID:
        return not_found(f"booking {booking_id}")
    rt = runtime()
    with rt.sessions() as session:
        booking = booking_by_id(session, booking_id)
        if booking is None:
            return not_found(f"booking {booking_id}")
        if body.start_measure is not None:
            known = [m.id for m in measures_in_db(session)]
            if body.start_measure not in known:
                invalid("start_measure", f"must be one of the measures loaded: {', '.join(known)}")
        record_outcome(booking, checklist=body.checklist or {}, attendance=body.attendance, outcome=body.outcome,
                       terms=body.terms, now=rt.clock.now())
        started = _after_settlement(session, booking, body, rt.clock.now())
        audit(session, [booking.person_id], "api.booking")  # their outcome and terms, answered back
        session.commit()
        return jsonify({"booking_id": booking.id, "checklist": booking.checklist, "attendance": booking.attendance,
                        "outcome": booking.outcome, "terms": booking.outcome_terms, **started})


def _after_settlement(session, booking: Booking, body: BookingUpdate,  # type: ignore[no-untyped-def]
                      now: datetime) -> dict[str, Any]:
    """A settlement may start a measure application or change the contract's status."""
    out: dict[str, Any] = {}
    if booking.outcome != "settled" or not (body.start_measure or body.contract_status):
        return out
    contract = first_open_contract(session, booking.person_id)
    if contract is None:
        invalid(None, "the person has no open contract to apply the settlement to")
    if body.start_measure:
        application = start_settled_measure(session, person_id=booking.person_id, contract_id=contract.id,
                                            measure_id=body.start_measure, booking_id=booking.id,
                                            officer=body.officer, note=booking.outcome_terms, now=now)
        if application is None:
            raise Conflict(f"{contract.project_code} already has an open application to {body.start_measure}: "
                           "move it on with POST /api/applications/<id>")
        out["application_id"] = application.id
    if body.contract_status:
        set_contract_status(contract, body.contract_status)
        out["contract_status"] = contract.status
    out["project_code"] = contract.project_code
    return out


def _session_row(session, row: AppointmentSession) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    seats = seats_in(row)
    taken = len(taken_seats(session, row.id))
    return {"id": row.id, "kind": row.kind, "title": row.title, "place": row.place, "map_url": row.map_url,
            "start": row.starts_at.astimezone(BANGKOK).isoformat(), "end": row.ends_at.astimezone(BANGKOK).isoformat(),
            "capacity": seats, "booked": taken, "slot_minutes": row.slot_minutes, "officer": row.officer,
            "documents": row.documents, "status": row.status,
            "province": row.province.name if row.province is not None else None}


@bp.get("/outbox")
@require_admin
def outbox():  # type: ignore[no-untyped-def]
    """Messages sent or queued to LINE since a moment, oldest first. A reply's or a push's text may
    hold a person's figures, so the people it went to are on the audit trail."""
    start = query_of(OutboxQuery).since
    with runtime().sessions() as session:
        rows = outbox_since(session, start, MAX_ROWS)
        shown = [_outbox_row(row) for row in rows]
        audit(session, people_of_accounts(session, {to for row in rows for to in row.recipients or []}), "api.outbox")
    return jsonify(shown)


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
    query = query_of(VisitsReportQuery)
    default_start, default_end = report_period(report_day_on_or_before(runtime().clock.today()))
    start, end, district = query.since or default_start, query.until or default_end, query.district
    if end < start:
        invalid("to", f"{end} is before from ({start})")
    with runtime().sessions() as session:
        try:
            scope = scope_named(session, district, query.province)
        except AreaNotFound as missing:
            return jsonify({"error": "not_found", "detail": str(missing)}), 404
        if isinstance(scope, str) and not area_ids_under(session, scope):
            return not_found(f"district {district!r}")
        report = district_report_for(session, start, end, scope)
    counts = {k: v for k, v in dataclasses.asdict(report).items() if k not in {"start", "end"}}
    shown = {"province": query.province} if query.province else {}
    return jsonify({"from": start.isoformat(), "to": end.isoformat(), "district": district, **shown, **counts})
