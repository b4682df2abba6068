"""Officers in LINE: find a person, their history card, record a visit with a promise, kept or broken;
the district report; a volunteer's location as a map pin; the audit trail of who saw whom."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from devtools.fakeline import events as ev
from domain.clock import BANGKOK
from messages import visits as visit_msgs
from messages.payloads import PersonCard, PinAction, VisitFor
from models import (
    Contract,
    DataAccess,
    FieldUpdate,
    LineGroup,
    MeasureApplication,
    Person,
    ProcessedEvent,
    PromiseToPay,
    StaffMember,
    Visit,
)
from services.casefile import person_file
from tests import factories as f
from tests.helpers import GROUP, OFFICER, USER, internal_codes, press, quick_replies, shown_words, texts

VOLUNTEER = "U" + "ab" * 16
AUTH = {"Authorization": "Bearer test-admin-token"}
CODE = "PKT-2567-0777"


@pytest.fixture
def register(db, clock):  # type: ignore[no-untyped-def]
    """A borrower in default in Chalong, two people of the same name, an officer and a volunteer."""
    with Session(db) as session:
        chalong = f.area(session, "เมืองภูเก็ต", "ฉลอง")
        contract = f.contract(session, where=chalong, code=CODE, contract_date=date(2025, 6, 1),
                              first_due_date=date(2025, 7, 1), installment_count=24, principal=24000)
        f.payment(session, contract, date(2025, 7, 1), "1000.00")
        somsri = f.person(session, first_name="สมศรี", last_name="แก้วประดับ", phone="0899990001",
                          national_id=f.national_id(4_242_421))
        f.member(session, contract, somsri)
        f.person(session, first_name="มาลี", last_name="ทองดี")
        f.person(session, first_name="มาลี", last_name="ทองคำ")
        session.add(StaffMember(line_user_id=OFFICER, name="กมลชนก", role="officer", district_id=chalong.parent_id,
                                created_at=clock.now()))
        session.add(StaffMember(line_user_id=VOLUNTEER, name="รัตนา", role="volunteer", created_at=clock.now()))
        session.add(LineGroup(group_id=GROUP, name="กลุ่มฉลอง", area_id=chalong.id, joined_at=clock.now(),
                              bound_at=clock.now()))
        session.commit()
        return {"somsri": somsri.id, "national_id": somsri.national_id}


def rows(app, as_of: date) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return app.test_client().get(f"/api/followups?as_of={as_of}", headers=AUTH).get_json()


def import_payment(app, clock, tmp_path: Path, paid_on: str, amount: str) -> None:  # type: ignore[no-untyped-def]
    """The bank's file of a payment, imported the morning after it was paid (a payment dated after
    the import's day is refused)."""
    next_morning = datetime.combine(date.fromisoformat(paid_on) + timedelta(days=1), time(9), tzinfo=BANGKOK)
    clock.set(max(clock.now(), next_morning))
    path = tmp_path / "payments.csv"
    path.write_text(f"project_code,paid_on,amount,reference\n{CODE},{paid_on},{amount},R-{paid_on}\n",
                    encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output


def pushes_to(fake, user: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """The pushes that reached `user` (in tests they are sent before the webhook answers)."""
    return [r for r in fake.requests("/v2/bot/message/push") if r["body"]["to"] == user]


def test_find_shows_the_history_card_and_is_audited(line, db, register):
    last4 = register["national_id"][-4:].translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    card = line.say(f"ค้นหา {last4}", user=OFFICER)  # the ID's last digits, typed in Thai digits
    shown = texts(card)
    assert "สมศรี แก้วประดับ" in shown and CODE in shown and "ค้าง" in shown and "0899990001" in shown
    assert register["national_id"] not in json.dumps(card, ensure_ascii=False)  # the ID is masked even here
    assert "ยังไม่มีบันทึกการเยี่ยม" in shown
    assert "สมศรี แก้วประดับ" in texts(line.say("ค้นหา นางสมศรี", user=OFFICER))  # a title typed before the name
    several = line.say("ค้นหา คุณ มาลี", user=OFFICER)
    assert "พบ 2 คน" in texts(several)
    opened = press(line, several[0], "มาลี ทองคำ", user=OFFICER)
    assert "มาลี ทองคำ" in texts(opened)
    with db.connect() as connection:
        trail = connection.execute(select(DataAccess.action, DataAccess.viewer_name)
                                   .order_by(DataAccess.id)).all()
    assert [a for a, _ in trail] == ["history_card", "history_card", "find", "find", "history_card"]
    assert {name for _, name in trail} == {"กมลชนก"}
    with db.connect() as connection:  # what was searched for (an ID's digits, a name) is not written down
        details = " ".join(connection.execute(select(DataAccess.detail)).scalars())
    assert last4 not in details and register["national_id"][-4:] not in details and "มาลี" not in details


def test_choosing_whom_a_visit_is_about_is_audited_and_an_odd_answer_is_asked_again(line, db, register):
    asked = line.say("บันทึกเยี่ยม", user=OFFICER)
    assert "ไม่พบ" not in texts(asked)
    assert "ไม่พบ" in texts(line.say("person:²", user=OFFICER))  # a digit Python reads but int() does not
    assert "ผลเป็นอย่างไร" in texts(line.say("สมศรี แก้วประดับ", user=OFFICER))
    with db.connect() as connection:
        trail = connection.execute(select(DataAccess.action, DataAccess.person_id)).all()
    assert trail == [("visit", register["somsri"])]  # her name and contracts were shown to choose the visit


def test_find_is_for_officers_only_and_says_nothing_to_others(line, db, register):
    assert "ยังไม่เข้าใจ" in texts(line.say("ค้นหา สมศรี", user=USER))
    assert "ยังไม่เข้าใจ" in texts(line.say("ค้นหา สมศรี", user=VOLUNTEER))
    assert line.say("ค้นหา สมศรี", user=OFFICER, group=GROUP) == []  # never a card in a group
    assert "ไม่พบ" in texts(line.say("ค้นหา ไม่มีใครชื่อนี้", user=OFFICER))
    assert "ค้นหา สมศรี" in texts(line.say("ค้นหา", user=OFFICER))  # how to use it
    with db.connect() as connection:
        assert connection.execute(select(DataAccess)).all() == []


def record_visit_with_promise(line, db) -> None:  # type: ignore[no-untyped-def]
    asked = line.say("บันทึกเยี่ยม สมศรี แก้วประดับ", user=OFFICER)
    assert "ผลเป็นอย่างไร" in texts(asked)
    asked = press(line, asked[0], "พบตัว", user=OFFICER)
    assert "นัดชำระ" in texts(asked)
    assert "ผ่านไปแล้ว" in texts(line.say("500 1/11/2569", user=OFFICER))
    asked = line.say("๕๐๐ ๓๐/๑๑/๒๕๖๙", user=OFFICER)
    assert "มาตรการ" in texts(asked)
    asked = press(line, asked[0], "ยกเลิกค้ำ/ปลดหนี้", user=OFFICER)
    assert "บันทึกสิ่งที่ได้รู้" in texts(asked)
    # a note that starts with an officer word stays a note
    saved = line.say("วันนี้ ขายขนมที่ตลาด รายได้ไม่แน่นอน คุยตอนเย็นดีที่สุด", user=OFFICER)
    assert "บันทึกการเยี่ยม สมศรี แก้วประดับ แล้ว" in texts(saved) and "500.00 บาท" in texts(saved)
    pinned = line.send("message", user=OFFICER, message=ev.location_message(7.8201, 98.3381, "บ้าน"))
    assert "ปักหมุดบ้าน สมศรี แก้วประดับ แล้ว" in texts(pinned)


def test_a_visit_with_a_promise_kept_by_an_imported_payment(app, line, db, clock, register, tmp_path):
    record_visit_with_promise(line, db)
    with Session(db) as session:
        visit = session.scalars(select(Visit)).one()
        assert (visit.outcome, visit.measure_id, visit.officer_name) == ("met", "M2", "กมลชนก")
        assert visit.note.startswith("วันนี้ ขายขนม") and (visit.lat, visit.lng) == (7.8201, 98.3381)
        promise = session.scalars(select(PromiseToPay)).one()
        assert (str(promise.amount), promise.due_on) == ("500.00", date(2026, 11, 30))
        assert (session.get(Person, register["somsri"]).lat, visit.person_id) == (7.8201, register["somsri"])
    assert not [r for r in rows(app, date(2026, 11, 25)) if r["reason"].startswith("promise")]  # not due yet
    import_payment(app, clock, tmp_path, "2026-11-28", "500.00")
    [kept] = [r for r in rows(app, date(2026, 12, 1)) if r["reason"].startswith("promise")]
    assert kept["reason"] == "promise_kept" and kept["kept_on"] == "2026-11-28" and kept["project_code"] == CODE
    assert "ชำระตามที่สัญญาแล้ว" in kept["reason_text"]
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=BANGKOK))
    listed = texts(line.say("วันนี้", user=OFFICER))
    assert "ชำระตามที่สัญญา" in listed  # on the officer's own list in LINE too
    card = texts(line.say(f"ค้นหา {CODE}", user=OFFICER))
    assert "ชำระตามสัญญาแล้ว" in card and "ขายขนมที่ตลาด" in card and "กมลชนก" in card


