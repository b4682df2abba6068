"""Proving identity in LINE and seeing one's balance, end to end over HTTP."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import LineLink, Person, VerificationAttempt
from tests import factories as f
from tests.helpers import GROUP, USER, press, texts

OTHER = "U" + "3" * 32
THIRD = "U" + "4" * 32


@pytest.fixture
def debtor(db):  # type: ignore[no-untyped-def]
    """สมศรี: borrower on a contract 3 installments behind, co-debtor on a closed one."""
    with Session(db) as session:
        who = f.person(session, national_id="3830100622191", birth_date=date(1972, 2, 14))
        late = f.contract(session, code="PKT-2568-0001", contract_date=date(2025, 6, 1),
                          first_due_date=date(2025, 7, 1), principal=48000, installment_count=24)
        f.member(session, late, who, "borrower")
        for month in range(7, 13):  # paid Jul–Dec 2025
            f.payment(session, late, date(2025, month, 1), "2000.00")
        for month in range(1, 9):  # and Jan–Aug 2026
            f.payment(session, late, date(2026, month, 1), "2000.00")
        done = f.contract(session, code="PKT-2560-0007", status="closed", contract_date=date(2017, 3, 1),
                          first_due_date=date(2017, 4, 1))
        f.member(session, done, who, "co_debtor")
        nobirth = f.person(session, first_name="บุษบา", national_id="5830100009267", birth_date=None,
                           phone="0934567812")
        f.member(session, late, nobirth, "co_debtor")
        session.commit()
        return who.id


def _verify(line, national: str, secret: str, user: str = USER) -> list[dict]:  # type: ignore[no-untyped-def]
    notice = line.say("ยืนยันตัวตน", user=user)
    press(line, notice[0], "ยินยอม ดำเนินการต่อ", user=user)
    line.say(national, user=user)
    return line.say(secret, user=user)


def test_balance_asks_an_unverified_person_to_verify_then_shows_the_balance(line, db, debtor):
    notice = line.say("ยอดหนี้")
    assert notice[0]["type"] == "flex" and "ขอยืนยันตัวตนก่อน" in texts(notice)
    assert "เลขบัตรประชาชน" in texts(notice)  # the notice says what is collected and why
    asked = press(line, notice[0], "ยินยอม ดำเนินการต่อ")
    assert "13 หลัก" in asked[0]["text"]
    asked_secret = line.say("3 8301 00622 19 1")[0]["text"]
    assert "วันเดือนปีเกิด" in asked_secret
    # an ID that is not on the register gets exactly the same question
    line.say("ยกเลิก", user=OTHER)
    replies = line.say("๑๔/๐๒/๒๕๑๕")  # Thai digits, B.E.
    assert "ยืนยันตัวตนเรียบร้อย" in replies[0]["text"] and "สมศรี" in replies[0]["text"]
    card = replies[1]
    assert card["type"] == "flex" and card["contents"]["type"] == "carousel"
    assert len(card["contents"]["contents"]) == 1  # the closed contract is a line, not a card
    said = texts([card])
    # 48,000 over 24 = 2,000 a month from 1 Jul 2025; 14 paid; Sep, Oct, Nov 2026 overdue; owed in all:
    # 20,000 of principal and 61.23 of default interest (2,000 × 7.5% × (80 + 50 + 19) / 365)
    assert "20,061.23 บาท" in said and "6,000.00 บาท (3 งวด)" in said and "14,000.00 บาท" in said
    assert "1 ธ.ค. 2569" in said and "ผู้กู้หลัก" in said and "มาตรการช่วยเหลือ" in said
    assert card["altText"] == "ยอดหนี้ 1 สัญญา: ทั้งหมด 20,061.23 บาท ค้างชำระ 6,000.00 บาท"
    assert "PKT-2560-0007" in replies[2]["text"]
    with db.connect() as connection:
        link = connection.execute(select(LineLink)).one()
    assert link.line_user_id == USER and link.notice_version.startswith("verify-")
    # next time: straight to the balance
    again = line.say("balance")
    assert again[0]["type"] == "flex" and again[0]["altText"].startswith("ยอดหนี้ 1 สัญญา")


def test_no_birth_date_on_file_uses_the_last_four_phone_digits(line, debtor):
    notice = line.say("verify")
    press(line, notice[0], "ยินยอม ดำเนินการต่อ")
    assert "4 ตัวท้าย" in line.say("5830100009267")[0]["text"]
    assert "ไม่ตรงกับทะเบียน" in line.say("01/01/2520")[0]["text"]  # no birth date on file to match
    line.say("5830100009267")
    assert "ยืนยันตัวตนเรียบร้อย" in line.say("๗๘๑๒")[0]["text"]
    assert "ลูกหนี้ร่วม" in texts(line.say("ยอดหนี้"))


def test_a_typo_in_the_national_id_gets_a_specific_answer(line, debtor):
    notice = line.say("ยืนยันตัวตน")
    press(line, notice[0], "ยินยอม ดำเนินการต่อ")
    assert "พิมพ์ผิดไป 1 หลัก" in line.say("3830100622192")[0]["text"]
    assert "มี 12 หลัก" in line.say("383010062219")[0]["text"]
    line.say("3830100622191")
    assert "อ่านวันเกิดนี้ไม่ได้" in line.say("เมื่อวาน")[0]["text"]


def test_the_questions_never_reveal_whether_an_id_exists(line, debtor):
    questions = []
    for national, user in (("3830100622191", USER), ("5830100009267", OTHER), (f.national_id(9_999_998), THIRD)):
        press(line, line.say("ยืนยันตัวตน", user=user)[0], "ยินยอม ดำเนินการต่อ", user=user)
        questions.append(line.say(national, user=user)[0]["text"])
    assert len(set(questions)) == 1


def test_the_answer_never_reveals_whether_an_id_exists(line, debtor):
    unknown = f.national_id(9_999_999)
    wrong_date = _verify(line, "3830100622191", "01/01/2500")
    unknown_id = _verify(line, unknown, "01/01/2500", user=OTHER)
    strip = lambda replies: replies[0]["text"].split("(")[0]  # noqa: E731
    assert strip(wrong_date) == strip(unknown_id)
    assert "ไม่ตรงกับทะเบียน" in wrong_date[0]["text"]


def test_after_a_failed_try_the_hint_is_right_whatever_the_register_holds(line, debtor):
    """Phone digits count only where the register has no birth date: advising them to everyone
    burned a try; advising them only to people without one would reveal that. One rule for all."""
    replies = {who: _verify(line, national, "01/01/2500", user=user)[0]["text"]
               for who, national, user in (("birth date on file", "3830100622191", USER),
                                           ("no birth date", "5830100009267", OTHER),
                                           ("not on the register", f.national_id(9_999_997), THIRD))}
    assert len(set(replies.values())) == 1, replies
    said = replies["birth date on file"]
    assert "ลองใช้เลข 4 ตัวท้าย" not in said  # the old advice, wrong for most people
    assert "เฉพาะเมื่อกองทุนไม่มีวันเกิดของคุณ" in said and "(ลองได้อีก 4 ครั้ง)" in said
    typed_phone = (line.say("3830100622191"), line.say("1234"))[1][0]["text"]  # digits typed: try the birth date
    assert "ลองพิมพ์วันเดือนปีเกิดแทน" in typed_phone and "(ลองได้อีก 3 ครั้ง)" in typed_phone


def test_five_failures_in_a_day_lock_verification(line, db, debtor, clock):
    press(line, line.say("ยืนยันตัวตน")[0], "ยินยอม ดำเนินการต่อ")
    for _ in range(5):
        line.say("3830100622191")
        reply = line.say("02/02/2502")
    assert "พักการยืนยันตัวตน" in reply[0]["text"] and "076-211-040" in reply[0]["text"]
    assert "พักการยืนยันตัวตน" in line.say("ยืนยันตัวตน")[0]["text"]
    clock.advance(hours=24, minutes=1)
    assert line.say("ยืนยันตัวตน")[0]["type"] == "flex"  # the notice again
    with db.connect() as connection:
        assert connection.execute(select(func.count()).select_from(VerificationAttempt)).scalar_one() == 5
        assert connection.execute(select(func.count()).select_from(LineLink)).scalar_one() == 0


def test_declining_consent_stores_nothing(line, db, debtor):
    notice = line.say("ยืนยันตัวตน")
    assert "จะไม่ถามข้อมูลส่วนตัว" in press(line, notice[0], "ไม่ยินยอม")[0]["text"]
    assert line.say("3830100622191")[0]["text"].startswith("ขออภัยค่ะ ยังไม่เข้าใจ")
    with db.connect() as connection:
        assert connection.execute(select(func.count()).select_from(LineLink)).scalar_one() == 0


def test_one_person_one_line_account(line, db, debtor):
    _verify(line, "3830100622191", "14/02/2515")
    assert "ยืนยันตัวตนแล้วในชื่อคุณสมศรี" in line.say("ยืนยันตัวตน")[0]["text"]
    replies = _verify(line, "3830100622191", "14/02/2515", user=OTHER)
    assert "ผูกกับบัญชี LINE อื่น" in replies[0]["text"]
    with db.connect() as connection:
        assert connection.execute(select(func.count()).select_from(LineLink)).scalar_one() == 1


def test_balance_in_a_group_only_invites_to_a_private_chat(line, debtor, db):
    with Session(db) as session:
        f.link(session, session.get(Person, debtor), USER)
        session.commit()
    replies = line.say("ยอดหนี้", group=GROUP)
    assert "แชตส่วนตัว" in texts(replies) and "บาท" not in texts(replies)


def test_how_to_pay_lists_the_persons_own_project_codes(line, db, debtor):
    # no biller ID is set (the suite's settings): pay at the office (tests/test_paying.py for the QR)
    assert "สำนักงานพัฒนาชุมชนจังหวัดภูเก็ต" in line.say("วิธีชำระ")[0]["text"]
    with Session(db) as session:
        f.link(session, session.get(Person, debtor), USER)
        session.commit()
    text = line.say("วิธีชำระ")[0]["text"]
    assert "PKT-2568-0001" in text and "PKT-2560-0007" not in text


def test_verification_expires_like_any_conversation(line, debtor, clock):
    notice = line.say("ยืนยันตัวตน")
    press(line, notice[0], "ยินยอม ดำเนินการต่อ")
    clock.advance(minutes=31)
    replies = line.say("3830100622191")
    assert "หมดเวลา" in replies[0]["text"]
    # the ID typed after the expiry was not taken as an answer to the old question
    assert all("วันเดือนปีเกิด" not in m.get("text", "") for m in replies)
