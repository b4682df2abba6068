"""One clock per database, and a clock that loses its lock stops at once (fencing).

Taking the lock: on PostgreSQL a session-level advisory lock (one per schema), held by one
connection for as long as the clock runs; on SQLite the lock row itself, whose heartbeat
goes stale after STALE_AFTER. A second clock waits (and says so in the log) and takes over
when the first one stops, or on SQLite when its heartbeat is stale.

Every taking bumps the lock row's `generation`: the new holder's fencing token. The lock
can be lost without the holder's doing: a SQLite clock paused (SIGSTOP, a frozen VM) past
STALE_AFTER is replaced; a PostgreSQL clock whose lock connection died (pg_terminate_backend,
a network cut) no longer holds the advisory lock. Two things keep a lost clock harmless:

- the fence (`HeldLock.check`): every job's transaction begins by locking the lock row and
  comparing its generation with the job's token, and writes nothing unless they match. A
  new holder's bump waits for a job that passed its check to commit; after the bump, every
  check of the old token fails. This is the guarantee.
- the heartbeat (`HeldLock.heartbeat`): the holder verifies, every HEARTBEAT_SECONDS, that
  the row still carries its token (and on PostgreSQL that its connection still holds the
  advisory lock). On loss, or on a refused fence, the `when_lost` callbacks run: the clock
  process stops its scheduler and exits with status 1, and a restarted clock waits for the
  lock like any second clock. This is the fast path: a lost clock stops scheduling.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, Engine, select, text, update
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from domain.clock import Clock, SystemClock
from models import ClockLock

log = logging.getLogger(__name__)

ADVISORY_KEY = 0x57_44_46_43  # "WDFC": the clock's advisory lock id (the schema is the second key)
LOCK_NAME = "clock"
STALE_AFTER = timedelta(minutes=2)


class ClockBusy(RuntimeError):
    """Another clock holds the lock and we were told not to wait."""


class LockLost(RuntimeError):
    """This clock no longer holds the lock: another one took it, or its lock connection died."""


def holder_name() -> str:
    """Host, process and a per-acquisition token (two clocks in one process are still two)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class HeldLock:
    """The clock lock while this process holds it: its fencing token, the heartbeat and the fence."""

    def __init__(self, holder: str, generation: int, verify: Callable[[], bool]) -> None:
        self.holder = holder
        self.generation = generation
        self._verify = verify
        self._lost = threading.Event()
        self._callbacks: list[Callable[[], None]] = []
        self._guard = threading.Lock()

    @property
    def lost(self) -> bool:
        """True once this clock knows it no longer holds the lock (it never holds it again)."""
        return self._lost.is_set()

    def when_lost(self, callback: Callable[[], None]) -> None:
        """Call `callback` once when the lock is found lost (at once if it already is)."""
        with self._guard:
            if not self._lost.is_set():
                self._callbacks.append(callback)
                return
        callback()

    def heartbeat(self) -> bool:
        """Renew the lock and check it is still ours; False (and the callbacks run) once it is not."""
        if self.lost:
            return False
        if self._verify():
            return True
        self._lose("heartbeat")
        return False

    def check(self, session: Session) -> None:
        """The fence: a job's first statement. Raise LockLost unless the lock row still has our token.

        The row stays locked until the job's transaction ends, so another clock cannot take
        over while a job that passed this check is writing: on PostgreSQL a share lock
        (FOR SHARE: jobs of the same clock do not wait for each other, the taker's FOR
        UPDATE waits for them all); on SQLite the job's IMMEDIATE transaction holds the
        database's write lock.
        """
        generation = session.scalar(
            select(ClockLock.generation).where(ClockLock.name == LOCK_NAME).with_for_update(read=True))
        if generation != self.generation or self.lost:
            self._lose("fence")
            raise LockLost("this clock lost its lock; the job wrote nothing")

    def _lose(self, noticed_by: str) -> None:
        with self._guard:
            if self._lost.is_set():
                return
            self._lost.set()
            callbacks, self._callbacks = self._callbacks, []
        log.error("clock lock lost; this clock stops scheduling",
                  extra={"noticed_by": noticed_by, "generation": self.generation})
        for callback in callbacks:
            callback()


@contextmanager
def clock_lock(engine: Engine, *, wait: bool = True, poll_seconds: float = 5.0,
               max_wait_seconds: float | None = None, clock: Clock | None = None) -> Iterator[HeldLock]:
    """Hold the clock lock for the duration; yields the HeldLock (token, heartbeat, fence).

    `clock` dates the heartbeats and judges staleness: real time, never FUND_NOW (a pinned
    clock would never let a dead holder's heartbeat go stale); tests pass their own.
    """
    clock = clock or SystemClock()
    if engine.dialect.name == "postgresql":
        with _advisory(engine, clock, wait, poll_seconds, max_wait_seconds) as held:
            yield held
    else:
        with _lock_row(engine, clock, wait, poll_seconds, max_wait_seconds) as held:
            yield held


def advisory_keys(connection: Connection) -> dict[str, int]:
    """The advisory lock's two keys: the clock's, and one for the schema (each schema is a product)."""
    schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    return {"k1": ADVISORY_KEY, "k2": zlib.crc32(str(schema).encode()) & 0x7FFF_FFFF}


