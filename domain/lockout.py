"""Too many failed tries lock a door for a while: verifying who you are, typing invite codes.

One rule for both: a try counts against a key (a LINE account) while it is younger than
the window; once `limit` of them count, the door stays shut until the oldest ages out.
The database counts the tries (services.identity.recent_failures); this decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


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
