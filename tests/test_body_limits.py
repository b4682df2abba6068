"""Every route has a body-size limit (web/limits.py; issue 16, "Also").

The webhook takes up to 1 MB, the JSON API 256 KB, any other route 256 KB, and a route
that takes files declares its own. Too large a body gets 413 with JSON, never a 500.
"""

from __future__ import annotations

import base64
import io
import json
import urllib.request

import pytest
from flask import Blueprint, request
from sqlalchemy import func, select

from devtools.fakeline import events as ev
from devtools.simulator import views as simulator
from models import AppointmentSession, ProcessedEvent
from tests.helpers import USER, load_payload
from web.limits import API_MAX_BYTES, DEFAULT_MAX_BYTES, MB, WEBHOOK_MAX_BYTES, body_limit

AUTH = {"Authorization": "Bearer test-admin-token"}


def _count(db, model) -> int:  # type: ignore[no-untyped-def]
    with db.connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar_one()


def _padded(body: bytes, size: int) -> bytes:
    """The same JSON, grown to exactly `size` bytes with trailing spaces."""
    assert len(body) <= size
    return body + b" " * (size - len(body))


def _too_large(response, limit: int) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 413
    assert response.get_json() == {"error": "too_large", "limit_bytes": limit,
                                   "detail": f"the request body is larger than this route accepts ({limit} bytes)"}


# --- the webhook ---------------------------------------------------------------------------


def test_a_webhook_up_to_1_mb_is_handled_and_one_byte_more_is_refused(line, db, fake):
    body = load_payload("text_message.json", text="ช่วยเหลือ", event_id="01JBIGBUTFINE", user_id=USER,
                        reply_token=fake.issue_reply_token(ev.source(USER)))
    assert line.post(_padded(body, WEBHOOK_MAX_BYTES)).status == 200  # over HTTP, signed over every byte
    assert _count(db, ProcessedEvent) == 1

    too_big = load_payload("text_message.json", text="ช่วยเหลือ", event_id="01JTOOBIG", user_id=USER,
                           reply_token=fake.issue_reply_token(ev.source(USER)))
    delivery = line.post(_padded(too_big, WEBHOOK_MAX_BYTES + 1))
    assert delivery.status == 413
    assert json.loads(delivery.body)["limit_bytes"] == WEBHOOK_MAX_BYTES
    assert _count(db, ProcessedEvent) == 1  # nothing of the refused one stored


def test_a_webhook_sent_in_chunks_is_cut_off_at_the_limit(app, db):
    body = b'{"destination": "U0", "events": []}' + b" " * WEBHOOK_MAX_BYTES
    response = app.test_client().post(
        "/callback", input_stream=io.BytesIO(body), headers={"X-Line-Signature": "x", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True})  # as gunicorn and werkzeug say for chunked bodies
    _too_large(response, WEBHOOK_MAX_BYTES)
    assert _count(db, ProcessedEvent) == 0


# --- the JSON API --------------------------------------------------------------------------


def test_the_api_refuses_a_body_over_256_kb(app, db):
    client = app.test_client()
    session = {"kind": "clinic", "start": "2026-12-01T09:00", "end": "2026-12-01T12:00", "place": "office",
               "capacity": 5}
    headers = AUTH | {"Content-Type": "application/json"}
    fine = client.post("/api/sessions", data=_padded(json.dumps(session).encode(), API_MAX_BYTES), headers=headers)
    assert fine.status_code == 201
    _too_large(client.post("/api/sessions", data=_padded(json.dumps(session).encode(), API_MAX_BYTES + 1),
                           headers=headers), API_MAX_BYTES)
    assert _count(db, AppointmentSession) == 1


def test_the_api_refuses_a_large_body_it_would_not_even_read(app):
    # A body that is not JSON is ignored by the view (silent=True); its size still counts.
    response = app.test_client().post("/api/applications/1", data=b"x" * (API_MAX_BYTES + 1),
                                      headers=AUTH | {"Content-Type": "text/plain"})
    _too_large(response, API_MAX_BYTES)


def test_the_api_answers_413_before_asking_for_the_token(app):
    _too_large(app.test_client().post("/api/sessions", data=b"{" * (API_MAX_BYTES + 1)), API_MAX_BYTES)


# --- any other route, and routes that declare their own --------------------------------------


@pytest.fixture
def routes(app):  # type: ignore[no-untyped-def]
    extra = Blueprint("extra", __name__)

    @extra.post("/form")
    def form():  # type: ignore[no-untyped-def]
        return {"bytes": len(request.get_data())}

    @extra.post("/upload")
    @body_limit(2 * MB)
    def upload():  # type: ignore[no-untyped-def]
        return {"bytes": len(request.get_data())}

    @body_limit(10)
    @extra.post("/tiny")
    def tiny():  # type: ignore[no-untyped-def]
        return {"bytes": len(request.get_data())}

    @app.before_request
    def read_first() -> None:  # a hook that reads the body before the view (as a CSRF check on a form would)
        request.get_data()

    app.register_blueprint(extra)
    return app.test_client()


def test_any_other_route_takes_256_kb(routes):
    assert routes.post("/form", data=b"x" * DEFAULT_MAX_BYTES).get_json() == {"bytes": DEFAULT_MAX_BYTES}
    _too_large(routes.post("/form", data=b"x" * (DEFAULT_MAX_BYTES + 1)), DEFAULT_MAX_BYTES)


def test_a_route_declares_a_larger_or_smaller_limit_whatever_reads_the_body_first(routes):
    assert routes.post("/upload", data=b"x" * (2 * MB)).get_json() == {"bytes": 2 * MB}
    _too_large(routes.post("/upload", data=b"x" * (2 * MB + 1)), 2 * MB)
    assert routes.post("/tiny", data=b"x" * 10).get_json() == {"bytes": 10}
    _too_large(routes.post("/tiny", data=b"x" * 11), 10)


def test_a_body_in_chunks_is_taken_whole_up_to_the_limit_and_refused_past_it(routes):
    def chunked(path: str, size: int):  # type: ignore[no-untyped-def]
        return routes.post(path, input_stream=io.BytesIO(b"x" * size), headers={"Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})

    assert chunked("/tiny", 10).get_json() == {"bytes": 10}
    _too_large(chunked("/tiny", 11), 10)
    assert chunked("/form", DEFAULT_MAX_BYTES).get_json() == {"bytes": DEFAULT_MAX_BYTES}
    _too_large(chunked("/form", DEFAULT_MAX_BYTES + 1), DEFAULT_MAX_BYTES)


def test_a_body_limit_is_a_number_of_bytes():
    with pytest.raises(ValueError, match="0 or more"):
        body_limit(-1)


# --- the simulator's pictures ------------------------------------------------------------------


@pytest.fixture
def simulator_url(app, live_url):  # type: ignore[no-untyped-def]
    app.register_blueprint(simulator.bp)
    app.config["SIMULATOR_PERSONAS"] = [{"id": "someone", "label": "someone", "user_id": USER}]
    return live_url


def test_the_simulator_takes_a_1_mb_picture(simulator_url, fake):
    picture = b"\x89PNG\r\n\x1a\n" + bytes(simulator.MAX_IMAGE_BYTES - 8)
    data_url = "data:image/png;base64," + base64.b64encode(picture).decode()
    body = json.dumps({"persona": "someone", "type": "image", "data_url": data_url}).encode()
    assert len(body) > WEBHOOK_MAX_BYTES  # larger than the old limit of every route: 1 MB
    req = urllib.request.Request(f"{simulator_url}/simulator/api/send", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as response:
        assert json.loads(response.read())["ok"] is True
