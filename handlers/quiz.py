"""The relief-measure quiz (`มาตรการ` / `relief`) and applying to a measure.

See quiz.md beside this file for the flow. The conversation keeps every answer; the
results step stays open so a person can ask to join one or more of the measures shown.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from linebot.v3.messaging import Message
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from domain.measures import Situation, eligible
from domain.quiz import QUESTIONS, next_question
from handlers.context import Context
from handlers.flow import Flow, Step
from messages import quiz as msgs
from messages.flows import ReliefStep
from models import Contract, MeasureApplication, Person
from models.measures import OPEN_APPLICATION_STATUSES
from services.balance import Holding, holdings
from services.identity import linked_person
from services.measure_store import measures_in_db


def start(ctx: Context) -> list[Message]:
    """`มาตรการ`: a verified person with applications sees where they stand; everyone else, the quiz."""
    person = linked_person(ctx.session, ctx.user_id or "")
    if person is not None:
        rows = _applications(ctx, person)
        if rows:
            return msgs.statuses(rows)
    return _begin(ctx, person)


def start_again(ctx: Context) -> list[Message]:
    """`ประเมินมาตรการ`: the quiz, even with applications open."""
    return _begin(ctx, linked_person(ctx.session, ctx.user_id or ""))


def _begin(ctx: Context, person: Person | None) -> list[Message]:
    data = {"person_id": person.id if person else None}
    _, open_holdings = _person_holdings(ctx, data)
    step = next_question(_known(data, open_holdings), verified=person is not None, contracts=len(open_holdings))
    opening = msgs.opening(verified=person is not None)
    if step is None:  # the register already answers everything
        ctx.conversation.start(ReliefStep.RESULTS, **data)
        return [opening, *_results(ctx, person, _known(data, open_holdings), open_holdings)]
    ctx.conversation.start(ReliefStep(step), **data)
    return [opening, msgs.question(step, back=False, contracts=_choices(open_holdings))]


def ask(ctx: Context) -> list[Message]:
    """Ask the current question again (after `back`)."""
    _, open_holdings = _person_holdings(ctx, ctx.conversation.data)
    return [msgs.question(ctx.conversation.step or "", back=ctx.conversation.can_go_back,
                          contracts=_choices(open_holdings))]


def on_answer(ctx: Context, answer: str) -> list[Message]:
    """Any question's answer: check it, remember it, move on."""
    step = ctx.conversation.step or ""
    data = ctx.conversation.data
    _, open_holdings = _person_holdings(ctx, data)
    allowed = [code for code, _ in _choices(open_holdings)] if step == "contract" else QUESTIONS.get(step, ())
    value = answer if answer in allowed else _from_label(step, answer)
    if value is None:
        return msgs.tap_a_button(step, back=ctx.conversation.can_go_back, contracts=_choices(open_holdings))
    known = _known({**data, step: value}, open_holdings)
    following = next_question(known, verified=data.get("person_id") is not None, contracts=len(open_holdings))
    ctx.conversation.advance(ReliefStep(following) if following else ReliefStep.RESULTS, **{step: value})
    if following is not None:
        return [msgs.question(following, back=True, contracts=_choices(open_holdings))]
    person = ctx.session.get(Person, data["person_id"]) if data.get("person_id") else None
    return _results(ctx, person, known, open_holdings)


def on_results(ctx: Context, answer: str) -> list[Message]:
    """A tap on a result card's button: apply to that measure for that contract."""
    measure_id, _, contract_id = answer.partition(":")
    if not contract_id.isdigit():  # typed text while the result cards are showing
        return msgs.tap_a_card()
    person = linked_person(ctx.session, ctx.user_id or "")
    if person is None:
        return msgs.results([], verified=False, office_phone=ctx.settings.office_phone)
    contract = ctx.session.get(Contract, int(contract_id))
    measure = next((m for m in measures_in_db(ctx.session) if m.id == measure_id), None)
    mine = contract is not None and any(h.contract.id == contract.id for h in holdings(ctx.session, person, ctx.today))
    if measure is None or contract is None or not mine:
        return msgs.results([], verified=True, office_phone=ctx.settings.office_phone)
    existing = _open_application(ctx, person.id, contract.id, measure_id)
    if existing is not None:
        return msgs.already_applied(measure.fill(measure.name), existing.status)
    savepoint = ctx.session.begin_nested()
    try:
        ctx.session.add(MeasureApplication(
            person_id=person.id, contract_id=contract.id, measure_id=measure_id,
            answers={k: v for k, v in ctx.conversation.data.items() if k in QUESTIONS},
            status="submitted", submitted_at=ctx.now, status_changed_at=ctx.now))
        ctx.session.flush()
        savepoint.commit()
    except IntegrityError:  # the same request from another device a moment ago
        savepoint.rollback()
        return msgs.already_applied(measure.fill(measure.name), "submitted")
    return msgs.applied(measure.fill(measure.name), measure.next_step, ctx.settings.office_phone)


