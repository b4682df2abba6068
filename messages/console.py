"""Words of the officers' web console that are made in code (page text lives in its templates)."""

from __future__ import annotations

from datetime import date

from domain.money import CLASS_NAMES
from messages.balance import ROLE_NAMES
from messages.followups import REASON_TITLES
from messages.format import BE_OFFSET, THAI_MONTHS_SHORT
from messages.line_json import FlexBox, FlexBubble, FlexButton, FlexMessage, FlexText, Message, URIAction
from messages.quiz import STATUS_NAMES as QUIZ_STATUS_NAMES

__all__ = ["ROLE_NAMES"]  # the roles as the console names them: the balance card's words

ADMIN_NAME = "ผู้ดูแลระบบ (รหัสผู้ดูแล)"

REASON_CHOICES = tuple(REASON_TITLES.items())
CLASS_CHOICES = tuple((number, f"ชั้น {number} {name}") for number, name in sorted(CLASS_NAMES.items()))
CLASS_SHORT = {1: "ชั้น 1", 2: "ชั้น 2", 3: "ชั้น 3", 4: "ชั้น 4"}
STANDING_NAMES = {"closed": "ปิดบัญชีแล้ว", "none": "ไม่มีสัญญา"}  # a map pin with no class: why not

DOCUMENT_KINDS = {
    "proposal": "แบบเสนอโครงการ",
    "loan_contract": "สัญญากู้ยืมเงิน",
    "guarantee_contract": "สัญญาค้ำประกัน",
    "ack_debt": "หนังสือรับสภาพหนี้",
    "ack_liability": "หนังสือรับสภาพความผิด",
    "restructure": "หนังสือปรับโครงสร้างหนี้",
    "evidence": "หลักฐานอื่น ๆ",
}

EXPORT_COLUMNS = ("ลำดับ", "เหตุผล", "รหัสโครงการ", "ชื่อโครงการ", "อำเภอ", "ลูกหนี้ชั้น", "ยอดค้างชำระ (บาท)",
                  "งวดที่ค้าง", "เงินต้นคงเหลือ (บาท)", "ชำระล่าสุด", "อีกกี่วันครบ 5 ปี", "รายละเอียด", "สิ่งที่ต้องทำ")
EXPORT_SHEET = "รายการติดตาม"

SIGNED_OUT = "ออกจากระบบแล้ว"
LINK_GONE = "ลิงก์นี้ใช้ไม่ได้แล้ว (หมดอายุ หรือใช้ไปแล้ว) พิมพ์ \"เข้าระบบ\" ในแชต LINE ของกองทุนเพื่อขอลิงก์ใหม่"
ADMIN_TOKEN_WRONG = "รหัสผู้ดูแลไม่ถูกต้อง"
ADMIN_TOKEN_RESTING = "ใส่รหัสผู้ดูแลผิดหลายครั้ง จึงพักการเข้าระบบด้วยรหัสนี้ไว้ 15 นาที เจ้าหน้าที่เข้าระบบด้วยลิงก์จาก LINE ได้ตามปกติ"
CSRF_REFUSED = "แบบฟอร์มนี้หมดอายุหรือไม่ได้ส่งจากหน้านี้ กรุณากลับไปหน้าเดิม โหลดใหม่ แล้วลองอีกครั้ง"
NOT_SIGNED_IN = "กรุณาเข้าสู่ระบบก่อน: พิมพ์ \"เข้าระบบ\" ในแชต LINE ของกองทุน"
NOT_FOUND = "ไม่พบหน้านี้ หรือข้อมูลนี้อยู่นอกพื้นที่ที่คุณดูแล"
BAD_REQUEST = "คำขอไม่ถูกต้อง กรุณาลองใหม่"
TOO_LARGE = "ไฟล์ใหญ่เกินกำหนด"

PROMISE_STATES = {"pending": "ยังไม่ถึงกำหนด", "kept": "ทำตามที่สัญญา", "broken": "ไม่เป็นไปตามที่สัญญา"}
REQUEST_STATES = {"open": "รอเจ้าหน้าที่", "done": "ตอบแล้ว"}
STATUS_NAMES = QUIZ_STATUS_NAMES  # a measure application's status, as the debtor reads it too
SIGNIN_ALT = "ลิงก์เข้าระบบเจ้าหน้าที่ (ใช้ได้ครั้งเดียว ภายใน 10 นาที)"
NOT_FOR_CONSOLE = "ระบบเจ้าหน้าที่บนเว็บใช้ได้เฉพาะเจ้าหน้าที่กองทุนค่ะ"


