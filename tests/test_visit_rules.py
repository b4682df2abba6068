"""Pure rules for visits: promises kept or broken, typed promises, report weeks and counts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.textnorm import row_id
from domain.visits import (
    MediationFact,
    PinError,
    PromiseError,
    PromiseFact,
    PromiseStatus,
    VisitError,
    VisitFact,
    chosen_contract,
    district_report,
    is_report_day,
    parse_pin,
    parse_promise,
    pins_home,
    promise_status,
    promise_to_show,
    report_day_on_or_before,
    report_period,
    typed_promise,
    visit_answers,
)

TODAY = date(2026, 11, 20)
D = Decimal


def test_a_promise_is_kept_on_the_day_the_payments_reach_the_amount() -> None:
    payments = [(date(2026, 11, 25), D("200")), (date(2026, 11, 19), D("999")), (date(2026, 11, 28), D("300"))]
    status = promise_status(D("500"), TODAY, date(2026, 11, 30), payments, date(2026, 12, 2))
    assert status == PromiseStatus("kept", D("500"), date(2026, 11, 28))  # the payment before the promise is not it


def test_a_promise_paid_late_or_in_part_is_broken_and_pending_until_its_day() -> None:
    late = [(date(2026, 11, 25), D("200")), (date(2026, 12, 1), D("300"))]
    assert promise_status(D("500"), TODAY, date(2026, 11, 30), late, date(2026, 11, 30)).state == "pending"
    broken = promise_status(D("500"), TODAY, date(2026, 11, 30), late, date(2026, 12, 1))
    assert broken == PromiseStatus("broken", D("200"))
    # a payment the register only learns of later still keeps the promise once it is imported
    assert promise_status(D("500"), TODAY, date(2026, 11, 30), [(date(2026, 11, 30), D("500"))],
                          date(2026, 12, 9)).state == "kept"


amounts = st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2)


@given(amount=amounts, paid=st.lists(st.tuples(st.integers(-5, 20), amounts), max_size=6),
       due_in=st.integers(0, 15), looked=st.integers(0, 30))
def test_kept_exactly_when_payments_in_the_window_reach_the_amount(amount, paid, due_in, looked) -> None:  # type: ignore[no-untyped-def]
    due, as_of = TODAY + timedelta(days=due_in), TODAY + timedelta(days=looked)
    payments = [(TODAY + timedelta(days=d), value) for d, value in paid]
    status = promise_status(amount, TODAY, due, payments, as_of)
    counted = sum((v for day, v in payments if TODAY <= day <= min(due, as_of)), D("0"))
    assert (status.state == "kept") == (counted >= amount)
    if status.state != "kept":
        assert status.state == ("broken" if as_of > due else "pending") and status.paid == counted
    else:
        assert status.kept_on is not None and TODAY <= status.kept_on <= min(due, as_of)


@pytest.mark.parametrize(("typed", "amount", "due"), [
    ("500 30/11/2569", "500.00", date(2026, 11, 30)),
    ("๕๐๐ ๓๐/๑๑/๒๕๖๙", "500.00", date(2026, 11, 30)),
    ("1,200 บาท 5 ธ.ค. 69", "1200.00", date(2026, 12, 5)),
    ("750.5 2026-12-05", "750.50", date(2026, 12, 5)),
    ("300 20/11/2569", "300.00", TODAY),
])
def test_promises_as_officers_type_them(typed: str, amount: str, due: date) -> None:
    promise = parse_promise(typed, TODAY)
    assert (promise.amount, promise.due_on) == (D(amount), due)


@pytest.mark.parametrize(("typed", "reason"), [
    ("ห้าร้อย 30/11/2569", "amount"), ("0 30/11/2569", "amount"), ("500", "date"), ("500 พรุ่งนี้", "date"),
    ("500 31/11/2569", "date"), ("500 19/11/2569", "past"), ("500 1/1/2571", "too_far"),
    ("99,000,000 30/11/2569", "too_large"),
])
def test_a_promise_that_cannot_be_read_says_why(typed: str, reason: str) -> None:
    with pytest.raises(PromiseError) as error:
        parse_promise(typed, TODAY)
    assert error.value.reason == reason


@pytest.mark.parametrize(("amount", "due", "expected", "on"), [
    ("1,500", "30/11/2569", "1500.00", date(2026, 11, 30)),
    ("๑,๕๐๐ บาท", "๓๐/๑๑/๒๕๖๙", "1500.00", date(2026, 11, 30)),  # Thai digits, a B.E. year
    ("750.50", "5 ธ.ค. 69", "750.50", date(2026, 12, 5)),
    (" 300 ", "2026-11-20", "300.00", TODAY),
])
def test_a_promise_typed_in_the_console_form(amount: str, due: str, expected: str, on: date) -> None:
    promise = typed_promise(amount, due, TODAY)
    assert (promise.amount, promise.due_on) == (D(expected), on)


@pytest.mark.parametrize(("amount", "due", "reason"), [
    ("ห้าร้อย", "30/11/2569", "amount"), ("", "30/11/2569", "amount"), ("0", "30/11/2569", "amount"),
    ("-5", "30/11/2569", "amount"), ("1.005", "30/11/2569", "amount"), ("1e3", "30/11/2569", "amount"),
    ("500", "", "date"), ("500", "31/11/2569", "date"), ("500", "19/11/2569", "past"),
    ("500", "1/1/2571", "too_far"), ("99,000,000", "30/11/2569", "too_large"),
    ("9" * 40, "30/11/2569", "too_large"),
])
def test_a_promise_typed_in_the_console_that_cannot_be_taken_says_why(amount: str, due: str, reason: str) -> None:
    with pytest.raises(PromiseError) as error:
        typed_promise(amount, due, TODAY)
    assert error.value.reason == reason


@given(amount=st.decimals(min_value=D("0.01"), max_value=D("10000000"), places=2), days=st.integers(0, 366))
def test_the_console_and_line_take_the_same_promises(amount: Decimal, days: int) -> None:
    due = TODAY + timedelta(days=days)
    typed = typed_promise(f"{amount:,}", f"{due.day}/{due.month}/{due.year + 543}", TODAY)
    assert typed == parse_promise(f"{amount} {due.isoformat()}", TODAY)
    assert (typed.amount, typed.due_on) == (amount, due)


@given(st.text(max_size=20), st.text(max_size=20))
def test_anything_typed_is_a_promise_or_a_reason(amount: str, due: str) -> None:
    try:
        promise = typed_promise(amount, due, TODAY)
    except PromiseError as error:
        assert error.reason in {"amount", "too_large", "date", "past", "too_far"}
    else:
        assert D("0.01") <= promise.amount <= D("10000000") and promise.due_on >= TODAY


OFFERED = [(7, "PKT-2568-0001"), (9, "PKT-2568-0999")]


def _visit(**changes: object):  # type: ignore[no-untyped-def]
    fields: dict[str, object] = dict(outcome="met", contract="7", offered=OFFERED, measure="", measures=["M1", "M2"],
                                     amount="", due="", note="", today=TODAY)
    fields.update(changes)
    return visit_answers(**fields)  # type: ignore[arg-type]


def test_a_visit_form_follows_the_line_flow() -> None:
    full = _visit(contract="9", measure="m2", amount="๑,๕๐๐", due="30/11/2569", note="ขอผ่อน")
    assert (full.outcome, full.contract_id, full.measure, full.note) == ("met", 9, "M2", "ขอผ่อน")
    assert full.promise is not None and (full.promise.amount, full.promise.due_on) == (D("1500.00"),
                                                                                         date(2026, 11, 30))
    assert _visit(outcome="not_home", contract="7").promise is None
    assert _visit(contract="", offered=OFFERED[:1]).contract_id == 7  # the only open contract
    assert _visit(contract="", offered=[]).contract_id is None  # none open: about the person
    assert _visit(offered=[], measure="M1").measure == "M1"  # met, no contract: a measure, no promise


@pytest.mark.parametrize(("changes", "reason"), [
    ({"outcome": "ok"}, "outcome"), ({"outcome": ""}, "outcome"),
    ({"contract": ""}, "contract"), ({"contract": "8"}, "contract"), ({"contract": "x"}, "contract"),
    ({"offered": OFFERED[:1], "contract": "9"}, "contract"),
    ({"measure": "M9"}, "measure"), ({"outcome": "refused", "measure": "M1"}, "measure_not_met"),
    ({"outcome": "not_home", "amount": "500", "due": "30/11/2569"}, "promise_not_met"),
    ({"offered": [], "amount": "500", "due": "30/11/2569"}, "promise_no_contract"),
    ({"amount": "500"}, "date"), ({"due": "30/11/2569"}, "amount"), ({"amount": "abc", "due": "1/12/2569"}, "amount"),
    ({"amount": "500", "due": "1/1/2500"}, "past"), ({"amount": "500", "due": "31/02/2570"}, "date"),
    ({"note": "x" * 1001}, "note_too_long"),
])
def test_a_visit_form_that_cannot_be_saved_says_why(changes: dict[str, object], reason: str) -> None:
    with pytest.raises(VisitError) as error:
        _visit(**changes)
    assert error.value.reason == reason


@given(outcome=st.sampled_from(["met", "not_home", "moved", "deceased", "refused", "x"]),
       contract=st.sampled_from(["", "7", "9", "8", "abc"]), offered=st.sampled_from([[], OFFERED[:1], OFFERED]),
       measure=st.sampled_from(["", "M1", "m2", "M9"]), amount=st.sampled_from(["", "500", "๕๐๐", "0", "x"]),
       due=st.sampled_from(["", "30/11/2569", "1/1/2500", "2026-12-01"]))
def test_a_saved_visit_keeps_the_line_flows_rules(outcome, contract, offered, measure, amount, due) -> None:  # type: ignore[no-untyped-def]
    try:
        got = _visit(outcome=outcome, contract=contract, offered=offered, measure=measure, amount=amount, due=due)
    except VisitError as error:
        assert error.reason
        return
    assert got.contract_id in ({c for c, _ in offered} if offered else {None})
    if got.outcome != "met":
        assert got.promise is None and got.measure is None
    if got.promise is not None:
        assert got.contract_id is not None and got.promise.due_on >= TODAY


def test_a_pin_as_typed_or_copied_from_google_maps() -> None:
    assert parse_pin("7.8804", "98.3923") == (7.8804, 98.3923)
    assert parse_pin("7.8804, 98.3923", "") == (7.8804, 98.3923)
    assert parse_pin("๗.๘๘", "๙๘.๓๙") == (7.88, 98.39)
    assert parse_pin("-33.86", "+151.2") == (-33.86, 151.2)
    for lat, lng, reason in (("", "98.3", "missing"), ("7.8", " ", "missing"), ("nan", "98", "number"),
                             ("inf", "98", "number"), ("7,88", "98", "number"), ("1e1", "98", "number"),
                             ("91", "98", "range"), ("7.8", "180.5", "range"), ("-90.01", "0", "range")):
        with pytest.raises(PinError) as error:
            parse_pin(lat, lng)
        assert error.value.reason == reason, (lat, lng)


@given(st.floats(-90, 90), st.floats(-180, 180))
def test_every_pin_in_range_is_taken_back_as_written(lat: float, lng: float) -> None:
    lat_text, lng_text = f"{lat:.6f}", f"{lng:.6f}"
    assert parse_pin(lat_text, lng_text) == (float(lat_text), float(lng_text))


@given(st.text(max_size=30), st.text(max_size=30))
def test_anything_typed_is_a_pin_in_range_or_a_reason(lat: str, lng: str) -> None:
    try:
        got = parse_pin(lat, lng)
    except PinError as error:
        assert error.reason in {"missing", "number", "range"}
    else:
        assert -90 <= got[0] <= 90 and -180 <= got[1] <= 180


def test_what_a_promise_puts_on_the_list() -> None:
    kept = PromiseStatus("kept", D("500"), date(2026, 11, 28))
    assert promise_to_show(kept, date(2026, 12, 5), revisited=False) == "promise_kept"
    assert promise_to_show(kept, date(2026, 12, 6), revisited=False) is None  # thanked a week
    broken = PromiseStatus("broken", D("0"))
    assert promise_to_show(broken, date(2027, 1, 5), revisited=False) == "promise_broken"
    assert promise_to_show(broken, date(2027, 1, 5), revisited=True) is None
    assert promise_to_show(PromiseStatus("pending", D("0")), TODAY, revisited=False) is None


def test_the_contract_an_officer_picks_is_one_of_those_offered() -> None:
    offered = [(7, "PKT-2568-0001"), (9, "PKT-2568-0999")]
    assert chosen_contract("contract:9", offered) == 9  # the button
    assert chosen_contract(" pkt-2568-0001 ", offered) == 7  # typed, any case
    assert chosen_contract("contract:8", offered) is None and chosen_contract("PKT-2560-0001", offered) is None


def test_a_visit_pins_the_home_unless_the_person_moved_away_or_died() -> None:
    assert pins_home("met") and pins_home("not_home") and pins_home("refused")
    assert not pins_home("moved") and not pins_home("deceased")


def test_report_days_are_the_mondays_of_weeks_one_and_three() -> None:
    november = [date(2026, 11, d) for d in range(1, 31) if is_report_day(date(2026, 11, d))]
    assert november == [date(2026, 11, 2), date(2026, 11, 16)]
    assert [d for d in (date(2026, 12, n) for n in range(1, 32)) if is_report_day(d)] == [
        date(2026, 12, 7), date(2026, 12, 21)]
    assert report_period(date(2026, 12, 7)) == (date(2026, 11, 16), date(2026, 12, 6))
    assert report_period(date(2026, 11, 16)) == (date(2026, 11, 2), date(2026, 11, 15))
    assert report_day_on_or_before(TODAY) == date(2026, 11, 16)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_report_periods_tile_the_calendar(day: date) -> None:
    """Every day is reported exactly once: periods of successive report days meet without a gap."""
    this = report_day_on_or_before(day)
    start, end = report_period(this)
    assert start < this and end == this - timedelta(days=1) and is_report_day(start)
    assert 14 <= (this - start).days <= 21  # two or three weeks, never a month
    nxt = report_day_on_or_before(this + timedelta(days=21))
    assert report_period(nxt)[0] == this  # the next report starts where this one's period ended + 1


def test_the_district_report_counts_only_its_period() -> None:
    start, end = date(2026, 11, 16), date(2026, 12, 6)
    visits = [VisitFact(1, date(2026, 11, 20), "met"), VisitFact(1, date(2026, 11, 27), "met"),
              VisitFact(2, date(2026, 11, 20), "not_home"), VisitFact(3, date(2026, 11, 15), "met")]
    promises = [PromiseFact(date(2026, 11, 20), PromiseStatus("kept", D("500"), date(2026, 11, 28))),
                PromiseFact(date(2026, 11, 27), PromiseStatus("broken", D("0"))),
                PromiseFact(date(2026, 12, 7), PromiseStatus("pending", D("0")))]
    report = district_report(start, end, visits, promises,
                             [(date(2026, 11, 18), "submitted"), (date(2026, 11, 19), "approved"),
                              (date(2026, 12, 8), "submitted")],
                             [MediationFact(date(2026, 11, 24), "attended", "settled"),
                              MediationFact(date(2026, 11, 24), "attended", "no_agreement"),
                              MediationFact(date(2026, 11, 24), "no_show", "did_not_come")],
                             [date(2026, 11, 16), date(2026, 12, 6), date(2026, 12, 7)])
    assert (report.visits, report.people_met, report.outcomes) == (3, 1, {"met": 2, "not_home": 1})
    assert (report.promises_made, report.promises_kept, report.promises_broken) == (2, 1, 1)
    assert report.applications == {"submitted": 1, "approved": 1}
    assert (report.mediations_held, report.mediations_settled, report.updates) == (2, 1, 2)


@given(st.text(max_size=40))
def test_any_contract_answer_is_one_offered_or_none_never_an_error(typed):
    """A button's `contract:ID` or whatever was typed or posted (a superscript ², a number past the
    database's integers, Thai digits): one of the contracts offered, or None; never an exception."""
    offered = [(12, "PKT-2567-0001"), (34, "PKT-2567-0002")]
    for answer in (typed, f"contract:{typed}"):
        assert chosen_contract(answer, offered) in (None, 12, 34)
        try:
            visit_answers(outcome="met", contract=typed, offered=offered, measure="", measures=[], amount="",
                          due="", note="", today=date(2026, 11, 20))
        except VisitError as refused:
            assert refused.reason == "contract"


def test_a_contract_id_reads_thai_digits_and_nothing_past_the_database_s_integers():
    offered = [(12, "PKT-2567-0001"), (34, "PKT-2567-0002")]
    assert chosen_contract("contract:๓๔", offered) == 34
    assert chosen_contract("contract:²", offered) is None
    assert chosen_contract("contract:" + "9" * 5000, offered) is None
    assert row_id("2147483647") == 2147483647 and row_id("2147483648") is None and row_id(" ๑๒ ") == 12
