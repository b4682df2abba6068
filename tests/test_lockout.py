"""The lockout after failed tries (domain.lockout), shared by verification and invite codes.

Verification: 5 failures in 24 hours (VERIFY_MAX_FAILURES); invite codes: 3 wrong in an
hour. A failure counts while it is strictly younger than the window.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from domain.clock import BANGKOK
from domain.invites import LOCKOUT as INVITE_LOCKOUT
from domain.lockout import Lockout
from models import RoleCodeAttempt, VerificationAttempt
from services.identity import recent_failures

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=BANGKOK)
TICK = timedelta(microseconds=1)  # the finest step a stored instant keeps

limits = st.integers(min_value=1, max_value=20)
windows = st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=30))
instants = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC))
lockouts = st.builds(Lockout, limits, windows)


# --- examples -------------------------------------------------------------------------


def test_verification_allows_five_failures_a_day():
    lockout = Lockout(5, timedelta(hours=24))
    assert [lockout.tries_left(n) for n in range(7)] == [5, 4, 3, 2, 1, 0, 0]
    assert [lockout.locked(n) for n in range(7)] == [False] * 5 + [True] * 2


def test_invite_codes_allow_three_wrong_an_hour():
    assert (INVITE_LOCKOUT.limit, INVITE_LOCKOUT.window) == (3, timedelta(hours=1))
    assert not INVITE_LOCKOUT.counts(NOW - timedelta(hours=1), NOW)
    assert INVITE_LOCKOUT.counts(NOW - timedelta(minutes=59, seconds=59), NOW)


# --- properties at the edges ----------------------------------------------------------


@given(lockouts, instants)
def test_a_failure_exactly_a_window_old_no_longer_counts(lockout, now):
    assert not lockout.counts(now - lockout.window, now)
    assert lockout.counts(now - lockout.window + TICK, now)
    assert lockout.counts(now, now)


@given(lockouts, instants, st.lists(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60))))
def test_failures_counts_those_younger_than_the_window(lockout, now, ages):
    assert lockout.failures([now - age for age in ages], now) == sum(1 for age in ages if age < lockout.window)


@given(lockouts, st.integers(min_value=0, max_value=50))
def test_tries_left_and_failures_add_up_to_the_limit_until_locked(lockout, failures):
    left = lockout.tries_left(failures)
    assert left >= 0
    assert lockout.locked(failures) == (failures >= lockout.limit) == (left == 0)
    if not lockout.locked(failures):
        assert left + failures == lockout.limit
    assert lockout.tries_left(failures + 1) == max(left - 1, 0)  # each failure costs one try, never more


@given(lockouts, instants, st.data())
def test_exactly_limit_tries_then_locked_until_the_oldest_ages_out(lockout, start, data):
    """Failing again and again: `limit` tries go through, then the door stays shut for a window."""
    gaps = data.draw(st.lists(st.timedeltas(min_value=timedelta(0), max_value=lockout.window / (2 * lockout.limit)),
                              min_size=lockout.limit, max_size=lockout.limit))
    failed: list[datetime] = []
    now = start
    for gap in gaps:
        now += gap
        assert not lockout.locked(lockout.failures(failed, now))
        failed.append(now)
    assert lockout.locked(lockout.failures(failed, now))
    oldest = failed[0]
    assert lockout.locked(lockout.failures(failed, oldest + lockout.window - TICK))
    reopened = oldest + lockout.window
    assert not lockout.locked(lockout.failures(failed, reopened))
    assert lockout.tries_left(lockout.failures(failed, reopened)) == sum(1 for at in failed if at == oldest)


# --- the database counts what the rule counts -------------------------------------------


@pytest.mark.parametrize("kind", ["verification", "invite_code"])
def test_the_query_counts_exactly_the_failures_the_rule_counts(db, kind):
    lockout = Lockout(5, timedelta(hours=24))
    ages = [lockout.window + TICK, lockout.window, lockout.window - TICK, timedelta(hours=1), timedelta(0)]
    with Session(db) as session:
        for age in ages:
            at = NOW - age
            if kind == "verification":
                session.add(VerificationAttempt(line_user_id="U-me", attempted_at=at, succeeded=False))
                session.add(VerificationAttempt(line_user_id="U-me", attempted_at=at, succeeded=True))
            else:
                session.add(RoleCodeAttempt(line_user_id="U-me", attempted_at=at))
            session.add(VerificationAttempt(line_user_id="U-other", attempted_at=at, succeeded=False))
            session.add(RoleCodeAttempt(line_user_id="U-other", attempted_at=at))
        session.flush()
        expected = lockout.failures([NOW - age for age in ages], NOW)
        assert expected == 3
        assert recent_failures(session, kind, "U-me", lockout, NOW) == expected
        assert recent_failures(session, kind, "U-nobody", lockout, NOW) == 0
        session.rollback()
