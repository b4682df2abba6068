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


def area_name(district: str | None, province: str | None = None) -> str:
    """The area a list or report covers: its district, a province (`จังหวัดภูเก็ต`: a province's
    officer on a register of several), or the whole province."""
    if district:
        return district
    return f"จังหวัด{province}" if province else WHOLE_PROVINCE


THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)


def thai_date_long(day: date) -> str:
    """`5 ธันวาคม 2568` for 2025-12-05: the date as a letter writes it."""
    return f"{day.day} {THAI_MONTHS[day.month - 1]} {day.year + BE_OFFSET}"


_DIGITS = ("ศูนย์", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า")
_PLACES = ("", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน")
MILLION = 1_000_000


def _below_a_million(n: int, after_more: bool) -> str:
    """0 < n < 1,000,000 in words; a last 1 is เอ็ด when anything is read before it (11, 101, 1,000,001)."""
    words = []
    for place in range(5, -1, -1):
        digit = n // 10 ** place % 10
        if digit == 0:
            continue
        if place == 1:
            words.append({1: "สิบ", 2: "ยี่สิบ"}.get(digit, _DIGITS[digit] + "สิบ"))
        elif place == 0 and digit == 1 and (after_more or n > 9):
            words.append("เอ็ด")
        else:
            words.append(_DIGITS[digit] + _PLACES[place])
    return "".join(words)


def number_words(n: int) -> str:
    """A whole number of 0 or more in Thai words: 21 ยี่สิบเอ็ด, 1,000,001 หนึ่งล้านเอ็ด."""
    if n < 0:
        raise ValueError("a number of 0 or more")
    if n == 0:
        return _DIGITS[0]
    millions, rest = divmod(n, MILLION)
    head = number_words(millions) + "ล้าน" if millions else ""
    return head + (_below_a_million(rest, bool(millions)) if rest else "")


def baht_text(amount: Decimal | int | str) -> str:
    """An amount as a cheque or a legal letter writes it in words, rounded to the satang:
    `หนึ่งหมื่นสองพันห้าร้อยบาทถ้วน`, `ห้าสิบสตางค์`, `ศูนย์บาทถ้วน`."""
    value = Decimal(amount).quantize(SATANG, rounding=ROUND_HALF_UP)
    if value < 0:
        raise ValueError("an amount of 0 or more")
    whole, satang = divmod(int(value * 100), 100)
    if satang == 0:
        return number_words(whole) + "บาทถ้วน"
    return (number_words(whole) + "บาท" if whole else "") + number_words(satang) + "สตางค์"
