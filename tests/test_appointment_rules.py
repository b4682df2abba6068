"""Which sessions a person is offered: the pure rule behind `นัดหมาย` (domain.appointments)."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.appointments import (
    MAX_CAPACITY,
    OpenSession,
    SessionView,
    capacity_problem,
    seat_count,
    seat_start_at,
    seat_starts,
    seat_to_take,
    sessions_to_offer,
)
from domain.clock import BANGKOK
from domain.money import CONTRACT_ENDED, IN_DEFAULT, NORMAL

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=BANGKOK)
HOME = 7


def open_session(id_: int, kind: str, *, days: int = 1, seats: int = 5, district: int | None = None,
                 opens: datetime | None = None, closes: datetime | None = None, status: str = "open",
                 province: int | None = None) -> OpenSession:
    starts = NOW + timedelta(days=days)
    return OpenSession(SessionView(id_, kind, f"{kind} {id_}", "ที่ไหนสักแห่ง", starts, starts + timedelta(hours=2),
                                   seats), status, opens, closes, district, province)


def offer(sessions: list[OpenSession], *, classes: set[int] | None = None, held: list[tuple[int, str]] | None = None,
          moving: tuple[int, str] | None = None) -> list[int]:
    return [v.id for v in sessions_to_offer(sessions, NOW, debtor_classes={IN_DEFAULT} if classes is None else classes,
                                            home_districts={HOME}, held=held or [], moving=moving)]


def test_court_only_for_a_contract_in_default_or_ended():
    sessions = [open_session(1, "court"), open_session(2, "clinic", days=2)]
    assert offer(sessions, classes={IN_DEFAULT}) == [1, 2]
    assert offer(sessions, classes={CONTRACT_ENDED}) == [1, 2]
    assert offer(sessions, classes={NORMAL}) == [2]
    assert offer(sessions, classes=set()) == [2]


def test_mobile_units_of_their_district_come_first_then_by_start():
    sessions = [open_session(1, "clinic", days=1), open_session(2, "mobile", days=2, district=99),
                open_session(3, "mobile", days=3, district=HOME), open_session(4, "court", days=4)]
    assert offer(sessions) == [3, 1, 2, 4]


def test_full_closed_cancelled_and_outside_the_window_are_not_offered():
    sessions = [open_session(1, "clinic", seats=0), open_session(2, "clinic", status="cancelled"),
                open_session(3, "clinic", opens=NOW + timedelta(minutes=1)),
                open_session(4, "clinic", closes=NOW - timedelta(minutes=1)),
                open_session(5, "clinic", days=0), open_session(6, "clinic", opens=NOW, closes=NOW)]
    assert offer(sessions) == [6]


def test_a_kind_already_held_is_not_offered_unless_moving_that_booking_within_its_kind():
    sessions = [open_session(1, "clinic"), open_session(2, "mobile", days=2), open_session(3, "court", days=3)]
    assert offer(sessions, held=[(10, "clinic")]) == [2, 3]
    assert offer(sessions, held=[(10, "clinic"), (11, "mobile")], moving=(10, "clinic")) == [1]
    assert offer(sessions, held=[(10, "clinic"), (11, "mobile")], moving=(11, "mobile")) == [2]


kinds = st.sampled_from(["court", "clinic", "mobile"])
sessions_st = st.lists(st.builds(
    lambda i, kind, days, seats, district: open_session(i, kind, days=days, seats=seats, district=district),
    st.integers(1, 10_000), kinds, st.integers(-1, 30), st.integers(0, 3), st.sampled_from([None, HOME, 99])),
    max_size=12, unique_by=lambda s: s.view.id).map(lambda found: sorted(found, key=lambda s: s.view.starts_at))


@given(sessions_st, st.sets(st.sampled_from([NORMAL, IN_DEFAULT, CONTRACT_ENDED])), st.sets(kinds))
def test_offers_are_bookable_new_kinds_with_near_mobile_units_first(sessions, classes, held_kinds):
    held = [(1000 + n, kind) for n, kind in enumerate(sorted(held_kinds))]
    offered = sessions_to_offer(sessions, NOW, debtor_classes=classes, home_districts={HOME}, held=held)
    by_id = {s.view.id: s for s in sessions}
    court_ok = bool(classes & {IN_DEFAULT, CONTRACT_ENDED})
    may_book = {s.view.id for s in sessions if s.view.seats_left > 0 and s.view.starts_at > NOW
                and s.view.kind not in held_kinds and (s.view.kind != "court" or court_ok)}
    assert sorted(v.id for v in offered) == sorted(may_book)
    near = [by_id[v.id].district_id == HOME and v.kind == "mobile" for v in offered]
    assert near == sorted(near, reverse=True)
    assert [v.starts_at for v, n in zip(offered, near, strict=True) if n] == sorted(
        v.starts_at for v, n in zip(offered, near, strict=True) if n)
    assert [v.starts_at for v, n in zip(offered, near, strict=True) if not n] == sorted(
        v.starts_at for v, n in zip(offered, near, strict=True) if not n)


@given(st.integers(min_value=-10, max_value=10_000_000))
def test_capacity_is_bounded_and_seat_lists_stay_small(capacity: int) -> None:
    """Any capacity is either refused with a reason or within bounds; seats never outgrow the bound."""
    problem = capacity_problem(capacity)
    assert (problem is None) == (1 <= capacity <= MAX_CAPACITY)
    start = datetime(2026, 12, 5, 9, tzinfo=BANGKOK)
    assert len(seat_starts(start, start + timedelta(hours=3), None, capacity)) == max(0, min(capacity, MAX_CAPACITY))


def test_the_kind_asked_for_comes_first():
    """Asking for mediation once listed the court session third (issue 15, item 6)."""
    sessions = [open_session(1, "clinic", days=1), open_session(2, "mobile", days=2, district=HOME),
                open_session(3, "court", days=3), open_session(4, "court", days=4)]
    assert offer(sessions) == [2, 1, 3, 4]
    assert [v.id for v in sessions_to_offer(sessions, NOW, debtor_classes={IN_DEFAULT}, home_districts={HOME},
                                            held=[], asked="court")] == [3, 4, 2, 1]


@given(sessions_st, kinds)
def test_sessions_of_the_kind_asked_for_lead_and_the_rest_keep_their_order(sessions, asked):
    plain = sessions_to_offer(sessions, NOW, debtor_classes={IN_DEFAULT}, home_districts={HOME}, held=[])
    ordered = sessions_to_offer(sessions, NOW, debtor_classes={IN_DEFAULT}, home_districts={HOME}, held=[],
                                asked=asked)
    first = [v for v in ordered if v.kind == asked]
    assert ordered == first + [v for v in plain if v.kind != asked]
    assert sorted(v.id for v in ordered) == sorted(v.id for v in plain)


# --- the seat booked at confirm time ------------------------------------------------------


def test_a_slot_taken_meanwhile_books_the_next_free_one():
    assert seat_to_take(1, [2, 3, 4]) == 2  # 40 people confirming slot 1: the second gets slot 2
    assert seat_to_take(3, [1, 2, 5, 7]) == 5  # later first: they chose a time they can make
    assert seat_to_take(7, [1, 2, 5]) == 5  # none later: the nearest before it
    assert seat_to_take(3, [3, 4]) == 3
    assert seat_to_take(None, [4, 2, 9]) == 2
    assert seat_to_take(1, []) is None and seat_to_take(None, []) is None


seat_numbers = st.integers(min_value=1, max_value=MAX_CAPACITY)


@given(st.none() | seat_numbers, st.sets(seat_numbers, max_size=60))
def test_full_only_when_no_seat_is_free_and_never_a_taken_seat(wanted, free):
    chosen = seat_to_take(wanted, free)
    assert (chosen is None) == (not free)  # "full" exactly when nothing is free
    if chosen is None:
        return
    assert chosen in free
    if wanted is None:
        assert chosen == min(free)
    elif wanted in free:
        assert chosen == wanted
    elif any(k > wanted for k in free):
        assert chosen == min(k for k in free if k > wanted)  # the next free time after the one chosen
    else:
        assert chosen == max(free)  # nothing later: the latest before it, nearest the one chosen


@given(st.lists(seat_numbers, min_size=1, max_size=40), st.integers(min_value=1, max_value=40))
def test_people_confirming_one_after_another_fill_every_seat_before_anyone_hears_full(wanted, capacity):
    """However the confirmations fall, a seat is refused only once all `capacity` are taken."""
    free = set(range(1, capacity + 1))
    for asked in wanted:
        chosen = seat_to_take(min(asked, capacity), free)
        if chosen is None:
            assert not free
        else:
            free.remove(chosen)
    assert len(free) == max(capacity - len(wanted), 0)


@given(st.integers(min_value=0, max_value=24 * 60), st.one_of(st.none(), st.integers(min_value=5, max_value=180)),
       st.integers(min_value=-5, max_value=MAX_CAPACITY + 50))
def test_seats_are_counted_and_placed_by_arithmetic_as_the_list_would_have_them(minutes, slot, capacity):
    """A session's seats are counted and timed without building a list of them (issue 16, item 2)."""
    start = datetime(2026, 12, 3, 9, 0, tzinfo=BANGKOK)
    end = start + timedelta(minutes=minutes)
    listed = seat_starts(start, end, slot, capacity)
    assert seat_count(start, end, slot, capacity) == len(listed)
    assert [seat_start_at(start, slot, k) for k in range(1, len(listed) + 1)] == listed


