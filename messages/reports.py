"""The console's report page: the district report of weeks 1 and 3 and the province's summary, as table words."""

from __future__ import annotations

from domain.visits import DistrictReport
from messages.format import area_name, thai_date

# spaces where a narrow column may break the line: Thai words run together otherwise
REPORT_HEADERS = ("พื้นที่", "เยี่ยม (ครั้ง)", "พบตัว (คน)", "นัดชำระ (ราย)", "ชำระ ตามนัด", "ไม่เป็นไป ตามนัด",
                  "คำขอ มาตรการ", "ไกล่เกลี่ย ที่จัด", "ไกล่เกลี่ย ตกลงได้", "ข่าวจาก พื้นที่")
PROVINCE_TOTAL = "รวมทั้งจังหวัด"
REPORT_SHEET = "รายงานการติดตาม"
NOT_A_REPORT_DAY = "วันที่เลือกไม่ใช่รอบรายงาน (วันจันทร์สัปดาห์ที่ 1 และ 3 ของเดือน) จึงแสดงรอบล่าสุดแทน เลือกรอบอื่นได้จากรายการ"
PDF_NOTE = ("นับจากบันทึกการเยี่ยม การนัดชำระ คำขอมาตรการ การไกล่เกลี่ย และข่าวจากพื้นที่ในระบบ "
            "ช่วงรายงานเริ่มวันจันทร์สัปดาห์ที่ 1 หรือ 3 ก่อนหน้า ถึงวันก่อนวันรายงาน")


def report_title(district: str | None) -> str:
    return f"รายงานการติดตามลูกหนี้ {area_name(district)}" if district else "สรุปรายงานการติดตามลูกหนี้ ทั้งจังหวัด"


def period_line(report: DistrictReport, report_day_text: str) -> str:
    return f"รอบรายงานวันที่ {report_day_text} · ช่วง {thai_date(report.start)} – {thai_date(report.end)}"


def report_row(area: str, report: DistrictReport) -> list[str | int]:
    """One area's line of the table (the same cells on screen, in the XLSX and in the PDF)."""
    return [area, report.visits, report.people_met, report.promises_made, report.promises_kept,
            report.promises_broken, sum(report.applications.values()), report.mediations_held,
            report.mediations_settled, report.updates]
