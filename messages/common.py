"""Greeting, help, and the small answers every chat needs."""

from __future__ import annotations

from linebot.v3.messaging import (
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

# What the help menu offers, in order: (button label, the word it sends).
# A feature appears here only once it works end to end.
HELP_ITEMS: list[tuple[str, str]] = [
    ("ดูยอดหนี้", "ยอดหนี้"),
    ("มาตรการช่วยเหลือ", "มาตรการ"),
    ("นัดหมาย", "นัดหมาย"),
    ("ยืนยันตัวตน", "ยืนยันตัวตน"),
    ("วิธีชำระเงิน", "วิธีชำระ"),
    ("ติดต่อเจ้าหน้าที่", "ติดต่อเจ้าหน้าที่"),
]


def flow_controls(back: bool) -> list[QuickReplyItem]:
    """The back and cancel buttons every step of a flow carries."""
    items = []
    if back:
        items.append(QuickReplyItem(action=PostbackAction(
            label="ย้อนกลับ", data=FlowControl(op="back").pack(), display_text="ย้อนกลับ")))
    items.append(QuickReplyItem(action=PostbackAction(
        label="ยกเลิก", data=FlowControl(op="cancel").pack(), display_text="ยกเลิก")))
    return items


def help_quick_reply() -> QuickReply:
    """The help items as quick-reply buttons under any message."""
    items = [QuickReplyItem(action=MessageAction(label=label, text=word)) for label, word in HELP_ITEMS]
    items.append(QuickReplyItem(action=MessageAction(label="เมนู", text="ช่วยเหลือ")))
    return QuickReply(items=items)


def greeting(office_name: str, office_phone: str) -> list[Message]:
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
    return [TextMessage(text=hello), TextMessage(text=privacy, quick_reply=help_quick_reply())]


def help_menu() -> list[Message]:
    """What the bot can do, as a card of buttons."""
    buttons = [
        FlexButton(action=MessageAction(label=label, text=word), style="primary", color="#06C755", height="sm")
        for label, word in HELP_ITEMS
    ]
    bubble = FlexBubble(
        body=FlexBox(
            layout="vertical",
            spacing="md",
            contents=[
                FlexText(text="ให้เราช่วยอะไรดีคะ", weight="bold", size="lg", wrap=True),
                FlexText(
                    text="แตะปุ่มด้านล่าง หรือพิมพ์คำที่ต้องการได้เลย "
                    "พิมพ์ \"ยกเลิก\" เพื่อหยุดรายการที่ทำอยู่ได้ทุกเมื่อ",
                    size="sm", color="#555555", wrap=True,
                ),
                FlexSeparator(),
                *buttons,
            ],
        )
    )
    alt = "เมนู: " + " / ".join(label for label, _ in HELP_ITEMS)
    return [FlexMessage(alt_text=alt, contents=bubble)]


STAFF_WORDS = {
    "officer": [("รายการวันนี้", "วันนี้"), ("ค้นหา", "ค้นหา"), ("บันทึกเยี่ยม", "บันทึกเยี่ยม")],
    "volunteer": [],
}


def staff_help(role: str) -> list[Message]:
    """The words of an officer's or a volunteer's role, after the ordinary menu."""
    if role == "officer":
        text = ("สำหรับเจ้าหน้าที่ค่ะ\n• วันนี้: รายการติดตามวันนี้\n"
                "• ค้นหา ชื่อ/เลขบัตร 4 ตัวท้าย/เบอร์โทร/รหัสโครงการ: ดูประวัติลูกหนี้\n"
                "• บันทึกเยี่ยม: บันทึกผลการเยี่ยมและนัดชำระ\n"
                "• #อัปเดต ข้อความ: ข่าวจากพื้นที่ (ส่งรูปหรือตำแหน่งตามได้ใน 10 นาที)")
    else:
        text = ("สำหรับอาสาสมัครค่ะ\n• #อัปเดต ข้อความ: ส่งข่าวจากพื้นที่ในกลุ่มหรือแชตนี้ "
                "แล้วส่งรูปหรือตำแหน่งตามได้ภายใน 10 นาที\nไม่ต้องใส่ยอดเงินหรือเรื่องหนี้ของใครในกลุ่มนะคะ")
    items = [QuickReplyItem(action=MessageAction(label=label, text=word)) for label, word in STAFF_WORDS[role]]
    return [TextMessage(text=text, quick_reply=QuickReply(items=items) if items else None)]


def not_understood() -> list[Message]:
    """An unknown word in a 1:1 chat: kind, and shows what is possible."""
    return [
        TextMessage(
            text="ขออภัยค่ะ ยังไม่เข้าใจข้อความนี้ 🙏\nลองแตะเมนูด้านล่าง หรือพิมพ์ \"ช่วยเหลือ\" ได้เลยค่ะ",
            quick_reply=help_quick_reply(),
        )
    ]


def cancelled(had_flow: bool) -> list[Message]:
    text = (
        "ยกเลิกรายการเรียบร้อยแล้วค่ะ ต้องการอะไรเพิ่มเติม แตะเมนูด้านล่างได้เลย"
        if had_flow
        else "ตอนนี้ไม่มีรายการที่ค้างอยู่ค่ะ ต้องการอะไร แตะเมนูด้านล่างได้เลย"
    )
    return [TextMessage(text=text, quick_reply=help_quick_reply())]


def conversation_expired() -> TextMessage:
    """Told once, on the next message after a flow was left idle too long."""
    return TextMessage(
        text="รายการที่คุยค้างไว้หมดเวลาแล้ว เพื่อความปลอดภัยของข้อมูลค่ะ "
        "หากต้องการทำต่อ เริ่มใหม่ได้เลยนะคะ"
    )


def nothing_to_go_back_to() -> list[Message]:
    return [TextMessage(text="ตอนนี้ย้อนกลับไม่ได้แล้วค่ะ พิมพ์ \"ยกเลิก\" หากต้องการเริ่มใหม่")]


def button_out_of_date() -> list[Message]:
    """A button from an earlier conversation was tapped."""
    return [
        TextMessage(
            text="ปุ่มนี้ใช้ไม่ได้แล้วค่ะ เพราะรายการนั้นจบหรือหมดเวลาไปแล้ว ลองเริ่มใหม่จากเมนูได้เลย",
            quick_reply=help_quick_reply(),
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


def media_not_expected() -> list[Message]:
    return [
        TextMessage(
            text="ได้รับแล้วค่ะ ขอบคุณนะคะ 🙏 ตอนนี้บอตยังอ่านรูปภาพหรือสติกเกอร์ไม่ได้ "
            "หากต้องการคุยกับเจ้าหน้าที่ พิมพ์ \"ติดต่อเจ้าหน้าที่\" ได้เลย",
            quick_reply=help_quick_reply(),
        )
    ]
