"""A person's file, a project's file, finding people, and notes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from bot.runtime import runtime
from domain.identity import mask_national_id
from messages.console import CLASS_SHORT, DOCUMENT_KINDS, PROMISE_STATES, REQUEST_STATES, ROLE_NAMES, STATUS_NAMES
from messages.format import baht, thai_date
from messages.visits import OUTCOME_NAMES
from models import Contract, Person
from services.areas import area_path
from services.casefile import MonthPoint, add_note, person_file, project, project_file
from services.measure_store import measures_in_db
from services.visits import find_people
from web.console.access import audit, contract_visible, db, person_or_404, viewer
from web.console.forms import ROW_ID, Problem, person_forms
from web.console.today import today

NOTE_LIMIT = 2000


def search() -> str:
    text = request.args.get("q", "").strip()[:100]
    found = find_people(db(), text, viewer().area_ids) if text else None
    if found is not None:
        audit([p.id for p in found.people], "console.search")
        db().commit()
    return render_template("console/people.html", q=text, found=found, mask=mask_national_id)


def person_page(person_id: int) -> tuple[str, int]:
    return show_person(person_or_404(person_id))


def show_person(person: Person, *, status: int = 200, problem: Problem | None = None,
                form: Mapping[str, str] | None = None) -> tuple[str, int]:
    """The person's page; after a refused form, again, with what was wrong and what was typed."""
    file = person_file(db(), person, today(), viewer().area_ids)
    audit([person.id], "console.person")
    db().commit()
    return render_template("console/person.html", person=person, file=file, mask=mask_national_id,
                           roles=ROLE_NAMES, class_short=CLASS_SHORT, outcomes=OUTCOME_NAMES,
                           kinds=DOCUMENT_KINDS, thai_date=thai_date, baht=baht, promise_states=PROMISE_STATES,
                           request_states=REQUEST_STATES, status_names=STATUS_NAMES,
                           measure_names={m.id: m.name for m in measures_in_db(db())},
                           forms=person_forms(person, file.history.holdings, today()), problem=problem,
                           form=form or {}), status


def add_person_note(person_id: int) -> Response:
    person = person_or_404(person_id)
    text = request.form.get("text", "").strip()
    if not text or len(text) > NOTE_LIMIT:
        abort(400, description="note")
    add_note(db(), person, officer_name=viewer().name, text=text, now=runtime().clock.now())
    audit([person.id], "console.note")
    db().commit()
    return redirect(url_for("console.person", person_id=person.id) + "#notes")


@dataclass(frozen=True)
class Chart:
    """The schedule against the payments, month by month, as SVG coordinates (no script needed)."""

    width: int
    height: int
    due: str  # polyline points
    paid: str
    top: Decimal
    labels: list[tuple[float, str]]


def chart_of(points: list[MonthPoint], width: int = 640, height: int = 200) -> Chart | None:
    if not points:
        return None
    top = max(max(p.due for p in points), max(p.paid for p in points), Decimal(1))
    step = width / max(1, len(points) - 1)

    def line(values: list[Decimal]) -> str:
        return " ".join(f"{i * step:.1f},{height - float(v / top) * height:.1f}" for i, v in enumerate(values))

    every = max(1, len(points) // 6)
    labels = [(i * step, thai_date(p.month_end)) for i, p in enumerate(points) if i % every == 0]
    return Chart(width, height, line([p.due for p in points]), line([p.paid for p in points]), top, labels)


def project_page(project_code: str) -> tuple[str, int]:
    contract = project(db(), project_code)
    if contract is None or not contract_visible(contract):
        abort(404)
    return show_project(contract)


def show_project(contract: Contract, *, status: int = 200, problem: Problem | None = None) -> tuple[str, int]:
    """The project's page; after a refused upload, again, with what was wrong."""
    file = project_file(db(), contract, today())
    audit([m.person_id for m in file.members], "console.project")
    db().commit()
    return render_template("console/project.html", file=file, contract=contract, chart=chart_of(file.months),
                           mask=mask_national_id, roles=ROLE_NAMES, class_short=CLASS_SHORT,
                           outcomes=OUTCOME_NAMES, kinds=DOCUMENT_KINDS, thai_date=thai_date, baht=baht,
                           area=place_of(contract), problem=problem), status


def place_of(contract: Contract) -> str:
    names = area_path(contract.area)
    return " · ".join(names[level] for level in ("district", "subdistrict", "village") if names.get(level))


def routes(bp: Blueprint) -> None:
    bp.add_url_rule("/people", "people", search, methods=["GET"])
    bp.add_url_rule(f"/people/<{ROW_ID}:person_id>", "person", person_page, methods=["GET"])
    bp.add_url_rule(f"/people/<{ROW_ID}:person_id>/notes", "add_note", add_person_note, methods=["POST"])
    bp.add_url_rule("/projects/<path:project_code>", "project", project_page, methods=["GET"])
