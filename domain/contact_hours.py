"""When the fund may contact a debtor (DOMAIN.md, "How to talk to debtors").

The Debt Collection Act B.E. 2558 allows contact 08:00–20:00 on working days and
08:00–18:00 on weekends and public holidays. Every rule here works on the Bangkok wall
clock, whatever time zone the instant was given in; the end of a window is exclusive,
so a message at 20:00:00 is already too late. Holidays are data (`holidays load`).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from domain.clock import BANGKOK

WINDOW_START = time(8)
WORKDAY_END = time(20)
REST_DAY_END = time(18)


def is_rest_day(day: date, holidays: Collection[date]) -> bool:
    """Saturday, Sunday or a listed public holiday (substitution days are listed like any other)."""
    return day.weekday() >= 5 or day in holidays


def contact_window(day: date, holidays: Collection[date]) -> tuple[time, time]:
    """(start, exclusive end) of the hours a debtor may be contacted on `day`, Bangkok time."""
    return WINDOW_START, REST_DAY_END if is_rest_day(day, holidays) else WORKDAY_END


def may_contact(moment: datetime, holidays: Collection[date]) -> bool:
    """Whether `moment` (an aware instant) falls inside the legal contact hours in Bangkok."""
    local = _in_bangkok(moment)
    start, end = contact_window(local.date(), holidays)
    return start <= local.time() < end


def next_contact_time(moment: datetime, holidays: Collection[date]) -> datetime:
    """`moment` if contact is allowed then, else 08:00 Bangkok of the next day with a window."""
    local = _in_bangkok(moment)
    if may_contact(local, holidays):
        return local
    # every day has a window from 08:00, so the next one starts today or tomorrow at 08:00
    day = local.date() if local.time() < WINDOW_START else local.date() + timedelta(days=1)
    return datetime.combine(day, WINDOW_START, tzinfo=BANGKOK)


def contact_day(moment: datetime) -> date:
    """The Bangkok calendar date of an instant (the day "one contact per person per day" counts)."""
    return _in_bangkok(moment).date()


def _in_bangkok(moment: datetime) -> datetime:
    # a naive time could be UTC from the database or Bangkok from a form: refuse to guess
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"contact hours need a timezone-aware datetime, got naive {moment.isoformat()}")
    return moment.astimezone(BANGKOK)
