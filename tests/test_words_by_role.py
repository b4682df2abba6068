"""Help, cancel and the quick replies fit who is writing: an officer's work, a volunteer's,
a verified debtor's (never verifying again) or a guest's; end to end over signed webhooks."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from devtools.fakeline import events as ev
from messages.payloads import Answer
from models import StaffMember
from tests import factories as f
from tests.helpers import OFFICER, USER, quick_replies, texts

VOLUNTEER = "U" + "ab" * 16
GUEST = "U" + "6" * 32


@pytest.fixture
def people(db, clock):  # type: ignore[no-untyped-def]
    with Session(db) as session:
        debtor = f.person(session)
        f.member(session, f.contract(session, code="PKT-2568-0001"), debtor)
        f.link(session, debtor, USER)
        session.add(StaffMember(line_user_id=OFFICER, name="กมลชนก", role="officer", created_at=clock.now()))
        session.add(StaffMember(line_user_id=VOLUNTEER, name="รัตนา", role="volunteer", created_at=clock.now()))
        session.commit()


def offered(message: dict) -> list[str]:  # type: ignore[type-arg]
    """The words a message's quick replies send."""
    return [a["text"] for a in quick_replies(message) if a.get("type") == "message"]


def menu_words(messages: list[dict]) -> list[str]:  # type: ignore[type-arg]
    """The words the help cards' buttons send, card by card."""
    return [c["action"]["text"] for m in messages for c in m["contents"]["body"]["contents"]
            if c.get("type") == "button"]


def everyday_answers(line, user: str) -> list[list[dict]]:  # type: ignore[no-untyped-def, type-arg]
    """What a person meets every day: a word not understood, cancel with nothing to cancel, an old
    button, a picture nobody asked for."""
    stale = Answer(flow="contact", step="topic", value="other").pack()
    return [line.say("ฮัลโหล", user=user), line.say("ยกเลิก", user=user), line.tap(stale, user=user),
            line.send("message", user=user, message=ev.image_message())]


def test_a_guest_is_offered_verification(line, people):
    help_cards = line.say("ช่วยเหลือ", user=GUEST)
    assert len(help_cards) == 1 and menu_words(help_cards)[0] == "ยืนยันตัวตน"
    for replies in everyday_answers(line, GUEST):
        assert offered(replies[-1])[:2] == ["ยืนยันตัวตน", "ยอดหนี้"], texts(replies)
    assert offered(line.send("follow", user=GUEST)[-1])[0] == "ยืนยันตัวตน"


def test_a_verified_debtor_is_never_offered_verification_again(line, people):
    help_cards = line.say("ช่วยเหลือ", user=USER)
    assert menu_words(help_cards) == ["ยอดหนี้", "วิธีชำระ", "มาตรการ", "นัดหมาย", "ติดต่อเจ้าหน้าที่"]
    for replies in everyday_answers(line, USER):
        words = offered(replies[-1])
        assert "ยืนยันตัวตน" not in words and words[0] == "ยอดหนี้", texts(replies)
        assert "ยืนยันตัวตน" not in texts(replies)
    assert offered(line.send("follow", user=USER)[-1])[0] == "ยอดหนี้"  # back after blocking: still verified


def test_an_officer_gets_the_officers_words_not_the_debtors(line, people):
    help_cards = line.say("ช่วยเหลือ", user=OFFICER)
    assert len(help_cards) == 1 and help_cards[0]["altText"].startswith("เมนูเจ้าหน้าที่")
    assert menu_words(help_cards) == ["วันนี้", "ค้นหา", "บันทึกเยี่ยม", "นัดหมาย", "เข้าระบบ"]
    for replies in everyday_answers(line, OFFICER):
        words = offered(replies[-1])
        assert words[:3] == ["วันนี้", "ค้นหา", "บันทึกเยี่ยม"] and "เข้าระบบ" in words, texts(replies)
        assert not {"ยืนยันตัวตน", "ยอดหนี้", "ติดต่อเจ้าหน้าที่"} & set(words)
    sticker = line.send("message", user=OFFICER, message=ev.image_message())
    assert "#อัปเดต" in texts(sticker) and "ติดต่อเจ้าหน้าที่" not in texts(sticker)


def test_a_volunteer_gets_how_to_send_an_update_then_their_own_words(line, people):
    help_cards = line.say("help", user=VOLUNTEER)
    assert [m["altText"].split(":")[0] for m in help_cards] == ["เมนูอาสาสมัคร", "เมนู"]
    assert menu_words(help_cards)[0] == "#อัปเดต" and "#อัปเดต ข้อความ" in texts(help_cards)
    cancelled = line.say("ยกเลิก", user=VOLUNTEER)
    assert offered(cancelled[-1])[:2] == ["#อัปเดต", "ยืนยันตัวตน"]  # not verified as a debtor
    assert "#อัปเดต เยี่ยมบ้าน" in texts(line.say("#อัปเดต", user=VOLUNTEER))  # the how-to the button asks for
