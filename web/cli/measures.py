"""`measures load`, `measures list`: the relief measures (data: a TOML file)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from bot.runtime import runtime
from domain.measures import MeasureFileError
from models.db import session_scope
from services.measure_store import measures_in_db, read_measures_file, store_measures


@click.group(cls=AppGroup, help="Relief measures (data: a TOML file, see domain/data/).")
def measures() -> None:
    pass


@measures.command("load")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def measures_load(path: Path) -> None:
    """Load a measures file; it takes effect at once, no restart needed."""
    rt = runtime()
    try:
        version, parsed = read_measures_file(path)
    except MeasureFileError as exc:
        raise click.ClickException(str(exc)) from None
    with session_scope(rt.sessions) as session:
        click.echo(store_measures(session, version, parsed, rt.clock.now()))


@measures.command("list")
def measures_list() -> None:
    """The measures in force today, in DOMAIN.md's order."""
    rt = runtime()
    today = rt.clock.today()
    with rt.sessions() as session:
        loaded = measures_in_db(session)
    if not loaded:
        raise click.ClickException("no measures loaded: run `flask --app bot measures load FILE`")
    for m in loaded:
        state = "in force" if m.in_force(today) else f"from {m.effective_from}"
        classes = ",".join(str(c) for c in sorted(m.classes))
        click.echo(f"{m.id:<14} classes {classes:<8} {m.next_step:<8} {state:<16} {m.fill(m.name)}")
