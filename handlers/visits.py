"""Officers in a 1:1 chat: `ค้นหา` a person, their history card, and `บันทึกเยี่ยม` (a visit).

Every look at a person's personal data is written to the audit trail in the same
transaction as the answer. Anyone who is not an officer is answered as if the word
meant nothing, so the commands are not revealed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from domain.clock import BANGKOK
from domain.identity import mask_national_id
from domain.textnorm import row_id, split_command
from domain.visits import MAX_VISIT_NOTE, OUTCOMES, PromiseError, chosen_contract, parse_promise
from handlers import common
from handlers.context import Context
from handlers.flow import Flow, Step
from messages import visits as msgs
from messages.flows import VisitStep
from messages.line_json import Message
from messages.payloads import PersonCard, PinAction, ProjectCard, VisitFor
from models import FieldUpdate, Person, StaffMember
from services import visits
from services.areas import officer_area_ids
from services.audit import record_access
from services.measure_store import measure_labels, measures_in_db

MAX_NOTE = MAX_VISIT_NOTE


def _people_lines(ctx: Context, people: list[Person]) -> list[msgs.PersonLine]:
    codes = visits.contracts_of(ctx.session, [p.id for p in people],
                                area_ids=officer_area_ids(ctx.session, ctx.as_officer()))
    return [msgs.PersonLine(person.id, person.full_name, mask_national_id(person.national_id),
                            " ".join(code for _, code in codes[person.id][:3])) for person in people]


def _visible(ctx: Context, me: StaffMember, person_id: int) -> Person | None:
    """The person, if still in the register and within the officer's areas."""
    return visits.person_in_scope(ctx.session, person_id, officer_area_ids(ctx.session, me))


def _audit(ctx: Context, me: StaffMember, people: list[int], action: str, detail: str) -> None:
    record_access(ctx.session, people, viewer=me.line_user_id, viewer_name=me.name, channel="line",
                  action=action, detail=detail, now=ctx.now)


# --- `ค้นหา TEXT` and the history card --------------------------------------------------------------


def find(ctx: Context) -> list[Message]:
    """`ค้นหา TEXT` / `find TEXT`: one match shows the card, several a list to choose from."""
    me = ctx.as_officer()
    _, text = split_command(ctx.text)
    if not text:
        return msgs.search_help()
    found = visits.find_people(ctx.session, text, officer_area_ids(ctx.session, me))
    if not found.people:
        return msgs.not_found(text)
    if len(found.people) == 1:
        return _card(ctx, me, found.people[0], detail="find: 1 found")
    _audit(ctx, me, [p.id for p in found.people], "find", f"find: {len(found.people)} found")
    return msgs.choose_person(_people_lines(ctx, found.people), found.more)


def on_person_card(ctx: Context, payload: PersonCard) -> list[Message]:
    """A search result was tapped."""
    return _for_officer(ctx, payload.person, lambda me, person: _card(
        ctx, me, person, detail="opened from a search result"))


def on_project_card(ctx: Context, payload: ProjectCard) -> list[Message]:
    """A row of the officer's list about a project: its one person's card, or its people to choose from."""
    me = ctx.as_officer()
    people = visits.members_in_scope(ctx.session, payload.code, officer_area_ids(ctx.session, me))
    if not people:
        return msgs.not_found(payload.code)
    if len(people) == 1:
        return _card(ctx, me, people[0], detail=f"project {payload.code} from the list")
    _audit(ctx, me, [p.id for p in people], "find", f"project {payload.code} from the list")
    return msgs.choose_person(_people_lines(ctx, people), False)


def not_an_officer(ctx: Context) -> list[Message]:
    """A button about a person tapped by someone who is not an officer: say only that."""
    return [] if ctx.in_group else msgs.not_an_officer_card()


