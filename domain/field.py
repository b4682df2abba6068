"""Field updates: what counts as one, what it names, and which pictures we keep."""

from __future__ import annotations

import re
from collections.abc import Iterable

UPDATE_TAGS = ("#อัปเดต", "#update")
ATTACH_WINDOW_MINUTES = 10
_CODE = re.compile(r"\b[A-Z]{2,5}-\d{4}-\d{3,6}\b")
_SIGNATURES = {b"\xff\xd8\xff": ("image/jpeg", "jpg"), b"\x89PNG\r\n\x1a\n": ("image/png", "png")}


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


def named_people(text: str, people: Iterable[tuple[int, str, str]]) -> list[int]:
    """Ids of people whose first name and last name both appear in the text."""
    return [pid for pid, first, last in people if first and last and first in text and last in text]


def picture_kind(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) when the bytes really are a JPEG or PNG picture."""
    for signature, kind in _SIGNATURES.items():
        if data.startswith(signature):
            return kind
    return None
