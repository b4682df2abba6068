"""`import [--check] FILE ...`: load register files (INTERFACES.md, "Register files"); the work is `register`'s."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from bot.runtime import runtime
from messages.imports import format_report
from register.importer import import_files, refresh_stored_list
from register.limits import Limits


@click.command("import")
@click.option("--check", is_flag=True, help="Check only: report what the import would do, write nothing.")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def import_command(files: tuple[Path, ...], check: bool) -> None:
    """Load register files (contracts, members, payments; CSV or XLSX). All-or-nothing per file;
    exit status 1 when any row or file is rejected (a file larger than the IMPORT_MAX_* settings
    allow is refused whole). With --check, the same checks and report, and nothing written."""
    rt = runtime()
    with rt.sessions() as session:
        reports = import_files(session, files, rt.clock.now(), limits=Limits.from_settings(rt.settings), check=check)
        if not check:
            refresh_stored_list(session, rt.clock.now())
    click.echo(format_report(reports, check=check))
    if not all(report.ok for report in reports):
        raise click.exceptions.Exit(1)
