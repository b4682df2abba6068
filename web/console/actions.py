"""What an officer does from a person's page: record a visit (the LINE flow's rules, as one form)
and set or correct the map pin. Each is audited and saved whole, or refused with what to fix."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from werkzeug.wrappers import Response

from bot.runtime import runtime
from domain.visits import PinError, VisitError, parse_pin, visit_answers
from messages.console import PIN_PROBLEMS, VISIT_PROBLEMS
from services.console import officer_by_line_id
from services.visits import contracts_of, located_update_of, pin_from_update, record_visit, set_pin
from web.console.access import audit, db, person_or_404, viewer
from web.console.forms import ROW_ID, Problem, in_force, record_id
from web.console.people import show_person
from web.console.today import today

VISIT_FIELDS = ("outcome", "contract_id", "measure", "promise_amount", "promise_due", "note")
PIN_FIELDS = ("lat", "lng")


def visit(person_id: int) -> Response | tuple[str, int]:
    person = person_or_404(person_id)
    form = {name: request.form.get(name, "").strip() for name in VISIT_FIELDS}
    line_user_id = viewer().line_user_id
    officer = officer_by_line_id(db(), line_user_id) if line_user_id else None
    try:
        if officer is None:  # the ADMIN_TOKEN sign-in is no one's visit
            raise VisitError("officer")
        answers = visit_answers(
            outcome=form["outcome"], contract=form["contract_id"],
            offered=contracts_of(db(), [person.id], open_only=True, area_ids=viewer().area_ids)[person.id],
            measure=form["measure"],
            measures=[mid for mid, _ in in_force(today())], amount=form["promise_amount"], due=form["promise_due"],
            note=form["note"], today=today())
    except VisitError as error:
        return show_person(person, status=400, problem=Problem("visit", VISIT_PROBLEMS[error.reason]), form=form)
    promise = (answers.promise.amount, answers.promise.due_on) if answers.promise else None
    record_visit(db(), officer=officer, person_id=person.id, contract_id=answers.contract_id, outcome=answers.outcome,
                 measure=answers.measure, note=answers.note, promise=promise, today=today(),
                 now=runtime().clock.now())
    audit([person.id], "console.visit")
    db().commit()
    return redirect(url_for("console.person", person_id=person.id) + "#visits")


def pin(person_id: int) -> Response | tuple[str, int]:
    """Typed coordinates, or the location of a field update about the person."""
    person = person_or_404(person_id)
    form = {name: request.form.get(name, "").strip() for name in PIN_FIELDS}
    from_update = request.form.get("from_update", "")
    try:
        if from_update:
            wanted = record_id(from_update)
            update = located_update_of(db(), person.id, wanted) if wanted is not None else None
            if update is None:
                raise PinError("update")
            pin_from_update(db(), update, runtime().clock.now())
        else:
            lat, lng = parse_pin(form["lat"], form["lng"])
            set_pin(person, lat, lng)
    except PinError as error:
        return show_person(person, status=400, problem=Problem("pin", PIN_PROBLEMS[error.reason]), form=form)
    audit([person.id], "console.pin")
    db().commit()
    return redirect(url_for("console.person", person_id=person.id))


def routes(bp: Blueprint) -> None:
    bp.add_url_rule(f"/people/<{ROW_ID}:person_id>/visits", "record_visit", visit, methods=["POST"])
    bp.add_url_rule(f"/people/<{ROW_ID}:person_id>/pin", "set_pin", pin, methods=["POST"])
