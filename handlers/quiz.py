"""The relief-measure quiz (`มาตรการ` / `relief`) and applying to a measure.

See quiz.md beside this file for the flow. The conversation keeps every answer; the
results step stays open so a person can ask to join one or more of the measures shown.
"""

from __future__ import annotations

from typing import Any

from domain.measures import eligible
from domain.quiz import QUESTIONS, asked_first, known_answers, next_question, register_answers, situation
from handlers.context import Context
from handlers.flow import Flow, Step
from messages import quiz as msgs
from messages.flows import ReliefStep
from messages.line_json import Message
from models import Person
from services import balance
from services.balance import Holding, holding_of
from services.identity import person_by_id
from services.measure_store import measures_in_db
from services.relief import applications_of, measure_in_force, open_application_status, submit_application


def start(ctx: Context) -> list[Message]:
    """`มาตรการ`: a verified person with applications sees where they stand; everyone else, the quiz."""
    person = ctx.person
    if person is not None:
        rows = applications_of(ctx.session, person.id, ctx.now.tzinfo)
        if rows:
            return msgs.statuses(rows)
    return _begin(ctx, person)


def start_again(ctx: Context) -> list[Message]:
    """`ประเมินมาตรการ`: the quiz, even with applications open."""
    return _begin(ctx, ctx.person)


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
    return _results(ctx, person_by_id(ctx.session, data.get("person_id")), known, open_holdings)


def on_results(ctx: Context, answer: str) -> list[Message]:
    """A tap on a result card's button: apply to that measure for that contract."""
    measure_id, _, contract_id = answer.partition(":")
    if not contract_id.isdigit():  # typed text while the result cards are showing
        return msgs.tap_a_card()
    person = ctx.person
    if person is None:
        return msgs.results([], verified=False, office_phone=ctx.settings.office_phone)
    measure = measure_in_force(ctx.session, measure_id)
    holding = holding_of(ctx.session, person, int(contract_id), ctx.today)  # only the person's own contracts
    if measure is None or holding is None:
        return msgs.results([], verified=True, office_phone=ctx.settings.office_phone)
    status = open_application_status(ctx.session, person.id, holding.contract.id, measure_id)
    if status is not None:
        return msgs.already_applied(measure.fill(measure.name), status)
    answers = {k: v for k, v in ctx.conversation.data.items() if k in QUESTIONS}
    if not submit_application(ctx.session, person_id=person.id, contract_id=holding.contract.id,
                              measure_id=measure_id, answers=answers, at=ctx.now):
        return msgs.already_applied(measure.fill(measure.name), "submitted")
    return msgs.applied(measure.fill(measure.name), measure.next_step, ctx.settings.office_phone)


# --- helpers ---------------------------------------------------------------------------


def _person_holdings(ctx: Context, data: dict[str, Any]) -> tuple[Person | None, list[Holding]]:
    person = person_by_id(ctx.session, data.get("person_id"))
    if person is None:
        return None, []
    return person, balance.open_holdings(ctx.session, person, ctx.today)


def _chosen(data: dict[str, Any], open_holdings: list[Holding]) -> Holding | None:
    if len(open_holdings) == 1:
        return open_holdings[0]
    return next((h for h in open_holdings if h.contract.project_code == data.get("contract")), None)


def _known(data: dict[str, Any], open_holdings: list[Holding]) -> dict[str, Any]:
    """The answers so far, plus what the register says for a verified person's contract."""
    holding = _chosen(data, open_holdings)
    register = register_answers(holding.role, holding.position.debtor_class, holding.contract.status,
                                holding.contract.demand_letter_date is not None) if holding else {}
    return known_answers(data, register)


def _results(ctx: Context, person: Person | None, known: dict[str, Any],
             open_holdings: list[Holding]) -> list[Message]:
    ctx.loading()  # every measure checked against the person's contract
    holding = _chosen(ctx.conversation.data, open_holdings)
    facts = situation(known, holding.contract.contract_date if holding else None,
                      holding.contract.demand_letter_date if holding else None)
    fits = asked_first(eligible(measures_in_db(ctx.session), facts, ctx.today), known)
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


# --- the flow, declared ----------------------------------------------------------------

FLOW = Flow(ReliefStep, {
    **{step: Step(on_answer, ask) for step in ReliefStep if step is not ReliefStep.RESULTS},
    ReliefStep.RESULTS: Step(on_results, ask),
})
