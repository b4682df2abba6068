"""Gentle reminders (DOMAIN.md, "How to talk to debtors"): care first, then the date and how to pay.

Group texts are generic by construction (no names, amounts or counts) and are checked
again by the outbox's group guard. Personal texts show no amount either: a notification
preview can be read by anyone holding the phone, so the figure appears only when the
person taps to see their balance.
"""

from __future__ import annotations

from datetime import date

from messages.format import thai_date
from messages.line_json import Message, MessageAction, QuickReply, QuickReplyItem, TextMessage


def _personal_buttons(*extra: tuple[str, str]) -> QuickReply:
    items = [QuickReplyItem(action=MessageAction(label="ดูยอดของฉัน", text="ยอดหนี้"))]
    items += [QuickReplyItem(action=MessageAction(label=label, text=text)) for label, text in extra]
    items.append(QuickReplyItem(action=MessageAction(label="หยุดแจ้งเตือน", text="หยุดแจ้งเตือน")))
    return QuickReply(items=items)


def payment_due_soon(due: date) -> list[Message]:
    return [TextMessage(
        text=f"สวัสดีค่ะ 🌼 แจ้งเตือนเบา ๆ งวดถัดไปของคุณครบกำหนดวันที่ {thai_date(due)}\n"
        "แตะ \"ดูยอดของฉัน\" เพื่อดูยอดและวิธีชำระ ขอบคุณที่ดูแลกองทุนของกลุ่มนะคะ",
        quick_reply=_personal_buttons(("วิธีชำระ", "วิธีชำระ")))]


def payment_missed(due: date) -> list[Message]:
    return [TextMessage(
        text=f"สวัสดีค่ะ เป็นอย่างไรบ้างคะ 🙂 งวดวันที่ {thai_date(due)} ยังไม่เห็นยอดเข้ามา "
        "ถ้าชำระแล้วขอบคุณมากค่ะ ถ้าช่วงนี้ไม่สะดวก กองทุนมีมาตรการช่วยเหลือ คุยกับเราได้เสมอ",
        quick_reply=_personal_buttons(("มาตรการช่วยเหลือ", "มาตรการ")))]


def reminders_off() -> list[Message]:
    return [TextMessage(text="หยุดส่งการแจ้งเตือนส่วนตัวแล้วค่ะ ดูยอดได้ทุกเมื่อโดยพิมพ์ \"ยอดหนี้\" "
                             "หากต้องการให้เตือนอีก พิมพ์ \"แจ้งเตือน\"")]


def reminders_on() -> list[Message]:
    return [TextMessage(text="เปิดการแจ้งเตือนแล้วค่ะ เราจะเตือนก่อนครบกำหนดงวด ไม่เกินวันละครั้ง "
                             "และเฉพาะเวลา 08:00–20:00 (วันหยุด 08:00–18:00)")]


def reminders_need_verification() -> list[Message]:
    return [TextMessage(text="การแจ้งเตือนส่วนตัวส่งให้เฉพาะผู้ที่ยืนยันตัวตนแล้วค่ะ พิมพ์ \"ยืนยันตัวตน\" เพื่อเริ่ม",
                        quick_reply=QuickReply(items=[QuickReplyItem(
                            action=MessageAction(label="ยืนยันตัวตน", text="ยืนยันตัวตน"))]))]


def _how_to_pay(bank: str, biller: str, office: str | None) -> str:
    if office is not None:  # no Bill Payment set up: the office (never a placeholder code)
        return f"ชำระได้ที่{office} ในวันและเวลาราชการ"
    return (f"ชำระได้ที่{bank} หรือแอปธนาคาร เมนูจ่ายบิล ผู้รับเงิน \"{biller}\" "
            "(QR ของตัวเองขอได้ในแชตส่วนตัว พิมพ์ \"วิธีชำระเงิน\")")


def _private_balance() -> str:
    return "อยากรู้ยอดของตัวเอง พิมพ์ \"ยอดหนี้\" ในแชตส่วนตัวกับ LINE ของกองทุนได้เลย (ไม่มีใครเห็นนอกจากคุณ)"


def group_before(due: date, bank: str, biller: str, *, office: str | None = None) -> list[Message]:
    return [TextMessage(
        text=f"สวัสดีค่ะสมาชิกทุกท่าน 🌼 ขอให้ทุกคนสบายดีนะคะ\n"
        f"อีกไม่กี่วันจะถึงวันครบกำหนดชำระงวด วันที่ {thai_date(due)}\n{_how_to_pay(bank, biller, office)}\n"
        "ถ้าช่วงนี้ไม่สะดวก กองทุนมีมาตรการช่วยเหลือและคลินิกแก้หนี้ ปรึกษาได้ไม่มีค่าใช้จ่าย\n"
        f"{_private_balance()}")]


def group_on_day(due: date, bank: str, biller: str, *, office: str | None = None) -> list[Message]:
    return [TextMessage(
        text=f"สวัสดีค่ะ วันนี้ ({thai_date(due)}) เป็นวันครบกำหนดชำระงวดค่ะ 🙏\n{_how_to_pay(bank, biller, office)}\n"
        "ขอบคุณทุกคนที่ช่วยกันดูแลกองทุนของกลุ่ม หากมีเรื่องไม่สะดวก คุยกับเราได้เสมอ\n"
        f"{_private_balance()}")]


def group_after(due: date) -> list[Message]:
    return [TextMessage(
        text=f"สวัสดีค่ะ 🌼 ใครที่ยังไม่สะดวกชำระงวดวันที่ {thai_date(due)} ไม่ต้องกังวลนะคะ "
        "กองทุนมีทางเลือกให้ เช่น ผ่อนเป็นส่วน ๆ มาตรการช่วยเหลือ และคลินิกแก้หนี้\n"
        f"{_private_balance()} แล้วพิมพ์ \"มาตรการ\" เพื่อดูทางเลือกที่เหมาะกับตัวเอง")]


def group_note_held(groups: int) -> list[Message]:
    """For officers: the privacy guard refused today's generic group note (nothing was sent)."""
    return [TextMessage(text=f"⚠️ แจ้งเจ้าหน้าที่: ข้อความแจ้งเตือนกลุ่มวันนี้ถูกระงับ {groups} กลุ่ม "
                             "เพราะตัวกรองความเป็นส่วนตัวพบคำที่ตรงกับชื่อหรือข้อมูลในทะเบียน จึงไม่ได้ส่ง "
                             "กรุณาตรวจข้อความแม่แบบหรือชื่อในทะเบียน (รายละเอียดอยู่ใน log ของระบบ)")]
