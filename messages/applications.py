"""Measure applications in words: what the person hears at each step, and what officers read.

The person hears of the district's review, then of the province's decision, 1:1, kindly, with
what happens next; never an internal code (the measure's own name, never "M2") and never the
officers' note (it may name other people on the contract, such as guarantors who consented).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.applications import Refusal, StepNews
from messages.commands import APPOINTMENT, CONTACT, RELIEF
from messages.line_json import Message, MessageAction, QuickReply, QuickReplyItem, TextMessage
from messages.quiz import ANSWER_LABELS, QUESTION_TEXT

# --- to the person, 1:1 ---------------------------------------------------------------------

NEXT_AFTER_APPROVAL = {
    "clinic": f"พิมพ์ \"{APPOINTMENT[0]}\" เพื่อเลือกวันเข้าคลินิกแก้หนี้ได้เลย หรือรอเจ้าหน้าที่ติดต่อไปนัด",
    "court": f"พิมพ์ \"{APPOINTMENT[0]}\" เพื่อเลือกวันไกล่เกลี่ยที่ศาลได้เลย หรือรอเจ้าหน้าที่ติดต่อไปนัด",
    "officer": "เจ้าหน้าที่จะติดต่อคุณในเวลาราชการ เพื่อนัดทำเอกสารให้เรียบร้อย",
}


def step_notice(news: StepNews, *, office_phone: str) -> list[Message]:
    """The person's application took a step: the district reviewed it, or the province decided."""
    name = f"\"{news.measure.fill(news.measure.name)}\" (โครงการ{news.project_name})"
    hello = f"สวัสดีค่ะ คุณ{news.first_name} 🌼"
    if news.status == "under_review":
        return [TextMessage(text=(
            f"{hello}\nเจ้าหน้าที่อำเภอตรวจดูคำขอเข้าร่วม {name} ของคุณเรียบร้อยแล้ว "
            "ตอนนี้ส่งต่อให้จังหวัดพิจารณาค่ะ\n"
            f"เมื่อมีผล เราจะแจ้งในแชตนี้ทันที ดูสถานะได้ทุกเมื่อ พิมพ์ \"{RELIEF[0]}\" · สงสัยอะไรโทร {office_phone}"))]
    if news.status == "approved":
        follow = NEXT_AFTER_APPROVAL.get(news.measure.next_step, NEXT_AFTER_APPROVAL["officer"])
        documents = ("\nเอกสารที่ควรเตรียม: " + ", ".join(news.measure.documents)) if news.measure.documents else ""
        book_now = None
        if news.measure.next_step in {"clinic", "court"}:  # the next step is a meeting: the day can be picked now
            book_now = QuickReply(items=[QuickReplyItem(action=MessageAction(label="เลือกวันนัดเลย",
                                                                            text=APPOINTMENT[0]))])
        return [TextMessage(text=(
            f"ข่าวดีค่ะ คุณ{news.first_name} 🎉\nคำขอเข้าร่วม {name} ได้รับอนุมัติแล้ว\n"
            f"ขั้นต่อไป: {follow}{documents}\n"
            f"ขอบคุณที่ตั้งใจดูแลหนี้ของคุณนะคะ · สงสัยอะไรโทร {office_phone}"),
            quick_reply=book_now)]
    return [TextMessage(text=(
        f"{hello}\nขอบคุณที่ยื่นคำขอเข้าร่วม {name} นะคะ ครั้งนี้คำขอยังไม่ผ่านการพิจารณา\n"
        "ไม่ต้องกังวลค่ะ ยังมีทางอื่นที่ช่วยได้ เจ้าหน้าที่จะติดต่อไปเล่าเหตุผลและช่วยหาทางที่เหมาะกับคุณ\n"
        f"ดูมาตรการอื่นได้ พิมพ์ \"{RELIEF[0]}\" · ฝากเรื่องถึงเจ้าหน้าที่ พิมพ์ \"{CONTACT[0]}\" · โทร {office_phone}"),
        quick_reply=QuickReply(items=[QuickReplyItem(action=MessageAction(label="ดูมาตรการอื่น",
                                                                          text=RELIEF[0]))]))]


# --- to officers, in the console --------------------------------------------------------------

# Where an application stands, as officers read it: whose turn it is.
OFFICER_STATUS = {"submitted": "รออำเภอตรวจสอบ", "under_review": "รอจังหวัดพิจารณา", "approved": "อนุมัติแล้ว",
                  "rejected": "ไม่อนุมัติ", "active": "อยู่ในมาตรการ", "failed": "ออกจากมาตรการ"}
