"""Importing the register in a real browser: a file with a bad line (nothing written), then a good one."""

from __future__ import annotations

import threading
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import func, select

from messages import console_import as words
from models import Payment
from tests.browser.harness import screenshot
from tests.browser.test_console_pages import sign_in
from tests.test_console import PROVINCE_OFFICER, office  # noqa: F401  (fixture)

DATA = Path(__file__).parent.parent / "data" / "import"
WAIT = 30_000  # ms: the page reloads itself every 2 s until the job is done


def payments(db) -> int:  # type: ignore[no-untyped-def]
    with db.connect() as connection:
        return connection.execute(select(func.count()).select_from(Payment)).scalar_one()


def test_a_bad_line_writes_nothing_then_a_good_file_imports(live_app, page, office, db):  # noqa: F811
    sign_in(live_app, page, PROVINCE_OFFICER)
    page.get_by_role("link", name=words.NAV).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(words.TITLE)
    page.get_by_label(words.FILES_LABEL).set_input_files([str(DATA / "contracts.csv"),
                                                          str(DATA / "payments_broken.csv")])
    page.get_by_role("button", name=words.CHECK_BUTTON).click()
    expect(page.locator("#import-status")).to_have_text(words.STATUS["checked"], timeout=WAIT)
    expect(page.locator("ol.rejections")).to_contain_text("amount '-500' is negative")
    before = payments(db)
    page.get_by_role("button", name=words.CONFIRM_BUTTON).click()
    expect(page.locator("#import-status")).to_have_text(words.STATUS["imported"], timeout=WAIT)
    assert payments(db) == before  # the file with a bad line wrote nothing

    page.get_by_role("link", name=words.AGAIN).click()
    page.get_by_label(words.FILES_LABEL).set_input_files([str(DATA / "payments.csv")])
    page.get_by_role("button", name=words.CHECK_BUTTON).click()
    expect(page.locator("#import-status")).to_have_text(words.STATUS["checked"], timeout=WAIT)
    expect(page.locator("ol.rejections")).to_have_count(0)
    assert payments(db) == before  # checked, not yet written
    page.get_by_role("button", name=words.CONFIRM_BUTTON).click()
    expect(page.locator("#import-status")).to_have_text(words.STATUS["imported"], timeout=WAIT)
    expect(page.locator("#report")).to_contain_text(words.FILE_WRITTEN)
    assert payments(db) == before + 4
    screenshot(page, "console-import")
    for job in threading.enumerate():  # after an import the job stores the follow-up list: let it finish
        if job.name.startswith("import-"):
            job.join(timeout=30)