def test_a_visit_belongs_to_the_person_visited(app, line, db, clock, register):
    """A co-debtor on the same contract never sees another member's visit or its private note;
    a visit about the contract alone shows to each member, without its note."""
    with Session(db) as session:
        contract = session.scalars(select(Contract).where(Contract.project_code == CODE)).one()
        aroonee = f.person(session, first_name="อรุณี", last_name="ชายทุ่ง")
        f.member(session, contract, aroonee, role="co_debtor")
        session.add(Visit(officer=OFFICER, officer_name="ธนากร", contract_id=contract.id, person_id=None,
                          district_id=None, visited_on=date(2026, 10, 1), outcome="not_home",
                          note="ประตูปิด เพื่อนบ้านว่าไปทำงานต่างจังหวัด", created_at=clock.now()))
        session.commit()
        aroonee_id = aroonee.id
    record_visit_with_promise(line, db)  # to สมศรี, with her note
    somsri = texts(line.say("ค้นหา สมศรี", user=OFFICER))
    assert "ขายขนมที่ตลาด" in somsri and "500.00 บาท" in somsri
    card = texts(line.say("ค้นหา อรุณี", user=OFFICER))
    assert "อรุณี ชายทุ่ง" in card and CODE in card
    assert "ขายขนมที่ตลาด" not in card and "500.00 บาท" not in card and "พบตัว" not in card  # สมศรี's visit
    assert "ไม่อยู่บ้าน (ธนากร) · เรื่องสัญญา" in card and "ประตูปิด" not in card  # the contract's, no note
    with Session(db) as session:  # the console's person page reads the same history
        seen = person_file(session, session.get(Person, aroonee_id), date(2026, 11, 20)).history.visits
        assert [(v.outcome, v.note, v.about_contract) for v, _, _ in seen] == [("not_home", "", True)]


