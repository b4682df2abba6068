"""Command-line interface: `flask --app bot <command>` (or the `wdf-bot` console script).

`demo` is registered as a Flask plugin command (see pyproject.toml) so it works with no
credentials at all; the others run inside the configured app. One module per command
group; `register` attaches them all.
"""

from __future__ import annotations

from flask import Flask
from flask.cli import FlaskGroup

# Modules, not names: `flask --app bot` imports `bot`, whose `web.app` imports this package, so
# this package may load while `scheduler.cli` (it needs `bot.runtime`) or `web.app` is half
# loaded; their commands and factory are looked up when called.
from scheduler import cli as scheduler_cli
from web import app as web_app
from web.cli import (
    audit,
    database,
    groups,
    holidays,
    imports,
    measures,
    outbox,
    reports,
    richmenu,
    roles,
    sessions,
)


def register(app: Flask) -> None:
    """Attach the commands that need a configured app."""
    for command in (database.db, outbox.outbox, imports.import_command, measures.measures, holidays.holidays,
                    groups.groups, sessions.sessions, roles.officers, roles.volunteers, reports.reports,
                    audit.audit, richmenu.richmenu, scheduler_cli.scheduler):
        app.cli.add_command(command)


def main() -> None:
    """The `wdf-bot` console script: the same commands as `flask --app bot`."""
    FlaskGroup(create_app=web_app.create_app)(prog_name="wdf-bot")
