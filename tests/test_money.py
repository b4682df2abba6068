"""Money and class rules (INTERFACES.md "Money rules"; DOMAIN.md classes)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from devtools.sampledata import generate
from domain.money import (
    CONTRACT_ENDED,
    IN_DEFAULT,
    NORMAL,
    TIME_BARRED,
    Terms,
    allocate,
    due_date,
    installment_amounts,
    is_paid_off,
    position,
    schedule,
)
from domain.thaiparse import MONEY_LIMIT, parse_money, parse_register_date

D = Decimal


def terms(**changes) -> Terms:  # type: ignore[no-untyped-def]
    base = dict(contract_date=date(2024, 1, 15), principal=D("24000.00"), installment_count=24,
                first_due_date=date(2024, 2, 15), interval_months=1, default_rate=D("7.5"))
    return Terms(**{**base, **changes})


# --- examples -------------------------------------------------------------------------


def test_month_end_clamping_steps_from_the_first_date():
    dues = [due_date(date(2024, 1, 31), k) for k in range(5)]
    assert dues == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30), date(2024, 5, 31)]
    assert due_date(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert due_date(date(2024, 8, 31), 1, interval_months=6) == date(2025, 2, 28)


def test_leap_day_first_due():
    dues = [d for d, _ in schedule(terms(first_due_date=date(2024, 2, 29), installment_count=4, interval_months=12))]
    assert dues == [date(2024, 2, 29), date(2025, 2, 28), date(2026, 2, 28), date(2027, 2, 28)]


def test_last_installment_absorbs_rounding():
    assert installment_amounts(D("100.00"), 3) == [D("33.33"), D("33.33"), D("33.34")]
    assert installment_amounts(D("200.00"), 3) == [D("66.67"), D("66.67"), D("66.66")]
    assert installment_amounts(D("0.05"), 24)[-1] >= 0
    assert sum(installment_amounts(D("0.05"), 24)) == D("0.05")


def test_no_payments_at_all():
    p = position(terms(), [], date(2024, 5, 20))
    assert p.overdue_installments == 4  # Feb, Mar, Apr, May 15
    assert p.overdue_amount == D("4000.00")
    assert p.next_due_date == date(2024, 6, 15) and p.next_due_amount == D("1000.00")
    assert p.last_payment_date == date(2024, 1, 15)  # the contract date
    assert p.outstanding_principal == D("24000.00")
    assert p.debtor_class == IN_DEFAULT
    # interest: 1000 × 7.5% × (95 + 66 + 35 + 5) days / 365
    assert p.default_interest == (D("1000") * D("0.075") * (95 + 66 + 35 + 5) / 365).quantize(D("0.01"))


def test_due_today_is_not_overdue_yet():
    p = position(terms(), [(date(2024, 2, 15), D("1000.00"))], date(2024, 3, 15))
    assert p.overdue_installments == 0 and p.next_due_date == date(2024, 3, 15)
    assert p.debtor_class == NORMAL


def test_payments_before_the_first_due_date_count():
    p = position(terms(), [(date(2024, 1, 20), D("3000.00"))], date(2024, 4, 1))
    # three installments paid ahead (Feb, Mar, Apr): the next one still owed is May's
    assert p.overdue_installments == 0 and p.next_due_date == date(2024, 5, 15)
    assert p.next_due_amount == D("1000.00")
    assert p.last_payment_date == date(2024, 1, 20)


def test_partial_payment_leaves_part_of_an_installment():
    p = position(terms(), [(date(2024, 2, 10), D("1500.00"))], date(2024, 3, 20))
    assert p.overdue_installments == 1 and p.overdue_amount == D("500.00")
    assert p.next_due_date == date(2024, 4, 15)


def test_overpayment_never_goes_below_zero():
    p = position(terms(), [(date(2024, 2, 1), D("30000.00"))], date(2024, 3, 1))
    assert p.outstanding_principal == D("0.00")
    assert p.overdue_amount == 0 and p.next_due_date is None and p.closed and p.debtor_class is None


def test_a_contract_paid_off_is_closed_and_has_no_class():
    """13,000 paid on a 12,000 loan was still "ลูกหนี้ปกติ" (issue 15, item 6)."""
    t = terms(principal=D("12000.00"), installment_count=12)
    p = position(t, [(date(2024, 3, 1), D("13000.00"))], date(2024, 6, 1))
    assert (p.closed, p.paid_off, p.debtor_class, p.class_name) == (True, True, None, None)
    assert p.days_to_prescription is None and p.next_due_date is None and p.overdue_installments == 0
    short = position(t, [(date(2024, 3, 1), D("11999.99"))], date(2024, 6, 1))
    assert (short.closed, short.paid_off, short.debtor_class) == (False, False, NORMAL)
    exactly = position(t, [(date(2024, 3, 1), D("12000.00"))], date(2030, 1, 1))  # long after its term
    assert exactly.closed and exactly.debtor_class is None


def test_payments_after_the_date_asked_about_are_ignored():
    paid = [(date(2024, 2, 15), D("1000.00")), (date(2024, 3, 15), D("1000.00"))]
    assert position(terms(), paid, date(2024, 3, 1)).paid == D("1000.00")


def test_contract_ended_and_time_barred_around_the_five_year_line():
    t = terms(installment_count=2, first_due_date=date(2018, 2, 15), contract_date=date(2018, 1, 15))
    paid = [(date(2019, 6, 30), D("100.00"))]
    ended = position(t, paid, date(2024, 6, 30))
    assert ended.debtor_class == CONTRACT_ENDED and ended.days_to_prescription == 0
    assert position(t, paid, date(2024, 7, 1)).debtor_class == TIME_BARRED
    assert position(t, paid, date(2024, 7, 1)).days_to_prescription == -1
    assert position(t, paid, date(2024, 4, 1)).days_to_prescription == 90


def test_prescription_from_a_leap_day_payment():
    t = terms(installment_count=1, first_due_date=date(2019, 2, 15), contract_date=date(2019, 1, 15))
    p = position(t, [(date(2020, 2, 29), D("1.00"))], date(2025, 2, 27))
    assert p.prescription_date == date(2025, 2, 28) and p.days_to_prescription == 1


def test_closed_contracts_have_no_class():
    p = position(terms(status="closed"), [], date(2030, 1, 1))
    assert p.debtor_class is None and p.days_to_prescription is None and p.closed


def test_days_to_prescription_only_when_ended_and_unpaid():
    assert position(terms(), [], date(2024, 5, 1)).days_to_prescription is None
    fully = [(date(2024, 2, 1), D("24000.00"))]
    assert position(terms(), fully, date(2027, 1, 1)).days_to_prescription is None


# --- properties -----------------------------------------------------------------------

dates = st.dates(min_value=date(2010, 1, 1), max_value=date(2035, 12, 31))
money = st.decimals(min_value=D("0.01"), max_value=D("500000"), places=2)


@st.composite
def contracts(draw):  # type: ignore[no-untyped-def]
    contract_date = draw(st.dates(min_value=date(2010, 1, 1), max_value=date(2030, 12, 31)))
    first_due = contract_date + timedelta(days=draw(st.integers(0, 200)))
    return Terms(contract_date=contract_date, principal=draw(money),
                 installment_count=draw(st.integers(1, 36)), first_due_date=first_due,
                 interval_months=draw(st.sampled_from([1, 2, 3, 6, 12])),
                 default_rate=draw(st.sampled_from([D("7.5"), D("0.10"), D("1")])))


@st.composite
def payments(draw, t: Terms):  # type: ignore[no-untyped-def]
    count = draw(st.integers(0, 12))
    return [(t.contract_date + timedelta(days=draw(st.integers(0, 4000))), draw(money)) for _ in range(count)]


@settings(max_examples=300)
@given(data=st.data(), t=contracts(), as_of=dates)
def test_allocation_and_balances_add_up(data, t, as_of):
    paid = data.draw(payments(t))
    p = position(t, paid, as_of)
    allocated = min(p.paid, t.principal)
    assert allocated <= t.principal
    assert p.overdue_amount + allocated + p.not_yet_due == t.principal
    assert p.outstanding_principal == max(D(0), t.principal - p.paid)
    assert p.overdue_amount >= 0 and p.default_interest >= 0
    assert (p.overdue_installments == 0) == (p.overdue_amount == 0)
    assert sum(a for _, a in schedule(t)) == t.principal


@settings(max_examples=500)
@given(data=st.data(), t=contracts(), as_of=dates)
def test_the_one_pass_position_agrees_with_the_installment_by_installment_rules(data, t, as_of):
    """`position` is written for speed; the rules read plainly off `allocate` must give the same."""
    paid = data.draw(payments(t))
    p = position(t, paid, as_of)
    installments = allocate(t, paid, as_of)
    overdue = [i for i in installments if i.due < as_of and i.unpaid > 0]
    upcoming = next((i for i in installments if i.due >= as_of and i.unpaid > 0), None)
    assert p.paid == sum((a for d, a in paid if d <= as_of), D(0))
    assert p.overdue_installments == len(overdue)
    assert p.overdue_amount == sum((i.unpaid for i in overdue), D(0))
    assert p.latest_overdue_due == (overdue[-1].due if overdue else None)
    assert p.not_yet_due == sum((i.unpaid for i in installments if i.due >= as_of), D(0))
    assert (p.next_due_date, p.next_due_amount) == ((upcoming.due, upcoming.unpaid) if upcoming else (None, None))
    assert p.contract_end_date == installments[-1].due
    assert p.last_payment_date == max((d for d, _ in paid if d <= as_of), default=t.contract_date)
    assert p.default_interest == sum((i.unpaid * t.default_rate / 100 * (as_of - i.due).days / 365 for i in overdue),
                                     D(0)).quantize(D("0.01"), rounding="ROUND_HALF_UP")


@settings(max_examples=300)
@given(data=st.data(), t=contracts(), as_of=dates)
def test_paid_off_exactly_when_the_payments_so_far_cover_the_principal(data, t, as_of):
    paid = data.draw(payments(t))
    p = position(t, paid, as_of)
    covered = sum((a for d, a in paid if d <= as_of), D(0)) >= t.principal
    assert p.paid_off == covered == is_paid_off(t.principal, p.paid)
    assert p.closed == (covered or t.status == "closed")
    assert (p.debtor_class is None) == p.closed
    if covered:  # nothing owed, nothing due, nothing to count down to
        assert p.outstanding_principal == p.overdue_amount == p.not_yet_due == 0
        assert p.next_due_date is None and p.days_to_prescription is None


@settings(max_examples=300)
@given(t=contracts(), first=dates, days=st.integers(0, 4000))
def test_with_nothing_paid_the_class_only_gets_more_urgent(t, first, days):
    later = first + timedelta(days=days)
    assume(later <= date(2040, 12, 31))
    assert position(t, [], later).debtor_class <= position(t, [], first).debtor_class


@given(first_due=dates, k=st.integers(0, 120), interval=st.sampled_from([1, 3, 6, 12]))
def test_due_dates_are_clamped_never_skipped(first_due, k, interval):
    due = due_date(first_due, k, interval)
    months = (due.year - first_due.year) * 12 + due.month - first_due.month
    assert months == k * interval
    assert due.day == first_due.day or due.day < first_due.day and (due + timedelta(days=1)).day == 1


def test_the_sample_register_has_the_classes_it_was_built_with():
    """Cross-check with the sample-data generator, written independently from the same rules."""
    as_of = date(2026, 11, 20)
    data = generate(contracts=400, as_of=as_of, seed=7)
    paid = defaultdict(list)
    for row in data.payments():
        paid[row["project_code"]].append((parse_register_date(row["paid_on"]), parse_money(row["amount"])))
    expected = {e["project_code"]: e for e in data.expected()}
    for row in data.contracts():
        t = Terms(contract_date=parse_register_date(row["contract_date"]), principal=parse_money(row["principal"]),
                  installment_count=int(row["installment_count"]),
                  first_due_date=parse_register_date(row["first_due_date"]),
                  interval_months=int(row["interval_months"] or 1),
                  default_rate=D(row["default_rate"] or "7.5"), status=row["status"] or "active")
        p = position(t, paid[row["project_code"]], as_of)
        want = expected[row["project_code"]]
        assert p.debtor_class == want["class"], row
        if p.debtor_class == CONTRACT_ENDED:
            assert p.days_to_prescription == want["days_to_prescription"], row
        elif p.debtor_class == TIME_BARRED:
            assert p.days_to_prescription < 0  # ended and unpaid: how long ago the limit passed
        else:
            assert p.days_to_prescription is None


@given(st.text(alphabet="0123456789๐๑๒๓๔๕๖๗๘๙.,eE+- ", max_size=40))
def test_parse_money_either_reads_an_amount_or_says_why(raw: str) -> None:
    """Never another exception (a `decimal.InvalidOperation` once escaped the importer)."""
    try:
        value = parse_money(raw)
    except ValueError:
        return
    assert Decimal(0) <= value < MONEY_LIMIT and value == value.quantize(Decimal("0.01"))