WAITING = "waiting"  # the queue's default: both kinds of waiting
ALL = "all"
STATUS_CHOICES = ((WAITING, "รอดำเนินการ"), (ALL, "ทุกสถานะ"), *OFFICER_STATUS.items())

STEP_BUTTONS = {"under_review": "ตรวจสอบแล้ว ส่งจังหวัดพิจารณา", "approved": "อนุมัติ", "rejected": "ไม่อนุมัติ",
                "active": "ผู้ขอเข้าร่วมมาตรการแล้ว", "failed": "ออกจากมาตรการ (ผิดนัดซ้ำ)"}
STEP_NOTES = {"under_review": "บันทึกการตรวจสอบ (ถ้ามี)", "approved": "บันทึกประกอบการอนุมัติ (ถ้ามี)",
              "rejected": "เหตุผลที่ไม่อนุมัติ (จำเป็น)", "active": "บันทึก (ถ้ามี)", "failed": "บันทึก (ถ้ามี)"}
STEP_DONE = {"under_review": "บันทึกการตรวจสอบแล้ว ส่งต่อให้จังหวัดพิจารณา", "approved": "บันทึกการอนุมัติแล้ว",
             "rejected": "บันทึกว่าไม่อนุมัติแล้ว", "active": "บันทึกว่าเข้าร่วมมาตรการแล้ว",
             "failed": "บันทึกว่าออกจากมาตรการแล้ว"}
TOLD = "แจ้งผู้ขอทาง LINE แล้ว (ส่งในเวลาที่ติดต่อได้)"
NOT_TOLD = "ผู้ขอยังไม่ได้เชื่อมบัญชี LINE จึงยังไม่ได้แจ้ง กรุณาแจ้งทางโทรศัพท์"

REFUSALS = {
    Refusal.MOVE: "คำขอนี้ทำขั้นนี้ไม่ได้แล้ว อาจมีเจ้าหน้าที่ท่านอื่นดำเนินการไปก่อน กรุณาดูสถานะล่าสุดด้านล่าง",
    Refusal.NOTE_NEEDED: "การไม่อนุมัติต้องบันทึกเหตุผลทุกครั้ง กรุณาเขียนเหตุผลแล้วกดอีกครั้ง",
    Refusal.DISTRICT_STEP: "การตรวจสอบคำขอเป็นขั้นของเจ้าหน้าที่อำเภอที่สัญญานี้อยู่",
    Refusal.PROVINCE_STEP: "การอนุมัติหรือไม่อนุมัติเป็นขั้นของเจ้าหน้าที่ระดับจังหวัด",
    Refusal.OUT_OF_AREA: "สัญญานี้อยู่นอกอำเภอที่คุณดูแล",
    Refusal.SAME_OFFICER: "คุณเป็นผู้ตรวจสอบคำขอนี้แล้ว ผู้อนุมัติหรือไม่อนุมัติต้องเป็นเจ้าหน้าที่อีกท่านหนึ่ง",
}
NOT_AN_OFFICER = "การตรวจสอบและอนุมัติคำขอต้องทำโดยเจ้าหน้าที่ที่เข้าระบบด้วยบัญชี LINE ของตนเอง"
NOTE_TOO_LONG = "บันทึกยาวเกินไป กรุณาย่อให้ไม่เกิน 2,000 ตัวอักษร"

FROM_BOOKING = "เริ่มจากผลการไกล่เกลี่ยหรือนัดหมาย (ไม่ได้ผ่านแบบประเมิน)"
HISTORY = {"submitted": "ยื่นคำขอ", "from_booking": "เริ่มจากผลการไกล่เกลี่ยหรือนัดหมาย", "reviewed": "อำเภอตรวจสอบแล้ว"}


def answer_lines(answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The quiz's recorded answers as (the question as asked, the answer as the button said it)."""
    if "from_booking" in answers:
        return [("ที่มา", FROM_BOOKING)]
    lines = []
    for step, value in answers.items():
        question = QUESTION_TEXT.get(step, step)
        if step == "contract":  # the project code the person picked among their contracts
            lines.append((question, str(value)))
        else:
            lines.append((question, ANSWER_LABELS.get(step, {}).get(str(value), str(value))))
    return lines