def _for_officer(ctx: Context, person_id: int, then: Callable[[StaffMember, Person], list[Message]]) -> list[Message]:
    """A button about a person (officers only, 1:1: the router's OFFICER_CARD): only a person
    still in the register and in the officer's area."""
    me = ctx.as_officer()
    person = _visible(ctx, me, person_id)
    if person is None:
        return msgs.not_found(str(person_id))
    return then(me, person)


def _card(ctx: Context, me: StaffMember, person: Person, *, detail: str) -> list[Message]:
    _audit(ctx, me, [person.id], "history_card", detail)
    h = visits.history(ctx.session, person, ctx.today, area_ids=officer_area_ids(ctx.session, me))
    names = measure_labels(ctx.session)
    card = msgs.Card(
        person_id=person.id,
        name=person.full_name,
        national_id_masked=mask_national_id(person.national_id),
        phone=person.phone, address=person.address,
        pin=(person.lat, person.lng) if person.lat is not None and person.lng is not None else None,
        contracts=[msgs.ContractLine(
            project_code=x.contract.project_code, project_name=x.contract.project_name, role=x.role,
            class_name=x.position.class_name, status=x.contract.status,
            outstanding=x.position.outstanding_principal, overdue=x.position.overdue_amount,
            overdue_installments=x.position.overdue_installments, next_due=x.position.next_due_date,
            days_to_prescription=x.position.days_to_prescription, closed=x.position.closed) for x in h.holdings],
        visits=[msgs.VisitLine(
            day=v.visited_on, officer=v.officer_name, outcome=v.outcome,
            measure=names.get(v.measure_id, "") if v.measure_id else None, note=v.note,
            promise=(p.amount, p.due_on, s.state) if p is not None and s is not None else None,
            about_contract=v.about_contract)
            for v, p, s in h.visits],
        applications=[(names.get(a.measure_id, ""), a.status, a.submitted_at.astimezone(BANGKOK).date())
                      for a in h.applications],
        appointments=[(b.session.kind, b.slot_start.astimezone(BANGKOK), b.session.place) for b in h.bookings],
        updates=[(u.created_at.astimezone(BANGKOK), u.text) for u in h.updates],
    )
    return msgs.history_card(card)


# --- `บันทึกเยี่ยม`: who → (contract) → outcome → promise → measure → note → pin ---------------------


def start(ctx: Context) -> list[Message]:
    """`บันทึกเยี่ยม [TEXT]` / `visit [TEXT]`."""
    ctx.as_officer()
    ctx.conversation.start(VisitStep.WHO)
    _, text = split_command(ctx.text)
    return on_who(ctx, text) if text else msgs.ask_who()


def start_for(ctx: Context, payload: VisitFor) -> list[Message]:
    """The `บันทึกเยี่ยม` button on a history card: the person is already known."""

    def visit(_me: StaffMember, person: Person) -> list[Message]:
        ctx.conversation.start(VisitStep.WHO)
        return _chosen(ctx, person)

    return _for_officer(ctx, payload.person, visit)


def ask_who(ctx: Context) -> list[Message]:
    return msgs.ask_who()


def on_who(ctx: Context, answer: str) -> list[Message]:
    me = ctx.as_officer()  # a role taken away mid-flow ends the flow in the router
    if answer.startswith("person:") and (person_id := row_id(answer[7:])) is not None:
        person = _visible(ctx, me, person_id)
        if person is not None:
            return _chosen(ctx, person)
    found = visits.find_people(ctx.session, answer, officer_area_ids(ctx.session, me))
    if not found.people:
        return msgs.who_not_found(answer)
    if len(found.people) == 1:
        return _chosen(ctx, found.people[0])
    _audit(ctx, me, [p.id for p in found.people], "find", f"visit: {len(found.people)} found")
    return msgs.pick_who(_people_lines(ctx, found.people), found.more)


