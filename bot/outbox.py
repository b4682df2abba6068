"""The outbox: every push and multicast is queued here, then delivered with retries.

A row carries an `X-Line-Retry-Key` that stays the same across attempts, so LINE never
delivers it twice (a 409 on a retry means an earlier attempt got through). Retryable
failures (429, 5xx, no answer) back off exponentially, honouring Retry-After; any other
4xx fails at once. Replies are recorded here too, but are never retried: a reply token
is good for one use only.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, Table, Text, and_, bindparam, or_, select, update
from sqlalchemy import cast as cast_
from sqlalchemy.orm import Session, sessionmaker

from bot.line import LineGateway, SendResult
from config.settings import Settings
from domain.clock import Clock
from domain.contact_hours import may_contact, next_contact_time
from models import Outbox
from models.db import JsonText
from services.outbox import (
    pause_for_quota,
    quota_paused_until,
)
from services.reminders import forget_contacts

log = logging.getLogger(__name__)

CLAIM_SECONDS = 120  # a row being sent is someone's for this long; then it is due again
ROWS_PER_WORKER = 8  # a claim takes this many rows per sending thread: the batch ends well inside CLAIM_SECONDS

_outbox = cast(Table, Outbox.__table__)


@dataclass
class Claimed:
    """One outbox row this sender has claimed, and what became of it (written back with the batch)."""

    id: int
    kind: str
    recipient: str
    recipients: list[str]
    messages: JsonText  # as stored (checked at queueing: 1 to 5 messages), never parsed and serialised again
    retry_key: str
    origin: str
    attempts: int  # counting the attempt being made
    claimed_until: datetime  # with `attempts`, the claim's token: a write-back needs both unchanged
    status: str = "sending"
    next_attempt_at: datetime | None = None
    last_status: int | None = None
    last_error: str | None = None
    request_id: str | None = None
    sent_at: datetime | None = None
    attempted: bool = False  # a request went to LINE (False: put back without counting)


def backoff_delay(attempts: int, base: float, cap: float, retry_after: float | None = None) -> float:
    """Seconds to wait before attempt `attempts + 1`: base·2^(attempts−1), capped, ≥ Retry-After."""
    delay = min(cap, base * (2 ** max(0, attempts - 1)))
    return max(delay, retry_after or 0.0)


def apply_result(row: Claimed, result: SendResult, now: datetime, settings: Settings) -> None:
    """Move a row to its next state after one delivery attempt."""
    row.attempted = True
    row.last_status = result.status
    if result.ok or result.already_accepted:
        row.status = "sent"
        row.sent_at = now
        row.request_id = result.request_id
        row.last_error = None
        return
    row.last_error = (result.error or "")[:300]
    if result.retryable and row.attempts < settings.outbox_max_attempts:
        delay = backoff_delay(row.attempts, settings.outbox_backoff_seconds,
                              settings.outbox_backoff_cap_seconds, result.retry_after)
        row.status = "queued"
        row.next_attempt_at = now + timedelta(seconds=delay)
    else:
        row.status = "failed"


def _hold(row: Claimed, until: datetime) -> None:
    """Put a claimed row back, not counted as an attempt, to be tried at `until`."""
    row.status, row.next_attempt_at, row.attempted = "queued", until, False


def _due(now: datetime) -> ColumnElement[bool]:
    """Rows to send now: queued and due, or claimed by a sender whose claim ran out (it crashed);
    never a row of a day gone by (`stale_after` passed: `expire_stale` marks those)."""
    c = _outbox.c
    return and_(c.kind != "reply", c.next_attempt_at <= now, or_(c.stale_after.is_(None), c.stale_after > now),
                or_(c.status == "queued", and_(c.status == "sending", c.claimed_until <= now)))


def _pick(session: Session, where: ColumnElement[bool], limit: int | None) -> Select[Any]:
    """The ids of due rows, oldest first; on PostgreSQL locked as picked, skipping rows another
    sender is claiming at this moment (so several processes never wait on, nor both get, a row)."""
    picked = select(_outbox.c.id).where(where).order_by(_outbox.c.next_attempt_at, _outbox.c.id)
    if limit is not None:
        picked = picked.limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        picked = picked.with_for_update(skip_locked=True)
    return picked


def _claim(session: Session, now: datetime, limit: int, only: int | None = None) -> list[Claimed]:
    """Claim up to `limit` due rows in one statement (attempts counted, claim until now + CLAIM_SECONDS).

    PostgreSQL: `WITH picked AS (SELECT ... FOR UPDATE SKIP LOCKED LIMIT n) UPDATE ... RETURNING`;
    the CTE runs once and its lock re-checks each row, so two senders never claim the same row.
    SQLite: `UPDATE ... WHERE id IN (SELECT ... LIMIT n) RETURNING`, under the write lock the
    session's IMMEDIATE transaction takes at BEGIN, so claims there are one after another."""
    where = _due(now) if only is None else and_(_due(now), _outbox.c.id == only)
    picked = _pick(session, where, limit)
    until = now + timedelta(seconds=CLAIM_SECONDS)
    c = _outbox.c
    claim = update(_outbox).values(status="sending", claimed_until=until, attempts=c.attempts + 1)
    if session.get_bind().dialect.name == "postgresql":
        cte = picked.cte("picked")
        claim = claim.where(c.id == cte.c.id)
    else:
        claim = claim.where(c.id.in_(picked.scalar_subquery()), where)
    rows = session.execute(claim.returning(  # the messages as their stored JSON text: posted as they are
        c.id, c.kind, c.recipient, c.recipients, cast_(c.messages, Text).label("messages"), c.retry_key, c.origin,
        c.attempts, c.next_attempt_at, c.last_status, c.last_error, c.request_id)).all()
    claimed = [Claimed(id=r.id, kind=r.kind, recipient=r.recipient, recipients=list(r.recipients or []),
                       messages=JsonText(r.messages), retry_key=r.retry_key, origin=r.origin, attempts=r.attempts,
                       claimed_until=until, next_attempt_at=r.next_attempt_at, last_status=r.last_status,
                       last_error=r.last_error, request_id=r.request_id) for r in rows]
    return sorted(claimed, key=lambda row: (row.next_attempt_at or now, row.id))


