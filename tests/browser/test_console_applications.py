"""The approval path in a real browser, with two officers at once (two browser contexts): a
district officer reviews a measure application, a province officer approves it; a rejection
without a reason is stopped before it leaves the page; the person hears of each step in LINE.
Screenshots of the queue and of one application under `make screenshots`."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.harness import DESKTOP, PHONE, overflows_sideways, screenshot
from tests.browser.test_console_pages import sign_in
from tests.test_console import MUANG_OFFICER, PROVINCE_OFFICER, office  # noqa: F401  (fixture)
from tests.test_console_applications import DEBTOR, applied, pushed_to, status_of  # noqa: F401  (fixture)


def test_a_district_officer_reviews_and_a_province_officer_approves(live_app, open_page, applied):  # noqa: F811
    district, province = open_page(DESKTOP), open_page(DESKTOP)  # two officers, each in their own browser
    sign_in(live_app, district, MUANG_OFFICER)
    sign_in(live_app, province, PROVINCE_OFFICER)

    district.get_by_role("link", name="คำขอมาตรการ").click()
    expect(district.get_by_role("heading", level=1)).to_contain_text("คำขอเข้าร่วมมาตรการ")
    expect(district.locator("ol.rows > li")).to_have_count(1)  # their district's only
    district.get_by_role("link", name="สมศรี ใจดี").click()
    expect(district.locator("#answers")).to_contain_text("อายุมาก")
    expect(district.locator("#steps button")).to_have_count(1)  # the review, and nothing else
    district.get_by_label("บันทึกการตรวจสอบ").fill("เอกสารครบ ผู้กู้อายุ 72 ปี")
    district.get_by_role("button", name="ตรวจสอบแล้ว ส่งจังหวัดพิจารณา").click()
    expect(district.get_by_role("status")).to_contain_text("แจ้งผู้ขอทาง LINE แล้ว")
    expect(district.locator("#steps button")).to_have_count(0)
    expect(district.locator("#steps")).to_contain_text("ขั้นของเจ้าหน้าที่ระดับจังหวัด")

    province.get_by_role("link", name="คำขอมาตรการ").click()
    expect(province.locator("ol.rows > li")).to_have_count(2)  # the whole province
    screenshot(province, "console-applications")
    province.get_by_role("link", name="สมศรี ใจดี").click()
    expect(province.locator("#steps")).to_contain_text("อำเภอตรวจสอบแล้ว · กมลชนก")
    screenshot(province, "console-application")  # the decision, with the answers and the review beside it
    province.get_by_role("button", name="ไม่อนุมัติ").click()  # no reason given: the browser asks for one
    assert province.locator("textarea[required]").evaluate("t => !t.checkValidity()")
    assert status_of(live_app.db, applied["somsri"]) == "under_review"
    province.get_by_role("button", name="อนุมัติ", exact=True).click()
    expect(province.get_by_role("status")).to_contain_text("บันทึกการอนุมัติแล้ว")
    expect(province.locator("#steps")).to_contain_text("อนุมัติแล้ว · วิไลวรรณ")

    told = pushed_to(live_app.fake, DEBTOR)
    assert len(told) == 2 and "จังหวัดพิจารณา" in told[0] and "ได้รับอนุมัติแล้ว" in told[1]


def test_the_application_pages_fit_a_phone(live_app, open_page, applied):  # noqa: F811
    page = open_page(PHONE)
    sign_in(live_app, page, PROVINCE_OFFICER)
    for path in ("/console/applications", f"/console/applications/{applied['somsri']}"):
        page.goto(live_app.url + path)
        assert not overflows_sideways(page), path
