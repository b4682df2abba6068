"""Amounts in Thai words, as the acknowledgment letters write them (issue 14, item 6)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from messages.format import baht_text, number_words, thai_date_long

DIGIT = {"หนึ่ง": 1, "สอง": 2, "สาม": 3, "สี่": 4, "ห้า": 5, "หก": 6, "เจ็ด": 7, "แปด": 8, "เก้า": 9, "ยี่": 2,
         "เอ็ด": 1}
PLACE = {"แสน": 100_000, "หมื่น": 10_000, "พัน": 1000, "ร้อย": 100, "สิบ": 10}
TOKEN = re.compile(f"({'|'.join(DIGIT)})?({'|'.join(PLACE)})?")


def read_group(words: str) -> int:
    """The inverse of the rule, written another way: a digit word then a place word, summed."""
    total, seen = 0, ""
    for m in TOKEN.finditer(words):
        if not m.group(0):
            continue
        digit, place = m.group(1), m.group(2)
        total += (DIGIT[digit] if digit else 1) * (PLACE[place] if place else 1)
        seen += m.group(0)
    assert seen == words, words  # every word was read
    return total


def read_number(words: str) -> int:
    if words == "ศูนย์":
        return 0
    total = 0
    for part in words.split("ล้าน"):
        total = total * 1_000_000 + read_group(part)
    return total


def read_baht(text: str) -> Decimal:
    if text.endswith("บาทถ้วน"):
        return Decimal(read_number(text.removesuffix("บาทถ้วน")))
    assert text.endswith("สตางค์")
    whole, _, satang = text.removesuffix("สตางค์").rpartition("บาท")
    return Decimal(read_number(whole) if whole else 0) + Decimal(read_number(satang)) / 100


@pytest.mark.parametrize(("amount", "words"), [
    ("0", "ศูนย์บาทถ้วน"),
    ("1", "หนึ่งบาทถ้วน"),
    ("10", "สิบบาทถ้วน"),
    ("11", "สิบเอ็ดบาทถ้วน"),
    ("21", "ยี่สิบเอ็ดบาทถ้วน"),
    ("101", "หนึ่งร้อยเอ็ดบาทถ้วน"),
    ("12500.50", "หนึ่งหมื่นสองพันห้าร้อยบาทห้าสิบสตางค์"),
    ("0.5", "ห้าสิบสตางค์"),
    ("0.01", "หนึ่งสตางค์"),
    ("0.21", "ยี่สิบเอ็ดสตางค์"),
    ("1000001", "หนึ่งล้านเอ็ดบาทถ้วน"),
    ("1000000", "หนึ่งล้านบาทถ้วน"),
    ("21000000", "ยี่สิบเอ็ดล้านบาทถ้วน"),
    ("1000000000000", "หนึ่งล้านล้านบาทถ้วน"),
    ("24000", "สองหมื่นสี่พันบาทถ้วน"),
    ("1.005", "หนึ่งบาทหนึ่งสตางค์"),  # rounded half up to the satang, as the figures are
])
def test_known_amounts_read_as_the_banks_write_them(amount, words):
    assert baht_text(Decimal(amount)) == words


@given(st.decimals(min_value=0, max_value=Decimal("9999999999999.99"), places=2, allow_nan=False))
def test_the_words_read_back_to_the_amount(amount):
    text = baht_text(amount)
    assert read_baht(text) == amount
    assert text.endswith("ถ้วน") == (amount == amount.to_integral_value())
    assert "หนึ่งสิบ" not in text and "สองสิบ" not in text and ("ศูนย์" in text) == (amount == 0)


@given(st.integers(min_value=0, max_value=10**18))
def test_whole_numbers_read_back(n):
    assert read_number(number_words(n)) == n


def test_negative_amounts_are_refused():
    with pytest.raises(ValueError):
        baht_text(Decimal("-1"))


def test_letters_date_in_the_buddhist_era():
    assert thai_date_long(date(2025, 12, 5)) == "5 ธันวาคม 2568"
