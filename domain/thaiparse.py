"""Reading dates and money the way Thai offices write them. Pure functions; never guess."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from domain.identity import check_national_id, mask_national_id
from domain.textnorm import to_ascii_digits

BE_OFFSET = 543
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_BE_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_register_date(raw: str) -> date:
    """`YYYY-MM-DD` (C.E.) or `DD/MM/YYYY` with a B.E. year (> 2400); Thai digits allowed."""
    text = to_ascii_digits(raw).strip()
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
        if year > 2400:
            raise ValueError(f"{raw!r} looks like a B.E. year in a C.E. date; write DD/MM/{year}")
        return _date(year, month, day, raw)
    if match := _BE_SLASHED.match(text):
        day, month, year = (int(g) for g in match.groups())
        if year <= 2400:
            raise ValueError(f"{raw!r}: DD/MM/YYYY dates must use the B.E. year (e.g. {year + BE_OFFSET})")
        return _date(year - BE_OFFSET, month, day, raw)
    raise ValueError(f"{raw!r} is not a date: use YYYY-MM-DD (C.E.) or DD/MM/YYYY (B.E.)")


# No amount the fund handles comes near a trillion baht: anything from there on is a typo.
MONEY_LIMIT = Decimal("1e12")


def parse_money(raw: str) -> Decimal:
    """`12,345.50` → Decimal('12345.50'); at most two decimals, never negative."""
    text = to_ascii_digits(raw).strip().replace(",", "").replace(" ", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not an amount of money") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"{raw!r} is not an amount of money")
    if value >= MONEY_LIMIT:  # also keeps `1e30` from overflowing the quantize below
        raise ValueError(f"{raw!r} is too large")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"{raw!r} has more than two decimals (satang)")
    return value.quantize(Decimal("0.01"))


def _date(year: int, month: int, day: int, raw: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{raw!r} is not a real calendar date") from None


_NID_WEIGHTS = tuple(range(13, 1, -1))



def parse_national_id(raw: str) -> str:
    """13 digits with a valid check digit; Thai digits, spaces and dashes (1-1017-00207-03-2) allowed.
    Its reasons never repeat what was typed (an import's report is shown and kept): the ID masked
    (`1-xxxx-xxxxx-03-2`), or how many digits there were."""
    checked = check_national_id(raw)
    if checked.problem == "check_digit":
        raise ValueError(f"{mask_national_id(checked.digits)} has a wrong check digit")
    if checked.problem:
        digits = sum(ch.isdigit() for ch in to_ascii_digits(raw))
        raise ValueError(f"is not 13 digits ({digits} digit{'s' if digits != 1 else ''})")
    return checked.digits
