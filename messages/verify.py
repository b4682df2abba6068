"""Proving who you are: the privacy notice, the questions, and every answer to a mistake."""

from __future__ import annotations

from messages.flows import VerifyStep, answer
from messages.line_json import (
    FlexBox,
    FlexBubble,
    FlexButton,
    FlexMessage,
    FlexText,
    Message,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
)
from messages.payloads import FlowControl

NOTICE_VERSION = "verify-2026-11"

NOTICE_TEXT = (
    "เพื่อให้คุณดูยอดหนี้ของตัวเองได้ในแชตนี้ เราขอตรวจว่าเป็นคุณจริง โดยถาม\n"
    "• เลขบัตรประชาชน 13 หลัก\n"
    "• วันเดือนปีเกิด (หรือเลข 4 ตัวท้ายของเบอร์โทร)\n\n"
    "เราใช้ข้อมูลนี้เทียบกับทะเบียนลูกหนี้ของกองทุนเท่านั้น ไม่เก็บสิ่งที่พิมพ์ไว้ "
    "เก็บเพียงว่าบัญชี LINE นี้เป็นของใคร เพื่อแจ้งยอดหนี้และนัดหมายให้คุณคนเดียว "
    "ขอยกเลิกได้ทุกเมื่อโดยแจ้งเจ้าหน้าที่"
)


def _cancel_only() -> QuickReply:
    return QuickReply(items=[QuickReplyItem(action=PostbackAction(
        label="ยกเลิก", data=FlowControl(op="cancel").pack(), display_text="ยกเลิก"))])


def consent_notice(for_balance: bool) -> list[Message]:
    """The short PDPA notice with accept and decline buttons."""
    lead = "ก่อนดูยอดหนี้ ขอยืนยันตัวตนก่อนนะคะ 🔒" if for_balance else "ยืนยันตัวตน 🔒"
    bubble = FlexBubble(
        body=FlexBox(layout="vertical", spacing="md", contents=[
            FlexText(text=lead, weight="bold", size="lg", wrap=True),
            FlexText(text=NOTICE_TEXT, size="sm", wrap=True, color="#333333"),
        ]),
        footer=FlexBox(layout="vertical", spacing="sm", contents=[
            FlexButton(style="primary", color="#06C755", height="sm", action=PostbackAction(
                label="ยินยอม ดำเนินการต่อ", display_text="ยินยอม",
                data=answer(VerifyStep.CONSENT, "accept"))),
            FlexButton(style="secondary", height="sm", action=PostbackAction(
                label="ไม่ยินยอม", display_text="ไม่ยินยอม",
                data=answer(VerifyStep.CONSENT, "decline"))),
        ]),
    )
    return [FlexMessage(alt_text="ขอความยินยอมก่อนยืนยันตัวตน", contents=bubble)]


def consent_needed() -> list[Message]:
    return [TextMessage(text="กรุณาแตะ \"ยินยอม\" หรือ \"ไม่ยินยอม\" ที่การ์ดด้านบนก่อนนะคะ")]


def declined(office_phone: str) -> list[Message]:
    return [TextMessage(
        text="ไม่เป็นไรค่ะ เราจะไม่ถามข้อมูลส่วนตัวของคุณ 🙂\n"
        "หากต้องการทราบยอดหนี้ โทรหาเจ้าหน้าที่ได้ที่ " + office_phone)]


def ask_national_id() -> list[Message]:
    return [TextMessage(text="ขอบคุณค่ะ พิมพ์เลขบัตรประชาชน 13 หลักได้เลย (เว้นวรรคหรือขีดได้)",
                        quick_reply=_cancel_only())]


def national_id_problem(problem: str, digits: str) -> list[Message]:
    """A specific answer for a typo, so the person can fix it at once."""
    if problem == "length":
        text = f"เลขบัตรประชาชนมี 13 หลักค่ะ ที่พิมพ์มามี {len(digits)} หลัก ลองพิมพ์ใหม่อีกครั้งนะคะ"
    elif problem == "check_digit":
        text = ("เลขบัตรนี้น่าจะพิมพ์ผิดไป 1 หลักค่ะ (ตัวเลขหลักสุดท้ายไม่ตรงกับเลขที่เหลือ) "
                "ลองดูบัตรแล้วพิมพ์ใหม่อีกครั้งนะคะ")
    else:
        text = "กรุณาพิมพ์เป็นตัวเลข 13 หลักค่ะ เช่น 3 8301 00622 19 1"
    return [TextMessage(text=text, quick_reply=_cancel_only())]


def ask_secret() -> list[Message]:
    return [TextMessage(
        text="พิมพ์วันเดือนปีเกิดค่ะ เช่น 14/02/2515 หรือ 14 ก.พ. 2515\n"
        "(หากกองทุนไม่มีวันเกิดของคุณ ให้พิมพ์เลข 4 ตัวท้ายของเบอร์โทรที่ให้ไว้แทน)",
        quick_reply=_cancel_only())]


PHONE_ONLY_WITHOUT_BIRTH_DATE = "เลข 4 ตัวท้ายของเบอร์โทรใช้แทนได้เฉพาะเมื่อกองทุนไม่มีวันเกิดของคุณ"


