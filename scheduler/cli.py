"""`flask --app bot scheduler [--once]`: the clock process (Procfile `clock:`)."""

from __future__ import annotations

import logging

import click
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from flask.cli import with_appcontext

from bot.runtime import runtime
from domain.clock import BANGKOK
from scheduler import jobs
from scheduler.lock import ClockBusy, clock_lock

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 30


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run every job that is due now (per FUND_NOW) once, then exit.")
@click.option("--wait/--no-wait", default=True, help="Wait while another clock holds the lock (default).")
@with_appcontext
def scheduler(once: bool, wait: bool) -> None:
    """Run the scheduled jobs: reminders, officers' lists, prescription alerts, outbox delivery."""
    rt = runtime()
    jobs.install(rt)
    try:
        with clock_lock(rt.engine, wait=wait, max_wait_seconds=60 if once else None) as heartbeat:
            if once:
                for spec in jobs.JOBS:
                    spec.func()
                    click.echo(f"ran {spec.id}")
                return
            _run_forever(rt, heartbeat)
    except ClockBusy as exc:
        raise click.ClickException(str(exc)) from None


def _run_forever(rt, heartbeat) -> None:  # type: ignore[no-untyped-def]
    # Jobs live in the product's database (fixed ids, replace_existing): a restarted clock
    # finds its schedule, and misfired runs are merged into one (coalesce) and still run
    # within their grace time; every job computes what is due, so late is never twice.
    clock = BlockingScheduler(timezone=BANGKOK,
                              jobstores={"default": SQLAlchemyJobStore(engine=rt.engine, tablename="apscheduler_jobs")})
    for spec in jobs.JOBS:
        clock.add_job(spec.func, spec.trigger, id=spec.id, replace_existing=True,
                      misfire_grace_time=spec.misfire_grace_time, coalesce=spec.coalesce,
                      max_instances=1, **spec.trigger_args)
    # the heartbeat is a closure, so it stays in memory rather than the database
    clock.add_jobstore("memory", alias="local")
    clock.add_job(heartbeat, "interval", seconds=HEARTBEAT_SECONDS, id="clock_heartbeat", jobstore="local")
    log.info("clock started", extra={"jobs": [spec.id for spec in jobs.JOBS]})
    try:
        clock.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("clock stopped")