@given(st.lists(st.builds(lambda i, kind, days, province: open_session(i, kind, days=days, province=province),
                          st.integers(1, 10_000), kinds, st.integers(1, 30), st.sampled_from([None, 1, 2, 3])),
                max_size=12, unique_by=lambda s: s.view.id).map(lambda found: sorted(found,
                                                                                    key=lambda s: s.view.starts_at)),
       st.sets(st.sampled_from([1, 2, 3])), st.one_of(st.none(), kinds))
def test_a_session_of_a_province_is_offered_only_to_its_people(sessions, home, asked):
    """A register of several provinces: a session of a province goes to people with a contract there,
    one of no province to everyone; whoever may book it is offered it, in the same order as before."""
    by_id = {s.view.id: s for s in sessions}
    offered = sessions_to_offer(sessions, NOW, debtor_classes={IN_DEFAULT}, home_districts={HOME}, held=[],
                                asked=asked, home_provinces=home)
    assert all(by_id[v.id].province_id in home | {None} for v in offered)
    everywhere = sessions_to_offer(sessions, NOW, debtor_classes={IN_DEFAULT}, home_districts={HOME}, held=[],
                                   asked=asked, home_provinces={1, 2, 3})
    assert offered == [v for v in everywhere if by_id[v.id].province_id in home | {None}]


def test_a_person_on_no_province_s_contract_is_offered_only_the_register_s_own_sessions():
    sessions = [open_session(1, "clinic", province=1), open_session(2, "clinic", days=2),
                open_session(3, "mobile", days=3, province=2)]
    assert [v.id for v in sessions_to_offer(sessions, NOW, debtor_classes={IN_DEFAULT}, home_districts=set(),
                                            held=[])] == [2]
    assert [v.id for v in sessions_to_offer(sessions, NOW, debtor_classes={IN_DEFAULT}, home_districts=set(),
                                            held=[], home_provinces={2})] == [2, 3]
