"""The fixed demo people: the four persona contracts (one of each class, placed relative to
``as_of``), their debtors, co-debtors and guarantors, and the staff, group chats and stranger
of ``personas.json``. Their data is inside the CSVs so a demo user can verify as them."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from devtools.sampledata.province import PROVINCE, SUB_INDEX, nth_village, village_name
from devtools.sampledata.rules import DAY, add_months, days_in_month, due_dates, installments_satang, national_id
from devtools.sampledata.specs import LOW_RATE_FROM, NEW_FUND_FROM, ContractSpec

# The people of the four persona contracts. Persona ids are the keys.
_PEOPLE: dict[str, dict[str, str]] = {
    "debtor-time-barred": {
        "national_id": national_id("383010045123"), "first_name": "มาลี", "last_name": "ศรีทองคำ",
        "phone": "0817231456", "birth_date": "05/03/2501",
        "address": "45/2 หมู่ 2 ต.ป่าคลอก อ.ถลาง จ.ภูเก็ต", "lat": "8.041230", "lng": "98.401150",
    },
    "tb-guarantor": {
        "national_id": national_id("383010045131"), "first_name": "สมชาย", "last_name": "ศรีทองคำ",
        "phone": "", "birth_date": "17/10/2498",
        "address": "45/2 หมู่ 2 ต.ป่าคลอก อ.ถลาง จ.ภูเก็ต", "lat": "", "lng": "",
    },
    "debtor-ended": {
        "national_id": national_id("383020017834"), "first_name": "จันทร์เพ็ญ", "last_name": "หอมจันทร์",
        "phone": "0892214587", "birth_date": "21/08/2508",
        "address": "112 หมู่ 2 ต.ราไวย์ อ.เมืองภูเก็ต จ.ภูเก็ต", "lat": "7.789420", "lng": "98.318760",
    },
    "guarantor": {
        "national_id": national_id("383020004412"), "first_name": "ประเสริฐ", "last_name": "ณ ถลาง",
        "phone": "0819876021", "birth_date": "09/09/2500",
        "address": "8/1 หมู่ 1 ต.ราไวย์ อ.เมืองภูเก็ต จ.ภูเก็ต", "lat": "", "lng": "",
    },
    "ended-guarantor": {
        "national_id": national_id("383020019921"), "first_name": "ละเอียด", "last_name": "ขุนทอง",
        "phone": "0846613209", "birth_date": "02/01/2503",
        "address": "77 หมู่ 2 ต.ราไวย์ อ.เมืองภูเก็ต จ.ภูเก็ต", "lat": "", "lng": "",
    },
    "debtor-default": {
        "national_id": national_id("383010062219"), "first_name": "สมศรี", "last_name": "แก้วประดับ",
        "phone": "0865523190", "birth_date": "14/02/2515",
        "address": "23/7 หมู่ 1 ต.ฉลอง อ.เมืองภูเก็ต จ.ภูเก็ต", "lat": "7.846310", "lng": "98.338920",
    },
    "co-debtor": {
        "national_id": national_id("383010093376"), "first_name": "อรุณี", "last_name": "ชายทุ่ง",
        "phone": "0954418276", "birth_date": "30/06/2520",
        "address": "5 หมู่ 1 ต.ฉลอง อ.เมืองภูเก็ต จ.ภูเก็ต", "lat": "7.842870", "lng": "98.341540",
    },
    "default-co-debtor": {
        "national_id": national_id("183010120457"), "first_name": "เพ็ญศรี", "last_name": "ทองเนื้อแข็ง",
        "phone": "0623385104", "birth_date": "11/12/2530",
        "address": "61 หมู่ 5 ต.ฉลอง อ.เมืองภูเก็ต จ.ภูเก็ต", "lat": "", "lng": "",
    },
    "debtor-normal": {
        "national_id": national_id("383010088541"), "first_name": "วันดี", "last_name": "ทะเลงาม",
        "phone": "0897702318", "birth_date": "02/11/2522",
        "address": "90/4 หมู่ 3 ต.ฉลอง อ.เมืองภูเก็ต จ.ภูเก็ต", "lat": "7.851120", "lng": "98.352480",
    },
    "no-birthdate": {
        "national_id": national_id("583010000926"), "first_name": "บุษบา", "last_name": "เกาะกลาง",
        "phone": "0934567812", "birth_date": "",
        "address": "14 หมู่ 3 ต.ฉลอง อ.เมืองภูเก็ต จ.ภูเก็ต", "lat": "", "lng": "",
    },
}
FIXED_NIDS = frozenset(p["national_id"] for p in _PEOPLE.values())


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


def persona_contract(index: int, as_of: date) -> ContractSpec:
    """One of the four hand-written persona contracts, placed relative to ``as_of``."""
    d = as_of
    if index == 0:  # time-barred: old fund, stopped paying more than 5 years ago
        start, count, interval, principal, text = _old_fund(d, -124), 24, 1, 60_000, "60,000.00"
        first = add_months(start, 1)
        where = ("ถลาง", "ป่าคลอก", nth_village("ป่าคลอก", 2), "แปรรูปอาหารทะเล")
        people = [("debtor-time-barred", "borrower"), ("tb-guarantor", "guarantor")]
    elif index == 1:  # contract ended, about 60 days left before 5 years pass
        start, count, interval, principal, text = _old_fund(d, -128), 4, 6, 40_000, "40000"
        first = add_months(start, 6)
        where = ("เมืองภูเก็ต", "ราไวย์", nth_village("ราไวย์", 2), "ผ้าบาติก")
        people = [("debtor-ended", "borrower"), ("guarantor", "guarantor"),
                  ("ended-guarantor", "guarantor")]
    elif index == 2:  # in default: month-end dues, the last three missed
        start, count, interval, principal, text = add_months(d, -14), 24, 1, 48_000, "48,000.00"
        first = add_months(d, -13)
        first = first.replace(day=days_in_month(first.year, first.month))
        where = ("เมืองภูเก็ต", "ฉลอง", nth_village("ฉลอง", 1), "ทำขนมเต้าส้อ")
        people = [("debtor-default", "borrower"), ("co-debtor", "co_debtor"),
                  ("default-co-debtor", "co_debtor")]
    else:  # normal: paying on time, next installment due five days after as_of
        start = add_months(d, -7) + 5 * DAY
        count, interval, principal, text = 24, 1, 30_000, "30000"
        first = add_months(start, 1)
        where = ("เมืองภูเก็ต", "ฉลอง", nth_village("ฉลอง", 3), "นวดแผนไทย")
        people = [("debtor-normal", "borrower"), ("no-birthdate", "co_debtor")]
    district, subdistrict, village, activity = where
    spec = ContractSpec(
        index=index, kind=("time_barred", "ended", "default", "normal")[index],
        contract_date=start, principal=principal, principal_text=text, count=count,
        interval=interval, first_due=first, dues=due_dates(first, count, interval),
        district=district, subdistrict=subdistrict, village=village,
        project_name=f"กลุ่มสตรี{activity}{village_name(village)}", persona=True,
        fixed_members=[_member(key, role) for key, role in people],
    )
    low = start >= LOW_RATE_FROM
    spec.interest_rate = "0.10" if low else ""
    spec.default_rate = "0.10" if low else ""
    amounts = installments_satang(principal * 100, count)
    pay: list[tuple[date, int]] = []
    if index == 0:
        pay = [(spec.dues[k] - (k % 3) * DAY, amounts[k]) for k in range(9)]
        spec.last_payment = add_months(d, -60) - 200 * DAY
        pay += [(add_months(spec.dues[-1], 5), 150_000), (add_months(spec.dues[-1], 13), 100_000),
                (spec.last_payment, 80_000)]
        spec.demand_letter = add_months(spec.dues[-1], 8)
    elif index == 1:
        spec.last_payment = add_months(d + 60 * DAY, -60)
        pay = [(spec.dues[0] - 2 * DAY, amounts[0]), (spec.dues[1] + 20 * DAY, 600_000),
               (add_months(spec.dues[-1], 4), 300_000), (add_months(spec.dues[-1], 24), 200_000),
               (spec.last_payment, 150_000)]
        spec.demand_letter = add_months(spec.dues[-1], 6)
    elif index == 2:
        for k in range(10):
            if k == 4:  # paid in two parts
                pay += [(spec.dues[k] - 9 * DAY, 100_000), (spec.dues[k], amounts[k] - 100_000)]
            else:
                pay.append((spec.dues[k] + (k % 3 - 1) * DAY, amounts[k]))
        spec.unpaid = sum(1 for x in spec.dues if x < d) - 10
    else:
        for k, due in enumerate(spec.dues):
            if due > d:
                break
            if k == 2:
                pay += [(due - 10 * DAY, 50_000), (due - DAY, amounts[k] - 50_000)]
            else:
                pay.append((min(due - (6 if k == 4 else 1) * DAY, d - DAY), amounts[k]))
    spec.fixed_payments = [(when, amount, _fixed_ref(when, index * 100 + n))
                           for n, (when, amount) in enumerate(sorted(pay))]
    return spec


_DEBTOR_HINTS = ["ยืนยันตัวตน", "ยอดหนี้", "มาตรการ", "นัดหมาย", "ช่วยเหลือ"]
_OFFICER_HINTS = ["วันนี้", "ค้นหา สมศรี", "บันทึกเยี่ยม", "เข้าระบบ", "ช่วยเหลือ"]
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


def personas_for(codes: list[str]) -> list[dict[str, Any]]:
    """Every persona; `codes` are the project codes of the four persona contracts."""
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
    chalong = [nth_village("ฉลอง", n) for n in (1, 2, 3, 4)]
    patong = SUB_INDEX["ป่าตอง"][1] + [nth_village("กะทู้", 1)]
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


def _line_id(prefix: str, key: str) -> str:
    return prefix + hashlib.md5(f"wdf-demo/{key}".encode()).hexdigest()
