"""Taking the officer or volunteer role with an invite code."""

from __future__ import annotations

from messages.line_json import Message, TextMessage

ROLE_NAMES = {"officer": "เจ้าหน้าที่", "volunteer": "อาสาสมัครกองทุนฯ"}


def welcome(role: str, name: str, area: str) -> list[Message]:
    if role == "officer":
        how = "พิมพ์ \"วันนี้\" เพื่อดูรายการติดตาม และ \"นัดหมาย\" เพื่อดูรอบนัดวันนี้และพรุ่งนี้"
    else:
        how = "ส่งข่าวการเยี่ยมบ้านในกลุ่มไลน์ของพื้นที่ได้ โดยขึ้นต้นข้อความด้วย #อัปเดต"
    return [TextMessage(text=f"ยินดีต้อนรับค่ะ คุณ{name} 🌼 บัญชีนี้เป็น{ROLE_NAMES[role]} ({area}) แล้ว\n{how}")]


def ask_for_code(role: str) -> list[Message]:
    return [TextMessage(text=f"พิมพ์ \"{'เจ้าหน้าที่' if role == 'officer' else 'อาสา'}\" ตามด้วยรหัสเชิญ 8 ตัว "
                             "ที่ได้รับจากสำนักงาน เช่น เจ้าหน้าที่ ABCD2345")]


def wrong_code(tries_left: int) -> list[Message]:
    return [TextMessage(text=f"รหัสนี้ไม่ถูกต้องค่ะ ลองตรวจแล้วพิมพ์ใหม่ (ลองได้อีก {tries_left} ครั้งในชั่วโมงนี้)")]


def used_code() -> list[Message]:
    return [TextMessage(text="รหัสนี้ถูกใช้ไปแล้วค่ะ รหัสหนึ่งใช้ได้ครั้งเดียว ขอรหัสใหม่จากสำนักงานได้")]


def expired_code() -> list[Message]:
    return [TextMessage(text="รหัสนี้หมดอายุแล้วค่ะ (ใช้ได้ 7 วัน) ขอรหัสใหม่จากสำนักงานได้")]


def wrong_kind(role: str) -> list[Message]:
    return [TextMessage(text=f"รหัสนี้ไม่ใช่รหัสสำหรับ{ROLE_NAMES[role]}ค่ะ ลองตรวจคำที่พิมพ์นำหน้ารหัสอีกครั้ง")]


def locked(office_phone: str) -> list[Message]:
    return [TextMessage(text="ลองรหัสผิดหลายครั้ง ระบบพักไว้ 1 ชั่วโมงค่ะ "
                             f"หากต้องการความช่วยเหลือ โทร {office_phone}")]
