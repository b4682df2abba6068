"""Fixtures for tests in a real browser: Debian's Chromium driven by Playwright's sync API.

`browser` is started once per run (a second or so) and every test gets fresh contexts, so no
cookie or storage leaks from one test to the next. `live_app` is the e2e tests' app, served on
a loopback port with the fake LINE platform behind it; `demo` (tests/conftest.py) is the demo.

    def test_today(live_app, page):
        page.goto(live_app.url + "/console/")
        expect(page.get_by_role("heading")).to_contain_text("...")
        screenshot(page, "console-today")          # docs/screenshots/, under `make screenshots`

Every test that uses the browser is marked `browser` here (`pytest -m browser` runs just them)
and runs after all the others: while Playwright's sync API is up, the main thread has a
running asyncio loop, and `asyncio.run` in a later test would refuse to start.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright
from sqlalchemy import Engine

from devtools.fakeline import FakeLineClient
from tests.browser.harness import DESKTOP, LAUNCH_ARGS, Viewport, browser_unavailable, chromium_path
from tests.helpers import LineChat

# Playwright's own waits (a click, a locator's expect): long enough for a slow CI machine, short
# enough that a page that never shows what the test expects fails in seconds, not minutes.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    uses_browser = [item for item in items if "browser" in getattr(item, "fixturenames", ())]
    for item in uses_browser:
        item.add_marker(pytest.mark.browser)
    browsing = set(uses_browser)
    items[:] = [item for item in items if item not in browsing] + uses_browser


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    missing = browser_unavailable(os.environ)
    if missing is not None:
        verdict, reason = missing
        if verdict == "fail":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium (or CHROMIUM_PATH), headless, for the whole run."""
    executable = chromium_path(os.environ)
    try:
        launched = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
    except Exception as exc:  # a browser that is there but will not start is broken, CI or not
        pytest.fail(f"{executable} did not start: {exc}", pytrace=False)
    yield launched
    launched.close()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """`open_page(PHONE)` or `open_page(DESKTOP)`: a page in a new context (its own cookies) of that
    screen size, closed after the test."""
    contexts: list[BrowserContext] = []

    def open_(viewport: Viewport = DESKTOP) -> Page:
        context = browser.new_context(**viewport.context_options())
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page: Callable[..., Page]) -> Page:
    """A desktop-sized page in a fresh context; `open_page(PHONE)` for a phone."""
    return open_page(DESKTOP)


@dataclass(frozen=True)
class LiveApp:
    """The app served over HTTP on a loopback port, with what a test arranges and checks through."""

    url: str
    app: Flask
    db: Engine
    fake: FakeLineClient
    line: LineChat


@pytest.fixture
def live_app(app: Flask, live_url: str, db: Engine, fake: FakeLineClient, line: LineChat) -> LiveApp:
    return LiveApp(live_url, app, db, fake, line)
