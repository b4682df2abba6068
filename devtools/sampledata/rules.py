"""The arithmetic the generator builds with: calendar months, due dates and installments as
INTERFACES.md's money rules have them, national IDs with their check digit, random days."""

from __future__ import annotations

import random
from datetime import date, timedelta

from domain.identity import national_id_check_digit

_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
DAY = timedelta(days=1)


def days_in_month(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def add_months(d: date, months: int) -> date:
    """``d`` plus whole calendar months, clamped to the month end (like relativedelta)."""
    y, m0 = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m0 + 1
    return date(year, month, min(d.day, days_in_month(year, month)))


def due_dates(first_due: date, count: int, interval_months: int) -> list[date]:
    """The schedule: installment k is due on first_due + k × interval months."""
    return [add_months(first_due, k * interval_months) for k in range(count)]


def installments_satang(principal_satang: int, count: int) -> list[int]:
    """Installment amounts in satang, equal except the last, which absorbs rounding.

    The generator pays the equal part rounded *up* to the satang, so a payer it calls
    "fully paid" stays fully paid whichever rounding the reader uses.
    """
    each = -(-principal_satang // count)
    return [each] * (count - 1) + [principal_satang - each * (count - 1)]


def is_valid_national_id(nid: str) -> bool:
    """True for 13 digits whose last is the check digit of the first 12."""
    return len(nid) == 13 and nid.isdigit() and int(nid[12]) == national_id_check_digit(nid[:12])


def national_id(first12: str) -> str:
    """The 13-digit national ID that starts with these 12 digits."""
    return first12 + str(national_id_check_digit(first12))


def random_date(rng: random.Random, lo: date, hi: date) -> date:
    """A day from `lo` to `hi` (both included); `lo` when the range is empty."""
    if hi <= lo:
        return lo
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))