def signin_button(url: str, officer_name: str) -> list[Message]:
    """`เข้าระบบ`: a button that opens the console, signed in, once, within 10 minutes."""
    body = FlexBox(layout="vertical", spacing="md", contents=[
        FlexText(text="ระบบเจ้าหน้าที่", weight="bold", size="lg"),
        FlexText(text=f"สำหรับ {officer_name}", size="sm", color="#555555", wrap=True),
        FlexText(text="แตะปุ่มด้านล่าง ลิงก์ใช้ได้ครั้งเดียว ภายใน 10 นาที อย่าส่งต่อให้ผู้อื่น", size="sm", wrap=True),
    ])
    footer = FlexBox(layout="vertical", contents=[
        FlexButton(style="primary", action=URIAction(label="เปิดระบบเจ้าหน้าที่", uri=url))])
    return [FlexMessage(alt_text=SIGNIN_ALT, contents=FlexBubble(body=body, footer=footer))]
LINE_LOGIN_CANCELLED = "ยังไม่ได้เข้าสู่ระบบ (ยกเลิกที่หน้า LINE) ลองอีกครั้งได้เลย"
LINE_LOGIN_FAILED = "เข้าสู่ระบบด้วย LINE ไม่สำเร็จ กรุณาลองใหม่ หรือพิมพ์ \"เข้าระบบ\" ในแชต LINE ของกองทุน"
LINE_LOGIN_NOT_OFFICER = "บัญชี LINE นี้ยังไม่ได้รับสิทธิ์เจ้าหน้าที่ กรุณาติดต่อสำนักงาน"

CONTRACT_STATUSES = {"active": "ปกติ", "litigation": "อยู่ระหว่างดำเนินคดี", "judgment": "ศาลพิพากษาแล้ว",
                     "closed": "ปิดบัญชี", "paid_off": "ชำระครบแล้ว"}
DASHBOARD_HEADERS = {
    "by_class": ("ชั้นลูกหนี้", "สัญญา", "เงินต้นคงเหลือ (บาท)"),
    "overdue": ("สิ้นเดือน", "ยอดค้างชำระ (บาท)"),
    "approved": ("ปีที่อนุมัติ (พ.ศ.)", "โครงการ"),
    "status": ("สถานะสัญญา", "โครงการ"),
    "applications": ("มาตรการ", "สถานะ", "คำขอ"),
    "period": ("รายการ", "จำนวน"),
}
PERIOD_ROWS = ("การเยี่ยม", "พบตัวลูกหนี้ (คน)", "สัญญาว่าจะชำระ", "ชำระตามที่สัญญา", "ไกล่เกลี่ยที่จัดขึ้น (12 เดือน)",
               "ไกล่เกลี่ยสำเร็จ (12 เดือน)", "สัญญาที่ใกล้ครบ 5 ปี (ภายใน 180 วัน)")
DASHBOARD_SHEETS = {"by_class": "ตามชั้นลูกหนี้", "overdue": "ค้างชำระรายเดือน", "approved": "อนุมัติรายปี",
                    "status": "สถานะสัญญา", "applications": "คำขอมาตรการ", "period": "รอบรายงาน"}


def month_label(day: date) -> str:
    """`ธ.ค. 68`: a month on a chart's axis."""
    return f"{THAI_MONTHS_SHORT[day.month - 1]} {(day.year + BE_OFFSET) % 100:02d}"


# --- documents, photos, a visit and the map pin from the person's and the project's pages ---

