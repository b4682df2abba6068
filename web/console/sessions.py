"""Appointment sessions (`/console/sessions`): publish, change and cancel; the roster, attendance,
the court route's two-day checklist, outcomes and what a settlement starts.

One rule set: a session typed here is checked by domain.appointments.session_problems, as the
CLI (`sessions add`, `sessions change`) and the API (`POST /api/sessions`, `POST /api/sessions/<id>`)
are; a refused form is shown again with
every problem in Thai and nothing written.

Who sees what: sessions are province-wide events, so every officer of the province sees every
session of it, its seats, and publishes, changes or cancels it (everyone booked is told 1:1 by
the product, by no officer's hand). On a register of several provinces a session belongs to
the province of the officer who published it (an officer of the whole register chooses one, or
none: a session for everyone), and another province's sessions answer 404
(`services.appointments.seen_in`). The roster names only the people the officer may see
(their district's, or the whole province's); the others booked are counted, never named, and
their bookings answer 404. Every view of a roster is on the audit trail.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from bot.runtime import runtime
from domain.appointments import ATTENDANCE, COURT_CHECKLIST, MAX_CAPACITY, OUTCOMES, SESSION_KINDS, SessionProblem
from domain.clock import BANGKOK
from domain.textnorm import to_ascii_digits
from messages import console_sessions as words
from messages.appointments import others_booked, says_kind, session_cancelled, session_moved, session_title
from messages.console import CONTRACT_STATUSES
from messages.format import thai_date, thai_time
from models import AppointmentSession, Area, Booking
from models.register import CONTRACT_STATUSES as CONTRACT_STATUS_KEYS
from services.appointments import (
    SessionRefused,
    booking_by_id,
    cancel_session,
    change_session,
    create_session,
    record_outcome,
    roster_in_scope,
    session_line,
    session_lines,
    session_seen,
)
from services.areas import provinces as all_provinces
from services.areas import provinces_of
from services.contracts import first_open_contract, set_contract_status
from services.relief import start_settled_measure
from services.visits import person_in_scope
from web.console.access import audit, contract_visible, db, viewer
from web.console.forms import ROW_ID, in_force
from web.console.today import today
from web.schemas import FIRST_YEAR, LAST_YEAR

PAST_DAYS = 90  # how far back the list shows sessions held
MAX_TERMS = 4000
MAX_DOCUMENTS = 20
PUBLISH_FIELDS = ("kind", "title", "start", "end", "place", "capacity", "slot_minutes", "documents", "province")
CHANGE_FIELDS = ("start", "end", "place", "capacity")


def moment(at: datetime) -> str:
    local = at.astimezone(BANGKOK)
    return f"{thai_date(local.date())} {thai_time(local)}"


def field_value(at: datetime) -> str:
    """A moment as a datetime-local input shows it."""
    return f"{at.astimezone(BANGKOK):%Y-%m-%dT%H:%M}"


def _when(raw: str, field: str, problems: list[SessionProblem]) -> datetime | None:
    """A date and time as the form's input sends it (Thai digits too), in a C.E. year the API takes
    (a B.E. year typed as C.E. would publish a session centuries away)."""
    try:
        found = datetime.fromisoformat(to_ascii_digits(raw.strip()))
    except ValueError:
        problems.append(SessionProblem(field, "when", f"{field}: not a date and time"))
        return None
    if not FIRST_YEAR <= found.year <= LAST_YEAR:
        problems.append(SessionProblem(field, "year", f"{field}: not a C.E. year"))
        return None
    return found if found.tzinfo else found.replace(tzinfo=BANGKOK)


def _count(raw: str, field: str, problems: list[SessionProblem], *, optional: bool = False) -> int | None:
    text = to_ascii_digits(raw.strip()).replace(",", "")
    if optional and not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        problems.append(SessionProblem(field, "number", f"{field}: not a whole number"))
        return None
    return int(text)


def read_times(form: MultiDict[str, str], problems: list[SessionProblem]) -> tuple[Any, Any, Any]:
    return (_when(form.get("start", ""), "start", problems), _when(form.get("end", ""), "end", problems),
            _count(form.get("capacity", ""), "capacity", problems))


def _provinces() -> set[int] | None:
    """The provinces the viewer's sessions are of (None: the whole register's officer, every one)."""
    me = viewer()
    return provinces_of(db(), me.district_id if me.district_id is not None else me.province_id)


def province_choices() -> list[Area]:
    """The provinces an officer of the whole register may publish a session for, when the register
    has several (none to choose from otherwise, nor for an officer of a district or a province)."""
    found = all_provinces(db()) if viewer().whole_register else []
    return found if len(found) > 1 else []


def sessions_page(*, form: dict[str, str] | None = None, problems: list[SessionProblem] | None = None,
                  status: int = 200, said: str | None = None) -> tuple[str, int]:
    kind = request.args.get("kind", "")
    kind = kind if kind in SESSION_KINDS else ""
    now = runtime().clock.now()
    midnight = datetime.combine(today(), datetime.min.time(), tzinfo=BANGKOK)
    lines = session_lines(db(), midnight - timedelta(days=PAST_DAYS), provinces=_provinces())
    choices = province_choices()
    lines = [line for line in lines if not kind or line.row.kind == kind]
    upcoming = [line for line in lines if line.row.ends_at > now]
    past = [line for line in reversed(lines) if line.row.ends_at <= now]
    return render_template("console/sessions.html", upcoming=upcoming, past=past, kind=kind, kinds=words.KINDS,
                           statuses=words.SESSION_STATUS_NAMES, moment=moment, form=form or {},
                           problems=[words.session_problem(p) for p in problems or []],
                           wrong={p.field for p in problems or []}, max_capacity=MAX_CAPACITY,
                           said=said, past_days=PAST_DAYS, province_choices=choices,
                           several=bool(choices) or (viewer().whole_register
                                                     and any(line.row.province_id for line in lines))), status


def list_sessions() -> tuple[str, int]:
    return sessions_page()


def publish() -> Response | tuple[str, int]:
    form = {name: request.form.get(name, "") for name in PUBLISH_FIELDS}
    problems: list[SessionProblem] = []
    start, end, capacity = read_times(request.form, problems)
    slot_minutes = _count(form["slot_minutes"], "slot_minutes", problems, optional=True)
    documents = [line.strip() for line in form["documents"].splitlines() if line.strip()][:MAX_DOCUMENTS]
    if form["kind"] not in SESSION_KINDS:
        problems.append(SessionProblem("kind", "kind", "kind unknown"))
    province_id = _province_chosen(form["province"], problems)
    if problems:
        return sessions_page(form=form, problems=problems, status=400)
    try:
        row = create_session(db(), kind=form["kind"], start=start, end=end, place=form["place"], capacity=capacity,
                             now=runtime().clock.now(), title=session_title(form["kind"], form["title"].strip()[:200]),
                             slot_minutes=slot_minutes, officer=viewer().name, documents=documents,
                             province_id=province_id)
    except SessionRefused as refused:
        db().rollback()
        return sessions_page(form=form, problems=refused.problems, status=400)
    db().commit()
    return redirect(url_for("console.session", session_id=row.id, said="published"))


def _province_chosen(raw: str, problems: list[SessionProblem]) -> int | None:
    """The province a new session is of: the viewer's own (a district's or a province's officer), else
    the one chosen from `province_choices` (none: the register's own, for everyone)."""
    if not viewer().whole_register:
        return next(iter(_provinces() or ()), None)
    choices = {str(area.id): area.id for area in province_choices()}
    if raw and raw not in choices:
        problems.append(SessionProblem("province", "province", "province unknown"))
    return choices.get(raw)


def _session_or_404(session_id: int) -> AppointmentSession:
    row = session_seen(db(), session_id, _provinces())
    if row is None:
        abort(404)
    return row


def session_page(session_id: int, *, form: dict[str, str] | None = None,
                 problems: list[SessionProblem] | None = None, booking_problem: tuple[int, str] | None = None,
                 status: int = 200) -> tuple[str, int]:
    row = _session_or_404(session_id)
    bookings, others = roster_in_scope(db(), row.id, viewer().area_ids)
    audit([b.person_id for b in bookings], "console.roster", detail=f"session {row.id}")
    db().commit()
    raw_told = request.args.get("told", "")
    told = int(raw_told) if raw_told.isascii() and raw_told.isdigit() and len(raw_told) <= 4 else 0
    said = {"published": words.PUBLISHED, "changed": words.changed(told),
            "cancelled": words.cancelled(told)}.get(request.args.get("said", ""))
    shown = form or {"start": field_value(row.starts_at), "end": field_value(row.ends_at), "place": row.place,
                     "capacity": str(row.capacity)}
    return render_template("console/session.html", s=session_line(db(), row), row=row, bookings=bookings,
                           others=others, moment=moment, kinds=words.KINDS, statuses=words.SESSION_STATUS_NAMES,
                           says_kind=says_kind,
                           booking_statuses=words.BOOKING_STATUS_NAMES, attendance=words.ATTENDANCE_NAMES,
                           outcomes=words.OUTCOME_NAMES, checklist=words.CHECKLIST, checklist_keys=COURT_CHECKLIST,
                           measures=in_force(today()), contract_statuses=CONTRACT_STATUSES,
                           others_line=others_booked(others) if others else None, said=said, form=shown,
                           problems=[words.session_problem(p) for p in problems or []],
                           wrong={p.field for p in problems or []}, booking_problem=booking_problem,
                           now=runtime().clock.now()), status


def show_session(session_id: int) -> tuple[str, int]:
    return session_page(session_id)


def change(session_id: int) -> Response | tuple[str, int]:
    row = _session_or_404(session_id)
    form = {name: request.form.get(name, "") for name in CHANGE_FIELDS}
    if row.status != "open":
        return session_page(session_id, form=form, status=400,
                            problems=[SessionProblem("status", "closed", "the session is cancelled")])
    problems: list[SessionProblem] = []
    start, end, capacity = read_times(request.form, problems)
    if problems:
        return session_page(session_id, form=form, problems=problems, status=400)
    rt = runtime()
    try:
        told = change_session(db(), row, start=start, end=end, place=form["place"], capacity=capacity,
                              now=rt.clock.now(), origin="console.sessions_change", settings=rt.settings,
                              notice=session_moved)
    except SessionRefused as refused:
        db().rollback()
        return session_page(session_id, form=form, problems=refused.problems, status=400)
    db().commit()
    return redirect(url_for("console.session", session_id=session_id, said="changed", told=told))


def confirm_cancel(session_id: int) -> str:
    row = _session_or_404(session_id)
    if row.status != "open":
        abort(404)
    return render_template("console/session_cancel.html", s=session_line(db(), row), row=row, moment=moment,
                           kinds=words.KINDS)


def cancel(session_id: int) -> Response:
    row = _session_or_404(session_id)
    if row.status != "open":
        return redirect(url_for("console.session", session_id=session_id))
    rt = runtime()
    told = cancel_session(db(), row, rt.clock.now(), origin="console.sessions_cancel", settings=rt.settings,
                          notice=session_cancelled)
    db().commit()
    return redirect(url_for("console.session", session_id=session_id, said="cancelled", told=told))


def _booking_or_404(booking_id: int) -> Booking:
    """A booking of someone the viewer may see; anyone else's is simply not found."""
    booking = booking_by_id(db(), booking_id)
    if booking is None or person_in_scope(db(), booking.person_id, viewer().area_ids) is None:
        abort(404)
    return booking


def _back(booking: Booking) -> Response:
    return redirect(url_for("console.session", session_id=booking.session_id) + f"#booking-{booking.id}")


def record(booking_id: int) -> Response | tuple[str, int]:
    """Attendance, the court route's ticks, the outcome and the terms of one booking."""
    booking = _booking_or_404(booking_id)
    attendance = request.form.get("attendance", "")
    outcome = request.form.get("outcome", "")
    terms = request.form.get("terms", "").strip()
    reason = ("attendance" if attendance and attendance not in ATTENDANCE else
              "outcome" if outcome and outcome not in OUTCOMES else
              "terms_long" if len(terms) > MAX_TERMS else None)
    if reason:
        return session_page(booking.session_id, booking_problem=(booking.id, words.BOOKING_PROBLEMS[reason]),
                            status=400)
    ticks = ({key: request.form.get(f"check_{key}") == "on" for key in COURT_CHECKLIST}
             if booking.kind == "court" and request.form.get("checklist") == "shown" else {})
    record_outcome(booking, checklist=ticks, attendance=attendance or None, outcome=outcome or None,
                   terms=terms or None, now=runtime().clock.now())
    audit([booking.person_id], "console.booking", detail=f"booking {booking.id}")
    db().commit()
    return _back(booking)


def settle(booking_id: int) -> Response | tuple[str, int]:
    """A settlement starts a measure (approved at once) or changes the contract's status, or both."""
    booking = _booking_or_404(booking_id)
    measure = request.form.get("measure", "")
    contract_status = request.form.get("contract_status", "")
    contract = first_open_contract(db(), booking.person_id)
    reason = ("not_settled" if booking.outcome != "settled" else
              "nothing" if not measure and not contract_status else
              "measure" if measure and measure not in {m for m, _ in in_force(today())} else
              "status" if contract_status and contract_status not in CONTRACT_STATUS_KEYS else
              "no_contract" if contract is None or not contract_visible(contract) else None)
    if reason is None and measure and contract is not None:
        started = start_settled_measure(db(), person_id=booking.person_id, contract_id=contract.id,
                                        measure_id=measure, booking_id=booking.id, officer=viewer().name,
                                        note=booking.outcome_terms, now=runtime().clock.now())
        reason = "already" if started is None else None
    if reason is not None:
        db().rollback()
        return session_page(booking.session_id, booking_problem=(booking.id, words.BOOKING_PROBLEMS[reason]),
                            status=400)
    if contract_status and contract is not None:
        set_contract_status(contract, contract_status)
    audit([booking.person_id], "console.settlement", detail=f"booking {booking.id}")
    db().commit()
    return _back(booking)


def routes(bp: Blueprint) -> None:
    bp.add_url_rule("/sessions", "sessions", list_sessions, methods=["GET"])
    bp.add_url_rule("/sessions", "publish_session", publish, methods=["POST"])
    bp.add_url_rule(f"/sessions/<{ROW_ID}:session_id>", "session", show_session, methods=["GET"])
    bp.add_url_rule(f"/sessions/<{ROW_ID}:session_id>/change", "change_session", change, methods=["POST"])
    bp.add_url_rule(f"/sessions/<{ROW_ID}:session_id>/cancel", "confirm_cancel_session", confirm_cancel,
                    methods=["GET"])
    bp.add_url_rule(f"/sessions/<{ROW_ID}:session_id>/cancel", "cancel_session", cancel, methods=["POST"])
    bp.add_url_rule(f"/bookings/<{ROW_ID}:booking_id>", "record_booking", record, methods=["POST"])
    bp.add_url_rule(f"/bookings/<{ROW_ID}:booking_id>/settlement", "settle_booking", settle, methods=["POST"])
