"""The one source of "now" and "today" (Asia/Bangkok), honouring FUND_NOW."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")


def parse_fund_now(raw: str) -> datetime:
    """Parse `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` as a Bangkok wall-clock time."""
    for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(raw, fmt).replace(tzinfo=BANGKOK)
        except ValueError:
            continue
    raise ValueError(f"not a FUND_NOW value: {raw!r}")


class Clock(Protocol):
    """Anything that can say what time it is in Bangkok."""

    def now(self) -> datetime: ...

    def today(self) -> date: ...


class SystemClock:
    """The real clock, in Asia/Bangkok."""

    def now(self) -> datetime:
        return datetime.now(BANGKOK)

    def today(self) -> date:
        return self.now().date()


class FixedClock:
    """A clock pinned to one instant (FUND_NOW); tests may move it with `advance`/`set`."""

    def __init__(self, pinned: datetime) -> None:
        if pinned.tzinfo is None:
            pinned = pinned.replace(tzinfo=BANGKOK)
        self._now = pinned.astimezone(BANGKOK)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def today(self) -> date:
        return self.now().date()

    def advance(self, **delta: float) -> datetime:
        """Move the clock forward by a timedelta's keyword arguments."""
        with self._lock:
            self._now = self._now + timedelta(**delta)
            return self._now

    def set(self, when: datetime) -> None:
        """Move the clock to an instant (naive means Bangkok)."""
        with self._lock:
            self._now = (when if when.tzinfo else when.replace(tzinfo=BANGKOK)).astimezone(BANGKOK)


def clock_for(fund_now: datetime | None) -> Clock:
    """The clock the settings ask for."""
    return FixedClock(fund_now) if fund_now is not None else SystemClock()


def utc_naive(moment: datetime) -> datetime:
    """Store instants as naive UTC (portable across SQLite and PostgreSQL)."""
    return moment.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def from_utc_naive(stored: datetime) -> datetime:
    """Read a stored naive-UTC instant back as Bangkok time."""
    return stored.replace(tzinfo=ZoneInfo("UTC")).astimezone(BANGKOK)
