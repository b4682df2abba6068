"""Officers' words: the visit flow, search results, the history card, the district report, map pins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domain.visits import DistrictReport
from messages.appointments import KIND_NAMES
from messages.balance import ROLE_NAMES
from messages.common import flow_controls
from messages.flows import VisitStep, answer
from messages.format import baht, thai_date
from messages.line_json import (
    FlexBox,
    FlexBubble,
    FlexButton,
    FlexMessage,
    FlexSeparator,
    FlexText,
    LocationAction,
    Message,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
    URIAction,
)
from messages.payloads import PersonCard, PinAction, VisitFor
from messages.quiz import STATUS_NAMES

OUTCOME_NAMES = {"met": "พบตัว", "not_home": "ไม่อยู่บ้าน", "moved": "ย้ายที่อยู่", "deceased": "เสียชีวิต",
                 "refused": "ไม่ยอมพบ/ปฏิเสธ"}
PROMISE_STATES = {"pending": "รอถึงกำหนด", "kept": "ชำระตามสัญญาแล้ว ✅", "broken": "ไม่เป็นไปตามสัญญา ⚠️"}
NO_PROMISE, NO_MEASURE, NO_NOTE, SKIP_PIN = "ไม่มีนัดชำระ", "ไม่ได้คุยมาตรการ", "ไม่มีบันทึก", "ข้าม"
OTHER_MEASURE = "มาตรการที่ยกเลิกแล้ว"  # a measure no longer in any loaded file


@dataclass(frozen=True)
class PersonLine:
    """One search result: enough to tell people apart, nothing more."""

    person_id: int
    name: str
    national_id_masked: str
    contracts: str  # project codes


def _answer(step: VisitStep, label: str, value: str) -> QuickReplyItem:
    return QuickReplyItem(action=PostbackAction(label=label[:20], display_text=label,
                                                data=answer(step, value)))


# --- search (`ค้นหา`) -------------------------------------------------------------------------


def search_help() -> list[Message]:
    return [TextMessage(text="พิมพ์ \"ค้นหา\" ตามด้วยชื่อ นามสกุล เลขบัตร 4 ตัวท้าย เบอร์โทร หรือรหัสโครงการ\n"
                             "เช่น ค้นหา สมศรี  หรือ  ค้นหา PKT-2568-0001")]


def not_found(text: str) -> list[Message]:
    return [TextMessage(text=f"ไม่พบ \"{text[:40]}\" ในทะเบียน ลองค้นด้วยชื่ออย่างเดียว นามสกุล "
                             "เลขบัตร 4 ตัวท้าย เบอร์โทร หรือรหัสโครงการ")]


def _numbered(people: Sequence[PersonLine], more: bool) -> str:
    """Several people found, one line each, told apart by masked ID and projects."""
    lines = [f"{n}. {p.name} ({p.national_id_masked}) {p.contracts}".rstrip() for n, p in enumerate(people, 1)]
    return "\n".join(lines) + ("\nพบมากกว่านี้ ลองพิมพ์ให้เจาะจงขึ้น" if more else "")


def choose_person(people: Sequence[PersonLine], more: bool) -> list[Message]:
    """Several matches: a short list, each with a button that opens the card."""
    items = [QuickReplyItem(action=PostbackAction(label=f"{n}. {p.name}"[:20], display_text=p.name,
                                                  data=PersonCard(person=p.person_id).pack()))
             for n, p in enumerate(people, 1)]
    return [TextMessage(text=f"พบ {len(people)} คน แตะชื่อเพื่อดูประวัติ\n" + _numbered(people, more),
                        quick_reply=QuickReply(items=items[:13]))]


# --- the history card -------------------------------------------------------------------------


@dataclass(frozen=True)
class ContractLine:
    project_code: str
    project_name: str
    role: str
    class_name: str | None
    status: str
    outstanding: Decimal
    overdue: Decimal
    overdue_installments: int
    next_due: date | None
    days_to_prescription: int | None
    closed: bool = False  # closed in the register or paid off


@dataclass(frozen=True)
class VisitLine:
    day: date
    officer: str
    outcome: str
    measure: str | None  # the measure's short name ("" when no longer loaded)
    note: str
    promise: tuple[Decimal, date, str] | None  # amount, due, state
    about_contract: bool = False  # a visit about the contract, not about this person (shown without a note)


@dataclass(frozen=True)
class Card:
    person_id: int
    name: str
    national_id_masked: str
    phone: str | None
    address: str | None
    pin: tuple[float, float] | None
    contracts: list[ContractLine]
    visits: list[VisitLine]
    applications: list[tuple[str, str, date]]  # measure's short name, status, submitted
    appointments: list[tuple[str, datetime, str]]  # kind, start, place
    updates: list[tuple[datetime, str]]


def _small(text: str, color: str = "#333333", bold: bool = False) -> FlexText:
    return FlexText(text=text, size="xs", wrap=True, color=color, weight="bold" if bold else "regular")


def _section(title: str, lines: list[FlexText], empty: str) -> list[FlexText | FlexSeparator]:
    return [FlexSeparator(margin="md"), FlexText(text=title, size="sm", weight="bold", margin="md"),
            *(lines or [_small(empty, "#888888")])]


def history_card(card: Card) -> list[Message]:
    """Everything the next officer needs, on one card (personal data: officers only, 1:1)."""
    who = [FlexText(text=card.name, weight="bold", size="lg", wrap=True),
           _small(f"บัตร {card.national_id_masked}" + (f" · โทร {card.phone}" if card.phone else ""), "#555555")]
    if card.address:
        who.append(_small(card.address, "#555555"))
    contracts = []
    for c in card.contracts:
        contracts.append(_small(f"{c.project_code} {c.project_name} ({ROLE_NAMES.get(c.role, c.role)})", bold=True))
        state = c.class_name or ("ปิดบัญชีแล้ว" if c.closed or c.status == "closed" else c.status)
        next_due = f" · งวดถัดไป {thai_date(c.next_due)}" if c.next_due else ""
        contracts.append(_small(f"{state} · คงเหลือ {baht(c.outstanding)}{next_due}"))
        if c.overdue_installments:
            contracts.append(_small(f"ค้าง {c.overdue_installments} งวด {baht(c.overdue)}", "#C0392B"))
        if c.days_to_prescription is not None and c.days_to_prescription <= 365:
            contracts.append(_small(f"อีก {c.days_to_prescription} วันครบ 5 ปี (อายุความ)", "#C0392B"))
    visits = []
    for v in card.visits:
        measure = f" · คุยเรื่อง {v.measure or OTHER_MEASURE}" if v.measure is not None else ""
        about = " · เรื่องสัญญา" if v.about_contract else ""
        visits.append(_small(f"{thai_date(v.day)} {OUTCOME_NAMES[v.outcome]} ({v.officer}){about}{measure}",
                             bold=True))
        if v.promise:
            amount, due, kept = v.promise
            visits.append(_small(f"นัดชำระ {baht(amount)} ภายใน {thai_date(due)}: {PROMISE_STATES[kept]}",
                                 "#C0392B" if kept == "broken" else "#1B5E20"))
        if v.note:
            visits.append(_small(v.note[:300], "#555555"))
    applications = [_small(f"{measure or OTHER_MEASURE}: {STATUS_NAMES.get(status, status)} ({thai_date(day)})")
                    for measure, status, day in card.applications]
    appointments = [_small(f"{KIND_NAMES[kind]} {thai_date(start.date())} {start:%H:%M} น. {place}")
                    for kind, start, place in card.appointments]
    updates = [_small(f"{thai_date(at.date())}: {text[:160]}") for at, text in card.updates]
    body = [*who,
            *_section("สัญญา", contracts, "ไม่มีสัญญาในทะเบียน"),
            *_section("การเยี่ยมล่าสุด", visits, "ยังไม่มีบันทึกการเยี่ยม"),
            *_section("คำขอมาตรการ", applications, "ไม่มี"),
            *_section("นัดหมายที่จะถึง", appointments, "ไม่มี"),
            *_section("ข่าวจากพื้นที่", updates, "ไม่มี")]
    buttons = [FlexButton(action=PostbackAction(label="บันทึกเยี่ยม", data=VisitFor(person=card.person_id).pack(),
                                                display_text="บันทึกเยี่ยม"), style="primary", color="#06C755",
                          height="sm")]
    if card.pin:
        buttons.append(FlexButton(action=URIAction(
            label="แผนที่บ้าน", uri=f"https://www.google.com/maps?q={card.pin[0]:.6f},{card.pin[1]:.6f}"),
            style="secondary", height="sm"))
    bubble = FlexBubble(size="giga", body=FlexBox(layout="vertical", spacing="xs", contents=body),
                        footer=FlexBox(layout="vertical", spacing="sm", contents=buttons))
    return [FlexMessage(alt_text=f"ประวัติ {card.name}", contents=bubble)]


def not_an_officer_card() -> list[Message]:
    return [TextMessage(text="ข้อมูลนี้สำหรับเจ้าหน้าที่เท่านั้นค่ะ")]


# --- the visit flow (`บันทึกเยี่ยม`) ------------------------------------------------------------


def ask_who() -> list[Message]:
    return [TextMessage(text="บันทึกการเยี่ยม: เยี่ยมใครคะ\nพิมพ์ชื่อ เลขบัตร 4 ตัวท้าย เบอร์โทร หรือรหัสโครงการ",
                        quick_reply=QuickReply(items=flow_controls(back=False)))]


def who_not_found(text: str) -> list[Message]:
    return [TextMessage(text=f"ไม่พบ \"{text[:40]}\" ลองพิมพ์ชื่ออย่างเดียว นามสกุล เลขบัตร 4 ตัวท้าย หรือรหัสโครงการ",
                        quick_reply=QuickReply(items=flow_controls(back=False)))]


def pick_who(people: Sequence[PersonLine], more: bool) -> list[Message]:
    items = [_answer(VisitStep.WHO, f"{n}. {p.name}", f"person:{p.person_id}") for n, p in enumerate(people, 1)]
    return [TextMessage(text="พบหลายคน เยี่ยมคนไหนคะ\n" + _numbered(people, more),
                        quick_reply=QuickReply(items=items[:11] + flow_controls(back=False)))]


def pick_contract(name: str, codes: Sequence[tuple[int, str]]) -> list[Message]:
    items = [_answer(VisitStep.CONTRACT, code, f"contract:{contract_id}") for contract_id, code in codes]
    return [TextMessage(text=f"{name} มีหลายสัญญา เยี่ยมเรื่องสัญญาไหนคะ",
                        quick_reply=QuickReply(items=items[:11] + flow_controls(back=True)))]


def ask_outcome(name: str) -> list[Message]:
    items = [_answer(VisitStep.OUTCOME, label, value) for value, label in OUTCOME_NAMES.items()]
    return [TextMessage(text=f"เยี่ยม {name}: ผลเป็นอย่างไรคะ",
                        quick_reply=QuickReply(items=items + flow_controls(back=True)))]


def outcome_not_recognised(name: str) -> list[Message]:
    return [TextMessage(text="กรุณาแตะเลือกผลการเยี่ยมจากปุ่มด้านล่างค่ะ"), *ask_outcome(name)]


def ask_promise() -> list[Message]:
    return [TextMessage(text="มีนัดชำระไหมคะ พิมพ์ยอดเงินและวันที่ เช่น 500 30/12/2569 หรือ 1,200 5 ม.ค. 70",
                        quick_reply=QuickReply(items=[_answer(VisitStep.PROMISE, NO_PROMISE, "none"),
                                                      *flow_controls(back=True)]))]


PROMISE_PROBLEMS = {
    "amount": "อ่านยอดเงินไม่ได้ พิมพ์ตัวเลขก่อน แล้วตามด้วยวันที่",
    "too_large": "ยอดเงินสูงเกินจริง ลองตรวจตัวเลขอีกครั้ง",
    "date": "อ่านวันที่ไม่ได้ ใช้แบบ 30/12/2569 หรือ 30 ธ.ค. 69",
    "past": "วันที่นัดชำระผ่านไปแล้ว กรุณาใส่วันที่วันนี้หรือหลังจากนี้",
    "too_far": "วันที่นัดชำระไกลเกิน 1 ปี กรุณาตกลงวันที่ใกล้กว่านี้",
}


def promise_problem(reason: str) -> list[Message]:
    return [TextMessage(text=PROMISE_PROBLEMS[reason]), *ask_promise()]


def ask_measure(measures: Sequence[tuple[str, str]]) -> list[Message]:
    """(id, short name): the button shows the name whole (at most 20 characters), the id travels in its data."""
    items = [_answer(VisitStep.MEASURE, name, mid) for mid, name in measures][:10]
    return [TextMessage(text="คุยเรื่องมาตรการช่วยเหลือไหนคะ",
                        quick_reply=QuickReply(items=[*items, _answer(VisitStep.MEASURE, NO_MEASURE, "none"),
                                                      *flow_controls(back=True)]))]


def measure_not_recognised(measures: Sequence[tuple[str, str]]) -> list[Message]:
    return [TextMessage(text="กรุณาแตะเลือกมาตรการจากปุ่มด้านล่างค่ะ"), *ask_measure(measures)]


def ask_note() -> list[Message]:
    return [TextMessage(text="บันทึกสิ่งที่ได้รู้ไว้ให้คนต่อไปค่ะ เช่น อาชีพ รายได้ ภาระครอบครัว "
                             "ควรคุยอย่างไร (ไม่เกิน 1,000 ตัวอักษร)",
                        quick_reply=QuickReply(items=[_answer(VisitStep.NOTE, NO_NOTE, "none"),
                                                      *flow_controls(back=True)]))]


def note_too_long(limit: int) -> list[Message]:
    return [TextMessage(text=f"บันทึกยาวเกิน {limit:,} ตัวอักษร ลองสรุปให้สั้นลงค่ะ"), *ask_note()]


def saved(name: str, outcome: str, promise: tuple[Decimal, date] | None, measure: str | None) -> list[Message]:
    lines = [f"บันทึกการเยี่ยม {name} แล้วค่ะ ✅", f"ผล: {OUTCOME_NAMES[outcome]}"]
    if promise:
        lines.append(f"นัดชำระ {baht(promise[0])} ภายใน {thai_date(promise[1])} "
                     "(ระบบจะตรวจจากยอดชำระที่นำเข้า แล้วแจ้งในรายการติดตาม)")
    if measure is not None:
        lines.append(f"มาตรการที่คุย: {measure or OTHER_MEASURE}")
    return [TextMessage(text="\n".join(lines)), *ask_pin()]


def ask_pin() -> list[Message]:
    items = [QuickReplyItem(action=LocationAction(label="ส่งตำแหน่งบ้าน")), _answer(VisitStep.PIN, SKIP_PIN, "none")]
    return [TextMessage(text="ถ้าอยู่ที่บ้านลูกหนี้ ส่งตำแหน่งเพื่อปักหมุดบ้านไว้ให้คนต่อไปได้ค่ะ",
                        quick_reply=QuickReply(items=items))]


def pin_saved(name: str) -> list[Message]:
    return [TextMessage(text=f"ปักหมุดบ้าน {name} แล้วค่ะ 📍")]


def pin_skipped() -> list[Message]:
    return [TextMessage(text="เรียบร้อยค่ะ ขอบคุณที่ลงพื้นที่นะคะ 🙏")]


def pin_expected() -> list[Message]:
    return [TextMessage(text="แตะ \"ส่งตำแหน่งบ้าน\" หรือ \"ข้าม\" ค่ะ"), *ask_pin()]


# --- a field update's location as a person's map pin ---------------------------------------------


def confirm_pin(update_id: int, name: str, lat: float, lng: float) -> list[Message]:
    """1:1 to the author of an update: use this location as the person's map pin?"""
    return [TextMessage(
        text=f"ตำแหน่งที่ส่งมากับอัปเดตเรื่อง {name} ({lat:.5f}, {lng:.5f})\nใช้เป็นหมุดบ้านของ {name} ไหมคะ",
        quick_reply=QuickReply(items=[
            QuickReplyItem(action=PostbackAction(label="ใช่ ปักหมุดบ้าน", display_text="ใช่ ปักหมุดบ้าน",
                                                 data=PinAction(op="yes", update=update_id).pack())),
            QuickReplyItem(action=PostbackAction(label="ไม่ใช่", display_text="ไม่ใช่",
                                                 data=PinAction(op="no", update=update_id).pack()))]))]


