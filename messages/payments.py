"""Paying: the Thai QR code as a picture, the references to copy, or the office when there is no code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.money import Position
from messages.balance import contract_header, office_line, owed_rows
from messages.format import baht, thai_date
from messages.line_json import (
    ClipboardAction,
    FlexBox,
    FlexBubble,
    FlexButton,
    FlexCarousel,
    FlexMessage,
    FlexSeparator,
    FlexText,
    ImageMessage,
    Message,
    MessageAction,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
)
from messages.payloads import PayQR

MAX_PICTURES = 3  # a reply holds 5 messages: a few words, the pictures, the cards
MAX_CARDS = 10


@dataclass(frozen=True)
class Biller:
    """Who receives Bill Payments (settings PAYMENT_*)."""

    bank: str
    name: str
    biller_id: str
    note: str = ""


@dataclass(frozen=True)
class PayView:
    """One contract's code for one payer, and the picture to show."""

    contract_id: int
    project_code: str
    project_name: str
    role: str
    position: Position
    ref1: str
    ref2: str | None
    suggested: Decimal | None  # the amount the contract's code suggests
    picture_url: str
    picture_amount: Decimal | None  # the amount in the code the picture shows (None: the payer types it)


def _how_to_scan(biller: Biller) -> str:
    note = f"\n{biller.note}" if biller.note else ""
    return (f"1. กดค้างที่รูป QR แล้วเลือกบันทึกรูป\n"
            f"2. เปิดแอปธนาคารใดก็ได้ กดสแกน แล้วเลือกรูปที่บันทึกไว้\n"
            f"3. ตรวจว่าผู้รับเงินคือ \"{biller.name}\" แล้วกดยืนยัน{note}")


def pay_by_qr(views: Sequence[PayView], biller: Biller, today: date) -> list[Message]:
    """`วิธีชำระเงิน`: how to scan, the pictures of the first codes, and a card per contract."""
    pictures: list[Message] = [_picture(view) for view in views[:MAX_PICTURES]]
    intro = TextMessage(text=(
        f"จ่ายด้วย QR ได้ทุกธนาคารค่ะ 💚\n{_how_to_scan(biller)}\n"
        "จะจ่ายบิลแบบพิมพ์เองก็ได้ กด \"คัดลอก\" ในการ์ดด้านล่าง แล้ววางในแอปธนาคาร\n"
        "เก็บสลิปไว้ทุกครั้งนะคะ ยอดในระบบจะปรับหลังกองทุนได้รับข้อมูลจากธนาคาร "
        f"(ข้อมูล ณ {thai_date(today)})"))
    cards = [_card(view, biller) for view in views[:MAX_CARDS]]
    alt = "วิธีชำระเงินด้วย QR: " + ", ".join(view.project_code for view in views)
    return [intro, *pictures, FlexMessage(alt_text=alt[:400], contents=FlexCarousel(contents=cards))]


def one_code(view: PayView, biller: Biller) -> list[Message]:
    """A tapped `จ่ายด้วย QR`: that contract's picture and its card."""
    return [_picture(view), FlexMessage(alt_text=f"QR ชำระเงิน {view.project_code}", contents=_card(view, biller))]


def _picture(view: PayView) -> ImageMessage:
    return ImageMessage(original_content_url=view.picture_url, preview_image_url=view.picture_url)


def _copy_row(label: str, value: str) -> FlexBox:
    return FlexBox(layout="horizontal", spacing="sm", contents=[
        FlexBox(layout="vertical", flex=7, contents=[
            FlexText(text=label, size="xxs", color="#777777", wrap=True),
            FlexText(text=value, size="sm", weight="bold", wrap=True),
        ]),
        FlexButton(flex=4, style="link", height="sm", gravity="center",
                   action=ClipboardAction(label="คัดลอก", clipboard_text=value)),
    ])