def test_people_never_read_internal_measure_codes(line, db, clock, register):
    """Measures go by their short Thai names, whole on every button (at most 20 characters);
    codes such as M5 or ACK_DEBT stay in the data."""
    with Session(db) as session:
        contract = session.scalars(select(Contract).where(Contract.project_code == CODE)).one()
        session.add(MeasureApplication(person_id=register["somsri"], contract_id=contract.id, measure_id="M5",
                                       answers={}, status="submitted", submitted_at=clock.now(),
                                       status_changed_at=clock.now()))
        session.commit()
    said = [line.say("บันทึกเยี่ยม สมศรี แก้วประดับ", user=OFFICER)]
    said.append(press(line, said[-1][0], "พบตัว", user=OFFICER))
    said.append(press(line, said[-1][0], "ไม่มีนัดชำระ", user=OFFICER))
    labels = [a["label"] for a in quick_replies(said[-1][0])]
    assert {"ลงนามรับสภาพหนี้", "ปรับโครงสร้างหนี้", "ปิดบัญชีใน 30 วัน", "ไกล่เกลี่ยก่อนฟ้อง"} <= set(labels)
    assert all(len(label) <= 20 for label in labels)
    assert "ยังไม่เข้าใจ" not in texts(line.say("ปรับโครงสร้างหนี้", user=OFFICER))  # the name typed picks it too
    said.append(line.say("ย้อนกลับ", user=OFFICER))
    said.append(press(line, said[-1][0], "ปรับโครงสร้างหนี้", user=OFFICER))
    said.append(line.say("สนใจขยายเวลา จะมาคลินิก", user=OFFICER))
    assert "มาตรการที่คุย: ปรับโครงสร้างหนี้" in texts(said[-1])
    said.append(press(line, said[-1][-1], "ข้าม", user=OFFICER))
    said.append(line.say("ค้นหา สมศรี", user=OFFICER))
    card = texts(said[-1])
    assert "คุยเรื่อง ปรับโครงสร้างหนี้" in card and "ปิดบัญชีใน 30 วัน: ส่งคำขอแล้ว" in card
    said.append(line.say("วันนี้", user=OFFICER))
    assert 'คำขอเข้าร่วมมาตรการ "ปิดบัญชีใน 30 วัน"' in texts(said[-1])
    for replies in said:
        assert internal_codes(replies) == [], shown_words(replies)
    with Session(db) as session:
        assert session.scalars(select(Visit.measure_id)).one() == "M1"  # the data keeps the id


