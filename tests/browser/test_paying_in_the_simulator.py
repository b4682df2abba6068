"""Paying by QR in the demo's simulator: the picture LINE's app would fetch is drawn, on a phone."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from models import Person
from models.db import session_scope
from tests import factories as f
from tests.browser.harness import PHONE, overflows_sideways


def test_a_verified_debtor_sees_the_qr_picture_and_the_references(demo, open_page):
    persona = next(p for p in demo.personas if p["id"] == "debtor-default")
    with session_scope(demo.app.extensions["wdf"].sessions) as session:  # as if verified already
        person = session.scalars(select(Person).where(Person.national_id == persona["national_id"])).one()
        f.link(session, person, persona["user_id"])
    page = open_page(PHONE)
    page.goto(f"{demo.app_url}/simulator#debtor-default")
    expect(page.locator("#chat-title")).to_contain_text("สมศรี")

    page.locator("#text-input").fill("วิธีชำระเงิน")
    page.locator("#send-btn").click()

    picture = page.locator("#chat-log .image-msg img").first
    expect(picture).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
    assert picture.evaluate("img => img.naturalWidth") >= 400  # the code, served by the app, not a broken image
    log = page.locator("#chat-log")
    expect(log).to_contain_text("ยอดหนี้ทั้งหมด")
    expect(log).to_contain_text("Ref.2 เลขบัตรประชาชนของคุณเอง")
    expect(log.get_by_role("button", name="คัดลอก").first).to_be_visible()
    assert not overflows_sideways(page)
