"""Thai formats: B.E. dates with Thai month abbreviations, baht with two decimals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

THAI_MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)
# Monday first, as date.weekday() counts
THAI_WEEKDAYS_SHORT = ("จ.", "อ.", "พ.", "พฤ.", "ศ.", "ส.", "อา.")
THAI_WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")
BE_OFFSET = 543
SATANG = Decimal("0.01")


def thai_date(day: date) -> str:
    """`5 ธ.ค. 2568` for 2025-12-05."""
    return f"{day.day} {THAI_MONTHS_SHORT[day.month - 1]} {day.year + BE_OFFSET}"


def thai_day_date(day: date) -> str:
    """`ศ. 5 ธ.ค. 2568` for 2025-12-05: a date people must come on, with its weekday."""
    return f"{THAI_WEEKDAYS_SHORT[day.weekday()]} {thai_date(day)}"


def thai_long_day_date(day: date) -> str:
    """`วันศุกร์ที่ 5 ธ.ค. 2568` for 2025-12-05 (a sentence reads better with the weekday in full)."""
    return f"วัน{THAI_WEEKDAYS[day.weekday()]}ที่ {thai_date(day)}"


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
