"""How we read what people type: Thai digits, case and spacing never matter."""

from __future__ import annotations

import re
import unicodedata

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# A regular expression's class of the digits people type (ASCII or Thai), for published patterns.
ANY_DIGIT = "[0-9๐-๙]"
_SPACES = re.compile(r"\s+")
# Titles people type before a name (the register holds names without them).
TITLES = ("นางสาว", "น.ส.", "นาง", "นาย", "คุณ", "ด.ญ.", "ด.ช.")


def to_ascii_digits(text: str) -> str:
    """Replace Thai digits (๐–๙) with 0–9."""
    return text.translate(THAI_DIGITS)


def normalize(text: str) -> str:
    """NFC, Thai digits to ASCII, lower case, single spaces, trimmed."""
    text = unicodedata.normalize("NFC", text)
    text = to_ascii_digits(text).replace("\u200b", "")  # zero-width space from Thai keyboards
    return _SPACES.sub(" ", text).strip().casefold()


def command_key(text: str) -> str:
    """The form used to match a typed command: normalized, with all spaces removed."""
    return normalize(text).replace(" ", "")


def split_command(text: str) -> tuple[str, str]:
    """Split `word argument...` into (command key, the rest as typed, trimmed)."""
    cleaned = _SPACES.sub(" ", to_ascii_digits(unicodedata.normalize("NFC", text))).strip()
    head, _, rest = cleaned.partition(" ")
    return head.casefold(), rest.strip()


def without_title(word: str) -> str:
    """`นางสมศรี` → `สมศรี`: people type a title before the name; the register has none.

    Search is by "contains", so cutting a title never loses a match (`นางนวล` still
    finds นางนวล).
    """
    for title in TITLES:
        if word.startswith(title) and len(word) > len(title):
            return word[len(title):]
    return "" if word in TITLES else word


def row_id(text: str) -> int | None:
    """A row's id as a button or a person typed it (Thai digits too), or None: not a plain number,
    or past the database's integers (it names nothing)."""
    digits = to_ascii_digits(text.strip())
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 10):
        return None
    found = int(digits)
    return found if found <= 2**31 - 1 else None