def test_a_broken_promise_stays_on_the_list_until_someone_visits_again(app, line, db, clock, register, tmp_path):
    record_visit_with_promise(line, db)
    import_payment(app, clock, tmp_path, "2026-11-28", "200.00")
    [broken] = [r for r in rows(app, date(2026, 12, 3)) if r["reason"].startswith("promise")]
    assert broken["reason"] == "promise_broken" and broken["paid"] == "200.00"
    kinds = [r["reason"] for r in rows(app, date(2026, 12, 3))]
    assert kinds.index("in_default") < kinds.index("promise_broken")  # after the register's own urgencies
    clock.set(datetime(2026, 12, 3, 10, 0, tzinfo=BANGKOK))
    asked = line.say("บันทึกเยี่ยม 0899990001", user=OFFICER)  # found by phone
    asked = press(line, asked[0], "ไม่อยู่บ้าน", user=OFFICER)
    assert "บันทึกสิ่งที่ได้รู้" in texts(asked)  # nobody met: no promise, no measure
    assert "บันทึกการเยี่ยม" in texts(press(line, asked[0], "ไม่มีบันทึก", user=OFFICER))
    assert not [r for r in rows(app, date(2026, 12, 3)) if r["reason"].startswith("promise")]


def test_the_visit_flow_goes_back_and_cancels_and_keeps_others_out(line, db, register):
    assert "ยังไม่เข้าใจ" in texts(line.say("บันทึกเยี่ยม", user=USER))
    asked = line.say("บันทึกเยี่ยม", user=OFFICER)
    assert "เยี่ยมใคร" in texts(asked)
    assert "ไม่พบ" in texts(line.say("ไม่มีใครชื่อนี้", user=OFFICER))
    several = line.say("มาลี", user=OFFICER)
    assert "พบหลายคน" in texts(several)
    outcome = press(line, several[0], "มาลี ทองดี", user=OFFICER)
    assert "เยี่ยม มาลี ทองดี" in texts(outcome)
    assert "ผลการเยี่ยม" in texts(line.say("ดีมาก", user=OFFICER))  # not an outcome
    assert "เยี่ยมใคร" in texts(line.say("ย้อนกลับ", user=OFFICER))
    assert "ยกเลิกรายการเรียบร้อย" in texts(line.say("ยกเลิก", user=OFFICER))
    with db.connect() as connection:
        assert connection.execute(select(Visit)).all() == []


