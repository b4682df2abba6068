"""Only one clock per database: a PostgreSQL advisory lock, or a lock row with a heartbeat on SQLite.

A second clock started by mistake waits (and says so in the log) instead of sending
everything twice; it takes over when the first one stops, or, on SQLite, when the first
one's heartbeat is older than STALE_AFTER.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, select, text
from sqlalchemy.orm import Session

from models import ClockLock

log = logging.getLogger(__name__)

ADVISORY_KEY = 0x57_44_46_43  # "WDFC": the clock's advisory lock id
LOCK_NAME = "clock"
STALE_AFTER = timedelta(minutes=2)


class ClockBusy(RuntimeError):
    """Another clock holds the lock and we were told not to wait."""


def holder_name() -> str:
    """Host, process and a per-acquisition token (two clocks in one process are still two)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@contextmanager
def clock_lock(engine: Engine, *, wait: bool = True, poll_seconds: float = 5.0,
               max_wait_seconds: float | None = None) -> Iterator[Callable[[], None]]:
    """Hold the clock lock for the duration; yields a heartbeat function to call regularly."""
    if engine.dialect.name == "postgresql":
        with _advisory(engine, wait, poll_seconds, max_wait_seconds) as beat:
            yield beat
    else:
        with _lock_row(engine, wait, poll_seconds, max_wait_seconds) as beat:
            yield beat


def _waiting(started: float, wait: bool, poll: float, max_wait: float | None) -> None:
    if not wait or (max_wait is not None and time.monotonic() - started >= max_wait):
        raise ClockBusy("another clock process holds the lock on this database")
    log.warning("another clock holds the lock; waiting", extra={"poll_seconds": poll})
    time.sleep(poll)


@contextmanager
def _advisory(engine: Engine, wait: bool, poll: float, max_wait: float | None) -> Iterator[Callable[[], None]]:
    # A session-level advisory lock lives as long as this one connection; PostgreSQL frees
    # it by itself if the process dies, so there is nothing to go stale.
    connection = engine.connect()
    started = time.monotonic()
    try:
        while not connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}).scalar():
            connection.commit()
            _waiting(started, wait, poll, max_wait)
        connection.commit()
        log.info("clock lock taken", extra={"lock": "advisory"})
        yield lambda: None
    finally:
        try:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
            connection.commit()
        finally:
            connection.close()


@contextmanager
def _lock_row(engine: Engine, wait: bool, poll: float, max_wait: float | None) -> Iterator[Callable[[], None]]:
    me = holder_name()
    started = time.monotonic()
    while not _try_row(engine, me):
        _waiting(started, wait, poll, max_wait)
    log.info("clock lock taken", extra={"lock": "row"})

    def heartbeat() -> None:
        with Session(engine.execution_options(sqlite_immediate=True)) as session:
            row = session.get(ClockLock, LOCK_NAME)
            if row is not None and row.holder == me:
                row.heartbeat_at = datetime.now(UTC)
                session.commit()

    try:
        yield heartbeat
    finally:
        with Session(engine.execution_options(sqlite_immediate=True)) as session:
            session.execute(delete(ClockLock).where(ClockLock.name == LOCK_NAME, ClockLock.holder == me))
            session.commit()


def _try_row(engine: Engine, me: str) -> bool:
    now = datetime.now(UTC)  # liveness is about real time, never FUND_NOW
    with Session(engine.execution_options(sqlite_immediate=True)) as session:
        row = session.scalars(select(ClockLock).where(ClockLock.name == LOCK_NAME)).one_or_none()
        if row is None:
            session.add(ClockLock(name=LOCK_NAME, holder=me, heartbeat_at=now))
        elif row.holder == me or now - row.heartbeat_at > STALE_AFTER:
            row.holder, row.heartbeat_at = me, now
        else:
            return False
        session.commit()
        return True
