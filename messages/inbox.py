"""Answering a contact request: what the debtor is told in LINE, and the console's words for requests."""

from __future__ import annotations

from messages.console import STANDING_NAMES
from messages.contact import TOPICS
from messages.line_json import Message, TextMessage

__all__ = ["STANDING_NAMES"]  # a closed contract beside a request's asker, as the map names it

CONTACT_REQUEST_TITLE = "ข้อความถึงเจ้าหน้าที่"  # a request's tag on Today, as a reason's title is
REQUEST_STATES = {"open": "รอเจ้าหน้าที่", "done": "ตอบแล้ว"}  # "taken" shows who took it
ANSWER_CHANNELS = {"phone": "ทางโทรศัพท์", "line": "ทาง LINE"}
ANSWERED_OTHERWISE = "ดำเนินการแล้ว"
NOT_VERIFIED = "ยังไม่ได้ยืนยันตัวตน"

ANSWER_MISSING = "พิมพ์คำตอบก่อนส่ง (ไม่เกิน {limit} ตัวอักษร) แล้วลองอีกครั้ง"
NOTE_TOO_LONG = "บันทึกยาวเกินไป (ไม่เกิน {limit} ตัวอักษร) กรุณาย่อแล้วลองอีกครั้ง"
UNREACHABLE = "ส่งข้อความทาง LINE ไม่ได้ เพราะผู้ติดต่อบล็อกบัญชี LINE ของกองทุนแล้ว กรุณาโทรกลับแทน"

_AGAIN = "หากยังมีเรื่องสงสัย พิมพ์ \"ติดต่อเจ้าหน้าที่\" ได้ทุกเมื่อ หรือโทร {phone} ค่ะ"


def topic_name(topic: str) -> str:
    """A request's topic as the person chose it (an unknown one reads as "the matter you left")."""
    return TOPICS.get(topic, "เรื่องที่ฝากไว้")


def answered_by_phone(topic: str, office_phone: str) -> list[Message]:
    """To the person, 1:1, when an officer marks their request answered by a phone call."""
    return [TextMessage(text=f"เจ้าหน้าที่ได้โทรคุยเรื่อง \"{topic_name(topic)}\" ที่คุณฝากข้อความไว้แล้วค่ะ "
                             f"ขอบคุณที่ติดต่อมานะคะ 🙏\n{_AGAIN.format(phone=office_phone)}")]


def answered_in_line(topic: str, text: str, officer_name: str, office_phone: str) -> list[Message]:
    """To the person, 1:1: the officer's own answer to their request, typed in the console."""
    return [TextMessage(text=f"💬 เจ้าหน้าที่ตอบเรื่อง \"{topic_name(topic)}\" ที่คุณฝากข้อความไว้ค่ะ\n\n{text}\n\n"
                             f"— {officer_name}\n{_AGAIN.format(phone=office_phone)}")]


def request_done(topic: str, office_phone: str) -> list[Message]:
    """To the person, 1:1, when an officer marks their request done without a call or a message."""
    return [TextMessage(text=f"เจ้าหน้าที่ได้ดูแลเรื่อง \"{topic_name(topic)}\" ที่คุณฝากข้อความไว้เรียบร้อยแล้วค่ะ "
                             f"ขอบคุณที่ติดต่อมานะคะ 🙏\n{_AGAIN.format(phone=office_phone)}")]