def test_the_district_report_in_line_the_cli_and_the_api(app, line, db, clock, register, tmp_path, fake):
    record_visit_with_promise(line, db)
    import_payment(app, clock, tmp_path, "2026-11-28", "500.00")
    line.say("#อัปเดต เยี่ยมกลุ่มทำขนมแล้ว", user=VOLUNTEER, group=GROUP)
    api = app.test_client().get("/api/reports/visits?from=2026-11-16&to=2026-12-06&district=เมืองภูเก็ต",
                                headers=AUTH).get_json()
    assert (api["visits"], api["people_met"], api["promises_made"], api["promises_kept"]) == (1, 1, 1, 1)
    assert api["updates"] == 1 and api["outcomes"] == {"met": 1} and api["district"] == "เมืองภูเก็ต"
    elsewhere = app.test_client().get("/api/reports/visits?from=2026-11-16&to=2026-12-06&district=กะทู้",
                                      headers=AUTH)
    assert elsewhere.status_code == 404
    bad = app.test_client().get("/api/reports/visits?from=2026-12-06&to=2026-11-16", headers=AUTH)
    assert bad.status_code == 400
    printed = app.test_cli_runner().invoke(args=["reports", "district", "--district", "เมืองภูเก็ต",
                                                 "--week", "2026-12-08"])
    assert printed.exit_code == 0, printed.output
    assert "16 พ.ย. 2569 – 6 ธ.ค. 2569" in printed.output and "เยี่ยม 1 ครั้ง · พบตัว 1 คน" in printed.output
    assert "ชำระตามนัด 1" in printed.output
    by_week = app.test_cli_runner().invoke(args=["reports", "district", "--district", "เมืองภูเก็ต",
                                                 "--week", "2026-W50"])  # 7–13 Dec: the report of 7 Dec
    assert by_week.output == printed.output
    wrong = app.test_cli_runner().invoke(args=["reports", "district", "--week", "ธันวา"])
    assert wrong.exit_code == 2 and "YYYY-Www" in wrong.output
    # the clock sends it on the Monday of week 1, once, to the district's officers
    fake.reset()
    clock.set(datetime(2026, 12, 7, 8, 45, tzinfo=BANGKOK))
    for _ in range(2):
        result = app.test_cli_runner().invoke(args=["scheduler", "--once"])
        assert result.exit_code == 0, result.output
    reports = [r for r in fake.requests("/v2/bot/message/push")
               if r["status"] == 200 and "รายงานการติดตาม" in json.dumps(r["body"], ensure_ascii=False)]
    assert len(reports) == 1 and reports[0]["body"]["to"] == OFFICER
    assert "เยี่ยม 1 ครั้ง" in reports[0]["body"]["messages"][0]["text"]


def test_a_volunteers_location_becomes_the_pin_after_they_confirm_one_to_one(line, db, fake, register):
    ack = line.say("#อัปเดต สมศรี แก้วประดับ ย้ายมาอยู่บ้านลูกสาว", user=VOLUNTEER, group=GROUP)
    assert "สมศรี" not in texts(ack)
    attached = line.send("message", user=VOLUNTEER, group=GROUP, message=ev.location_message(7.9, 98.35))
    assert "สมศรี" not in texts(attached)  # the group hears nothing personal
    [offer] = pushes_to(fake, VOLUNTEER)
    message = offer["body"]["messages"][0]
    assert "ใช้เป็นหมุดบ้านของ สมศรี แก้วประดับ" in message["text"]
    yes = next(a for a in quick_replies(message) if a["label"].startswith("ใช่"))
    assert "ยังไม่เข้าใจ" in texts(line.tap(yes["data"], user=USER))  # only the author may answer
    assert "ปักหมุดบ้าน" in texts(line.tap(yes["data"], user=VOLUNTEER))
    with Session(db) as session:
        person = session.get(Person, register["somsri"])
        assert (person.lat, person.lng) == (7.9, 98.35)
        assert session.scalars(select(FieldUpdate.pinned_at)).one() is not None
    group_texts = [json.dumps(r["body"], ensure_ascii=False) for r in fake.requests("/v2/bot/message/push")
                   if r["body"]["to"] == GROUP]
    assert not any("สมศรี" in t for t in group_texts)


