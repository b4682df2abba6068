"""`outbox deliver`: send the queued LINE messages that are due."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from bot.runtime import runtime


@click.group(cls=AppGroup, help="The queue of messages to LINE.")
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
