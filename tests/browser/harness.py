"""What the browser tests share besides fixtures: which Chromium, whether it may be missing,
the two screen sizes, and screenshots for docs/screenshots/.

The browser is Debian's `chromium` (never one Playwright downloads): `make test` installs it
with apt-get when it is missing and it may; `CHROMIUM_PATH` points elsewhere.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
DEFAULT_CHROMIUM = "/usr/bin/chromium"

# Headless, and nothing that reaches the network on its own (updates, sync, QUIC probes): the
# tests see only the loopback servers they start. --no-sandbox because CI runs as root.
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]

INSTALL_DEBIAN = ("the browser tests drive Debian's chromium: `make test` run as root installs it, or "
                  "`sudo apt-get install chromium fonts-thai-tlwg fonts-noto-color-emoji`; "
                  "or set CHROMIUM_PATH to a Chromium binary")
FIX_CHROMIUM_PATH = "CHROMIUM_PATH names no Chromium here: point it at one, or unset it to use Debian's chromium"


@dataclass(frozen=True)
class Viewport:
    """A screen the pages must read well on; `context_options` open a browser context with it."""

    name: str
    width: int
    height: int
    is_mobile: bool = False
    device_scale_factor: float = 1

    def context_options(self) -> dict[str, Any]:
        # Thai, in Bangkok's time, as the officers' own browsers: what a script formats reads alike.
        return {"viewport": {"width": self.width, "height": self.height}, "is_mobile": self.is_mobile,
                "has_touch": self.is_mobile, "device_scale_factor": self.device_scale_factor,
                "locale": "th-TH", "timezone_id": "Asia/Bangkok"}


PHONE = Viewport("phone", 390, 844, is_mobile=True, device_scale_factor=2)  # a common phone's CSS pixels
DESKTOP = Viewport("desktop", 1366, 900)  # the office's laptop screens
VIEWPORTS = (PHONE, DESKTOP)


def chromium_path(environ: Mapping[str, str], default: str = DEFAULT_CHROMIUM) -> str:
    """The Chromium the tests drive: `CHROMIUM_PATH`, else Debian's."""
    return environ.get("CHROMIUM_PATH") or default


def browser_unavailable(environ: Mapping[str, str],
                        default: str = DEFAULT_CHROMIUM) -> tuple[Literal["skip", "fail"], str] | None:
    """None when the Chromium of `chromium_path` can run; otherwise whether the browser tests skip
    (outside CI) or fail (in CI, which must run them), with the reason to show."""
    executable = chromium_path(environ, default)
    if os.path.isfile(executable) and os.access(executable, os.X_OK):
        return None
    how = FIX_CHROMIUM_PATH if environ.get("CHROMIUM_PATH") else INSTALL_DEBIAN
    reason = f"no browser at {executable}: {how}"
    if environ.get("CI"):  # as for PostgreSQL: any non-empty CI means a CI run
        return "fail", f"{reason}; CI must run the browser tests"
    return "skip", reason


def screenshots_enabled(environ: Mapping[str, str]) -> bool:
    """`make screenshots` sets WDF_SCREENSHOTS=1; ordinary runs leave the committed images alone."""
    return environ.get("WDF_SCREENSHOTS", "") not in ("", "0")


def screenshot(page: Page, name: str, *, ready: str | None = None, directory: Path | None = None,
               enabled: bool | None = None) -> list[Path]:
    """When screenshots are on, write `name`-phone.png and `name`-desktop.png of the page's address.

    Each is taken in a fresh context of that screen size, with the page's cookies (so a
    signed-in page stays signed in) and opened at `page.url` again: a page drawn from a GET
    looks the same; what a script drew after loading shows once `ready` (a selector) is visible.
    Returns the files written (none when off)."""
    if not (screenshots_enabled(os.environ) if enabled is None else enabled):
        return []
    browser = page.context.browser
    assert browser is not None, "a page from the `page` or `open_page` fixture"
    folder = SCREENSHOTS if directory is None else directory
    folder.mkdir(parents=True, exist_ok=True)
    state = page.context.storage_state()
    written = []
    for viewport in VIEWPORTS:
        context = browser.new_context(**viewport.context_options(), storage_state=state)
        try:
            shot = context.new_page()
            shot.goto(page.url)
            if ready is not None:
                shot.locator(ready).first.wait_for(state="visible")
            path = folder / f"{name}-{viewport.name}.png"
            shot.screenshot(path=path, full_page=True, animations="disabled", caret="hide")
            written.append(path)
        finally:
            context.close()
    return written


def overflows_sideways(page: Page) -> bool:
    """True when the page is wider than its screen: on a phone, a sideways scroll nobody finds."""
    return bool(page.evaluate("document.documentElement.scrollWidth > window.innerWidth"))
