"""Words of the officers' web console that are made in code (page text lives in its templates)."""

from __future__ import annotations

from linebot.v3.messaging import FlexBox, FlexBubble, FlexButton, FlexMessage, FlexText, Message, URIAction

from messages.balance import ROLE_NAMES
from messages.followups import REASON_TITLES
from messages.quiz import STATUS_NAMES as QUIZ_STATUS_NAMES

__all__ = ["ROLE_NAMES"]  # the roles as the console names them: the balance card's words

ADMIN_NAME = "ผู้ดูแลระบบ (รหัสผู้ดูแล)"

REASON_CHOICES = tuple(REASON_TITLES.items())
CLASS_CHOICES = ((1, "ชั้น 1 ขาดอายุความ"), (2, "ชั้น 2 ใกล้ครบ 5 ปี"), (3, "ชั้น 3 ผิดนัดชำระ"), (4, "ชั้น 4 ลูกหนี้ปกติ"))
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
