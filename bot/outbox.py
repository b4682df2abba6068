"""The outbox: every push and multicast is queued here, then delivered with retries.

A row carries an `X-Line-Retry-Key` that stays the same across attempts, so LINE never
delivers it twice (a 409 on a retry means an earlier attempt got through). Retryable
failures (429, 5xx, no answer) back off exponentially, honouring Retry-After; any other
4xx fails at once. Replies are recorded here too, but are never retried: a reply token
is good for one use only.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.line import LineGateway, SendResult
from config.settings import Settings
from domain.clock import Clock
from domain.contact_hours import may_contact, next_contact_time
from models import Outbox
from services.outbox import (
    pause_for_quota,
    quota_paused_until,
)

log = logging.getLogger(__name__)

CLAIM_SECONDS = 120  # a row being sent is someone's for this long; then it is due again



def backoff_delay(attempts: int, base: float, cap: float, retry_after: float | None = None) -> float:
    """Seconds to wait before attempt `attempts + 1`: base·2^(attempts−1), capped, ≥ Retry-After."""
    delay = min(cap, base * (2 ** max(0, attempts - 1)))
    return max(delay, retry_after or 0.0)


def apply_result(row: Outbox, result: SendResult, now: datetime, settings: Settings) -> None:
    """Move a row to its next state after one delivery attempt."""
    row.last_status = result.status
    row.claimed_until = None
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


class OutboxSender:
    """Delivers due outbox rows; safe to run in several processes at once (rows are claimed)."""

    def __init__(self, sessions: sessionmaker[Session], line: LineGateway, clock: Clock,
                 settings: Settings) -> None:
        self.sessions = sessions
        self.line = line
        self.clock = clock
        self.settings = settings
        self.holidays: Callable[[Session], Collection[date]] = lambda session: ()

    def deliver_due(self, limit: int = 200) -> int:
        """Attempt every row that is due now (up to `limit`); return how many were attempted."""
        now = self.clock.now()
        with self.sessions() as session:
            ids = session.scalars(
                select(Outbox.id)
                .where(Outbox.kind != "reply", Outbox.next_attempt_at <= now,
                       or_(Outbox.status == "queued",
                           (Outbox.status == "sending") & (Outbox.claimed_until <= now)))
                .order_by(Outbox.next_attempt_at, Outbox.id)
                .limit(limit)
            ).all()
        if len(ids) <= 1 or self.settings.outbox_workers <= 1:
            return sum(1 for outbox_id in ids if self.deliver(outbox_id))
        # LINE answers in tens of milliseconds: several requests in flight (each row claimed
        # on its own, the rate limiter shared) instead of one after another.
        with ThreadPoolExecutor(max_workers=self.settings.outbox_workers, thread_name_prefix="outbox") as pool:
            return sum(pool.map(self.deliver, ids))

    def deliver(self, outbox_id: int) -> bool:
        """Claim one row and make one attempt; False if another worker has it or it is done."""
        now = self.clock.now()
        with self.sessions() as session:
            claimed = session.execute(  # type: ignore[attr-defined]
                update(Outbox)
                .where(Outbox.id == outbox_id, Outbox.kind != "reply",
                       or_(Outbox.status == "queued",
                           (Outbox.status == "sending") & (Outbox.claimed_until <= now)))
                .values(status="sending", claimed_until=now + timedelta(seconds=CLAIM_SECONDS),
                        attempts=Outbox.attempts + 1)
            ).rowcount
            session.commit()
            if not claimed:
                return False
            row = session.get(Outbox, outbox_id)
            assert row is not None
            paused = quota_paused_until(session, now)
            if paused is not None:  # LINE's monthly quota is spent: hold everything until it renews
                return _hold(session, row, paused)
            if row.proactive and not may_contact(now, holidays := self.holidays(session)):
                # a retry that drifted past the contact hours waits for the next window
                return _hold(session, row, next_contact_time(now, holidays))
            session.commit()  # never hold a transaction (or SQLite's write lock) over HTTP
            result = self._send(row)
            if result.monthly_quota_exceeded:
                until = pause_for_quota(session, self.clock.now())
                log.error("LINE monthly message quota reached: pushes paused", extra={"until": until.isoformat()})
                return _hold(session, row, until)
            apply_result(row, result, self.clock.now(), self.settings)
            session.commit()
        log.info("outbox delivery", extra={"outbox_id": outbox_id, "kind": row.kind,
                                            "status": row.status, "http_status": result.status,
                                            "attempt": row.attempts, "origin": row.origin})
        return True

    def _send(self, row: Outbox) -> SendResult:
        if row.kind == "multicast":
            return self.line.multicast(row.recipients, row.messages, row.retry_key)
        return self.line.push(row.recipient, row.messages, row.retry_key)


def _hold(session: Session, row: Outbox, until: datetime) -> bool:
    """Put a claimed row back, not counted as an attempt, to be tried at `until`."""
    row.status, row.claimed_until, row.next_attempt_at = "queued", None, until
    row.attempts -= 1
    session.commit()
    return False




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
