"""Words for officers about why a contract is on today's list and what to do next."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from linebot.v3.messaging import (
    FlexBox,
    FlexBubble,
    FlexButton,
    FlexCarousel,
    FlexMessage,
    FlexSeparator,
    FlexText,
    Message,
    PostbackAction,
    TextMessage,
)

from domain.followups import REASONS, FollowupRow
from domain.money import prescription_date
from messages.appointments import KIND_NAMES
from messages.format import baht, thai_date
from messages.payloads import PersonCard

REGISTER_REASONS = frozenset(REASONS)

NEXT_ACTION = {
    "time_barred": "ขอให้ลูกหนี้ลงนามหนังสือรับสภาพความผิด",
    "prescription_near": "ขอให้ลูกหนี้ลงนามหนังสือรับสภาพหนี้ก่อนครบ 5 ปี",
    "in_default": "ติดต่ออย่างสุภาพ สอบถามความเป็นอยู่ และแนะนำมาตรการช่วยเหลือ",
    "measure_application": "ตรวจเอกสาร โทรนัดลูกหนี้ และบันทึกผลการพิจารณา",
    "appointment": "เตรียมเอกสารและรายชื่อ ตรวจรายการ 2 วันของศาล แล้วบันทึกผลหลังนัด",
    "field_update": "อ่านข่าวจากอาสา แล้วบันทึกสิ่งที่ต้องทำต่อ",
    "promise_broken": "สอบถามความเป็นอยู่อย่างสุภาพ ถามว่าติดขัดอะไร แนะนำมาตรการ แล้วบันทึกเยี่ยมใหม่",
    "promise_kept": "ขอบคุณลูกหนี้ที่ชำระตามที่ตกลง",
}


def field_update_text(text: str, photos: int, located: bool) -> str:
    extras = (f" · รูป {photos}" if photos else "") + (" · มีพิกัด" if located else "")
    return f"อัปเดตจากพื้นที่: {text[:120]}{extras}"


def promise_text(reason: str, amount: Decimal, due_on: date, paid: Decimal, officer: str) -> str:
    """A promise to pay, kept or broken, as the officer reads it."""
    promised = f"สัญญาว่าจะชำระ {baht(amount)} ภายใน {thai_date(due_on)} (บันทึกโดย {officer})"
    if reason == "promise_kept":
        return f"ชำระตามที่สัญญาแล้ว: {promised}"
    paid_part = f" ชำระแล้ว {baht(paid)}" if paid else " ยังไม่พบการชำระ"
    return f"ยังไม่ได้ตามที่สัญญา: {promised}{paid_part}"


def appointment_text(kind: str, start: datetime, place: str, booked: int) -> str:
    """Today's session, for the officer's list."""

    return f"นัดวันนี้ {KIND_NAMES[kind]} {start:%H:%M} น. ที่ {place} จองแล้ว {booked} คน"


def application_text(measure_name: str, status: str) -> str:
    """An application waiting for an officer, by the measure's short name (its id is never shown)."""
    waiting = {"submitted": "ส่งคำขอแล้ว รอเจ้าหน้าที่รับเรื่อง", "under_review": "อยู่ระหว่างพิจารณา"}
    named = f" \"{measure_name}\"" if measure_name else ""
    return f"คำขอเข้าร่วมมาตรการ{named}: {waiting.get(status, status)}"


def register_text(reason: str, fields: Mapping[str, Any]) -> str:
    """Why a contract of the register is on the list, from its position as the API shows it."""
    overdue = baht(fields["overdue_amount"])
    if reason == "time_barred":
        last = date.fromisoformat(fields["last_payment_date"])
        return f"ขาดอายุความ: ไม่มีการชำระเกิน 5 ปี (ชำระล่าสุด {thai_date(last)}) ค้าง {overdue}"
    if reason == "prescription_near":
        limit = prescription_date(date.fromisoformat(fields["last_payment_date"]))
        return (f"สิ้นสุดสัญญา: อีก {fields['days_to_prescription']} วันจะครบ 5 ปี ({thai_date(limit)}) "
                f"ค้าง {overdue}")
    return f"ผิดนัดชำระ {fields['overdue_installments']} งวด รวม {overdue}"


