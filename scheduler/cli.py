"""`flask --app bot scheduler [--once]`: the clock process (Procfile `clock:`)."""

from __future__ import annotations

import logging
from contextlib import suppress

import click
from flask.cli import with_appcontext

from bot.runtime import runtime
from domain.clock import BANGKOK
from scheduler import jobs
from scheduler.lock import STALE_AFTER, ClockBusy, HeldLock, clock_lock

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 30.0
LOST = ("this clock lost its lock to another clock (or its lock connection died) and stopped; "
        "started again, it waits for the lock")


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run every job that is due now (per FUND_NOW) once, then exit.")
@click.option("--wait/--no-wait", default=True, help="Wait while another clock holds the lock (default).")
# at most half the stale limit: a live SQLite clock's heartbeat never looks stale to a waiting one
@click.option("--heartbeat-seconds", type=click.FloatRange(min=0.1, max=STALE_AFTER.total_seconds() / 2),
              default=HEARTBEAT_SECONDS, show_default=True,
              help="How often the clock checks that it still holds its lock.")
@with_appcontext
def scheduler(once: bool, wait: bool, heartbeat_seconds: float) -> None:
    """Run the scheduled jobs: reminders, officers' lists, prescription alerts, outbox delivery.

    A clock that finds it lost its lock stops at once and exits with status 1.
    """
    rt = runtime()
    try:
        with clock_lock(rt.engine, wait=wait, max_wait_seconds=60 if once else None) as held:
            jobs.install(rt, held)
            if once:
                for spec in jobs.JOBS:
                    spec.func()
                    if held.lost:
                        break
                    click.echo(f"ran {spec.id}")
            else:
                _run_forever(held, heartbeat_seconds)
    except ClockBusy as exc:
        raise click.ClickException(str(exc)) from None
    if held.lost:
        raise click.ClickException(LOST)


def _run_forever(held: HeldLock, heartbeat_seconds: float) -> None:
    # Jobs live in the product's database (fixed ids, replace_existing): a restarted clock
    # finds its schedule, and misfired runs are merged into one (coalesce) and still run
    # within their grace time; every job computes what is due, so late is never twice.
    # APScheduler is imported here, in the clock process only: every web worker registers this
    # command (`flask --app bot scheduler`) and would otherwise carry it (about 1 MB, bench/import_rss.py).
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers import SchedulerNotRunningError
    from apscheduler.schedulers.blocking import BlockingScheduler

    rt = runtime()
    clock = BlockingScheduler(timezone=BANGKOK,
                              jobstores={"default": SQLAlchemyJobStore(engine=rt.engine, tablename="apscheduler_jobs")})
    for spec in jobs.JOBS:
        clock.add_job(spec.func, spec.trigger, id=spec.id, replace_existing=True,
                      misfire_grace_time=spec.misfire_grace_time, coalesce=spec.coalesce,
                      max_instances=1, **spec.trigger_args)

    def stop() -> None:  # from a job's thread: never wait for ourselves
        with suppress(SchedulerNotRunningError):  # already stopped (or never started)
            clock.shutdown(wait=False)

    def heartbeat() -> None:
        if not held.heartbeat():
            stop()

    # A lost lock stops the scheduler at once, whether the heartbeat or a job's fence finds it.
    held.when_lost(stop)
    # The heartbeat is a closure, so it stays in memory rather than the database. It runs
    # however late (after SIGCONT, at once), and a job's fence is usually even sooner.
    clock.add_jobstore("memory", alias="local")
    clock.add_job(heartbeat, "interval", seconds=heartbeat_seconds, id="clock_heartbeat", jobstore="local",
                  misfire_grace_time=None, coalesce=True, max_instances=1)
    if held.lost:  # lost before the start: do not start at all
        return
    log.info("clock started", extra={"jobs": [spec.id for spec in jobs.JOBS]})
    try:
        clock.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("clock stopped")
