"""Measure applications (`/console/applications`): the queue, one application, and its steps.

A district officer reviews the applications of their district, a province officer approves or
rejects them, and whoever reviewed one may not decide it (domain/applications.py, the same rules
as `POST /api/applications/<id>`). Who takes a step is the signed-in officer, never a typed
name; the ADMIN_TOKEN bootstrap may look but not decide. Each step is audited and the person is
told 1:1 through the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from bot.runtime import runtime
from domain.applications import NEXT_STATUSES, STEP_ACTIONS, STEP_ORDER, Officer, Refusal, refusal, steps_open_to
from domain.clock import BANGKOK
from domain.console import page_of
from domain.identity import mask_national_id
from domain.textnorm import MAX_ROW_ID
from messages.applications import (
    ALL,
    HISTORY,
    NOT_AN_OFFICER,
    NOT_TOLD,
    NOTE_TOO_LONG,
    OFFICER_STATUS,
    REFUSALS,
    STATUS_CHOICES,
    STEP_BUTTONS,
    STEP_DONE,
    STEP_NOTES,
    TOLD,
    WAITING,
    answer_lines,
    step_notice,
)
from messages.console import CLASS_SHORT, CONTRACT_STATUSES, ROLE_NAMES
from messages.format import baht, thai_date
from models import MeasureApplication
from services.areas import area_ids_under, district_names
from services.contracts import position_of
from services.identity import staff_member
from services.measure_store import measure_names
from services.relief import (
    TOLD_STATUSES,
    QueueFilter,
    application_by_id,
    application_for_step,
    application_queue,
    count_applications,
    officer_of,
    standing_of,
    take_step,
    tell_applicant,
)
from web.console.access import audit, contract_visible, db, district_filter, viewer
from web.console.today import today, whole_number

NOTE_LIMIT = 2000
MAX_ID = MAX_ROW_ID
WAITING_STATUSES = ("submitted", "under_review")


@dataclass(frozen=True)
class QueueFilters:
    status: str  # WAITING, ALL or one status
    measure: str
    district: str

    def args(self) -> dict[str, str]:
        values = {"status": self.status if self.status != WAITING else "", "measure": self.measure,
                  "district": self.district if viewer().district is None else ""}
        return {k: v for k, v in values.items() if v}


def read_filters(measures: dict[str, str], district_choices: list[str]) -> QueueFilters:
    args = request.args
    status = args.get("status", "") or WAITING
    measure = args.get("measure", "")
    district = viewer().district or args.get("district", "").strip()
    return QueueFilters(status=status if status in dict(STATUS_CHOICES) else WAITING,
                        measure=measure if measure in measures else "",
                        district=district if viewer().district or district in district_choices else "")


def queue_page() -> str:
    measures = measure_names(db())
    choices = district_filter()
    filters = read_filters(measures, choices)
    statuses = (WAITING_STATUSES if filters.status == WAITING else None if filters.status == ALL
                else (filters.status,))
    scope = viewer().scope(filters.district)
    area_ids = None if scope is None else area_ids_under(db(), scope)
    chosen = QueueFilter(statuses, filters.measure or None, area_ids)
    page = page_of(whole_number(request.args.get("page")), None, count_applications(db(), chosen))
    rows = application_queue(db(), chosen, offset=page.offset, limit=page.size,
                             oldest_first=filters.status == WAITING)
    audit([a.person_id for a in rows], "console.applications")
    db().commit()
    return render_template("console/applications.html", rows=rows, page=page, filters=filters,
                           measures=measures, district_choices=choices, statuses=STATUS_CHOICES,
                           status_names=OFFICER_STATUS, districts=district_names(db()), day=thai_date(today()),
                           submitted_on=local_day, mask=mask_national_id)


def local_day(moment: datetime) -> str:
    return thai_date(moment.astimezone(BANGKOK).date())


def visible_or_404(application_id: int, *, for_step: bool = False) -> MeasureApplication:
    """An application on a contract in the viewer's area (locked for a step); anything else is not found."""
    if application_id > MAX_ID:  # names nothing (and would overflow PostgreSQL's integer)
        abort(404)
    application = (application_for_step if for_step else application_by_id)(db(), application_id)
    if application is None or not contract_visible(application.contract):
        abort(404)
    return application


def deciding_officer() -> Officer | None:
    """The signed-in officer as the rules know them (None: the ADMIN_TOKEN bootstrap, or no longer one)."""
    staff = staff_member(db(), viewer().line_user_id, "officer")
    return officer_of(staff) if staff is not None else None