def _waiting(started: float, wait: bool, poll: float, max_wait: float | None) -> None:
    if not wait or (max_wait is not None and time.monotonic() - started >= max_wait):
        raise ClockBusy("another clock process holds the lock on this database")
    log.warning("another clock holds the lock; waiting", extra={"poll_seconds": poll})
    time.sleep(poll)


def _immediate(engine: Engine) -> Session:
    return Session(engine.execution_options(sqlite_immediate=True))


def _take(session: Session, me: str, clock: Clock, *, unless_fresh: bool) -> int | None:
    """Bump the generation and name ourselves holder; None if a live holder has it (SQLite)."""
    now = clock.now()
    row = session.get(ClockLock, LOCK_NAME, with_for_update=True)
    if row is None:
        row = ClockLock(name=LOCK_NAME, generation=0, heartbeat_at=now)
        session.add(row)
    elif unless_fresh and row.holder is not None and now - row.heartbeat_at <= STALE_AFTER:
        return None
    row.holder, row.heartbeat_at, row.generation = me, now, row.generation + 1
    session.commit()
    return row.generation


def _release(engine: Engine, held: HeldLock) -> None:
    # Only our own tenure is ended: a clock that lost the lock leaves its successor's row alone.
    try:
        with _immediate(engine) as session:
            session.execute(update(ClockLock)
                            .where(ClockLock.name == LOCK_NAME, ClockLock.generation == held.generation)
                            .values(holder=None))
            session.commit()
    except SQLAlchemyError as exc:  # the row then goes stale by itself (SQLite) or is bumped (PostgreSQL)
        log.warning("clock lock row not released", extra={"error": type(exc).__name__})


@contextmanager
def _advisory(engine: Engine, clock: Clock, wait: bool, poll: float,
              max_wait: float | None) -> Iterator[HeldLock]:
    # A session-level advisory lock lives as long as this one connection; PostgreSQL frees
    # it by itself if the process dies, so there is nothing to go stale. If the connection
    # dies while the process lives, the heartbeat finds out and the fence keeps the jobs out.
    connection = engine.connect()
    using = threading.Lock()  # the heartbeat's thread and the main thread share the connection
    started = time.monotonic()
    try:
        keys = advisory_keys(connection)
        while not connection.execute(text("SELECT pg_try_advisory_lock(CAST(:k1 AS integer), CAST(:k2 AS integer))"),
                                     keys).scalar():
            connection.commit()
            _waiting(started, wait, poll, max_wait)
        connection.commit()
        me = holder_name()
        with Session(engine) as session:  # waits for a job of a lost clock that passed its fence
            generation = _take(session, me, clock, unless_fresh=False)
        assert generation is not None

        def verify() -> bool:
            try:
                with using:
                    still_held = connection.execute(text(
                        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
                        " AND pid = pg_backend_pid() AND classid::bigint = :k1 AND objid::bigint = :k2"
                        " AND objsubid = 2)"), keys).scalar()
                    connection.commit()
            except SQLAlchemyError:  # the lock connection is gone, and the advisory lock with it
                return False
            if not still_held:
                return False
            try:
                with Session(engine) as session:  # a plain read: never waits for a running job
                    return session.scalar(select(ClockLock.generation).where(ClockLock.name == LOCK_NAME)) == generation
            except DBAPIError as exc:  # unknown is not lost; the fence still guards every job
                log.warning("clock heartbeat could not read the lock row", extra={"error": type(exc).__name__})
                return True

        held = HeldLock(me, generation, verify)
        log.info("clock lock taken", extra={"lock": "advisory", "generation": generation})
        try:
            yield held
        finally:
            _release(engine, held)
    finally:
        with using:
            try:
                connection.execute(text("SELECT pg_advisory_unlock_all()"))
                connection.commit()
            except SQLAlchemyError:  # already gone with its connection
                pass
            finally:
                connection.close()


@contextmanager
def _lock_row(engine: Engine, clock: Clock, wait: bool, poll: float, max_wait: float | None) -> Iterator[HeldLock]:
    me = holder_name()
    started = time.monotonic()
    while (generation := _try_row(engine, me, clock)) is None:
        _waiting(started, wait, poll, max_wait)

    def verify() -> bool:
        # the heartbeat renews only our own tenure: no row with our generation means another took it
        try:
            with _immediate(engine) as session:
                renewed = cast(CursorResult[Any], session.execute(
                    update(ClockLock)
                    .where(ClockLock.name == LOCK_NAME, ClockLock.generation == generation, ClockLock.holder == me)
                    .values(heartbeat_at=clock.now()))).rowcount
                session.commit()
        except OperationalError as exc:  # the database is busy: unknown is not lost, the fence still guards
            log.warning("clock heartbeat could not write", extra={"error": type(exc).__name__})
            return True
        return renewed == 1

    held = HeldLock(me, generation, verify)
    log.info("clock lock taken", extra={"lock": "row", "generation": generation})
    try:
        yield held
    finally:
        _release(engine, held)


def _try_row(engine: Engine, me: str, clock: Clock) -> int | None:
    try:
        with _immediate(engine) as session:
            return _take(session, me, clock, unless_fresh=True)
    except OperationalError as exc:  # another writer held SQLite past its busy timeout: try again later
        log.warning("clock lock row busy", extra={"error": type(exc).__name__})
        return None
