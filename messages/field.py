"""Acknowledging field updates: one short line, never anyone's details in a group."""

from __future__ import annotations

from linebot.v3.messaging import Message, TextMessage


def update_received(linked: str | None, in_group: bool) -> list[Message]:
    tail = "" if in_group or not linked else f" (ผูกกับ {linked})"
    return [TextMessage(text=f"รับอัปเดตแล้ว ขอบคุณค่ะ 🙏 ส่งรูปหรือตำแหน่งตามมาได้ภายใน 10 นาที{tail}")]


def attached(kind: str) -> list[Message]:
    return [TextMessage(text=f"แนบ{kind}กับอัปเดตล่าสุดแล้วค่ะ")]


def picture_refused(reason: str) -> list[Message]:
    return [TextMessage(text=f"แนบรูปนี้ไม่ได้ค่ะ: {reason}")]


def empty_update() -> list[Message]:
    return [TextMessage(text="พิมพ์ #อัปเดต ตามด้วยเรื่องที่พบ เช่น #อัปเดต เยี่ยมบ้าน PKT-2568-0001 ผู้กู้ขอผ่อนเพิ่ม")]


def which_one(count: int) -> list[Message]:
    """Sent 1:1 to the author (never in the group) when an update could be about several people."""
    return [TextMessage(text=f"อัปเดตล่าสุดของคุณตรงกับลูกหนี้ {count} คน ช่วยส่ง #อัปเดต อีกครั้งพร้อมรหัสโครงการ "
                             "(เช่น PKT-2568-0001) เพื่อให้ผูกกับคนที่ถูกต้องนะคะ")]
