"""The balance card: one bubble per open contract, in words a villager reads at a glance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from linebot.v3.messaging import (
    FlexBox,
    FlexBubble,
    FlexButton,
    FlexCarousel,
    FlexMessage,
    FlexSeparator,
    FlexText,
    Message,
    MessageAction,
    TextMessage,
)

from domain.money import CONTRACT_ENDED, IN_DEFAULT, NORMAL, TIME_BARRED, Position
from messages.format import baht, thai_date

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


def _card(line: BalanceLine) -> FlexBubble:
    p = line.position
    rows = [
        _row("เงินต้นคงเหลือ", baht(p.outstanding_principal), strong=True),
        _row("ค้างชำระ", f"{baht(p.overdue_amount)} ({p.overdue_installments} งวด)" if p.overdue_installments
             else "ไม่มียอดค้าง", color="#C0392B" if p.overdue_installments else "#1E8449"),
    ]
    if p.next_due_date and p.next_due_amount is not None:
        rows.append(_row("งวดถัดไป", f"{thai_date(p.next_due_date)}\n{baht(p.next_due_amount)}"))
    if p.default_interest > 0:
        rows.append(_row("ดอกเบี้ยผิดนัดถึงวันนี้", baht(p.default_interest)))
    rows.append(_row("สิ้นสุดสัญญา", thai_date(p.contract_end_date)))
    notes = [FlexText(text=kind_line(p.debtor_class), size="sm", wrap=True, color="#1B5E20")]
    if line.status in STATUS_NOTES:
        notes.append(FlexText(text=STATUS_NOTES[line.status], size="xs", wrap=True, color="#7F8C8D"))
    return FlexBubble(
        size="kilo",
        header=FlexBox(layout="vertical", background_color="#E8F8EE", contents=[
            FlexText(text=line.project_name, weight="bold", size="md", wrap=True),
            FlexText(text=f"{ROLE_NAMES.get(line.role, line.role)} · {line.project_code}", size="xs",
                     color="#555555"),
        ]),
        body=FlexBox(layout="vertical", spacing="sm", contents=[
            *rows, FlexSeparator(margin="md"), *notes,
            FlexText(text=f"ข้อมูล ณ {thai_date(p.as_of)}", size="xxs", color="#999999"),
        ]),
        footer=FlexBox(layout="vertical", spacing="sm", contents=[
            FlexButton(style="primary", color="#06C755", height="sm",
                       action=MessageAction(label="มาตรการช่วยเหลือ", text="ประเมินมาตรการ")),
            FlexButton(style="secondary", height="sm",
                       action=MessageAction(label="นัดหมาย / คลินิกแก้หนี้", text="นัดหมาย")),
            FlexButton(style="secondary", height="sm",
                       action=MessageAction(label="วิธีชำระเงิน", text="วิธีชำระ")),
            FlexButton(style="secondary", height="sm",
                       action=MessageAction(label="ติดต่อเจ้าหน้าที่", text="ติดต่อเจ้าหน้าที่")),
        ]),
    )


def balance_messages(open_lines: Sequence[BalanceLine], closed_codes: Sequence[str]) -> list[Message]:
    """The carousel of open contracts, and a line for closed ones."""
    if not open_lines and not closed_codes:
        return [TextMessage(text="ไม่พบสัญญาเงินกู้ในชื่อของคุณค่ะ หากคิดว่าไม่ถูกต้อง กรุณาติดต่อเจ้าหน้าที่")]
    messages: list[Message] = []
    if open_lines:
        shown = list(open_lines[:MAX_CARDS])
        total = sum((line.position.outstanding_principal for line in open_lines), Decimal(0))
        overdue = sum((line.position.overdue_amount for line in open_lines), Decimal(0))
        alt = f"ยอดหนี้ {len(open_lines)} สัญญา: คงเหลือ {baht(total)}" + (
            f" ค้างชำระ {baht(overdue)}" if overdue else " ไม่มียอดค้าง")
        messages.append(FlexMessage(alt_text=alt, contents=FlexCarousel(contents=[_card(line) for line in shown])))
        if len(open_lines) > MAX_CARDS:
            rest = ", ".join(line.project_code for line in open_lines[MAX_CARDS:])
            messages.append(TextMessage(text=f"และอีก {len(open_lines) - MAX_CARDS} สัญญา: {rest}"))
    if closed_codes:
        messages.append(TextMessage(text="สัญญาที่ชำระครบและปิดแล้ว: " + ", ".join(closed_codes) + " ขอบคุณค่ะ 🌼"))
    return messages


def how_to_pay(bank: str, biller: str, note: str, project_codes: Sequence[str], today: date) -> list[Message]:
    """Payment instructions, with the person's own project codes to quote."""
    codes = "\n".join(f"• {code}" for code in project_codes)
    mine = f"\n\nรหัสโครงการของคุณ (Ref.1):\n{codes}" if project_codes else ""
    return [TextMessage(
        text=f"วิธีชำระเงินกู้กองทุนพัฒนาบทบาทสตรี 💚\n"
        f"ชำระผ่าน {bank} หรือแอปธนาคาร เมนูจ่ายบิล\n{biller}\n{note}{mine}\n\n"
        "เก็บสลิปไว้ทุกครั้งนะคะ ยอดจะปรับในระบบหลังกองทุนได้รับข้อมูลจากธนาคาร "
        f"(ข้อมูล ณ {thai_date(today)})")]