DOCUMENT_PROBLEMS = {
    "no_file": "ยังไม่ได้เลือกไฟล์ กรุณากด \"เลือกไฟล์\" แล้วเลือกเอกสารที่จะอัปโหลด",
    "empty": "ไฟล์นี้ว่างเปล่า (0 ไบต์) อาจบันทึกไม่สำเร็จ กรุณาเลือกไฟล์อีกครั้ง",
    "wrong_type": "รับเฉพาะไฟล์ PDF, JPEG หรือ PNG ไฟล์นี้ไม่ใช่ไฟล์ชนิดนั้น หรือไฟล์เสียหาย "
                  "กรุณาบันทึกเป็น PDF หรือถ่ายรูปใหม่ แล้วลองอีกครั้ง",
    "image_too_big": "รูปนี้ละเอียดเกินไป กรุณาย่อขนาดรูป แล้วลองอีกครั้ง",
    "kind": "กรุณาเลือกประเภทเอกสารจากรายการ",
    "contract": "สัญญาที่เลือกไม่ใช่สัญญาของบุคคลนี้ กรุณาเลือกใหม่",
}


def document_too_large(limit_bytes: int) -> str:
    """An upload over DOCUMENT_MAX_BYTES: the limit in MB, and what to do."""
    if limit_bytes >= 1024 * 1024:
        size = f"{limit_bytes / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    else:
        size = f"{limit_bytes // 1024} KB"
    return (f"ไฟล์ใหญ่เกิน {size} กรุณาย่อขนาดไฟล์ (เช่น สแกนใหม่ที่ความละเอียดต่ำลง "
            "หรือแยกเป็นหลายไฟล์) แล้วลองอีกครั้ง")


VISIT_PROBLEMS = {
    "officer": "บันทึกการเยี่ยมได้เฉพาะบัญชีเจ้าหน้าที่ กรุณาเข้าระบบด้วยลิงก์จาก LINE (พิมพ์ \"เข้าระบบ\")",
    "outcome": "กรุณาเลือกผลการเยี่ยม",
    "contract": "กรุณาเลือกสัญญาที่เยี่ยมเรื่องนี้จากรายการ",
    "measure": "กรุณาเลือกมาตรการจากรายการ หรือ \"ไม่ได้คุยเรื่องมาตรการ\"",
    "measure_not_met": "มาตรการบันทึกได้เฉพาะเมื่อพบตัว กรุณาเลือก \"ไม่ได้คุยเรื่องมาตรการ\" หรือเปลี่ยนผลการเยี่ยม",
    "promise_not_met": "นัดชำระบันทึกได้เฉพาะเมื่อพบตัว กรุณาลบยอดเงินและวันที่ หรือเปลี่ยนผลการเยี่ยม",
    "promise_no_contract": "บุคคลนี้ไม่มีสัญญาที่ยังเปิดอยู่ จึงบันทึกนัดชำระไม่ได้",
    "amount": "อ่านยอดเงินที่นัดชำระไม่ได้ กรุณาใส่ตัวเลข เช่น 1,500 หรือ 1500.50",
    "too_large": "ยอดเงินที่นัดชำระสูงเกินจริง ลองตรวจตัวเลขอีกครั้ง",
    "date": "อ่านวันที่นัดชำระไม่ได้ ใช้แบบ 30/12/2569 หรือ 30 ธ.ค. 69",
    "past": "วันที่นัดชำระผ่านไปแล้ว กรุณาใส่วันนี้หรือหลังจากนี้",
    "too_far": "วันที่นัดชำระไกลเกิน 1 ปี กรุณาตกลงวันที่ใกล้กว่านี้",
    "note_too_long": "บันทึกยาวเกิน 1,000 ตัวอักษร ลองสรุปให้สั้นลง",
}

PIN_PROBLEMS = {
    "missing": "กรุณาใส่ทั้งละติจูดและลองจิจูด (เช่น 7.88, 98.39) หรือเลือกใช้ตำแหน่งจากข่าวในพื้นที่",
    "number": "อ่านพิกัดไม่ได้ กรุณาใส่ตัวเลขทศนิยม เช่น ละติจูด 7.8804 ลองจิจูด 98.3923",
    "range": "พิกัดอยู่นอกช่วงที่เป็นไปได้ (ละติจูด -90 ถึง 90 ลองจิจูด -180 ถึง 180) กรุณาตรวจอีกครั้ง",
    "update": "ข่าวในพื้นที่ที่เลือกไม่มีตำแหน่งของบุคคลนี้แล้ว กรุณาโหลดหน้าใหม่",
}