def test_api_views_are_audited_and_the_cli_prints_the_trail(app, line, db, register):
    client = app.test_client()
    assert client.get(f"/api/contracts/{CODE}", headers={**AUTH, "X-Officer": "ธนากร (เว็บ)"}).status_code == 200
    assert client.get(f"/api/contracts/{CODE}", headers=AUTH).status_code == 200
    line.say("ค้นหา สมศรี", user=OFFICER)
    printed = app.test_cli_runner().invoke(args=["audit", "person", register["national_id"]])
    assert printed.exit_code == 0, printed.output
    lines = printed.output.splitlines()
    assert "3 recorded view(s)" in lines[0] and register["national_id"] not in printed.output
    assert "api.contract" in lines[1] and "ธนากร (เว็บ)" in lines[1]
    assert "ADMIN_TOKEN" in lines[2] and "history_card" in lines[3] and "กมลชนก" in lines[3]
    again = app.test_cli_runner().invoke(args=["audit", "person", register["national_id"]])
    assert "4 recorded view(s)" in again.output and "audit.trail" in again.output  # reading it is recorded too
    wrong = app.test_cli_runner().invoke(args=["audit", "person", "1234567890123"])
    assert wrong.exit_code != 0 and "check_digit" in wrong.output


def test_field_updates_reach_the_list_of_their_district_only(app, line, db, register):
    with Session(db) as session:
        volunteer = session.scalars(select(StaffMember).where(StaffMember.line_user_id == VOLUNTEER)).one()
        officer = session.scalars(select(StaffMember).where(StaffMember.line_user_id == OFFICER)).one()
        volunteer.district_id = officer.district_id
        f.area(session, "กะทู้", "ป่าตอง")
        session.commit()
    line.say("#อัปเดต ลงพื้นที่หมู่ 3 แล้ว ทุกบ้านสบายดี", user=VOLUNTEER)  # 1:1, naming nobody
    line.say("#อัปเดต ประชุมกลุ่มที่ศาลา", user=VOLUNTEER, group=GROUP)
    client = app.test_client()
    mine = [r for r in client.get("/api/followups?district=เมืองภูเก็ต", headers=AUTH).get_json()
            if r["reason"] == "field_update"]
    other = [r for r in client.get("/api/followups?district=กะทู้", headers=AUTH).get_json()
             if r["reason"] == "field_update"]
    assert len(mine) == 2 and other == []


def test_help_shows_staff_their_own_words_and_nobody_else(line, register):
    officer_help = line.say("ช่วยเหลือ", user=OFFICER)
    assert len(officer_help) == 1 and "บันทึกเยี่ยม" in texts(officer_help)  # theirs, not the debtors' first
    assert "ยืนยันตัวตน" not in texts(officer_help)
    assert "#อัปเดต" in texts(line.say("help", user=VOLUNTEER)[:1])
    debtor_help = line.say("ช่วยเหลือ", user=USER)
    assert len(debtor_help) == 1 and "บันทึกเยี่ยม" not in texts(debtor_help)


def test_a_visit_to_someone_without_a_contract_counts_in_the_officers_district(app, line, register):
    asked = line.say("บันทึกเยี่ยม มาลี ทองคำ", user=OFFICER)
    asked = press(line, asked[0], "พบตัว", user=OFFICER)
    assert "มาตรการ" in texts(asked)  # no open contract: no promise step
    asked = press(line, asked[0], "ไม่ได้คุย", user=OFFICER)
    press(line, asked[0], "ไม่มีบันทึก", user=OFFICER)
    report = app.test_client().get("/api/reports/visits?from=2026-11-16&to=2026-12-06&district=เมืองภูเก็ต",
                                   headers=AUTH).get_json()
    assert (report["visits"], report["people_met"], report["promises_made"]) == (1, 1, 0)


def test_a_district_officer_sees_only_people_of_their_district(line, db, clock, register):
    province_officer = "U" + "0e" * 16
    with Session(db) as session:
        patong = f.area(session, "กะทู้", "ป่าตอง")
        contract = f.contract(session, where=patong, code="PKT-2567-0888")
        elsewhere = f.person(session, first_name="ฮาลีมะ", last_name="หมัดหลี")
        f.member(session, contract, elsewhere)
        session.add(StaffMember(line_user_id=province_officer, name="ธนากร", role="officer", created_at=clock.now()))
        session.commit()
        hidden = elsewhere.id
    assert "ไม่พบ" in texts(line.say("ค้นหา ฮาลีมะ", user=OFFICER))
    assert "ไม่พบ" in texts(line.say("ค้นหา PKT-2567-0888", user=OFFICER))

    assert "ไม่พบ" in texts(line.tap(PersonCard(person=hidden).pack(), user=OFFICER))  # nor by a forged button
    assert "ไม่พบ" in texts(line.tap(VisitFor(person=hidden).pack(), user=OFFICER))
    assert "ฮาลีมะ หมัดหลี" in texts(line.say("ค้นหา ฮาลีมะ", user=province_officer))


