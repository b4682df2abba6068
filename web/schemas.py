"""What the JSON API accepts: one pydantic model per request body and per set of query parameters.

`web/openapi.py` publishes these as the API's OpenAPI document, so what is declared is what is
checked, and `web/api.py` reads every body and query through them (`body_of`, `query_of`); a
mismatch is a 400 that names each field and what is wrong with it, never a 500.

Bodies forbid fields they do not know. INTERFACES.md names no body field (it says a body that
does not match the published document gets 400), the only callers are officers' tools using the
admin token, and a misspelt optional field (`contract_statuss`, `start_measures`) dropped in
silence would lose an officer's decision without anyone seeing it. Query parameters ignore what
they do not know: browsers, proxies and caches add their own (`_=1700000000`), and a GET changes
nothing.

Types are strict (no `"30"` for 30, no `1` for true): the product's own dates, counts and
choices are the only coercions, spelled out below. Dates are C.E. `YYYY-MM-DD` as in
INTERFACES.md; Thai digits are read as 0–9 in dates and counts, as everywhere people type them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from domain.appointments import (
    ATTENDANCE,
    COURT_CHECKLIST,
    MAX_CAPACITY,
    OUTCOMES,
    SLOT_MINUTES,
    capacity_problem,
)
from domain.clock import BANGKOK
from domain.textnorm import ANY_DIGIT, to_ascii_digits
from models.appointments import KINDS
from models.measures import APPLICATION_STATUSES
from models.register import CONTRACT_STATUSES

# A C.E. year the product can work with: a year from 2400 on is a B.E. year sent by mistake
# (the register reads those as B.E.), and date arithmetic near year 1 or 9999 overflows.
FIRST_YEAR, LAST_YEAR = 1900, 2399
MAX_COUNT_DIGITS = 9  # offset and limit: up to 999,999,999
MAX_NOTE = 4000  # a note or the terms of a settlement, in characters
MAX_DOCUMENTS = 20

_DIGIT = ANY_DIGIT
DAY_PATTERN = f"^{_DIGIT}{{4}}-{_DIGIT}{{2}}-{_DIGIT}{{2}}$"
INSTANT_PATTERN = (f"^{_DIGIT}{{4}}-{_DIGIT}{{2}}-{_DIGIT}{{2}}"
                   f"([T ]{_DIGIT}{{2}}:{_DIGIT}{{2}}(:{_DIGIT}{{2}}([.]{_DIGIT}{{1,6}})?)?"
                   f"(Z|[+-]{_DIGIT}{{2}}:{_DIGIT}{{2}})?)?$")
COUNT_PATTERN = f"^{_DIGIT}{{1,{MAX_COUNT_DIGITS}}}$"


def _shown(value: object) -> str:
    """What was sent, short enough to quote back in an error."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _problem(kind: str, message: str, value: object = None) -> PydanticCustomError:
    """A problem in our words; `{got}` in the message quotes the value sent."""
    return PydanticCustomError(kind, message, {"got": _shown(value)})


def _plain_text(value: str) -> str:
    """Text a database column can hold: PostgreSQL refuses NUL, and UTF-8 a lone surrogate."""
    if "\x00" in value:
        raise _problem("nul_character", "must not contain a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _problem("unicode", "must be valid Unicode text (no lone surrogates)") from None
    return value


PlainText = AfterValidator(_plain_text)


@dataclass(frozen=True)
class OneOf:
    """A string that is one of `choices`, published as an `enum`; the choices stay declared once
    where the product keeps them (models, domain) rather than copied into a `Literal`."""

    choices: tuple[str, ...]

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.literal_schema(list(self.choices))


def _ascii(value: object, kind: str, message: str, pattern: re.Pattern[str]) -> str:
    if not isinstance(value, str):
        raise _problem(kind, message + ", got {got}", value)
    text = to_ascii_digits(value)
    if not pattern.fullmatch(text):
        raise _problem(kind, message + ", got {got}", value)
    return text


def _year_in_range(year: int, value: object) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _problem("year", f"must be a C.E. date with a year from {FIRST_YEAR} to {LAST_YEAR} "
                               "(a B.E. year is 543 more), got {got}", value)


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INSTANT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
                      r"(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?(?:Z|[+-][0-9]{2}:[0-9]{2})?)?")
_COUNT = re.compile(f"[0-9]{{1,{MAX_COUNT_DIGITS}}}")


def parse_day(value: object) -> date:
    """`YYYY-MM-DD` (C.E., Thai digits too) to a date."""
    text = _ascii(value, "date", "must be a C.E. date YYYY-MM-DD", _DAY)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise _problem("date", "must be a date that exists, YYYY-MM-DD, got {got}", value) from None
    _year_in_range(day.year, value)
    return day


