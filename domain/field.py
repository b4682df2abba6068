"""Field updates: what counts as one and what it names (the pictures attached: `domain.pictures`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from domain.textnorm import to_ascii_digits

UPDATE_TAGS = ("#อัปเดต", "#update")
CHOICE_WORDS = ("คนที่", "no.", "#")  # what may come before a typed choice: "คนที่ 2"
ATTACH_WINDOW_MINUTES = 10
_CODE = re.compile(r"\b[A-Z]{2,5}-\d{4}-\d{3,6}\b")


def update_text(text: str) -> str | None:
    """The body of `#อัปเดต …` (or `#update …`), or None when the message is not an update."""
    stripped = text.strip()
    for tag in UPDATE_TAGS:
        if stripped.casefold().startswith(tag.casefold()):
            return stripped[len(tag):].strip()
    return None


def project_codes(text: str) -> list[str]:
    """Project codes written in an update (`PKT-2568-0001`)."""
    return _CODE.findall(text.upper())


#: the longest name looked up by its pieces of text (`name_pieces`); a longer one (the register allows
#: 100 characters; Thai names over 20 are rare) is found by its length instead. Each character of a
#: text is the start of this many pieces: 40 made a 680-character report's look-up twice as slow
NAME_PIECE_LONGEST = 20


def name_pieces(text: str, longest: int = NAME_PIECE_LONGEST) -> list[str]:
    """Every piece of `text` that a name of at most `longest` characters could be, each once, sorted:
    a name is in the text exactly when it is one of these. Names are stored trimmed (the importer
    trims every cell), so no piece starts or ends with a space. Thai is written without spaces
    between words, so the pieces are every substring, not the words: about 20 a character.
    The database then looks each piece up in its index of names, rather than testing every name
    on the register against the text."""
    pieces = set()
    for start in range(len(text)):
        if text[start].isspace():
            continue
        for end in range(start + 1, min(len(text), start + longest) + 1):
            if not text[end - 1].isspace():
                pieces.add(text[start:end])
    return sorted(pieces)


def named_people(text: str, people: Iterable[tuple[int, str, str]]) -> list[int]:
    """Ids of people whose first name and last name both appear in the text."""
    return [pid for pid, first, last in people if first and last and first in text and last in text]


def typed_choice(text: str, count: int) -> int | None:
    """Which of `count` numbered choices a typed answer picks (1-based: `1`, `๒`, `คนที่ 2`), or None."""
    typed = to_ascii_digits(text).strip().casefold()
    for word in CHOICE_WORDS:
        if typed.startswith(word):
            typed = typed[len(word):].strip()
            break
    typed = typed.rstrip(".")
    if not typed.isdigit() or not typed.isascii():
        return None
    number = int(typed)
    return number if 1 <= number <= count else None
