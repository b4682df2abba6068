"""Words for officers about why a contract is on today's list and what to do next."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.clock import BANGKOK
from domain.followups import REASONS, FollowupRow
from domain.money import prescription_date
from messages.appointments import KIND_NAMES
from messages.contact import TOPICS
from messages.format import baht, thai_date, thai_time
from messages.line_json import (
    Action,
    FlexBox,
    FlexBubble,
    FlexButton,
    FlexCarousel,
    FlexMessage,
    FlexText,
    Message,
    MessageAction,
    PostbackAction,
    TextMessage,
    URIAction,
)
from messages.payloads import ListPage, PersonCard, ProjectCard

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
    # waiting for someone: first on an officer's list in LINE (not rows of GET /api/followups)
    "contact_request": "โทรกลับหรือตอบในแชต แล้วบันทึกว่าตอบแล้วในเว็บเจ้าหน้าที่",
    "new_booking": "โทรยืนยันนัด และบอกเอกสารที่ต้องนำมา",
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


def contact_text(topic: str, message: str, phone: str | None, left_at: datetime, taken_by: str | None = None) -> str:
    """A contact request not yet answered (and who has taken it, if someone has)."""
    call = f" · โทรกลับ {phone}" if phone else " · ไม่ต้องโทรกลับ"
    taken = f" · {taken_by} รับเรื่องแล้ว" if taken_by else ""
    return (f"ฝากข้อความ · {TOPICS.get(topic, topic)} · {thai_date(left_at.date())} {left_at:%H:%M} น.: "
            f"{message[:160]}{call}{taken}")


def booking_text(kind: str, start: datetime, place: str) -> str:
    """A booking made in the last days, to confirm."""
    return f"จอง{KIND_NAMES[kind]} {thai_date(start.date())} {start:%H:%M} น. ที่ {place}"


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
    if reason == "contact_request":
        return contact_text(unshown["topic"], unshown["message"], unshown["phone"],
                            datetime.fromisoformat(fields["created_at"]), unshown.get("taken_by"))
    if reason == "new_booking":
        return booking_text(unshown["kind"], datetime.fromisoformat(fields["start"]), unshown["place"])
    return field_update_text(unshown["text"], unshown["photos"], unshown["located"])


def shown(row: FollowupRow) -> dict[str, Any]:
    """A row as `GET /api/followups` and the officer's list in LINE show it: its values, why, and what to do next."""
    return {**row.fields, "reason_text": reason_text(row), "next_action": NEXT_ACTION[row.fields["reason"]]}


PAGE_ROWS = 10  # rows on one page of the list in LINE (a carousel holds 12 bubbles: the rows and the page's own)

WAITING_TITLES = {"contact_request": "ข้อความถึงเจ้าหน้าที่", "new_booking": "จองนัดใหม่"}
UNVERIFIED = "ผู้ติดต่อที่ยังไม่ยืนยันตัวตน"


def _title(row: FollowupRow) -> str:
    """Who or what a row is about, in a few words."""
    fields, unshown = row.fields, row.unshown
    code = fields.get("project_code") or ""
    if row.reason == "contact_request":
        return f"{unshown.get('name') or UNVERIFIED} {code}".strip()
    if row.reason == "measure_application":
        return f"{fields['applicant']['name']} {code}".strip()
    if row.reason == "new_booking":
        return str(unshown["name"])
    return f"{code} {fields.get('project_name') or ''}".strip()


def _person_of(row: FollowupRow) -> int | None:
    if row.reason == "measure_application":
        return int(row.fields["applicant"]["person_id"])
    person = row.unshown.get("person_id")
    return int(person) if person is not None else None


def _row_buttons(row: FollowupRow) -> list[FlexButton]:
    """What a row opens: the person's card, the project's people, today's rosters; a call back."""
    buttons: list[Action] = []
    person = _person_of(row)
    if person is not None:
        buttons.append(PostbackAction(label="ดูประวัติ", display_text="ดูประวัติ", data=PersonCard(person=person).pack()))
    elif row.fields.get("project_code"):
        buttons.append(PostbackAction(label="ดูประวัติ", display_text="ดูประวัติ",
                                      data=ProjectCard(code=str(row.fields["project_code"])).pack()))
    elif row.reason == "appointment":
        buttons.append(MessageAction(label="ดูรายชื่อนัด", text="นัดหมาย"))
    if row.reason == "contact_request" and row.unshown.get("phone"):
        buttons.append(URIAction(label="โทรกลับ", uri=f"tel:{row.unshown['phone']}"))
    return [FlexButton(action=action, style="primary" if n == 0 else "secondary", color="#06C755" if n == 0 else None,
                       height="sm") for n, action in enumerate(buttons)]


def _row_bubble(row: FollowupRow, number: int, total: int, header: str) -> FlexBubble:
    said = shown(row)
    body = FlexBox(layout="vertical", spacing="sm", contents=[
        FlexText(text=f"{header} · {number}/{total}", size="xxs", color="#888888"),
        FlexText(text=_title(row), weight="bold", size="sm", wrap=True),
        FlexText(text=str(said["reason_text"]), size="xs", wrap=True, color="#C0392B"),
        FlexText(text="ทำต่อ: " + str(said["next_action"]), size="xs", wrap=True, color="#1B5E20"),
    ])
    buttons = _row_buttons(row)
    footer = FlexBox(layout="vertical", spacing="sm", contents=buttons) if buttons else None
    return FlexBubble(size="kilo", body=body, footer=footer)


