"""A message left for an officer: its length, and what counts as a call-back number (domain.contact)."""

from __future__ import annotations

import pytest

from domain.contact import MAX_MESSAGE, callback_phone, message_fits


@pytest.mark.parametrize(("typed", "phone"), [
    ("0812345678", "0812345678"),
    ("๐๘๑-๒๓๔-๕๖๗๘", "0812345678"),
    ("(076) 123 456", "076123456"),
    ("081234567", "081234567"),
    ("812345678", None),  # no leading 0
    ("08123456789", None),  # too long
    ("0812-34567x", None),
    ("", None),
])
def test_a_call_back_number_is_a_thai_phone_number(typed, phone):
    assert callback_phone(typed) == phone


def test_a_message_says_something_and_fits_on_a_phone():
    assert message_fits("สวัสดีค่ะ")
    assert message_fits("ก" * MAX_MESSAGE)
    assert not message_fits("ก" * (MAX_MESSAGE + 1))
    assert not message_fits("")
