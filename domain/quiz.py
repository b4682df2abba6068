"""The relief quiz's questions: which to ask next, skipping what the register already says.

At most six questions; a verified person with one contract usually gets one to three.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from domain.measures import Fit, Situation
from domain.money import NORMAL

# step → the answers it accepts (the wording lives in messages/quiz.py)
QUESTIONS: dict[str, tuple[str, ...]] = {
    "contract": (),  # a project code of the person's open contracts
    "role": ("borrower", "co_debtor", "guarantor"),
    "standing": ("1", "2", "3", "4"),  # the debtor class, in the person's words
    "court": ("none", "demand_letter", "litigation", "judgment"),
    "hardship": ("none", "disabled", "elderly", "deceased", "unable_to_work"),
    "payoff": ("all_now", "within_30", "need_time", "not_yet"),
    "wish": ("leave_guarantee", "release_share", "other"),
}
MAX_QUESTIONS = 6


def next_question(known: Mapping[str, Any], *, verified: bool, contracts: int) -> str | None:
    """The next step to ask, or None when there is enough to answer.

    `known` holds what the register says (for a verified person: class, role, status…)
    merged with the answers given so far.
    """
    if verified and contracts > 1 and "contract" not in known:
        return "contract"
    for step in ("role", "standing"):
        if step not in known:
            return step
    debtor_class = int(known["standing"])
    if debtor_class != NORMAL:
        for step in ("court", "hardship", "payoff"):
            if step not in known:
                return step
    if known["role"] != "borrower" and "wish" not in known:
        return "wish"
    return None


def register_answers(role: str, debtor_class: int | None, status: str, demand_letter: bool) -> dict[str, str]:
    """What the register already answers for a verified person's contract (never asked again)."""
    answers = {"role": role}
    if debtor_class is not None:  # a closed contract has no class
        answers["standing"] = str(debtor_class)
    in_court = status in {"litigation", "judgment"}
    answers["court"] = status if in_court else ("demand_letter" if demand_letter else "none")
    return answers


def known_answers(answers: Mapping[str, Any], register: Mapping[str, str]) -> dict[str, Any]:
    """The quiz answers given so far, completed by what the register says (the answers win)."""
    known = {step: value for step, value in answers.items() if step in QUESTIONS}
    for step, value in register.items():
        known.setdefault(step, value)
    return known


def situation(known: Mapping[str, Any], contract_date: date | None,
              demand_letter_date: date | None = None) -> Situation:
    """The complete answers as the measures' rules read them (`next_question` returned None).

    `demand_letter_date`: the register's, for a verified person's contract (M3's window).
    """
    court = known.get("court")
    demand_letter = court == "demand_letter" if court else None
    return Situation(
        debtor_class=int(known["standing"]), role=known["role"], contract_date=contract_date,
        status=court if court in {"litigation", "judgment"} else ("active" if court else None),
        demand_letter=demand_letter, demand_letter_date=demand_letter_date if demand_letter else None,
        hardship=known.get("hardship"), payoff=known.get("payoff"), wish=known.get("wish"))


def asked_first(fits: Sequence[Fit], known: Mapping[str, Any]) -> list[Fit]:
    """The measures in DOMAIN.md's order, except that the one the person asked for leads.

    A guarantor who asked to leave the guarantee once found that card second of six.
    """
    wish = known.get("wish")
    return sorted(fits, key=lambda fit: fit.reason != wish)
