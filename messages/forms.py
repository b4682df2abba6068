"""The fund's letters for a debtor to sign, as words: the acknowledgment of debt (หนังสือรับสภาพหนี้)
and the acknowledgment of liability (หนังสือรับสภาพความผิด), prefilled from a contract or blank.

Plain data (a title, paragraphs, signature lines); the console lays it out as a PDF. On the
paper the debtor signs the national ID is written in full, as such letters always are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.identity import mask_national_id
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


# --- the fund's other forms: filled in by hand, or prefilled from a contract -------------------

FORM_KINDS = ("visit_record", "measure_application")
FORM_TITLES = {
    "visit_record": "แบบบันทึกการลงพื้นที่ติดตามลูกหนี้กองทุนพัฒนาบทบาทสตรี",
    "measure_application": "แบบคำขอเข้าร่วมมาตรการเพื่อช่วยเหลือลูกหนี้กองทุนพัฒนาบทบาทสตรี",
}
FORM_USES = {
    "visit_record": ("ติดตัวไปเมื่อลงพื้นที่เยี่ยมลูกหนี้ (อำเภอรายงานสัปดาห์ที่ 1 และ 3 ของเดือน): ผลการพบ นัดชำระ "
                     "มาตรการที่แนะนำ และสิ่งที่เจ้าหน้าที่คนต่อไปควรรู้ แล้วบันทึกลงระบบ"),
    "measure_application": ("ลูกหนี้กรอกและลงชื่อเพื่อขอเข้าร่วมมาตรการ พร้อมเอกสารประกอบ คณะอนุกรรมการระดับอำเภอให้ความเห็น "
                            "และคณะอนุกรรมการระดับจังหวัดพิจารณาอนุมัติ"),
}
UPLOAD_BACK = {  # which kind of project document the signed scan goes back as
    "ack_debt": "หนังสือรับสภาพหนี้", "ack_liability": "หนังสือรับสภาพความผิด",
    "visit_record": "หลักฐานอื่น ๆ", "measure_application": "หลักฐานอื่น ๆ",
}
ALL_TITLES = {**LETTER_TITLES, **FORM_TITLES}
TICK = "(   )"
VISIT_OUTCOMES = ("พบตัว", "ไม่อยู่บ้าน", "ย้ายที่อยู่", "เสียชีวิต", "ไม่พบ / ติดต่อไม่ได้")
KNOW_ABOUT = "อาชีพ รายได้ ภาระครอบครัว และวิธีพูดคุยที่ได้ผล (ให้เจ้าหน้าที่คนต่อไปรู้)"


@dataclass(frozen=True)
class Member:
    """One person on the contract, as a form shows them."""

    name: str
    national_id: str
    role: str
    phone: str
    address: str


@dataclass(frozen=True)
class ContractFacts:
    """What a contract's form is filled with, as of the day it is printed."""

    on: date
    project_name: str
    project_code: str
    area: str
    contract_date: date
    principal: Decimal
    outstanding_principal: Decimal
    overdue_amount: Decimal
    overdue_installments: int
    class_name: str | None
    days_to_prescription: int | None
    members: tuple[Member, ...]


@dataclass(frozen=True)
class Section:
    """A part of a form: a heading, then fields (a value, or a dotted blank for the hand), boxes to
    tick, a paragraph, and lines to write on."""

    heading: str
    fields: tuple[tuple[str, str], ...] = ()
    choices: tuple[str, ...] = ()
    text: str = ""
    lines: int = 0


@dataclass(frozen=True)
class Form:
    title: str
    place_and_date: tuple[str, ...]
    sections: tuple[Section, ...]
    signatures: tuple[tuple[str, str], ...]  # (what the signer is, the name under the line)


def _value(text: str | None) -> str:
    return text if text else BLANK


def _project_fields(facts: ContractFacts | None) -> tuple[tuple[str, str], ...]:
    if facts is None:
        return (("ชื่อโครงการ", BLANK), ("รหัสโครงการ", SHORT_BLANK), ("พื้นที่", BLANK),
                ("วันที่ทำสัญญา", SHORT_BLANK), ("จำนวนเงินกู้", f"{SHORT_BLANK} บาท"))
    return (("ชื่อโครงการ", facts.project_name), ("รหัสโครงการ", facts.project_code), ("พื้นที่", facts.area),
            ("วันที่ทำสัญญา", thai_date_long(facts.contract_date)), ("จำนวนเงินกู้", money(facts.principal)))


