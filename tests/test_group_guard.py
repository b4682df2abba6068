"""The group privacy guard (DOMAIN.md: a group chat never shows who owes what)."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from domain.group_guard import (
    _OTHER_DIGITS,
    CLASS_WORDS,
    NAME,
    NATIONAL_ID,
    PHONE,
    GroupPrivacyError,
    HashedNames,
    NameMatcher,
    _ascii_digit,
    check_group_message,
    personal_data_in,
)
from services.groups import NameIndex
from tests import factories as f
from tests.helpers import GROUP, USER

OTHER = "U" + "5" * 32

OFFICE = "076-211-040"
NAMES = frozenset({"สมศรี", "ใจดี", "มาลัย", "Somsri", "ก"})
GENERIC = ("สวัสดีค่ะ งวดชำระถัดไปครบกำหนดวันที่ 5 ธ.ค. 2568 ชำระผ่าน Bill Payment ธนาคารกรุงไทย "
           "หากไม่สะดวกมีมาตรการช่วยเหลือ พิมพ์ ยอดหนี้ ในแชตส่วนตัวกับกองทุนเพื่อดูยอดของตัวเอง โทร 076-211-040")


def text(body: str) -> dict:  # type: ignore[type-arg]
    return {"type": "text", "text": body}


def flex(alt: str, *lines: str, button: str = "ดูยอดของฉัน") -> dict:  # type: ignore[type-arg]
    return {"type": "flex", "altText": alt, "contents": {
        "type": "bubble",
        "header": {"type": "box", "layout": "vertical", "contents": [{"type": "text", "text": "กองทุนพัฒนาบทบาทสตรี"}]},
        "body": {"type": "box", "layout": "vertical",
                 "contents": [{"type": "text", "text": line, "wrap": True} for line in lines]},
        "footer": {"type": "box", "layout": "vertical", "contents": [
            {"type": "button", "action": {"type": "message", "label": button, "text": "ยอดหนี้"}}]},
    }}


def check(*messages: dict, names=NAMES, allowed=(OFFICE,)) -> None:  # type: ignore[no-untyped-def, type-arg]
    check_group_message(list(messages), names, allowed_phones=allowed)


def refused(*messages: dict, names=NAMES, allowed=(OFFICE,)) -> str:  # type: ignore[no-untyped-def, type-arg]
    with pytest.raises(GroupPrivacyError) as caught:
        check(*messages, names=names, allowed=allowed)
    return str(caught.value)


# --- what may go to a group ----------------------------------------------------------------


@pytest.mark.parametrize("body", [
    GENERIC,
    "สวัสดีค่ะสมาชิกทุกท่าน 🌼 อีก 3 วันจะถึงวันครบกำหนดชำระงวดที่ 3 วันที่ 5 ธ.ค. 2568",
    "นัดคลินิกแก้หนี้ 05/12/2568 เวลา 09:00–12:00 ที่ที่ว่าการอำเภอ",
    "นัดคลินิกแก้หนี้ 2026-12-05 เวลา 09.00-16.30 น. นำเอกสาร 3 รายการ",
    "นัดหมาย 05-12-2568 09:00 น. ณ ศาลแขวง",
    "มาตรการลดดอกเบี้ยเหลือร้อยละ 0.10 ต่อปี (0.10%) สำหรับสัญญาตั้งแต่ 30 ก.ย. 2566",
    "ชำระที่ธนาคารกรุงไทย เมนูจ่ายบิล Bill Payment (Comp Code 0000) ผ่อนได้ 12 งวด รายเดือน",
    "ผู้ที่ค้างชำระสามารถขอปรับโครงสร้างหนี้ ขยายเวลาได้อีกไม่เกิน 2 ปี ปรึกษาได้ไม่มีค่าใช้จ่าย",
    "โทร ๐๗๖-๒๑๑-๐๔๐ หรือ +66 76 211 040 ในวันและเวลาราชการ",
    "ปี 2568 และ 2569 งวดที่ 1,2,3 ชำระแล้วขอบคุณค่ะ",
])
def test_generic_reminders_pass(body):
    check(text(body))


def test_a_generic_flex_message_passes():
    check(flex("แจ้งเตือนวันครบกำหนดชำระ", "งวดถัดไปครบกำหนด 5 ธ.ค. 2568", "ชำระผ่าน Bill Payment ธนาคารกรุงไทย",
               "สอบถาม โทร 076-211-040 เวลา 08:30-16:30 น."))


def test_the_products_own_group_messages_pass():
    from messages import groups, reminders
    from services.outbox import as_dicts

    due = date(2026, 12, 5)
    bank, biller = "ธนาคารกรุงไทย", "Bill Payment กองทุนพัฒนาบทบาทสตรี (Comp Code 0000)"
    for messages in (groups.group_intro(), groups.group_help(), reminders.group_before(due, bank, biller),
                     reminders.group_on_day(due, bank, biller), reminders.group_after(due)):
        check(*as_dicts(messages))


def test_short_names_and_no_names_are_ignored():
    check(text("ขอบคุณทุกคนค่ะ"), names={"ก", "", " "})
    check(text("ขอบคุณทุกคนค่ะ"), names=())


# --- what may not -----------------------------------------------------------------------


@pytest.mark.parametrize(("body", "rule"), [
    ("ขอบคุณคุณสมศรีที่ชำระงวดนี้ค่ะ", "name from the register"),
    ("ขอบคุณคุณ สม\u200bศรี ค่ะ", "name from the register"),  # a zero-width space does not hide it
    ("thank you, SOMSRI", "name from the register"),
    ("ยอดค้าง 12,345.50", "amount of money"),
    ("ยอดค้าง 12,345", "amount of money"),
    ("ค้างชำระ 1500 บาท", "amount of money"),
    ("ค้างชำระ 1500บาท", "amount of money"),
    ("ค่าปรับ ฿200", "amount of money"),
    ("ยอด 350.00", "amount of money"),
    ("ยอด ๑,๕๐๐.๐๐", "amount of money"),
    ("ยอด 2 ล้านบาท", "amount of money"),
    ("outstanding 500 Baht", "amount of money"),
    ("งวดละ 500.-", "amount of money"),
    ("ค้าง 5 ราย", "count of people"),
    ("12 คนยังไม่จ่าย", "count of people"),
    ("ชำระแล้ว 30 คน", "count of people"),
    ("ค้าง ๕ ราย", "count of people"),
    ("รายชื่อ 7 รายที่ยังไม่ชำระ", "count of people"),
    ("เลขบัตร 1-2345-67890-12-3", "national ID"),
    ("เลขบัตร 1 2345 67890 12 3", "national ID"),
    ("Ref.1 3100501234567", "national ID"),
    ("ติดต่อคุณแม่บ้าน 081-234-5678", "phone number"),
    ("ติดต่อ 0812345678", "phone number"),
    ("ติดต่อ 02-123-4567", "phone number"),
    ("ติดต่อ +66 81 234 5678", "phone number"),
    ("ติดต่อ ๐๘๑-๒๓๔-๕๖๗๘", "phone number"),
    ("โทร 076-211-040 081-234-5678", "phone number"),  # a second number next to the office's
])
def test_each_kind_of_personal_data_is_refused(body, rule):
    assert rule in refused(text(body))


@pytest.mark.parametrize("word", CLASS_WORDS)
def test_each_class_word_is_refused(word):
    message = refused(text(f"แจ้งกลุ่ม: {word} โปรดติดต่อกองทุน"))
    assert "labels people by their debt" in message


@pytest.mark.parametrize("body", ["กลุ่มลูกหนี้ผิดนัดชำระหนี้", "สมาชิกที่ถูก ฟ้อง", "These loans are Time Barred",
                                  "members IN  DEFAULT"])
def test_class_words_in_context_and_spacing_are_refused(body):
    assert "labels people by their debt" in refused(text(body))


def test_a_name_in_a_flex_alt_text_is_refused():
    message = refused(flex("แจ้งเตือนคุณมาลัย", "งวดถัดไปครบกำหนด 5 ธ.ค. 2568"))
    assert "message 0 (altText): a name from the register" in message


def test_the_error_says_where_and_which_rule_without_the_data():
    message = refused(
        text("สวัสดีค่ะ"),
        flex("แจ้งเตือน", "งวดถัดไป 5 ธ.ค. 2568", "คุณใจดี ค้าง 12,345.50 บาท", button="โทร 089-999-1234"),
    )
    assert "message 1 (contents.body.contents[1].text): an amount of money" in message
    assert "message 1 (contents.body.contents[1].text): a name from the register" in message
    assert "message 1 (contents.footer.contents[0].action.label): a phone number" in message
    assert "message 0" not in message
    for secret in ("ใจดี", "12,345", "345.50", "089", "999-1234", "9991234"):
        assert secret not in message


@pytest.mark.parametrize(("body", "named"), [
    ("แจ้งเตือนคุณมาลัย", True), ("คุณ ใจ ดี", True), ("สม\u200bศรี ค่ะ", True), ("SOMSRI", True),
    ("สวัสดีค่ะ", False), ("ขอบคุณทุกคนค่ะ", False), ("ก", False), (GENERIC, False),
])
def test_names_kept_as_hashes_are_found_exactly_as_the_names_are(body, named, monkeypatch):  # type: ignore[no-untyped-def]
    """What the web workers keep (HashedNames: 8 bytes a name, no name itself) decides as the names do,
    however the names arrive in batches."""
    monkeypatch.setattr(HashedNames, "CHUNK", 2)  # several sorted batches, merged, duplicates dropped
    hashed = HashedNames([*NAMES, "สมศรี", "", " "])
    assert all(isinstance(value, int) for value in hashed.hashes) and len(hashed) == 4  # "ก" is too short
    assert _name_refused(body, hashed) == _name_refused(body, NameMatcher(NAMES)) == _name_refused(body, NAMES) \
        == named


def _name_refused(body: str, names) -> bool:  # type: ignore[no-untyped-def]
    try:
        check(text(body), names=names)
    except GroupPrivacyError as error:
        return NAME in str(error)
    return False


def test_a_workers_name_index_holds_each_register_name_once_and_finds_it(db):  # type: ignore[no-untyped-def]
    with Session(db) as session:
        for first, last in (("มานะ", "ใจดี"), ("มานะ", "รักไทย"), ("สมศรี", "ใจดี")):
            f.person(session, first_name=first, last_name=last)
        names = NameIndex().get(session)
        session.rollback()
    assert len(names) == 4  # มานะ, ใจดี, รักไทย, สมศรี: a name two people share is one hash
    assert "a name from the register" in refused(text("ขอบคุณคุณรักไทยที่มาประชุมค่ะ"), names=names)
    check(text("ขอบคุณทุกคนที่มาประชุมค่ะ"), names=names)


def test_only_visible_text_keys_are_read():
    check({"type": "template", "altText": "นัดหมาย", "template": {
        "type": "buttons", "title": "คลินิกแก้หนี้", "text": "เลือกวันที่สะดวก",
        "actions": [{"type": "postback", "label": "จองที่นั่ง", "data": "book=1234567890123&name=สมศรี",
                     "displayText": "ขอจองที่นั่ง"}]}})
    assert "national ID" in refused({"type": "template", "altText": "นัดหมาย", "template": {
        "type": "buttons", "text": "เลือก", "actions": [{"type": "message", "label": "ยืนยัน",
                                                          "text": "1234567890123"}]}})


def test_an_office_phone_is_compared_by_digits():
    check(text("โทร 076 211 040"), allowed=["(076) 211-040"])
    check(text("โทร 0812345678"), allowed=["+66 81 234 5678"])
    assert "phone number" in refused(text("โทร 076-211-040"), allowed=[])


@given(amount=st.decimals(min_value=1000, max_value=10_000_000, places=2))
def test_every_amount_formatted_the_house_way_is_refused(amount):
    assert "amount of money" in refused(text(f"ยอดของกลุ่ม {amount:,.2f}"))
    assert "amount of money" in refused(text(f"ยอดของกลุ่ม {amount:.0f} บาท"))


@given(day=st.dates(date(2020, 1, 1), date(2035, 12, 31)), hour=st.integers(0, 23), minute=st.integers(0, 59),
       installment=st.integers(1, 60), days=st.integers(1, 90))
def test_dates_times_and_small_ordinals_always_pass(day, hour, minute, installment, days):
    from messages.format import thai_date

    check(text(f"งวดที่ {installment} ครบกำหนด {thai_date(day)} ({day:%d/%m}/{day.year + 543}, {day.isoformat()}) "
               f"เวลา {hour:02d}:{minute:02d} น. หรือ {hour:02d}.{minute:02d} น. อีก {days} วัน"))


@given(digits=st.text("0123456789", min_size=13, max_size=13), sep=st.sampled_from(["-", " ", ""]))
def test_any_id_layout_from_the_card_is_refused(digits, sep):
    layout = sep.join([digits[0], digits[1:5], digits[5:10], digits[10:12], digits[12]])
    assert "national ID" in refused(text(f"เลขประจำตัว {layout}"))


# --- what people post in their groups: a kind note 1:1 to the author (issue 15, item 8) ---


@given(digits=st.text("0123456789", min_size=13, max_size=13), sep=st.sampled_from(["-", " ", ""]))
def test_an_id_someone_posts_is_seen_however_it_is_written(digits, sep):
    layout = sep.join([digits[0], digits[1:5], digits[5:10], digits[10:12], digits[12]])
    assert NATIONAL_ID in personal_data_in(f"เลขบัตรแม่ {layout} ค่ะ")
    thai = layout.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    assert NATIONAL_ID in personal_data_in(f"เลขบัตรแม่ {thai}")


@given(day=st.dates(date(2020, 1, 1), date(2035, 12, 31)), hour=st.integers(0, 23), minute=st.integers(0, 59),
       amount=st.integers(1, 99_999))
def test_dates_times_and_money_people_post_are_no_personal_data(day, hour, minute, amount):
    posted = (f"ประชุม {day:%d/%m}/{day.year + 543} เวลา {hour:02d}.{minute:02d} น. เก็บค่าอาหาร {amount} บาท "
              f"โทรถามสำนักงาน {OFFICE}")
    assert personal_data_in(posted, [OFFICE]) == []


def test_a_phone_posted_is_seen_but_not_the_offices():
    assert personal_data_in("ติดต่อได้ที่ 081-234-5678", [OFFICE]) == [PHONE]
    assert personal_data_in("โทร +66 81 234 5678 หรือ 3-8301-00622-19-1", [OFFICE]) == [NATIONAL_ID, PHONE]
    assert personal_data_in("โทร ๐๗๖-๒๑๑-๐๔๐", [OFFICE]) == []


def test_posting_an_id_or_a_phone_in_a_group_gets_a_kind_private_note_once_a_day(line, fake, clock):
    replies = line.say("เบอร์ฉันคือ 081-234-5678 นะคะ", user=USER, group=GROUP)
    assert replies == []  # nothing is ever said about it in the group
    notes = [r for r in fake.requests("/v2/bot/message/push") if r["status"] == 200]
    assert [r["body"]["to"] for r in notes] == [USER]
    said = notes[0]["body"]["messages"][0]["text"]
    assert "เบอร์โทรศัพท์" in said and "งดโพสต์ข้อมูลส่วนตัว" in said and "081" not in said
    line.say("อันนี้เลขบัตร 3830100622191", user=USER, group=GROUP)  # again the same day: no second note
    line.say("ประชุม 09.30 น. ที่ศาลา โทรสำนักงาน 076-211-040", user=OTHER, group=GROUP)  # nothing personal
    assert len(fake.requests("/v2/bot/message/push")) == 1
    line.say("เลขบัตร 3-8301-00622-19-1", user=OTHER, group=GROUP)  # someone else: their own note
    clock.set(clock.now() + timedelta(days=1))
    line.say("เบอร์ใหม่ 089 999 1234", user=USER, group=GROUP)  # the next day: a note again
    assert [r["body"]["to"] for r in fake.requests("/v2/bot/message/push")] == [USER, OTHER, USER]
    assert "เลขบัตรประชาชน" in fake.requests("/v2/bot/message/push")[1]["body"]["messages"][0]["text"]
    assert not [r for r in fake.requests() if GROUP in str((r["body"] or {}).get("to", ""))]


def test_every_scripts_digits_fold_as_each_character_says():
    """`_fold` finds other scripts' digits with a regex (\\d: category Nd); it agrees with
    str.isdecimal() and unicodedata.decimal() on every code point."""
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    by_character = "".join(str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in every)
    assert _OTHER_DIGITS.sub(_ascii_digit, every) == by_character
