"""The words people type to the bot (INTERFACES.md, "Words people type in LINE").

Thai first, English accepted. The router compares them without case, spaces or
Thai/Arabic digit form, so each is written here once, in its plain form. A word that
takes an argument (`เจ้าหน้าที่ CODE`) is matched by its first word.
"""

from __future__ import annotations

HELP = ("ช่วยเหลือ", "help", "เมนู", "menu")
CANCEL = ("ยกเลิก", "cancel")
BACK = ("ย้อนกลับ", "back")

# a debtor, 1:1
BALANCE = ("ยอดหนี้", "balance")
VERIFY = ("ยืนยันตัวตน", "verify")
PAY = ("วิธีชำระ", "วิธีชำระเงิน", "pay")
RELIEF = ("มาตรการ", "relief")
RELIEF_AGAIN = ("ประเมินมาตรการ",)
APPOINTMENT = ("นัดหมาย", "appointment")
CONTACT = ("ติดต่อเจ้าหน้าที่", "contact")
STOP_REMINDERS = ("หยุดแจ้งเตือน", "stopreminders")
RESUME_REMINDERS = ("แจ้งเตือน", "reminders")

# taking a role with an invite code
TAKE_OFFICER = ("เจ้าหน้าที่", "officer")
TAKE_VOLUNTEER = ("อาสา", "volunteer")

# officers
TODAY = ("วันนี้", "today")
CONSOLE = ("เข้าระบบ", "console")  # a sign-in link to the web console
FIND = ("ค้นหา", "find")
VISIT = ("บันทึกเยี่ยม", "visit")
REGISTER_GROUP = ("ลงทะเบียนกลุ่ม", "register")  # in a group, with a code
