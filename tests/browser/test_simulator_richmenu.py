"""The rich menu in the simulator, in a real browser: the persona's menu is drawn under the chat and
a tap on an area does what the area says."""

from __future__ import annotations

import os

from playwright.sync_api import expect

from bot.richmenus import design
from domain.richmenus import MenuKey
from tests.browser.harness import PHONE, SCREENSHOTS, screenshot, screenshots_enabled

SHOWN_IN_README = ("guest", "debtor", "officer", "volunteer", "officer-with-debtor")


def test_a_guest_taps_verify_on_the_rich_menu_then_folds_it_away(demo, open_page):
    page = open_page(PHONE)
    page.goto(f"{demo.app_url}/simulator#unknown")
    menu = page.locator("#rich-menu")
    expect(menu).to_be_visible()
    expect(page.locator("#rm-image")).to_have_js_property("complete", True)
    assert page.locator("#rm-image").evaluate("img => img.naturalWidth") == 2500
    expect(page.locator("#rm-bar-text")).to_have_text("เมนู")
    areas = menu.locator(".rm-area")
    expect(areas).to_have_count(5)
    screenshot(page, "simulator-richmenu", ready="#rm-image")

    menu.get_by_role("button", name="ยืนยันตัวตน").click()
    log = page.locator("#chat-log")
    expect(log.locator(".row.user").last).to_contain_text("ยืนยันตัวตน")
    expect(log.locator(".row.bot").last).to_be_visible()

    page.locator("#rm-bar").click()
    expect(page.locator("#rm-panel")).to_be_hidden()
    expect(page.locator("#rm-bar")).to_have_attribute("aria-expanded", "false")


def test_an_officer_sees_the_officers_menu(demo, page):
    page.goto(f"{demo.app_url}/simulator#officer-mueang")
    menu = page.locator("#rich-menu")
    expect(menu.get_by_role("button", name="รายการ วันนี้")).to_be_visible()
    expect(menu.locator(".rm-area")).to_have_count(6)


def test_the_menus_pictures_for_the_readme():
    """`make screenshots` writes docs/screenshots/richmenu-KEY.png: the pictures LINE shows, as drawn."""
    if not screenshots_enabled(os.environ):
        return
    for key in SHOWN_IN_README:
        menu = MenuKey.parse(key)
        assert menu is not None
        (SCREENSHOTS / f"richmenu-{key}.png").write_bytes(design(menu).image)
