"""The balance card: one bubble per open contract, in words a villager reads at a glance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.money import CONTRACT_ENDED, IN_DEFAULT, NORMAL, TIME_BARRED, Position
from domain.payments import payable, suggested_amount, total_owed
from messages.format import baht, thai_date
from messages.line_json import (
    FlexBox,
    FlexBubble,
    FlexButton,
    FlexCarousel,
    FlexMessage,
    FlexSeparator,
    FlexText,
    Message,
    MessageAction,
    PostbackAction,
    TextMessage,
)
from messages.payloads import PayQR

ROLE_NAMES = {"borrower": "ผู้กู้หลัก", "co_debtor": "ลูกหนี้ร่วม", "guarantor": "ผู้ค้ำประกัน"}
STATUS_NOTES = {
    "litigation": "สัญญานี้อยู่ระหว่างดำเนินคดี",
    "judgment": "สัญญานี้มีคำพิพากษาแล้ว",
}
MAX_CARDS = 10  # LINE allows 12 bubbles; keep room and mention the rest in text


@dataclass(frozen=True)
class BalanceLine:
    """What one card shows."""

    project_code: str
    project_name: str
    role: str
    status: str
    position: Position
    contract_id: int


@dataclass(frozen=True)
class PayPlace:
    """How the cards say to pay: by QR (a biller ID is set), else at the office."""

    qr: bool
    office_name: str
    office_phone: str


def kind_line(debtor_class: int | None) -> str:
    """One caring sentence suited to where the contract stands."""
    if debtor_class == NORMAL:
        return "ขอบคุณที่ชำระตรงเวลาค่ะ 🙏 กลุ่มของคุณเป็นกำลังใจให้กองทุน"
    if debtor_class == IN_DEFAULT:
        return "ช่วงนี้ไม่สะดวกก็ไม่เป็นไรค่ะ กองทุนมีมาตรการช่วยเหลือที่อาจเหมาะกับคุณ ลองคุยกับเราได้"
    if debtor_class in {CONTRACT_ENDED, TIME_BARRED}:
        return "สัญญาครบกำหนดแล้ว แต่ยังมีทางออกค่ะ คุยกับเจ้าหน้าที่หรือนัดคลินิกแก้หนี้ได้ เราพร้อมช่วย"
    return ""


def _row(label: str, value: str, *, strong: bool = False, color: str = "#111111") -> FlexBox:
    return FlexBox(layout="horizontal", contents=[
        FlexText(text=label, size="sm", color="#666666", flex=5, wrap=True),
        FlexText(text=value, size="sm", align="end", flex=5, wrap=True, color=color,
                 weight="bold" if strong else "regular"),
    ])


def _part(label: str, value: str, *, color: str = "#444444") -> FlexBox:
    return FlexBox(layout="horizontal", padding_start="md", contents=[
        FlexText(text=label, size="xs", color="#777777", flex=6, wrap=True),
        FlexText(text=value, size="xs", align="end", flex=4, wrap=True, color=color),
    ])


def owed_rows(p: Position) -> list[FlexBox]:
    """The one figure of what is owed in all, then its parts (domain/payments.py)."""
    rows = [_row("ยอดหนี้ทั้งหมด", baht(total_owed(p)), strong=True)]
    if p.overdue_installments:
        rows.append(_part("เงินต้นค้างชำระ", f"{baht(p.overdue_amount)} ({p.overdue_installments} งวด)",
                          color="#C0392B"))
    else:
        rows.append(_part("เงินต้นค้างชำระ", "ไม่มียอดค้าง", color="#1E8449"))
    rows.append(_part("เงินต้นที่ยังไม่ถึงกำหนด", baht(p.not_yet_due)))
    if p.default_interest > 0:
        rows.append(_part("ดอกเบี้ยผิดนัดถึงวันนี้", baht(p.default_interest)))
    return rows


def pay_button(contract_id: int, p: Position) -> FlexButton:
    """`จ่ายด้วย QR`: the code of this contract, with the amount it suggests when there is one."""
    return FlexButton(style="primary", color="#1565C0", height="sm", action=PostbackAction(
        label="จ่ายด้วย QR", display_text="จ่ายด้วย QR",
        data=PayQR(contract=contract_id, amount=suggested_amount(p) is not None).pack()))


def office_line(office_name: str, office_phone: str) -> str:
    """Where to pay when the fund takes no Bill Payment (no biller ID is set)."""
    return f"ชำระเงินกู้ได้ที่{office_name} โทร {office_phone} ในวันและเวลาราชการ"


def contract_header(project_name: str, role: str, project_code: str, background: str) -> FlexBox:
    """A contract card's header: the project, and the person's role on it with its code."""
    return FlexBox(layout="vertical", background_color=background, contents=[
        FlexText(text=project_name, weight="bold", size="md", wrap=True),
        FlexText(text=f"{ROLE_NAMES.get(role, role)} · {project_code}", size="xs", color="#555555"),
    ])


def _card(line: BalanceLine, pay: PayPlace) -> FlexBubble:
    p = line.position
    rows = owed_rows(p)
    if p.next_due_date and p.next_due_amount is not None:
        rows.append(_row("งวดถัดไป", f"{thai_date(p.next_due_date)}\n{baht(p.next_due_amount)}"))
    rows.append(_row("สิ้นสุดสัญญา", thai_date(p.contract_end_date)))
    notes = [FlexText(text=kind_line(p.debtor_class), size="sm", wrap=True, color="#1B5E20")]
    if line.status in STATUS_NOTES:
        notes.append(FlexText(text=STATUS_NOTES[line.status], size="xs", wrap=True, color="#7F8C8D"))
    if not pay.qr and payable(p):
        notes.append(FlexText(text=office_line(pay.office_name, pay.office_phone), size="xs", wrap=True,
                              color="#555555"))
    how = [pay_button(line.contract_id, p)] if pay.qr and payable(p) else [
        FlexButton(style="secondary", height="sm", action=MessageAction(label="วิธีชำระเงิน", text="วิธีชำระ"))]
    return FlexBubble(
        size="kilo",
        header=contract_header(line.project_name, line.role, line.project_code, "#E8F8EE"),
        body=FlexBox(layout="vertical", spacing="sm", contents=[
            *rows, FlexSeparator(margin="md"), *notes,
            FlexText(text=f"ข้อมูล ณ {thai_date(p.as_of)}", size="xxs", color="#999999"),
        ]),
        footer=FlexBox(layout="vertical", spacing="sm", contents=[
            FlexButton(style="primary", color="#06C755", height="sm",
                       action=MessageAction(label="มาตรการช่วยเหลือ", text="ประเมินมาตรการ")),
            FlexButton(style="secondary", height="sm",
                       action=MessageAction(label="นัดหมาย / คลินิกแก้หนี้", text="นัดหมาย")),
            *how,
            FlexButton(style="secondary", height="sm",
                       action=MessageAction(label="ติดต่อเจ้าหน้าที่", text="ติดต่อเจ้าหน้าที่")),
        ]),
    )


def no_contracts() -> list[Message]:
    return [TextMessage(text="ไม่พบสัญญาเงินกู้ในชื่อของคุณค่ะ หากคิดว่าไม่ถูกต้อง กรุณาติดต่อเจ้าหน้าที่")]


def balance_messages(open_lines: Sequence[BalanceLine], closed_codes: Sequence[str], pay: PayPlace) -> list[Message]:
    """The carousel of open contracts, and a line for closed ones."""
    if not open_lines and not closed_codes:
        return no_contracts()
    messages: list[Message] = []
    if open_lines:
        shown = list(open_lines[:MAX_CARDS])
        total = sum((total_owed(line.position) for line in open_lines), Decimal(0))
        overdue = sum((line.position.overdue_amount for line in open_lines), Decimal(0))
        alt = f"ยอดหนี้ {len(open_lines)} สัญญา: ทั้งหมด {baht(total)}" + (
            f" ค้างชำระ {baht(overdue)}" if overdue else " ไม่มียอดค้าง")
        messages.append(FlexMessage(alt_text=alt, contents=FlexCarousel(contents=[_card(line, pay) for line in shown])))
        if len(open_lines) > MAX_CARDS:
            rest = ", ".join(line.project_code for line in open_lines[MAX_CARDS:])
            messages.append(TextMessage(text=f"และอีก {len(open_lines) - MAX_CARDS} สัญญา: {rest}"))
    if closed_codes:
        messages.append(TextMessage(text="สัญญาที่ชำระครบและปิดแล้ว: " + ", ".join(closed_codes) + " ขอบคุณค่ะ 🌼"))
    return messages
