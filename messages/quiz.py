"""The relief quiz, in words: a caring start, quick-reply questions, results as cards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from domain.measures import Fit
from messages.common import flow_controls
from messages.flows import ReliefStep, answer
from messages.format import thai_date
from messages.line_json import (
    FlexBox,
    FlexBubble,
    FlexButton,
    FlexCarousel,
    FlexMessage,
    FlexSeparator,
    FlexText,
    Message,
    MessageAction,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
)
from messages.payloads import BookingAction

START_AGAIN = "ประเมินมาตรการ"  # a word that always starts the quiz afresh

QUESTION_TEXT = {
    "contract": "คุณมีหลายสัญญา อยากดูมาตรการของสัญญาไหนคะ",
    "role": "ในสัญญาเงินกู้ คุณเป็นใครคะ",
    "standing": "ตอนนี้การชำระเป็นอย่างไรบ้างคะ",
    "court": "ได้รับหนังสือทวงถาม หรือมีเรื่องที่ศาลแล้วหรือยังคะ",
    "hardship": "ตอนนี้มีเรื่องใดตรงกับคุณหรือผู้กู้ไหมคะ",
    "payoff": "ถ้ามีส่วนลดดอกเบี้ยผิดนัด คุณพอจะปิดหนี้ได้แค่ไหนคะ",
    "wish": "อยากให้กองทุนช่วยเรื่องไหนคะ",
}

# answer → button label (LINE allows 20 characters on a quick-reply button)
ANSWER_LABELS = {
    "role": {"borrower": "ผู้กู้หลัก", "co_debtor": "ลูกหนี้ร่วม", "guarantor": "ผู้ค้ำประกัน"},
    "standing": {"4": "ชำระตรงทุกงวด", "3": "ค้างบางงวด", "2": "สัญญาครบแล้วยังค้าง", "1": "ไม่ได้ชำระเกิน 5 ปี"},
    "court": {"none": "ยังไม่มี", "demand_letter": "ได้หนังสือทวงถาม", "litigation": "ถูกฟ้องแล้ว",
              "judgment": "ศาลพิพากษาแล้ว"},
    "hardship": {"none": "ไม่มี", "disabled": "พิการ/ทุพพลภาพ", "elderly": "อายุมาก",
                 "deceased": "ผู้กู้เสียชีวิต", "unable_to_work": "ทำงานตามปกติไม่ได้"},
    "payoff": {"all_now": "ปิดได้ทันที", "within_30": "ภายใน 30 วัน", "need_time": "ผ่อนได้แต่ขอเวลา",
               "not_yet": "ตอนนี้ยังไม่ไหว"},
    "wish": {"leave_guarantee": "ขอออกจากการค้ำ", "release_share": "ขอปลดหนี้ส่วนตัวเอง",
             "other": "เรื่องอื่น"},
}

REASONS = {
    "time_barred": "สัญญาของคุณครบกำหนดและไม่ได้ชำระมานาน เริ่มจากขั้นนี้ก่อนจะมีทางเลือกอื่นตามมา",
    "contract_ended": "สัญญาครบกำหนดแล้วแต่ยังค้าง ขั้นนี้ช่วยให้มีเวลาและเข้ามาตรการอื่นได้",
    "in_default": "เหมาะกับผู้ที่ค้างชำระอยู่",
    "paying_well": "คุณชำระตรงงวดอยู่แล้ว ขอบคุณค่ะ นี่คือสิ่งที่ช่วยให้สบายใจขึ้นอีก",
    "more_time": "คุณบอกว่าผ่อนได้แต่ต้องใช้เวลา มาตรการนี้ช่วยยืดเวลาให้",
    "leave_guarantee": "คุณเป็นผู้ค้ำประกันและอยากออกจากการค้ำ",
    "release_share": "คุณเป็นลูกหนี้ร่วมและอยากชำระเฉพาะส่วนของตนเพื่อปลดหนี้",
    "guarantor_or_co_debtor": "สำหรับผู้ค้ำประกันหรือลูกหนี้ร่วมของสัญญานี้",
    "court_settlement": "เรื่องอยู่ที่ศาลแล้ว ยังตกลงชำระเพื่อลดดอกเบี้ยผิดนัดได้",
    "demand_letter": "คุณได้รับหนังสือทวงถามไม่นานนี้ ชำระครบภายในกำหนดได้ส่วนลดมาก",
    "demand_letter_maybe": "ใช้ได้หากชำระครบภายใน {before_suit_days} วันนับจากวันที่ได้รับหนังสือทวงถาม",
    "older_contract": "สัญญาของคุณทำก่อน 30 ก.ย. 2566 จึงขอลดอัตราดอกเบี้ยได้",
    "older_contract_maybe": "ใช้ได้หากสัญญาของคุณทำก่อน 30 ก.ย. 2566",
    "payoff": "คุณพร้อมปิดหนี้ได้เร็ว จึงได้ลดหรืองดดอกเบี้ยผิดนัด",
    "disabled": "คุณหรือผู้กู้พิการหรือทุพพลภาพ",
    "elderly": "คุณหรือผู้กู้อายุมาก",
    "deceased": "ผู้กู้เสียชีวิต ทายาทหรือลูกหนี้ร่วมยื่นขอได้",
    "unable_to_work": "คุณหรือผู้กู้ทำงานตามปกติไม่ได้",
    "hardship_maybe": "หากมีผู้พิการ อายุมาก เสียชีวิต หรือทำงานไม่ได้",
    "mediation": "คุยตกลงกันโดยมีศาลเป็นคนกลาง ได้แผนชำระที่ทำได้จริง",
}

NEXT_STEP_BUTTON = {"clinic": "ขอนัดคลินิกแก้หนี้", "court": "ขอนัดไกล่เกลี่ย", "officer": "ให้เจ้าหน้าที่ติดต่อกลับ"}
STATUS_NAMES = {"submitted": "ส่งคำขอแล้ว รอเจ้าหน้าที่", "under_review": "เจ้าหน้าที่กำลังพิจารณา",
                "approved": "อนุมัติแล้ว", "rejected": "ไม่ผ่านการพิจารณา", "active": "อยู่ในมาตรการ",
                "failed": "ออกจากมาตรการแล้ว"}


def opening(verified: bool) -> TextMessage:
    """Care first, then the promise: a few taps, no typing."""
    known = "เราดูข้อมูลสัญญาของคุณไว้แล้ว จะถามเท่าที่จำเป็น" if verified else "ตอบไม่กี่ข้อ แตะปุ่มได้เลยไม่ต้องพิมพ์"
    return TextMessage(text=f"เป็นอย่างไรบ้างคะ 🌼 ถ้าช่วงนี้เรื่องเงินไม่ง่าย เราอยากช่วยหาทางที่เหมาะกับคุณ\n{known}")


def question(step: str, *, back: bool, contracts: Sequence[tuple[str, str]] = ()) -> TextMessage:
    """A question with one button per answer (and back/cancel)."""
    options = [(code, code) for code, _ in contracts] if step == "contract" else list(ANSWER_LABELS[step].items())
    items = [QuickReplyItem(action=PostbackAction(
        label=label, display_text=label, data=answer(ReliefStep(step), value)))
        for value, label in options]
    text = QUESTION_TEXT[step]
    if step == "contract":
        text += "\n" + "\n".join(f"• {code} {name}" for code, name in contracts)
    return TextMessage(text=text, quick_reply=QuickReply(items=items[:11] + flow_controls(back)))


def tap_a_button(step: str, *, back: bool, contracts: Sequence[tuple[str, str]] = ()) -> list[Message]:
    return [TextMessage(text="แตะเลือกคำตอบจากปุ่มด้านล่างได้เลยค่ะ"), question(step, back=back, contracts=contracts)]


def tap_a_card() -> list[Message]:
    return [TextMessage(text="แตะปุ่มบนการ์ดมาตรการที่สนใจได้เลยค่ะ หรือพิมพ์ \"ยกเลิก\" เพื่อจบ")]


@dataclass(frozen=True)
class Card:
    fit: Fit
    apply_value: str | None  # None: the person must verify first


def results(cards: Sequence[Card], *, verified: bool, office_phone: str) -> list[Message]:
    """The fitting measures as a carousel, each with what it does, why, documents and the next step."""
    if not cards:
        return [TextMessage(text="ตอนนี้ยังไม่พบมาตรการที่ตรงกับคำตอบค่ะ แต่เจ้าหน้าที่ช่วยดูให้ได้เสมอ "
                                 f"โทร {office_phone} หรือพิมพ์ \"ติดต่อเจ้าหน้าที่\"")]
    bubbles = [_card(card) for card in cards[:10]]
    names = ", ".join(card.fit.measure.label for card in cards)  # never the ids (M1, ACK_DEBT): people read this
    messages: list[Message] = [FlexMessage(alt_text=f"มาตรการที่เหมาะกับคุณ: {names}",
                                           contents=FlexCarousel(contents=bubbles))]
    if not verified:
        messages.append(TextMessage(
            text="นี่เป็นคำแนะนำทั่วไปค่ะ หากยืนยันตัวตน เราจะดูจากสัญญาจริงของคุณและส่งคำขอเข้าร่วมให้ได้เลย",
            quick_reply=QuickReply(items=[QuickReplyItem(action=MessageAction(label="ยืนยันตัวตน",
                                                                                text="ยืนยันตัวตน"))])))
    return messages


def _card(card: Card) -> FlexBubble:
    m = card.fit.measure
    documents = [FlexText(text=f"• {d}", size="xs", wrap=True, color="#444444") for d in m.documents] or [
        FlexText(text="• ไม่ต้องเตรียมเอกสาร", size="xs", color="#444444")]
    if card.apply_value is not None:
        button = FlexButton(style="primary", color="#06C755", height="sm", action=PostbackAction(
            label=NEXT_STEP_BUTTON[m.next_step], display_text=NEXT_STEP_BUTTON[m.next_step],
            data=answer(ReliefStep.RESULTS, card.apply_value)))
    else:
        button = FlexButton(style="secondary", height="sm",
                            action=MessageAction(label="ยืนยันตัวตนเพื่อส่งคำขอ", text="ยืนยันตัวตน"))
    return FlexBubble(
        size="kilo",
        header=FlexBox(layout="vertical", background_color="#FFF4E5", contents=[
            FlexText(text=m.fill(m.name), weight="bold", wrap=True, size="md"),
        ]),
        body=FlexBox(layout="vertical", spacing="sm", contents=[
            FlexText(text=m.fill(m.summary), wrap=True, size="sm"),
            FlexText(text="ทำไมเหมาะกับคุณ: " + m.fill(REASONS.get(card.fit.reason, "")), wrap=True, size="xs",
                     color="#1B5E20"),
            FlexSeparator(margin="md"),
            FlexText(text="เอกสารที่ต้องเตรียม", weight="bold", size="xs", margin="md"),
            *documents,
        ]),
        footer=FlexBox(layout="vertical", contents=[button]),
    )


def applied(measure_name: str, next_step: str, office_phone: str) -> list[Message]:
    follow = {
        "clinic": "เลือกวันเข้าคลินิกแก้หนี้ได้เลย หรือรอเจ้าหน้าที่ติดต่อไปนัด",
        "court": "เลือกวันไกล่เกลี่ยที่ศาลได้เลย หรือรอเจ้าหน้าที่ติดต่อไปนัด",
        "officer": "เจ้าหน้าที่จะติดต่อกลับในเวลาราชการ",
    }[next_step]
    book_now = None
    if next_step in {"clinic", "court"}:  # the next step is a meeting: let them pick the day now
        # a button, not the typed word: it works while the quiz is still open, and says which kind was asked for
        book_now = QuickReply(items=[QuickReplyItem(action=PostbackAction(
            label="เลือกวันนัดเลย", display_text="นัดหมาย",
            data=BookingAction(op="new", booking=0, kind=next_step).pack()))])
    return [TextMessage(text=f"ส่งคำขอเข้าร่วม \"{measure_name}\" แล้วค่ะ 🙏\n{follow}\n"
                             f"ดูสถานะได้ทุกเมื่อ พิมพ์ \"มาตรการ\" · เร่งด่วนโทร {office_phone}",
                        quick_reply=book_now)]


def already_applied(measure_name: str, status: str) -> list[Message]:
    return [TextMessage(text=f"คุณส่งคำขอ \"{measure_name}\" ไว้แล้วค่ะ สถานะ: {STATUS_NAMES[status]}")]


def statuses(rows: Sequence[tuple[str, str, str, date]]) -> list[Message]:
    """`มาตรการ` from someone with applications: where each stands, and a way to start over."""
    lines = [f"• {name} ({code}): {STATUS_NAMES[status]} · {thai_date(when)}" for name, code, status, when in rows]
    return [TextMessage(
        text="คำขอเข้าร่วมมาตรการของคุณ\n" + "\n".join(lines),
        quick_reply=QuickReply(items=[QuickReplyItem(action=MessageAction(label="ดูมาตรการที่เหมาะ",
                                                                            text=START_AGAIN))]))]
