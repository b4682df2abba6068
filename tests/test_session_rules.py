"""One rule set for a session, however it is published or changed (domain.appointments.session_problems)."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.appointments import MAX_CAPACITY, SLOT_MINUTES, seat_starts, session_problems
from domain.clock import BANGKOK

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=BANGKOK)
START = NOW + timedelta(days=3)


def reasons(**changed: object) -> list[str]:
    plan: dict[str, object] = {"kind": "court", "starts_at": START, "ends_at": START + timedelta(hours=3),
                               "place": "ศาลแขวงภูเก็ต", "capacity": 9, "slot_minutes": 20, "now": NOW}
    return [p.reason for p in session_problems(**{**plan, **changed})]  # type: ignore[arg-type]


def test_a_good_session_has_no_problem():
    assert reasons() == []
    assert reasons(slot_minutes=None, capacity=MAX_CAPACITY) == []


def test_each_rule_says_its_own_reason():
    assert reasons(kind="party") == ["kind"]
    assert reasons(place="  ") == ["place"]
    assert reasons(starts_at=NOW, ends_at=NOW + timedelta(hours=3)) == ["past"]
    assert reasons(ends_at=START) == ["end"]
    assert reasons(capacity=0) == ["capacity"]
    assert reasons(capacity=MAX_CAPACITY + 1) == ["capacity"]
    assert reasons(slot_minutes=4) == ["slot"]
    assert reasons(slot_minutes=SLOT_MINUTES[1] + 1) == ["slot"]
    assert reasons(capacity=10) == ["slots"]  # nine 20-minute slots in three hours
    assert reasons(slot_minutes=240, capacity=1) == ["slot_fit"]
    assert reasons(capacity=5, highest_seat=7) == ["below_booked"]
    assert reasons(capacity=7, highest_seat=7) == []
    assert reasons(kind="x", place="", capacity=0) == ["kind", "place", "capacity"]  # every problem at once


@given(minutes_from_now=st.integers(-10_000, 10_000), hours=st.integers(-5, 30), capacity=st.integers(-5, 2_000),
       slot=st.one_of(st.none(), st.integers(-10, 2_000)))
def test_a_session_without_problems_gives_every_seat_a_time_in_the_future(minutes_from_now, hours, capacity, slot):
    starts = NOW + timedelta(minutes=minutes_from_now)
    ends = starts + timedelta(hours=hours)
    found = session_problems(kind="clinic", starts_at=starts, ends_at=ends, place="สำนักงาน", capacity=capacity,
                             slot_minutes=slot, now=NOW)
    if not found:
        seats = seat_starts(starts, ends, slot, capacity)
        assert len(seats) == capacity and 1 <= capacity <= MAX_CAPACITY
        assert all(NOW < s < ends for s in seats)
