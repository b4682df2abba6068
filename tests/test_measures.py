"""Which relief measures fit whom (DOMAIN.md), with the measures read from the data file."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.measures import MeasureFileError, Situation, eligible, parse_measures, recommended_ids
from services.measure_store import BUNDLED, read_measures_file

TODAY = date(2026, 11, 20)
NEW = date(2024, 1, 10)  # a contract on or after 2023-09-30: already on the low rate
OLD = date(2016, 3, 1)  # an old-fund contract (before 2017)
VERSION, MEASURES = read_measures_file(BUNDLED)


def fits(situation: Situation, measures=MEASURES, audience: str = "debtor") -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(f.measure.id, f.reason) for f in eligible(measures, situation, TODAY, audience=audience)]


def ids(situation: Situation, **kw) -> list[str]:  # type: ignore[no-untyped-def]
    return [m for m, _ in fits(situation, **kw)]


@pytest.mark.parametrize(("debtor_class", "table"), [
    (1, ["ACK_LIABILITY", "M2", "M5", "M6", "M7", "LITIGATION"]),
    (2, ["ACK_DEBT", "M1", "M2", "M5", "M6", "M7", "LITIGATION"]),
    (3, ["M2", "M5", "M6"]),
    (4, ["M2", "ADVICE"]),
])
def test_an_officers_view_follows_domain_tables_order(debtor_class, table):
    # a new-rate contract with no demand letter: neither M3 nor M4 applies
    situation = Situation(debtor_class=debtor_class, contract_date=NEW, status="active", demand_letter=False)
    assert ids(situation, audience="officer") == table


def test_debtors_never_see_litigation_as_a_measure():
    assert "LITIGATION" not in ids(Situation(debtor_class=1, role="borrower"))


def test_a_borrower_in_default_who_can_pay_off_gets_the_payoff_measure():
    s = Situation(debtor_class=3, role="borrower", contract_date=NEW, status="active", demand_letter=False,
                  hardship="none", payoff="within_30")
    assert fits(s) == [("M5", "payoff")]
    assert ids(replace(s, payoff="not_yet")) == []  # nothing fits: the message then offers an officer


def test_guarantor_may_leave_a_guarantee_but_the_main_borrower_may_not():
    guarantor = Situation(debtor_class=4, role="guarantor", contract_date=OLD, wish="leave_guarantee")
    assert ("M2", "leave_guarantee") in fits(guarantor)
    assert "M2" not in ids(replace(guarantor, role="borrower"))
    assert "M2" not in ids(replace(guarantor, wish="other"))


def test_co_debtor_release_is_for_contracts_from_2017():
    co = Situation(debtor_class=3, role="co_debtor", contract_date=date(2017, 1, 1), wish="release_share",
                   hardship="none", payoff="need_time", status="active", demand_letter=False)
    assert fits(co) == [("M2", "release_share"), ("M4", "older_contract")]
    assert "M2" not in ids(replace(co, contract_date=date(2016, 12, 31)))


def test_the_rate_measure_depends_on_the_contract_date_and_court():
    s = Situation(debtor_class=3, role="borrower", hardship="none", payoff="not_yet", status="active",
                  demand_letter=False)
    assert "M4" in ids(replace(s, contract_date=date(2023, 9, 29)))
    assert "M4" not in ids(replace(s, contract_date=date(2023, 9, 30)))
    assert ("M4", "older_contract_maybe") in fits(replace(s, contract_date=None))
    assert "M4" not in ids(replace(s, contract_date=OLD, status="litigation"))
    assert "M4" not in ids(replace(s, contract_date=OLD, status="judgment"))


def test_settlement_discounts_after_a_demand_letter_or_in_court_but_not_after_judgment():
    s = Situation(debtor_class=2, role="borrower", contract_date=NEW, hardship="none", payoff="within_30")
    assert ("M3", "demand_letter") in fits(replace(s, status="active", demand_letter=True,
                                                   demand_letter_date=TODAY - timedelta(days=10)))
    assert ("M3", "demand_letter_maybe") in fits(replace(s, status="active", demand_letter=True))
    assert ("M3", "court_settlement") in fits(replace(s, status="litigation"))
    judged = ids(replace(s, status="judgment"))
    assert "M3" not in judged and "M7" not in judged and "M4" not in judged
    assert "M3" not in ids(replace(s, status="active", demand_letter=False))


@pytest.mark.parametrize("hardship", ["disabled", "elderly", "deceased", "unable_to_work"])
def test_hardship_cases(hardship):
    s = Situation(debtor_class=2, role="co_debtor", contract_date=NEW, status="active", demand_letter=False,
                  hardship=hardship, payoff="not_yet", wish="other")
    assert ("M6", hardship) in fits(s)
    assert "M6" not in ids(replace(s, hardship="none"))


@pytest.mark.parametrize("debtor_class", [1, 2, 3, 4])
@pytest.mark.parametrize("role", ["borrower", "co_debtor", "guarantor"])
@pytest.mark.parametrize("payoff", ["all_now", "need_time"])
def test_every_class_and_role_gets_sensible_measures(debtor_class, role, payoff):
    s = Situation(debtor_class=debtor_class, role=role, contract_date=OLD, status="active", demand_letter=False,
                  hardship="none", payoff=payoff, wish="leave_guarantee" if role == "guarantor" else "release_share")
    found = ids(s)
    assert found == sorted(found, key=[m.id for m in MEASURES].index)  # DOMAIN.md's order
    assert ("M2" in found) == (role == "guarantor")  # old contract: guarantors may leave; no release
    assert ("M5" in found) == (payoff == "all_now" and debtor_class != 4)
    assert ("ADVICE" in found) == (debtor_class == 4)
    assert ("ACK_LIABILITY" in found) == (debtor_class == 1) and ("ACK_DEBT" in found) == (debtor_class == 2)


def test_numbers_and_classes_are_data():
    with BUNDLED.open("rb") as handle:
        document = tomllib.load(handle)
    m3 = next(m for m in document["measure"] if m["id"] == "M3")
    m3["params"]["before_suit_discount"] = 70
    m5 = next(m for m in document["measure"] if m["id"] == "M5")
    m5["classes"] = [1, 2, 3, 4]
    _, changed = parse_measures(document)
    m3_changed = next(m for m in changed if m.id == "M3")
    assert "70%" in m3_changed.fill(m3_changed.summary) and "80%" not in m3_changed.fill(m3_changed.summary)
    normal = Situation(debtor_class=4, role="borrower", payoff="all_now")
    assert "M5" in ids(normal, measures=changed) and "M5" not in ids(normal)


def test_measures_not_in_force_are_left_out():
    later = [replace(m, effective_from=date(2027, 1, 1)) if m.id == "M6" else m for m in MEASURES]
    s = Situation(debtor_class=3, role="borrower", hardship="elderly", payoff="not_yet", contract_date=NEW)
    assert "M6" in ids(s) and "M6" not in ids(s, measures=later)


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.pop("version"), "version"),
    (lambda d: d["measure"][2].pop("classes"), "classes is missing"),
    (lambda d: d["measure"][2].update(classes=[5]), "classes must be among"),
    (lambda d: d["measure"][2].update(next_step="somewhere"), "next_step"),
    (lambda d: d["measure"][2].update(summary="อีก {years} ปี"), "params has no such number"),
    (lambda d: d["measure"].append(dict(d["measure"][0])), "appears twice"),
    (lambda d: d["measure"][2].update(short_name="ปรับโครงสร้างหนี้ให้ยาวขึ้น"), "short_name must be at most 20 .* has 27"),
    (lambda d: next(m for m in d["measure"] if m["id"] == "M6").pop("short_name"), "it is missing and the name"),
])
def test_a_broken_measures_file_says_what_is_wrong(change, message):
    with BUNDLED.open("rb") as handle:
        document = tomllib.load(handle)
    change(document)
    with pytest.raises(MeasureFileError, match=message):
        parse_measures(document)


def test_the_api_lists_only_m_numbered_measures():
    s = Situation(debtor_class=1, contract_date=OLD, status="active", demand_letter=True, has_co_obligors=False)
    assert recommended_ids(MEASURES, s, TODAY) == ["M3", "M4", "M5", "M6", "M7"]


def test_the_settlement_discount_before_a_suit_only_inside_its_window():
    """The quiz offered M3 to someone whose demand letter was from 2019 (issue 15, item 6)."""
    s = Situation(debtor_class=2, role="borrower", contract_date=NEW, status="active", demand_letter=True,
                  hardship="none", payoff="within_30")
    on = {days: "M3" in ids(replace(s, demand_letter_date=TODAY - timedelta(days=days)))
          for days in (0, 1, 29, 30, 31, 365)}
    assert on == {0: True, 1: True, 29: True, 30: True, 31: False, 365: False}
    assert "M3" not in ids(replace(s, demand_letter_date=date(2019, 3, 1)))
    assert "M3" in ids(replace(s, status="litigation", demand_letter_date=date(2019, 3, 1)))  # in court: its own rule


@given(st.dates(min_value=date(2015, 1, 1), max_value=date(2027, 12, 31)), st.integers(1, 120))
def test_m3_before_a_suit_is_offered_exactly_within_the_measures_own_number_of_days(letter, window):
    m3 = next(m for m in MEASURES if m.id == "M3")
    measures = [replace(m3, params={**m3.params, "before_suit_days": window})]
    s = Situation(debtor_class=3, role="co_debtor", status="active", demand_letter=True, demand_letter_date=letter)
    offered = bool(ids(s, measures=measures))
    assert offered == (letter <= TODAY <= letter + timedelta(days=window) or letter > TODAY)


def test_every_measure_has_a_short_name_that_fits_a_button():
    assert all(m.short_name and len(m.label) <= 20 for m in MEASURES)
    assert len({m.label for m in MEASURES}) == len(MEASURES)  # told apart by name alone
