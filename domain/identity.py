"""Reading what people type to prove who they are: national IDs, birth dates, phone digits."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date
from itertools import count
from operator import mul

from domain.textnorm import to_ascii_digits

BE_OFFSET = 543

THAI_MONTHS = {
    **{name: n for n, name in enumerate(
        ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
         "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"], start=1)},
    **{name: n for n, name in enumerate(
        ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
         "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."], start=1)},
    **{name: n for n, name in enumerate(
        ["มค", "กพ", "มีค", "เมย", "พค", "มิย", "กค", "สค", "กย", "ตค", "พย", "ธค"], start=1)},
}


@dataclass(frozen=True)
class NationalIdCheck:
    """The digits found, and what is wrong with them (None when the ID is valid)."""

    digits: str
    problem: str | None  # "length" | "check_digit" | "not_digits" | None


def national_id_check_digit(first12: str) -> int:
    """Digit 13 = (11 − Σ d_i × (14 − i) mod 11) mod 10."""
    total: int = sum(map(mul, map(int, first12), count(13, -1)))  # the register import checks millions
    return (11 - total % 11) % 10


def check_national_id(raw: str) -> NationalIdCheck:
    """Accept spaces and dashes and Thai digits; say precisely what is wrong."""
    text = re.sub(r"[\s\-.]", "", to_ascii_digits(raw))
    if not (text.isascii() and text.isdigit()):  # "²" is a digit to isdigit, not to int
        return NationalIdCheck(text, "not_digits")
    if len(text) != 13:
        return NationalIdCheck(text, "length")
    if national_id_check_digit(text[:12]) != int(text[12]):
        return NationalIdCheck(text, "check_digit")
    return NationalIdCheck(text, None)


def mask_national_id(national_id: str) -> str:
    """`1-1017-xxxxx-03-2` style: only the first and the last three digits show."""
    if len(national_id) != 13:
        return "x" * len(national_id)
    return f"{national_id[0]}-xxxx-xxxxx-{national_id[10:12]}-{national_id[12]}"


def format_national_id(national_id: str) -> str:
    """`3-8301-00622-19-1`: the groups printed on the card, with dashes (the bot reads them)."""
    if len(national_id) != 13 or not national_id.isdigit():
        return national_id
    n = national_id
    return f"{n[0]}-{n[1:5]}-{n[5:10]}-{n[10:12]}-{n[12]}"


def format_be_date(day: date) -> str:
    """`14/02/2515`: day/month/Buddhist Era year, as the bot asks for a birth date."""
    return f"{day.day:02d}/{day.month:02d}/{day.year + BE_OFFSET}"


def national_id_key(national_id: str, secret: str) -> str:
    """What the tries at verifying an ID are counted by: a keyed digest, never the ID itself.

    Every ID typed is counted alike, on the register or not (the lockout must not tell which
    are), and the typed digits are not kept (the privacy notice promises it); without the
    app's secret the digest cannot be turned back into an ID by trying all of them.
    """
    return hmac.new(secret.encode(), b"national-id:" + national_id.encode(), hashlib.sha256).hexdigest()[:40]


_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_COMPACT = re.compile(r"^(\d{2})(\d{2})(\d{4})$")
_WORDS = re.compile(r"^(\d{1,2})\s*([ก-๙.]+)\s*(\d{2}|\d{4})$")


def parse_typed_date(raw: str) -> date | None:
    """A date as people type it, B.E. or C.E.; None when it cannot be read.

    Accepts 14/02/2515, 14-2-2515, 14.02.1972, 1972-02-14, 14022515, 14 ก.พ. 2515,
    14 กุมภาพันธ์ 2515 and two-digit B.E. years (14/02/15 → 2515). A year above 2400 is
    B.E.; anything else four digits is C.E.
    """
    text = to_ascii_digits(raw).strip().replace("พ.ศ.", "").replace("พศ", "").strip()
    day = month = year = None
    if match := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := (_NUMERIC_DATE.match(text) or _COMPACT.match(text)):
        day, month, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
    elif match := _WORDS.match(re.sub(r"\s+", " ", text)):
        month = THAI_MONTHS.get(match.group(2).strip())
        if month is None:
            return None
        day, year = int(match.group(1)), _year(match.group(3))
    if day is None or month is None or year is None:
        return None
    if year > 2400:
        year -= BE_OFFSET
    try:
        return date(year, month, day)
    except ValueError:
        return None


parse_birth_date = parse_typed_date


def _year(raw: str) -> int:
    """Two digits are a B.E. year in this century of the B.E. calendar (15 → 2515)."""
    return 2500 + int(raw) if len(raw) == 2 else int(raw)


def phone_last_four(raw: str) -> str | None:
    """Four digits typed for the phone factor, or None."""
    text = re.sub(r"[\s\-]", "", to_ascii_digits(raw))
    return text if re.fullmatch(r"\d{4}", text) else None


def second_factor_matches(birth_date: date | None, phone: str | None,
                          born: date | None, phone_digits: str | None) -> bool:
    """The register's birth date proves the person when it has one; otherwise its phone's last four digits."""
    if birth_date is not None:
        return born == birth_date
    return phone_digits is not None and bool(phone) and (phone or "").endswith(phone_digits)


def full_name(first_name: str, last_name: str) -> str:
    """A person's name as people read it: first name, one space, last name."""
    return f"{first_name} {last_name}"
