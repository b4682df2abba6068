"""The harness itself: when the browser tests run, skip or fail, and what a screenshot writes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.browser.harness import (
    DEFAULT_CHROMIUM,
    DESKTOP,
    PHONE,
    browser_unavailable,
    chromium_path,
    screenshot,
    screenshots_enabled,
)
from tests.conftest import SERVER_POLL_SECONDS


def test_the_browser_is_debians_chromium_unless_chromium_path_says_otherwise():
    assert chromium_path({}) == DEFAULT_CHROMIUM == "/usr/bin/chromium"
    assert chromium_path({"CHROMIUM_PATH": ""}) == DEFAULT_CHROMIUM
    assert chromium_path({"CHROMIUM_PATH": "/opt/chromium/chrome"}) == "/opt/chromium/chrome"


@pytest.fixture
def debian(tmp_path: Path) -> str:
    """Where this test pretends Debian's chromium lives: nothing there yet."""
    return str(tmp_path / "usr-bin-chromium")


def test_without_debians_chromium_the_tests_skip_outside_ci_saying_how_to_install_it(debian):
    verdict, reason = browser_unavailable({}, debian) or ("run", "")
    assert verdict == "skip"
    assert reason.startswith(f"no browser at {debian}: ")
    assert "apt-get install chromium" in reason and "make test" in reason


def test_a_chromium_path_that_names_nothing_skips_outside_ci_saying_so(tmp_path, debian):
    verdict, reason = browser_unavailable({"CHROMIUM_PATH": str(tmp_path / "nothing")}, debian) or ("run", "")
    assert verdict == "skip"
    assert reason.startswith(f"no browser at {tmp_path / 'nothing'}: CHROMIUM_PATH names no Chromium")


@pytest.mark.parametrize("ci", ["true", "1"])
def test_a_missing_browser_fails_in_ci(tmp_path, debian, ci):
    for environ in ({"CI": ci}, {"CI": ci, "CHROMIUM_PATH": str(tmp_path / "nothing")}):
        verdict, reason = browser_unavailable(environ, debian) or ("run", "")
        assert verdict == "fail"
        assert reason.endswith("; CI must run the browser tests")


def test_a_file_that_cannot_run_is_no_browser(tmp_path, debian):
    Path(debian).write_text("")
    Path(debian).chmod(0o644)
    assert (browser_unavailable({}, debian) or ("run",))[0] == "skip"
    assert (browser_unavailable({"CI": "true", "CHROMIUM_PATH": str(tmp_path)}, debian) or ("run",))[0] == "fail"


def test_a_browser_that_is_there_runs_in_ci_and_out(tmp_path, debian):
    Path(debian).write_text("#!/bin/sh\n")
    Path(debian).chmod(0o755)
    assert browser_unavailable({}, debian) is None
    assert browser_unavailable({"CI": "true"}, debian) is None
    assert browser_unavailable({"CI": "true", "CHROMIUM_PATH": debian}, "/nonexistent") is None


def test_screenshots_are_written_only_when_asked():
    assert not screenshots_enabled({})
    assert not screenshots_enabled({"WDF_SCREENSHOTS": "0"})
    assert screenshots_enabled({"WDF_SCREENSHOTS": "1"})


def _png_width(data: bytes) -> int:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big")


@pytest.fixture
def cookie_echo() -> Iterator[tuple[str, list[str]]]:
    """A page that shows, and records, the cookie it was sent: what a signed-in page depends on."""
    seen: list[str] = []

    @Request.application
    def echo(request: Request) -> Response:
        if request.path != "/":
            return Response("", status=404)  # the browser's own /favicon.ico
        seen.append(request.cookies.get("session", ""))
        return Response(f'<meta name="viewport" content="width=device-width"><h1>session={seen[-1]}</h1>',
                        content_type="text/html")

    server = make_server("127.0.0.1", 0, echo, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(SERVER_POLL_SECONDS,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", seen
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_a_screenshot_is_a_phone_and_a_desktop_image_of_the_same_signed_in_page(cookie_echo, page, tmp_path):
    url, seen = cookie_echo
    page.context.add_cookies([{"name": "session", "value": "s1", "url": url}])
    page.goto(url)
    assert screenshot(page, "echo", directory=tmp_path, enabled=False) == []
    assert seen == ["s1"]

    written = screenshot(page, "echo", directory=tmp_path / "shots", enabled=True, ready="h1")

    assert [p.name for p in written] == ["echo-phone.png", "echo-desktop.png"]
    assert seen == ["s1", "s1", "s1"]  # each size opened the page again, signed in as the test was
    phone, desktop = (_png_width(p.read_bytes()) for p in written)
    assert phone == PHONE.width * PHONE.device_scale_factor  # drawn at a phone's pixel density
    assert desktop == DESKTOP.width


def test_the_served_app_answers_the_browser_from_this_runs_database(live_app, page, request):
    page.goto(f"{live_app.url}/healthz")
    body = page.locator("body")
    expect(body).to_contain_text('"status":"ok"')
    expect(body).to_contain_text(f'"database":"{request.config.getoption("--db")}"')