@dataclass(frozen=True)
class HistoryLine:
    when: datetime
    what: str
    who: str | None
    note: str | None


def history_of(application: MeasureApplication) -> list[HistoryLine]:
    """The steps the application took, oldest first."""
    start = "from_booking" if "from_booking" in application.answers else "submitted"
    lines = [HistoryLine(application.submitted_at, HISTORY[start], None, None)]
    if application.reviewed_at is not None:
        lines.append(HistoryLine(application.reviewed_at, HISTORY["reviewed"], application.reviewed_by,
                                 application.review_note))
    if application.decided_at is not None:
        lines.append(HistoryLine(application.decided_at, OFFICER_STATUS["rejected" if application.status == "rejected"
                                                                         else "approved"],
                                 application.decided_by, application.decision_note))
    if application.status in {"active", "failed"}:
        lines.append(HistoryLine(application.status_changed_at, OFFICER_STATUS[application.status],
                                 application.officer, None))
    return lines


def detail(application: MeasureApplication, *, problem: str | None = None, note: str = "",
           code: int = 200) -> tuple[str, int]:
    """The application's page: the person, the contract, the answers, the steps so far, and the
    forms of the steps the viewer may take (only those)."""
    officer = deciding_officer()
    standing = standing_of(application)
    steps = steps_open_to(standing, officer) if officer is not None else []
    waiting = [new for new in STEP_ORDER if new in NEXT_STATUSES.get(application.status, ())]
    why_not = None
    if not steps and waiting:
        reason = refusal(standing, waiting[0], officer, "-") if officer is not None else None
        why_not = REFUSALS[reason] if reason is not None and reason is not Refusal.MOVE else NOT_AN_OFFICER
    contract, person = application.contract, application.person
    role = next((m.role for m in contract.memberships if m.person_id == person.id), None)
    audit([person.id], "console.application")
    db().commit()
    done = request.args.get("done", "")
    html = render_template(
        "console/application.html", application=application, person=person, contract=contract, role=role,
        position=position_of(contract, today()), answers=answer_lines(application.answers),
        history=history_of(application), steps=steps, why_not=why_not, problem=problem, note=note,
        measure=measure_names(db()).get(application.measure_id, application.measure_id),
        district=district_names(db()).get(contract.area_id), status_names=OFFICER_STATUS, buttons=STEP_BUTTONS,
        note_labels=STEP_NOTES,
        done=STEP_DONE.get(done), told={"1": TOLD, "0": NOT_TOLD}.get(request.args.get("told", "")) if done else None,
        roles=ROLE_NAMES, class_short=CLASS_SHORT, contract_statuses=CONTRACT_STATUSES, mask=mask_national_id,
        thai_date=thai_date, local_day=local_day, baht=baht)
    return html, code


def application_page(application_id: int) -> tuple[str, int]:
    return detail(visible_or_404(application_id))


def take_application_step(application_id: int) -> Response | tuple[str, int]:
    application = visible_or_404(application_id, for_step=True)
    status = request.form.get("status", "")[:20]
    note = request.form.get("note", "").strip()
    officer = deciding_officer()
    if officer is None:
        return detail(application, problem=NOT_AN_OFFICER, note=note, code=403)
    if len(note) > NOTE_LIMIT:
        return detail(application, problem=NOTE_TOO_LONG, note=note[:NOTE_LIMIT], code=400)
    rt = runtime()
    now = rt.clock.now()
    refused = take_step(application, status=status, officer=officer, note=note, now=now)
    if refused is not None:
        db().rollback()
        code = {Refusal.MOVE: 409, Refusal.NOTE_NEEDED: 400}.get(refused, 403)
        return detail(application, problem=REFUSALS[refused], note=note, code=code)
    told = tell_applicant(db(), application, origin="console.application_step", now=now,
                          notice=partial(step_notice, office_phone=rt.settings.office_phone))
    audit([application.person_id], f"console.{STEP_ACTIONS[status]}")
    db().commit()
    if told:
        rt.deliver_queued()
    answer: dict[str, Any] = {"done": status, **({"told": "1" if told else "0"} if status in TOLD_STATUSES else {})}
    return redirect(url_for("console.application", application_id=application.id, **answer) + "#steps")


def routes(bp: Blueprint) -> None:
    bp.add_url_rule("/applications", "applications", queue_page, methods=["GET"])
    bp.add_url_rule("/applications/<int:application_id>", "application", application_page, methods=["GET"])
    bp.add_url_rule("/applications/<int:application_id>", "application_step", take_application_step,
                    methods=["POST"])
