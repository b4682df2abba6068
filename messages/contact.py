"""The "contact an officer" flow: leave a message, an officer calls back in office hours."""

from __future__ import annotations

from messages.common import flow_controls
from messages.flows import ContactStep, answer
from messages.line_json import (
    Message,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
)

# topic value -> label shown on its button (at most 20 characters: LINE's limit)
TOPICS: dict[str, str] = {
    "payment": "ยอดหนี้/การชำระ",
    "relief": "มาตรการช่วยเหลือ",
    "appointment": "นัดหมาย",
    "other": "เรื่องอื่น ๆ",
}
NO_CALLBACK = "ไม่ต้องโทรกลับ"


def ask_topic() -> list[Message]:
    items = [
        QuickReplyItem(action=PostbackAction(
            label=label, data=answer(ContactStep.TOPIC, value), display_text=label))
        for value, label in TOPICS.items()
    ]
    return [
        TextMessage(
            text="ยินดีค่ะ เราจะส่งข้อความของคุณถึงเจ้าหน้าที่ 🙂\nอยากคุยเรื่องอะไรคะ",
            quick_reply=QuickReply(items=items + flow_controls(back=False)),
        )
    ]


def topic_not_recognised() -> list[Message]:
    return [TextMessage(text="ขออภัยค่ะ กรุณาแตะเลือกหัวข้อจากปุ่มด้านล่างนะคะ")] + ask_topic()


def ask_message(topic: str) -> list[Message]:
    return [
        TextMessage(
            text=f"เรื่อง \"{TOPICS[topic]}\" ค่ะ\nพิมพ์สิ่งที่อยากบอกเจ้าหน้าที่ได้เลย สั้น ๆ ก็ได้ค่ะ",
            quick_reply=QuickReply(items=flow_controls(back=True)),
        )
    ]


def message_too_long(limit: int) -> list[Message]:
    return [
        TextMessage(
            text=f"ข้อความยาวเกินไปนิดค่ะ ขอไม่เกิน {limit} ตัวอักษร ลองพิมพ์ให้สั้นลงอีกครั้งนะคะ",
            quick_reply=QuickReply(items=flow_controls(back=True)),
        )
    ]


def ask_phone() -> list[Message]:
    items = [QuickReplyItem(action=PostbackAction(
        label=NO_CALLBACK, data=answer(ContactStep.PHONE, "none"),
        display_text=NO_CALLBACK))]
    return [
        TextMessage(
            text="ให้เจ้าหน้าที่โทรกลับที่เบอร์ไหนดีคะ พิมพ์เบอร์โทรได้เลย\n"
            "(เราจะโทรในเวลาราชการเท่านั้นค่ะ)",
            quick_reply=QuickReply(items=items + flow_controls(back=True)),
        )
    ]


def phone_not_valid() -> list[Message]:
    return [TextMessage(text="เบอร์โทรนี้ดูไม่ถูกต้องค่ะ เบอร์มือถือมี 10 หลัก เช่น 0812345678")] + ask_phone()


def done(office_phone: str, callback: bool) -> list[Message]:
    follow_up = (
        "เจ้าหน้าที่จะโทรกลับในเวลาราชการค่ะ"
        if callback
        else "เจ้าหน้าที่จะตอบกลับทางแชตนี้ในเวลาราชการค่ะ"
    )
    return [
        TextMessage(
            text=f"ส่งข้อความถึงเจ้าหน้าที่เรียบร้อยแล้วค่ะ ขอบคุณที่ติดต่อมานะคะ 🙏\n{follow_up}\n"
            f"หากเร่งด่วน โทร {office_phone}"
        )
    ]


def officer_notice(topic: str, message: str, phone: str | None) -> str:
    """Sent 1:1 to officers: someone left a message."""
    callback = f"โทรกลับ: {phone}" if phone else "ขอให้ตอบทางแชต"
    return f"📩 มีข้อความใหม่ถึงเจ้าหน้าที่\nหัวข้อ: {TOPICS[topic]}\n{callback}\nข้อความ: {message}"
