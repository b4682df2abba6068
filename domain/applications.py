"""How a measure application moves: submitted → under review → approved/rejected → active/failed.

And who may move it (M2 in DOMAIN.md: the district reviews, the province decides). A step is
one of three kinds:

- the **review** (submitted → under_review): an officer of the contract's district;
- the **decision** (under_review → approved or rejected): a province officer, who must not
  be the officer who reviewed it, and a rejection says why. Nothing is decided unreviewed
  (rejecting straight from submitted, which the API once allowed, would be one person's say);
- **following up** (approved → active → failed): any officer whose area holds the contract.

An officer is known by their staff id when the product can tell who they are (signed in to
the console, or named by LINE user id in the API's `X-Officer`); otherwise (a name typed
into another program) only by name, and then only the two-person rule can be checked, by
that name.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.measures import Measure

NEXT_STATUSES: dict[str, frozenset[str]] = {
    "submitted": frozenset({"under_review"}),
    "under_review": frozenset({"approved", "rejected"}),
    "approved": frozenset({"active", "failed"}),
    "active": frozenset({"failed"}),  # joined, then defaulted again
    "rejected": frozenset(),
    "failed": frozenset(),
}
STEP_ORDER = ("under_review", "approved", "rejected", "active", "failed")  # how the console lists them
# A step as the audit trail names it: `console.application_review`, `api.application_reject`, ...
STEP_ACTIONS = {"under_review": "application_review", "approved": "application_approve",
                "rejected": "application_reject", "active": "application_active", "failed": "application_failed"}


class StepKind(StrEnum):
    REVIEW = "review"
    DECISION = "decision"
    FOLLOW_UP = "follow_up"


class Refusal(StrEnum):
    """Why a step is refused; each has its words for officers and its answer in the API."""

    MOVE = "move"  # the application's status does not allow this step
    NOTE_NEEDED = "note_needed"  # a rejection says why
    DISTRICT_STEP = "district_step"  # a review is for an officer of the contract's district
    PROVINCE_STEP = "province_step"  # a decision is for a province officer
    OUT_OF_AREA = "out_of_area"  # the contract lies outside the officer's district
    SAME_OFFICER = "same_officer"  # who reviewed it may not also decide it


@dataclass(frozen=True)
class Officer:
    """Who takes a step. `staff_id` None: known by name only (the API, from another program)."""

    name: str
    staff_id: int | None = None
    district_id: int | None = None  # of a known officer; None: the whole province
    province_id: int | None = None  # with no district: the province of a province's officer (None: everywhere)


@dataclass(frozen=True)
class Standing:
    """An application as the rules see it."""

    status: str
    district_id: int | None  # the district the contract lies in
    reviewer: Officer | None  # who reviewed it, once someone has
    province_id: int | None = None  # the province the contract lies in


@dataclass(frozen=True)
class StepNews:
    """What the person hears when their application takes a step (messages/applications.py words it)."""

    status: str  # the new status
    measure: Measure
    first_name: str
    project_name: str


def can_move(current: str, new: str) -> bool:
    """Whether an application may move from `current` to `new` at all."""
    return new in NEXT_STATUSES.get(current, frozenset())


def step_kind(current: str, new: str) -> StepKind | None:
    """What kind of step a move is; None when the status does not allow it."""
    if not can_move(current, new):
        return None
    if new == "under_review":
        return StepKind.REVIEW
    if new in {"approved", "rejected"}:
        return StepKind.DECISION
    return StepKind.FOLLOW_UP


def name_key(name: str) -> str:
    """A name as the two-person rule compares it: case and runs of spaces do not matter."""
    return " ".join(name.split()).casefold()


def same_officer(a: Officer, b: Officer) -> bool:
    """Whether two steps were taken by one person: by staff id when both are known, else by name."""
    if a.staff_id is not None and b.staff_id is not None:
        return a.staff_id == b.staff_id
    return name_key(a.name) == name_key(b.name)


def refusal(standing: Standing, new: str, officer: Officer, note: str | None) -> Refusal | None:
    """Why `officer` may not move the application to `new` with this note (None: they may)."""
    kind = step_kind(standing.status, new)
    if kind is None:
        return Refusal.MOVE
    known = officer.staff_id is not None
    if known and kind is StepKind.REVIEW:
        if officer.district_id is None:
            return Refusal.DISTRICT_STEP
        if officer.district_id != standing.district_id:
            return Refusal.OUT_OF_AREA
    if known and officer.district_id is None and officer.province_id not in (None, standing.province_id):
        return Refusal.OUT_OF_AREA  # a province's officer, and another province's contract
    if known and kind is StepKind.DECISION and officer.district_id is not None:
        return Refusal.PROVINCE_STEP
    if known and kind is StepKind.FOLLOW_UP and officer.district_id not in (None, standing.district_id):
        return Refusal.OUT_OF_AREA
    if kind is StepKind.DECISION and standing.reviewer is not None and same_officer(standing.reviewer, officer):
        return Refusal.SAME_OFFICER
    if new == "rejected" and not (note or "").strip():
        return Refusal.NOTE_NEEDED
    return None


def steps_open_to(standing: Standing, officer: Officer) -> list[str]:
    """The statuses this officer may move the application to (a rejection still needs its note)."""
    return [new for new in STEP_ORDER if refusal(standing, new, officer, note="-") is None]
