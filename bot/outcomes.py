"""What LINE answered to each reply, written a moment later by a thread of its own, in batches.

A reply's outbox row is written with its event, durably, in the event's transaction, before the
reply goes (`bot/dispatch.py`). What LINE then answered (sent or failed, the HTTP status, LINE's
request id, the time) is a note about a message already gone: replies are never retried, so
nothing waits on it. Written on the request's connection it cost every answered request a
statement and a commit of its own (about 0.23 ms of the web worker's CPU and 0.11 ms of
PostgreSQL's per balance, measured in one process: docs/PERFORMANCE.md, Webhook). Now the request
hands the outcomes here and returns; a thread writes whatever has gathered in one transaction
(`services.outbox.record_outcomes`: on PostgreSQL one statement for the whole batch, its rows sent
as one JSON text, committed without waiting for the disk, as before). SQLite, the embedded
default, keeps one writer at a time: a thread writing there would only take the write lock from
under other transactions (one that read and then writes fails at once, "database is locked") and
has no throughput to win, so there the outcomes are written at once, in the request, one
executemany, as before. Writing them a batch at a time is what makes it cheaper, not only later:
an outcome costs about 28 µs of Python and 25 µs of PostgreSQL's CPU in a batch of eight, against
94 and 56 µs alone, and less as batches grow.

What can be lost: if the process is killed outright, the notes of its last moments (at most
`LINGER_SECONDS`' worth, and what was being written): those rows stay `sending`, as a database
crash left them when the outcome's commit was not yet on disk. A clean stop (`close`, also at
interpreter exit) writes what is left first. A batch the database refuses is tried again (`TRIES`
in all), then given up with a warning: the thread goes on with the next. Nothing is ever sent
twice either way.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from services.outbox import record_outcomes

log = logging.getLogger(__name__)

LINGER_SECONDS = 0.25  # after the first outcome arrives, wait this long for more to write with it
BATCH = 500  # outcomes written in one transaction at most
TRIES = 3  # a refused batch is written again this many times in all, then given up
BACKOFF_SECONDS = (0.2, 1.0)  # between the tries

class ReplyOutcomes:
    """Gathers replies' outcomes from the request threads; one thread writes them, a batch at a time."""

    def __init__(self, engine: Engine, *, background: bool | None = None, linger: float = LINGER_SECONDS,
                 batch: int = BATCH, sleep: Callable[[float], None] = time.sleep) -> None:
        self.engine = engine
        #: by the thread (PostgreSQL's default), or at once in the caller's thread (SQLite's: see above)
        self.background = engine.dialect.name == "postgresql" if background is None else background
        self.linger = linger
        self.batch = batch
        self._sleep = sleep
        self._changed = threading.Condition()
        self._pending: list[dict[str, Any]] = []
        self._added = 0  # outcomes handed in so far
        self._settled = 0  # of those, written or given up
        self._stopping = False
        self._hurry = 0  # flushes waiting: write without lingering
        self._thread: threading.Thread | None = None

    def add(self, outcomes: list[dict[str, Any]]) -> None:
        """Write these soon; returns at once (starts the thread on first use, never at import). Without
        `background`, writes them before returning."""
        if not outcomes:
            return
        if not self.background:
            self._write(outcomes)
            return
        with self._changed:
            if self._stopping:  # closed: nobody is left to write them later
                write_now = True
            else:
                write_now = False
                self._pending.extend(outcomes)
                self._added += len(outcomes)
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="reply-outcomes", daemon=True)
                    self._thread.start()
                    atexit.register(self.close)
                self._changed.notify_all()
        if write_now:
            self._write(outcomes)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every outcome handed in before this call is written (or given up); False on timeout."""
        with self._changed:
            target = self._added
            self._hurry += 1
            self._changed.notify_all()
            try:
                return self._changed.wait_for(lambda: self._settled >= target, timeout)
            finally:
                self._hurry -= 1

    def close(self, timeout: float = 10.0) -> None:
        """Write what is pending and stop the thread (a clean shutdown loses no outcome)."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
        atexit.unregister(self.close)

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._pending or self._stopping)
                if not self._pending:
                    return  # stopping, and nothing left
                # let the outcomes of the next moments' requests join these (not when asked to hurry)
                self._changed.wait_for(lambda: self._stopping or self._hurry or len(self._pending) >= self.batch,
                                       self.linger)
                taken, self._pending = self._pending[:self.batch], self._pending[self.batch:]
            self._write(taken)
            with self._changed:
                self._settled += len(taken)
                self._changed.notify_all()

    def _write(self, outcomes: list[dict[str, Any]]) -> None:
        engine = self.engine.execution_options(sqlite_immediate=True)  # SQLite: the write lock at BEGIN
        for attempt in range(TRIES):
            try:
                with engine.begin() as connection:
                    record_outcomes(connection, outcomes)
                return
            except Exception as exc:  # the database away or refusing: try again, then let these go
                if attempt + 1 == TRIES:
                    log.warning("reply outcomes not written", extra={"outcomes": len(outcomes),
                                                                     "error": type(exc).__name__})
                    return
                self._sleep(BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)])
