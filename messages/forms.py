"""The fund's letters for a debtor to sign, as words: the acknowledgment of debt (หนังสือรับสภาพหนี้)
and the acknowledgment of liability (หนังสือรับสภาพความผิด), prefilled from a contract or blank.

Plain data (a title, paragraphs, signature lines); the console lays it out as a PDF. On the
paper the debtor signs the national ID is written in full, as such letters always are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from messages.balance import ROLE_NAMES
from messages.format import baht_text, thai_date_long

FUND = "กองทุนพัฒนาบทบาทสตรี"
SIGN = "ลงชื่อ"
BLANK = "." * 40
SHORT_BLANK = "." * 20
LETTER_KINDS = ("ack_debt", "ack_liability")
LETTER_TITLES = {"ack_debt": "หนังสือรับสภาพหนี้", "ack_liability": "หนังสือรับสภาพความผิด"}
LETTER_USES = {
    "ack_debt": "สำหรับลูกหนี้ที่สิ้นสุดสัญญาและยังไม่ครบ 5 ปีนับจากงวดที่ชำระล่าสุด: เริ่มนับอายุความใหม่",
    "ack_liability": "สำหรับลูกหนี้ที่ขาดอายุความ (เกิน 5 ปีนับจากงวดที่ชำระล่าสุด): ยอมรับผิดชำระหนี้",
}
FORMS_NOT_FOUND = "ไม่พบโครงการรหัสนี้ในพื้นที่ของคุณ"


@dataclass(frozen=True)
class Signer:
    name: str
    national_id: str
    role: str  # borrower, co_debtor, guarantor


@dataclass(frozen=True)
class LetterFacts:
    """What a contract's letter is filled with, as of the day it is printed."""

    on: date
    project_name: str
    project_code: str
    contract_date: date
    principal: Decimal
    outstanding_principal: Decimal
    default_interest: Decimal
    signers: tuple[Signer, ...]


@dataclass(frozen=True)
class Letter:
    title: str
    place_and_date: tuple[str, str]
    paragraphs: tuple[str, ...]
    signatures: tuple[tuple[str, str], ...]  # (what the signer is, the name under the line)


def money(amount: Decimal) -> str:
    """`12,500.50 บาท (หนึ่งหมื่นสองพันห้าร้อยบาทห้าสิบสตางค์)`: figures and words, as a letter writes them."""
    return f"{amount:,.2f} บาท ({baht_text(amount)})"


def who_signs(signers: tuple[Signer, ...]) -> str:
    return " และ ".join(f"{s.name} เลขประจำตัวประชาชน {s.national_id} ในฐานะ{ROLE_NAMES.get(s.role, s.role)}"
                        for s in signers)


def letter(kind: str, facts: LetterFacts | None) -> Letter:
    """The letter of this kind, filled from the facts, or blank for the hand (None)."""
    if facts is None:
        who, project, contract_day = (f"{BLANK} เลขประจำตัวประชาชน {BLANK} ในฐานะ{SHORT_BLANK}",
                                      f"{BLANK} รหัสโครงการ {SHORT_BLANK}", SHORT_BLANK)
        principal = owed = interest = total = f"{SHORT_BLANK} บาท ({BLANK})"
        day = SHORT_BLANK
        signatures: tuple[tuple[str, str], ...] = (("ผู้ให้ถ้อยคำ", BLANK), ("ผู้ให้ถ้อยคำ", BLANK))
    else:
        who = who_signs(facts.signers)
        project = f"{facts.project_name} รหัสโครงการ {facts.project_code}"
        contract_day = thai_date_long(facts.contract_date)
        principal = money(facts.principal)
        owed, interest = money(facts.outstanding_principal), money(facts.default_interest)
        total = money(facts.outstanding_principal + facts.default_interest)
        day = thai_date_long(facts.on)
        signatures = tuple((ROLE_NAMES.get(s.role, s.role), s.name) for s in facts.signers)
    opening = (f"ข้าพเจ้า {who} ซึ่งได้ทำสัญญากู้ยืมเงินกับ{FUND} โครงการ {project} "
               f"ลงวันที่ {contract_day} จำนวนเงินกู้ {principal}")
    debt = (f"ณ วันที่ {day} ข้าพเจ้ายังคงเป็นหนี้{FUND} เป็นเงินต้นคงค้าง {owed} และดอกเบี้ยผิดนัด {interest} "
            f"รวมเป็นเงินทั้งสิ้น {total}")
    if kind == "ack_debt":
        body = (opening, f"ขอทำหนังสือฉบับนี้ไว้ให้แก่{FUND} เพื่อเป็นหลักฐานว่า {debt}",
                f"ข้าพเจ้ารับสภาพหนี้ดังกล่าวทั้งหมด และจะชำระหนี้ให้แก่{FUND}จนครบถ้วน "
                "ตามที่ตกลงกับเจ้าหน้าที่กองทุน")
    else:
        body = (opening, f"ขอทำหนังสือฉบับนี้ไว้ให้แก่{FUND} เพื่อเป็นหลักฐานว่า {debt}",
                "ข้าพเจ้าทราบดีว่าหนี้ดังกล่าวพ้นกำหนดอายุความแล้ว ข้าพเจ้ายอมรับผิดชำระหนี้ดังกล่าวทั้งหมด "
                f"และสละประโยชน์แห่งอายุความ และจะชำระหนี้ให้แก่{FUND}จนครบถ้วน")
    closing = "ข้าพเจ้าได้อ่านและเข้าใจข้อความในหนังสือนี้โดยตลอดแล้ว จึงลงลายมือชื่อไว้เป็นสำคัญต่อหน้าพยาน"
    return Letter(
        title=LETTER_TITLES[kind],
        place_and_date=(f"เขียนที่ {BLANK}", f"วันที่ {day}"),
        paragraphs=(*body, closing),
        signatures=(*signatures, ("พยาน", BLANK), ("พยาน", BLANK), ("เจ้าหน้าที่กองทุน", BLANK)),
    )


def letter_filename(kind: str, project_code: str | None) -> str:
    """An ASCII file name for the download: the kind and the project."""
    stem = kind.replace("_", "-")
    return f"{stem}-{project_code}.pdf" if project_code else f"{stem}-blank.pdf"