def _expire(session: Session, now: datetime) -> int:
    """Unsent rows of a day gone by (`stale_after` passed: a reminder, a morning list) are not sent on
    another day: status `expired`. A retry that ran past the contact hours, or a quota pause, would
    otherwise bring yesterday's reminder beside today's."""
    c = _outbox.c
    stale = and_(c.kind != "reply", c.stale_after <= now,
                 or_(c.status == "queued", and_(c.status == "sending", c.claimed_until <= now)))
    expired = list(session.scalars(
        update(_outbox).where(c.id.in_(_pick(session, stale, None).scalar_subquery()))
        .values(status="expired", claimed_until=None, last_error="its day passed: not sent on another")
        .returning(c.id)))
    forget_contacts(session, expired)  # never sent, so no contact: a later day's reminder may go
    return len(expired)


def _postpone(session: Session, where: ColumnElement[bool], until: datetime) -> None:
    """Due rows matching `where` wait until `until` (not claimed, not counted as an attempt)."""
    picked = _pick(session, where, None)
    session.execute(update(_outbox).where(_outbox.c.id.in_(picked.scalar_subquery()))
                    .values(next_attempt_at=until))


_WRITE_BACK = (
    update(_outbox)
    .where(_outbox.c.id == bindparam("b_id"), _outbox.c.status == "sending",
           _outbox.c.attempts == bindparam("b_claimed_attempts"),
           _outbox.c.claimed_until == bindparam("b_claimed_until", type_=_outbox.c.claimed_until.type))
    .values(status=bindparam("b_status"), attempts=bindparam("b_attempts"),
            claimed_until=None,
            next_attempt_at=bindparam("b_next_attempt_at", type_=_outbox.c.next_attempt_at.type),
            last_status=bindparam("b_last_status"), last_error=bindparam("b_last_error"),
            request_id=bindparam("b_request_id"),
            sent_at=bindparam("b_sent_at", type_=_outbox.c.sent_at.type))
)


def _write_back(session: Session, rows: Sequence[Claimed]) -> None:
    """Every row's outcome in one executemany; a row whose claim another sender has since taken
    over (ours ran out) is left to that sender."""
    if not rows:
        return
    session.execute(_WRITE_BACK, [
        {"b_id": row.id, "b_claimed_attempts": row.attempts, "b_claimed_until": row.claimed_until,
         "b_status": row.status, "b_attempts": row.attempts if row.attempted else row.attempts - 1,
         "b_next_attempt_at": row.next_attempt_at, "b_last_status": row.last_status,
         "b_last_error": row.last_error, "b_request_id": row.request_id, "b_sent_at": row.sent_at}
        for row in rows])


