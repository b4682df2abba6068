"""Words for officers about why a contract is on today's list and what to do next."""

from __future__ import annotations

from domain.followups import Followup
from messages.format import baht, thai_date

NEXT_ACTION = {
    "time_barred": "ขอให้ลูกหนี้ลงนามหนังสือรับสภาพความผิด",
    "prescription_near": "ขอให้ลูกหนี้ลงนามหนังสือรับสภาพหนี้ก่อนครบ 5 ปี",
    "in_default": "ติดต่ออย่างสุภาพ สอบถามความเป็นอยู่ และแนะนำมาตรการช่วยเหลือ",
    "measure_application": "ตรวจเอกสาร โทรนัดลูกหนี้ และบันทึกผลการพิจารณา",
}


def application_text(measure_id: str, status: str) -> str:
    """An application waiting for an officer."""
    waiting = {"submitted": "ส่งคำขอแล้ว รอเจ้าหน้าที่รับเรื่อง", "under_review": "อยู่ระหว่างพิจารณา"}
    return f"คำขอเข้าร่วมมาตรการ {measure_id}: {waiting.get(status, status)}"


def reason_text(item: Followup) -> str:
    """One line an officer reads at a glance."""
    p = item.position
    if item.reason == "time_barred":
        return (f"ขาดอายุความ: ไม่มีการชำระเกิน 5 ปี (ชำระล่าสุด {thai_date(p.last_payment_date)}) "
                f"ค้าง {baht(p.overdue_amount)}")
    if item.reason == "prescription_near":
        return (f"สิ้นสุดสัญญา: อีก {p.days_to_prescription} วันจะครบ 5 ปี ({thai_date(p.prescription_date)}) "
                f"ค้าง {baht(p.overdue_amount)}")
    return f"ผิดนัดชำระ {p.overdue_installments} งวด รวม {baht(p.overdue_amount)}"