def _card(view: PayView, biller: Biller) -> FlexBubble:
    carries = baht(view.picture_amount) if view.picture_amount is not None else "ไม่ระบุยอด ใส่ยอดเองในแอป"
    refs = [
        FlexText(text=f"QR ในรูป: {carries}", size="sm", wrap=True, color="#1565C0", weight="bold"),
        FlexText(text=f"ผู้รับเงิน: {biller.name}", size="xs", wrap=True, color="#555555"),
        _copy_row("รหัสผู้รับชำระ (Biller ID)", biller.biller_id),
        _copy_row("Ref.1 รหัสโครงการ", view.ref1),
    ]
    if view.ref2 is not None:
        refs += [
            _copy_row("Ref.2 เลขบัตรประชาชนของคุณเอง", view.ref2),
            FlexText(text="ผู้กู้ ลูกหนี้ร่วม และผู้ค้ำประกัน ใส่เลขบัตรของตัวเองได้เลยค่ะ", size="xxs", wrap=True,
                     color="#777777"),
        ]
    buttons = []
    if view.suggested is not None:
        buttons.append(FlexButton(style="primary", color="#1565C0", height="sm", action=PostbackAction(
            label="QR ระบุยอด", display_text=f"ขอ QR ระบุยอด {view.project_code}",
            data=PayQR(contract=view.contract_id, amount=True).pack())))
    buttons.append(FlexButton(style="secondary", height="sm", action=PostbackAction(
        label="QR ไม่ระบุยอด", display_text=f"ขอ QR ไม่ระบุยอด {view.project_code}",
        data=PayQR(contract=view.contract_id, amount=False).pack())))
    return FlexBubble(
        size="kilo",
        header=contract_header(view.project_name, view.role, view.project_code, "#E3F2FD"),
        body=FlexBox(layout="vertical", spacing="sm", contents=[
            *owed_rows(view.position), FlexSeparator(margin="md"), *refs,
        ]),
        footer=FlexBox(layout="vertical", spacing="sm", contents=buttons),
    )


def pay_at_office(office_name: str, office_phone: str, project_codes: Sequence[str], note: str = "") -> list[Message]:
    """No Bill Payment is set up: pay at the office, quoting one's project codes."""
    codes = "\n".join(f"• {code}" for code in project_codes)
    mine = f"\nแจ้งรหัสโครงการของคุณ:\n{codes}" if project_codes else ""
    extra = f"\n{note}" if note else ""
    return [TextMessage(text=(
        f"วิธีชำระเงินกู้กองทุนพัฒนาบทบาทสตรี 💚\n{office_line(office_name, office_phone)}\n"
        f"นำบัตรประชาชนไปด้วยนะคะ{mine}{extra}\nเก็บใบเสร็จไว้ทุกครั้งค่ะ"))]


def verify_to_pay(biller: Biller) -> list[Message]:
    """`วิธีชำระเงิน` before verifying: how paying works, and verifying gets one's own code."""
    return [TextMessage(
        text=(f"วิธีชำระเงินกู้กองทุนพัฒนาบทบาทสตรี 💚\nจ่ายบิลผ่านแอปธนาคารหรือ{biller.bank} "
              f"ผู้รับเงิน \"{biller.name}\" (รหัส {biller.biller_id})\n"
              "ยืนยันตัวตนก่อน แล้วเราจะส่ง QR ของคุณพร้อมยอดให้สแกนจ่ายได้ทันที "
              "ไม่ต้องจำรหัสอ้างอิงเองค่ะ"),
        quick_reply=QuickReply(items=[QuickReplyItem(action=MessageAction(label="ยืนยันตัวตน",
                                                                          text="ยืนยันตัวตน"))]))]


def nothing_to_pay() -> list[Message]:
    """Every contract of the person is paid off or closed: no code, a thank-you."""
    return [TextMessage(text="สัญญาของคุณชำระครบแล้ว ไม่มียอดที่ต้องชำระค่ะ ขอบคุณมากนะคะที่ดูแลกองทุนของกลุ่ม 🌼")]


def no_such_code() -> list[Message]:
    """A `จ่ายด้วย QR` for a contract that is not the person's, or has nothing left to pay."""
    return [TextMessage(text="สัญญานี้ไม่มียอดที่ต้องชำระในชื่อของคุณแล้วค่ะ พิมพ์ \"ยอดหนี้\" เพื่อดูยอดล่าสุดได้เลย")]


def picture_gone() -> str:
    """The answer to an expired or paid-off picture link (plain text, opened in a browser)."""
    return "ลิงก์ QR นี้หมดอายุแล้วค่ะ พิมพ์ \"วิธีชำระเงิน\" ในแชตกับกองทุนเพื่อรับ QR ใหม่"
