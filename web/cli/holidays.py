"""`holidays load`: Thai public holidays, a year at a time."""

from __future__ import annotations

import tomllib
from pathlib import Path

import click
from flask.cli import AppGroup

from bot.runtime import runtime
from domain.holidays import HolidayFileError, parse_holidays
from models.db import session_scope
from services.holidays import replace_year


@click.group(cls=AppGroup, help="Thai public holidays (contact hours end at 18:00 on them).")
def holidays() -> None:
    pass


@holidays.command("load")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def holidays_load(path: Path) -> None:
    """Load a year's holidays from a TOML file (replaces that year's list)."""
    rt = runtime()
    try:
        with path.open("rb") as handle:
            year, days = parse_holidays(tomllib.load(handle))
    except (OSError, tomllib.TOMLDecodeError, HolidayFileError) as exc:
        raise click.ClickException(f"{path}: {exc}") from None
    with session_scope(rt.sessions) as session:
        replace_year(session, year, days)
    click.echo(f"{year}: {len(days)} holidays loaded")
