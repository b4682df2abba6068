"""Public holidays (contact hours end at 18:00 on them): loaded from files, read by the clock."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from domain.holidays import parse_holidays
from models.scheduling import Holiday

BUNDLED = Path(__file__).resolve().parents[1] / "domain" / "data"


def holidays_in(session: Session) -> set[date]:
    """Public holidays loaded with `holidays load` (contact hours end at 18:00 on them)."""
    return set(session.scalars(select(Holiday.day)))


def years_loaded(session: Session) -> set[int]:
    """The years that have holidays loaded."""
    return {day.year for day in holidays_in(session)}


def replace_year(session: Session, year: int, days: list[tuple[date, str]]) -> None:
    """A year's holidays become these (the year's old list is dropped)."""
    session.execute(delete(Holiday).where(Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31)))
    session.add_all(Holiday(day=day, name=name) for day, name in days)


def load_bundled_holidays(session: Session) -> int:
    """The holiday files shipped in domain/data/ (the demo; production loads each year with the CLI)."""
    loaded = 0
    for path in sorted(BUNDLED.glob("holidays-*.toml")):
        with path.open("rb") as handle:
            _, days = parse_holidays(tomllib.load(handle))
        known = set(session.scalars(select(Holiday.day)))
        session.add_all(Holiday(day=day, name=name) for day, name in days if day not in known)
        loaded += len(days)
    return loaded
