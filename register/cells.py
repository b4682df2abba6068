"""The cells of a register file, one at a time: pure parsers of CSV text and XLSX values.

Each parser takes one cell as read (a string from CSV; a string, number, date or None from
a worksheet) and returns the value the register stores, or raises ValueError with the
words an officer reads after the column name ("paid_on is missing"). `Reasons.take`
collects those words for a whole row. Nothing here reads files or the database
(an import contract keeps this module free of Flask, SQLAlchemy, click and openpyxl).

Dates, money and national IDs are read by `domain.thaiparse`, the same rules as the bot;
what is added here is what only a register file has: empty cells, XLSX numbers and dates,
and limits. The hot parsers cache on the cell's text (a register repeats its values).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from sys import intern
from typing import Any

from domain.identity import national_id_check_digit
from domain.textnorm import to_ascii_digits
from domain.thaiparse import parse_money, parse_national_id, parse_register_date

NUL_REASON = "contains a NUL character (is the file damaged?)"

#: The funds a register names by code, and their names (a new code is named by itself).
FUND_NAMES = {"WDF": "กองทุนพัฒนาบทบาทสตรี"}

#: What people write in the role column → the register's role.
ROLE_WORDS = {
    "borrower": "borrower", "co_debtor": "co_debtor", "guarantor": "guarantor",
    "co-debtor": "co_debtor", "co debtor": "co_debtor", "codebtor": "co_debtor",
    "ผู้กู้": "borrower", "ผู้กู้หลัก": "borrower", "ลูกหนี้ร่วม": "co_debtor",
    "ผู้ค้ำประกัน": "guarantor", "ผู้ค้ำ": "guarantor",
}


class Reasons(list[str]):
    """Why one row is rejected; `take` parses a cell and records a failure in plain words."""

    def take(self, column: str, parse: Callable[..., Any], cell: Any, *args: Any) -> Any:
        if isinstance(cell, str) and "\x00" in cell:  # no database stores it; a broken export
            self.append(f"{column} {NUL_REASON}")
            return None
        try:
            return parse(cell, *args)
        except ValueError as exc:
            self.append(f"{column} {exc}")
            return None


def text(cell: Any) -> str:
    """A cell as trimmed text ('' when empty); whole numbers from XLSX lose the '.0'."""
    if type(cell) is str:
        if "\x00" in cell:  # the slow path (Reasons.take) says so in plain words
            raise ValueError(NUL_REASON)
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime) and cell.time() == dt.time(0):
        return cell.date().isoformat()
    return str(cell).strip()


def required(cell: Any, limit: int) -> str:
    """Text that must be there, at most `limit` characters."""
    value = text(cell)
    if not value:
        raise ValueError("is missing")
    if len(value) > limit:
        raise ValueError(f"is longer than {limit} characters")
    return value


def optional(cell: Any, limit: int) -> str | None:
    """Text of at most `limit` characters; None when empty."""
    value = text(cell)
    if len(value) > limit:
        raise ValueError(f"is longer than {limit} characters")
    return value or None


@lru_cache(maxsize=65536)
def _code_text(value: str) -> str:
    return intern(to_ascii_digits(value))


def code(cell: Any) -> str:
    """A project code (Thai digits read as 0–9), at most 40 characters."""
    return _code_text(required(cell, 40))


@lru_cache(maxsize=65536)
def _date_text(value: str) -> dt.date:
    parsed = parse_register_date(value)
    if parsed.year < 1900:
        raise ValueError(f"{value!r} is too far in the past (year {parsed.year})")
    return parsed


def date(cell: Any) -> dt.date:
    """`YYYY-MM-DD` (C.E.) or `DD/MM/YYYY` (B.E.) text, or a date cell of a workbook (C.E., no time)."""
    if type(cell) is str:
        value = cell.strip()
        if not value:
            raise ValueError("is missing")
        return _date_text(value)
    if isinstance(cell, dt.datetime):
        if cell.time() != dt.time(0):
            raise ValueError(f"{cell.isoformat(' ')} has a time of day: use a date only")
        cell = cell.date()
    if isinstance(cell, dt.date):
        if cell.year > 2400:
            raise ValueError(f"date cell {cell.isoformat()} has a B.E. year: date cells must hold C.E. "
                             f"dates (or type the text DD/MM/{cell.year})")
        if cell.year < 1900:
            raise ValueError(f"{cell.isoformat()} is too far in the past")
        return cell
    if cell is None:
        raise ValueError("is missing")
    raise ValueError(f"{cell!r} is not a date: use YYYY-MM-DD (C.E.) or DD/MM/YYYY (B.E.)")


def optional_date(cell: Any) -> dt.date | None:
    """A date as `date` reads it; None when empty."""
    return None if text(cell) == "" else date(cell)


@lru_cache(maxsize=65536)
def _money_text(value: str) -> Decimal:
    try:
        amount = parse_money(value)
    except ValueError:
        unsigned = to_ascii_digits(value).strip()
        if unsigned.startswith("-"):
            try:
                parse_money(unsigned[1:])
            except ValueError:
                pass
            else:
                raise ValueError(f"{value!r} is negative: it must be more than 0") from None
        raise
    if amount == 0:
        raise ValueError(f"{value!r} must be more than 0")
    return amount


def money(cell: Any) -> Decimal:
    """A positive amount of baht (commas, Thai digits, at most 2 decimals); numbers from XLSX too."""
    if type(cell) is str:
        value = cell.strip()
        if not value:
            raise ValueError("is missing")
        return _money_text(value)
    if isinstance(cell, bool):
        raise ValueError(f"{cell!r} is not an amount of money")
    if isinstance(cell, int | float):
        if isinstance(cell, float) and not math.isfinite(cell):
            raise ValueError(f"{cell!r} is not an amount of money")
        if isinstance(cell, float):  # a formula's 300.0000000000001, which Excel shows as 300.00: 300.00
            nearest = round(cell, 2)
            if abs(cell - nearest) <= max(1e-6, abs(cell) * 1e-12):
                return _money_text(f"{nearest:.2f}")
        return _money_text(repr(cell) if isinstance(cell, float) else str(cell))
    value = text(cell)
    if not value:
        raise ValueError("is missing")
    return _money_text(value)


def whole(cell: Any, low: int, high: int) -> int:
    """A whole number from `low` to `high` (commas and Thai digits allowed)."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, int) and not isinstance(cell, bool):
        value = cell
    else:
        digits = to_ascii_digits(text(cell)).replace(",", "")
        if not digits:
            raise ValueError("is missing")
        if not (digits.isascii() and digits.isdigit()):
            raise ValueError(f"{text(cell)!r} is not a whole number")
        value = int(digits)
    if not low <= value <= high:
        raise ValueError(f"{value} is out of range ({low} to {high})")
    return value


