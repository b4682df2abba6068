"""The officer's list in LINE (`วันนี้`, the morning digest): what waits for someone first, then the
day's rows, then the register's; paged with a button; each row opens its person's card; a way to
the web console; and never a developer's route in anything a person reads."""

from __future__ import annotations

import ast
import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.clock import BANGKOK
from domain.followups import FollowupRow
from messages.followups import shown
from messages.payloads import ListPage, ProjectCard
from models import AppointmentSession, Booking, ContactRequest, FieldUpdate, MeasureApplication, StaffMember
from tests import factories as f
from tests.helpers import OFFICER, USER, texts

ROOT = Path(__file__).resolve().parents[1]
AUTH = {"Authorization": "Bearer test-admin-token"}
GUEST = "U" + "7" * 32
REGISTER = 23  # contracts in default in the officer's district: three pages with what waits


@pytest.fixture
def district(db, clock):  # type: ignore[no-untyped-def]
    """A district officer; 23 contracts in default there and one elsewhere; two contact requests
    (a verified debtor's and a guest's), an application, a new booking, and today's field update."""
    now = clock.now()
    with Session(db) as session:
        chalong = f.area(session, "เมืองภูเก็ต", "ฉลอง")
        session.flush()
        session.add(StaffMember(line_user_id=OFFICER, name="กมลชนก", role="officer",
                                district_id=chalong.parent_id, created_at=now))
        contracts = []
        for n in range(REGISTER):
            contract = f.contract(session, where=chalong, code=f"PKT-2567-{n + 1:04d}",
                                  principal=12000 + 1000 * n)  # arrears grow with n: the list's order is by arrears
            f.member(session, contract, f.person(session, first_name=f"สมาชิก{n + 1}", last_name="ใจดี"))
            contracts.append(contract)
        elsewhere = f.contract(session, where=f.area(session, "กะทู้", "ป่าตอง"), code="PKT-2567-0900")
        f.member(session, elsewhere, f.person(session, first_name="ฮาลีมะ", last_name="หมัดหลี"))
        somsri = f.person(session, first_name="สมศรี", last_name="แก้วประดับ")
        f.member(session, contracts[0], somsri, "co_debtor")
        f.link(session, somsri, USER)
        session.add_all([
            ContactRequest(line_user_id=USER, topic="payment", message="ขอผ่อนงวดเดือนนี้ช้าหน่อยค่ะ",
                           callback_phone="0812345678", status="open", created_at=now - timedelta(hours=3),
                           person_id=somsri.id),
            ContactRequest(line_user_id=GUEST, topic="other", message="อยากสอบถามค่ะ", callback_phone="0898765432",
                           status="open", created_at=now - timedelta(hours=1), taken_by="ธนากร", taken_at=now),
            ContactRequest(line_user_id=GUEST, topic="other", message="คำถามเก่าที่ปิดไปแล้ว", status="done",
                           created_at=now - timedelta(days=2)),
            MeasureApplication(person_id=somsri.id, contract_id=contracts[0].id, measure_id="M1", answers={},
                               status="submitted", submitted_at=now, status_changed_at=now),
        ])
        clinic = AppointmentSession(kind="clinic", title="คลินิกแก้หนี้", place="ศาลากลาง",
                                    starts_at=now + timedelta(days=5), ends_at=now + timedelta(days=5, hours=3),
                                    capacity=10, documents=[], status="open", created_at=now)
        session.add(clinic)
        session.flush()
        session.add(Booking(session_id=clinic.id, person_id=somsri.id, line_user_id=USER, kind="clinic", seat=1,
                            capacity=10, slot_start=clinic.starts_at, status="booked", sequence=0, checklist={},
                            created_at=now - timedelta(days=1), updated_at=now))
        session.add(FieldUpdate(author=OFFICER, text="กลุ่มประชุมกันที่ศาลา", photos=[], contract_id=contracts[5].id,
                                created_at=now, updated_at=now))
        session.commit()
        return {"somsri": somsri.id}


