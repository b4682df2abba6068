"""Messages for group chats: always generic, never anyone's name or debt."""

from __future__ import annotations

from collections.abc import Sequence

from domain.group_guard import NATIONAL_ID, PHONE
from messages.line_json import Message, TextMessage


def group_intro() -> list[Message]:
    """Said once when the bot is added to a group."""
    return [
        TextMessage(
            text="สวัสดีค่ะทุกคน 🌼 บอตของกองทุนพัฒนาบทบาทสตรีเข้ากลุ่มแล้ว\n\n"
            "ในกลุ่มนี้ บอตจะโพสต์เฉพาะข่าวทั่วไป เช่น วันครบกำหนดชำระ วิธีชำระเงิน "
            "มาตรการช่วยเหลือ และนัดคลินิกแก้หนี้\n"
            "บอตจะไม่โพสต์ชื่อหรือยอดหนี้ของใครในกลุ่มเด็ดขาด\n\n"
            "อยากรู้ยอดของตัวเอง แตะรูปโปรไฟล์ของบอตแล้วเลือก \"แชต\" เพื่อคุยแบบส่วนตัวนะคะ"
        )
    ]


def group_help() -> list[Message]:
    """`ช่วยเหลือ` in a group: what the bot does here."""
    return [
        TextMessage(
            text="บอตในกลุ่มนี้ช่วยแจ้งข่าวทั่วไปของกองทุนค่ะ\n"
            "• เรื่องส่วนตัว เช่น ยอดหนี้ หรือนัดหมาย คุยกับบอตในแชตส่วนตัวได้เลย\n"
            "• บอตไม่เปิดเผยข้อมูลของใครในกลุ่ม"
        )
    ]


def group_bound(area: str) -> list[Message]:
    """Said in the group once an officer binds it."""
    return [TextMessage(text=f"กลุ่มนี้ลงทะเบียนกับกองทุนพัฒนาบทบาทสตรีแล้วค่ะ ({area}) 🌼\n"
                             "บอตจะแจ้งข่าวทั่วไป เช่น วันครบกำหนดชำระและมาตรการช่วยเหลือ "
                             "โดยไม่เปิดเผยข้อมูลของใคร")]


def group_code_problem(problem: str) -> list[Message]:
    text = {"unknown": "รหัสลงทะเบียนกลุ่มไม่ถูกต้องค่ะ", "used": "รหัสนี้ใช้ลงทะเบียนกลุ่มไปแล้วค่ะ",
            "expired": "รหัสนี้หมดอายุแล้วค่ะ ขอรหัสใหม่จากสำนักงานได้"}[problem]
    return [TextMessage(text=text)]


PERSONAL_DATA_NAMES = {NATIONAL_ID: "เลขบัตรประชาชน", PHONE: "เบอร์โทรศัพท์"}


def personal_data_note(found: Sequence[str]) -> list[Message]:
    """1:1 to someone who posted a national ID or a phone number in a group: kind, never a scolding.

    `found`: the guard's names of what was seen (domain.group_guard.NATIONAL_ID, PHONE).
    """
    what = " และ".join(PERSONAL_DATA_NAMES[kind] for kind in found if kind in PERSONAL_DATA_NAMES) or "ข้อมูลส่วนตัว"
    return [TextMessage(
        text=f"สวัสดีค่ะ 🌼 ข้อความที่คุณเพิ่งโพสต์ในกลุ่มมี{what}อยู่ค่ะ\n"
        "เพื่อความปลอดภัยของคุณและเพื่อนสมาชิก ขอความร่วมมืองดโพสต์ข้อมูลส่วนตัว เช่น เลขบัตรประชาชน "
        "หรือเบอร์โทรศัพท์ ในกลุ่มนะคะ (กดค้างที่ข้อความแล้วเลือก \"ยกเลิกข้อความ\" ได้ภายใน 24 ชั่วโมง)\n"
        "เรื่องส่วนตัวคุยกับบอตในแชตนี้ได้เลย หรือพิมพ์ \"ติดต่อเจ้าหน้าที่\"")]