def optional_whole(cell: Any, low: int, high: int, default: int) -> int:
    """A whole number as `whole` reads it; `default` when empty."""
    return default if text(cell) == "" else whole(cell, low, high)


@lru_cache(maxsize=1024)
def _rate_text(value: str) -> Decimal:
    try:
        parsed = Decimal(to_ascii_digits(value).replace("%", "").strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a rate (% per year)") from None
    if not parsed.is_finite() or not 0 <= parsed <= 100:
        raise ValueError(f"{value!r} is out of range (0 to 100 % per year)")
    if parsed != parsed.quantize(Decimal("0.001")):
        raise ValueError(f"{value!r} has more than three decimals")
    return parsed


def rate(cell: Any, default: Decimal) -> Decimal:
    """% per year, 0–100, at most 3 decimals; empty → the default."""
    value = repr(cell) if isinstance(cell, float) else text(cell)
    return _rate_text(value) if value else default


def choice(cell: Any, allowed: Sequence[str], default: str | None) -> str:
    """One of `allowed` (case ignored); `default` when empty, unless it is None."""
    value = text(cell).casefold()
    if not value and default is not None:
        return default
    if not value:
        raise ValueError("is missing")
    if value not in allowed:
        raise ValueError(f"{text(cell)!r} is not one of {', '.join(allowed)}")
    return value


def role(cell: Any, roles: Sequence[str]) -> str:
    """A person's role on a contract, in English or Thai (ROLE_WORDS); `roles` are named when it is none."""
    value = text(cell)
    found = ROLE_WORDS.get(value) or ROLE_WORDS.get(" ".join(value.casefold().split()))
    if found is None:
        if not value:
            raise ValueError("is missing")
        raise ValueError(f"{value!r} is not one of {', '.join(roles)}")
    return found


def national_id(cell: Any) -> str:
    """13 digits with a valid check digit (as `domain.thaiparse.parse_national_id` reads them)."""
    value = text(cell)
    if not value:
        raise ValueError("is missing")
    if len(value) == 13 and value.isascii() and value.isdigit() \
            and national_id_check_digit(value[:12]) == int(value[12]):  # as typed: nothing to read
        return value
    return parse_national_id(value)  # its reasons name the ID masked


_PHONE_NOISE = str.maketrans("", "", " -().")


def phone(cell: Any) -> str | None:
    """Digits only (a leading + kept); a number cell from XLSX gets back its leading 0."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        value = "0" + text(cell)
    else:
        value = to_ascii_digits(text(cell))
    if not value:
        return None
    digits = value.translate(_PHONE_NOISE)
    body = digits[1:] if digits.startswith("+") else digits
    if not (body.isascii() and body.isdigit()) or not 6 <= len(body) <= 15:
        raise ValueError(f"{text(cell)!r} is not a phone number")
    return digits


def coordinate(cell: Any, limit: float) -> float | None:
    """A latitude or longitude within ±`limit`; None when empty."""
    if isinstance(cell, float | int) and not isinstance(cell, bool):
        value, shown = float(cell), repr(cell)
    else:
        shown = to_ascii_digits(text(cell))
        if not shown:
            return None
        try:
            value = float(shown)
        except ValueError:
            raise ValueError(f"{shown!r} is not a number") from None
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise ValueError(f"{shown} is out of range (-{limit:g} to {limit:g})")
    return value
