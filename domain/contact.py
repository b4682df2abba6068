"""Messages left for an officer: how long they may be, and what a call-back number looks like."""

from __future__ import annotations

import re

from domain.textnorm import to_ascii_digits

MAX_MESSAGE = 1000
_PHONE = re.compile(r"^0\d{8,9}$")


def message_fits(text: str) -> bool:
    """Something was said, and not more than an officer can read on a phone."""
    return bool(text) and len(text) <= MAX_MESSAGE


def callback_phone(typed: str) -> str | None:
    """A Thai phone number as digits (Thai digits, spaces, dashes and brackets allowed), or None if it is none."""
    phone = re.sub(r"[\s\-()]", "", to_ascii_digits(typed))
    return phone if _PHONE.match(phone) else None