def carousel_rows(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The row bubbles of a page (every bubble but the page's own, the last)."""
    [carousel] = [m for m in messages if m["type"] == "flex"]
    return carousel["contents"]["contents"][:-1]


def page_card(messages: list[dict[str, Any]]) -> dict[str, Any]:
    return [m for m in messages if m["type"] == "flex"][0]["contents"]["contents"][-1]


def title(bubble: dict[str, Any]) -> str:
    return bubble["body"]["contents"][1]["text"]


def actions(bubble: dict[str, Any]) -> list[dict[str, Any]]:
    return [c["action"] for c in (bubble.get("footer") or {}).get("contents", [])]


def test_what_waits_comes_first_then_the_days_rows_then_the_register(line, district):
    first = line.say("วันนี้", user=OFFICER)
    summary = first[0]["text"]
    assert "ข้อความถึงเจ้าหน้าที่ 2 · คำขอมาตรการ 1 · จองนัดใหม่ 1 · ข่าวจากพื้นที่ 1 · ผิดนัด 23" in summary
    assert f"{2 + 1 + 1 + 1 + REGISTER} รายการ" in summary
    rows = carousel_rows(first)
    assert len(rows) == 10
    titles = [title(b) for b in rows]
    assert titles[:4] == ["สมศรี แก้วประดับ PKT-2567-0001", "ผู้ติดต่อที่ยังไม่ยืนยันตัวตน",
                          "สมศรี แก้วประดับ PKT-2567-0001", "สมศรี แก้วประดับ"]
    said = texts(first)
    assert "ธนากร รับเรื่องแล้ว" in said  # taken but not yet answered: still waiting
    assert "ขอผ่อนงวดเดือนนี้ช้าหน่อยค่ะ" in said and "โทรกลับ 0812345678" in said and "คำถามเก่า" not in said
    assert "ปรับโครงสร้างหนี้" in said and "จองคลินิกแก้หนี้" in said
    assert titles[4].startswith("PKT-2567-0006") and "กลุ่มประชุมกันที่ศาลา" in said  # the day's news
    assert titles[5].startswith("PKT-2567-0023")  # then the register, largest arrears first
    assert "PKT-2567-0900" not in json.dumps(first, ensure_ascii=False)  # another district's
    guest_buttons = actions(rows[1])
    assert [a["label"] for a in guest_buttons] == ["โทรกลับ"] and guest_buttons[0]["uri"] == "tel:0898765432"


def test_every_row_opens_a_card_and_the_pages_follow_the_lists_order(app, line, district):
    first = line.say("วันนี้", user=OFFICER)
    card = line.tap(actions(carousel_rows(first)[0])[0]["data"], user=OFFICER)  # the contact request
    assert card[0]["type"] == "flex" and card[0]["altText"] == "ประวัติ สมศรี แก้วประดับ"
    project = line.tap(actions(carousel_rows(first)[5])[0]["data"], user=OFFICER)  # a register row: its one member
    assert project[0]["altText"] == "ประวัติ สมาชิก23 ใจดี"
    shared = line.tap(ProjectCard(code="PKT-2567-0001").pack(), user=OFFICER)  # two members: choose
    assert "พบ 2 คน" in texts(shared) and "สมศรี แก้วประดับ" in texts(shared)
    assert "ไม่พบ" in texts(line.tap(ProjectCard(code="PKT-2567-0900").pack(), user=OFFICER))  # another district
    assert "ยังไม่เข้าใจ" not in texts(shared) and "ข้อมูลนี้สำหรับเจ้าหน้าที่" in texts(
        line.tap(ProjectCard(code="PKT-2567-0001").pack(), user=USER))
    seen, page, pages = [], first, 0
    while True:
        pages += 1
        seen += [title(b) for b in carousel_rows(page)]
        card = page_card(page)
        assert "ดูทั้งหมดในเว็บ" in texts([card]) and "ขอลิงก์เข้าระบบเว็บ" in texts([card])
        assert any(a.get("uri") == "http://localhost:8000/console/" for a in actions(card))
        following = [a for a in actions(card) if a["label"].startswith("หน้าถัดไป")]
        if not following:
            break
        page = line.tap(following[0]["data"], user=OFFICER)
        assert page[0]["type"] == "flex"  # later pages: the carousel only
    assert pages == 3 and len(seen) == 5 + REGISTER and len(set(seen[5:])) == REGISTER
    api = app.test_client().get("/api/followups?district=เมืองภูเก็ต", headers=AUTH).get_json()
    register = [f"{r['project_code']} {r['project_name']}" for r in api if r["reason"] == "in_default"]
    assert seen[5:] == register  # the register's rows in the order of GET /api/followups


def test_a_page_button_of_an_earlier_day_starts_todays_list(line, clock, district):
    first = line.say("วันนี้", user=OFFICER)
    following = [a for a in actions(page_card(first)) if a["label"].startswith("หน้าถัดไป")][0]
    clock.advance(days=1)
    again = line.tap(following["data"], user=OFFICER)
    assert "รายการของวันนี้" in again[0]["text"] and "รายการติดตามวันนี้" in again[1]["text"]
    assert "ยังไม่เข้าใจ" in texts(line.tap(ListPage(page=2, day=clock.now().date().isoformat()).pack(), user=USER))
    assert "ยังไม่เข้าใจ" in texts(line.tap(following["data"], user=GUEST))


def test_the_morning_digest_is_the_lists_first_page(app, fake, clock, district):
    clock.set(datetime(2026, 11, 20, 8, 5, tzinfo=BANGKOK))
    result = app.test_cli_runner().invoke(args=["scheduler", "--once"])
    assert result.exit_code == 0, result.output
    [digest] = [r["body"]["messages"] for r in fake.requests("/v2/bot/message/push")
                if r["status"] == 200 and r["body"]["to"] == OFFICER and "รายการติดตามวันนี้" in json.dumps(
                    r["body"], ensure_ascii=False)]
    assert [title(b) for b in carousel_rows(digest)][0] == "สมศรี แก้วประดับ PKT-2567-0001"
    assert any(a["label"].startswith("หน้าถัดไป") for a in actions(page_card(digest)))


# --- never a developer's route -------------------------------------------------------------

ROUTE = re.compile(r"/api/|\b(?:GET|POST|PUT|DELETE) /|flask --app")  # an HTTP route, or a command for the server


def _string_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_no_words_people_read_name_a_developers_route():
    """Every word a person reads is made in messages/: none of it may show `GET /api/...` or a server command."""
    found = [f"{path.relative_to(ROOT)}:{line}: {text[:60]!r}" for path in sorted((ROOT / "messages").glob("*.py"))
             for line, text in _string_literals(path) if ROUTE.search(text)]
    assert not found, "a developer's route in words people read:\n" + "\n".join(found)


def test_a_list_longer_than_a_page_says_where_the_rest_is_without_a_route(line, district):
    for replies in (line.say("วันนี้", user=OFFICER), line.say("today", user=OFFICER)):
        assert not ROUTE.search(texts(replies)), texts(replies)


def test_rows_are_worded_from_their_values() -> None:
    """The stored list keeps values; the sentences officers read are made from them when shown."""
    position = {"overdue_amount": "1234.50", "overdue_installments": 2, "last_payment_date": "2021-12-31",
                "days_to_prescription": 41}
    worded = {reason: shown(FollowupRow({"reason": reason, **position}))["reason_text"]
              for reason in ("time_barred", "prescription_near", "in_default")}
    assert worded == {
        "time_barred": "ขาดอายุความ: ไม่มีการชำระเกิน 5 ปี (ชำระล่าสุด 31 ธ.ค. 2564) ค้าง 1,234.50 บาท",
        "prescription_near": "สิ้นสุดสัญญา: อีก 41 วันจะครบ 5 ปี (31 ธ.ค. 2569) ค้าง 1,234.50 บาท",
        "in_default": "ผิดนัดชำระ 2 งวด รวม 1,234.50 บาท",
    }
    broken = shown(FollowupRow({"reason": "promise_broken", "amount": "500.00", "due_on": "2026-11-30",
                                "paid": "0.00"}, {"officer": "กมลชนก"}))
    assert broken["reason_text"] == ("ยังไม่ได้ตามที่สัญญา: สัญญาว่าจะชำระ 500.00 บาท ภายใน 30 พ.ย. 2569 "
                                     "(บันทึกโดย กมลชนก) ยังไม่พบการชำระ")
    assert broken["next_action"].startswith("สอบถามความเป็นอยู่") and broken["paid"] == "0.00"


def test_each_page_of_the_list_and_the_digest_is_on_the_audit_trail(app, line, db, fake, clock, district):
    """The list names people (who asked, with their words and phone; who applied or booked): each
    page an officer opens, and the morning digest once a day, records whom it named."""
    from models import DataAccess

    line.say("วันนี้", user=OFFICER)
    clock.set(datetime(2026, 11, 20, 8, 5, tzinfo=BANGKOK))
    assert app.test_cli_runner().invoke(args=["scheduler", "--once"]).exit_code == 0
    assert app.test_cli_runner().invoke(args=["scheduler", "--once"]).exit_code == 0  # caught up: no second record
    with Session(db) as session:
        trail = session.execute(select(DataAccess.action, DataAccess.person_id, DataAccess.viewer_name)
                                .order_by(DataAccess.id)).all()
    assert trail == [("today", district["somsri"], "กมลชนก"), ("digest", district["somsri"], "กมลชนก")]
