"""Pure rules of the console: link and session lifetimes, paging, the months a project's chart shows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.console import IDLE_LIMIT, SIGNIN_LINK_TTL, link_usable, month_ends, page_of, session_alive

T0 = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


def test_a_link_works_once_and_only_before_it_expires():
    expires = T0 + SIGNIN_LINK_TTL
    assert link_usable(expires, None, T0)
    assert not link_usable(expires, None, expires)
    assert not link_usable(expires, T0, T0 + timedelta(minutes=1))


def test_a_session_lives_until_eight_idle_hours_or_sign_out():
    assert session_alive(T0, None, T0 + IDLE_LIMIT - timedelta(seconds=1))
    assert not session_alive(T0, None, T0 + IDLE_LIMIT)
    assert not session_alive(T0, T0, T0)


@given(st.one_of(st.none(), st.integers(-10**6, 10**6)), st.one_of(st.none(), st.integers(-10**6, 10**6)),
       st.integers(0, 10**7))
def test_a_page_is_always_inside_the_list(requested, size, total):
    page = page_of(requested, size, total)
    assert 1 <= page.size <= 200 and 1 <= page.number <= page.pages
    assert page.offset < max(total, 1) and (page.offset + page.size >= total) == (not page.has_next)


@given(st.dates(date(1990, 1, 1), date(2040, 12, 31)), st.integers(0, 20 * 366), st.integers(1, 120))
def test_month_ends_cover_the_span_within_the_limit(start, days, most):
    stop = start + timedelta(days=days)
    ends = month_ends(start, stop, most)
    assert ends[-1] == stop and ends == sorted(set(ends)) and all(start <= end <= stop for end in ends)
    assert len(ends) <= most + 1
