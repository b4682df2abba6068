"""The JSON API for contracts and follow-ups agrees with the money rules."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from tests import factories as f

AUTH = {"Authorization": "Bearer test-admin-token"}


@pytest.fixture
def register(db):  # type: ignore[no-untyped-def]
    """Four contracts, one of each class on 2026-11-20, in two districts."""
    with Session(db) as session:
        chalong = f.area(session, "เมืองภูเก็ต", "ฉลอง")
        patong = f.area(session, "กะทู้", "ป่าตอง")
        borrower = f.person(session, national_id="3830100622191", first_name="สมศรี")
        guarantor = f.person(session, first_name="ประเสริฐ")
        # class 1: ended 2017, last paid 2019-06-30
        barred = f.contract(session, code="PKT-2558-0001", where=chalong, contract_date=date(2015, 1, 10),
                            first_due_date=date(2015, 2, 10), installment_count=24, principal=24000)
        f.payment(session, barred, date(2019, 6, 30), "500.00")
        f.member(session, barred, borrower)
        f.member(session, barred, guarantor, "guarantor")
        # class 2: ended, last paid 2021-12-31 → 41 days to the limit
        ended = f.contract(session, code="PKT-2561-0002", where=patong, contract_date=date(2018, 1, 10),
                           first_due_date=date(2018, 2, 10), installment_count=24, principal=24000,
                           demand_letter_date=date(2024, 5, 1))
        f.payment(session, ended, date(2021, 12, 31), "12000.00")
        # class 3: 2 installments behind
        late = f.contract(session, code="PKT-2568-0003", where=chalong, contract_date=date(2025, 8, 1),
                          first_due_date=date(2025, 9, 1), installment_count=24, principal=24000)
        f.member(session, late, f.person(session, first_name="อรุณี"), "co_debtor")
        for month in (9, 10, 11, 12):
            f.payment(session, late, date(2025, month, 1), "1000.00")
        for month in range(1, 10):
            f.payment(session, late, date(2026, month, 1), "1000.00")
        # class 4, and a closed one
        fine = f.contract(session, code="PKT-2569-0004", where=chalong, contract_date=date(2026, 9, 1),
                          first_due_date=date(2026, 10, 1), installment_count=24, principal=24000)
        f.payment(session, fine, date(2026, 10, 1), "1000.00")
        f.payment(session, fine, date(2026, 11, 1), "1000.00")
        f.contract(session, code="PKT-2555-0005", where=chalong, status="closed")
        session.commit()


def test_the_api_needs_the_token(app, register):
    client = app.test_client()
    assert client.get("/api/contracts/PKT-2568-0003").status_code == 401
    assert client.get("/api/followups").status_code == 401


def test_contract_figures_follow_the_money_rules(app, register):
    body = app.test_client().get("/api/contracts/PKT-2568-0003?as_of=2026-11-20", headers=AUTH).get_json()
    assert body["class"] == 3 and body["class_name"] == "ลูกหนี้ผิดนัดชำระหนี้"
    assert body["outstanding_principal"] == "11000.00"
    assert (body["overdue_amount"], body["overdue_installments"]) == ("2000.00", 2)  # Oct and Nov 2026
    assert (body["next_due_date"], body["next_due_amount"]) == ("2026-12-01", "1000.00")
    assert body["last_payment_date"] == "2026-09-01" and body["contract_end_date"] == "2027-08-01"
    assert body["days_to_prescription"] is None
    # 1000 × 7.5% × (50 + 19) days / 365
    assert body["default_interest"] == "14.18"
    assert body["recommended_measures"] == ["M2", "M5", "M6"]


def test_as_of_moves_the_picture(app, register):
    client = app.test_client()
    earlier = client.get("/api/contracts/PKT-2568-0003?as_of=2026-09-20", headers=AUTH).get_json()
    assert (earlier["class"], earlier["overdue_installments"]) == (4, 0)
    ended = client.get("/api/contracts/PKT-2561-0002?as_of=2026-11-20", headers=AUTH).get_json()
    assert ended["class"] == 2 and ended["days_to_prescription"] == 41
    # no guarantor or co-debtor on this contract, so no M2; its demand letter went out in May 2024,
    # long past M3's 30 days (issue 15, item 6); in its window, M3 is recommended
    assert ended["recommended_measures"] == ["M1", "M4", "M5", "M6", "M7"]
    in_window = client.get("/api/contracts/PKT-2561-0002?as_of=2024-05-20", headers=AUTH).get_json()
    assert "M3" in in_window["recommended_measures"]
    barred = client.get("/api/contracts/PKT-2558-0001", headers=AUTH).get_json()  # today per the clock
    assert barred["class"] == 1 and barred["days_to_prescription"] < 0
    assert [m["role"] for m in barred["members"]] == ["borrower", "guarantor"]
    assert barred["members"][0]["national_id_masked"] == "3-xxxx-xxxxx-19-1"
    assert "3830100622191" not in str(barred)
    closed = client.get("/api/contracts/PKT-2555-0005", headers=AUTH).get_json()
    assert closed["class"] is None and closed["recommended_measures"] == []


def test_unknown_contract_and_bad_dates(app, register):
    client = app.test_client()
    assert client.get("/api/contracts/NOPE", headers=AUTH).status_code == 404
    bad = client.get("/api/contracts/PKT-2568-0003?as_of=20/11/2569", headers=AUTH)
    assert bad.status_code == 400 and "as_of" in bad.get_json()["detail"]


def test_followups_in_priority_order_and_by_district(app, register):
    client = app.test_client()
    rows = client.get("/api/followups?as_of=2026-11-20", headers=AUTH).get_json()
    assert [(r["project_code"], r["reason"]) for r in rows] == [
        ("PKT-2558-0001", "time_barred"), ("PKT-2561-0002", "prescription_near"), ("PKT-2568-0003", "in_default")]
    assert "41 วัน" in rows[1]["reason_text"] and "รับสภาพหนี้" in rows[1]["next_action"]
    assert rows[1]["district"] == "กะทู้"
    only = client.get("/api/followups?as_of=2026-11-20&district=กะทู้", headers=AUTH).get_json()
    assert [r["project_code"] for r in only] == ["PKT-2561-0002"]
    assert client.get("/api/followups?district=ไม่มี", headers=AUTH).get_json() == []


def test_every_followup_row_carries_the_interface_keys(app, register, db):
    rows = app.test_client().get("/api/followups?as_of=2026-11-20", headers=AUTH).get_json()
    for row in rows:
        assert {"project_code", "class", "reason", "days_to_prescription"} <= set(row)