def test_someone_on_two_open_contracts_is_asked_which_one(line, db, register):
    with Session(db) as session:
        second = f.contract(session, where=f.area(session), code="PKT-2568-0999", contract_date=date(2026, 1, 1),
                            first_due_date=date(2026, 2, 1))
        f.member(session, second, session.get(Person, register["somsri"]), role="guarantor")
        closed = f.contract(session, where=f.area(session), code="PKT-2560-0001", status="closed")
        f.member(session, closed, session.get(Person, register["somsri"]))
        session.commit()
    asked = line.say("บันทึกเยี่ยม สมศรี", user=OFFICER)
    assert "หลายสัญญา" in texts(asked)
    offered = [a["label"] for a in quick_replies(asked[0])]
    assert CODE in offered and "PKT-2568-0999" in offered and "PKT-2560-0001" not in offered  # closed: not offered
    assert "หลายสัญญา" in texts(line.say("PKT-2560-0001", user=OFFICER))  # typed, but not one of those offered
    asked = line.say("pkt-2568-0999", user=OFFICER)  # typed, any case
    press(line, press(line, asked[0], "ไม่อยู่บ้าน", user=OFFICER)[0], "ไม่มีบันทึก", user=OFFICER)
    with Session(db) as session:
        visit = session.scalars(select(Visit)).one()
        assert visit.contract is not None and visit.contract.project_code == "PKT-2568-0999"


def test_buttons_obey_the_rules_of_the_words_that_start_them(line, register, db):  # type: ignore[no-untyped-def]
    """Declared in the router: a history card's buttons are for officers 1:1, a pin's for its author
    among staff 1:1. A debtor, a volunteer or a group gets nothing that reveals a person."""
    person = register["somsri"]
    assert texts(line.tap(PersonCard(person=person).pack(), user=USER)) == texts(
        visit_msgs.not_an_officer_card())  # told only that the card is for officers
    assert "สมศรี" not in texts(line.tap(VisitFor(person=person).pack(), user=VOLUNTEER))
    assert line.tap(PersonCard(person=person).pack(), user=OFFICER, group=GROUP) == []  # never in a group
    assert line.tap(PinAction(op="yes", update=1).pack(), user=VOLUNTEER, group=GROUP) == []
    with Session(db) as session:
        assert session.scalars(select(DataAccess)).all() == []  # no look at anyone was recorded
        assert session.scalars(select(Visit)).all() == []
        handled = session.scalars(select(ProcessedEvent.handler).where(ProcessedEvent.event_type == "postback")).all()
        assert handled and all(h.startswith("denied:") for h in handled), handled  # the router, not a handler


def test_the_card_and_the_visit_flow_keep_to_the_officer_s_district(line, db, register):
    """She is also a guarantor on a project of Kathu: the Mueang officer's card and visit flow show
    only her Mueang contract; the other is Kathu's officers' to see."""
    with Session(db) as session:
        kathu = f.contract(session, where=f.area(session, "กะทู้", "ป่าตอง"), code="PKT-2567-0888")
        f.member(session, kathu, session.get(Person, register["somsri"]), "guarantor")
        session.commit()
    card = texts(line.say("ค้นหา สมศรี แก้วประดับ", user=OFFICER))
    assert CODE in card and "PKT-2567-0888" not in card
    asked = line.say("บันทึกเยี่ยม สมศรี แก้วประดับ", user=OFFICER)
    assert "ผลเป็นอย่างไร" in texts(asked)  # one contract of hers here: no question which
    assert "PKT-2567-0888" not in texts(asked)