def secret_unreadable() -> list[Message]:
    return [TextMessage(
        text="อ่านวันเกิดนี้ไม่ได้ค่ะ ลองพิมพ์แบบ วัน/เดือน/ปี พ.ศ. เช่น 14/02/2515\n"
        f"({PHONE_ONLY_WITHOUT_BIRTH_DATE} เช่น 5678)", quick_reply=_cancel_only())]


def no_match(tries_left: int, *, typed_phone: bool) -> list[Message]:
    """Both factors checked together: never says which one was wrong, or whether the ID exists.

    The hint depends only on what was typed, never on the register: advising phone digits
    only to people with no birth date on file would tell anyone typing an ID that its owner
    has none; advising them to everyone burns a try for most people (the birth date is
    checked whenever the register has one). So everyone hears the same rule.
    """
    if typed_phone:
        hint = ("ลองพิมพ์วันเดือนปีเกิดแทนนะคะ กองทุนตรวจจากวันเกิดก่อนเสมอ "
                f"{PHONE_ONLY_WITHOUT_BIRTH_DATE}")
    else:
        hint = ("ตรวจเลขบัตรและวันเกิดให้ตรงกับบัตรประชาชน (วัน/เดือน/ปี พ.ศ. เช่น 14/02/2515) "
                f"{PHONE_ONLY_WITHOUT_BIRTH_DATE}")
    return [TextMessage(
        text=f"ข้อมูลยังไม่ตรงกับทะเบียนของกองทุนค่ะ ลองใหม่ตั้งแต่เลขบัตรประชาชนอีกครั้งนะคะ\n{hint} "
        f"(ลองได้อีก {tries_left} ครั้ง)", quick_reply=_cancel_only())]


def locked(office_name: str, office_phone: str) -> list[Message]:
    return [TextMessage(
        text="เพื่อความปลอดภัยของข้อมูล ระบบพักการยืนยันตัวตนของบัญชีนี้ไว้ 24 ชั่วโมงค่ะ "
        "เพราะข้อมูลไม่ตรงหลายครั้ง\n"
        f"หากต้องการความช่วยเหลือตอนนี้ ติดต่อ{office_name} โทร {office_phone} "
        "เจ้าหน้าที่ยินดีช่วยค่ะ 🙏")]


def person_locked(office_name: str, office_phone: str) -> list[Message]:
    """Too many wrong answers for one ID today, from any account: the same words to everyone who tries it.

    Says nothing of whether the ID is on the register, nor who tried: every ID locks alike.
    """
    return [TextMessage(
        text="เพื่อความปลอดภัยของข้อมูล วันนี้ระบบพักการยืนยันตัวตนด้วยเลขบัตรประชาชนนี้ไว้ก่อนค่ะ "
        "เพราะมีการกรอกข้อมูลไม่ตรงหลายครั้ง\n"
        "ลองใหม่ได้ในวันพรุ่งนี้ หรือหากเป็นเลขบัตรของคุณเอง ติดต่อเจ้าหน้าที่"
        f"{office_name} โทร {office_phone} เจ้าหน้าที่ยินดีช่วยยืนยันตัวตนให้ค่ะ 🙏")]


def person_locked_alert(full_name: str, national_id_masked: str, accounts: int) -> list[Message]:
    """1:1 to the person's officers, once a day: tries at verifying as them were stopped.

    The name and a masked ID only (never the full ID, nor who tried); for officers 1:1, never a group.
    """
    return [TextMessage(
        text="🔒 แจ้งเจ้าหน้าที่: วันนี้มีการลองยืนยันตัวตนใน LINE ด้วยเลขบัตรของ"
        f"คุณ{full_name} (บัตร {national_id_masked}) แต่ข้อมูลไม่ตรงหลายครั้ง "
        f"จาก {accounts} บัญชี LINE ระบบจึงพักการยืนยันตัวตนของคนนี้ไว้ถึงเที่ยงคืน\n"
        "หากเจ้าตัวติดต่อมา ช่วยตรวจสอบตัวตนก่อนให้ข้อมูลนะคะ อาจมีผู้พยายามแอบอ้าง")]


def verified(first_name: str) -> list[Message]:
    return [TextMessage(text=f"ยืนยันตัวตนเรียบร้อยค่ะ ยินดีที่ได้ดูแลคุณ{first_name} 🌼\n"
                        "พิมพ์ \"ยอดหนี้\" เพื่อดูยอดของคุณได้ทุกเมื่อ")]


def already_verified(first_name: str) -> list[Message]:
    return [TextMessage(text=f"บัญชี LINE นี้ยืนยันตัวตนแล้วในชื่อคุณ{first_name}ค่ะ "
                        "หากต้องการเปลี่ยนเป็นคนอื่น กรุณาติดต่อเจ้าหน้าที่")]


def linked_elsewhere(office_phone: str) -> list[Message]:
    return [TextMessage(
        text="ข้อมูลนี้ถูกผูกกับบัญชี LINE อื่นอยู่แล้วค่ะ หนึ่งคนผูกได้หนึ่งบัญชี "
        f"หากเปลี่ยนโทรศัพท์หรือบัญชี LINE กรุณาโทรแจ้งเจ้าหน้าที่ {office_phone}")]