# --- helpers ---------------------------------------------------------------------------


def _person_holdings(ctx: Context, data: dict[str, Any]) -> tuple[Person | None, list[Holding]]:
    if not data.get("person_id"):
        return None, []
    person = ctx.session.get(Person, data["person_id"])
    if person is None:
        return None, []
    return person, [h for h in holdings(ctx.session, person, ctx.today) if not h.position.closed]


def _chosen(data: dict[str, Any], open_holdings: list[Holding]) -> Holding | None:
    if len(open_holdings) == 1:
        return open_holdings[0]
    return next((h for h in open_holdings if h.contract.project_code == data.get("contract")), None)


def _known(data: dict[str, Any], open_holdings: list[Holding]) -> dict[str, Any]:
    """The answers so far, plus what the register says for a verified person's contract."""
    known = {k: v for k, v in data.items() if k in QUESTIONS}
    holding = _chosen(data, open_holdings)
    if holding is not None:
        known.setdefault("role", holding.role)
        if holding.position.debtor_class is not None:
            known.setdefault("standing", str(holding.position.debtor_class))
        court = {"litigation": "litigation", "judgment": "judgment"}.get(holding.contract.status)
        known.setdefault("court", court or ("demand_letter" if holding.contract.demand_letter_date else "none"))
    return known


def _results(ctx: Context, person: Person | None, known: dict[str, Any],
             open_holdings: list[Holding]) -> list[Message]:
    holding = _chosen(ctx.conversation.data, open_holdings)
    court = known.get("court")
    situation = Situation(
        debtor_class=int(known["standing"]), role=known["role"],
        contract_date=holding.contract.contract_date if holding else None,
        status=court if court in {"litigation", "judgment"} else ("active" if court else None),
        demand_letter=court == "demand_letter" if court else None,
        hardship=known.get("hardship"), payoff=known.get("payoff"), wish=known.get("wish"))
    fits = eligible(measures_in_db(ctx.session), situation, ctx.today)
    cards = [msgs.Card(fit, f"{fit.measure.id}:{holding.contract.id}" if holding else None) for fit in fits]
    if person is None:
        ctx.conversation.finish()  # nothing to apply for without a verified contract
    return msgs.results(cards, verified=person is not None, office_phone=ctx.settings.office_phone)


def _choices(open_holdings: list[Holding]) -> list[tuple[str, str]]:
    return [(h.contract.project_code, h.contract.project_name) for h in open_holdings]


def _from_label(step: str, text: str) -> str | None:
    """A typed answer that matches a button's label is as good as a tap."""
    for value, label in msgs.ANSWER_LABELS.get(step, {}).items():
        if text.strip() == label:
            return value
    return None


def _open_application(ctx: Context, person_id: int, contract_id: int, measure_id: str) -> MeasureApplication | None:
    return ctx.session.scalars(select(MeasureApplication).where(
        MeasureApplication.person_id == person_id, MeasureApplication.contract_id == contract_id,
        MeasureApplication.measure_id == measure_id,
        MeasureApplication.status.in_(OPEN_APPLICATION_STATUSES))).first()


def _applications(ctx: Context, person: Person) -> list[tuple[str, str, str, date]]:
    measures = {m.id: m for m in measures_in_db(ctx.session)}
    rows = ctx.session.execute(
        select(MeasureApplication.measure_id, Contract.project_code, MeasureApplication.status,
               MeasureApplication.status_changed_at)
        .join(Contract, Contract.id == MeasureApplication.contract_id)
        .where(MeasureApplication.person_id == person.id)
        .order_by(MeasureApplication.submitted_at.desc())).all()
    return [(measures[m].fill(measures[m].name) if m in measures else m, code, status,
             changed.astimezone(ctx.now.tzinfo).date())
            for m, code, status, changed in rows]


# --- the flow, declared ----------------------------------------------------------------

FLOW = Flow(ReliefStep, {
    **{step: Step(on_answer, ask) for step in ReliefStep if step is not ReliefStep.RESULTS},
    ReliefStep.RESULTS: Step(on_results, ask),
})