def _chosen(ctx: Context, person: Person) -> list[Message]:
    """The person a visit is about: their name and open contracts are shown (on the audit trail)."""
    _audit(ctx, ctx.as_officer(), [person.id], "visit", "visit: chosen")
    name = person.full_name
    open_ones = _open_contracts(ctx, person.id)
    if len(open_ones) > 1:
        ctx.conversation.advance(VisitStep.CONTRACT, person_id=person.id, name=name)
        return msgs.pick_contract(name, open_ones)
    contract_id = open_ones[0][0] if open_ones else None
    ctx.conversation.advance(VisitStep.OUTCOME, person_id=person.id, name=name, contract_id=contract_id)
    return msgs.ask_outcome(name)


def _open_contracts(ctx: Context, person_id: int) -> list[tuple[int, str]]:
    return visits.contracts_of(ctx.session, [person_id], open_only=True,
                               area_ids=officer_area_ids(ctx.session, ctx.as_officer()))[person_id]


def ask_contract(ctx: Context) -> list[Message]:
    data = ctx.conversation.data
    return msgs.pick_contract(data["name"], _open_contracts(ctx, data["person_id"]))


def on_contract(ctx: Context, answer: str) -> list[Message]:
    data = ctx.conversation.data
    contract_id = chosen_contract(answer, _open_contracts(ctx, data["person_id"]))
    if contract_id is None:
        return ask_contract(ctx)
    ctx.conversation.advance(VisitStep.OUTCOME, contract_id=contract_id)
    return msgs.ask_outcome(data["name"])


def ask_outcome(ctx: Context) -> list[Message]:
    return msgs.ask_outcome(ctx.conversation.data["name"])


def on_outcome(ctx: Context, answer: str) -> list[Message]:
    data = ctx.conversation.data
    outcome = answer if answer in OUTCOMES else next(
        (value for value, label in msgs.OUTCOME_NAMES.items() if label == answer.strip()), None)
    if outcome is None:
        return msgs.outcome_not_recognised(data["name"])
    if outcome != "met":  # nobody to promise or discuss with: straight to the note
        ctx.conversation.advance(VisitStep.NOTE, outcome=outcome, promise=None, measure=None)
        return msgs.ask_note()
    if data.get("contract_id") is None:  # no open contract: nothing to promise on
        ctx.conversation.advance(VisitStep.MEASURE, outcome=outcome, promise=None)
        return ask_measure(ctx)
    ctx.conversation.advance(VisitStep.PROMISE, outcome=outcome)
    return msgs.ask_promise()


def ask_promise(ctx: Context) -> list[Message]:
    return msgs.ask_promise()


def on_promise(ctx: Context, answer: str) -> list[Message]:
    if answer == "none" or answer.strip() == msgs.NO_PROMISE:
        ctx.conversation.advance(VisitStep.MEASURE, promise=None)
        return ask_measure(ctx)
    try:
        promise = parse_promise(answer, ctx.today)
    except PromiseError as exc:
        return msgs.promise_problem(exc.reason)
    ctx.conversation.advance(VisitStep.MEASURE, promise=[str(promise.amount), promise.due_on.isoformat()])
    return ask_measure(ctx)


def _measures(ctx: Context) -> list[tuple[str, str]]:
    """(id, short name) of the measures in force: the name is what the officer reads, the id what is kept."""
    return [(m.id, m.label) for m in measures_in_db(ctx.session) if m.in_force(ctx.today)]


def ask_measure(ctx: Context) -> list[Message]:
    return msgs.ask_measure(_measures(ctx))


def on_measure(ctx: Context, answer: str) -> list[Message]:
    if answer == "none" or answer.strip() == msgs.NO_MEASURE:
        ctx.conversation.advance(VisitStep.NOTE, measure=None)
        return msgs.ask_note()
    offered = _measures(ctx)
    by_name = {label.casefold(): mid for mid, label in offered}  # a short name typed, or the id an officer knows
    by_id = {mid.casefold(): mid for mid, _ in offered}
    typed = answer.strip().casefold()
    measure = by_id.get(typed) or by_name.get(typed) or by_id.get(typed.split(" ")[0])
    if measure is None:
        return msgs.measure_not_recognised(_measures(ctx))
    ctx.conversation.advance(VisitStep.NOTE, measure=measure)
    return msgs.ask_note()


