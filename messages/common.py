"""Greeting, help, and the small answers every chat needs."""

from __future__ import annotations

from dataclasses import dataclass

from messages.line_json import (
    FlexBox,
    FlexBubble,
    FlexButton,
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
from messages.payloads import FlowControl

# What each person is offered, in order: (button label, the word it sends).
# A feature appears in these lists only once it works end to end.
# Someone not yet verified: verifying first, and what works before it.
GUEST_ITEMS: list[tuple[str, str]] = [
    ("ยืนยันตัวตน", "ยืนยันตัวตน"),
    ("ดูยอดหนี้", "ยอดหนี้"),
    ("มาตรการช่วยเหลือ", "มาตรการ"),
    ("วิธีชำระเงิน", "วิธีชำระ"),
    ("ติดต่อเจ้าหน้าที่", "ติดต่อเจ้าหน้าที่"),
]
# A verified debtor: never offered verification again.
DEBTOR_ITEMS: list[tuple[str, str]] = [
    ("ดูยอดหนี้", "ยอดหนี้"),
    ("วิธีชำระเงิน", "วิธีชำระ"),
    ("มาตรการช่วยเหลือ", "มาตรการ"),
    ("นัดหมาย", "นัดหมาย"),
    ("ติดต่อเจ้าหน้าที่", "ติดต่อเจ้าหน้าที่"),
]
OFFICER_ITEMS: list[tuple[str, str]] = [
    ("รายการวันนี้", "วันนี้"),
    ("ค้นหา", "ค้นหา"),
    ("บันทึกเยี่ยม", "บันทึกเยี่ยม"),
    ("นัดหมาย", "นัดหมาย"),
    ("เข้าระบบเว็บ", "เข้าระบบ"),
]
VOLUNTEER_ITEMS: list[tuple[str, str]] = [
    ("ส่งข่าวจากพื้นที่", "#อัปเดต"),  # `#อัปเดต` alone answers with how to write one
]


@dataclass(frozen=True)
class Audience:
    """Whom the menus and quick replies are for: the staff role held (officer, volunteer or
    none) and whether this LINE account is verified as a debtor."""

    role: str | None = None
    verified: bool = False

    @property
    def items(self) -> list[tuple[str, str]]:
        """The words offered, most used first (an officer's work; a volunteer's, then their own)."""
        if self.role == "officer":
            return OFFICER_ITEMS
        own = DEBTOR_ITEMS if self.verified else GUEST_ITEMS
        return VOLUNTEER_ITEMS + own if self.role == "volunteer" else own


GUEST = Audience()
HELP_ITEMS = GUEST_ITEMS  # the menu of someone the bot knows nothing about (the name earlier code used)


def flow_controls(back: bool) -> list[QuickReplyItem]:
    """The back and cancel buttons every step of a flow carries."""
    items = []
    if back:
        items.append(QuickReplyItem(action=PostbackAction(
            label="ย้อนกลับ", data=FlowControl(op="back").pack(), display_text="ย้อนกลับ")))
    items.append(QuickReplyItem(action=PostbackAction(
        label="ยกเลิก", data=FlowControl(op="cancel").pack(), display_text="ยกเลิก")))
    return items


def help_quick_reply(audience: Audience = GUEST) -> QuickReply:
    """The words this person uses, as quick-reply buttons under any message."""
    items = [QuickReplyItem(action=MessageAction(label=label, text=word)) for label, word in audience.items]
    items.append(QuickReplyItem(action=MessageAction(label="เมนู", text="ช่วยเหลือ")))
    return QuickReply(items=items)


def greeting(office_name: str, office_phone: str, audience: Audience = GUEST) -> list[Message]:
    """The first message after someone adds the fund as a friend."""
    hello = (
        "สวัสดีค่ะ ยินดีต้อนรับสู่ LINE ของกองทุนพัฒนาบทบาทสตรี 🌼\n"
        "เราอยู่ตรงนี้เพื่อช่วยคุณดูแลเรื่องเงินกู้ของกลุ่มอย่างสบายใจ\n\n"
        "ที่นี่คุณสามารถ\n"
        "• ดูยอดหนี้ ยอดค้าง และวันครบกำหนดงวดถัดไปของตัวเอง\n"
        "• ดูว่ามาตรการช่วยเหลือไหนเหมาะกับคุณ แล้วส่งคำขอเข้าร่วม\n"
        "• ดูวิธีชำระเงิน\n"
        "• ฝากข้อความถึงเจ้าหน้าที่ ให้โทรกลับในเวลาราชการ\n"
        "• ดูเมนูทั้งหมด พิมพ์ \"ช่วยเหลือ\" ได้ทุกเมื่อ"
    )
    privacy = (
        "เรื่องข้อมูลส่วนตัว 🔒\n"
        "กองทุนใช้ข้อมูลของคุณเพื่อดูแลสัญญาเงินกู้และติดต่อคุณเท่านั้น "
        "ยอดหนี้ของแต่ละคนจะแจ้งเฉพาะในแชตส่วนตัวนี้ หลังยืนยันตัวตนแล้ว "
        "และจะไม่ถูกเปิดเผยในกลุ่มไลน์หรือกับผู้อื่น\n"
        f"สอบถามเพิ่มเติม: {office_name} โทร {office_phone}"
    )
    return [TextMessage(text=hello), TextMessage(text=privacy, quick_reply=help_quick_reply(audience))]


def _menu_card(title: str, lead: str, items: list[tuple[str, str]], alt: str) -> FlexMessage:
    buttons = [
        FlexButton(action=MessageAction(label=label, text=word), style="primary", color="#06C755", height="sm")
        for label, word in items
    ]
    bubble = FlexBubble(
        body=FlexBox(
            layout="vertical",
            spacing="md",
            contents=[
                FlexText(text=title, weight="bold", size="lg", wrap=True),
                FlexText(text=lead, size="sm", color="#555555", wrap=True),
                FlexSeparator(),
                *buttons,
            ],
        )
    )
    return FlexMessage(alt_text=f"{alt}: " + " / ".join(label for label, _ in items), contents=bubble)


OFFICER_HELP = ("• วันนี้: รายการติดตาม คำขอที่รออยู่ก่อน แตะแต่ละรายการเพื่อดูประวัติ\n"
                "• ค้นหา ชื่อ/เลขบัตร 4 ตัวท้าย/เบอร์โทร/รหัสโครงการ: ดูประวัติลูกหนี้\n"
                "• บันทึกเยี่ยม: บันทึกผลการเยี่ยมและนัดชำระ\n"
                "• นัดหมาย: รายชื่อนัดวันนี้และพรุ่งนี้\n"
                "• เข้าระบบ: ลิงก์เข้าหน้าเว็บสำหรับเจ้าหน้าที่\n"
                "• #อัปเดต ข้อความ: ข่าวจากพื้นที่ (ส่งรูปหรือตำแหน่งตามได้ใน 10 นาที)")
VOLUNTEER_HELP = ("• #อัปเดต ข้อความ: ส่งข่าวจากพื้นที่ในกลุ่มหรือแชตนี้ แล้วส่งรูปหรือตำแหน่งตามได้ภายใน 10 นาที\n"
                  "ไม่ต้องใส่ยอดเงินหรือเรื่องหนี้ของใครในกลุ่มนะคะ")
PERSON_LEAD = "แตะปุ่มด้านล่าง หรือพิมพ์คำที่ต้องการได้เลย พิมพ์ \"ยกเลิก\" เพื่อหยุดรายการที่ทำอยู่ได้ทุกเมื่อ"


def help_menu(audience: Audience = GUEST) -> list[Message]:
    """What the bot can do for this person, as cards of buttons: an officer's work; a volunteer's
    and then their own; a debtor's (verified: no verifying again); or a guest's."""
    if audience.role == "officer":
        return [_menu_card("สำหรับเจ้าหน้าที่ค่ะ", OFFICER_HELP, OFFICER_ITEMS, "เมนูเจ้าหน้าที่")]
    own = DEBTOR_ITEMS if audience.verified else GUEST_ITEMS
    person = _menu_card("ให้เราช่วยอะไรดีคะ", PERSON_LEAD, own, "เมนู")
    if audience.role == "volunteer":
        return [_menu_card("สำหรับอาสาสมัครค่ะ", VOLUNTEER_HELP, VOLUNTEER_ITEMS, "เมนูอาสาสมัคร"), person]
    return [person]


def not_understood(audience: Audience = GUEST) -> list[Message]:
    """An unknown word in a 1:1 chat: kind, and shows what is possible for this person."""
    return [
        TextMessage(
            text="ขออภัยค่ะ ยังไม่เข้าใจข้อความนี้ 🙏\nลองแตะเมนูด้านล่าง หรือพิมพ์ \"ช่วยเหลือ\" ได้เลยค่ะ",
            quick_reply=help_quick_reply(audience),
        )
    ]


def cancelled(had_flow: bool, audience: Audience = GUEST) -> list[Message]:
    text = (
        "ยกเลิกรายการเรียบร้อยแล้วค่ะ ต้องการอะไรเพิ่มเติม แตะเมนูด้านล่างได้เลย"
        if had_flow
        else "ตอนนี้ไม่มีรายการที่ค้างอยู่ค่ะ ต้องการอะไร แตะเมนูด้านล่างได้เลย"
    )
    return [TextMessage(text=text, quick_reply=help_quick_reply(audience))]


def conversation_expired() -> TextMessage:
    """Told once, on the next message after a flow was left idle too long."""
    return TextMessage(
        text="รายการที่คุยค้างไว้หมดเวลาแล้ว เพื่อความปลอดภัยของข้อมูลค่ะ "
        "หากต้องการทำต่อ เริ่มใหม่ได้เลยนะคะ"
    )


def nothing_to_go_back_to() -> list[Message]:
    return [TextMessage(text="ตอนนี้ย้อนกลับไม่ได้แล้วค่ะ พิมพ์ \"ยกเลิก\" หากต้องการเริ่มใหม่")]


def button_out_of_date(audience: Audience = GUEST) -> list[Message]:
    """A button from an earlier conversation was tapped."""
    return [
        TextMessage(
            text="ปุ่มนี้ใช้ไม่ได้แล้วค่ะ เพราะรายการนั้นจบหรือหมดเวลาไปแล้ว ลองเริ่มใหม่จากเมนูได้เลย",
            quick_reply=help_quick_reply(audience),
        )
    ]


def something_went_wrong() -> list[Message]:
    """A handler failed: apologise; nothing was half-saved."""
    return [
        TextMessage(
            text="ขออภัยค่ะ ระบบขัดข้องชั่วคราว ข้อมูลของคุณไม่ได้ถูกบันทึกครึ่ง ๆ กลาง ๆ "
            "กรุณาลองใหม่อีกครั้งในอีกสักครู่นะคะ"
        )
    ]


def private_chat_only() -> list[Message]:
    """Personal things are never discussed in a group."""
    return [
        TextMessage(
            text="เรื่องส่วนตัว เช่น ยอดหนี้ จะคุยกันเฉพาะในแชตส่วนตัวค่ะ 🔒\n"
            "แตะที่รูปโปรไฟล์ของบอต แล้วเลือก \"แชต\" เพื่อคุยกับเราแบบส่วนตัวได้เลย"
        )
    ]


MEDIA_NAMES = {"image": "รูปภาพ", "sticker": "สติกเกอร์", "video": "วิดีโอ", "audio": "ข้อความเสียง",
               "file": "ไฟล์", "location": "ตำแหน่ง"}


def media_not_expected(audience: Audience = GUEST, kind: str = "", *, waiting: bool = False) -> list[Message]:
    """A picture, sticker, video, voice message, file or place nobody asked for, named as what it is
    (staff: how a photo joins a field update). `waiting`: the person is in the middle of answering
    something, which still waits (the buttons are then the step's back and cancel)."""
    if waiting:
        tail = "ตอนนี้ยังรอคำตอบของคุณอยู่นะคะ พิมพ์คำตอบต่อได้เลย หรือแตะ \"ยกเลิก\" ถ้าไม่ต้องการทำต่อ"
    elif audience.role is not None:
        tail = "หากเป็นรูปจากการลงพื้นที่ พิมพ์ #อัปเดต ตามด้วยเรื่องที่พบก่อน แล้วส่งรูปตามภายใน 10 นาทีค่ะ"
    else:
        tail = "หากต้องการคุยกับเจ้าหน้าที่ พิมพ์ \"ติดต่อเจ้าหน้าที่\" ได้เลย"
    what = MEDIA_NAMES.get(kind, "รูปภาพหรือสติกเกอร์")
    return [
        TextMessage(
            text=f"ได้รับแล้วค่ะ ขอบคุณนะคะ 🙏 ตอนนี้บอตยังอ่าน{what}ไม่ได้ " + tail,
            quick_reply=QuickReply(items=flow_controls(back=False)) if waiting else help_quick_reply(audience),
        )
    ]
