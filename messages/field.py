"""Acknowledging field updates: one short line, never anyone's details in a group."""

from __future__ import annotations

from collections.abc import Sequence

from messages.line_json import Message, PostbackAction, QuickReply, QuickReplyItem, TextMessage
from messages.payloads import LinkUpdate


def update_received(linked: str | None, in_group: bool) -> list[Message]:
    tail = "" if in_group or not linked else f" (ผูกกับ {linked})"
    return [TextMessage(text=f"รับอัปเดตแล้ว ขอบคุณค่ะ 🙏 ส่งรูปหรือตำแหน่งตามมาได้ภายใน 10 นาที{tail}")]


def _attached(kind: str) -> list[Message]:
    return [TextMessage(text=f"แนบ{kind}กับอัปเดตล่าสุดแล้วค่ะ")]


def location_attached() -> list[Message]:
    return _attached("ตำแหน่ง")


def picture_attached() -> list[Message]:
    return _attached("รูป")


def _picture_refused(reason: str) -> list[Message]:
    return [TextMessage(text=f"แนบรูปนี้ไม่ได้ค่ะ: {reason}")]


def picture_not_fetched() -> list[Message]:
    """LINE did not give us the picture (it expired, or LINE was down)."""
    return _picture_refused("ดึงรูปจาก LINE ไม่ได้ ลองส่งใหม่อีกครั้ง")


def picture_too_big(limit_bytes: int) -> list[Message]:
    """Larger than UPLOAD_MAX_BYTES: LINE's own compressed photo is well under it."""
    return _picture_refused(f"ไฟล์ใหญ่เกิน {limit_bytes // (1024 * 1024)} MB "
                            "ลองส่งรูปใหม่แบบปกติ (ไม่ต้องเลือกภาพต้นฉบับ) อีกครั้งนะคะ")


def picture_not_a_photo() -> list[Message]:
    """The file did not decode as a picture (or is too many pixels to be a photo of a visit)."""
    return _picture_refused("ไฟล์นี้เปิดเป็นรูปไม่ได้ รับเฉพาะรูปถ่าย JPEG หรือ PNG ลองถ่ายหรือส่งรูปใหม่อีกครั้งนะคะ")


def empty_update() -> list[Message]:
    return [TextMessage(text="พิมพ์ #อัปเดต ตามด้วยเรื่องที่พบ เช่น #อัปเดต เยี่ยมบ้าน PKT-2568-0001 ผู้กู้ขอผ่อนเพิ่ม")]


NONE_OF_THEM = "ไม่ใช่ทุกคน"


def _choices(update_id: int, choices: Sequence[tuple[int, str]]) -> QuickReply:
    items = [QuickReplyItem(action=PostbackAction(label=f"คนที่ {n}", display_text=f"คนที่ {n}: {label}"[:300],
                                                  data=LinkUpdate(update=update_id, person=person_id).pack()))
             for n, (person_id, label) in enumerate(choices[:12], 1)]
    items.append(QuickReplyItem(action=PostbackAction(label=NONE_OF_THEM, display_text=NONE_OF_THEM,
                                                      data=LinkUpdate(update=update_id, person=0).pack())))
    return QuickReply(items=items)


def _numbered(choices: Sequence[tuple[int, str]]) -> str:
    lines = "\n".join(f"{n}. {label}" for n, (_, label) in enumerate(choices[:12], 1))
    return f"{lines}\nแตะปุ่ม หรือพิมพ์เลข 1–{min(len(choices), 12)} ได้เลยค่ะ"


def which_one(update_id: int, choices: Sequence[tuple[int, str]]) -> list[Message]:
    """To the author 1:1 (never in the group) when an update could be about several people."""
    return [TextMessage(text=f"อัปเดตล่าสุดของคุณตรงกับลูกหนี้ {len(choices)} คน เรื่องนี้เป็นของคนไหนคะ\n"
                             + _numbered(choices), quick_reply=_choices(update_id, choices))]


def still_to_choose(update_id: int, choices: Sequence[tuple[int, str]]) -> list[Message]:
    """After a photo or a place joins an update still waiting for its person: the question again, buttons and all."""
    return [TextMessage(text="อัปเดตนี้ยังไม่ได้ผูกกับใคร เป็นเรื่องของคนไหนคะ\n" + _numbered(choices),
                        quick_reply=_choices(update_id, choices))]


def not_a_choice(update_id: int, choices: Sequence[tuple[int, str]]) -> list[Message]:
    """Something typed that is not one of the numbers."""
    return [TextMessage(text=f"ยังไม่ทราบว่าเป็นคนไหนค่ะ พิมพ์เลข 1–{min(len(choices), 12)} หรือแตะปุ่มด้านล่างนะคะ "
                             f"(หรือ \"{NONE_OF_THEM}\" ถ้าไม่ใช่ใครในนี้)", quick_reply=_choices(update_id, choices))]


def linked_to(name: str) -> list[Message]:
    return [TextMessage(text=f"ผูกอัปเดตกับ {name} แล้วค่ะ ขอบคุณค่ะ")]


def left_unlinked() -> list[Message]:
    return [TextMessage(text="รับทราบค่ะ อัปเดตนี้จะไม่ผูกกับใคร เจ้าหน้าที่ยังเห็นข้อความตามเดิม")]


def person_choice(name: str, places: Sequence[str]) -> str:
    """How the author tells people of the same name apart: two of their projects and villages (no IDs)."""
    return name + (f" ({', '.join(places[:2])})" if places else " (ไม่มีสัญญาในทะเบียน)")