def visit_form(facts: ContractFacts | None, measures: tuple[str, ...]) -> Form:
    """The visit record an officer or volunteer takes to a debtor's home: prefilled with where the contract
    stands (national IDs masked: it is a field note, not a paper to sign), or blank."""
    standing: tuple[tuple[str, str], ...]
    people: tuple[str, ...]
    if facts is None:
        standing = (("เงินต้นคงค้าง", f"{SHORT_BLANK} บาท"), ("ค้างชำระ", f"{SHORT_BLANK} บาท {SHORT_BLANK} งวด"),
                    ("ลูกหนี้ชั้น", SHORT_BLANK))
        people = (f"ชื่อ-นามสกุล {BLANK} ในฐานะ {SHORT_BLANK} โทร {SHORT_BLANK}", f"ที่อยู่ {BLANK}{BLANK}")
    else:
        standing = (("เงินต้นคงค้าง", money(facts.outstanding_principal)),
                    ("ค้างชำระ", f"{facts.overdue_amount:,.2f} บาท {facts.overdue_installments} งวด"),
                    ("ลูกหนี้ชั้น", facts.class_name or "-"))
        if facts.days_to_prescription is not None:
            standing += (("อีกกี่วันครบ 5 ปีนับจากงวดที่ชำระล่าสุด", f"{facts.days_to_prescription:,} วัน"),)
        people = tuple(f"{m.name} ({ROLE_NAMES.get(m.role, m.role)}) "
                       f"เลขประจำตัวประชาชน {mask_national_id(m.national_id)} "
                       f"โทร {_value(m.phone)} ที่อยู่ {_value(m.address)}" for m in facts.members)
    return Form(
        title=FORM_TITLES["visit_record"],
        place_and_date=(f"วันที่ลงพื้นที่ {SHORT_BLANK}", f"ผู้ลงพื้นที่ {BLANK}"),
        sections=(
            Section("ข้อมูลโครงการ", fields=_project_fields(facts) + standing),
            Section("ลูกหนี้ในสัญญา", text="\n".join(people)),
            Section("ผู้ที่ได้พบ", fields=(("ชื่อ-นามสกุล", BLANK), ("ความเกี่ยวข้องกับลูกหนี้", SHORT_BLANK))),
            Section("ผลการลงพื้นที่", choices=VISIT_OUTCOMES),
            Section("นัดชำระหนี้", fields=(("จำนวนเงิน", f"{SHORT_BLANK} บาท"), ("ภายในวันที่", SHORT_BLANK))),
            Section("มาตรการที่แนะนำหรือพูดคุย", choices=measures),
            Section(KNOW_ABOUT, lines=4),
            Section("พิกัดบ้านลูกหนี้", fields=(("ละติจูด", SHORT_BLANK), ("ลองจิจูด", SHORT_BLANK))),
        ),
        signatures=(("ผู้ลงพื้นที่", BLANK), ("ลูกหนี้ / ผู้ให้ข้อมูล", BLANK)),
    )


def measure_form(facts: ContractFacts | None, measures: tuple[tuple[str, tuple[str, ...]], ...]) -> Form:
    """A debtor's application to join a relief measure (M2's two steps: the district sub-committee's
    opinion, then the province's decision); prefilled with the contract and its people, or blank.
    `measures`: each measure in force, with the documents it asks for."""
    if facts is None:
        applicant = (f"ข้าพเจ้า {BLANK} เลขประจำตัวประชาชน {BLANK} ในฐานะ {TICK} ผู้กู้หลัก {TICK} ลูกหนี้ร่วม "
                     f"{TICK} ผู้ค้ำประกัน ที่อยู่ {BLANK} โทร {SHORT_BLANK}")
    else:
        applicant = "ข้าพเจ้า (ทำเครื่องหมายหน้าชื่อผู้ยื่นคำขอ)\n" + "\n".join(
            f"{TICK} {m.name} เลขประจำตัวประชาชน {m.national_id} ในฐานะ{ROLE_NAMES.get(m.role, m.role)}"
            for m in facts.members)
    documents = sorted({d for _, needed in measures for d in needed})
    return Form(
        title=FORM_TITLES["measure_application"],
        place_and_date=(f"เขียนที่ {BLANK}", f"วันที่ {SHORT_BLANK}"),
        sections=(
            Section("ผู้ยื่นคำขอ", text=applicant),
            Section(f"สัญญากู้ยืมเงินกับ{FUND}", fields=_project_fields(facts)),
            Section("ขอเข้าร่วมมาตรการ (ทำเครื่องหมายหน้ามาตรการ)", choices=tuple(name for name, _ in measures)),
            Section("เหตุผลและความจำเป็น", lines=4),
            Section("เอกสารประกอบคำขอ", choices=(*documents, f"อื่น ๆ {BLANK}")),
            Section("ความเห็นของคณะอนุกรรมการกลั่นกรองและติดตามการดำเนินงานกองทุนพัฒนาบทบาทสตรีระดับอำเภอ",
                    choices=("เห็นควรอนุมัติ", "ไม่เห็นควรอนุมัติ เพราะ"), lines=2),
            Section("ผลการพิจารณาของคณะอนุกรรมการบริหารกองทุนพัฒนาบทบาทสตรีระดับจังหวัด",
                    choices=("อนุมัติ", "ไม่อนุมัติ เพราะ"), lines=2),
        ),
        signatures=(("ผู้ยื่นคำขอ", BLANK), ("ผู้ตรวจสอบ (อำเภอ)", BLANK), ("ผู้อนุมัติ (จังหวัด)", BLANK)),
    )
