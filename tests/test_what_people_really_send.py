"""What people and LINE really send, each answered kindly (found by probing the webhook): invisible
characters from a keyboard or a copy-paste, a polite particle after a word, a button's number past
the database's integers, a cancel button tapped in a group, and events while another channel of the
account answers the chat (LINE's standby mode)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from devtools.fakeline import events as ev
from models import Conversation, LineUser
from tests import factories as f
from tests.helpers import GROUP, USER, press, texts

GUEST = "U" + "9e" * 16


@pytest.fixture
def debtor(db):  # type: ignore[no-untyped-def]
    """A verified borrower three installments behind, and someone on the register not yet verified."""
    with Session(db) as session:
        who = f.person(session)
        contract = f.contract(session, contract_date=date(2025, 6, 1), first_due_date=date(2025, 7, 1),
                              principal=48000)
        f.member(session, contract, who)
        f.link(session, who, USER)
        other = f.person(session, first_name="มาลี", last_name="ทองดี", national_id="3830100622191",
                         birth_date=date(1972, 2, 14))
        f.member(session, contract, other, "guarantor")
        session.commit()


@pytest.mark.parametrize("typed", ["ยอด\u200cหนี้", "\ufeffยอดหนี้", "ยอดหนี้\u200d", "ยอดหนี้ครับ", "ยอดหนี้?",
                                   "ยอดหนี้หน่อยค่ะ", "ยอดหนี้ นะคะ!!"])
def test_a_command_with_an_invisible_character_or_a_polite_ending_is_understood(line, debtor, typed):
    balance = line.say("ยอดหนี้")
    assert balance[0]["type"] == "flex" and "ยังไม่เข้าใจ" not in texts(balance)
    assert texts(line.say(typed)) == texts(balance)


def test_an_id_and_a_birth_date_with_invisible_characters_verify(line, db, debtor):
    notice = line.say("ยืนยันตัวตน", user=GUEST)
    asked = press(line, notice[0], "ยินยอม ดำเนินการต่อ", user=GUEST)
    assert "13 หลัก" in texts(asked)
    asked = line.say("\u200b3 8301 00622 19 1\ufeff", user=GUEST)  # pasted from a note: invisible marks
    assert "วันเดือนปีเกิด" in texts(asked), texts(asked)
    done = line.say("14/02/2515\u200b", user=GUEST)
    assert "ยืนยันตัวตนเรียบร้อย" in texts(done), texts(done)
    from models import LineLink

    with Session(db) as session:  # she is who she said she is: the account is hers now
        assert session.scalars(select(LineLink.person_id).where(LineLink.line_user_id == GUEST)).one()


def test_a_button_s_number_past_the_database_is_out_of_date_not_a_failure(line, debtor):
    for data in ("bk?op=change&booking=99999999999", "bk?op=cancel&booking=3000000000",
                 "bk?op=change&booking=" + "9" * 20):
        said = texts(line.tap(data))
        assert "ระบบขัดข้อง" not in said and "ใช้ไม่ได้แล้ว" in said, data


def test_a_cancel_button_tapped_in_a_group_says_nothing_there(line, debtor):
    assert line.tap("flow?op=cancel", group=GROUP) == []
    assert line.tap("flow?op=cancel", user=GUEST, group=GROUP) == []


def test_in_standby_mode_what_people_write_is_neither_answered_nor_acted_on(line, db, debtor, fake):
    for kind, fields in (("message", {"message": ev.text_message("ยอดหนี้")}),
                         ("postback", {"postback": {"data": "flow?op=back"}}),
                         ("message", {"message": ev.text_message("ยืนยันตัวตน")})):
        event = line.event(kind, user=GUEST, reply=False, mode="standby", **fields)
        line.deliver(event)
    assert fake.requests("/v2/bot/message/reply") == []
    with db.connect() as connection:
        assert connection.execute(select(Conversation).where(Conversation.user_id == GUEST)).all() == []
        assert connection.execute(select(LineUser).where(LineUser.line_user_id == GUEST)).all() == []  # not even seen


def test_a_video_voice_file_or_sticker_is_named_as_what_it_is_and_a_waiting_question_still_waits(line, debtor):
    for kind, message, name in (("video", {"id": "1", "type": "video", "duration": 1000,
                                           "contentProvider": {"type": "line"}, "quoteToken": "q1"}, "วิดีโอ"),
                                ("audio", {"id": "2", "type": "audio", "duration": 1000,
                                           "contentProvider": {"type": "line"}}, "ข้อความเสียง"),
                                ("file", {"id": "3", "type": "file", "fileName": "a.pdf", "fileSize": 10}, "ไฟล์"),
                                ("sticker", {"id": "4", "type": "sticker", "packageId": "1", "stickerId": "1",
                                             "stickerResourceType": "STATIC", "quoteToken": "q4"}, "สติกเกอร์")):
        said = texts(line.send("message", user=GUEST, message=message))
        assert f"ยังอ่าน{name}ไม่ได้" in said, kind
    notice = line.say("ยืนยันตัวตน", user=GUEST)
    press(line, notice[0], "ยินยอม ดำเนินการต่อ", user=GUEST)
    sticker = line.send("message", user=GUEST, message={"id": "5", "type": "sticker", "packageId": "1",
                                                       "stickerId": "1", "stickerResourceType": "STATIC",
                                                       "quoteToken": "q5"})
    assert "ยังรอคำตอบของคุณอยู่" in texts(sticker)
    assert [i["action"]["label"] for i in sticker[-1]["quickReply"]["items"]] == ["ยกเลิก"]
    assert "วันเดือนปีเกิด" in texts(line.say("3830100622191", user=GUEST))  # the answer is still taken
