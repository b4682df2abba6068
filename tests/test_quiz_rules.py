"""What the register answers in the relief quiz, and how answers become a Situation (domain.quiz)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.measures import Fit, Situation
from domain.money import NORMAL
from domain.quiz import asked_first, known_answers, next_question, register_answers, situation
from services.measure_store import BUNDLED, read_measures_file


@pytest.mark.parametrize(("status", "demand_letter", "court"), [
    ("active", False, "none"),
    ("active", True, "demand_letter"),
    ("litigation", True, "litigation"),  # the court case says more than the letter before it
    ("judgment", False, "judgment"),
])
def test_the_register_answers_the_court_question(status, demand_letter, court):
    answers = register_answers("borrower", 2, status, demand_letter)
    assert answers == {"role": "borrower", "standing": "2", "court": court}


def test_a_closed_contract_leaves_the_standing_to_ask():
    assert "standing" not in register_answers("guarantor", None, "closed", False)


def test_answers_given_win_over_the_register_and_other_keys_are_dropped():
    known = known_answers({"person_id": 7, "role": "co_debtor", "payoff": "need_time"},
                          {"role": "borrower", "standing": "3", "court": "none"})
    assert known == {"role": "co_debtor", "payoff": "need_time", "standing": "3", "court": "none"}


def test_a_verified_borrower_in_good_standing_is_asked_nothing():
    known = known_answers({}, register_answers("borrower", NORMAL, "active", False))
    assert next_question(known, verified=True, contracts=1) is None


def test_complete_answers_become_the_situation_the_measures_read():
    known = {"role": "guarantor", "standing": "3", "court": "demand_letter", "hardship": "elderly",
             "payoff": "need_time", "wish": "leave_guarantee"}
    assert situation(known, date(2019, 5, 1)) == Situation(
        debtor_class=3, role="guarantor", contract_date=date(2019, 5, 1), status="active", demand_letter=True,
        hardship="elderly", payoff="need_time", wish="leave_guarantee")
    in_court = situation({**known, "court": "judgment"}, None)
    assert (in_court.status, in_court.demand_letter, in_court.in_court) == ("judgment", False, True)
    normal = situation({"role": "borrower", "standing": str(NORMAL)}, None)  # never asked about court
    assert (normal.status, normal.demand_letter) == (None, None)


@given(st.lists(st.sampled_from(["leave_guarantee", "release_share", "payoff", "mediation", "in_default"]),
                max_size=8), st.sampled_from(["leave_guarantee", "release_share", "other", None]))
def test_the_measure_asked_for_leads_and_the_rest_keep_their_order(reasons, wish):
    measures = {m.id: m for m in read_measures_file(BUNDLED)[1]}
    fits = [Fit(measures["M2"], reason) for reason in reasons]
    ordered = asked_first(fits, {} if wish is None else {"wish": wish})
    assert ordered == [f for f in fits if f.reason == wish] + [f for f in fits if f.reason != wish]
