"""Legal contact hours (DOMAIN.md, "How to talk to debtors"): 08:00–20:00 on working days,
08:00–18:00 on weekends and public holidays, Bangkok time, end exclusive."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.clock import BANGKOK
from domain.contact_hours import (
    REST_DAY_END,
    WINDOW_START,
    WORKDAY_END,
    contact_day,
    contact_window,
    is_rest_day,
    may_contact,
    next_contact_time,
)

FRIDAY = date(2026, 11, 20)
SATURDAY, SUNDAY, MONDAY = date(2026, 11, 21), date(2026, 11, 22), date(2026, 11, 23)
CHAKRI = date(2026, 4, 6)  # a Monday holiday
HOLIDAYS = frozenset({CHAKRI, date(2026, 12, 10)})


def bkk(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=BANGKOK)


# --- examples -------------------------------------------------------------------------


def test_rest_days_are_weekends_and_listed_holidays():
    assert [is_rest_day(FRIDAY, HOLIDAYS), is_rest_day(SATURDAY, HOLIDAYS), is_rest_day(SUNDAY, HOLIDAYS)] == [
        False, True, True]
    assert is_rest_day(CHAKRI, HOLIDAYS) and not is_rest_day(CHAKRI, ())
    assert contact_window(FRIDAY, HOLIDAYS) == (time(8), time(20)) == (WINDOW_START, WORKDAY_END)
    assert contact_window(SATURDAY, HOLIDAYS) == (time(8), time(18)) == (WINDOW_START, REST_DAY_END)
    assert contact_window(CHAKRI, HOLIDAYS) == (time(8), time(18))


@pytest.mark.parametrize(("moment", "allowed"), [
    (bkk(FRIDAY, 19, 59, 59), True),
    (bkk(FRIDAY, 20), False),  # the end is exclusive
    (bkk(FRIDAY, 8), True),
    (bkk(FRIDAY, 7, 59, 59), False),
    (bkk(SATURDAY, 17, 59), True),
    (bkk(SATURDAY, 18), False),
    (bkk(SUNDAY, 7, 59), False),
    (bkk(CHAKRI, 17, 59), True),  # a holiday on a weekday ends at 18:00 like a weekend
    (bkk(CHAKRI, 18), False),
    (bkk(CHAKRI, 19), False),
    (bkk(MONDAY, 19), True),
])
def test_may_contact_examples(moment, allowed):
    assert may_contact(moment, HOLIDAYS) is allowed


def test_other_time_zones_are_read_on_the_bangkok_clock():
    # 12:59 UTC is 19:59 in Bangkok; 13:00 UTC is 20:00
    assert may_contact(datetime(2026, 11, 20, 12, 59, tzinfo=UTC), HOLIDAYS)
    assert not may_contact(datetime(2026, 11, 20, 13, 0, tzinfo=UTC), HOLIDAYS)
    # 00:30 UTC Saturday is 07:30 Saturday in Bangkok; 23:30 UTC Friday is 06:30 Saturday
    assert not may_contact(datetime(2026, 11, 21, 0, 30, tzinfo=UTC), HOLIDAYS)
    assert contact_day(datetime(2026, 11, 20, 23, 30, tzinfo=UTC)) == SATURDAY
    assert contact_day(datetime(2026, 11, 20, 16, 59, tzinfo=UTC)) == FRIDAY


@pytest.mark.parametrize(("moment", "expected"), [
    (bkk(FRIDAY, 21), bkk(SATURDAY, 8)),
    (bkk(FRIDAY, 20), bkk(SATURDAY, 8)),
    (bkk(SATURDAY, 18, 30), bkk(SUNDAY, 8)),
    (bkk(MONDAY, 6, 15), bkk(MONDAY, 8)),  # before 08:00: the same day
    (bkk(MONDAY, 0), bkk(MONDAY, 8)),
    (bkk(CHAKRI - timedelta(days=1), 20, 30), bkk(CHAKRI, 8)),  # the eve of a holiday: the holiday's 08:00
    (bkk(CHAKRI, 18, 30), bkk(CHAKRI + timedelta(days=1), 8)),
    (bkk(date(2026, 12, 31), 23, 59), bkk(date(2027, 1, 1), 8)),
])
def test_next_contact_time_examples(moment, expected):
    result = next_contact_time(moment, HOLIDAYS)
    assert result == expected and result.utcoffset() == timedelta(hours=7)


def test_an_allowed_moment_is_returned_as_is_in_bangkok_time():
    moment = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)  # 12:00 in Bangkok
    result = next_contact_time(moment, HOLIDAYS)
    assert result == moment and result.hour == 12 and result.utcoffset() == timedelta(hours=7)


def test_naive_datetimes_are_refused():
    naive = datetime(2026, 11, 20, 12, 0)
    for call in (lambda: may_contact(naive, HOLIDAYS), lambda: next_contact_time(naive, HOLIDAYS),
                 lambda: contact_day(naive)):
        with pytest.raises(ValueError, match="naive"):
            call()


# --- properties -----------------------------------------------------------------------

ZONES = [BANGKOK, UTC, ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York"),
         timezone(timedelta(hours=-9, minutes=-30)), timezone(timedelta(hours=13))]
moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31, 23, 59, 59),
                       timezones=st.sampled_from(ZONES), allow_imaginary=False)


@st.composite
def holiday_sets(draw, around: date):  # type: ignore[no-untyped-def]
    """Random holidays anywhere in 2025–2027, plus some in the days right after `around`."""
    anywhere = draw(st.frozensets(st.dates(date(2025, 1, 1), date(2027, 12, 31)), max_size=20))
    near = draw(st.frozensets(st.integers(-1, 4), max_size=5))
    return anywhere | {around + timedelta(days=k) for k in near}


def bangkok_allowed(moment: datetime, holidays: frozenset[date]) -> bool:
    """The rule written out independently of the module, as an oracle."""
    local = moment.astimezone(BANGKOK)
    rest = local.weekday() >= 5 or local.date() in holidays
    return 8 <= local.hour < (18 if rest else 20)


@settings(max_examples=300)
@given(data=st.data(), moment=moments)
def test_next_contact_time_is_the_earliest_allowed_moment(data, moment):
    holidays = data.draw(holiday_sets(contact_day(moment)))
    result = next_contact_time(moment, holidays)
    assert may_contact(moment, holidays) == bangkok_allowed(moment, holidays)
    assert result >= moment
    assert may_contact(result, holidays) and bangkok_allowed(result, holidays)
    assert result.utcoffset() == timedelta(hours=7)
    if may_contact(moment, holidays):
        # compared in UTC: Python never finds an ambiguous local time (a DST fold) == another zone's
        assert result.astimezone(UTC) == moment.astimezone(UTC)
    else:
        assert result.astimezone(BANGKOK).time() == WINDOW_START
        # nothing allowed in between: the instant just before was not allowed either
        assert result - moment <= timedelta(hours=14)  # 18:00 on a rest day to 08:00 next morning
        assert not may_contact(result - timedelta(microseconds=1), holidays)
    assert next_contact_time(result, holidays) == result  # idempotent
    assert contact_day(moment) == moment.astimezone(BANGKOK).date()


@settings(max_examples=60)
@given(data=st.data(), moment=moments)
def test_no_allowed_minute_is_skipped(data, moment):
    holidays = data.draw(holiday_sets(contact_day(moment)))
    result = next_contact_time(moment, holidays)
    step = moment
    while step < result:  # at most 14 hours, minute by minute
        assert not bangkok_allowed(step, holidays)
        step += timedelta(minutes=1)


@given(day=st.dates(date(2025, 1, 1), date(2027, 12, 31)), holidays=st.frozensets(
    st.dates(date(2025, 1, 1), date(2027, 12, 31)), max_size=30))
def test_windows_are_the_two_legal_ones(day, holidays):
    start, end = contact_window(day, holidays)
    assert start == time(8)
    assert end == (time(18) if day.weekday() >= 5 or day in holidays else time(20))
