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
