"""Security headers on every web response (web/security.py; issue 16, "Also").

A Content-Security-Policy without inline script or style, nosniff, a referrer policy,
frame denial, and HSTS outside demo mode over https. The simulator page obeys the
policy in a real browser.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, fields
from pathlib import Path

import pytest
from flask import Blueprint

from bot import create_app
from devtools.demo import start_demo
from devtools.simulator import views as simulator
from web.security import content_security_policy, image_sources, tile_source

AUTH = {"Authorization": "Bearer test-admin-token"}
# img-src names the map's tile host (MAP_TILE_URL's default, OpenStreetMap)
POLICY = ("default-src 'self'; img-src 'self' data: https://*.tile.openstreetmap.org; script-src 'self'; "
          "style-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
EXPECTED = {
    "Content-Security-Policy": POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
STATIC = Path(simulator.__file__).with_name("static")


def _directives(policy: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in policy.split(";"))}


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    app.register_blueprint(simulator.bp)  # as the demo does
    app.config["SIMULATOR_PERSONAS"] = []
    return app.test_client()


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/healthz", 200),
    ("GET", "/api/followups", 401),
    ("GET", "/api/sessions?from=nonsense", 400),
    ("POST", "/callback", 400),
    ("GET", "/calendar/not-a-token.ics", 404),
    ("GET", "/no/such/page", 404),
    ("GET", "/simulator/", 200),
    ("GET", "/simulator/static/simulator.js", 200),
    ("GET", "/simulator/static/simulator.css", 200),
    ("GET", "/simulator/api/personas", 200),
])
def test_every_kind_of_response_carries_the_headers(client, method, path, status):
    with client.open(path, method=method, headers=AUTH if "nonsense" in path else {}) as response:
        assert response.status_code == status
        for name, value in EXPECTED.items():
            assert response.headers.get(name) == value, name
        assert "Strict-Transport-Security" not in response.headers  # plain http


def test_the_policy_allows_no_inline_script_or_style():
    policy = _directives(EXPECTED["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["default-src"] == ["'self'"]
    assert not any("unsafe" in value for values in policy.values() for value in values)


def test_https_gets_strict_transport_security_outside_demo_mode(client):
    direct = client.get("/healthz", base_url="https://wdf-bot.example.org")
    assert direct.headers["Strict-Transport-Security"] == "max-age=31536000"
    proxied = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})  # TLS ended at the proxy
    assert proxied.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_demo_mode_never_pins_https(settings, clock):
    app = create_app(settings.with_(demo=True), clock=clock)
    try:
        response = app.test_client().get("/healthz", base_url="https://127.0.0.1")
        assert "Strict-Transport-Security" not in response.headers
        assert response.headers["Content-Security-Policy"] == POLICY
    finally:
        app.extensions["wdf"].close()


def test_a_view_may_set_its_own_header(app):
    own = Blueprint("own", __name__)

    @own.get("/own")
    def _own():  # type: ignore[no-untyped-def]
        return "x", 200, {"Referrer-Policy": "no-referrer"}

    app.register_blueprint(own)
    response = app.test_client().get("/own")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"


# --- the map's tiles (a MAP_TILE_URL setting, when the console adds one) ------------------


@pytest.mark.parametrize(("template", "source"), [
    ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org"),
    ("https://tiles.example.org:8443/{z}/{x}/{y}.png", "https://tiles.example.org:8443"),
    ("http://localhost:8080/{z}/{x}/{y}.png", "http://localhost:8080"),
    ("https://a.{s}.example.org/{z}.png", None),  # a placeholder inside the host: no safe source
    ("https://x.org; script-src *", None),
    ("https://user@x.org/{z}.png", None),
    ("javascript:alert(1)", None),
    ("/tiles/{z}/{x}/{y}.png", None),  # our own: 'self' covers it
    ("", None),
    (None, None),
])
def test_a_tile_template_gives_its_host_as_a_source(template, source):
    assert tile_source(template) == source


def test_the_map_tile_host_extends_img_src_only():
    policy = _directives(content_security_policy(image_sources("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png")))
    assert policy["img-src"] == ["'self'", "data:", "https://*.tile.openstreetmap.org"]
    assert policy["default-src"] == ["'self'"] and policy["script-src"] == ["'self'"]


def test_a_map_tile_setting_reaches_every_response(settings, clock):
    @dataclass(frozen=True)
    class WithTiles(type(settings)):  # type: ignore[misc]
        map_tile_url: str = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"

    app = create_app(WithTiles(**{f.name: getattr(settings, f.name) for f in fields(settings)}), clock=clock)
    try:
        policy = _directives(app.test_client().get("/healthz").headers["Content-Security-Policy"])
        assert policy["img-src"] == ["'self'", "data:", "https://*.tile.openstreetmap.org"]
    finally:
        app.extensions["wdf"].close()


# --- the simulator holds to the policy ------------------------------------------------------


def test_the_simulator_page_has_no_inline_script_style_or_handler():
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    lowered = page.lower()
    assert lowered.count("<script") == lowered.count("<script src=") == 1
    assert "<style" not in lowered and " style=" not in lowered
    assert not re.search(r"\son[a-z]+\s*=", lowered)  # no onclick= and the like
    assert "javascript:" not in lowered
    script = (STATIC / "simulator.js").read_text(encoding="utf-8")
    for forbidden in ("innerHTML", "eval(", "new Function", "setAttribute('style'", 'setAttribute("style"',
                      "insertAdjacentHTML", "document.write"):
        assert forbidden not in script.replace("never innerHTML", ""), forbidden


def _chromium():  # type: ignore[no-untyped-def]
    """Playwright's Chromium (Debian's), or a skip outside CI when there is none."""
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: CI must run the browser tests", pytrace=False)
        pytest.skip("no Chromium on this machine")
    return sync_api, executable


@pytest.fixture
def demo(database_url, settings, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("FUND_NOW", raising=False)
    monkeypatch.setenv("OUTBOX_INLINE", "1")
    stack = start_demo(port=0, fake_port=0, database_url=database_url)
    yield stack
    stack.stop()


CATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__violations.push(e.effectiveDirective + ' ' + e.blockedURI));
"""


