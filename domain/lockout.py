"""Too many failed tries lock a door for a while: verifying who you are, typing invite codes.

Two rules. `Lockout`, per LINE account (verification, invite codes): a try counts while
it is younger than the window; once `limit` of them count, the door stays shut until the
oldest ages out. `DailyLockout`, per person being verified, across every account: a try
counts for the rest of its Bangkok day; once `limit` of them count, nobody may verify as
that person until midnight (otherwise N accounts would give 5N guesses a day). The
database counts the tries (services.identity); these decide.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from domain.clock import BANGKOK


@dataclass(frozen=True)
class Lockout:
    """At most `limit` failures within `window`; the next try is refused."""

    limit: int
    window: timedelta

    def window_start(self, now: datetime) -> datetime:
        """Failures strictly after this instant count; one exactly a window old no longer does."""
        return now - self.window

    def counts(self, failed_at: datetime, now: datetime) -> bool:
        """Whether a failure at `failed_at` still counts at `now`."""
        return failed_at > self.window_start(now)

    def failures(self, failed_at: Iterable[datetime], now: datetime) -> int:
        """How many of these failures still count at `now` (what the database query counts)."""
        return sum(1 for at in failed_at if self.counts(at, now))

    def tries_left(self, failures: int) -> int:
        """Tries a key still has after `failures` counted failures (never below zero)."""
        return max(self.limit - failures, 0)

    def locked(self, failures: int) -> bool:
        """No tries left: refuse before even checking what was typed."""
        return self.tries_left(failures) == 0


@dataclass(frozen=True)
class DailyLockout:
    """At most `limit` failures in one day (midnight to midnight in `zone`); then shut until midnight."""

    limit: int
    zone: tzinfo = BANGKOK

    def day(self, now: datetime) -> date:
        """The day `now` falls on, where the fund is."""
        return now.astimezone(self.zone).date()

    def day_bounds(self, now: datetime) -> tuple[datetime, datetime]:
        """[start, end) of the day `now` falls on: the failures the database counts."""
        start = datetime.combine(self.day(now), time(0), tzinfo=self.zone)
        return start, datetime.combine(self.day(now) + timedelta(days=1), time(0), tzinfo=self.zone)

    def counts(self, failed_at: datetime, now: datetime) -> bool:
        """Whether a failure at `failed_at` counts at `now`: the same day, wherever either was written."""
        start, end = self.day_bounds(now)
        return start <= failed_at < end

    def failures(self, failed_at: Iterable[datetime], now: datetime) -> int:
        """How many of these failures count at `now` (what the database query counts)."""
        return sum(1 for at in failed_at if self.counts(at, now))

    def tries_left(self, failures: int) -> int:
        """Tries still allowed today after `failures` counted failures (never below zero)."""
        return max(self.limit - failures, 0)

    def locked(self, failures: int) -> bool:
        """No tries left today: refuse everyone, before checking what was typed."""
        return self.tries_left(failures) == 0
