"""Messages for group chats: always generic, never anyone's name or debt."""

from __future__ import annotations

from linebot.v3.messaging import Message, TextMessage


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
