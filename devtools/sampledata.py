"""Deterministic sample register for the Phuket women's fund (กองทุนพัฒนาบทบาทสตรี).

Generates what the department's loan register (LM) would export for one province:
``contracts.csv``, ``members.csv`` and ``payments.csv`` in the import format of
``INTERFACES.md``, plus ``personas.json``, a handful of fixed people (debtors of each
class, a co-debtor, a guarantor, officers, volunteers, group chats, a stranger) whose
data is inside the CSVs so a demo user can verify as them.

The same generator feeds the committed demo data (``demo/data``, 200 contracts) and the
benchmarks (100,000 contracts or more): everything is a pure function of
``(contracts, as_of, seed)``, rows are produced lazily block by block (100 contracts
at a time) and nothing reads the clock or the global random generator, so the same
arguments always give byte-identical files.

The debtor classes are built by construction relative to ``as_of`` (see
``CLASS_MIX``), following the money rules of ``INTERFACES.md``: installments step
by calendar months from ``first_due_date`` clamped to the month end, payments are
applied oldest first, and prescription is the last payment date plus 5 years.

Usage::

    python -m bot.sampledata --contracts 200 --as-of 2026-11-20 --seed 2568 --out demo/data
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from domain.identity import national_id_check_digit

PROVINCE = "ภูเก็ต"
CODE_PREFIX = "PKT"
FUND = "WDF"

#: The reference province: district → subdistricts → villages ("หมู่ N บ้าน…").
#: Subdistricts and districts are real; the 96 villages are plausible, not official.
PHUKET: list[dict[str, Any]] = [
    {
        "name": "เมืองภูเก็ต",
        "subdistricts": [
            {"name": "ตลาดใหญ่", "villages": ["บ้านบางเหนียว", "บ้านสะพานหิน"]},
            {"name": "ตลาดเหนือ", "villages": ["บ้านสามกอง", "บ้านดาวรุ่ง"]},
            {
                "name": "เกาะแก้ว",
                "villages": [
                    "บ้านเกาะแก้ว", "บ้านบางคู", "บ้านสะปำ", "บ้านแหลมหิน",
                    "บ้านควนเสือ", "บ้านทุ่งโต๊ะเหม", "บ้านเกาะมะพร้าว",
                ],
            },
            {
                "name": "รัษฎา",
                "villages": [
                    "บ้านรัษฎา", "บ้านบางชีเหล้า", "บ้านเกาะสิเหร่", "บ้านแหลมตุ๊กแก",
                    "บ้านควนมดตาย", "บ้านท่าจีน", "บ้านทุ่งคา",
                ],
            },
            {
                "name": "วิชิต",
                "villages": [
                    "บ้านอ่าวมะขาม", "บ้านแหลมพันวา", "บ้านอ่าวยน", "บ้านบางขนุน",
                    "บ้านกะทะ", "บ้านนาบอน", "บ้านบ่อแร่", "บ้านเขาขาด", "บ้านแหลมชั่ง",
                ],
            },
            {
                "name": "ฉลอง",
                "villages": [
                    "บ้านฉลอง", "บ้านป่าหล่าย", "บ้านโคกโตนด", "บ้านบางคณฑี", "บ้านเก็ตโฮ่",
                    "บ้านกลาง", "บ้านบนควน", "บ้านท่าฉลอง", "บ้านอ่าวฉลอง", "บ้านควนลึก",
                ],
            },
            {
                "name": "ราไวย์",
                "villages": [
                    "บ้านราไวย์", "บ้านในหาน", "บ้านหน้าวัด", "บ้านแหลมพรหมเทพ",
                    "บ้านแหลมกา", "บ้านไสยวน", "บ้านหาดใส",
                ],
            },
            {
                "name": "กะรน",
                "villages": ["บ้านกะรน", "บ้านกะตะ", "บ้านกะตะน้อย", "บ้านบนเขา", "บ้านบางหลา"],
            },
        ],
    },
    {
        "name": "กะทู้",
        "subdistricts": [
            {
                "name": "กะทู้",
                "villages": ["บ้านกะทู้", "บ้านบางทอง", "บ้านนาใน", "บ้านเก้าแสน", "บ้านห้วยปาก"],
            },
            {"name": "ป่าตอง", "villages": ["บ้านป่าตอง", "บ้านกะหลิม", "บ้านไตรตรัง", "บ้านควนดิน"]},
            {
                "name": "กมลา",
                "villages": ["บ้านกมลา", "บ้านบางวาด", "บ้านนาคา", "บ้านล่าง", "บ้านเหนือ"],
            },
        ],
    },
    {
        "name": "ถลาง",
        "subdistricts": [
            {
                "name": "เทพกระษัตรี",
                "villages": [
                    "บ้านเทพกระษัตรี", "บ้านดอน", "บ้านป่าสัก", "บ้านบางโจ",
                    "บ้านลิพอน", "บ้านเมืองใหม่", "บ้านท่าเรือ", "บ้านบ่อกรวด",
                ],
            },
            {
                "name": "ศรีสุนทร",
                "villages": [
                    "บ้านพารา", "บ้านเหรียง", "บ้านเคียน", "บ้านแขนน",
                    "บ้านโคกโหนด", "บ้านควนสุวรรณ", "บ้านป่าครั่ง",
                ],
            },
            {
                "name": "เชิงทะเล",
                "villages": ["บ้านเชิงทะเล", "บ้านบางเทา", "บ้านลายัน", "บ้านหาดสุรินทร์", "บ้านมอญ"],
            },
            {
                "name": "ป่าคลอก",
                "villages": [
                    "บ้านป่าคลอก", "บ้านบางโรง", "บ้านอ่าวปอ", "บ้านยามู",
                    "บ้านแหลมทราย", "บ้านคลองทอง",
                ],
            },
            {"name": "ไม้ขาว", "villages": ["บ้านไม้ขาว", "บ้านท่าฉัตรไชย", "บ้านในยาง", "บ้านหาดทรายแก้ว"]},
            {"name": "สาคู", "villages": ["บ้านสาคู", "บ้านในทอน", "บ้านบางจิ"]},
        ],
    },
]
for _district in PHUKET:
    for _sub in _district["subdistricts"]:
        _sub["villages"] = [f"หมู่ {i} {v}" for i, v in enumerate(_sub["villages"], start=1)]
del _district, _sub

# Rough centre of each subdistrict (for pins), kept inside 7.75–8.2 N, 98.25–98.45 E.
_CENTRES = {
    "ตลาดใหญ่": (7.884, 98.392), "ตลาดเหนือ": (7.893, 98.386), "เกาะแก้ว": (7.955, 98.385),
    "รัษฎา": (7.905, 98.402), "วิชิต": (7.862, 98.405), "ฉลอง": (7.845, 98.345),
    "ราไวย์": (7.785, 98.325), "กะรน": (7.835, 98.300), "กะทู้": (7.910, 98.335),
    "ป่าตอง": (7.896, 98.302), "กมลา": (7.950, 98.287), "เทพกระษัตรี": (8.025, 98.335),
    "ศรีสุนทร": (7.990, 98.350), "เชิงทะเล": (7.995, 98.300), "ป่าคลอก": (8.030, 98.395),
    "ไม้ขาว": (8.125, 98.310), "สาคู": (8.090, 98.300),
}
LAT_RANGE = (7.75, 8.2)
LNG_RANGE = (98.25, 98.45)

CONTRACT_COLUMNS = (
    "project_code", "project_name", "fund", "province", "district", "subdistrict", "village",
    "contract_date", "principal", "installment_count", "first_due_date", "interval_months",
    "interest_rate", "default_rate", "status", "demand_letter_date",
)
MEMBER_COLUMNS = (
    "project_code", "national_id", "first_name", "last_name", "role", "phone", "birth_date",
    "address", "lat", "lng",
)
PAYMENT_COLUMNS = ("project_code", "paid_on", "amount", "reference")

NEW_FUND_FROM = date(2017, 1, 1)  # co-debtors instead of guarantors
LOW_RATE_FROM = date(2023, 9, 30)  # M4: 0.10 %/year for interest and default interest

#: Target share (percent) of each kind; class numbers as in DOMAIN.md, "closed" apart.
CLASS_MIX: tuple[tuple[str, int], ...] = (
    ("time_barred", 12), ("ended", 25), ("default", 25), ("normal", 28), ("closed", 10),
)
CLASS_OF_KIND: dict[str, int | None] = {
    "time_barred": 1, "ended": 2, "default": 3, "normal": 4, "closed": None,
}
#: Days to prescription given to the first class-2 contracts of every block, so the
#: 180/90/30/7-day alerts always have someone to fire for.
SPECIAL_DAYS_TO_PRESCRIPTION = (7, 30, 90, 180, 2, 14, 45, 120)
SHARED_PEOPLE = 0.15  # share of people who are on two contracts
BLOCK = 100

_ACTIVITIES = (
    "เลี้ยงไก่ไข่", "ทำขนมพื้นบ้าน", "ตัดเย็บเสื้อผ้า", "ผ้าบาติก", "นวดแผนไทย", "ร้านค้าชุมชน",
    "แปรรูปอาหารทะเล", "ทำกะปิ", "ทำน้ำพริกกุ้งเสียบ", "ปลูกผักปลอดสารพิษ", "เลี้ยงปลาในกระชัง",
    "จักสานเตยปาหนัน", "ทำขนมเต้าส้อ", "ทำขนมจีน", "ทำเครื่องแกง", "ผลิตสบู่สมุนไพร",
    "เลี้ยงผึ้งชันโรง", "เสริมสวย", "ทำปลาเค็ม", "ร้านอาหารพื้นเมือง", "เพาะเห็ดนางฟ้า",
    "ทำดอกไม้ประดิษฐ์", "ผลิตน้ำดื่มชุมชน", "ทำขนมอาโป๊ง", "ทำกุ้งแห้ง",
)
_GROUP_PREFIXES = ("กลุ่มสตรี", "กลุ่มสตรี", "กลุ่มสตรี", "กลุ่มสตรี", "กลุ่มแม่บ้าน", "กลุ่มอาชีพสตรี")
_WOMEN = (
    "สมศรี", "มาลี", "จันทร์เพ็ญ", "วันดี", "อรุณี", "บุษบา", "สุนีย์", "ละเอียด", "เพ็ญศรี",
    "กาญจนา", "สุภาพ", "ประไพ", "อำไพ", "นิตยา", "รัตนา", "ศิริพร", "สุดารัตน์", "วิไลวรรณ",
    "พรทิพย์", "ปราณี", "จิราพร", "สมใจ", "อุไรวรรณ", "กัลยา", "ยุพิน", "นงลักษณ์", "ลำดวน",
    "สุมาลี", "ฮาลีมะ", "ซาฟียะห์", "รอฮานี", "มารีเยาะ", "ฟาตีมะห์", "อามีเนาะ", "จุฑามาศ",
    "ธนพร", "พิมพ์ชนก", "ณัฐธิดา", "สุกัญญา", "เยาวลักษณ์", "บุญเรือน", "สมพร", "ทองใบ",
    "ประภาพร", "วาสนา", "อัมพร", "ศรีสุดา", "ดวงใจ", "ขวัญใจ", "เรณู", "มยุรี", "ชไมพร", "อรทัย",
)
_MEN = (
    "สมชาย", "ประเสริฐ", "บุญชัย", "สุชาติ", "วิชัย", "สมบัติ", "อนุชา", "ธีระ", "มานพ", "เกษม",
    "ชาตรี", "สุรศักดิ์", "อับดุลเลาะ", "มูฮัมหมัด", "ยูซุฟ", "อิสมาแอล", "สมหมาย", "ณรงค์",
    "วีระ", "เอกชัย", "ไพโรจน์",
)
_SURNAMES = (
    "ณ ถลาง", "ทองคำ", "แก้วประดับ", "ใจดี", "ทะเลงาม", "ชายทุ่ง", "เกาะกลาง", "หอมจันทร์",
    "บุญยัง", "ทองเนื้อแข็ง", "ตันติวงศ์", "แซ่ตัน", "แซ่ลิ้ม", "หงษ์หยก", "ลิ่มสกุล", "ตันสกุล",
    "จันทร์แก้ว", "ศรีสมบัติ", "สุขสวัสดิ์", "ขุนทอง", "ปานแก้ว", "ช่วยชู", "ชูแก้ว", "หนูแก้ว",
    "แก้วมณี", "เพชรรัตน์", "ดำแก้ว", "นาคสวัสดิ์", "ทองมา", "เจริญผล", "ละใบแด", "หมัดอะดั้ม",
    "หวังพิทักษ์", "มะหนิ", "หลีเหร็ม", "เกิดทรัพย์", "อินทร์แก้ว", "สงวนศักดิ์", "ทิพย์มณี",
    "บุญประคอง", "วงศ์ใหญ่", "คงทน", "ศรีสุข", "มณีโชติ", "พรหมสุวรรณ", "ด้วงสวัสดิ์",
    "รอดเจริญ", "ขาวสะอาด", "ทองดี", "ถิ่นถลาง", "เรืองฤทธิ์", "สุวรรณรัตน์", "แสงทอง",
)
_PRINCIPALS = (20_000, 25_000, 30_000, 40_000, 50_000, 60_000, 80_000, 100_000, 120_000,
               150_000, 200_000)
_PRINCIPAL_WEIGHTS = (8, 5, 14, 10, 20, 8, 8, 12, 4, 6, 5)
_PATTERNS = ((24, 1), (8, 3), (4, 6))  # (installment_count, interval_months): 2 years
_PATTERN_WEIGHTS = (70, 12, 18)
_OLD_INTEREST = ("0.10", "0.25", "0.50", "1.0", "1.00")

_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_DAY = timedelta(days=1)


# --------------------------------------------------------------------------- helpers


def _days_in_month(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def add_months(d: date, months: int) -> date:
    """``d`` plus whole calendar months, clamped to the month end (like relativedelta)."""
    y, m0 = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m0 + 1
    return date(year, month, min(d.day, _days_in_month(year, month)))


def due_dates(first_due: date, count: int, interval_months: int) -> list[date]:
    """The schedule: installment k is due on first_due + k × interval months."""
    return [add_months(first_due, k * interval_months) for k in range(count)]


def installments_satang(principal_satang: int, count: int) -> list[int]:
    """Installment amounts in satang, equal except the last, which absorbs rounding.

    The generator pays the equal part rounded *up* to the satang, so a payer it calls
    "fully paid" stays fully paid whichever rounding the reader uses.
    """
    each = -(-principal_satang // count)
    return [each] * (count - 1) + [principal_satang - each * (count - 1)]


def is_valid_national_id(nid: str) -> bool:
    """True for 13 digits whose last is the check digit of the first 12."""
    return len(nid) == 13 and nid.isdigit() and int(nid[12]) == national_id_check_digit(nid[:12])


def _nid(first12: str) -> str:
    return first12 + str(national_id_check_digit(first12))


def _be(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year + 543}"


def _money(satang: int, commas: bool) -> str:
    baht, st = divmod(satang, 100)
    return f"{baht:,}.{st:02d}" if commas else f"{baht}.{st:02d}"


def _line_id(prefix: str, key: str) -> str:
    return prefix + hashlib.md5(f"wdf-demo/{key}".encode()).hexdigest()


def _village_name(village: str) -> str:
    """"หมู่ 2 บ้านบางโรง" → "บ้านบางโรง"."""
    return village.split(" ", 2)[2] if village else ""


def _village_no(village: str) -> str:
    return village.split(" ", 2)[1] if village else ""


_SUBDISTRICTS: list[tuple[str, str, list[str]]] = [
    (d["name"], s["name"], s["villages"]) for d in PHUKET for s in d["subdistricts"]
]
_SUB_INDEX = {s: (d, vs) for d, s, vs in _SUBDISTRICTS}
_SUB_CUM_WEIGHTS: list[int] = []
for _i, (_d, _s, _vs) in enumerate(_SUBDISTRICTS):
    _SUB_CUM_WEIGHTS.append((_SUB_CUM_WEIGHTS[-1] if _i else 0) + len(_vs) + 1)
del _i, _d, _s, _vs


def _village(subdistrict: str, number: int) -> str:
    return _SUB_INDEX[subdistrict][1][number - 1]


def _address(house: str, village: str, subdistrict: str, district: str) -> str:
    moo = f" หมู่ {_village_no(village)}" if village else ""
    return f"{house}{moo} ต.{subdistrict} อ.{district} จ.{PROVINCE}"


# --------------------------------------------------------------------------- specs


@dataclass(slots=True)
class ContractSpec:
    """Everything decided about one contract before its rows are written."""

    index: int
    kind: str
    contract_date: date
    principal: int  # baht
    principal_text: str
    count: int
    interval: int
    first_due: date
    dues: list[date]
    district: str
    subdistrict: str
    village: str
    project_name: str
    interest_rate: str = ""
    default_rate: str = ""
    status: str = "active"
    demand_letter: date | None = None
    code: str = ""
    last_payment: date | None = None  # classes 1–2: the planned latest paid_on
    unpaid: int = 0  # class 3: overdue installments left unpaid
    payoff: date | None = None  # closed and paid off early: the lump-sum date
    persona: bool = False
    fixed_payments: list[tuple[date, int, str]] = field(default_factory=list)
    fixed_members: list[dict[str, str]] = field(default_factory=list)


def _block_kinds(size: int, rng: random.Random, first_block: bool) -> list[str]:
    """The kinds of one block, in the CLASS_MIX proportions (largest remainder)."""
    exact = [(kind, size * pct / 100) for kind, pct in CLASS_MIX]
    counts = {kind: int(x) for kind, x in exact}
    spare = size - sum(counts.values())
    for kind, _ in sorted(exact, key=lambda kx: -(kx[1] - int(kx[1])))[:spare]:
        counts[kind] += 1
    kinds = [kind for kind, _ in CLASS_MIX for _ in range(counts[kind])]
    if not first_block:
        rng.shuffle(kinds)
        return kinds
    lead = ["time_barred", "ended", "default", "normal"]  # the persona contracts
    for kind in lead:
        if kind in kinds:
            kinds.remove(kind)
        else:  # tiny data sets: take the slot from the most common kind
            kinds.remove(max(kinds, key=kinds.count))
    rng.shuffle(kinds)
    return lead + kinds


class SampleData:
    """A lazily generated register: see :func:`generate`."""

    def __init__(self, contracts: int = 200, as_of: date = date(2026, 11, 20),
                 seed: int = 2568) -> None:
        if contracts < 4:
            raise ValueError("need at least 4 contracts (the persona contracts)")
        if as_of < date(2018, 3, 1):
            raise ValueError("as_of must be 2018-03-01 or later")
        self.count = contracts
        self.as_of = as_of
        self.seed = seed
        self.earliest = date(as_of.year - 14, 1, 1)
        self._five_years_ago = add_months(as_of, -60)

    # ------------------------------------------------------------------ public rows

    def contracts(self) -> Iterator[dict[str, str]]:
        """contracts.csv rows, in project order."""
        for specs in self._blocks():
            for s in specs:
                yield {
                    "project_code": s.code,
                    "project_name": s.project_name,
                    "fund": FUND,
                    "province": PROVINCE,
                    "district": s.district,
                    "subdistrict": s.subdistrict,
                    "village": s.village,
                    "contract_date": s.contract_date.isoformat(),
                    "principal": s.principal_text,
                    "installment_count": str(s.count),
                    "first_due_date": s.first_due.isoformat(),
                    "interval_months": str(s.interval),
                    "interest_rate": s.interest_rate,
                    "default_rate": s.default_rate,
                    "status": s.status,
                    "demand_letter_date": s.demand_letter.isoformat() if s.demand_letter else "",
                }

    def members(self) -> Iterator[dict[str, str]]:
        """members.csv rows: borrower first, then co-debtors or guarantors."""
        for b, specs in enumerate(self._blocks()):
            rng = random.Random(f"{self.seed}/members/{b}")
            yield from _MemberBlock(self, specs, rng).rows()

    def payments(self) -> Iterator[dict[str, str]]:
        """payments.csv rows, oldest first within each contract."""
        for b, specs in enumerate(self._blocks()):
            rng = random.Random(f"{self.seed}/payments/{b}")
            for s in specs:
                code = s.code
                for paid_on, satang, ref in self._payment_rows(s, rng):
                    commas = satang >= 100_000 and rng.random() < 0.3
                    yield {
                        "project_code": code,
                        "paid_on": paid_on.isoformat(),
                        "amount": _money(satang, commas),
                        "reference": ref,
                    }

    def expected(self) -> Iterator[dict[str, Any]]:
        """What each contract was built to be: code, kind, class, days to prescription."""
        for specs in self._blocks():
            for s in specs:
                days = None
                if s.kind == "ended":
                    lp = s.last_payment or s.contract_date
                    days = (add_months(lp, 60) - self.as_of).days
                yield {"project_code": s.code, "kind": s.kind,
                       "class": CLASS_OF_KIND[s.kind], "days_to_prescription": days}

    def personas(self) -> list[dict[str, Any]]:
        """The fixed demo people: debtors of each class, staff, groups and a stranger."""
        codes = [s.code for s in next(self._blocks())[:4]]
        return _personas(codes)

    def staff(self) -> list[dict[str, Any]]:
        """Officer and volunteer personas."""
        return [p for p in self.personas() if p["role"] in ("officer", "volunteer")]

    def groups(self) -> list[dict[str, Any]]:
        """Group-chat personas."""
        return [p for p in self.personas() if p["kind"] == "group"]

    def write_csv(self, out_dir: str | Path) -> dict[str, int]:
        """Write the three CSVs and personas.json into ``out_dir``; return row counts."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        counts = {}
        for name, columns, rows in (
            ("contracts.csv", CONTRACT_COLUMNS, self.contracts()),
            ("members.csv", MEMBER_COLUMNS, self.members()),
            ("payments.csv", PAYMENT_COLUMNS, self.payments()),
        ):
            with open(out / name, "w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
                writer.writeheader()
                n = 0
                for row in rows:
                    writer.writerow(row)
                    n += 1
            counts[name] = n
        personas = self.personas()
        doc = {"as_of": self.as_of.isoformat(), "seed": self.seed, "contracts": self.count,
               "personas": personas}
        (out / "personas.json").write_text(
            json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        counts["personas.json"] = len(personas)
        return counts

    # ------------------------------------------------------------------ contracts

    def _blocks(self) -> Iterator[list[ContractSpec]]:
        """Contract specs, BLOCK at a time; project codes numbered per B.E. year."""
        serial_by_year: dict[int, int] = {}
        for b, start in enumerate(range(0, self.count, BLOCK)):
            size = min(BLOCK, self.count - start)
            rng = random.Random(f"{self.seed}/contracts/{b}")
            kinds = _block_kinds(size, rng, first_block=b == 0)
            specs = []
            special = iter(SPECIAL_DAYS_TO_PRESCRIPTION)
            for offset, kind in enumerate(kinds):
                index = start + offset
                if index < 4:
                    spec = _persona_contract(index, self.as_of)
                else:
                    days = next(special, None) if kind == "ended" else None
                    spec = self._contract(rng, index, kind, days)
                be_year = spec.contract_date.year + 543
                serial_by_year[be_year] = serial_by_year.get(be_year, 0) + 1
                spec.code = f"{CODE_PREFIX}-{be_year}-{serial_by_year[be_year]:04d}"
                specs.append(spec)
            yield specs

    def _contract(self, rng: random.Random, index: int, kind: str,
                  days_to_prescription: int | None) -> ContractSpec:
        district, subdistrict, villages = rng.choices(
            _SUBDISTRICTS, cum_weights=_SUB_CUM_WEIGHTS)[0]
        village = "" if rng.random() < 0.03 else rng.choice(villages)
        place = _village_name(village) or f"ตำบล{subdistrict}"
        name = f"{rng.choice(_GROUP_PREFIXES)}{rng.choice(_ACTIVITIES)}{place}"
        if rng.random() < 0.3:
            principal = rng.randrange(20_000, 200_001, 5_000)
        else:
            principal = rng.choices(_PRINCIPALS, weights=_PRINCIPAL_WEIGHTS)[0]
        text = rng.choices((f"{principal:,}.00", f"{principal}.00", str(principal)),
                           weights=(4, 2, 4))[0]
        count, interval = rng.choices(_PATTERNS, weights=_PATTERN_WEIGHTS)[0]
        spec = ContractSpec(
            index=index, kind=kind, contract_date=self.as_of, principal=principal,
            principal_text=text, count=count, interval=interval, first_due=self.as_of, dues=[],
            district=district, subdistrict=subdistrict, village=village, project_name=name,
        )
        if kind == "ended":
            self._ended(rng, spec, days_to_prescription)
        else:
            {"time_barred": self._time_barred, "default": self._default,
             "normal": self._normal, "closed": self._closed}[kind](rng, spec)
        self._rates(rng, spec)
        self._status(rng, spec)
        return spec

    def _schedule(self, rng: random.Random, spec: ContractSpec, contract_date: date) -> None:
        """Set the contract date and a first due date about one interval later."""
        spec.contract_date = contract_date
        first = add_months(contract_date, spec.interval)
        pick = rng.random()
        if pick < 0.2:  # month-end dues (29th–31st), where clamping matters
            day = rng.choice((29, 30, 31, 31))
        elif pick < 0.45:
            day = rng.choice((1, 5, 10, 15, 25))
        else:
            day = contract_date.day
        first = first.replace(day=min(day, _days_in_month(first.year, first.month)))
        if (first - contract_date).days < 20:
            first = add_months(first.replace(day=1), 1)
            first = first.replace(day=min(day, _days_in_month(first.year, first.month)))
        spec.first_due = first
        spec.dues = due_dates(first, spec.count, spec.interval)

    def _random_date(self, rng: random.Random, lo: date, hi: date) -> date:
        if hi <= lo:
            return lo
        return lo + timedelta(days=rng.randint(0, (hi - lo).days))

    def _time_barred(self, rng: random.Random, spec: ContractSpec) -> None:
        lp_max = self._five_years_ago - _DAY  # last payment + 5 years < as_of
        if rng.random() < 0.15:  # never paid anything
            self._schedule(rng, spec, self._random_date(rng, self.earliest, lp_max - 30 * _DAY))
            spec.last_payment = None
            return
        self._schedule(rng, spec, self._random_date(rng, self.earliest, lp_max - 60 * _DAY))
        hi = min(lp_max, add_months(spec.dues[-1], 48))
        spec.last_payment = self._random_date(rng, spec.contract_date + 45 * _DAY, hi)

    def _ended(self, rng: random.Random, spec: ContractSpec, days: int | None) -> None:
        d = self.as_of
        longest = (add_months(d, 60) - d).days - 1  # keeps the last payment before as_of
        days = min(days, longest) if days else rng.randint(1, longest)
        lp = add_months(d + timedelta(days=days), -60)
        while (add_months(lp, 60) - d).days < 1:  # 29 February
            lp += _DAY
        latest_start = add_months(d, -26)
        if rng.random() < 0.08 and lp <= latest_start:  # never paid: lp is the contract date
            self._schedule(rng, spec, lp)
            if spec.dues[-1] < d:
                spec.last_payment = None
                return
        hi = min(lp - 45 * _DAY, latest_start)
        lo = min(max(self.earliest, add_months(lp, -84)), hi)
        for _ in range(100):
            self._schedule(rng, spec, self._random_date(rng, lo, hi))
            if spec.dues[-1] < d:
                break
        else:  # pragma: no cover - the bounds make this unreachable
            raise AssertionError("could not place an ended contract")
        spec.last_payment = lp

    def _inside_term(self, rng: random.Random, spec: ContractSpec, need_due: bool) -> None:
        d = self.as_of
        nearest = spec.interval * 31 + 1 if need_due else 2
        for _ in range(200):
            self._schedule(rng, spec, d - timedelta(days=rng.randint(nearest, 725)))
            if spec.dues[-1] > d and (not need_due or spec.dues[0] < d):
                return
        raise AssertionError("could not place a contract inside its term")  # pragma: no cover

    def _default(self, rng: random.Random, spec: ContractSpec) -> None:
        self._inside_term(rng, spec, need_due=True)
        due = sum(1 for x in spec.dues if x < self.as_of)
        spec.unpaid = rng.randint(1, min(10, due))

    def _normal(self, rng: random.Random, spec: ContractSpec) -> None:
        self._inside_term(rng, spec, need_due=False)

    def _closed(self, rng: random.Random, spec: ContractSpec) -> None:
        d = self.as_of
        self._schedule(rng, spec, self._random_date(rng, self.earliest, d - 120 * _DAY))
        if spec.dues[-1] < d - _DAY and rng.random() < 0.65:
            return  # paid on schedule to the end
        last = min(d - _DAY, spec.dues[-1] + 30 * _DAY)
        spec.payoff = self._random_date(rng, spec.contract_date + 20 * _DAY, last)
        if sum(1 for x in spec.dues if x + 6 * _DAY <= spec.payoff) >= spec.count:
            spec.payoff = None  # every installment was due by then: plain schedule

    def _rates(self, rng: random.Random, spec: ContractSpec) -> None:
        if spec.contract_date >= LOW_RATE_FROM:
            spec.interest_rate = spec.default_rate = "0.10"
            return
        spec.interest_rate = "" if rng.random() < 0.35 else rng.choice(_OLD_INTEREST)
        spec.default_rate = "" if rng.random() < 0.6 else "7.5"

    def _status(self, rng: random.Random, spec: ContractSpec) -> None:
        d = self.as_of
        if spec.kind == "closed":
            spec.status = "closed"
            return
        r = rng.random()
        spec.status = "" if rng.random() < 0.1 else "active"
        if spec.kind in ("time_barred", "ended"):
            cut = (0.10, 0.16) if spec.kind == "time_barred" else (0.06, 0.10)
            if r < cut[1]:
                spec.status = "litigation" if r < cut[0] else "judgment"
            if spec.status in ("litigation", "judgment") or rng.random() < 0.35:
                lo = spec.dues[-1] + 30 * _DAY
                if rng.random() < 0.15:  # a recent letter: the 30-day M3 window is open
                    lo = max(lo, d - 25 * _DAY)
                if lo < d:
                    spec.demand_letter = self._random_date(rng, lo, d - _DAY)
        elif spec.kind == "default" and rng.random() < 0.08:  # letters, but no suit yet
            paid = sum(1 for x in spec.dues if x < d) - spec.unpaid
            lo = spec.dues[paid] + 60 * _DAY
            if lo < d:
                spec.demand_letter = self._random_date(rng, lo, d - _DAY)

    # ------------------------------------------------------------------ payments

    def _payment_rows(self, spec: ContractSpec, rng: random.Random) -> list[tuple[date, int, str]]:
        if spec.persona:
            return spec.fixed_payments
        plan = {
            "time_barred": self._pay_partially, "ended": self._pay_partially,
            "default": self._pay_default, "normal": self._pay_normal, "closed": self._pay_closed,
        }[spec.kind](spec, rng)
        rows: list[tuple[date, int, str]] = []
        seen: set[tuple[date, int, str]] = set()
        for paid_on, satang in sorted(plan, key=lambda p: p[0]):
            ref = _reference(rng, paid_on) if rng.random() < 0.85 else ""
            while (paid_on, satang, ref) in seen:
                ref = _reference(rng, paid_on)
            seen.add((paid_on, satang, ref))
            rows.append((paid_on, satang, ref))
        return rows

    def _when(self, rng: random.Random, due: date, lo: date, hi: date) -> date:
        """A payment date near a due date, inside [lo, hi]."""
        paid = due + timedelta(days=rng.choice((-7, -5, -3, -2, -1, -1, 0, 0, 0, 0, 1, 2, 3, 5)))
        return lo if paid < lo else hi if paid > hi else paid

    def _pay_installments(self, spec: ContractSpec, rng: random.Random, upto: int,
                          hi: date) -> list[tuple[date, int]]:
        """Installments 0..upto-1 paid in full near their due dates, some in two parts."""
        amounts = installments_satang(spec.principal * 100, spec.count)
        plan = []
        for k in range(upto):
            paid = self._when(rng, spec.dues[k], spec.contract_date, hi)
            if amounts[k] >= 200 and rng.random() < 0.15:
                first = amounts[k] * rng.choice((3, 4, 5, 6)) // 10
                early = max(spec.contract_date, paid - timedelta(days=rng.randint(3, 15)))
                plan.append((early, first))
                plan.append((paid, amounts[k] - first))
            else:
                plan.append((paid, amounts[k]))
        return plan

    def _pay_normal(self, spec: ContractSpec, rng: random.Random) -> list[tuple[date, int]]:
        d = self.as_of
        due = sum(1 for x in spec.dues if x <= d)  # due on as_of too: never a borderline
        plan = self._pay_installments(spec, rng, due, d - _DAY)
        if due < spec.count and spec.dues[due] - d < 40 * _DAY and rng.random() < 0.3:
            # the next one paid a little early
            amount = installments_satang(spec.principal * 100, spec.count)[due]
            lo = max(spec.contract_date, d - 12 * _DAY)
            plan.append((self._random_date(rng, lo, d - _DAY), amount))
        return plan

    def _pay_default(self, spec: ContractSpec, rng: random.Random) -> list[tuple[date, int]]:
        d = self.as_of
        paid = sum(1 for x in spec.dues if x < d) - spec.unpaid
        plan = self._pay_installments(spec, rng, paid, d - _DAY)
        if rng.random() < 0.3:  # part of the first missed one
            amount = installments_satang(spec.principal * 100, spec.count)[paid]
            part = amount * rng.randint(1, 7) // 10
            plan.append((self._when(rng, spec.dues[paid], spec.contract_date, d - _DAY), part))
        return plan

    def _pay_partially(self, spec: ContractSpec, rng: random.Random) -> list[tuple[date, int]]:
        """Classes 1–2: a few installments, then odd amounts, the last on ``last_payment``."""
        lp = spec.last_payment
        if lp is None:
            return []
        total = spec.principal * 100
        budget = int(total * rng.uniform(0.15, 0.85))
        regular = sum(1 for x in spec.dues if x + 5 * _DAY < lp)
        regular = rng.randint(0, min(regular, spec.count - 1))
        plan = []
        spent = 0
        for paid_on, amount in self._pay_installments(spec, rng, regular, lp - _DAY):
            if spent + amount > budget:
                break
            plan.append((paid_on, amount))
            spent += amount
        after = plan[-1][0] if plan else spec.contract_date
        for _ in range(rng.randint(0, 8)):
            amount = rng.randrange(300, 5001, 100) * 100
            if after + _DAY >= lp or spent + amount > budget:
                break
            after = self._random_date(rng, after + _DAY, lp - _DAY)
            plan.append((after, amount))
            spent += amount
        last = min(rng.randrange(200, 3001, 50) * 100, max(budget - spent, 10_000))
        plan.append((lp, last))
        return plan

    def _pay_closed(self, spec: ContractSpec, rng: random.Random) -> list[tuple[date, int]]:
        d = self.as_of
        total = spec.principal * 100
        if spec.payoff is None:
            plan = self._pay_installments(spec, rng, spec.count, d - _DAY)
            end = max(p[0] for p in plan)
        else:
            regular = sum(1 for x in spec.dues if x + 6 * _DAY <= spec.payoff)
            plan = self._pay_installments(spec, rng, regular, spec.payoff - _DAY)
            plan.append((spec.payoff, total - sum(a for _, a in plan)))
            end = spec.payoff
        extra = end + timedelta(days=rng.randint(25, 35))
        if rng.random() < 0.15 and extra < d:  # one installment too many (standing order)
            plan.append((extra, installments_satang(total, spec.count)[0]))
        return plan


def _reference(rng: random.Random, paid_on: date) -> str:
    """A Bill Payment reference: BP + B.E. year + MMDD + 5 digits."""
    return f"BP{paid_on.year + 543}{paid_on.month:02d}{paid_on.day:02d}{rng.randrange(100000):05d}"


# --------------------------------------------------------------------------- members

_NID_MULTIPLIER = 7_919_302_113  # odd, not a multiple of 5: a permutation of 0..10**11-1
_NID_SPACE = 10**11
_ROLE_AGES = {"borrower": (25, 60), "co_debtor": (20, 65), "guarantor": (30, 65)}


@dataclass(slots=True)
class _Slot:
    spec: ContractSpec
    role: str
    serial: int
    female: bool
    person: dict[str, str] | None = None
    reuse: bool = False


class _MemberBlock:
    """The people of one block of contracts; ~15 % of them sit on two contracts."""

    def __init__(self, data: SampleData, specs: list[ContractSpec], rng: random.Random) -> None:
        self.data = data
        self.specs = specs
        self.rng = rng
        self.slots: list[_Slot] = []

    def rows(self) -> Iterator[dict[str, str]]:
        rng = self.rng
        by_contract: dict[int, list[_Slot]] = {}
        for spec in self.specs:
            if not spec.persona:
                by_contract[spec.index] = self._slots(spec)
        eligible = self.slots
        # r reused slots among n give r/(n-r) shared people: solve for SHARED_PEOPLE.
        reused = round(len(eligible) * SHARED_PEOPLE / (1 + SHARED_PEOPLE))
        for i in sorted(rng.sample(range(len(eligible)), reused)):
            eligible[i].reuse = True
        for slot in eligible:
            if not slot.reuse:
                slot.person = self._person(slot)
        self._share()
        for spec in self.specs:
            if spec.persona:
                for member in spec.fixed_members:
                    yield {"project_code": spec.code, **member}
                continue
            for slot in by_contract[spec.index]:
                assert slot.person is not None
                row = {"project_code": spec.code, "role": slot.role, **slot.person}
                yield {column: row[column] for column in MEMBER_COLUMNS}

    def _slots(self, spec: ContractSpec) -> list[_Slot]:
        rng = self.rng
        roles = ["borrower"]
        if spec.contract_date >= NEW_FUND_FROM:
            roles += ["co_debtor"] * rng.choices((1, 2, 3, 4), weights=(55, 30, 10, 5))[0]
            if rng.random() < 0.08:
                roles.append("guarantor")
        else:
            roles += ["guarantor"] * (1 if rng.random() < 0.75 else 2)
        out = []
        for n, role in enumerate(roles):
            female = role == "borrower" or rng.random() < (0.8 if role == "co_debtor" else 0.55)
            out.append(_Slot(spec, role, spec.index * 8 + n, female))
        self.slots.extend(out)
        return out

    def _share(self) -> None:
        """Give each reused slot a person from another contract of the block."""
        rng = self.rng
        natives = [s for s in self.slots if not s.reuse]
        taken: set[int] = set()
        on_contract: dict[int, set[str]] = {}
        for s in self.slots:
            if s.person:
                on_contract.setdefault(s.spec.index, set()).add(s.person["national_id"])
        near: dict[str, list[_Slot]] = {}
        for s in natives:
            near.setdefault(s.spec.subdistrict, []).append(s)
        for slot in self.slots:
            if not slot.reuse:
                continue
            here = on_contract.setdefault(slot.spec.index, set())
            found = None
            for pool in (near.get(slot.spec.subdistrict, []), natives):
                for _ in range(12):
                    if not pool:
                        break
                    cand = rng.choice(pool)
                    assert cand.person is not None
                    if (cand.serial not in taken and cand.spec.index != slot.spec.index
                            and cand.person["national_id"] not in here
                            and (cand.female or not slot.female)):
                        found = cand
                        break
                if found:
                    break
            if found is None:  # nobody suitable: a person of their own
                slot.reuse = False
                slot.person = self._person(slot)
            else:
                taken.add(found.serial)
                slot.person = found.person
            assert slot.person is not None
            here.add(slot.person["national_id"])

    def _person(self, slot: _Slot) -> dict[str, str]:
        rng = self.rng
        spec = slot.spec
        first = rng.choice(_WOMEN if slot.female else _MEN)
        last = rng.choice(_SURNAMES)
        lo, hi = _ROLE_AGES[slot.role]
        year = spec.contract_date.year - rng.randint(lo, hi)
        month = rng.randint(1, 12)
        born = date(year, month, rng.randint(1, _days_in_month(year, month)))
        no_birth = rng.random() < 0.10
        phone = _phone(rng) if no_birth or rng.random() < 0.88 else ""
        _, villages = _SUB_INDEX[spec.subdistrict]
        village = spec.village if spec.village and rng.random() < 0.85 else rng.choice(villages)
        house = str(rng.randint(1, 250)) + (f"/{rng.randint(1, 40)}" if rng.random() < 0.4 else "")
        lat = lng = ""
        if rng.random() < 0.6:
            clat, clng = _CENTRES[spec.subdistrict]
            lat = f"{_clamp(clat + rng.uniform(-0.015, 0.015), LAT_RANGE):.6f}"
            lng = f"{_clamp(clng + rng.uniform(-0.015, 0.015), LNG_RANGE):.6f}"
        return {
            "national_id": self._national_id(rng, slot.serial, year),
            "first_name": first,
            "last_name": last,
            "phone": phone,
            "birth_date": "" if no_birth else _be(born),
            "address": _address(house, village, spec.subdistrict, spec.district),
            "lat": lat,
            "lng": lng,
        }

    def _national_id(self, rng: random.Random, serial: int, born: int) -> str:
        if born < 1984:  # registered at the 1984 census: mostly type 3
            kind = "3" if rng.random() < 0.85 else str(rng.randint(1, 8))
        else:
            kind = "1" if rng.random() < 0.85 else str(rng.randint(2, 8))
        offset = (self.data.seed * 1_000_003) % _NID_SPACE
        while True:  # serials stay far below 10**10, so the retry never meets one
            tail = (serial * _NID_MULTIPLIER + offset) % _NID_SPACE
            nid = _nid(f"{kind}{tail:011d}")
            if nid not in _FIXED_NIDS:
                return nid
            serial += 10**10


def _phone(rng: random.Random) -> str:
    return rng.choice(("08", "08", "08", "09", "09", "06")) + f"{rng.randrange(10**8):08d}"


def _clamp(x: float, bounds: tuple[float, float]) -> float:
    return min(max(x, bounds[0] + 0.001), bounds[1] - 0.001)


# --------------------------------------------------------------------------- personas

# The people of the four persona contracts. Persona ids are the keys.
_PEOPLE: dict[str, dict[str, str]] = {
    "debtor-time-barred": {
        "national_id": _nid("383010045123"), "first_name": "มาลี", "last_name": "ศรีทองคำ",
        "phone": "0817231456", "birth_date": "05/03/2501",
        "address": "45/2 หมู่ 2 ต.ป่าคลอก อ.ถลาง จ.ภูเก็ต", "lat": "8.041230", "lng": "98.401150",
    },
    "tb-guarantor": {
        "national_id": _nid("383010045131"), "first_name": "สมชาย", "last_name": "ศรีทองคำ",
        "phone": "", "birth_date": "17/10/2498",
        "address": "45/2 หมู่ 2 ต.ป่าคลอก อ.ถลาง จ.ภูเก็ต", "lat": "", "lng": "",
    },
    "debtor-ended": {
        "national_id": _nid("383020017834"), "first_name": "จันทร์เพ็ญ", "last_name": "หอมจันทร์",
        "phone": "0892214587", "birth_date": "21/08/2508",
        "address": "112 หมู่ 2 ต.ราไวย์ อ.เมืองภูเก็ต จ.ภูเก็ต", "lat": "7.789420", "lng": "98.318760",
    },
    "guarantor": {
        "national_id": _nid("383020004412"), "first_name": "ประเสริฐ", "last_name": "ณ ถลาง",
        "phone": "0819876021", "birth_date": "09/09/2500",
        "address": "8/1 หมู่ 1 ต.ราไวย์ อ.เมืองภูเก็ต จ.ภูเก็ต", "lat": "", "lng": "",
    },
    "ended-guarantor": {
        "national_id": _nid("383020019921"), "first_name": "ละเอียด", "last_name": "ขุนทอง",
        "phone": "0846613209", "birth_date": "02/01/2503",
        "address": "77 หมู่ 2 ต.ราไวย์ อ.เมืองภูเก็ต จ.ภูเก็ต", "lat": "", "lng": "",
    },
    "debtor-default": {
        "national_id": _nid("383010062219"), "first_name": "สมศรี", "last_name": "แก้วประดับ",
        "phone": "0865523190", "birth_date": "14/02/2515",
        "address": "23/7 หมู่ 1 ต.ฉลอง อ.เมืองภูเก็ต จ.ภูเก็ต", "lat": "7.846310", "lng": "98.338920",
    },
    "co-debtor": {
        "national_id": _nid("383010093376"), "first_name": "อรุณี", "last_name": "ชายทุ่ง",
        "phone": "0954418276", "birth_date": "30/06/2520",
        "address": "5 หมู่ 1 ต.ฉลอง อ.เมืองภูเก็ต จ.ภูเก็ต", "lat": "7.842870", "lng": "98.341540",
    },
    "default-co-debtor": {
        "national_id": _nid("183010120457"), "first_name": "เพ็ญศรี", "last_name": "ทองเนื้อแข็ง",
        "phone": "0623385104", "birth_date": "11/12/2530",
        "address": "61 หมู่ 5 ต.ฉลอง อ.เมืองภูเก็ต จ.ภูเก็ต", "lat": "", "lng": "",
    },
    "debtor-normal": {
        "national_id": _nid("383010088541"), "first_name": "วันดี", "last_name": "ทะเลงาม",
        "phone": "0897702318", "birth_date": "02/11/2522",
        "address": "90/4 หมู่ 3 ต.ฉลอง อ.เมืองภูเก็ต จ.ภูเก็ต", "lat": "7.851120", "lng": "98.352480",
    },
    "no-birthdate": {
        "national_id": _nid("583010000926"), "first_name": "บุษบา", "last_name": "เกาะกลาง",
        "phone": "0934567812", "birth_date": "",
        "address": "14 หมู่ 3 ต.ฉลอง อ.เมืองภูเก็ต จ.ภูเก็ต", "lat": "", "lng": "",
    },
}
_FIXED_NIDS = frozenset(p["national_id"] for p in _PEOPLE.values())


def _member(key: str, role: str) -> dict[str, str]:
    p = _PEOPLE[key]
    return {
        "national_id": p["national_id"], "first_name": p["first_name"],
        "last_name": p["last_name"], "role": role, "phone": p["phone"],
        "birth_date": p["birth_date"], "address": p["address"], "lat": p["lat"], "lng": p["lng"],
    }


def _fixed_ref(paid_on: date, n: int) -> str:
    return f"BP{paid_on.year + 543}{paid_on.month:02d}{paid_on.day:02d}{(n * 7919) % 100000:05d}"


def _old_fund(as_of: date, months: int) -> date:
    """as_of + months, but never on or after the new fund (the contract has guarantors)."""
    shifted = add_months(as_of, months)
    while shifted >= NEW_FUND_FROM:
        shifted = add_months(shifted, -12)
    return shifted


def _persona_contract(index: int, as_of: date) -> ContractSpec:
    """One of the four hand-written persona contracts, placed relative to ``as_of``."""
    d = as_of
    if index == 0:  # time-barred: old fund, stopped paying more than 5 years ago
        start, count, interval, principal, text = _old_fund(d, -124), 24, 1, 60_000, "60,000.00"
        first = add_months(start, 1)
        where = ("ถลาง", "ป่าคลอก", _village("ป่าคลอก", 2), "แปรรูปอาหารทะเล")
        people = [("debtor-time-barred", "borrower"), ("tb-guarantor", "guarantor")]
    elif index == 1:  # contract ended, about 60 days left before 5 years pass
        start, count, interval, principal, text = _old_fund(d, -128), 4, 6, 40_000, "40000"
        first = add_months(start, 6)
        where = ("เมืองภูเก็ต", "ราไวย์", _village("ราไวย์", 2), "ผ้าบาติก")
        people = [("debtor-ended", "borrower"), ("guarantor", "guarantor"),
                  ("ended-guarantor", "guarantor")]
    elif index == 2:  # in default: month-end dues, the last three missed
        start, count, interval, principal, text = add_months(d, -14), 24, 1, 48_000, "48,000.00"
        first = add_months(d, -13)
        first = first.replace(day=_days_in_month(first.year, first.month))
        where = ("เมืองภูเก็ต", "ฉลอง", _village("ฉลอง", 1), "ทำขนมเต้าส้อ")
        people = [("debtor-default", "borrower"), ("co-debtor", "co_debtor"),
                  ("default-co-debtor", "co_debtor")]
    else:  # normal: paying on time, next installment due five days after as_of
        start = add_months(d, -7) + 5 * _DAY
        count, interval, principal, text = 24, 1, 30_000, "30000"
        first = add_months(start, 1)
        where = ("เมืองภูเก็ต", "ฉลอง", _village("ฉลอง", 3), "นวดแผนไทย")
        people = [("debtor-normal", "borrower"), ("no-birthdate", "co_debtor")]
    district, subdistrict, village, activity = where
    spec = ContractSpec(
        index=index, kind=("time_barred", "ended", "default", "normal")[index],
        contract_date=start, principal=principal, principal_text=text, count=count,
        interval=interval, first_due=first, dues=due_dates(first, count, interval),
        district=district, subdistrict=subdistrict, village=village,
        project_name=f"กลุ่มสตรี{activity}{_village_name(village)}", persona=True,
        fixed_members=[_member(key, role) for key, role in people],
    )
    low = start >= LOW_RATE_FROM
    spec.interest_rate = "0.10" if low else ""
    spec.default_rate = "0.10" if low else ""
    amounts = installments_satang(principal * 100, count)
    pay: list[tuple[date, int]] = []
    if index == 0:
        pay = [(spec.dues[k] - (k % 3) * _DAY, amounts[k]) for k in range(9)]
        spec.last_payment = add_months(d, -60) - 200 * _DAY
        pay += [(add_months(spec.dues[-1], 5), 150_000), (add_months(spec.dues[-1], 13), 100_000),
                (spec.last_payment, 80_000)]
        spec.demand_letter = add_months(spec.dues[-1], 8)
    elif index == 1:
        spec.last_payment = add_months(d + 60 * _DAY, -60)
        pay = [(spec.dues[0] - 2 * _DAY, amounts[0]), (spec.dues[1] + 20 * _DAY, 600_000),
               (add_months(spec.dues[-1], 4), 300_000), (add_months(spec.dues[-1], 24), 200_000),
               (spec.last_payment, 150_000)]
        spec.demand_letter = add_months(spec.dues[-1], 6)
    elif index == 2:
        for k in range(10):
            if k == 4:  # paid in two parts
                pay += [(spec.dues[k] - 9 * _DAY, 100_000), (spec.dues[k], amounts[k] - 100_000)]
            else:
                pay.append((spec.dues[k] + (k % 3 - 1) * _DAY, amounts[k]))
        spec.unpaid = sum(1 for x in spec.dues if x < d) - 10
    else:
        for k, due in enumerate(spec.dues):
            if due > d:
                break
            if k == 2:
                pay += [(due - 10 * _DAY, 50_000), (due - _DAY, amounts[k] - 50_000)]
            else:
                pay.append((min(due - (6 if k == 4 else 1) * _DAY, d - _DAY), amounts[k]))
    spec.fixed_payments = [(when, amount, _fixed_ref(when, index * 100 + n))
                           for n, (when, amount) in enumerate(sorted(pay))]
    return spec


_DEBTOR_HINTS = ["ยืนยันตัวตน", "ยอดหนี้", "มาตรการ", "นัดหมาย", "ช่วยเหลือ"]
_OFFICER_HINTS = ["วันนี้", "ค้นหา สมศรี", "บันทึกเยี่ยม", "ช่วยเหลือ"]
_VOLUNTEER_HINTS = ["#อัปเดต เยี่ยมบ้านหมู่ 1 บ้านฉลอง พบลูกหนี้ 2 ราย สะดวกชำระสิ้นเดือน", "ช่วยเหลือ"]
_VOLUNTEER_HINTS_PATONG = ["#อัปเดต เยี่ยมบ้านหมู่ 2 บ้านกะหลิม ลูกหนี้ย้ายไปทำงานที่ป่าตอง",
                           "ช่วยเหลือ"]
_UNKNOWN_HINTS = ["สวัสดี", "ช่วยเหลือ", "ยืนยันตัวตน"]

# (persona id = key of _PEOPLE, persona contract index, role on it, class, label, description)
_DEBTOR_PERSONAS = (
    ("debtor-time-barred", 0, "borrower", 1, "คุณมาลี (ผู้กู้, ขาดอายุความ)",
     "สัญญาสิ้นสุดนานแล้วและไม่ได้ชำระเกิน 5 ปี: ยืนยันตัวตน ดูยอดหนี้ แล้วลองแบบประเมินมาตรการ"),
    ("debtor-ended", 1, "borrower", 2, "คุณจันทร์เพ็ญ (ผู้กู้, สิ้นสุดสัญญา)",
     "สัญญาสิ้นสุดแล้วยังค้างชำระ อีกราว 60 วันจะครบ 5 ปี: ดูยอดหนี้ มาตรการ และจองนัดไกล่เกลี่ย"),
    ("debtor-default", 2, "borrower", 3, "คุณสมศรี (ผู้กู้, ค้างชำระ)",
     "ยังอยู่ในระยะสัญญาแต่ค้างชำระงวดล่าสุด: ดูยอดค้าง ดอกเบี้ยผิดนัด และมาตรการที่เข้าได้"),
    ("debtor-normal", 3, "borrower", 4, "คุณวันดี (ผู้กู้, ชำระปกติ)",
     "ชำระตรงทุกงวด งวดถัดไปครบกำหนดอีก 5 วัน: ดูยอดหนี้และวิธีชำระ"),
    ("co-debtor", 2, "co_debtor", 3, "คุณอรุณี (ลูกหนี้ร่วม, ค้างชำระ)",
     "ลูกหนี้ร่วมของสัญญาที่ค้างชำระ: ลองแบบประเมินมาตรการ (ปลดหนี้รายบุคคล)"),
    ("guarantor", 1, "guarantor", 2, "คุณประเสริฐ (ผู้ค้ำประกัน, สิ้นสุดสัญญา)",
     "ผู้ค้ำประกันของสัญญาที่สิ้นสุดแล้ว: ดูยอดหนี้และมาตรการยกเลิกการค้ำประกัน"),
    ("no-birthdate", 3, "co_debtor", 4, "คุณบุษบา (ลูกหนี้ร่วม, ไม่มีวันเกิดในทะเบียน)",
     "ไม่มีวันเกิดในทะเบียน: ยืนยันตัวตนด้วยเลขบัตรประชาชนและเลขท้าย 4 ตัวของโทรศัพท์ (7812)"),
)


def _persona(pid: str, label: str, role: str, description: str, hints: list[str],
             kind: str = "user") -> dict[str, Any]:
    return {
        "id": pid, "label": label, "kind": kind, "role": role,
        "user_id": _line_id("U", pid), "group_id": None, "national_id": None,
        "birth_date": None, "phone": None, "project_codes": [], "class": None,
        "description": description, "hints": list(hints),
    }


def _personas(codes: list[str]) -> list[dict[str, Any]]:
    out = []
    for pid, contract, role, klass, label, description in _DEBTOR_PERSONAS:
        p = _PEOPLE[pid]
        persona = _persona(pid, label, "debtor", description, _DEBTOR_HINTS)
        persona.update({
            "national_id": p["national_id"], "birth_date": p["birth_date"] or None,
            "phone": p["phone"] or None, "project_codes": [codes[contract]], "class": klass,
            "name": f"{p['first_name']} {p['last_name']}", "contract_role": role,
        })
        out.append(persona)
    chalong = [_village("ฉลอง", n) for n in (1, 2, 3, 4)]
    patong = _SUB_INDEX["ป่าตอง"][1] + [_village("กะทู้", 1)]
    staff: list[tuple[str, str, str, str, list[str], dict[str, Any]]] = [
        ("officer-mueang", "คุณกมลชนก (เจ้าหน้าที่ อ.เมืองภูเก็ต)", "officer",
         "เจ้าหน้าที่พัฒนาชุมชนอำเภอเมืองภูเก็ต: ดูรายชื่อที่ต้องติดตามวันนี้และค้นหาลูกหนี้",
         _OFFICER_HINTS, {"name": "กมลชนก วงศ์ใหญ่", "district": "เมืองภูเก็ต"}),
        ("officer-province", "คุณธนากร (พนักงานกองทุน จังหวัดภูเก็ต)", "officer",
         "พนักงานกองทุนระดับจังหวัด เห็นทุกอำเภอ: ดูรายชื่อติดตามทั้งจังหวัดและค้นหาลูกหนี้",
         _OFFICER_HINTS, {"name": "ธนากร ศรีสุข", "district": None, "province": PROVINCE}),
        ("volunteer-chalong", "คุณรัตนา (อาสาสมัครกองทุนฯ ต.ฉลอง)", "volunteer",
         "อาสาสมัครกองทุนฯ ต.ฉลอง: ส่งข่าวการเยี่ยมบ้านในกลุ่มไลน์ด้วย #อัปเดต แล้วส่งรูปหรือพิกัดตาม",
         _VOLUNTEER_HINTS, {"name": "รัตนา หลีเหร็ม", "district": "เมืองภูเก็ต",
                            "subdistrict": "ฉลอง", "villages": chalong}),
        ("volunteer-patong", "คุณฮาลีมะ (อาสาสมัครกองทุนฯ ต.ป่าตอง)", "volunteer",
         "อาสาสมัครกองทุนฯ ต.ป่าตอง: ส่งข่าวการเยี่ยมบ้านในกลุ่มไลน์ด้วย #อัปเดต",
         _VOLUNTEER_HINTS_PATONG, {"name": "ฮาลีมะ ละใบแด", "district": "กะทู้",
                                   "subdistrict": "ป่าตอง", "villages": patong}),
    ]
    for pid, label, role, description, hints, extra in staff:
        persona = _persona(pid, label, role, description, hints)
        persona.update(extra)
        out.append(persona)
    for pid, label, speaker, area, hints in (
        ("group-chalong", "กลุ่มไลน์กองทุนสตรี ต.ฉลอง", "volunteer-chalong",
         {"district": "เมืองภูเก็ต", "subdistrict": "ฉลอง"}, _VOLUNTEER_HINTS),
        ("group-patong", "กลุ่มไลน์กองทุนสตรี ต.ป่าตอง", "volunteer-patong",
         {"district": "กะทู้", "subdistrict": "ป่าตอง"}, _VOLUNTEER_HINTS_PATONG),
    ):
        persona = _persona(pid, label, "group",
                           "ไลน์กลุ่มเฉพาะกิจของหมู่บ้าน: อาสาพิมพ์ #อัปเดต เพื่อแจ้งเจ้าหน้าที่ "
                           "กลุ่มนี้ได้เฉพาะข่าวทั่วไป ไม่เห็นหนี้ของใคร", hints, kind="group")
        persona.update({"user_id": _line_id("U", speaker), "group_id": _line_id("C", pid),
                        "area": area, "speaker": speaker})
        out.append(persona)
    out.append(_persona("unknown", "ผู้ใช้ใหม่ (ยังไม่ยืนยันตัวตน)", "unknown",
                        "คนที่เพิ่งเพิ่มเพื่อน ยังไม่มีข้อมูลในระบบ: ทักทายแล้วลองยืนยันตัวตน",
                        _UNKNOWN_HINTS))
    return out


# --------------------------------------------------------------------------- entry points


def generate(contracts: int = 200, as_of: date = date(2026, 11, 20),
             seed: int = 2568) -> SampleData:
    """A lazily generated sample register; same arguments, same rows."""
    return SampleData(contracts=contracts, as_of=as_of, seed=seed)


def main(argv: list[str] | None = None) -> int:
    """Command line: write the sample register into a directory."""
    parser = argparse.ArgumentParser(prog="python -m bot.sampledata",
                                     description="Write a deterministic sample register.")
    parser.add_argument("--contracts", type=int, default=200)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 20),
                        help="YYYY-MM-DD (C.E.)")
    parser.add_argument("--seed", type=int, default=2568)
    parser.add_argument("--out", default="demo/data")
    args = parser.parse_args(argv)
    try:
        data = generate(args.contracts, args.as_of, args.seed)
    except ValueError as exc:
        parser.error(str(exc))
    counts = data.write_csv(args.out)
    for name, n in counts.items():
        print(f"{args.out}/{name}: {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