def reason_text(row: FollowupRow) -> str:
    """One line an officer reads at a glance: why this row is on the list."""
    fields, unshown = row.fields, row.unshown
    reason = fields["reason"]
    if reason in REGISTER_REASONS:
        return register_text(reason, fields)
    if reason in ("promise_broken", "promise_kept"):
        return promise_text(reason, Decimal(fields["amount"]), date.fromisoformat(fields["due_on"]),
                            Decimal(fields["paid"]), unshown["officer"])
    if reason == "measure_application":
        return application_text(unshown.get("measure_name", ""), fields["status"])
    if reason == "appointment":
        return appointment_text(unshown["kind"], datetime.fromisoformat(fields["start"]), unshown["place"],
                                fields["booked"])
    return field_update_text(unshown["text"], unshown["photos"], unshown["located"])


def shown(row: FollowupRow) -> dict[str, Any]:
    """A row as `GET /api/followups` and the LINE digest show it: its values, why, and what to do next."""
    return {**row.fields, "reason_text": reason_text(row), "next_action": NEXT_ACTION[row.fields["reason"]]}


ROWS_PER_PAGE = 6
MAX_PAGES = 10
DIGEST_ROWS = ROWS_PER_PAGE * MAX_PAGES


def digest(rows: list[dict[str, object]], as_of: date, area: str,
           counts: dict[str, int] | None = None) -> list[Message]:
    """The morning list for one officer: a summary line and pages of what to do, most urgent first.

    `rows` is the list, or its most urgent part with every non-register row; `counts`
    gives the whole list's rows per reason (counted from `rows` when not given).
    """
    if counts is None:
        counts = {}
        for row in rows:
            counts[str(row["reason"])] = counts.get(str(row["reason"]), 0) + 1
    total = sum(counts.values())
    if not total:
        return [TextMessage(text=f"รายการติดตาม {area} วันที่ {thai_date(as_of)}: วันนี้ไม่มีรายการเร่งด่วนค่ะ 🌼")]
    summary = " · ".join(f"{REASON_TITLES[r]} {n}" for r, n in counts.items())
    chosen = _fit(rows, DIGEST_ROWS)
    pages = [chosen[i:i + ROWS_PER_PAGE] for i in range(0, len(chosen), ROWS_PER_PAGE)]
    bubbles = []
    for number, page in enumerate(pages, start=1):
        lines: list[FlexText | FlexSeparator] = [FlexText(
            text=f"{area} · {thai_date(as_of)} · หน้า {number}/{len(pages)}", size="xs", color="#888888")]
        for row in page:
            lines += [FlexSeparator(margin="sm"),
                      FlexText(text=f"{row['project_code'] or ''} {row['project_name']}".strip(), weight="bold",
                               size="sm", wrap=True),
                      FlexText(text=str(row["reason_text"]), size="xs", wrap=True, color="#C0392B"),
                      FlexText(text="ทำต่อ: " + str(row["next_action"]), size="xs", wrap=True, color="#1B5E20")]
        bubbles.append(FlexBubble(size="mega", body=FlexBox(layout="vertical", spacing="xs", contents=lines)))
    shown = sum(len(page) for page in pages)
    messages: list[Message] = [
        TextMessage(text=f"สวัสดีค่ะ รายการติดตามวันนี้ ({area}) {total} รายการ: {summary}"),
        FlexMessage(alt_text=f"รายการติดตามวันนี้ {total} รายการ", contents=FlexCarousel(contents=bubbles)),
    ]
    if shown < total:
        messages.append(TextMessage(text=f"แสดง {shown} จาก {total} รายการ รายการทั้งหมดอยู่ที่ GET /api/followups"))
    return messages


RESERVED_FOR_OTHERS = 24  # promises, applications, today's appointments and field updates


def _fit(rows: list[dict[str, object]], room: int) -> list[dict[str, object]]:
    """The rows a LINE digest has room for, still in priority order.

    A long register list must not push today's appointments, promises, applications and
    field updates off the end: they keep up to RESERVED_FOR_OTHERS places, and the
    register's most urgent rows fill the rest (the full list is in the API).
    """
    if len(rows) <= room:
        return rows
    register = [i for i, row in enumerate(rows) if row["reason"] in REGISTER_REASONS]
    others = [i for i, row in enumerate(rows) if row["reason"] not in REGISTER_REASONS]
    take_others = min(len(others), max(RESERVED_FOR_OTHERS, room - len(register)))
    keep = sorted(others[:take_others] + register[:room - take_others])
    return [rows[i] for i in keep]


REASON_TITLES = {"time_barred": "ขาดอายุความ", "prescription_near": "ใกล้ครบ 5 ปี", "in_default": "ผิดนัด",
                 "measure_application": "คำขอมาตรการ", "appointment": "นัดวันนี้", "field_update": "ข่าวจากพื้นที่",
                 "promise_broken": "ผิดนัดที่สัญญาไว้", "promise_kept": "ชำระตามที่สัญญา"}


