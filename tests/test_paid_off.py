"""A contract whose payments cover its principal is paid off: closed everywhere, not "ลูกหนี้ปกติ".

The field trial found 13,000 paid on a 12,000 loan still called class 4 by the API and the
balance card (issue 15, item 6). The rule is domain.money's; these tests follow it to
every place that shows a contract's standing.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session

from domain.clock import BANGKOK
from models import StaffMember
from tests import factories as f
from tests.conftest import ADMIN
from tests.helpers import USER, texts
from tests.test_console import page, signed_in

OFFICER = "U" + "0f" * 16
AUTH = {"Authorization": f"Bearer {ADMIN}"}
CODE = "PKT-2568-0777"


@pytest.fixture
def paid_off(db, clock):  # type: ignore[no-untyped-def]
    """A verified borrower who paid 13,000 on a 12,000 loan still inside its term; an officer."""
    with Session(db) as session:
        where = f.area(session)
        who = f.person(session)
        contract = f.contract(session, code=CODE, where=where, contract_date=date(2026, 1, 5),
                              first_due_date=date(2026, 2, 5), principal=12000, installment_count=12)
        f.member(session, contract, who)
        f.payment(session, contract, date(2026, 2, 5), "1000.00")
        f.payment(session, contract, date(2026, 6, 5), "12000.00")
        f.link(session, who, USER)
        session.add(StaffMember(line_user_id=OFFICER, name="กมลชนก", role="officer", district_id=where.parent_id,
                                created_at=clock.now()))
        session.commit()
        return who.id


def test_the_api_gives_no_class_and_no_measures(app, paid_off):
    body = app.test_client().get(f"/api/contracts/{CODE}?as_of=2026-11-20", headers=AUTH).get_json()
    assert (body["class"], body["class_name"]) == (None, None)
    assert body["outstanding_principal"] == "0.00" and body["recommended_measures"] == []
    before = app.test_client().get(f"/api/contracts/{CODE}?as_of=2026-05-20", headers=AUTH).get_json()
    assert before["class"] == 3  # before the big payment it was behind
    listed = app.test_client().get("/api/followups?as_of=2026-11-20", headers=AUTH).get_json()
    assert CODE not in [row["project_code"] for row in listed]


def test_the_debtor_is_thanked_instead_of_shown_a_balance(line, paid_off):
    said = texts(line.say("ยอดหนี้"))
    assert "ชำระครบ" in said and "ขอบคุณ" in said and CODE in said
    assert "ลูกหนี้ปกติ" not in said and "คงเหลือ" not in said


def test_the_officers_card_and_console_say_closed(app, line, paid_off):
    card = texts(line.say(f"ค้นหา {CODE}", user=OFFICER))
    assert "ปิดบัญชีแล้ว" in card and "ลูกหนี้ปกติ" not in card
    html = page(signed_in(app, OFFICER), f"/console/people/{paid_off}").get_data(as_text=True)
    assert "ปิดบัญชีแล้ว" in html and "ลูกหนี้ปกติ" not in html


def test_no_reminder_goes_to_a_paid_off_debtor(app, fake, clock, paid_off):
    for day in (date(2026, 12, 2), date(2026, 12, 5), date(2026, 12, 9)):  # around its next due date
        clock.set(datetime(day.year, day.month, day.day, 10, tzinfo=BANGKOK))
        assert app.test_cli_runner().invoke(args=["scheduler", "--once"]).exit_code == 0
    to_user = [r for r in fake.requests() if r["path"] in ("/v2/bot/message/push", "/v2/bot/message/multicast")
               and USER in str(r["body"]["to"])]
    assert to_user == []
