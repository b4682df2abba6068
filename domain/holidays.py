"""A year's public holidays from a holidays file (domain/data/holidays-*.toml), checked before loading.

The list is data: the Cabinet adds special holidays during the year, so a wrong or
outdated file must fail loudly, naming the entry, rather than shift the contact hours.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime
from typing import Any

BE_OFFSET = 543
WARN_FROM = (12, 1)  # (month, day): from 1 December, next year's holidays must be loaded


class HolidayFileError(ValueError):
    """A holidays file that cannot be loaded; the message says which entry and why."""


def parse_holidays(document: Mapping[str, Any]) -> tuple[int, list[tuple[date, str]]]:
    """(year, [(date, name)] sorted by date) from a parsed holidays file; HolidayFileError says what is wrong."""
    year = _year(document.get("year"))
    entries = document.get("holiday")
    if not isinstance(entries, list) or not entries:
        raise HolidayFileError("the file has no [[holiday]] entries")
    seen: dict[date, int] = {}
    holidays = []
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, Mapping):
            raise HolidayFileError(f"holiday #{index}: expected a [[holiday]] table with date and name")
        day, name = _day(entry.get("date"), index), entry.get("name")
        where = f"holiday #{index} ({day.isoformat()})"
        if day.year != year:
            raise HolidayFileError(f"{where}: the date is not in {year}, the year of this file")
        if not isinstance(name, str) or not name.strip():
            raise HolidayFileError(f"{where}: name is missing or empty")
        if day in seen:
            raise HolidayFileError(f"{where}: the same date is already holiday #{seen[day]}")
        seen[day] = index
        holidays.append((day, name.strip()))
    return year, sorted(holidays)


def _year(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise HolidayFileError("the file needs a top-level year = 2026 (a whole number, C.E.)")
    if value > 2400:  # B.E. years are 543 ahead: 2569 is 2026, and no date would match
        raise HolidayFileError(f"year {value} looks like a Buddhist Era year: write {value - BE_OFFSET} (C.E.)")
    return value


def _day(value: Any, index: int) -> date:
    # datetime is a subclass of date: a time of day on a holiday is a typo, not a holiday
    if isinstance(value, datetime) or not isinstance(value, date):
        shown = "missing" if value is None else f"{value!r}"
        raise HolidayFileError(f"holiday #{index}: date must be a TOML date like 2026-01-01 (no quotes), got {shown}")
    return value


def year_to_load(today: date, loaded_years: Collection[int]) -> int | None:
    """Next year, from 1 December until its holidays are loaded; else None.

    Without them the contact hours of next year's holidays would run to 20:00 as on a
    working day, so officers are told while there is still time.
    """
    if (today.month, today.day) < WARN_FROM:
        return None
    upcoming = today.year + 1
    return None if upcoming in loaded_years else upcoming
