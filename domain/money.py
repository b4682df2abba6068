"""The money rules of ../shared/INTERFACES.md, as pure functions of a contract, its payments and a date.

- Installment k (0-based) is due on first_due_date + k × interval_months, stepping by
  calendar months from the first date and clamped to the month's end (dateutil).
- Installments are equal; the last absorbs the rounding.
- Payments (only those made on or before the date asked about) are applied to the
  installments oldest first.
- A contract is closed when the register says so or when its payments cover its
  principal (paid off): a closed contract has no class.
"""

from __future__ import annotations

from bisect import bisect_left
from calendar import monthrange
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import NamedTuple

from dateutil.relativedelta import relativedelta

SATANG = Decimal("0.01")
ZERO = Decimal("0.00")
PRESCRIPTION_YEARS = 5

TIME_BARRED, CONTRACT_ENDED, IN_DEFAULT, NORMAL = 1, 2, 3, 4
CLASS_NAMES = {
    TIME_BARRED: "ลูกหนี้ขาดอายุความ",
    CONTRACT_ENDED: "ลูกหนี้ที่สิ้นสุดสัญญา",
    IN_DEFAULT: "ลูกหนี้ผิดนัดชำระหนี้",
    NORMAL: "ลูกหนี้ปกติ",
}


@dataclass(frozen=True)
class Terms:
    """What the register says about a contract's repayment."""

    contract_date: date
    principal: Decimal
    installment_count: int
    first_due_date: date
    interval_months: int = 1
    default_rate: Decimal = Decimal("7.5")  # % per year
    status: str = "active"


@dataclass(frozen=True)
class Installment:
    number: int  # 0-based
    due: date
    amount: Decimal
    paid: Decimal

    @property
    def unpaid(self) -> Decimal:
        return self.amount - self.paid


@dataclass(frozen=True)
class Position:
    """A contract's standing on one date: everything the balance card and the API show."""

    as_of: date
    principal: Decimal
    paid: Decimal
    outstanding_principal: Decimal
    overdue_amount: Decimal
    overdue_installments: int
    latest_overdue_due: date | None  # the most recent installment missed
    not_yet_due: Decimal
    next_due_date: date | None
    next_due_amount: Decimal | None
    contract_end_date: date
    last_payment_date: date
    prescription_date: date
    days_to_prescription: int | None
    default_interest: Decimal
    debtor_class: int | None  # None once closed
    closed: bool  # closed in the register, or paid off
    paid_off: bool  # the payments up to `as_of` cover the principal

    @property
    def class_name(self) -> str | None:
        return CLASS_NAMES.get(self.debtor_class) if self.debtor_class else None

    @property
    def in_default(self) -> bool:
        return self.overdue_installments > 0

    @property
    def term_ended(self) -> bool:
        return self.as_of > self.contract_end_date


def due_date(first_due: date, k: int, interval_months: int = 1) -> date:
    """Installment k's due date: k × interval calendar months after the first, clamped to month end
    (what ``first_due + relativedelta(months=k × interval)`` gives, at a tenth of its cost)."""
    year, month = divmod(first_due.month - 1 + k * interval_months, 12)
    year += first_due.year
    month += 1
    return date(year, month, min(first_due.day, monthrange(year, month)[1]))


def installment_amounts(principal: Decimal, count: int) -> list[Decimal]:
    """Equal installments rounded to satang; the last absorbs the rounding (never negative)."""
    if count < 1:
        raise ValueError("a contract has at least one installment")
    regular = (principal / count).quantize(SATANG, rounding=ROUND_HALF_UP)
    if regular * (count - 1) > principal:  # only for tiny principals: round down instead
        regular = (principal / count).quantize(SATANG, rounding=ROUND_DOWN)
    return [regular] * (count - 1) + [principal - regular * (count - 1)]


def schedule(terms: Terms) -> list[tuple[date, Decimal]]:
    """(due date, amount) of every installment."""
    return list(_schedule(terms.first_due_date, terms.installment_count, terms.interval_months, terms.principal))


def _schedule(first_due: date, count: int, interval_months: int, principal: Decimal) -> Iterator[tuple[date, Decimal]]:
    # Calendar arithmetic is most of the cost of a position, and that is cached (_due_dates).
    # The (date, amount) pairs are not: kept per contract they were 2-3 kB each that a web
    # worker held for every contract it had answered for, up to 65,536 of them (12 MB after
    # 5,000 debtors; bench/webhook_memory.py), and the amounts cost two Decimal operations.
    return zip(_due_dates(first_due, count, interval_months), installment_amounts(principal, count), strict=True)


@lru_cache(maxsize=65536)
def _due_dates(first_due: date, count: int, interval_months: int) -> tuple[date, ...]:
    # Shared further than whole schedules: principals vary, first due dates and terms much less.
    return tuple(due_date(first_due, k, interval_months) for k in range(count))


def allocate(terms: Terms, payments: Iterable[tuple[date, Decimal]], as_of: date) -> list[Installment]:
    """Apply payments made on or before `as_of` to installments, oldest first."""
    available = sum((amount for paid_on, amount in payments if paid_on <= as_of), ZERO)
    installments = []
    for k, (due, amount) in enumerate(schedule(terms)):
        paid = min(amount, available)
        available -= paid
        installments.append(Installment(k, due, amount, paid))
    return installments


