"""`flask --app bot scheduler [--once]`: the clock process."""

from __future__ import annotations

import logging

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from flask.cli import with_appcontext

from bot.clock import BANGKOK
from bot.runtime import runtime
from scheduler import jobs

log = logging.getLogger(__name__)


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run every job that is due now once, then exit.")
@with_appcontext
def scheduler(once: bool) -> None:
    """Run the scheduled jobs (reminders, follow-up lists, outbox delivery)."""
    rt = runtime()
    jobs.install(rt)
    if once:
        for spec in jobs.JOBS:
            spec.func()
            click.echo(f"ran {spec.id}")
        return
    clock = BlockingScheduler(timezone=BANGKOK)
    for spec in jobs.JOBS:
        clock.add_job(spec.func, spec.trigger, id=spec.id, replace_existing=True,
                      misfire_grace_time=spec.misfire_grace_time, coalesce=spec.coalesce,
                      max_instances=1, **spec.trigger_args)
    log.info("clock started", extra={"jobs": [spec.id for spec in jobs.JOBS]})
    try:
        clock.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("clock stopped")
