"""Visits, promises to pay and the district report: pure rules of data and a date."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from domain.identity import parse_typed_date
from domain.textnorm import row_id, to_ascii_digits
from domain.thaiparse import parse_money

OUTCOMES = ("met", "not_home", "moved", "deceased", "refused")
PROMISE_HORIZON_DAYS = 366  # a promise further out than a year is not a promise an officer can follow
MAX_PROMISE = Decimal("10000000")
MAX_VISIT_NOTE = 1000  # characters of a visit's note, in LINE and in the console
KEPT_SHOWN_DAYS = 7  # a kept promise stays on the list this long after it was kept (to say thank you)

# --- promises to pay ------------------------------------------------------------------------


@dataclass(frozen=True)
class PromiseStatus:
    state: str  # pending | kept | broken
    paid: Decimal  # paid on the contract from the day of the promise to its due date
    kept_on: date | None = None  # the day the payments reached the promised amount


def promise_status(amount: Decimal, made_on: date, due_on: date,
                   payments: Iterable[tuple[date, Decimal]], as_of: date) -> PromiseStatus:
    """Kept when payments dated from the promise to its due date add up to the amount.

    Only payments known on `as_of` count (the register is imported after the fact, so a
    promise due yesterday may still turn out kept once the day's payments arrive).
    """
    paid = Decimal("0")
    for paid_on, value in sorted(payments):
        if paid_on < made_on or paid_on > due_on or paid_on > as_of:
            continue
        paid += value
        if paid >= amount:
            return PromiseStatus("kept", paid, paid_on)
    return PromiseStatus("broken" if as_of > due_on else "pending", paid)


@dataclass(frozen=True)
class Promise:
    amount: Decimal
    due_on: date


class PromiseError(ValueError):
    """What is wrong with a promise as typed, for a precise answer."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # amount | date | past | too_far | too_large


_AMOUNT = re.compile(r"^\s*([\d,]+(?:\.\d{1,2})?)\s*(?:บาท|บ\.)?\s*")


def parse_promise(text: str, today: date) -> Promise:
    """`500 30/11/2569`, `1,200 บาท 5 ธ.ค. 69` or `๕๐๐ 2026-12-05`: an amount, then a date."""
    cleaned = to_ascii_digits(text).strip()
    match = _AMOUNT.match(cleaned)
    if match is None:
        raise PromiseError("amount")
    try:
        amount = Decimal(match.group(1).replace(",", ""))
    except InvalidOperation:
        raise PromiseError("amount") from None
    rest = cleaned[match.end():].strip()
    return checked_promise(amount, parse_typed_date(rest) if rest else None, today)


_BAHT_AFTER = re.compile(r"\s*(?:บาท|บ\.)\s*$")
_DIGITS_ONLY = re.compile(r"[\d,]+(?:\.\d+)?")  # as in LINE: no signs, no exponents (`1e3`)
_HUGE = re.compile(r"\d{13,}(?:\.\d*)?")  # a trillion baht or more: parse_money refuses it as too large


def typed_promise(amount_text: str, due_text: str, today: date) -> Promise:
    """A promise typed in two boxes (the console's visit form): `1,500` or `๑,๕๐๐ บาท`, and
    a date as people type it (`30/12/2569`, `30 ธ.ค. 69`, `2026-12-30`); the same checks as in LINE."""
    amount_raw = _BAHT_AFTER.sub("", to_ascii_digits(amount_text).strip())
    if not _DIGITS_ONLY.fullmatch(amount_raw):
        raise PromiseError("amount")
    try:
        amount = parse_money(amount_raw)
    except ValueError:
        raise PromiseError("too_large" if _HUGE.fullmatch(amount_raw.replace(",", "")) else "amount") from None
    return checked_promise(amount, parse_typed_date(due_text) if due_text.strip() else None, today)


def checked_promise(amount: Decimal, due: date | None, today: date) -> Promise:
    """A promise an officer can follow: a real amount, due from today to a year from now."""
    if amount <= 0:
        raise PromiseError("amount")
    if amount > MAX_PROMISE:
        raise PromiseError("too_large")
    if due is None:
        raise PromiseError("date")
    if due < today:
        raise PromiseError("past")
    if due > today + timedelta(days=PROMISE_HORIZON_DAYS):
        raise PromiseError("too_far")
    return Promise(amount.quantize(Decimal("0.01")), due)


def promise_to_show(status: PromiseStatus, as_of: date, revisited: bool) -> str | None:
    """Whether a promise belongs on today's follow-up list, and as what.

    Broken: until someone visits again after the due date. Kept: for a week, to thank them.
    """
    if status.state == "broken" and not revisited:
        return "promise_broken"
    if status.state == "kept" and status.kept_on is not None and (as_of - status.kept_on).days <= KEPT_SHOWN_DAYS:
        return "promise_kept"
    return None


# --- the visit flow ---------------------------------------------------------------------------


def chosen_contract(answer: str, offered: Sequence[tuple[int, str]]) -> int | None:
    """The offered contract an answer names: its button (`contract:ID`) or its project code typed."""
    if answer.startswith("contract:") and (wanted := row_id(answer[9:])) is not None:
        return next((contract_id for contract_id, _ in offered if contract_id == wanted), None)
    code = answer.strip().upper()
    return next((contract_id for contract_id, offered_code in offered if offered_code == code), None)


@dataclass(frozen=True)
class VisitAnswers:
    """A visit as the console's form gives it, checked by the LINE flow's rules."""

    outcome: str
    contract_id: int | None
    measure: str | None
    promise: Promise | None
    note: str


class VisitError(ValueError):
    """Why a visit form cannot be saved: outcome, contract, measure, measure_not_met, promise_not_met,
    promise_no_contract, note_too_long, or a PromiseError's reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def visit_answers(*, outcome: str, contract: str, offered: Sequence[tuple[int, str]], measure: str,
                  measures: Sequence[str], amount: str, due: str, note: str, today: date) -> VisitAnswers:
    """The LINE flow's steps as one form: the visit is about one of the person's open contracts
    (`offered`; chosen when there are several, the only one otherwise, none when there is none);
    a promise and a measure only when the person was met, a promise only about a contract."""
    if outcome not in OUTCOMES:
        raise VisitError("outcome")
    contract_id = _visit_contract(contract, offered)
    chosen_measure = None
    if measure:
        if outcome != "met":
            raise VisitError("measure_not_met")
        chosen_measure = next((m for m in measures if m.casefold() == measure.casefold()), None)
        if chosen_measure is None:
            raise VisitError("measure")
    promise = _visit_promise(outcome, contract_id, amount, due, today) if amount.strip() or due.strip() else None
    if len(note) > MAX_VISIT_NOTE:
        raise VisitError("note_too_long")
    return VisitAnswers(outcome, contract_id, chosen_measure, promise, note)


def _visit_contract(contract: str, offered: Sequence[tuple[int, str]]) -> int | None:
    if len(offered) == 1 and contract in ("", str(offered[0][0])):
        return offered[0][0]
    if not offered:
        return None
    chosen = chosen_contract(f"contract:{contract}", offered)
    if chosen is None:
        raise VisitError("contract")
    return chosen


def _visit_promise(outcome: str, contract_id: int | None, amount: str, due: str, today: date) -> Promise:
    if outcome != "met":
        raise VisitError("promise_not_met")
    if contract_id is None:
        raise VisitError("promise_no_contract")
    try:
        return typed_promise(amount, due, today)
    except PromiseError as error:
        raise VisitError(error.reason) from None


def pins_home(outcome: str) -> bool:
    """Whether the place of a visit is where the person lives (not once they moved away or died)."""
    return outcome not in {"moved", "deceased"}


class PinError(ValueError):
    """What is wrong with a map pin as typed: missing, number or range."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_COORDINATE = re.compile(r"[+-]?\d{1,3}(?:\.\d{1,15})?")


def parse_pin(lat_text: str, lng_text: str) -> tuple[float, float]:
    """Latitude and longitude typed in two boxes, or both in the first as Google Maps copies
    them (`7.8804, 98.3923`); Thai digits allowed; decimal degrees in range, nothing else."""
    lat_raw, lng_raw = to_ascii_digits(lat_text).strip(), to_ascii_digits(lng_text).strip()
    if lat_raw and not lng_raw and "," in lat_raw:
        lat_raw, _, lng_raw = lat_raw.partition(",")
        lat_raw, lng_raw = lat_raw.strip(), lng_raw.strip()
    if not lat_raw or not lng_raw:
        raise PinError("missing")
    if not _COORDINATE.fullmatch(lat_raw) or not _COORDINATE.fullmatch(lng_raw):
        raise PinError("number")
    lat, lng = float(lat_raw), float(lng_raw)
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise PinError("range")
    return lat, lng


# --- the district report (weeks 1 and 3 of each month) ----------------------------------------


def is_report_day(day: date) -> bool:
    """The Monday of week 1 (days 1–7) or week 3 (days 15–21) of a month."""
    return day.weekday() == 0 and (1 <= day.day <= 7 or 15 <= day.day <= 21)


def report_day_on_or_before(day: date) -> date:
    """The latest report Monday on or before `day`."""
    while not is_report_day(day):
        day -= timedelta(days=1)
    return day


def report_period(report_day: date) -> tuple[date, date]:
    """The days a report covers: from the previous report Monday up to the day before this one."""
    previous = report_day_on_or_before(report_day - timedelta(days=1))
    return previous, report_day - timedelta(days=1)


@dataclass(frozen=True)
class VisitFact:
    person_id: int | None
    visited_on: date
    outcome: str


@dataclass(frozen=True)
class PromiseFact:
    made_on: date
    status: PromiseStatus


@dataclass(frozen=True)
class MediationFact:
    day: date
    attendance: str | None
    outcome: str | None


@dataclass
class DistrictReport:
    start: date
    end: date
    visits: int = 0
    people_met: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    promises_made: int = 0
    promises_kept: int = 0
    promises_broken: int = 0
    applications: dict[str, int] = field(default_factory=dict)  # by current status
    mediations_held: int = 0
    mediations_settled: int = 0
    updates: int = 0


def district_report(start: date, end: date, visits: Iterable[VisitFact], promises: Iterable[PromiseFact],
                    applications: Iterable[tuple[date, str]], mediations: Iterable[MediationFact],
                    updates: Iterable[date]) -> DistrictReport:
    """Count what happened from `start` to `end` (both included).

    Promises are those made in the period, kept or broken as known at the end of it;
    mediations held are court sessions in the period someone attended.
    """
    def within(day: date) -> bool:
        return start <= day <= end

    report = DistrictReport(start, end)
    met: set[int] = set()
    for visit in visits:
        if not within(visit.visited_on):
            continue
        report.visits += 1
        report.outcomes[visit.outcome] = report.outcomes.get(visit.outcome, 0) + 1
        if visit.outcome == "met" and visit.person_id is not None:
            met.add(visit.person_id)
    report.people_met = len(met)
    for promise in promises:
        if within(promise.made_on):
            report.promises_made += 1
            report.promises_kept += promise.status.state == "kept"
            report.promises_broken += promise.status.state == "broken"
    for submitted_on, status in applications:
        if within(submitted_on):
            report.applications[status] = report.applications.get(status, 0) + 1
    for mediation in mediations:
        if within(mediation.day) and mediation.attendance == "attended":
            report.mediations_held += 1
            report.mediations_settled += mediation.outcome == "settled"
    report.updates = sum(1 for day in updates if within(day))
    return report
