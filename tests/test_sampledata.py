"""The sample register: valid rows, the class mix by construction, personas, determinism
and streaming speed. Pure: no database, no network."""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import islice

import pytest
from dateutil.relativedelta import relativedelta

from devtools.sampledata import (
    BLOCK,
    CONTRACT_COLUMNS,
    FUND,
    LAT_RANGE,
    LNG_RANGE,
    MEMBER_COLUMNS,
    PAYMENT_COLUMNS,
    PHUKET,
    PROVINCE,
    SampleData,
    generate,
)

AS_OF = date(2026, 11, 20)
NEW_FUND = date(2017, 1, 1)
TARGET = {1: 12, 2: 25, 3: 25, 4: 28, None: 10}


# --------------------------------------------------------------------------- helpers


def iso(text: str) -> date:
    return date.fromisoformat(text)


def be_date(text: str) -> date:
    """DD/MM/YYYY with a B.E. year (not strptime: 29/02/2531 is 1988-02-29, a leap day)."""
    day, month, year = text.split("/")
    assert len(day) == len(month) == 2 and len(year) == 4 and int(year) > 2400, text
    return date(int(year) - 543, int(month), int(day))


def money(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def valid_nid(nid: str) -> bool:
    if len(nid) != 13 or not nid.isdigit() or nid[0] not in "12345678":
        return False
    total = sum(int(nid[i - 1]) * (14 - i) for i in range(1, 13))
    return int(nid[12]) == (11 - total % 11) % 10


def classify(contract: dict[str, str], payments: Iterable[dict[str, str]], as_of: date) -> dict:
    """The class of a contract per INTERFACES.md money rules, computed from CSV rows."""
    principal = money(contract["principal"])
    count = int(contract["installment_count"])
    interval = int(contract["interval_months"] or 1)
    first = iso(contract["first_due_date"])
    dues = [first + relativedelta(months=k * interval) for k in range(count)]
    each = (principal / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    amounts = [each] * (count - 1) + [principal - each * (count - 1)]
    paid_rows = sorted((iso(p["paid_on"]), money(p["amount"])) for p in payments)
    paid_rows = [(d, a) for d, a in paid_rows if d <= as_of]
    left = sum((a for _, a in paid_rows), Decimal(0))
    outstanding = max(principal - left, Decimal(0))
    overdue = 0
    for due, amount in zip(dues, amounts, strict=True):
        applied = min(left, amount)
        left -= applied
        if due < as_of and applied < amount:
            overdue += 1
    last_payment = paid_rows[-1][0] if paid_rows else iso(contract["contract_date"])
    prescription = last_payment + relativedelta(years=5)
    ended = as_of > dues[-1]
    klass: int | None
    if contract["status"] == "closed":
        assert outstanding == 0, contract["project_code"]
        klass = None
    elif outstanding == 0:  # paid off: closed, whatever the status column says
        klass = None
    elif ended:
        assert overdue >= 1, f"{contract['project_code']}: term ended but fully paid"
        klass = 1 if prescription < as_of else 2
    else:
        klass = 3 if overdue else 4
    return {"class": klass, "days_to_prescription": (prescription - as_of).days,
            "overdue_installments": overdue, "outstanding": outstanding}


def by_code(rows: Iterable[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        grouped[row["project_code"]].append(row)
    return grouped


def classes(data) -> dict[str, dict]:
    payments = by_code(data.payments())
    return {c["project_code"]: classify(c, payments.get(c["project_code"], []), data.as_of)
            for c in data.contracts()}


@pytest.fixture(scope="module")
def demo():
    data = generate(contracts=200, as_of=AS_OF, seed=2568)
    return data, list(data.contracts()), list(data.members()), list(data.payments())


@pytest.fixture(scope="module")
def thousand():
    data = generate(contracts=1000, as_of=AS_OF, seed=2568)
    return data, classes(data)


# --------------------------------------------------------------------------- rows


def test_columns_are_exactly_the_import_format(demo):
    _, contracts, members, payments = demo
    assert all(tuple(r) == CONTRACT_COLUMNS for r in contracts)
    assert all(tuple(r) == MEMBER_COLUMNS for r in members)
    assert all(tuple(r) == PAYMENT_COLUMNS for r in payments)
    assert len(contracts) == 200
    assert all(isinstance(v, str) for r in contracts + members + payments for v in r.values())


def test_national_ids_are_valid_and_one_per_person(demo):
    _, _, members, _ = demo
    person: dict[str, tuple[str, str, str]] = {}
    for m in members:
        assert valid_nid(m["national_id"]), m
        details = (m["first_name"], m["last_name"], m["birth_date"])
        assert person.setdefault(m["national_id"], details) == details


def test_each_contract_has_one_borrower_and_fund_rules_for_roles(demo):
    _, contracts, members, _ = demo
    dated = {c["project_code"]: iso(c["contract_date"]) for c in contracts}
    roles = by_code(members)
    for code, when in dated.items():
        kinds = Counter(m["role"] for m in roles[code])
        assert kinds["borrower"] == 1, code
        assert set(kinds) <= {"borrower", "co_debtor", "guarantor"}
        if when < NEW_FUND:
            assert kinds["co_debtor"] == 0 and 1 <= kinds["guarantor"] <= 2, code
        else:
            assert 1 <= kinds["co_debtor"] <= 4, code
        ids = [m["national_id"] for m in roles[code]]
        assert len(ids) == len(set(ids)), code


def test_every_code_exists_and_codes_are_unique(demo):
    _, contracts, members, payments = demo
    codes = [c["project_code"] for c in contracts]
    assert len(codes) == len(set(codes))
    assert {m["project_code"] for m in members} <= set(codes)
    assert {p["project_code"] for p in payments} <= set(codes)
    for c in contracts:
        prefix, year, serial = c["project_code"].split("-")
        assert prefix == "PKT" and len(serial) >= 4 and serial.isdigit()
        assert int(year) == iso(c["contract_date"]).year + 543


def test_dates_parse_and_payments_fall_between_contract_and_as_of(demo):
    _, contracts, members, payments = demo
    start = {}
    for c in contracts:
        start[c["project_code"]] = iso(c["contract_date"])
        assert iso(c["first_due_date"]) > start[c["project_code"]]
        if c["demand_letter_date"]:
            assert start[c["project_code"]] < iso(c["demand_letter_date"]) < AS_OF
    for m in members:
        if m["birth_date"]:
            assert date(1930, 1, 1) < be_date(m["birth_date"]) < date(2008, 1, 1)
        else:
            assert m["phone"], m
    for p in payments:
        assert start[p["project_code"]] <= iso(p["paid_on"]) <= AS_OF
        assert money(p["amount"]) > 0 and len(p["amount"].split(".")[1]) == 2


def test_contract_fields_follow_the_fund_rules(demo):
    _, contracts, _, _ = demo
    low_rate = date(2023, 9, 30)
    patterns = Counter()
    for c in contracts:
        assert c["fund"] == "WDF" and c["province"] == "ภูเก็ต"
        assert 20_000 <= money(c["principal"]) <= 200_000
        patterns[(c["installment_count"], c["interval_months"])] += 1
        if iso(c["contract_date"]) >= low_rate:
            assert c["interest_rate"] == c["default_rate"] == "0.10"
        else:
            assert c["default_rate"] in ("", "7.5")
            assert c["interest_rate"] == "" or Decimal("0.10") <= Decimal(c["interest_rate"]) <= 1
        assert c["status"] in ("", "active", "litigation", "judgment", "closed")
    assert set(patterns) == {("24", "1"), ("8", "3"), ("4", "6")}
    days = {iso(c["first_due_date"]).day for c in contracts}
    assert {29, 30, 31} <= days
    years = {iso(c["contract_date"]).year for c in contracts}
    assert min(years) <= 2013 and max(years) == 2026
    assert any("," in c["principal"] for c in contracts)
    assert any("," not in c["principal"] and "." not in c["principal"] for c in contracts)
    assert {"litigation", "judgment", "closed"} <= {c["status"] for c in contracts}


def test_areas_are_the_phuket_tree(demo):
    _, contracts, members, _ = demo
    assert [d["name"] for d in PHUKET] == ["เมืองภูเก็ต", "กะทู้", "ถลาง"]
    subs = {s["name"]: (d["name"], s["villages"]) for d in PHUKET for s in d["subdistricts"]}
    assert len(subs) == 17
    villages = [v for _, vs in subs.values() for v in vs]
    assert len(villages) == 96 == len(set(villages))
    for c in contracts:
        district, vs = subs[c["subdistrict"]]
        assert c["district"] == district
        assert c["village"] == "" or c["village"] in vs
    pinned = [m for m in members if m["lat"]]
    assert 0.45 < len(pinned) / len(members) < 0.75
    for m in pinned:
        assert LAT_RANGE[0] <= float(m["lat"]) <= LAT_RANGE[1]
        assert LNG_RANGE[0] <= float(m["lng"]) <= LNG_RANGE[1]


def test_payments_never_repeat_within_a_contract(demo):
    _, _, _, payments = demo
    keys = [tuple(p.values()) for p in payments]
    assert len(keys) == len(set(keys))


# --------------------------------------------------------------------------- classes


def test_class_mix_for_1000_contracts(thousand):
    _, found = thousand
    mix = Counter(r["class"] for r in found.values())
    for klass, pct in TARGET.items():
        assert abs(mix[klass] / 10 - pct) <= 5, (klass, mix)


def test_every_contract_is_what_it_was_built_to_be(thousand):
    data, found = thousand
    for e in data.expected():
        assert found[e["project_code"]]["class"] == e["class"], e


def test_prescription_alerts_have_contracts(thousand):
    _, found = thousand
    days = [r["days_to_prescription"] for r in found.values() if r["class"] == 2]
    for window in (7, 30, 90, 180):
        assert any(0 < d <= window for d in days), window
    assert all(d >= 0 for d in days)


def test_mix_holds_for_another_size_seed_and_date():
    data = generate(contracts=730, as_of=date(2025, 3, 31), seed=7)
    found = classes(data)
    mix = Counter(r["class"] for r in found.values())
    for klass, pct in TARGET.items():
        assert abs(mix[klass] / 7.3 - pct) <= 5, (klass, mix)
    for e in data.expected():
        assert found[e["project_code"]]["class"] == e["class"], e


def test_about_fifteen_percent_of_people_are_on_two_contracts(thousand):
    data, _ = thousand
    seen = Counter(m["national_id"] for m in data.members())
    shared = sum(1 for n in seen.values() if n == 2)
    assert max(seen.values()) == 2
    assert 0.10 <= shared / len(seen) <= 0.20


# --------------------------------------------------------------------------- personas


def test_personas_are_in_the_data_with_their_class(demo):
    data, contracts, members, payments = demo
    found = {c["project_code"]: classify(c, by_code(payments).get(c["project_code"], []), AS_OF)
             for c in contracts}
    people = {m["national_id"]: m for m in members}
    personas = data.personas()
    ids = [p["id"] for p in personas]
    assert len(ids) == len(set(ids))
    debtors = [p for p in personas if p["role"] == "debtor"]
    assert Counter(p["class"] for p in debtors) >= Counter({1: 1, 2: 1, 3: 1, 4: 1})
    for p in debtors:
        member = people[p["national_id"]]
        assert (p["birth_date"] or "") == member["birth_date"]
        assert (p["phone"] or "") == member["phone"]
        for code in p["project_codes"]:
            assert found[code]["class"] == p["class"], p["id"]
            assert any(m["national_id"] == p["national_id"] for m in by_code(members)[code])
    ended = next(p for p in debtors if p["id"] == "debtor-ended")
    assert 50 <= found[ended["project_codes"][0]]["days_to_prescription"] <= 70
    no_birth = next(p for p in debtors if p["birth_date"] is None)
    assert len(no_birth["phone"]) == 10
    roles = {m["role"] for p in debtors for m in members if m["national_id"] == p["national_id"]}
    assert roles == {"borrower", "co_debtor", "guarantor"}


def test_persona_shapes(demo):
    data, _, _, _ = demo
    personas = data.personas()
    for p in personas:
        assert p["user_id"].startswith("U") and len(p["user_id"]) == 33
        assert int(p["user_id"][1:], 16) >= 0 and p["user_id"][1:] == p["user_id"][1:].lower()
        assert p["label"] and p["description"] and p["hints"]
    roles = Counter(p["role"] for p in personas)
    assert roles["officer"] == 2 and roles["volunteer"] == 2 and roles["unknown"] == 1
    groups = data.groups()
    assert len(groups) == 2
    volunteers = {p["user_id"] for p in personas if p["role"] == "volunteer"}
    for g in groups:
        assert g["kind"] == "group" and g["group_id"].startswith("C") and len(g["group_id"]) == 33
        assert g["user_id"] in volunteers and set(g["area"]) == {"district", "subdistrict"}
    officers = [p for p in personas if p["role"] == "officer"]
    assert {o["district"] for o in officers} == {"เมืองภูเก็ต", None}
    assert all(o["hints"] == ["วันนี้", "ค้นหา สมศรี", "บันทึกเยี่ยม", "เข้าระบบ", "ช่วยเหลือ"] for o in officers)
    assert all(p["villages"] for p in data.staff() if p["role"] == "volunteer")


# --------------------------------------------------------------------------- determinism, speed


def test_same_arguments_same_rows():
    a, b = generate(300, AS_OF, 11), generate(300, AS_OF, 11)
    assert list(a.contracts()) == list(b.contracts())
    assert list(a.members()) == list(b.members())
    assert list(a.payments()) == list(b.payments())
    assert a.personas() == b.personas()
    assert list(generate(300, AS_OF, 12).payments()) != list(a.payments())


def test_files_are_byte_identical(tmp_path):
    generate(120, AS_OF, 5).write_csv(tmp_path / "a")
    generate(120, AS_OF, 5).write_csv(tmp_path / "b")
    for name in ("contracts.csv", "members.csv", "payments.csv", "personas.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    with open(tmp_path / "a" / "payments.csv", encoding="utf-8", newline="") as fh:
        assert not fh.read(1).startswith("\ufeff")
    with open(tmp_path / "a" / "contracts.csv", encoding="utf-8", newline="") as fh:
        assert tuple(next(csv.reader(fh))) == CONTRACT_COLUMNS
    doc = json.loads((tmp_path / "a" / "personas.json").read_text(encoding="utf-8"))
    assert doc["as_of"] == AS_OF.isoformat() and len(doc["personas"]) >= 14


CALLS_PER_PAYMENT_ROW = 40  # Python function calls; about 20 when this was written


def test_payments_stream():
    size = 20_000
    data = generate(size, AS_OF, 2568)
    rows: Iterator[dict[str, str]] = data.payments()
    assert not isinstance(rows, list)
    assert len(list(islice(rows, 10))) == 10  # first rows without building the rest
    # Fast enough for any province, counted rather than timed (a busy machine must not fail
    # it): the same small number of Python calls per row at two sizes, so no work grows with
    # the register.
    small, small_rows = _calls_streaming_payments(500)
    large, large_rows = _calls_streaming_payments(2_000)
    assert large_rows > 5 * 2_000
    assert large / large_rows <= CALLS_PER_PAYMENT_ROW, large / large_rows
    assert large / large_rows <= 1.1 * small / small_rows


def _calls_streaming_payments(size: int) -> tuple[int, int]:
    """(Python function calls, rows) while payments() streams a register of `size` contracts."""
    calls = rows = 0

    def count(_frame, event, _arg):  # type: ignore[no-untyped-def]
        nonlocal calls
        if event == "call":
            calls += 1

    data = generate(size, AS_OF, 2568)
    sys.setprofile(count)
    try:
        for _ in data.payments():
            rows += 1
    finally:
        sys.setprofile(None)
    return calls, rows


def test_a_national_register_spreads_blocks_over_provinces_and_funds():
    data = SampleData(contracts=700, provinces=3, funds=2)
    rows = list(data.contracts())
    assert {r["province"] for r in rows[:BLOCK]} == {PROVINCE} and {r["fund"] for r in rows[:BLOCK]} == {FUND}
    assert {r["province"] for r in rows} == {PROVINCE, f"{PROVINCE} 2", f"{PROVINCE} 3"}
    assert {r["fund"] for r in rows} == {FUND, f"{FUND}2"}
    districts_by_province: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        districts_by_province[r["province"]].add(r["district"])
    named = list(districts_by_province.values())
    assert all(not a & b for i, a in enumerate(named) for b in named[i + 1:])  # a district is its province's own
    assert len({r["project_code"] for r in rows}) == 700
    assert rows[:BLOCK] == list(islice(SampleData(contracts=700).contracts(), BLOCK))  # the personas' block as ever
