"""`outbox deliver` (send what is due, once) and `outbox work` (a delivery worker process)."""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType

import click
from flask.cli import AppGroup

from bot.runtime import runtime

log = logging.getLogger(__name__)


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


@outbox.command("work")
@click.option("--idle-seconds", type=click.FloatRange(min=0.05, max=60.0), default=1.0, show_default=True,
              help="How long to wait before looking again when nothing is due.")
def outbox_work(idle_seconds: float) -> None:
    """A delivery worker: send what the outbox holds as it falls due, until SIGTERM or SIGINT.

    Run as many as LINE's rate limit and the database allow, on any host (Procfile `worker:`):
    each claims its rows (FOR UPDATE SKIP LOCKED on PostgreSQL), so none is sent twice. It also
    links the rich menus a change of roles asked for. A stop finishes the batch in hand.
    """
    rt = runtime()
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    attempted = 0
    log.info("outbox worker started", extra={"threads": rt.settings.outbox_workers})
    try:
        while not stopping.is_set():
            started = time.monotonic()
            try:
                done = rt.outbox_sender.deliver_due() + rt.menus.sync_due()
            except Exception:  # a lost database connection, say: log, wait, try again
                log.exception("outbox worker failed a round")
                done = 0
            attempted += done
            if not done:
                stopping.wait(max(0.0, idle_seconds - (time.monotonic() - started)))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("outbox worker stopped", extra={"attempted": attempted})
    click.echo(f"{attempted} delivery attempt(s)")
