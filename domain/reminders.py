"""Which gentle reminders are due today: pure functions of positions and a date.

Every reminder has a window of days in which it may go out, so a job that did not run
(downtime) catches up on the next run instead of skipping; each reminder carries the
due date it is about, which makes its idempotency key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Protocol

BEFORE_DAYS = 3  # the first day a "due soon" reminder may go out
MISSED_AFTER_DAYS = 3  # a missed installment is mentioned from this many days after
MISSED_WINDOW_DAYS = 7  # …and for this many days, then not again
GROUP_AFTER_DAYS = 7  # a gentle note to the group a week after the due date
GROUP_AFTER_WINDOW_DAYS = 3
# The note a week after says some of the area have not paid yet: in an area of fewer open
# contracts than this the group could tell whose (the law forbids disclosing a debt), so it
# is not sent there; the notes before and on the day say nothing of anyone and still go.
GROUP_AFTER_MIN_CONTRACTS = 5

# When two reminders fall on one day for one recipient, the first of these wins.
PRIORITY = ("appointment", "payment_before", "payment_missed", "group_on_day", "group_before", "group_after")


class DueFacts(Protocol):
    """What the reminders read of a contract on a day: a `domain.money.Position`, or the
    cheaper `domain.money.Dues` that the clock computes for a whole province."""

    @property
    def next_due_date(self) -> date | None: ...
    @property
    def latest_overdue_due(self) -> date | None: ...
    @property
    def closed(self) -> bool: ...
    @property
    def term_ended(self) -> bool: ...


@dataclass(frozen=True)
class Reminder:
    recipient: str  # a LINE user id (personal) or group id
    purpose: str
    due: date

    @cached_property  # looked up several times a reminder, for a whole province
    def key(self) -> str:
        return f"{self.purpose}:{self.recipient}:{self.due.isoformat()}"


def personal_reminders(people: Iterable[tuple[str, Iterable[DueFacts]]], today: date, *,
                       before_days: int = BEFORE_DAYS) -> list[Reminder]:
    """Due-soon and missed-payment reminders, each person's most pressing one only."""
    # the windows as bounds on the dates themselves, worked out once (this runs for every linked contract):
    # due - before_days <= today <= due, and missed + AFTER <= today < missed + AFTER + WINDOW
    soon_until = today + timedelta(days=before_days)
    missed_from = today - timedelta(days=MISSED_AFTER_DAYS + MISSED_WINDOW_DAYS - 1)
    missed_until = today - timedelta(days=MISSED_AFTER_DAYS)
    found = []
    for user_id, positions in people:
        best: tuple[int, date] | None = None
        for p in positions:
            if p.closed:
                continue
            due = p.next_due_date
            if due is not None and today <= due <= soon_until and (best is None or (0, due) < best):
                best = (0, due)
            missed = p.latest_overdue_due
            if (missed is not None and missed_from <= missed <= missed_until and not p.term_ended
                    and (best is None or (1, missed) < best)):
                best = (1, missed)
        if best is not None:
            found.append(Reminder(user_id, _PERSONAL[best[0]], best[1]))
    return found


_PERSONAL = ("payment_before", "payment_missed")  # in PRIORITY's order


def group_reminder(group_id: str, positions: Iterable[DueFacts], today: date, *,
                   before_days: int = BEFORE_DAYS, contracts: int | None = None) -> Reminder | None:
    """The one generic note a group should get today about the area's common due dates, if any.
    `contracts`: how many open contracts the group's area holds (None: not counted); the note a
    week after a due date only where there are `GROUP_AFTER_MIN_CONTRACTS` or more."""
    after_allowed = contracts is None or contracts >= GROUP_AFTER_MIN_CONTRACTS
    candidates = []
    for p in positions:
        if p.closed or p.term_ended:
            continue
        due = p.next_due_date
        if due is not None and due == today:
            candidates.append(Reminder(group_id, "group_on_day", due))
        elif due is not None and due - timedelta(days=before_days) <= today < due:
            candidates.append(Reminder(group_id, "group_before", due))
        missed = p.latest_overdue_due
        if after_allowed and missed and missed + timedelta(days=GROUP_AFTER_DAYS) <= today < missed + timedelta(
                days=GROUP_AFTER_DAYS + GROUP_AFTER_WINDOW_DAYS):
            candidates.append(Reminder(group_id, "group_after", missed))
    if not candidates:
        return None
    return min(candidates, key=lambda r: (PRIORITY.index(r.purpose), r.due))


PRESCRIPTION_ALERTS = (180, 90, 30, 7)


def crossed_threshold(days_now: int | None, days_before: int | None,
                      thresholds: tuple[int, ...] = PRESCRIPTION_ALERTS) -> int | None:
    """The alert threshold T a contract crossed since the last look, going from more than T days
    before its 5-year limit (`days_before`) to T or fewer (`days_now`); the most urgent when
    downtime let it cross several. None when it crossed none, or is past its limit.

    A contract already inside a threshold when first seen has crossed nothing: the first run
    of the clock once sent an officer alerts at 2, 14, 45, 60 and 120 days.
    """
    if days_now is None or days_before is None or days_now < 0:
        return None
    crossed = [t for t in thresholds if days_now <= t < days_before]
    return min(crossed) if crossed else None


def days_before_last_look(days_now: int, today: date, last_look: date | None) -> int:
    """What a contract's days to its limit were on the last day looked at (the day before today
    when there was none; today itself when today was already looked at, so nothing crosses
    twice): days only count down while nothing is paid, and a payment moves the limit later,
    so no crossing is invented."""
    since = 1 if last_look is None else max(0, (today - last_look).days)
    return days_now + since
