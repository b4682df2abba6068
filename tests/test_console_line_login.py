""""Log in with LINE" on the console: OpenID Connect against the fake platform, the ID token checked."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import urllib3
from flask import Flask, jsonify
from werkzeug.serving import make_server

from config.settings import Settings
from tests.test_console import MUANG_OFFICER, VOLUNTEER, office, page  # noqa: F401  (fixture)
from web.app import create_app

CHANNEL_ID = "1650000000"
CHANNEL_SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"  # 32 hex digits, as LINE issues them


@pytest.fixture
def login_app(settings: Settings, clock, fake_line):  # type: ignore[no-untyped-def]
    application = create_app(settings.with_(line_login_channel_id=CHANNEL_ID, line_login_channel_secret=CHANNEL_SECRET,
                                            line_login_base_url=fake_line.url, line_login_api_base_url=fake_line.url),
                             clock=clock)
    application.config["TESTING"] = True
    yield application
    application.extensions["wdf"].close()


def log_in_with_line(client, user: str | None, fake) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """Press "Log in with LINE", let the (fake) LINE sign `user` in, and come back; the callback's answer."""
    fake.login_as(user)
    start = page(client, "/console/signin/line")
    assert start.status_code == 302
    authorize = start.headers["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["client_id"] == [CHANNEL_ID] and "openid" in query["scope"][0] and query["nonce"][0]
    assert query["redirect_uri"] == ["http://localhost:8000/console/signin/line/callback"]
    answer = urllib3.request("GET", authorize, redirect=False)
    assert answer.status == 302
    back = urlsplit(answer.headers["Location"])
    callback = page(client, f"{back.path}?{back.query}")
    return callback.status_code, callback.get_data(as_text=True)


def test_an_officer_logs_in_with_line(login_app, office, fake):  # noqa: F811
    client = login_app.test_client()
    assert "เข้าสู่ระบบด้วย LINE" in page(client, "/console/signin").get_data(as_text=True)
    status, _ = log_in_with_line(client, MUANG_OFFICER, fake)
    assert status == 302
    assert page(client, "/console/").status_code == 200


def test_a_volunteer_or_a_stranger_gets_no_console(login_app, office, fake):  # noqa: F811
    for who in (VOLUNTEER, "U" + "f6" * 16):
        client = login_app.test_client()
        status, body = log_in_with_line(client, who, fake)
        assert status == 403 and "ยังไม่ได้รับสิทธิ์เจ้าหน้าที่" in body
        assert page(client, "/console/").status_code == 302


def test_a_forged_state_or_a_replayed_code_is_refused(login_app, office, fake):  # noqa: F811
    client = login_app.test_client()
    fake.login_as(MUANG_OFFICER)
    authorize = page(client, "/console/signin/line").headers["Location"]
    back = urlsplit(urllib3.request("GET", authorize, redirect=False).headers["Location"])
    code = parse_qs(back.query)["code"][0]
    forged = page(client, f"/console/signin/line/callback?code={code}&state=not-the-one")
    assert forged.status_code == 400 and page(client, "/console/").status_code == 302
    other = login_app.test_client()  # a browser that never started a login
    assert page(other, f"{back.path}?{back.query}").status_code == 400


@pytest.fixture
def forger() -> Iterator[str]:
    """A token endpoint that answers with ID tokens signed by the wrong key, for the wrong channel, or expired."""
    app = Flask("forger")
    kinds = iter(["wrong-key", "wrong-audience", "expired", "no-nonce"])

    @app.post("/oauth2/v2.1/token")
    def token():  # type: ignore[no-untyped-def]
        kind = next(kinds)
        now = int(time.time())
        claims = {"iss": "https://access.line.me", "sub": MUANG_OFFICER, "aud": CHANNEL_ID, "iat": now,
                  "exp": now + 600}
        key = CHANNEL_SECRET
        if kind == "wrong-key":
            key = "ffffffffffffffffffffffffffffffff"
        elif kind == "wrong-audience":
            claims["aud"] = "1659999999"
        elif kind == "expired":
            claims["exp"] = now - 10
        return jsonify({"id_token": jwt.encode(claims, key, algorithm="HS256")})

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def test_an_id_token_that_does_not_check_out_signs_no_one_in(settings, clock, fake_line, fake, office,  # noqa: F811
                                                             forger):
    app = create_app(settings.with_(line_login_channel_id=CHANNEL_ID, line_login_channel_secret=CHANNEL_SECRET,
                                    line_login_base_url=fake_line.url, line_login_api_base_url=forger), clock=clock)
    try:
        for _ in range(4):
            client = app.test_client()
            status, body = log_in_with_line(client, MUANG_OFFICER, fake)
            assert status == 400 and "ไม่สำเร็จ" in body
            assert page(client, "/console/").status_code == 302
    finally:
        app.extensions["wdf"].close()


def test_without_a_login_channel_there_is_no_line_button(app, office):  # noqa: F811
    client = app.test_client()
    assert "เข้าสู่ระบบด้วย LINE" not in page(client, "/console/signin").get_data(as_text=True)
    assert page(client, "/console/signin/line").status_code == 404
