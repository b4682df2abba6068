"""The officers' console in a real browser: sign in by a link, Today → a project → a person,
an export, a form refused without its CSRF token, and a district officer kept to their district.
Screenshots of each page at phone and desktop sizes under `make screenshots`."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.harness import DESKTOP, PHONE, overflows_sideways, screenshot
from tests.test_console import MUANG_OFFICER, PROVINCE_OFFICER, login_link, office  # noqa: F401  (fixture)
from tests.test_same_named_districts import NATIONAL, OWN, PROVINCIAL, THEIRS, TWIN, twins  # noqa: F401  (fixture)


def sign_in(live_app, page, line_user_id: str) -> None:  # type: ignore[no-untyped-def]
    link = login_link(live_app.app, line_user_id).replace("http://localhost:8000", live_app.url)
    page.goto(link)
    screenshot(page, "console-signin-link")
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("รายการติดตามวันนี้")


def test_sign_in_today_project_person_and_export(live_app, page, office):  # noqa: F811
    page.goto(live_app.url + "/console/")
    expect(page).to_have_url(f"{live_app.url}/console/signin?next=/console/")
    screenshot(page, "console-signin")
    sign_in(live_app, page, PROVINCE_OFFICER)
    screenshot(page, "console-today")

    page.get_by_label("อำเภอ").select_option("เมืองภูเก็ต")
    page.get_by_role("button", name="แสดง").click()
    expect(page.locator("ol.rows > li")).to_have_count(2)
    expect(page.get_by_label("ตำบล")).to_be_visible()  # the next level of places appears

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Excel").click()
    assert downloading.value.suggested_filename.endswith(".xlsx")

    page.get_by_role("link", name="กลุ่มขนมบ้านฉลอง").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("กลุ่มขนมบ้านฉลอง")
    expect(page.locator("svg polyline.paid")).to_have_count(1)
    screenshot(page, "console-project")
    page.get_by_role("link", name="สมศรี ใจดี").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("สมศรี ใจดี")
    screenshot(page, "console-person")

    page.get_by_label("เพิ่มบันทึก").fill("โทรแล้ว นัดเยี่ยมวันศุกร์")
    page.get_by_role("button", name="บันทึก", exact=True).click()
    expect(page.locator("#notes")).to_contain_text("โทรแล้ว นัดเยี่ยมวันศุกร์")

    page.get_by_role("link", name="ภาพรวม").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ภาพรวม")
    expect(page.locator("svg rect.bar").first).to_be_attached()
    screenshot(page, "console-dashboard")
    page.get_by_role("link", name="ข้อความเข้า").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot(page, "console-inbox")


def test_a_form_without_its_token_is_refused_kindly(live_app, page, office):  # noqa: F811
    sign_in(live_app, page, MUANG_OFFICER)
    page.goto(f"{live_app.url}/console/people/{office['somsri']}")
    page.locator("#notes input[name=csrf_token]").evaluate("input => input.remove()")
    page.get_by_label("เพิ่มบันทึก").fill("ไม่ควรถูกบันทึก")
    page.get_by_role("button", name="บันทึก", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("โหลดใหม่")
    page.goto(f"{live_app.url}/console/people/{office['somsri']}")
    expect(page.locator("#notes")).not_to_contain_text("ไม่ควรถูกบันทึก")


def test_a_district_officer_sees_only_their_district(live_app, page, office):  # noqa: F811
    sign_in(live_app, page, MUANG_OFFICER)
    expect(page.locator("ol.rows > li")).to_have_count(2)
    expect(page.locator("main")).not_to_contain_text("กลุ่มจักสานถลาง")
    expect(page.get_by_label("อำเภอ")).to_have_count(0)  # no district to choose: theirs only
    page.goto(f"{live_app.url}/console/people/{office['arunee']}")
    expect(page.get_by_role("alert")).to_contain_text("นอกพื้นที่ที่คุณดูแล")


def test_the_pages_fit_a_phone(live_app, open_page, office):  # noqa: F811
    page = open_page(PHONE)
    sign_in(live_app, page, PROVINCE_OFFICER)
    for path in ("/console/", "/console/projects/PKT-2567-0101", f"/console/people/{office['somsri']}",
                 "/console/people?q=ใจดี"):
        page.goto(live_app.url + path)
        assert not overflows_sideways(page), path


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_upload_then_download_a_document_and_pin_the_person_on_the_map(live_app, page, office, tmp_path):  # noqa: F811
    sign_in(live_app, page, MUANG_OFFICER)
    page.goto(f"{live_app.url}/console/people/{office['somsri']}")
    scan = tmp_path / "หนังสือรับสภาพหนี้.pdf"
    scan.write_bytes(PDF)
    page.locator("#documents summary").click()
    page.locator("#documents").get_by_label("ประเภทเอกสาร").select_option(label="หนังสือรับสภาพหนี้")
    page.locator("#documents input[type=file]").set_input_files(str(scan))
    page.locator("#documents").get_by_role("button", name="อัปโหลด").click()
    link = page.locator("#documents a[download]").first
    expect(link).to_have_text("หนังสือรับสภาพหนี้.pdf")
    with page.expect_download() as downloading:
        link.click()
    saved = tmp_path / "back.pdf"
    downloading.value.save_as(saved)
    assert saved.read_bytes() == PDF

    page.get_by_text("ปักหมุดแผนที่").click()
    page.get_by_label("ละติจูด").fill("7.8804, 98.3923")  # pasted from Google Maps
    page.get_by_role("button", name="บันทึกหมุด").click()
    expect(page.locator("main")).to_contain_text("7.88040, 98.39230")

    page.get_by_role("link", name="แผนที่").click()
    expect(page.locator("table.pins tr.pin")).to_have_count(1)
    expect(page.locator("table.pins")).to_contain_text("สมศรี ใจดี")
    expect(page.locator("#map .leaflet-marker-icon, #map path.leaflet-interactive").first).to_be_attached()
    screenshot(page, "console-map", ready="table.pins")


def test_a_list_behind_says_since_when_on_a_phone_and_a_desktop(live_app, open_page, office, monkeypatch):  # noqa: F811
    """The province's list stored at 08:00, then a contract paid off: too long to compute (here, more than
    two rows), it is shown as stored, with its time, until the clock stores it again."""
    from datetime import timedelta

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from models import Contract
    from services import standing
    from services.followups import refresh_followups
    from tests import factories as f
    from tests.conftest import NOW

    monkeypatch.setattr(standing, "LIVE_ROWS", 2)
    with Session(live_app.db) as session:
        refresh_followups(session, NOW.date(), NOW - timedelta(hours=2))
        session.commit()
        contract = session.scalars(select(Contract).where(Contract.project_code == "PKT-2567-0101")).one()
        f.payment(session, contract, NOW.date(), str(contract.principal))
        session.commit()
    for size in (PHONE, DESKTOP):
        page = open_page(size)
        sign_in(live_app, page, PROVINCE_OFFICER)
        notice = page.locator("#list-behind")
        expect(notice).to_contain_text("รายการนี้เป็นข้อมูล ณ 20 พ.ย. 2569 เวลา 08:00 น.")
        expect(page.locator("ol.rows > li")).to_have_count(3)  # as stored: the paid contract still on it
        assert not overflows_sideways(page)
    screenshot(page, "console-today-behind")
    page = open_page()
    sign_in(live_app, page, MUANG_OFFICER)  # a district's list is short: computed now, without the paid contract
    expect(page.locator("#list-behind")).to_have_count(0)
    expect(page.locator("ol.rows > li")).to_have_count(1)


def test_two_districts_of_one_name_are_two_choices_on_a_phone_and_a_desktop(live_app, open_page, clock,
                                                                            twins):  # noqa: F811
    """A register of several provinces: each เฉลิมพระเกียรติ is offered with its province, and
    choosing one lists that one's contracts only."""
    from sqlalchemy.orm import Session

    from models import StaffMember

    with Session(live_app.db) as session:
        session.add(StaffMember(line_user_id=NATIONAL, name="ธนากร", role="officer", created_at=clock.now()))
        session.commit()
    for size in (PHONE, DESKTOP):
        page = open_page(size)
        sign_in(live_app, page, NATIONAL)
        page.get_by_label("อำเภอ").select_option(f"{TWIN} (สระบุรี)")
        page.get_by_role("button", name="แสดง").click()
        expect(page.locator("ol.rows > li")).to_have_count(2)
        expect(page.locator("ol.rows")).to_contain_text(THEIRS)
        expect(page.locator("ol.rows")).not_to_contain_text(OWN)
        expect(page.get_by_label("ตำบล")).to_contain_text("พุแค")
        assert not overflows_sideways(page)
    screenshot(page, "console-today-same-named-districts")


