"""How we read what people type: Thai digits, case and spacing never matter."""

from __future__ import annotations

import re
import unicodedata

# Invisible format characters a keyboard or a copy-paste leaves in what people type: the soft
# hyphen, zero-width spaces and joiners, direction marks, word joiners and the byte-order mark.
INVISIBLE = "".join(chr(c) for c in (0x00AD, *range(0x200B, 0x2010), *range(0x202A, 0x202F),
                                     *range(0x2060, 0x2065), *range(0x2066, 0x2070), 0xFEFF))
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789", INVISIBLE)
# A regular expression's class of the digits people type (ASCII or Thai), for published patterns.
ANY_DIGIT = "[0-9๐-๙]"
_SPACES = re.compile(r"\s+")
# Titles people type before a name (the register holds names without them).
TITLES = ("นางสาว", "น.ส.", "นาง", "นาย", "คุณ", "ด.ญ.", "ด.ช.")


def to_ascii_digits(text: str) -> str:
    """Replace Thai digits (๐–๙) with 0–9, and drop the invisible characters (`INVISIBLE`) that
    would make `3830100622191\u200b` not an ID or `ยอด\u200cหนี้` not a command."""
    return text.translate(THAI_DIGITS)


def normalize(text: str) -> str:
    """NFC, Thai digits to ASCII, lower case, single spaces, trimmed."""
    text = unicodedata.normalize("NFC", text)
    text = to_ascii_digits(text)  # Thai digits, and no zero-width space from a Thai keyboard
    return _SPACES.sub(" ", text).strip().casefold()


# What people add after a word out of politeness, or ask with: `ยอดหนี้ครับ`, `ยอดหนี้หน่อยค่ะ`, `ยอดหนี้?`
POLITE_ENDINGS = ("ครับผม", "ครับ", "คับ", "ค่ะ", "คะ", "ค่า", "จ้า", "จ้ะ", "นะ", "หน่อย")
_ASKED = re.compile(r"[?!.~…]+$")


def command_key(text: str) -> str:
    """The form used to match a typed command: normalized, with all spaces removed, and without the
    polite particles and the question or exclamation marks people end a word with."""
    key = normalize(text).replace(" ", "")
    plain = key
    while True:
        shorter = _ASKED.sub("", plain)
        ending = next((e for e in POLITE_ENDINGS if shorter.endswith(e) and len(shorter) > len(e)), "")
        shorter = shorter[:len(shorter) - len(ending)]
        if shorter == plain:
            return plain or key
        plain = shorter


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


MAX_ROW_ID = 2**31 - 1  # ids are PostgreSQL integers: a larger one names nothing (and would overflow a query)


def row_id(text: str) -> int | None:
    """A row's id as a button or a person typed it (Thai digits too), or None: not a plain number,
    or past the database's integers (it names nothing)."""
    digits = to_ascii_digits(text.strip())
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 10):
        return None
    found = int(digits)
    return found if found <= MAX_ROW_ID else None