class OutboxSender:
    """Delivers due outbox rows; safe to run in several processes at once (rows are claimed).

    A round claims a batch of due rows in one statement and commits, reads the quota pause
    and the holidays once for the batch, sends with up to `OUTBOX_WORKERS` requests in flight
    (the gateway's rate limiter shared), and writes every outcome back in one executemany.
    No transaction is open while a request is in flight.
    """

    def __init__(self, sessions: sessionmaker[Session], line: LineGateway, clock: Clock,
                 settings: Settings) -> None:
        self.sessions = sessions
        self.line = line
        self.clock = clock
        self.settings = settings
        self.holidays: Callable[[Session], Collection[date]] = lambda session: ()

    @property
    def batch_size(self) -> int:
        return max(1, self.settings.outbox_workers) * ROWS_PER_WORKER

    def deliver_due(self, limit: int = 200) -> int:
        """Attempt the rows that are due now (up to `limit`); return how many went to LINE.

        The sending threads are kept fed: the next batch is claimed once no more rows are
        waiting than there are threads, so requests stay in flight while the database is
        asked for more, and outcomes are written back a batch at a time.
        """
        threads = max(1, self.settings.outbox_workers)
        finished: queue.SimpleQueue[Claimed] = queue.SimpleQueue()
        quota_spent = threading.Event()
        in_flight = attempted = 0
        done: list[Claimed] = []
        more = True

        def attempt(row: Claimed) -> None:
            try:
                self._attempt(row, quota_spent)
            except Exception as exc:  # a row the gateway refuses outright: failed, never retried
                log.exception("outbox row could not be sent", extra={"outbox_id": row.id})
                row.status, row.last_error, row.attempted = "failed", type(exc).__name__, True
            finally:
                finished.put(row)

        with self._pool() as pool:
            while True:
                if more and limit > 0 and in_flight <= threads and not quota_spent.is_set():
                    size = min(limit, self.batch_size)
                    batch = self._claim(size, None)
                    more, limit, in_flight = len(batch) == size, limit - len(batch), in_flight + len(batch)
                    for row in batch:
                        pool.submit(attempt, row)
                if not in_flight:
                    break
                done.append(finished.get())
                in_flight -= 1
                if len(done) >= self.batch_size or not in_flight:
                    attempted += self._finish(done, quota_spent)
                    done = []
        return attempted

    def expire_stale(self) -> int:
        """Mark the unsent rows of a day gone by `expired` (they are never claimed: `_due`); the clock
        does it each run, so what the outbox lists says what became of them."""
        with self.sessions() as session:
            expired = _expire(session, self.clock.now())
            session.commit()
        return expired

    def deliver(self, outbox_id: int) -> bool:
        """Claim one row and make one attempt; False if another worker has it or it is done."""
        quota_spent = threading.Event()
        rows = self._claim(1, outbox_id)
        for row in rows:
            self._attempt(row, quota_spent)
        return self._finish(rows, quota_spent) == 1

    def _pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=max(1, self.settings.outbox_workers), thread_name_prefix="outbox")

    def _finish(self, done: list[Claimed], quota_spent: threading.Event) -> int:
        """Write back what became of these rows, in one statement; how many went to LINE."""
        if not done:
            return 0
        with self.sessions() as session:
            if quota_spent.is_set():
                until = pause_for_quota(session, self.clock.now())
                log.error("LINE monthly message quota reached: pushes paused", extra={"until": until.isoformat()})
                for row in done:
                    if row.status == "sending":  # not sent: the row that met the limit, and any after it
                        _hold(row, until)
            _write_back(session, done)
            session.commit()
        for row in done:
            if row.attempted:
                log.info("outbox delivery", extra={"outbox_id": row.id, "kind": row.kind, "status": row.status,
                                                    "http_status": row.last_status, "attempt": row.attempts,
                                                    "origin": row.origin})
        return sum(1 for row in done if row.attempted)

    def _claim(self, limit: int, only: int | None) -> list[Claimed]:
        """One short transaction: the quota pause and the holidays read once, then the batch claimed."""
        now = self.clock.now()
        with self.sessions() as session:
            paused = quota_paused_until(session, now)
            if paused is not None:  # LINE's monthly quota is spent: hold everything until it renews
                _postpone(session, _due(now), paused)
                session.commit()
                return []
            holidays = self.holidays(session)
            if not may_contact(now, holidays):  # retries that drifted past the contact hours wait
                _postpone(session, and_(_due(now), _outbox.c.proactive.is_(True)),
                          next_contact_time(now, holidays))
            batch = _claim(session, now, limit, only)
            session.commit()  # never hold a transaction (or SQLite's write lock) over HTTP
        return batch

    def _attempt(self, row: Claimed, quota_spent: threading.Event) -> None:
        """One request to LINE for a claimed row (in a sending thread; no database here)."""
        if quota_spent.is_set():
            return  # held with the rest of the batch
        # a batch slowed past its claim is not sent late: the row is due again, for anyone
        if self.clock.now() >= row.claimed_until - timedelta(seconds=2 * self.line.timeout):
            _hold(row, row.claimed_until)
            return
        result = self._send(row)
        if result.monthly_quota_exceeded:
            quota_spent.set()
            return
        apply_result(row, result, self.clock.now(), self.settings)

    def _send(self, row: Claimed) -> SendResult:
        if row.kind == "multicast":
            return self.line.multicast(row.recipients, row.messages, row.retry_key)
        return self.line.push(row.recipient, row.messages, row.retry_key)


class OutboxWorker:
    """A background thread in the web process that delivers freshly queued pushes at once.

    The clock process drains the outbox on a schedule as well, so nothing waits for long
    if this thread is busy or the process restarts.
    """

    def __init__(self, sender: OutboxSender, idle_seconds: float = 5.0,
                 also: Sequence[Callable[[], int]] = ()) -> None:
        self.sender = sender
        self.idle_seconds = idle_seconds
        self.also = also  # more work that is due after a webhook (rich menus to link), each round
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def kick(self) -> None:
        """Deliver soon; starts the thread on first use (never at import or app creation)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
                self._thread.start()
        self._wake.set()

    def _round(self) -> int:
        return self.sender.deliver_due() + sum(work() for work in self.also)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.idle_seconds)
            self._wake.clear()
            try:
                while not self._stop.is_set() and self._round():
                    pass
            except Exception:  # keep the thread alive; the clock process is the safety net
                log.exception("outbox worker failed a round")