def ask_note(ctx: Context) -> list[Message]:
    return msgs.ask_note()


def on_note(ctx: Context, answer: str) -> list[Message]:
    note = "" if answer == "none" or answer.strip() == msgs.NO_NOTE else answer.strip()
    if len(note) > MAX_NOTE:
        return msgs.note_too_long(MAX_NOTE)
    me = ctx.as_officer()
    data = ctx.conversation.data
    promise = (Decimal(data["promise"][0]), date.fromisoformat(data["promise"][1])) if data.get("promise") else None
    visit, promised = visits.record_visit(
        ctx.session, officer=me, person_id=data["person_id"], contract_id=data.get("contract_id"),
        outcome=data["outcome"], measure=data.get("measure"), note=note, promise=promise, today=ctx.today,
        now=ctx.now)
    ctx.conversation.advance(VisitStep.PIN, visit_id=visit.id)
    measure = data.get("measure")
    return msgs.saved(data["name"], data["outcome"], (promised.amount, promised.due_on) if promised else None,
                      measure_labels(ctx.session).get(measure, "") if measure else None)


def ask_pin(ctx: Context) -> list[Message]:
    return msgs.ask_pin()


def on_pin_text(ctx: Context, answer: str) -> list[Message]:
    """At the last step, only "skip" is a text answer; the pin itself is a location message."""
    if answer == "none" or answer.strip() == msgs.SKIP_PIN:
        ctx.conversation.finish()
        return msgs.pin_skipped()
    return msgs.pin_expected()


def on_pin(ctx: Context) -> list[Message]:
    """A location shared at the last step: the visit's place, and the person's map pin."""
    data = ctx.conversation.data
    ctx.conversation.finish()
    lat, lng = ctx.location or (None, None)
    if not visits.pin_visit(ctx.session, data.get("visit_id") or 0, lat, lng):
        return msgs.pin_skipped()
    return msgs.pin_saved(data["name"])


# --- a field update's location as the person's map pin (asked 1:1 of its author) ----------------------


def offer_pin(ctx: Context, update: FieldUpdate) -> None:
    """After a location attaches to an update about one person, ask the author 1:1 (never in the group)."""
    if update.person_id is None or update.lat is None or update.lng is None or not ctx.user_id:
        return
    person = visits.subject_of(ctx.session, update)
    if person is None:
        return
    ctx.push(ctx.user_id, msgs.confirm_pin(update.id, person.full_name,
                                           update.lat, update.lng), origin="field.pin_offer")


def on_pin_action(ctx: Context, payload: PinAction) -> list[Message]:
    """The author's answer: only they may turn their update's location into the pin."""
    update = visits.field_update(ctx.session, payload.update)
    if update is None or update.author != ctx.user_id or update.person_id is None or update.lat is None:
        return common.not_understood(ctx)
    if payload.op != "yes":
        return msgs.pin_declined()
    person = visits.pin_from_update(ctx.session, update, ctx.now)
    assert person is not None
    return msgs.pin_saved(person.full_name)


# --- the flow, declared ----------------------------------------------------------------

FLOW = Flow(VisitStep, {
    VisitStep.WHO: Step(on_who, ask_who),
    VisitStep.CONTRACT: Step(on_contract, ask_contract),
    VisitStep.OUTCOME: Step(on_outcome, ask_outcome),
    VisitStep.PROMISE: Step(on_promise, ask_promise),
    VisitStep.MEASURE: Step(on_measure, ask_measure),
    VisitStep.NOTE: Step(on_note, ask_note),
    VisitStep.PIN: Step(on_pin_text, ask_pin, location=on_pin),  # the visit is saved; a location pins it
})