def test_the_simulator_works_under_the_policy_in_a_browser(demo):
    sync_api, executable = _chromium()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        try:
            page = browser.new_page()
            page.add_init_script(CATCH_VIOLATIONS)
            console = []
            page.on("console", lambda message: console.append(message.text))
            response = page.goto(f"{demo.app_url}/simulator#unknown")
            assert response is not None and response.headers["content-security-policy"] == POLICY
            page.click("#follow-btn")
            page.wait_for_selector(".row.bot")
            page.fill("#text-input", "ช่วยเหลือ")
            page.press("#text-input", "Enter")
            page.wait_for_selector(".row.bot.wide")  # the help menu: a flex message
            page.set_input_files("#img-file", files=[{"name": "dot.png", "mimeType": "image/png",
                                                      "buffer": _PNG}])
            page.wait_for_selector(".row.user img[src^='data:image/png']")
            assert page.evaluate("window.__violations") == []
            assert not [text for text in console if "Content Security Policy" in text]
            # the watch above does see a violation when there is one
            # (wait_for_function would evaluate a string: the policy forbids that, so a promise polls)
            seen = page.evaluate("""new Promise((done) => {
              document.body.append(Object.assign(document.createElement('img'), {src: 'https://tiles.invalid/x.png'}));
              let tries = 500;  // a bound, so a page without the policy fails here rather than hangs
              const check = () => window.__violations.length || !tries-- ? done(window.__violations)
                : setTimeout(check, 10);
              check();
            })""")
            assert seen == ["img-src https://tiles.invalid/x.png"]
        finally:
            browser.close()


# A 1×1 PNG, as a volunteer's photo.
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")
