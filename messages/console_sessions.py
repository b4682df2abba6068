"""The console's sessions pages: what is wrong with a session as typed, and the roster's words.

The rules are domain.appointments.session_problems (the same for the CLI and the API);
here is how an officer reads each of its reasons, with what to do.
"""

from __future__ import annotations

from domain.appointments import MAX_CAPACITY, SLOT_MINUTES, SessionProblem
from messages.appointments import CHECKLIST_NAMES, KIND_NAMES

SESSION_PROBLEMS = {
    "kind": "กรุณาเลือกประเภทรอบนัดจากรายการ",
    "place": "กรุณาใส่สถานที่นัด เช่น ศาลแขวงภูเก็ต หรือ ศาลาประชาคม หมู่ 1",
    "place_long": "ชื่อสถานที่ยาวเกิน {limit} ตัวอักษร ลองเขียนให้สั้นลง (ใส่ลิงก์แผนที่แทนได้)",
    "past": "เวลาเริ่มผ่านไปแล้ว รอบนัดต้องเริ่มหลังจากนี้ กรุณาเลือกวันและเวลาใหม่",
    "end": "เวลาสิ้นสุดต้องหลังเวลาเริ่ม กรุณาตรวจเวลาอีกครั้ง",
    "slot": f"ช่วงนัดต่อคนต้องยาว {SLOT_MINUTES[0]} ถึง {SLOT_MINUTES[1]:,} นาที หรือเว้นว่างไว้ถ้าไม่แบ่งช่วง",
    "slot_fit": "ช่วงนัดต่อคนยาวกว่าเวลาของรอบนี้ ลองลดจำนวนนาทีต่อคน หรือขยายเวลาสิ้นสุด",
    "capacity": f"จำนวนที่นั่งต้องอยู่ระหว่าง 1 ถึง {MAX_CAPACITY:,} ที่ (คนมากกว่านี้ เปิดอีกรอบได้)",
    "slots": "ในเวลานี้แบ่งช่วงนัดได้ {limit} ช่วง จึงรับได้ไม่เกิน {limit} ที่ ลดจำนวนที่นั่ง หรือขยายเวลาสิ้นสุด",
    "below_booked": "มีผู้จองถึงที่นั่งที่ {limit} แล้ว จึงลดจำนวนที่นั่งให้ต่ำกว่า {limit} ไม่ได้ ทุกคนที่จองไว้ยังต้องมีที่",
    "year": "ปีที่ใส่ไม่ใช่ปี ค.ศ. (ถ้าเป็นปี พ.ศ. ให้ลบ 543) กรุณาเลือกจากช่องวันที่และเวลา",
    "when": "อ่านวันเวลาไม่ได้ กรุณาเลือกจากช่องวันที่และเวลา (เช่น 03/12/2026 09:00)",
    "number": "กรุณาใส่จำนวนเป็นตัวเลข เช่น 9",
    "closed": "รอบนี้ยกเลิกแล้ว จึงแก้ไขไม่ได้ เปิดรอบใหม่ได้จากหน้ารอบนัด",
    "province": "กรุณาเลือกจังหวัดจากรายการ (หรือ \"ทุกจังหวัด\")",
}

BOOKING_PROBLEMS = {
    "attendance": "กรุณาเลือกการมาตามนัดจากรายการ",
    "outcome": "กรุณาเลือกผลจากรายการ",
    "terms_long": "ข้อตกลงยาวเกิน 4,000 ตัวอักษร ลองสรุปให้สั้นลง",
    "not_settled": "เริ่มมาตรการหรือเปลี่ยนสถานะสัญญาได้เมื่อบันทึกผลว่า \"ตกลงกันได้\" แล้วเท่านั้น",
    "nothing": "กรุณาเลือกมาตรการที่จะเริ่ม หรือสถานะสัญญาใหม่ อย่างน้อยหนึ่งอย่าง",
    "measure": "กรุณาเลือกมาตรการจากรายการ",
    "status": "กรุณาเลือกสถานะสัญญาจากรายการ",
    "no_contract": "บุคคลนี้ไม่มีสัญญาที่ยังเปิดอยู่ จึงบันทึกข้อตกลงกับสัญญาไม่ได้",
    "already": "สัญญานี้มีคำขอมาตรการนี้ที่ยังดำเนินการอยู่แล้ว ดูได้ที่หน้าบุคคล",
}

ATTENDANCE_NAMES = {"attended": "มาตามนัด", "no_show": "ไม่มาตามนัด"}
OUTCOME_NAMES = {"settled": "ตกลงกันได้", "no_agreement": "ตกลงกันไม่ได้", "did_not_come": "ไม่มา"}
SESSION_STATUS_NAMES = {"open": "เปิดจอง", "cancelled": "ยกเลิกแล้ว"}
BOOKING_STATUS_NAMES = {"booked": "จองอยู่", "cancelled": "ยกเลิกแล้ว"}
KINDS = KIND_NAMES
CHECKLIST = CHECKLIST_NAMES


def session_problem(problem: SessionProblem) -> str:
    """One problem of domain.appointments.session_problems, as an officer reads it."""
    return SESSION_PROBLEMS[problem.reason].format(limit=f"{problem.limit:,}" if problem.limit else "")


PUBLISHED = "เปิดรอบนัดแล้ว ผู้มีสิทธิ์จองได้ทาง LINE (พิมพ์ \"นัดหมาย\")"


def changed(told: int) -> str:
    return f"บันทึกการแก้ไขแล้ว แจ้งผู้จอง {told:,} คนทาง LINE" if told else "บันทึกการแก้ไขแล้ว"


def cancelled(told: int) -> str:
    return f"ยกเลิกรอบนัดแล้ว แจ้งผู้จอง {told:,} คนทาง LINE พร้อมรอบอื่นที่ยังว่าง" if told else "ยกเลิกรอบนัดแล้ว"
