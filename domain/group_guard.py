"""The privacy guard for messages bound for LINE group chats (DOMAIN.md, "How to talk to debtors").

A group never shows who owes what: no names from the register, amounts of money, counts
of people who paid or owe, national IDs, private phone numbers, or words that label
people by their debt. The rules read text the way people do: Thai digits are digits,
and invisible characters or stray spaces inside a word do not hide it.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any, Protocol

from domain.textnorm import to_ascii_digits

TEXT_KEYS = frozenset({"text", "altText", "label", "title", "displayText"})
CLASS_WORDS = (
    "ขาดอายุความ", "ลูกหนี้ผิดนัด", "ผิดนัดชำระ", "ลูกหนี้ที่สิ้นสุดสัญญา", "ถูกฟ้อง", "ดำเนินคดี",
    "time-barred", "in default",
)
MIN_NAME_LENGTH = 2

MONEY = "an amount of money"
COUNT = "a count of people (a number followed by คน or ราย)"
NATIONAL_ID = "a 13-digit number such as a national ID"
PHONE = "a phone number that is not one of the fund's office numbers"
NAME = "a name from the register"


class GroupPrivacyError(ValueError):
    """A message for a group that would disclose something about a person; says which rule and where."""


class NameMatcher:
    """The register's names, prepared once: a text is searched by its substrings, not name by name.

    With 100k names a naive `any(name in text)` costs a full scan per message; here each
    text is cut into substrings of the lengths that names have and looked up in a set.
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.needles = frozenset(n for n in map(_compact, names) if len(n) >= MIN_NAME_LENGTH)
        self.lengths = sorted({len(n) for n in self.needles})

    def found_in(self, compact: str) -> bool:
        return any(compact[i:i + size] in self.needles
                   for size in self.lengths for i in range(len(compact) - size + 1))


class Names(Protocol):
    """The register's names as the guard looks for them in a text."""

    def found_in(self, compact: str) -> bool: ...


class HashedNames:
    """The register's names kept small: a sorted array of 64-bit hashes of their compact forms
    (8 bytes a name, never the names themselves), built as the names stream in.

    A text is cut into substrings of the lengths names have, as `NameMatcher` does, and each
    is looked up by its hash. Two different words sharing a hash would refuse a harmless
    message, never let a name through; with 64 bits it does not happen in practice. The
    hashes are Python's own, so an index is only good in the process that built it.
    """

    CHUNK = 50_000  # names hashed and sorted at a time before merging: a small, flat peak

    def __init__(self, names: Iterable[str]) -> None:
        chunks: list[array[int]] = []
        lengths: set[int] = set()
        compacted = (c for c in map(_compact, names) if len(c) >= MIN_NAME_LENGTH)
        while batch := list(islice(compacted, self.CHUNK)):
            lengths.update(map(len, batch))
            chunks.append(array("q", sorted({hash(c) for c in batch})))
        merged = array("q")
        for value in heapq.merge(*chunks):
            if not merged or merged[-1] != value:
                merged.append(value)
        self.hashes = merged
        self.lengths = sorted(lengths)

    def __len__(self) -> int:
        return len(self.hashes)

    def _has(self, word: str) -> bool:
        value = hash(word)
        at = bisect_left(self.hashes, value)
        return at < len(self.hashes) and self.hashes[at] == value

    def found_in(self, compact: str) -> bool:
        return any(self._has(compact[i:i + size])
                   for size in self.lengths for i in range(len(compact) - size + 1))


def check_group_message(messages: Sequence[Mapping[str, Any]], names: Collection[str] | NameMatcher | HashedNames,
                        allowed_phones: Collection[str] = ()) -> None:
    """Raise GroupPrivacyError if any text a group would see discloses something about a person.

    This is the last line of defence, not a substitute for generic templates: group texts
    are written generic by construction, and the outbox runs this check on every message
    bound for a group, so a template bug or a register value slipping into one is refused
    instead of sent. It looks at every "text", "altText", "label", "title" and
    "displayText" string, however deep in a flex or template structure. `names` are the
    register's first and last names (shorter than 2 characters ignored); `allowed_phones`
    are the fund's office numbers, compared by digits only. The error says which message,
    where in it and which rule, but never repeats the name or number it found.
    """
    phones = {_phone_digits(phone) for phone in allowed_phones}
    matcher: Names = names if isinstance(names, NameMatcher | HashedNames) else NameMatcher(names)
    problems = [f"message {index} ({path}): {rule}"
                for index, message in enumerate(messages)
                for path, text in _texts(message, "")
                for rule in _rules_broken(text, matcher, phones)]
    if problems:
        raise GroupPrivacyError("not for a group chat: " + "; ".join(problems))


