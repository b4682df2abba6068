"""Command-line interface: `flask --app bot <command>` (or the `wdf-bot` console script).

`demo` is registered as a Flask plugin command (see pyproject.toml) so it works with no
credentials at all; the others run inside the configured app.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from bot import migrate
from bot.runtime import runtime


def register(app: Flask) -> None:
    """Attach the commands that need a configured app."""
    from bot.importer import import_command

    app.cli.add_command(db)
    app.cli.add_command(outbox)
    app.cli.add_command(import_command)

    from scheduler.cli import scheduler

    app.cli.add_command(scheduler)


@click.group(help="Database schema (Alembic).")
def db() -> None:
    pass


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Create or migrate the database to the newest schema."""
    rt = runtime()
    migrate.upgrade(rt.engine, revision)
    click.echo(f"database at {revision} ({rt.engine.url.render_as_string(hide_password=True)})")


@db.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Autogenerate a migration from the models (for developers)."""
    migrate.revision(runtime().engine, message)


@click.group(help="The queue of messages to LINE.")
def outbox() -> None:
    pass


@outbox.command("deliver")
def outbox_deliver() -> None:
    """Send every queued message that is due now, once."""
    sent = 0
    while True:
        attempted = runtime().outbox_sender.deliver_due()
        if not attempted:
            break
        sent += attempted
    click.echo(f"{sent} delivery attempt(s)")


def main() -> None:
    """The `wdf-bot` console script: the same commands as `flask --app bot`."""
    from bot import create_app

    FlaskGroup(create_app=create_app)(prog_name="wdf-bot")
