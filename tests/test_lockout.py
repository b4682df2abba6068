"""The lockout after failed tries (domain.lockout), shared by verification and invite codes.

Per LINE account: verification 5 failures in 24 hours (VERIFY_MAX_FAILURES); invite codes
3 wrong in an hour. A failure counts while it is strictly younger than the window.
Per person being verified, across accounts (VERIFY_MAX_FAILURES_PER_PERSON): a failure
counts for the rest of its Asia/Bangkok day, wherever the instant was written.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from domain.clock import BANGKOK
from domain.identity import national_id_key
from domain.invites import LOCKOUT as INVITE_LOCKOUT
from domain.lockout import DailyLockout, Lockout
from models import RoleCodeAttempt, VerificationAttempt
from services.identity import recent_failures, subject_failures

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=BANGKOK)
TICK = timedelta(microseconds=1)  # the finest step a stored instant keeps

limits = st.integers(min_value=1, max_value=20)
windows = st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=30))
instants = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC))
lockouts = st.builds(Lockout, limits, windows)
daily = st.builds(DailyLockout, limits)
# instants written in any zone the code might meet (stored UTC, Bangkok, and odd offsets)
zones = st.sampled_from([UTC, BANGKOK, ZoneInfo("America/Los_Angeles"), timezone(timedelta(hours=14)),
                         timezone(timedelta(hours=-12))])
anywhere = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=zones)


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


# --- per person, across accounts: a Bangkok day ---------------------------------------------


def test_the_day_is_bangkoks_not_utcs():
    lockout = DailyLockout(10)
    late = datetime(2026, 11, 20, 16, 59, 59, 999999, tzinfo=UTC)  # 23:59:59.999999 in Bangkok
    midnight = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)  # 00:00 on 21 Nov in Bangkok
    assert lockout.day(late).isoformat() == "2026-11-20" and lockout.day(midnight).isoformat() == "2026-11-21"
    assert lockout.counts(datetime(2026, 11, 19, 17, 0, tzinfo=UTC), late)  # 00:00 the same Bangkok day
    assert not lockout.counts(late, midnight)
    assert lockout.counts(midnight, midnight + timedelta(hours=23, minutes=59))
    assert [lockout.tries_left(n) for n in (0, 9, 10, 11)] == [10, 1, 0, 0]


@given(daily, anywhere, anywhere)
def test_a_failure_counts_exactly_on_its_own_bangkok_day(lockout, failed_at, now):
    same_day = failed_at.astimezone(BANGKOK).date() == now.astimezone(BANGKOK).date()
    assert lockout.counts(failed_at, now) == same_day
    start, end = lockout.day_bounds(now)
    assert start <= now < end and end - start == timedelta(days=1)
    assert start.astimezone(BANGKOK).time().isoformat() == "00:00:00"


@given(daily, anywhere)
def test_the_days_edges(lockout, now):
    start, end = lockout.day_bounds(now)
    assert lockout.counts(start, now) and lockout.counts(end - TICK, now)
    assert not lockout.counts(start - TICK, now) and not lockout.counts(end, now)
    assert lockout.counts(now, end - TICK) and not lockout.counts(now, end)  # midnight lifts it


@given(daily, anywhere, st.data())
def test_limit_failures_in_a_day_lock_until_midnight_however_late_they_came(lockout, start, data):
    # in UTC, so that adding a timedelta is elapsed time: Python adds wall-clock time within one
    # zone, and a start in a zone that turns its clocks back would land an hour off
    start = start.astimezone(UTC)
    _, midnight = lockout.day_bounds(start)
    room = midnight - start
    offsets = sorted(data.draw(st.lists(st.timedeltas(min_value=timedelta(0), max_value=room - TICK),
                                        min_size=lockout.limit, max_size=lockout.limit)))
    failed: list[datetime] = []
    for offset in offsets:
        assert not lockout.locked(lockout.failures(failed, start + offset))
        failed.append(start + offset)
    assert lockout.locked(lockout.failures(failed, failed[-1]))
    assert lockout.locked(lockout.failures(failed, midnight - TICK))
    assert lockout.tries_left(lockout.failures(failed, midnight)) == lockout.limit  # a new day, every try back


@given(daily, st.integers(min_value=0, max_value=50))
def test_daily_tries_left_and_failures_add_up_to_the_limit_until_locked(lockout, failures):
    left = lockout.tries_left(failures)
    assert left >= 0 and lockout.locked(failures) == (failures >= lockout.limit) == (left == 0)
    if not lockout.locked(failures):
        assert left + failures == lockout.limit


def test_an_id_is_counted_by_a_keyed_digest_never_by_itself():
    key = national_id_key("3830100622191", "secret")
    assert key == national_id_key("3830100622191", "secret") and len(key) == 40
    assert "3830100622191" not in key
    assert key != national_id_key("3830100622191", "another secret")
    assert key != national_id_key("3830100622205", "secret")


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


def test_the_query_counts_a_persons_failures_of_the_bangkok_day_from_every_account(db):
    lockout = DailyLockout(10)
    start, end = lockout.day_bounds(NOW)
    instants = [start - TICK, start, NOW, end - TICK, end]
    with Session(db) as session:
        for n, at in enumerate(instants):
            for subject, succeeded in (("me", False), ("me", True), ("other", False)):
                session.add(VerificationAttempt(line_user_id=f"U-{n % 3}", subject=subject, attempted_at=at,
                                                succeeded=succeeded))
        session.add(VerificationAttempt(line_user_id="U-old", subject=None, attempted_at=NOW, succeeded=False))
        session.flush()
        expected = lockout.failures(instants, NOW)
        assert expected == 3
        tries = subject_failures(session, "me", lockout, NOW)
        assert (tries.failures, tries.accounts) == (expected, 3)  # U-1, U-2, U-0 (n = 1, 2, 3)
        assert subject_failures(session, "nobody", lockout, NOW).failures == 0
        session.rollback()
