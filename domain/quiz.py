"""The relief quiz's questions: which to ask next, skipping what the register already says.

At most six questions; a verified person with one contract usually gets one to three.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
