"""Appointment rules: which sessions fit whom, slots and seats, when booking is open."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.money import CONTRACT_ENDED, IN_DEFAULT, TIME_BARRED


@dataclass(frozen=True)
class SessionView:
    """A session as a person choosing one sees it."""

    id: int
    kind: str
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime
    seats_left: int


@dataclass(frozen=True)
class BookingView:
    """A booking as its card, reminder or cancellation shows it (a slot shows its start only: no end)."""

    id: int
    kind: str
    title: str
    place: str
    map_url: str | None
    starts_at: datetime
    ends_at: datetime | None
    documents: Sequence[str]
    calendar_url: str


@dataclass(frozen=True)
class OpenSession:
    """What the booking rule needs of a session besides what people see of it."""

    view: SessionView
    status: str
    opens_at: datetime | None
    closes_at: datetime | None
    district_id: int | None
    province_id: int | None = None  # None: the register's own, offered to everyone


# The kinds of session (DOMAIN.md): court mediation, the debt clinic, the mobile unit.
SESSION_KINDS = ("court", "clinic", "mobile")

# The most seats one session may offer: a full day of a mobile unit, with room to spare.
# Every way of publishing a session (API, command line, console) goes through one check.
MAX_CAPACITY = 500
SLOT_MINUTES = (5, 24 * 60)  # a timed slot: five minutes at least, a day at most
MAX_PLACE = 300  # characters, as the table holds


def capacity_problem(capacity: int) -> str | None:
    """Why a session cannot have this many seats, or None when it can."""
    if capacity < 1:
        return "capacity must be at least 1"
    if capacity > MAX_CAPACITY:
        return f"capacity must be at most {MAX_CAPACITY} (one session; publish another for more people)"
    return None


@dataclass(frozen=True)
class SessionProblem:
    """One thing wrong with a session as published or changed.

    `field` is the form's or body's field, `reason` a key people's wording is looked up by
    (messages.console_sessions.SESSION_PROBLEMS), `detail` the same in English for the API
    and the command line, and `limit` the number the reason is about (seats, minutes), if any.
    """

    field: str
    reason: str
    detail: str
    limit: int | None = None


def session_problems(*, kind: str, starts_at: datetime, ends_at: datetime, place: str, capacity: int,
                     slot_minutes: int | None, now: datetime, highest_seat: int = 0) -> list[SessionProblem]:
    """Everything wrong with a session, for the console, the command line and the API alike (empty: fine).

    A session starts after `now` (the product's clock), ends after it starts, is somewhere,
    has 1..MAX_CAPACITY seats, and slots of SLOT_MINUTES that fit between start and end, at
    least one per seat. A session already booked (`highest_seat`: the highest seat held) keeps
    a seat for everyone: it may not shrink below that seat.
    """
    found: list[SessionProblem] = []
    if kind not in SESSION_KINDS:
        found.append(SessionProblem("kind", "kind", f"kind must be one of {', '.join(SESSION_KINDS)}, got {kind!r}"))
    if not place.strip():
        found.append(SessionProblem("place", "place", "a session needs a place"))
    elif len(place.strip()) > MAX_PLACE:
        found.append(SessionProblem("place", "place_long", f"the place is at most {MAX_PLACE} characters",
                                    MAX_PLACE))
    if starts_at <= now:
        found.append(SessionProblem("start", "past", "the start is in the past: a session starts later than now"))
    if ends_at <= starts_at:
        found.append(SessionProblem("end", "end", "the end must be after the start"))
    slots_ok = slot_minutes is None or SLOT_MINUTES[0] <= slot_minutes <= SLOT_MINUTES[1]
    if not slots_ok:
        found.append(SessionProblem("slot_minutes", "slot",
                                    f"slots are {SLOT_MINUTES[0]} to {SLOT_MINUTES[1]} minutes long"))
    problem = capacity_problem(capacity)
    if problem is not None:
        found.append(SessionProblem("capacity", "capacity", problem, MAX_CAPACITY))
    elif capacity < highest_seat:
        found.append(SessionProblem("capacity", "below_booked",
                                    f"seat {highest_seat} is booked: the session keeps at least {highest_seat} seats",
                                    highest_seat))
    elif slot_minutes is not None and slots_ok and ends_at > starts_at:
        fits = int((ends_at - starts_at) / timedelta(minutes=slot_minutes))
        if fits < 1:
            found.append(SessionProblem("slot_minutes", "slot_fit", "no slot fits between the start and the end"))
        elif capacity > fits:
            found.append(SessionProblem("capacity", "slots", f"only {fits} slots of {slot_minutes} minutes fit "
                                        f"between the start and the end: at most {fits} seats", fits))
    return found


def changed_times(starts_at: datetime, ends_at: datetime, start: datetime | None,
                  end: datetime | None) -> tuple[datetime, datetime]:
    """A session's new start and end when a change names only some of them: a new start alone
    moves the whole session (its length kept); a new end alone keeps the start."""
    new_start = start if start is not None else starts_at
    if end is not None:
        return new_start, end
    return new_start, new_start + (ends_at - starts_at)


def seat_count(starts_at: datetime, ends_at: datetime, slot_minutes: int | None, capacity: int) -> int:
    """How many seats a session has, by arithmetic (no list of seats is built to count them)."""
    capacity = min(capacity, MAX_CAPACITY)
    if not slot_minutes:
        return max(capacity, 0)
    fits = int((ends_at - starts_at) / timedelta(minutes=slot_minutes))
    return max(min(capacity, fits), 0)


def seat_start_at(starts_at: datetime, slot_minutes: int | None, seat: int) -> datetime:
    """When seat `seat` (1-based) starts: its slot, or the session's start when it has no slots."""
    if not slot_minutes:
        return starts_at
    return starts_at + timedelta(minutes=slot_minutes) * (seat - 1)


def seat_starts(starts_at: datetime, ends_at: datetime, slot_minutes: int | None, capacity: int) -> list[datetime]:
    """When each seat's appointment starts: seat k is slot k, or the whole block for every seat.

    A session stored before capacities were bounded still gets at most MAX_CAPACITY seats.
    """
    capacity = min(capacity, MAX_CAPACITY)
    if not slot_minutes:
        return [starts_at] * capacity
    slots: list[datetime] = []
    moment, step = starts_at, timedelta(minutes=slot_minutes)
    while moment + step <= ends_at and len(slots) < capacity:
        slots.append(moment)
        moment += step
    return slots


def seat_to_take(wanted: int | None, free: Iterable[int]) -> int | None:
    """The seat to book at confirm time, or None when the session is full.

    The seat asked for when it is still free. Taken meanwhile (someone confirmed a moment
    before), the next free seat after it, which in a slotted session is the next free time;
    when none is later, the nearest free one before it. No seat asked for: the first free.
    Seats are numbered in time order (seat k is slot k), so "next" is "later".
    """
    seats = sorted(set(free))
    if not seats:
        return None
    if wanted is None or wanted in seats:
        return seats[0] if wanted is None else wanted
    later = [k for k in seats if k > wanted]
    return later[0] if later else seats[-1]


def court_allowed(debtor_classes: set[int]) -> bool:
    """Court mediation is for a contract in default or ended (DOMAIN.md): classes 1–3."""
    return bool(debtor_classes & {TIME_BARRED, CONTRACT_ENDED, IN_DEFAULT})


def bookable(status: str, starts_at: datetime, opens_at: datetime | None, closes_at: datetime | None,
             now: datetime) -> bool:
    """Open, not started, and inside its booking window."""
    return (status == "open" and starts_at > now and (opens_at is None or opens_at <= now)
            and (closes_at is None or now <= closes_at))



def sessions_to_offer(sessions: Iterable[OpenSession], now: datetime, *, debtor_classes: set[int],
                      home_districts: set[int], held: Iterable[tuple[int, str]],
                      moving: tuple[int, str] | None = None, asked: str | None = None,
                      home_provinces: AbstractSet[int] = frozenset()) -> list[SessionView]:
    """Sessions a person may book now, in the order offered.

    A session of a province only to people with a contract there (`home_provinces`), a session
    of no province to everyone. Court only when one of their contracts is in default or ended; never a kind they already
    hold (`held`: their active bookings as (id, kind)), except the booking being moved, which
    only moves within its kind (`moving`: (id, kind)); full sessions left out. The kind the
    person asked for (`asked`: after asking for mediation, "court") comes first; then mobile
    units in their districts (`home_districts`); then by start. `sessions` come ordered by start.
    """
    have = {kind for booking_id, kind in held if moving is None or booking_id != moving[0]}
    offered = []
    for session in sessions:
        view = session.view
        if session.province_id is not None and session.province_id not in home_provinces:
            continue
        if not bookable(session.status, view.starts_at, session.opens_at, session.closes_at, now):
            continue
        if view.kind in have or (moving is not None and view.kind != moving[1]):
            continue
        if view.kind == "court" and not court_allowed(debtor_classes):
            continue
        if view.seats_left > 0:
            near = view.kind == "mobile" and session.district_id in home_districts
            offered.append(((view.kind != asked, not near), view))
    return [view for _, view in sorted(offered, key=lambda pair: (pair[0], pair[1].starts_at))]


# The province's "finished within two days" route for court mediation (DOMAIN.md).
COURT_CHECKLIST = (
    "day1_date_venue_fixed",
    "day1_civil_record_pulled",
    "day1_request_form_printed",
    "day1_evidence_ready",
    "day2_mediated",
    "day2_settlement_recorded",
    "day2_outcome",
)
ATTENDANCE = ("attended", "no_show")
OUTCOMES = ("settled", "no_agreement", "did_not_come")
