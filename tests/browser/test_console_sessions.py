"""Sessions in a real browser (issue 14, item 3): a refused session, then one published, booked and
cancelled after the confirm step; screenshots `console-sessions` and `console-session`."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.harness import DESKTOP, PHONE, overflows_sideways, screenshot
from tests.browser.test_console_pages import sign_in
from tests.test_console import PROVINCE_OFFICER, office  # noqa: F401  (fixture)
from tests.test_console_sessions import SOMSRI_LINE, booked, deliver, pushed_to
from tests.test_same_named_districts import NATIONAL, twins  # noqa: F401  (fixture)


def test_publish_book_and_cancel_a_session(live_app, page, office, clock):  # noqa: F811
    sign_in(live_app, page, PROVINCE_OFFICER)
    page.get_by_role("link", name="รอบนัด").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("รอบนัด")

    form = page.locator("#publish")
    form.get_by_label("ประเภท").select_option("court")
    form.get_by_label("เริ่ม", exact=True).fill("2026-11-19T09:00")  # yesterday
    form.get_by_label("สิ้นสุด").fill("2026-11-19T12:00")
    form.get_by_label("สถานที่").fill("ศาลแขวงภูเก็ต")
    form.get_by_label("จำนวนที่นั่ง").fill("9")
    form.get_by_label("นาทีต่อคน (เว้นว่าง = ไม่แบ่งช่วง)").fill("20")
    form.get_by_role("button", name="เปิดรอบนัด").click()
    expect(page.get_by_role("alert")).to_contain_text("เวลาเริ่มผ่านไปแล้ว")

    form = page.locator("#publish")
    form.get_by_label("เริ่ม", exact=True).fill("2026-12-03T09:00")
    form.get_by_label("สิ้นสุด").fill("2026-12-03T12:00")
    form.get_by_role("button", name="เปิดรอบนัด").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ไกล่เกลี่ยก่อนฟ้องที่ศาล")  # its kind said once
    expect(page.get_by_role("status")).to_contain_text("เปิดรอบนัดแล้ว")

    session_id = int(page.url.split("/console/sessions/")[1].split("?")[0])
    booked(live_app.db, clock, session_id, office["somsri"], SOMSRI_LINE)
    page.goto(f"{live_app.url}/console/sessions/{session_id}")
    expect(page.locator("#roster")).to_contain_text("สมศรี ใจดี")
    expect(page.locator("#roster")).to_contain_text("วันที่ 2: ไกล่เกลี่ยแล้ว")
    screenshot(page, "console-session")
    page.goto(f"{live_app.url}/console/sessions")
    expect(page.locator("#upcoming")).to_contain_text("จองแล้ว 1 / 9 ที่")
    screenshot(page, "console-sessions")

    page.get_by_role("link", name="ไกล่เกลี่ยก่อนฟ้องที่ศาล").click()
    page.get_by_role("link", name="ยกเลิกรอบนัดนี้…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ยกเลิกรอบนัดนี้?")
    page.get_by_role("button", name="ยืนยันยกเลิกรอบนัด").click()
    expect(page.get_by_role("status")).to_contain_text("แจ้งผู้จอง 1 คนทาง LINE")
    expect(page.get_by_role("heading", level=1)).to_contain_text("ยกเลิกแล้ว")
    live_app.fake.reset()
    deliver(live_app.app)
    assert any("ขออภัยเป็นอย่างสูง" in m["text"] for m in pushed_to(live_app.fake, SOMSRI_LINE))


def test_an_officer_of_the_whole_register_publishes_a_session_for_one_province(live_app, open_page, clock,
                                                                              twins):  # noqa: F811
    """A register of several provinces, on a phone and a desktop: the publish form offers the
    provinces, and the list says which province each session is for."""
    from sqlalchemy.orm import Session

    from models import StaffMember

    with Session(live_app.db) as session:
        session.add(StaffMember(line_user_id=NATIONAL, name="ธนากร", role="officer", created_at=clock.now()))
        session.commit()
    for size, place in ((PHONE, "ศาลากลางจังหวัดสระบุรี"), (DESKTOP, "ศาลากลางจังหวัดนครราชสีมา")):
        page = open_page(size)
        sign_in(live_app, page, NATIONAL)
        page.goto(f"{live_app.url}/console/sessions")
        form = page.locator("#publish")
        form.get_by_label("จังหวัด").select_option(label="สระบุรี" if size is PHONE else "นครราชสีมา")
        form.get_by_label("ประเภท").select_option("clinic")
        form.get_by_label("เริ่ม", exact=True).fill("2026-12-03T09:00")
        form.get_by_label("สิ้นสุด").fill("2026-12-03T12:00")
        form.get_by_label("สถานที่").fill(place)
        form.get_by_label("จำนวนที่นั่ง").fill("9")
        form.get_by_role("button", name="เปิดรอบนัด").click()
        expect(page.get_by_role("status")).to_contain_text("เปิดรอบนัดแล้ว")
        page.goto(f"{live_app.url}/console/sessions")
        assert not overflows_sideways(page)
    expect(page.locator("#upcoming")).to_contain_text("จังหวัดสระบุรี")
    expect(page.locator("#upcoming")).to_contain_text("จังหวัดนครราชสีมา")
    screenshot(page, "console-sessions-of-provinces")
