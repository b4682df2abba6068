"""Invite codes: easy to read aloud and type on a phone, hard to guess."""

from __future__ import annotations

import secrets
from datetime import timedelta

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read out over the phone
LENGTH = 8
VALID_FOR = timedelta(days=7)
MAX_WRONG = 3
WRONG_WINDOW = timedelta(hours=1)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_code(raw: str) -> str | None:
    """What a person typed, as stored (upper case, no spaces or dashes), or None if it is no code."""
    code = "".join(ch for ch in raw.upper() if ch.isascii() and ch.isalnum())
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code) or len(raw.strip()) > 2 * LENGTH:
        return None
    return code