# `?since=2026-11-20T10:00+07:00` typed into a URL unencoded: the query string reads its `+` as a space
_LOST_PLUS = re.compile(r"(.+[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?) ([0-9]{2}:[0-9]{2})")


def parse_instant(value: object) -> datetime:
    """`YYYY-MM-DD` or an ISO date-time (Thai digits too); without an offset it is Asia/Bangkok. An
    offset whose `+` a URL turned into a space is read as the `+` it was."""
    if isinstance(value, str) and (lost := _LOST_PLUS.fullmatch(to_ascii_digits(value.strip()))):
        value = f"{lost.group(1)}+{lost.group(2)}"
    text = _ascii(value, "datetime", "must be YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+07:00]", _INSTANT)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _problem("datetime", "must be a date and time that exist, YYYY-MM-DDTHH:MM[:SS][+07:00], "
                                   "got {got}", value) from None
    _year_in_range(moment.year, value)
    return moment if moment.tzinfo else moment.replace(tzinfo=BANGKOK)


def parse_count(value: object) -> int:
    """A whole number ≥ 0 (Thai digits too) of at most nine digits."""
    return int(_ascii(value, "count", f"must be a whole number 0 or more (at most {MAX_COUNT_DIGITS} digits)",
                      _COUNT))


def _capacity(value: int) -> int:
    problem = capacity_problem(value)
    if problem is not None:
        raise _problem("capacity", problem)
    return value


Day = Annotated[date, BeforeValidator(parse_day), WithJsonSchema(
    {"type": "string", "pattern": DAY_PATTERN, "examples": ["2026-11-20"],
     "description": f"a C.E. date YYYY-MM-DD (years {FIRST_YEAR}–{LAST_YEAR}; Thai digits accepted)"})]
Instant = Annotated[datetime, BeforeValidator(parse_instant), WithJsonSchema(
    {"type": "string", "pattern": INSTANT_PATTERN, "examples": ["2026-12-05T09:00", "2026-12-05T09:00:00+07:00"],
     "description": "YYYY-MM-DD or an ISO date-time; without an offset it is Asia/Bangkok time"})]
Count = Annotated[int, BeforeValidator(parse_count), WithJsonSchema(
    {"type": "string", "pattern": COUNT_PATTERN, "examples": ["0", "50"],
     "description": "a whole number 0 or more (Thai digits accepted)"})]
Officer = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), PlainText]
Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), PlainText]
Note = Annotated[str, StringConstraints(max_length=MAX_NOTE), PlainText]
Place = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), PlainText]


class Body(BaseModel):
    """A request body: a JSON object with only the declared fields, of exactly the declared types."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Query(BaseModel):
    """A request's query parameters: unknown ones are ignored (see the module's docstring)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


# --- bodies -----------------------------------------------------------------------------


