"""Rules of the officers' console that need no database: link and session lifetimes, paging."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

SIGNIN_LINK_TTL = timedelta(minutes=10)  # a sign-in link from LINE or the CLI
IDLE_LIMIT = timedelta(hours=8)  # a signed-in browser left alone this long must sign in again
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def link_usable(expires_at: datetime, used_at: datetime | None, now: datetime) -> bool:
    """A sign-in link works once, before it expires."""
    return used_at is None and now < expires_at


def session_alive(last_seen_at: datetime, ended_at: datetime | None, now: datetime) -> bool:
    """A console session lives until sign-out or 8 idle hours."""
    return ended_at is None and now - last_seen_at < IDLE_LIMIT


@dataclass(frozen=True)
class Page:
    """One page of a list: which rows, and whether there are pages before and after."""

    number: int  # 1-based
    size: int
    total: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_of(requested: int | None, size: int | None, total: int) -> Page:
    """The page asked for, kept inside 1..pages; a size inside 1..MAX_PAGE_SIZE."""
    size = PAGE_SIZE if size is None else min(max(1, size), MAX_PAGE_SIZE)
    pages = max(1, -(-total // size))
    number = 1 if requested is None else min(max(1, requested), pages)
    return Page(number, size, total)


def month_ends(start: date, stop: date, most: int = 60) -> list[date]:
    """Month ends from start's month to stop (stop itself last), every k-th month so at most `most`."""
    count = (stop.year - start.year) * 12 + stop.month - start.month + 1
    step = max(1, -(-count // most))
    first = start.replace(day=1)
    ends = []
    for k in range(0, count, step):
        ends.append(first + relativedelta(months=k + 1, days=-1))
    if not ends or ends[-1] != stop:
        ends = [end for end in ends if end < stop] + [stop]
    return ends
