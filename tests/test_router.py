"""The router's tables, walked: every word, button, flow and step has a handler, and who/where
are declared for each (no HTTP)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from bot import router
from bot.router import FLOWS, POSTBACKS, ROUTES, Where, understands
from domain.quiz import QUESTIONS
from handlers.flow import Flow, Step
from messages.flows import ALL_FLOWS, ContactStep, ReliefStep, VisitStep
from messages.payloads import Answer, FlowControl
from messages.postback import registered_actions
from services.conversation import ChatKey, ConversationStore
from tests.conftest import NOW


def test_every_route_has_a_handler_and_a_denial():
    for route in ROUTES:
        assert callable(route.handler), route
        assert callable(route.access.denied), route
        assert route.words or route.test is not None, f"{route.handler.__name__} is called by nothing"


def test_every_flow_is_routed_and_every_step_has_a_handler():
    assert set(FLOWS) == {steps.flow for steps in ALL_FLOWS}
    for name, (flow, _access) in FLOWS.items():
        assert flow.name == name
        assert set(flow.table) == set(flow.steps), name
        for step in flow.table.values():
            assert callable(step.handle) and callable(step.prompt)


def test_the_quiz_steps_are_the_quiz_questions():
    assert {step.value for step in ReliefStep} - {"results"} == set(QUESTIONS)


def test_every_registered_button_has_a_route():
    handled_by_the_router_itself = {FlowControl, Answer}
    for action, payload in registered_actions().items():
        assert payload in POSTBACKS or payload in handled_by_the_router_itself, f"no route for button {action!r}"


def test_a_flow_missing_a_step_fails_when_declared():
    ask = lambda ctx: []  # noqa: E731
    with pytest.raises(TypeError, match="message"):
        Flow(ContactStep, {ContactStep.TOPIC: Step(lambda ctx, text: [], ask),
                           ContactStep.PHONE: Step(lambda ctx, text: [], ask)})
    with pytest.raises(TypeError, match="visit:who"):
        Flow(ContactStep, {**{s: Step(lambda ctx, text: [], ask) for s in ContactStep},
                           VisitStep.WHO: Step(lambda ctx, text: [], ask)})


def test_the_simulator_hints_agree_with_the_router():
    """understands() is derived from the same table: every word is understood where it is routed."""
    for route in ROUTES:
        for word in route.words:
            assert understands(word) is (Where.PRIVATE in route.access.where), word
            in_group = Where.GROUP in route.access.where or route.personal
            if in_group:
                assert understands(word, in_group=True), word
    assert understands("ลงทะเบียนกลุ่ม ABCD1234", in_group=True)  # the router handles it, so it is understood
    assert understands("#อัปเดต นางสมศรี ไม่อยู่บ้าน", in_group=True)
    assert understands("ยกเลิก") and not understands("ยกเลิก", in_group=True)
    assert not understands("สวัสดีค่ะ") and not understands("วันนี้", in_group=True)


def test_officer_words_are_declared_for_officers_only():
    officer_words = {w for r in ROUTES if r.access.who is router.Who.OFFICER for w in r.words}
    assert {"วันนี้", "ค้นหา", "บันทึกเยี่ยม", "ลงทะเบียนกลุ่ม"} <= officer_words
    assert FLOWS["visit"][1].who is router.Who.OFFICER


def test_a_step_of_another_flow_cannot_be_entered(db):
    """A handler that moves a contact conversation to a visit step is stopped, not stored."""
    with Session(db) as session:
        store = ConversationStore(session, ChatKey("user", "U1"), NOW, timedelta(minutes=30))
        store.start(ContactStep.TOPIC)
        store.advance(ContactStep.MESSAGE, topic="debt")
        with pytest.raises(ValueError, match="visit:note"):
            store.advance(VisitStep.NOTE)
        assert (store.flow, store.step) == ("contact", "message")