def pin_declined() -> list[Message]:
    return [TextMessage(text="รับทราบค่ะ ไม่เปลี่ยนหมุดบ้าน (ตำแหน่งยังอยู่กับอัปเดตนั้น)")]


# --- the district report ---------------------------------------------------------------------------


def district_report_text(report: DistrictReport, area: str) -> str:
    """The report for weeks 1 and 3, as text: the same for LINE and the CLI."""
    outcomes = " · ".join(f"{OUTCOME_NAMES[k]} {n}" for k, n in sorted(report.outcomes.items())) or "-"
    applications = " · ".join(f"{STATUS_NAMES.get(k, k)} {n}" for k, n in sorted(report.applications.items())) or "-"
    return "\n".join([
        f"📋 รายงานการติดตาม {area}",
        f"ช่วง {thai_date(report.start)} – {thai_date(report.end)}",
        f"เยี่ยม {report.visits} ครั้ง · พบตัว {report.people_met} คน",
        f"ผลการเยี่ยม: {outcomes}",
        f"นัดชำระ {report.promises_made} ราย · ชำระตามนัด {report.promises_kept} · ไม่เป็นไปตามนัด {report.promises_broken}",
        f"คำขอมาตรการ: {applications}",
        f"ไกล่เกลี่ย: จัด {report.mediations_held} ราย · ตกลงได้ {report.mediations_settled} ราย",
        f"ข่าวจากพื้นที่ {report.updates} เรื่อง",
    ])


def district_report(report: DistrictReport, area: str) -> list[Message]:
    return [TextMessage(text=district_report_text(report, area))]
