"""Thai QR Payment codes for Bill Payment: the payload a banking app scans.

The Thai QR standard (Bank of Thailand and the Thai Bankers' Association) is EMVCo's
merchant-presented QR: a string of data objects `IDLLvalue`, a 2-digit ID, a 2-digit
length and the value, all ASCII. A Bill Payment code carries, in this order:

- 00 payload format: `01`;
- 01 point of initiation: `11` static (no amount: the code is reused), `12` dynamic (an
  amount: the code is for one payment);
- 30 the Bill Payment merchant account, itself data objects: 00 the AID
  `A000000677010112`, 01 the biller ID (15 digits: the biller's tax ID and a 2-digit
  suffix), 02 Ref.1, 03 Ref.2 (optional);
- 53 currency `764` (baht); 54 the amount with two decimals, only when there is one;
- 58 country `TH`; 59 a merchant name (optional);
- 63 the CRC: CRC-16/CCITT-FALSE (polynomial 0x1021, initial value 0xFFFF) of everything
  before its value, `6304` included, as 4 upper-case hex digits.

Banks take references of digits and capital letters, at most 20 characters each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from domain.identity import national_id_check_digit

BILL_PAYMENT_AID = "A000000677010112"
THB = "764"
THAILAND = "TH"
STATIC, DYNAMIC = "11", "12"  # point of initiation: reusable, or for one payment of the amount in it
CRC_TAG = "63"
REF_MAX = 20
SATANG = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")  # 13 characters, as tag 54 allows
MERCHANT_NAME_MAX = 25

_REF = re.compile(rf"[0-9A-Z]{{1,{REF_MAX}}}")
_BILLER_ID = re.compile(r"[0-9]{15}")
_TAG = re.compile(r"[0-9]{2}")
_AMOUNT = re.compile(r"[0-9]{1,10}(\.[0-9]{1,2})?")  # as read: some banks' codes write `100`


class ThaiQRError(ValueError):
    """A value a Thai QR code cannot carry, or a payload that is not one."""


@dataclass(frozen=True)
class BillPayment:
    """What a Bill Payment code asks the payer's bank to do."""

    biller_id: str
    ref1: str
    ref2: str | None = None
    amount: Decimal | None = None


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
        crc &= 0xFFFF
    return crc


def tlv(tag: str, value: str) -> str:
    """One data object: ID, 2-digit length, value."""
    if not _TAG.fullmatch(tag):
        raise ThaiQRError(f"an ID is two digits, got {tag!r}")
    if not value.isascii() or not 1 <= len(value) <= 99:
        raise ThaiQRError(f"the value of {tag} must be 1 to 99 ASCII characters")
    return f"{tag}{len(value):02d}{value}"


def with_crc(body: str) -> str:
    """The payload ended by its CRC object (ID 63), computed over everything up to its value."""
    head = body + CRC_TAG + "04"
    return head + f"{crc16_ccitt_false(head.encode('ascii')):04X}"


def crc_ok(payload: str) -> bool:
    """Whether the payload ends with a CRC object that matches the rest."""
    if len(payload) < 8 or not payload.isascii() or payload[-8:-4] != CRC_TAG + "04":
        return False
    return with_crc(payload[:-8]) == payload


def parse_tlv(text: str) -> list[tuple[str, str]]:
    """The data objects of a payload (or of a template's value), in order."""
    objects: list[tuple[str, str]] = []
    at = 0
    while at < len(text):
        tag, size = text[at:at + 2], text[at + 2:at + 4]
        if not (_TAG.fullmatch(tag) and _TAG.fullmatch(size)) or at + 4 + int(size) > len(text):
            raise ThaiQRError(f"no data object at position {at}")
        objects.append((tag, text[at + 4:at + 4 + int(size)]))
        at += 4 + int(size)
    return objects


def check_ref(ref: str) -> str:
    """A reference as banks take it: 1 to 20 digits or capital letters."""
    if not _REF.fullmatch(ref):
        raise ThaiQRError(f"a reference is 1 to {REF_MAX} digits or capital letters A-Z")
    return ref


def normalise_ref(text: str) -> str:
    """Capital letters and digits only: `PKT-2568-0001` → `PKT25680001` (may be empty or too long)."""
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def check_biller_id(value: str) -> str:
    """15 digits: the biller's 13-digit tax ID, then the bank's 2-digit suffix."""
    if not _BILLER_ID.fullmatch(value):
        raise ThaiQRError("a biller ID is 15 digits: the 13-digit tax ID and a 2-digit suffix")
    return value


def tax_id_holds(biller_id: str) -> bool:
    """Whether a 15-digit biller ID starts with a tax ID whose check digit (digit 13) holds.

    Real biller IDs do (a tax ID has a national ID's check digit); a typed one that does not
    has a typo. The codes themselves do not depend on it, so only the settings check it.
    """
    return national_id_check_digit(biller_id[:12]) == int(biller_id[12])


def amount_text(amount: Decimal) -> str:
    """Tag 54's form of an amount: baht with two decimals, no separators (`6000.00`)."""
    if not (amount.is_finite() and SATANG <= amount <= MAX_AMOUNT):
        raise ThaiQRError(f"an amount is from 0.01 to {MAX_AMOUNT} baht")
    if amount != amount.quantize(SATANG):
        raise ThaiQRError("an amount has at most two decimals (satang)")
    return f"{amount:.2f}"


def bill_payment(biller_id: str, ref1: str, ref2: str | None = None, amount: Decimal | None = None, *,
                 merchant_name: str | None = None) -> str:
    """The payload of a Bill Payment code; static without an amount, dynamic with one."""
    account = tlv("00", BILL_PAYMENT_AID) + tlv("01", check_biller_id(biller_id)) + tlv("02", check_ref(ref1))
    if ref2 is not None:
        account += tlv("03", check_ref(ref2))
    body = tlv("00", "01") + tlv("01", STATIC if amount is None else DYNAMIC) + tlv("30", account) + tlv("53", THB)
    if amount is not None:
        body += tlv("54", amount_text(amount))
    body += tlv("58", THAILAND)
    if merchant_name is not None:
        if not (merchant_name.isascii() and merchant_name.isprintable() and len(merchant_name) <= MERCHANT_NAME_MAX):
            raise ThaiQRError(f"a merchant name is at most {MERCHANT_NAME_MAX} printable ASCII characters")
        body += tlv("59", merchant_name)
    return with_crc(body)


def read_bill_payment(payload: str) -> BillPayment:
    """What a Bill Payment payload asks for; raises ThaiQRError for anything else or a bad CRC."""
    if not crc_ok(payload):
        raise ThaiQRError("the CRC does not match")
    top = dict(parse_tlv(payload))
    if top.get("00") != "01" or top.get("53") != THB or top.get("58") != THAILAND or "30" not in top:
        raise ThaiQRError("not a Thai QR Bill Payment payload")
    account = dict(parse_tlv(top["30"]))
    if account.get("00") != BILL_PAYMENT_AID or "01" not in account or "02" not in account:
        raise ThaiQRError("not a Bill Payment account (tag 30)")
    amount = top.get("54")
    if amount is not None and not _AMOUNT.fullmatch(amount):
        raise ThaiQRError(f"not an amount: {amount!r}")
    return BillPayment(account["01"], account["02"], account.get("03"), None if amount is None else Decimal(amount))
