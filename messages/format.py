"""Thai formats: B.E. dates with Thai month abbreviations, baht with two decimals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

THAI_MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)
BE_OFFSET = 543
SATANG = Decimal("0.01")


def thai_date(day: date) -> str:
    """`5 ธ.ค. 2568` for 2025-12-05."""
    return f"{day.day} {THAI_MONTHS_SHORT[day.month - 1]} {day.year + BE_OFFSET}"


def thai_time(moment: datetime) -> str:
    """`09:30 น.`"""
    return f"{moment:%H:%M} น."


def baht(amount: Decimal | int | str) -> str:
    """`12,345.50 บาท`"""
    value = Decimal(amount).quantize(SATANG, rounding=ROUND_HALF_UP)
    return f"{value:,.2f} บาท"


WHOLE_PROVINCE = "ทั้งจังหวัด"


def area_name(district: str | None) -> str:
    """The area a list or report covers: its district, or the whole province."""
    return district or WHOLE_PROVINCE
