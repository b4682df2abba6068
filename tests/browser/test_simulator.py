"""The demo's LINE simulator in a real browser: the page the harness was proven on."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.harness import PHONE, overflows_sideways, screenshot


def test_an_officer_asks_for_today_and_the_bots_answer_is_drawn(demo, page):
    page.goto(f"{demo.app_url}/simulator#officer-mueang")
    expect(page.locator("#chat-title")).to_contain_text("คุณกมลชนก")

    page.locator("#hint-chips").get_by_role("button", name="วันนี้").click()

    log = page.locator("#chat-log")
    expect(log.locator(".row.user").last).to_contain_text("วันนี้")
    expect(log.locator(".row.bot").first).to_be_visible()
    screenshot(page, "simulator", ready="#chat-log .row.bot")


def test_on_a_phone_the_simulator_fits_the_screen_and_offers_the_persona_menu(demo, open_page):
    page = open_page(PHONE)
    page.goto(f"{demo.app_url}/simulator#unknown")
    expect(page.locator("#chat-title")).to_contain_text("ผู้ใช้ใหม่")
    expect(page.get_by_label("Persona", exact=True)).to_be_visible()
    assert not overflows_sideways(page)


def test_a_debtor_verifies_with_the_id_and_birth_date_the_page_shows_at_the_bots_time(demo, page):
    """Issue 15, item 11: no need to open personas.json, and the page's clock is the bot's."""
    page.goto(f"{demo.app_url}/simulator#debtor-default")
    header = page.locator("#chat-id")
    expect(header).to_contain_text("3-8301-00622-19-1")
    expect(header).to_contain_text("14/02/2515")
    expect(page.locator(".persona.active .p-id")).to_contain_text("บัตร 3-8301-00622-19-1 · เกิด 14/02/2515")
    expect(page.locator("#bot-clock")).to_contain_text("20 พ.ย. 2569 10:00")  # FUND_NOW, not today

    log = page.locator("#chat-log")
    page.locator("#hint-chips").get_by_role("button", name="ยอดหนี้").click()
    log.get_by_role("button", name="ยินยอม ดำเนินการต่อ").click()
    # each wait is for the step's own question: the consent card above names both the ID and the birth
    # date, and a chip typed before the bot asked would answer the step before it
    expect(log.locator(".row.bot").last).to_contain_text("พิมพ์เลขบัตรประชาชน 13 หลักได้เลย")
    header.get_by_role("button", name="เลขบัตรประชาชน").click()  # the chips type what the bot asks for
    expect(log.locator(".row.bot").last).to_contain_text("พิมพ์วันเดือนปีเกิดค่ะ")
    header.get_by_role("button", name="วันเกิด วัน/เดือน/ปี พ.ศ.").click()
    expect(log).to_contain_text("ยืนยันตัวตนเรียบร้อย")
    expect(log.locator(".sys-note.day").first).to_contain_text("20 พ.ย. 2569")  # the chat's day is the bot's
    expect(log.locator(".row.user .time").last).to_have_text("10:00")
    screenshot(page, "simulator-identity", ready="#chat-id .id-chip")


def test_on_a_phone_the_id_birth_date_and_clock_fit_the_header(demo, open_page):
    page = open_page(PHONE)
    page.goto(f"{demo.app_url}/simulator#no-birthdate")
    expect(page.locator("#chat-id")).to_contain_text("5-8301-00009-26-7")
    expect(page.locator("#chat-id")).to_contain_text("7812")  # no birth date: the phone's last four
    expect(page.locator("#bot-clock")).to_be_visible()
    assert not overflows_sideways(page)