class NewSession(Body):
    """`POST /api/sessions`: publish an appointment session."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"kind": "court", "start": "2026-12-03T09:00", "end": "2026-12-03T12:00", "place": "Phuket District Court",
         "capacity": 9, "slot_minutes": 20, "documents": ["ID card"], "map_url": "https://maps.google.com/?q=7.88,98.39"},
    ]})

    kind: Annotated[str, OneOf(KINDS)]
    start: Instant
    end: Instant
    place: Place
    capacity: Annotated[int, AfterValidator(_capacity)] = Field(
        json_schema_extra={"minimum": 1, "maximum": MAX_CAPACITY},
        description="seats: one per person, or one per timed slot when `slot_minutes` is given")
    title: Name | None = Field(default=None, description="empty or absent: the kind's own title")
    slot_minutes: int | None = Field(default=None, ge=SLOT_MINUTES[0], le=SLOT_MINUTES[1],
                                     description="split the session into timed slots of this length")
    officer: Name | None = None
    documents: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
                              PlainText]] | None = Field(default=None, max_length=MAX_DOCUMENTS,
                                                         description="what to bring, one item each")
    map_url: Annotated[str, StringConstraints(max_length=500, pattern=r"^https?://\S+$"), PlainText] | None = None
    province: Name | None = Field(default=None, description=(
        "the province whose people book it and whose officers see it, by name; absent: the register's own "
        "session, for everyone (a register of one province)"))

    @field_validator("end")
    @classmethod
    def _after_the_start(cls, end: datetime, info: ValidationInfo) -> datetime:
        start = info.data.get("start")
        if start is not None and end <= start:
            raise _problem("end", "must be after the start")
        return end


class SessionChange(Body):
    """`POST /api/sessions/<id>`: change an open session's time, place or seats (what is absent stays).

    A new `start` without an `end` moves the whole session, its length kept. The same rules as
    publishing (domain.appointments.session_problems), and the seats never fall below the highest
    seat someone holds; everyone booked keeps their seat and is told 1:1 when the time or place moves.
    """

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"start": "2026-12-04T13:00"}, {"place": "Phuket District Court, room 2", "capacity": 12},
    ]})

    start: Instant | None = None
    end: Instant | None = None
    place: Place | None = None
    capacity: Annotated[int, AfterValidator(_capacity)] | None = Field(
        default=None, json_schema_extra={"minimum": 1, "maximum": MAX_CAPACITY},
        description="seats: one per person, or one per timed slot of a slotted session")

    @model_validator(mode="after")
    def _something_changes(self) -> SessionChange:
        if self.start is None and self.end is None and self.place is None and self.capacity is None:
            raise _problem("nothing", "say what changes: start, end, place or capacity")
        return self


class ApplicationMove(Body):
    """`POST /api/applications/<id>`: an officer moves a measure application on.

    Who takes the step is named in the `X-Officer` header (an officer's LINE user id, or their
    name), or as before in `officer`; one of the two is needed. `status` is any text here: a move
    the application's current status does not allow (an unknown status included) is a 409 that
    lists the moves it does allow; a step the named officer may not take is a 403 (README.md,
    "Measure applications").
    """

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"status": "under_review"}, {"status": "rejected", "note": "the guarantors have not all consented"},
        {"status": "under_review", "officer": "Kamonchanok"}]})

    status: Annotated[str, StringConstraints(min_length=1, max_length=20), PlainText] = Field(
        description=f"the new status: one of {', '.join(APPLICATION_STATUSES)}, as the current one allows")
    officer: Officer | None = Field(default=None, description="who takes the step, when X-Officer does not say")
    note: Note | None = Field(default=None, description="why; needed to reject. Absent or empty: the note stays "
                                                        "as it was")


class BookingUpdate(Body):
    """`POST /api/bookings/<id>`: checklist ticks and the outcome of an appointment.

    `start_measure` and `contract_status` act only when the outcome is (or was) `settled`.
    """

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"officer": "Kamonchanok", "checklist": {"day1_date_venue_fixed": True}},
        {"officer": "Kamonchanok", "attendance": "attended", "outcome": "settled", "terms": "2,000 baht a month",
         "start_measure": "M7", "contract_status": "active"}]})

    officer: Officer = Field(description="who recorded it")
    checklist: dict[Annotated[str, OneOf(COURT_CHECKLIST)], bool] | None = Field(
        default=None, description="the court route's items ticked (true) or unticked (false)")
    attendance: Annotated[str, OneOf(ATTENDANCE)] | None = None
    outcome: Annotated[str, OneOf(OUTCOMES)] | None = None
    terms: Note | None = Field(default=None, description="the terms agreed; absent or empty keeps the old ones")
    start_measure: Annotated[str, StringConstraints(min_length=1, max_length=20), PlainText] | None = Field(
        default=None, description="a settlement starts this measure (an id of the measures loaded, e.g. M7)")
    contract_status: Annotated[str, OneOf(CONTRACT_STATUSES)] | None = None


# --- query parameters -----------------------------------------------------------------------

District = Annotated[str, StringConstraints(max_length=200), PlainText]


class ContractQuery(Query):
    as_of: Day | None = Field(default=None, description="default: today (Asia/Bangkok)")


class FollowupsQuery(Query):
    as_of: Day | None = Field(default=None, description="default: today (Asia/Bangkok)")
    district: District | None = Field(default=None, description="only this district (its name; on a register of "
                                      "several provinces, every district of that name unless `province` is given)")
    province: District | None = Field(default=None, description="only this province (its name), or, with `district`, "
                                      "only that province's district of that name")
    offset: Count | None = Field(default=None, description="skip this many rows (default 0)")
    limit: Count | None = Field(default=None, description="at most this many rows (default: all)")


class ApplicationsQuery(Query):
    status: Annotated[str, OneOf(APPLICATION_STATUSES)] | None = Field(default=None,
                                                                         description="only this status")


class SessionsQuery(Query):
    since: Day | None = Field(default=None, alias="from", description="sessions from this day on (default: today)")


class OutboxQuery(Query):
    since: Instant | None = Field(default=None, description="created at or after this moment (default: all)")


class VisitsReportQuery(Query):
    since: Day | None = Field(default=None, alias="from", description="default: the latest report period's start")
    until: Day | None = Field(default=None, alias="to", description="default: the latest report period's end")
    district: District | None = Field(default=None, description="only this district (its name; on a register of "
                                      "several provinces, every district of that name unless `province` is given)")
    province: District | None = Field(default=None, description="only this province (its name), or, with `district`, "
                                      "only that province's district of that name")