@dataclass(frozen=True)
class PrescriptionAlert:
    """A contract that crossed an alert threshold before its 5-year limit, and who is on it."""

    project_code: str
    project_name: str
    days: int
    limit: date
    people: Sequence[tuple[int, str, str]] = ()  # (person id, first name, role), the borrower first


ALERT_CARDS = 10  # a carousel holds 12 bubbles; the rest are named in a line
PEOPLE_PER_CARD = 3
ALERT_ROLES = {"borrower": "ผู้กู้", "co_debtor": "ลูกหนี้ร่วม", "guarantor": "ผู้ค้ำ"}  # short: a button has 20


def prescription_alert(alerts: Sequence[PrescriptionAlert], as_of: date) -> list[Message]:
    """To a district's officers, once a day: every contract that crossed 180, 90, 30 or 7 days
    before its 5-year limit since the last look, most urgent first, each with buttons to the
    cards of its people."""
    ordered = sorted(alerts, key=lambda a: (a.days, a.project_code))
    bubbles = [_alert_bubble(alert) for alert in ordered[:ALERT_CARDS]]
    messages: list[Message] = [
        TextMessage(text=f"⏰ แจ้งเตือนอายุความ {thai_date(as_of)}: {len(ordered)} สัญญาใกล้ครบ 5 ปีนับจากชำระครั้งล่าสุด\n"
                         "ควรพบลูกหนี้และขอให้ลงนามหนังสือรับสภาพหนี้ก่อนครบกำหนด"),
        FlexMessage(alt_text=f"แจ้งเตือนอายุความ {len(ordered)} สัญญา", contents=FlexCarousel(contents=bubbles)),
    ]
    if len(ordered) > ALERT_CARDS:
        rest = ", ".join(a.project_code for a in ordered[ALERT_CARDS:])
        messages.append(TextMessage(text=f"และอีก {len(ordered) - ALERT_CARDS} สัญญา: {rest[:900]}\n"
                                         "ดูทั้งหมดได้ในรายการ พิมพ์ \"วันนี้\""))
    return messages


def _alert_bubble(alert: PrescriptionAlert) -> FlexBubble:
    buttons = [FlexButton(style="link", height="sm", action=PostbackAction(
        label=f"{ALERT_ROLES.get(role, '')}: {name}"[:20], display_text=f"ดูบัตร {name}",
        data=PersonCard(person=person_id).pack())) for person_id, name, role in alert.people[:PEOPLE_PER_CARD]]
    return FlexBubble(size="kilo", body=FlexBox(layout="vertical", spacing="sm", contents=[
        FlexText(text=f"อีก {alert.days} วันจะครบ 5 ปี", weight="bold", color="#C0392B"),
        FlexText(text=f"{alert.project_code} {alert.project_name}", size="sm", wrap=True),
        FlexText(text=f"ครบกำหนด {thai_date(alert.limit)}", size="xs", color="#555555"),
        FlexText(text="ทำต่อ: " + NEXT_ACTION["prescription_near"], size="xs", wrap=True, color="#1B5E20"),
    ]), footer=FlexBox(layout="vertical", spacing="xs", contents=buttons) if buttons else None)


def holidays_missing(year: int) -> TextMessage:
    """A line of the morning digest from 1 December while next year's holidays are not loaded."""
    return TextMessage(
        text=f"⚠️ แจ้งเจ้าหน้าที่: ระบบยังไม่มีวันหยุดราชการปี {year + 543} "
        f"หากไม่เพิ่มก่อน 1 ม.ค. {year + 543} บอตจะติดต่อลูกหนี้ในวันหยุดได้ถึง 20:00 น. "
        "ทั้งที่กฎหมายให้ถึง 18:00 น. เท่านั้น กรุณาแจ้งผู้ดูแลระบบให้เพิ่มวันหยุดของปีหน้า "
        f"(flask --app bot holidays load holidays-{year + 543}.toml)")


def quota_paused(until: date) -> TextMessage:
    """For officers: LINE refused pushes for the month; replies still work."""
    return TextMessage(
        text=f"⚠️ แจ้งเจ้าหน้าที่: โควตาข้อความ LINE ของเดือนนี้หมดแล้ว การแจ้งเตือนและรายการเช้าจะหยุดไว้ "
        f"จนถึง {thai_date(until)} (ตอบแชตยังใช้ได้ตามปกติ) หากจำเป็น เพิ่มแพ็กเกจข้อความใน LINE Official Account Manager")