def position(terms: Terms, payments: Sequence[tuple[date, Decimal]], as_of: date) -> Position:
    """Where a contract stands on `as_of` (INTERFACES.md, "Money rules").

    One pass over the (cached) schedule, applying the payments oldest installment first
    as `allocate` does: the clock runs this for every contract of a province.
    """
    paid = ZERO
    last_payment = terms.contract_date
    for paid_on, amount in payments:
        if paid_on <= as_of:
            paid += amount
            if paid_on > last_payment:
                last_payment = paid_on
    available = paid
    overdue_amount = not_yet_due = ZERO
    overdue_count = 0
    latest_overdue: date | None = None
    upcoming: tuple[date, Decimal] | None = None
    interest = Decimal(0)
    due = as_of
    for due, amount in _schedule(terms.first_due_date, terms.installment_count, terms.interval_months,
                                 terms.principal):
        if available >= amount:
            available -= amount
            continue
        unpaid = amount - available if available > 0 else amount
        available = ZERO
        if due < as_of:
            overdue_count += 1
            overdue_amount += unpaid
            latest_overdue = due
            interest += unpaid * terms.default_rate / 100 * (as_of - due).days / 365
        else:
            not_yet_due += unpaid
            if upcoming is None:
                upcoming = (due, unpaid)
    end = due  # the last installment's due date
    prescription = _prescription(last_payment)
    outstanding = max(ZERO, terms.principal - paid)
    paid_off = is_paid_off(terms.principal, paid)
    closed = terms.status == "closed" or paid_off
    ended = as_of > end
    return Position(
        as_of=as_of,
        principal=terms.principal,
        paid=paid,
        outstanding_principal=outstanding,
        overdue_amount=overdue_amount,
        overdue_installments=overdue_count,
        latest_overdue_due=latest_overdue,
        not_yet_due=not_yet_due,
        next_due_date=upcoming[0] if upcoming else None,
        next_due_amount=upcoming[1] if upcoming else None,
        contract_end_date=end,
        last_payment_date=last_payment,
        prescription_date=prescription,
        days_to_prescription=(prescription - as_of).days if ended and outstanding > 0 and not closed else None,
        default_interest=interest.quantize(SATANG, rounding=ROUND_HALF_UP),
        debtor_class=None if closed else classify(ended, overdue_count > 0, prescription, as_of),
        closed=closed,
        paid_off=paid_off,
    )


class Dues(NamedTuple):
    """What the reminders read of a position (`Position` has the same four attributes)."""

    next_due_date: date | None
    latest_overdue_due: date | None
    closed: bool
    term_ended: bool


def dues(first_due: date, installment_count: int, interval_months: int, principal: int, paid: int, as_of: date,
         *, closed_in_register: bool = False) -> Dues:
    """`position(...)`'s next due date, latest overdue due date, closed and term ended, in whole
    satang (`principal`, and `paid`: the payments up to `as_of`), without walking the schedule.

    The clock reads these for every linked contract of a province. Payments go to the oldest
    installment first and all but the last installment are equal, so the first `j` =
    paid ÷ regular installments are paid and the unpaid ones are a run [j, u); the due dates
    are sorted, so a bisection finds where `as_of` falls among them. A regular installment
    of 0 satang (a principal smaller than the count) walks the schedule as `position` does.
    """
    dates = _due_dates(first_due, installment_count, interval_months)
    closed = closed_in_register or paid >= principal
    term_ended = as_of > dates[-1]
    count = installment_count
    regular = (principal * 2 + count) // (count * 2)  # principal ÷ count, half up
    if regular * (count - 1) > principal:  # only for tiny principals: round down instead
        regular = principal // count
    last = principal - regular * (count - 1)
    if regular <= 0 or paid < 0:
        return _dues_walked(dates, [regular] * (count - 1) + [last], paid, as_of, closed, term_ended)
    first_unpaid = min(paid // regular, count - 1)
    # the last installment is unpaid while the principal is not (a last of 0 satang is never unpaid)
    end = count if (last > 0 if first_unpaid < count - 1 else paid < principal) else count - 1
    before = bisect_left(dates, as_of)  # installments due before as_of
    overdue_end = min(end, before)
    upcoming = max(first_unpaid, before)
    return Dues(next_due_date=dates[upcoming] if upcoming < end else None,
                latest_overdue_due=dates[overdue_end - 1] if overdue_end > first_unpaid else None,
                closed=closed, term_ended=term_ended)


def _dues_walked(dates: Sequence[date], amounts: Sequence[int], paid: int, as_of: date, closed: bool,
                 term_ended: bool) -> Dues:
    # the loop of `position`, in satang
    available = paid
    latest_overdue: date | None = None
    upcoming: date | None = None
    for due, amount in zip(dates, amounts, strict=True):
        if available >= amount:
            available -= amount
            continue
        available = 0
        if due < as_of:
            latest_overdue = due
        elif upcoming is None:
            upcoming = due
    return Dues(upcoming, latest_overdue, closed, term_ended)


def is_paid_off(principal: Decimal, paid: Decimal) -> bool:
    """A contract whose payments cover its principal is closed, whatever the register's status says:
    it has no class (INTERFACES.md), no reminders and no place on any follow-up list."""
    return paid >= principal


@lru_cache(maxsize=65536)
def _prescription(last_payment: date) -> date:
    return last_payment + relativedelta(years=PRESCRIPTION_YEARS)


def prescription_date(last_payment: date) -> date:
    """The day a debt with no payment since `last_payment` becomes time-barred (five years on)."""
    return _prescription(last_payment)


def classify(term_ended: bool, in_default: bool, prescription_date: date, as_of: date) -> int:
    """DOMAIN.md's four classes; "more than 5 years" means the prescription date has passed."""
    if term_ended and in_default:
        return TIME_BARRED if as_of > prescription_date else CONTRACT_ENDED
    return IN_DEFAULT if in_default else NORMAL


def worst_class(classes: Iterable[int | None]) -> int | None:
    """A person's standing across their contracts: the worst (lowest) class; None when none has one."""
    found = [c for c in classes if c is not None]
    return min(found) if found else None