def list_behind(made_at: datetime) -> str:
    """The list is the stored one as it was (`services.followups.ListParts.made_at`): say since when."""
    moment = made_at.astimezone(BANGKOK)
    return (f"⏳ รายการนี้เป็นข้อมูล ณ {thai_date(moment.date())} เวลา {thai_time(moment)} "
            "ระบบกำลังปรับให้เป็นปัจจุบัน อีกสักครู่เปิดใหม่จะเห็นรายการล่าสุดค่ะ")


def _page_bubble(page: int, pages: int, first: int, last: int, total: int, day: date,
                 console_url: str, made_at: datetime | None = None) -> FlexBubble:
    """The page's own card: where in the list this is, the next page, and the web console."""
    buttons = []
    if page < pages:
        buttons.append(FlexButton(style="primary", color="#06C755", height="sm", action=PostbackAction(
            label=f"หน้าถัดไป ({page + 1}/{pages})", display_text="หน้าถัดไป",
            data=ListPage(page=page + 1, day=day.isoformat()).pack())))
    buttons += [
        FlexButton(style="secondary", height="sm", action=URIAction(label="ดูทั้งหมดในเว็บ", uri=console_url)),
        FlexButton(style="secondary", height="sm", action=MessageAction(label="ขอลิงก์เข้าระบบเว็บ", text="เข้าระบบ")),
    ]
    body = FlexBox(layout="vertical", spacing="sm", contents=[
        FlexText(text=f"หน้า {page}/{pages}", weight="bold", size="md"),
        FlexText(text=f"รายการที่ {first}–{last} จาก {total}", size="sm", wrap=True),
        *([FlexText(text=list_behind(made_at), size="xs", wrap=True, color="#B45309")] if made_at else []),
        FlexText(text="รายการทั้งหมด ค้นหา และส่งออกเป็นไฟล์ได้ในเว็บเจ้าหน้าที่ "
                      "(ยังไม่ได้เข้าระบบ แตะ \"ขอลิงก์เข้าระบบเว็บ\")", size="xs", wrap=True, color="#555555"),
    ])
    return FlexBubble(size="kilo", body=body, footer=FlexBox(layout="vertical", spacing="sm", contents=buttons))


def officer_list(rows: Sequence[FollowupRow], *, offset: int, total: int, counts: Mapping[str, int], as_of: date,
                 area: str, console_url: str, greet: bool = True, made_at: datetime | None = None) -> list[Message]:
    """One page of an officer's list (`วันนี้`, the morning digest, a "next page" button): what waits for
    someone first, then the follow-up list; each row opens its person's card, and the page's own
    card turns the page and opens the web console. Never a developer's route. `made_at`: the
    register's rows are the stored list as it was then, and every page says so."""
    behind = f"\n{list_behind(made_at)}" if made_at else ""
    if not total:
        return [TextMessage(text=f"รายการติดตาม {area} วันที่ {thai_date(as_of)}: วันนี้ไม่มีรายการเร่งด่วนค่ะ 🌼{behind}")]
    pages = -(-total // PAGE_ROWS)
    page = offset // PAGE_ROWS + 1
    header = f"{area} · {thai_date(as_of)}"
    bubbles = [_row_bubble(row, offset + n, total, header) for n, row in enumerate(rows, start=1)]
    bubbles.append(_page_bubble(page, pages, offset + 1, offset + len(rows), total, as_of, console_url, made_at))
    carousel = FlexMessage(alt_text=f"รายการติดตามวันนี้ หน้า {page}/{pages} ({total} รายการ)",
                           contents=FlexCarousel(contents=bubbles))
    if not greet:
        return [carousel]
    summary = " · ".join(f"{WAITING_TITLES.get(r) or REASON_TITLES[r]} {n}" for r, n in counts.items() if n)
    return [TextMessage(text=f"สวัสดีค่ะ รายการติดตามวันนี้ ({area}) {total} รายการ: {summary}\n"
                             "รายการที่รอเจ้าหน้าที่อยู่ก่อน แตะ \"ดูประวัติ\" ที่แต่ละรายการได้เลยค่ะ" + behind), carousel]


def list_moved_on(as_of: date) -> TextMessage:
    """A page button of an earlier day's list: today's starts again."""
    return TextMessage(text=f"ปุ่มนี้เป็นของรายการวันก่อนค่ะ นี่คือรายการของวันนี้ ({thai_date(as_of)})")


#: What a typed word finds a register row of the console's list by, besides its project's code, name
#: and district: its reason's words (not its figures, which change every day and would match any
#: number typed).
REGISTER_REASON_WORDS = {"time_barred": "ขาดอายุความ", "prescription_near": "ใกล้ครบ 5 ปี สิ้นสุดสัญญา",
                         "in_default": "ผิดนัดชำระ"}
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
        "ทั้งที่กฎหมายให้ถึง 18:00 น. เท่านั้น กรุณาแจ้งผู้ดูแลระบบให้เพิ่มวันหยุดของปีหน้า")  # the how is in the README


def quota_paused(until: date) -> TextMessage:
    """For officers: LINE refused pushes for the month; replies still work."""
    return TextMessage(
        text=f"⚠️ แจ้งเจ้าหน้าที่: โควตาข้อความ LINE ของเดือนนี้หมดแล้ว การแจ้งเตือนและรายการเช้าจะหยุดไว้ "
        f"จนถึง {thai_date(until)} (ตอบแชตยังใช้ได้ตามปกติ) หากจำเป็น เพิ่มแพ็กเกจข้อความใน LINE Official Account Manager")
