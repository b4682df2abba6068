"""The officers' follow-up order: time-barred, then the 5-year limit within 180 days, then defaults."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from domain.money import CONTRACT_ENDED, TIME_BARRED, Position

NEAR_PRESCRIPTION_DAYS = 180
REASONS = ("time_barred", "prescription_near", "in_default")  # the register's reasons, in the list's order


@dataclass(frozen=True)
class Followup:
    project_code: str
    reason: str  # time_barred | prescription_near | in_default
    position: Position

    @property
    def order(self) -> tuple[int, int]:
        """Where the row goes, before its project code breaks ties: the reason's place in the list,
        then a whole number (the database ranks a stored list by the same two numbers)."""
        p = self.position
        if self.reason == "time_barred":
            return (0, p.days_to_prescription or 0)  # longest past the limit first
        if self.reason == "prescription_near":
            return (1, p.days_to_prescription or 0)  # nearest limit first
        return (2, -int(p.overdue_amount.scaleb(2)))  # largest arrears first (whole satang)

    @property
    def rank(self) -> tuple[int, int, str]:
        return (*self.order, self.project_code)


def reason_for(position: Position) -> str | None:
    """Why a contract needs following up today, or None when it does not."""
    if position.debtor_class == TIME_BARRED:
        return "time_barred"
    if (position.debtor_class == CONTRACT_ENDED and position.days_to_prescription is not None
            and position.days_to_prescription <= NEAR_PRESCRIPTION_DAYS):
        return "prescription_near"
    if position.debtor_class is not None and position.in_default:
        return "in_default"
    return None


def followups(positions: Iterable[tuple[str, Position]]) -> list[Followup]:
    """The ordered follow-up list from (project code, position) pairs."""
    found = [Followup(code, reason, p) for code, p in positions if (reason := reason_for(p))]
    return sorted(found, key=lambda item: item.rank)


@dataclass(frozen=True, slots=True)
class FollowupRow:
    """A row of the officers' follow-up list, as values (its words are made in messages/).

    `fields` is what `GET /api/followups` shows of the row but its words (`reason_text`,
    `next_action`): its reason key, numbers, dates and money as the API writes them.
    `unshown` holds the few values only the words need (who recorded a promise, what a
    volunteer wrote, where today's session is held).
    """

    fields: dict[str, Any]
    unshown: dict[str, Any] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return str(self.fields["reason"])

    @property
    def person_id(self) -> int | None:
        """Who the row names or is about (whoever asked, booked, promised or applied; whom an update
        is about), if anyone: a look at the row is a look at them."""
        applicant = self.fields.get("applicant")
        found = applicant.get("person_id") if isinstance(applicant, dict) else self.unshown.get("person_id")
        return int(found) if found is not None else None


def people_on(rows: Iterable[FollowupRow]) -> list[int]:
    """The people a page of the list names, once each, in the page's order (for the audit trail)."""
    return list(dict.fromkeys(row.person_id for row in rows if row.person_id is not None))