def personal_data_in(text: str, allowed_phones: Collection[str] = ()) -> list[str]:
    """What personal data someone's own group post shows: NATIONAL_ID and/or PHONE (not the
    fund's office numbers), read as the guard reads the bot's messages. Names and amounts are
    left out: people name each other and talk of money in their groups all the time."""
    return _number_rules(_fold(text), {_phone_digits(phone) for phone in allowed_phones})


def _texts(node: Any, path: str) -> Iterator[tuple[str, str]]:
    """(where, text) of every string a group member could see, depth first."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            where = f"{path}.{key}" if path else str(key)
            if key in TEXT_KEYS and isinstance(value, str):
                yield where, value
            else:
                yield from _texts(value, where)
    elif isinstance(node, list | tuple):
        for i, item in enumerate(node):
            yield from _texts(item, f"{path}[{i}]")


# --- reading text -----------------------------------------------------------------------

_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # zero-width characters from Thai keyboards, soft hyphen
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_FOLD = {ord(c): None for c in _INVISIBLE} | {ord(c): "-" for c in _DASHES}
_SPACES = re.compile(r"\s+")


def _fold(text: str) -> str:
    """NFC; Thai (and any other script's) digits as 0–9; no invisible characters; plain dashes and single spaces."""
    text = to_ascii_digits(unicodedata.normalize("NFC", text)).translate(_FOLD)
    text = _OTHER_DIGITS.sub(_ascii_digit, text)  # found by the regex engine: the register's 200,000 names pass here
    return _SPACES.sub(" ", text)


_OTHER_DIGITS = re.compile(r"(?![0-9])\d")  # \d: Unicode category Nd, what str.isdecimal() says


def _ascii_digit(found: re.Match[str]) -> str:
    return str(unicodedata.decimal(found.group()))


def _compact(text: str) -> str:
    """Folded, case-free and without spaces: how names are matched (Thai does not space words anyway)."""
    return _fold(text).casefold().replace(" ", "")


def _phone_digits(phone: str) -> str:
    digits = re.sub(r"[^0-9]", "", _fold(phone))
    # +66 81 234 5678 is 081 234 5678; a Thai number never starts with 66 itself
    return "0" + digits[2:] if digits.startswith("66") and len(digits) in (10, 11) else digits


# --- the rules --------------------------------------------------------------------------

_CLOCK = r"(?:[01]?[0-9]|2[0-4])[.:][0-5][0-9]"
_CLOCKS = rf"{_CLOCK}(?: ?(?:-|ถึง) ?{_CLOCK})?"
# Read away before looking for money and counts: times (09.30 น., เวลา 9.30-12.00, 09:00),
# dotted dates (5.12.2568) and percentages (0.10%, ร้อยละ 7.5) have decimals but are no one's debt.
_NOT_AMOUNTS = re.compile(
    rf"(?<![0-9.,]){_CLOCKS} ?(?:น\.|นาฬิกา)"
    rf"|เวลา ?{_CLOCKS}"
    r"|(?<![0-9.,:])(?:[01]?[0-9]|2[0-4]):[0-5][0-9](?::[0-5][0-9])?(?![0-9])"
    r"|(?<![0-9.])[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{2,4}(?![0-9])"
    r"|(?<![0-9.,])[0-9]+(?:\.[0-9]+)? ?(?:%|เปอร์เซ็นต์|percent)"
    r"|ร้อยละ ?[0-9]+(?:\.[0-9]+)?",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"(?<![0-9.,])[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])"  # thousands separators: 12,345
    r"|(?<![0-9.])[0-9]+\.[0-9]{2}(?!\.?[0-9])"  # two decimals: 1500.00 (not a version like 1.10.2)
    r"|(?<![0-9.])[0-9]+\.-"  # 500.- is how Thai writes a price
)
_CURRENCY = re.compile(
    r"[0-9] ?(?:(?:ล้าน|แสน|หมื่น|พัน|ร้อย) ?)?(?:บาท|baht|thb|฿|สตางค์|satang)"  # 1500 บาท, 2 ล้านบาท, 200฿
    r"|(?:฿|บาท|baht|thb) ?[0-9]",  # ฿200
    re.IGNORECASE,
)
# ราย followed by these makes a different word: 3 รายการ (items), รายเดือน (monthly) ...
_COUNT = re.compile(r"[0-9] ?(?:คน|ราย(?!การ|งาน|ได้|ละเอียด|เดือน|ปี|วัน|สัปดาห์|ไตรมาส))")
_DIGIT_RUN = re.compile(r"(\+?)([0-9]+(?:[ -][0-9]+)*)")
_ID_LAYOUT = [1, 4, 5, 2, 1]  # as printed on the card: 1-2345-67890-12-3


def _word_pattern(word: str) -> re.Pattern[str]:
    if word.isascii():  # time-barred, time barred, timebarred; whole words only
        return re.compile(r"\b" + "[ -]?".join(map(re.escape, re.split("[ -]", word))) + r"\b")
    return re.compile(" ?".join(map(re.escape, word)))  # a stray space inside a Thai word still spells it


_CLASS_PATTERNS = [(word, _word_pattern(word)) for word in CLASS_WORDS]


def _rules_broken(text: str, names: Names, phones: Collection[str]) -> list[str]:
    """The rules one text breaks, in a fixed order, described without quoting the text."""
    folded = _fold(text)
    lowered = folded.casefold()
    amounts = _NOT_AMOUNTS.sub(" ", folded)
    broken = []
    if _AMOUNT.search(amounts) or _CURRENCY.search(folded):
        broken.append(MONEY)
    if _COUNT.search(amounts):
        broken.append(COUNT)
    broken += _number_rules(folded, phones)
    broken += [f"the word “{word}”, which labels people by their debt"
               for word, pattern in _CLASS_PATTERNS if pattern.search(lowered)]
    compact = lowered.replace(" ", "")
    if names.found_in(compact):
        broken.append(NAME)
    return broken


def _number_rules(text: str, phones: Collection[str]) -> list[str]:
    """National IDs and phones among runs of digits joined by single spaces or dashes.

    Every window of up to 5 consecutive groups is tried, so two numbers written side by
    side ("076-211-040 081-234-5678") are both seen. Any 13-digit number counts as an ID,
    checksum or not: Bill Payment references and typos identify a person just as well.
    """
    found = set()
    for plus, run in _DIGIT_RUN.findall(text):
        groups = run.replace("-", " ").split(" ")
        for i in range(len(groups)):
            for j in range(i + 1, min(len(groups), i + 5) + 1):
                window = groups[i:j]
                digits = "".join(window)
                if len(digits) == 13 and (len(window) == 1 or [len(g) for g in window] == _ID_LAYOUT):
                    found.add(NATIONAL_ID)
                phone = _phone(window, international=bool(plus) and i == 0)
                if phone and phone not in phones:
                    found.add(PHONE)
    return [rule for rule in (NATIONAL_ID, PHONE) if rule in found]


def _phone(window: list[str], international: bool) -> str | None:
    """The national form of a Thai phone number written as these digit groups, if it is one."""
    digits = "".join(window)
    if international and digits.startswith("66"):  # after a +: any grouping
        digits = "0" + digits[2:]
        return digits if 9 <= len(digits) <= 10 else None
    if digits[:1] != "0" or not 9 <= len(digits) <= 10:
        return None
    # phones group as 0xx-xxx-xxxx, 0x-xxx-xxx(x) or not at all; a dashed date followed by an
    # hour (05-12-2568 09:00) has a 2-digit group after the first and is not one
    if len(window) == 1 or (2 <= len(window[0]) <= 4 and all(len(g) >= 3 for g in window[1:])):
        return digits
    return None
