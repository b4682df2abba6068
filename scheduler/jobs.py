"""Scheduled jobs: module-level functions with fixed ids, each in its own session.

Jobs read the Runtime that the clock process installs with `install()`; they take no
arguments, so APScheduler stores them by reference only, and every job is safe to run
again (idempotent): a restart never sends twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.conversation import purge_expired
from bot.db import session_scope
from bot.runtime import Runtime

log = logging.getLogger(__name__)

_runtime: Runtime | None = None


def install(rt: Runtime) -> None:
    """Give the jobs of this process their Runtime (called once by the clock process)."""
    global _runtime
    _runtime = rt


def _rt() -> Runtime:
    if _runtime is None:
        raise RuntimeError("scheduler jobs need scheduler.jobs.install(runtime) first")
    return _runtime


def deliver_outbox() -> None:
    """Send whatever the outbox holds that is due (the web process's safety net)."""
    sender = _rt().outbox_sender
    attempted = 0
    while batch := sender.deliver_due():
        attempted += batch
    if attempted:
        log.info("job done", extra={"job": "deliver_outbox", "attempted": attempted})


def purge_conversations() -> None:
    """Forget conversations idle past their expiry (the next message would drop them anyway)."""
    rt = _rt()
    with session_scope(rt.sessions) as session:
        removed = purge_expired(session, rt.clock.now())
    if removed:
        log.info("job done", extra={"job": "purge_conversations", "removed": removed})


@dataclass(frozen=True)
class JobSpec:
    """A job as the clock schedules it. `trigger` args are APScheduler's."""

    id: str
    func: Callable[[], None]
    trigger: str
    trigger_args: dict[str, object]
    # Jobs catch up by themselves (they compute what is due), so a missed run is merged
    # into one (`coalesce`) and may still run late within the grace time.
    misfire_grace_time: int = 3600
    coalesce: bool = True


JOBS: tuple[JobSpec, ...] = (
    JobSpec("deliver_outbox", deliver_outbox, "interval", {"seconds": 15}, misfire_grace_time=60),
    JobSpec("purge_conversations", purge_conversations, "interval", {"hours": 1}),
)
