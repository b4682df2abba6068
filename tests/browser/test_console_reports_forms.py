"""Reports and forms in a real browser: the report on screen, its XLSX and PDF downloaded; a blank form and a
contract's prefilled letter downloaded, its text read with pypdf (issue 14, items 5 and 6)."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from models import Person
from tests.browser.harness import DESKTOP, PHONE, overflows_sideways, screenshot
from tests.browser.test_console_pages import sign_in
from tests.test_console import MUANG_OFFICER, PROVINCE_OFFICER, office  # noqa: F401  (fixture)
from tests.test_console_letters import text_of
from tests.test_console_reports import seen


def downloaded(page: Page, click: str, *, role: str = "link") -> tuple[str, bytes]:
    """What clicking the (first) link or button named `click` downloads: the file's suggested name and its bytes."""
    with page.expect_download() as started:
        page.get_by_role(role, name=click).first.click()  # type: ignore[arg-type]
    download = started.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_the_report_on_screen_then_as_xlsx_and_pdf(live_app, page, office, db):  # noqa: F811
    seen(db, office)
    sign_in(live_app, page, PROVINCE_OFFICER)
    page.get_by_role("link", name="รายงาน", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("สรุปรายงานการติดตามลูกหนี้ ทั้งจังหวัด")
    expect(page.locator(".report")).to_contain_text("2 พ.ย. 2569 – 15 พ.ย. 2569")
    total = page.locator("tr.total td")
    expect(total.nth(0)).to_have_text("รวมทั้งจังหวัด")
    expect(total.nth(1)).to_have_text("3")  # visits in the period, all districts
    screenshot(page, "console-reports")
    for size in (PHONE, DESKTOP):  # ten columns: on a phone the table scrolls in its card, the page does not
        page.set_viewport_size({"width": size.width, "height": size.height})
        assert not overflows_sideways(page), size

    name, data = downloaded(page, "ดาวน์โหลด XLSX")
    assert name.startswith("report-") and name.endswith("-province.xlsx")
    rows = list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))
    assert rows[0][0] == "สรุปรายงานการติดตามลูกหนี้ ทั้งจังหวัด" and rows[-1][:3] == ("รวมทั้งจังหวัด", 3, 2)

    name, data = downloaded(page, "PDF สำหรับส่งจังหวัด")
    assert name.endswith("-province.pdf") and data.startswith(b"%PDF")
    text = text_of(data)
    assert "สรุปรายงานการติดตามลูกหนี้" in text and "รวมทั้งจังหวัด32" in text

    page.get_by_label("อำเภอ").select_option("ถลาง")
    page.get_by_role("button", name="แสดง").click()
    expect(page.locator(".report tbody tr")).to_have_count(1)
    expect(page.locator(".report tbody td").first).to_have_text("ถลาง")
    name, data = downloaded(page, "PDF สำหรับส่งจังหวัด")
    assert name.endswith("-district.pdf") and "ถลาง" in text_of(data) and "เมืองภูเก็ต" not in text_of(data)


def test_a_blank_form_and_a_contracts_prefilled_letter_download_as_pdf(live_app, page, office, db):  # noqa: F811
    with Session(db) as session:
        somsri = session.get(Person, office["somsri"])
        assert somsri is not None
        national_id = somsri.national_id
    sign_in(live_app, page, MUANG_OFFICER)
    page.get_by_role("link", name="แบบฟอร์ม", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("แบบฟอร์ม")
    screenshot(page, "console-forms")

    name, blank = downloaded(page, "ฉบับเปล่า (PDF)")  # the first form: the acknowledgment of debt
    assert name == "ack-debt-blank.pdf" and "หนังสือรับสภาพหนี้" in text_of(blank)

    page.get_by_label("รหัสโครงการ").fill("PKT-2567-0101")
    page.get_by_label("หนังสือ").select_option(label="หนังสือรับสภาพหนี้")
    name, letter = downloaded(page, "พิมพ์หนังสือ (PDF)", role="button")
    assert name == "ack-debt-PKT-2567-0101.pdf"
    text = text_of(letter)
    assert "หนังสือรับสภาพหนี้" in text and "สมศรีใจดี" in text and national_id in text
    assert "24,000.00บาท(สองหมื่นสี่พันบาทถ้วน)" in text and "23,000.00บาท(สองหมื่นสามพันบาทถ้วน)" in text

    page.get_by_label("รหัสโครงการ").fill("PKT-2567-0201")  # another district's: not found, nothing printed
    page.get_by_role("button", name="พิมพ์หนังสือ (PDF)").click()
    expect(page.locator(".problem")).to_have_text("ไม่พบโครงการรหัสนี้ในพื้นที่ของคุณ")

