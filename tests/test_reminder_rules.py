"""The clock's pure rules (domain.reminders): prescription alerts go out on crossing a threshold, once."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.reminders import PRESCRIPTION_ALERTS, crossed_threshold, days_before_last_look

TODAY = date(2026, 11, 20)


def test_a_contract_first_seen_inside_a_threshold_crossed_nothing():
    """The first clock run once sent an officer alerts at 2, 14, 45, 60 and 120 days (issue 15, item 6)."""
    first_look = {days: crossed_threshold(days, days_before_last_look(days, TODAY, None))
                  for days in (2, 14, 45, 60, 120, 7, 30, 90, 180)}
    assert first_look == {2: None, 14: None, 45: None, 60: None, 120: None, 7: 7, 30: 30, 90: 90, 180: 180}


def test_days_before_the_last_look():
    assert days_before_last_look(10, TODAY, TODAY - timedelta(days=1)) == 11
    assert days_before_last_look(10, TODAY, TODAY - timedelta(days=5)) == 15
    assert days_before_last_look(10, TODAY, TODAY) == 10  # today was looked at: nothing crosses twice
    assert days_before_last_look(10, TODAY, None) == 11


def test_past_the_limit_or_unknown_is_never_an_alert():
    assert crossed_threshold(-1, 5) is None
    assert crossed_threshold(None, 5) is None
    assert crossed_threshold(7, None) is None


@given(start=st.integers(-10, 400), gaps=st.lists(st.integers(1, 40), min_size=1, max_size=40))
def test_looking_now_and_then_each_threshold_is_alerted_at_most_once_and_only_once_passed(start, gaps):
    """Days only count down between payments; the clock looks on some days and not others."""
    day, days, last_look = TODAY, start, None
    alerted: list[int] = []
    for gap in gaps:
        threshold = crossed_threshold(days, days_before_last_look(days, day, last_look))
        if threshold is not None:
            assert days <= threshold < days + (day - last_look).days if last_look else days == threshold
            alerted.append(threshold)
        last_look, day, days = day, day + timedelta(days=gap), days - gap
    assert len(alerted) == len(set(alerted))
    assert all(t in PRESCRIPTION_ALERTS for t in alerted)


@given(start=st.integers(0, 400))
def test_looked_at_every_day_each_threshold_is_alerted_on_its_own_day(start):
    day, last_look = TODAY, None
    alerted = []
    for days in range(start, -3, -1):
        threshold = crossed_threshold(days, days_before_last_look(days, day, last_look))
        if threshold is not None:
            assert days == threshold
            alerted.append(threshold)
        last_look, day = day, day + timedelta(days=1)
    assert alerted == [t for t in sorted(PRESCRIPTION_ALERTS, reverse=True) if t <= start]