def test_an_officer_of_one_province_sees_its_name_and_its_districts_only(live_app, open_page, clock,
                                                                         twins):  # noqa: F811
    """A province's office on a register of several: the header names the province, the district
    choice holds its districts only, and the register's import is not theirs."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from models import Area, StaffMember

    with Session(live_app.db) as session:
        korat = session.scalars(select(Area).where(Area.level == "province", Area.name == "นครราชสีมา")).one()
        session.add(StaffMember(line_user_id=PROVINCIAL, name="วิไลวรรณ", role="officer", province_id=korat.id,
                                created_at=clock.now()))
        session.commit()
    for size in (PHONE, DESKTOP):
        page = open_page(size)
        sign_in(live_app, page, PROVINCIAL)
        expect(page.get_by_role("heading", level=1)).to_contain_text("จังหวัดนครราชสีมา")
        expect(page.get_by_label("อำเภอ").locator("option")).to_have_text(["ทั้งจังหวัด", f"{TWIN} (นครราชสีมา)"])
        expect(page.locator("ol.rows")).to_contain_text(OWN)
        expect(page.locator("ol.rows")).not_to_contain_text(THEIRS)
        expect(page.get_by_role("link", name="นำเข้าทะเบียน")).to_have_count(0)
        assert not overflows_sideways(page)
    screenshot(page, "console-today-province-office")
    page.goto(live_app.url + "/console/import")
    expect(page.locator("main")).to_contain_text("เจ้าหน้าที่ที่ดูแลทะเบียนทั้งหมด")
    screenshot(page, "console-import-refused")


def test_a_search_of_the_stored_list_on_a_phone_and_a_desktop(live_app, open_page, office):  # noqa: F811
    """The stored list searched from the form: the project found by a word of its name, the count with it,
    and nothing when a number would only have matched an amount."""
    from sqlalchemy.orm import Session

    from services.followups import refresh_followups
    from tests.conftest import NOW

    with Session(live_app.db) as session:
        refresh_followups(session, NOW.date(), NOW)
        session.commit()
    for size in (PHONE, DESKTOP):
        page = open_page(size)
        sign_in(live_app, page, PROVINCE_OFFICER)
        page.get_by_label("ค้นหา").fill("ขนม")
        page.get_by_role("button", name="แสดง").click()
        expect(page.locator("ol.rows > li")).to_have_count(1)
        expect(page.locator("ol.rows")).to_contain_text("กลุ่มขนมบ้านฉลอง")
        expect(page.locator("p.summary")).to_contain_text("ทั้งหมด 1 รายการ")
        assert not overflows_sideways(page)
        screenshot(page, "console-today-searched")
    page.get_by_label("ค้นหา").fill("21,000")  # the overdue amount on the row above: figures are not searched
    page.get_by_role("button", name="แสดง").click()
    expect(page.locator("ol.rows > li")).to_have_count(0)
    expect(page.locator("p.summary")).to_contain_text("ทั้งหมด 0 รายการ")
