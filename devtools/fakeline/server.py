"""The fake Messaging API server: real HTTP, LINE's checks, recorded requests, injected faults.

`state` holds what it remembers and its error answers, `checks` what LINE checks on a send,
`richmenus` the rich menus, their aliases and each user's;
the routes and the server that runs them are here.
"""

from __future__ import annotations

import base64
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.serving import BaseWSGIServer, make_server

from devtools.fakeline.checks import check_loading, check_read_mark, check_retry_key, validate_send
from devtools.fakeline.login import register_login
from devtools.fakeline.richmenus import register_rich_menus
from devtools.fakeline.state import (
    RATE_LIMIT_BODY,
    Content,
    FakeState,
    Fault,
    LineError,
    append_chat,
    chat_key_for,
    error_detail,
    record_request,
    take_fault,
)

# How often the serving thread looks for a stop request: stop() returns within this
# (werkzeug's default of 0.5 s made every test and demo that stops a server wait for it).
POLL_SECONDS = 0.02
CONTENT_CHUNK = 64 * 1024  # message content is served this much at a time


def create_fake_line(access_token: str, latency: tuple[float, float] = (0.0, 0.0)) -> Flask:
    """The fake platform as a WSGI app (serve it with FakeLinePlatform); each reply, push and
    multicast waits `latency` seconds first (uniform between the two; none by default)."""
    app = Flask("fakeline")
    state = FakeState(access_token=access_token, latency=latency)
    app.extensions["fakeline"] = state

    @app.errorhandler(LineError)
    def _line_error(exc: LineError) -> Response:
        response = jsonify(exc.body)
        response.status_code = exc.status
        return response

    @app.before_request
    def _authenticate() -> Response | None:
        if request.path.startswith(("/_fake/", "/oauth2/")):  # LINE Login authenticates by its own means
            return None
        expected = f"Bearer {state.access_token}"
        if request.headers.get("Authorization") != expected:
            record_request(state, 401)
            raise LineError(
                401,
                "Authentication failed. Confirm that the access token in the authorization "
                "header is valid.",
            )
        return None

    _register_messaging(app, state)
    _register_chat(app, state)
    _register_reads(app, state)
    _register_content(app, state)
    register_rich_menus(app, state)
    _register_control(app, state)
    register_login(app, state)
    return app


# --- Messaging API: sending -------------------------------------------------------------


def _register_messaging(app: Flask, state: FakeState) -> None:
    @app.post("/v2/bot/message/reply")
    def reply() -> Response:
        return _send(state, "reply")

    @app.post("/v2/bot/message/push")
    def push() -> Response:
        return _send(state, "push")

    @app.post("/v2/bot/message/multicast")
    def multicast() -> Response:
        return _send(state, "multicast")


def _send(state: FakeState, kind: str) -> Response:
    if state.latency[1] > 0:
        time.sleep(random.uniform(*state.latency))  # noqa: S311 - a delay, not a secret
    body = request.get_json(silent=True)
    fault = take_fault(state)
    if fault and fault.delay:
        resets = state.resets
        time.sleep(fault.delay)
        if state.resets != resets:  # a test that gave up on this request has ended: record nothing
            return _answer(fault)
    if fault and not fault.accept:
        return _fault_response(state, fault, body)
    try:
        if not isinstance(body, dict):
            raise LineError(400, "The request body has 1 error(s)", [error_detail("Invalid JSON", "")])
        retry_key = request.headers.get("X-Line-Retry-Key")
        with state.lock:
            if retry_key is not None:
                check_retry_key(state, kind, retry_key)
            chats = validate_send(state, kind, body)
            request_id = uuid.uuid4().hex
            if retry_key is not None:
                state.accepted_retry_keys[retry_key] = request_id
            sent = _deliver(state, chats, body["messages"])
    except LineError as exc:
        record_request(state, exc.status, body)
        raise
    if fault:  # accepted for real, but the answer "got lost"
        return _fault_response(state, fault, body)
    record_request(state, 200, body)
    payload: dict[str, Any] = {} if kind == "multicast" else {"sentMessages": sent}
    response = jsonify(payload)
    response.headers["X-Line-Request-Id"] = request_id
    return response


def _deliver(state: FakeState, chats: list[str], messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    sent = []
    for _ in messages:
        message_id = str(next(state.seq) + 500_000_000_000)
        sent.append({"id": message_id, "quoteToken": uuid.uuid4().hex})
    for chat in chats:
        for message in messages:
            append_chat(state, chat, "bot", message)
    state.sent_count += len(chats) * len(messages)
    return sent


def _fault_response(state: FakeState, fault: Fault, body: object) -> Response:
    record_request(state, fault.status, body, injected=True)
    return _answer(fault)


def _answer(fault: Fault) -> Response:
    payload = fault.body
    if payload is None:
        payload = RATE_LIMIT_BODY if fault.status == 429 else {"message": "Internal server error"}
    response = jsonify(payload)
    response.status_code = fault.status
    for key, value in fault.headers.items():
        response.headers[key] = value
    return response


# --- Messaging API: the loading animation and read marks ---------------------------------


def _register_chat(app: Flask, state: FakeState) -> None:
    @app.post("/v2/bot/chat/loading/start")
    def loading_start() -> Response:
        body = request.get_json(silent=True)
        fault = take_fault(state)
        if fault:
            return _fault_answer(state, fault, body)
        try:
            check_loading(body)
        except LineError as exc:
            record_request(state, exc.status, body)
            raise
        record_request(state, 202, body)
        response = jsonify({})
        response.status_code = 202
        return response

    @app.post("/v2/bot/chat/markAsRead")
    def mark_as_read_by_token() -> Response:
        return _read_mark(state, "markAsReadToken")

    @app.post("/v2/bot/message/markAsRead")
    def mark_as_read_by_chat() -> Response:  # the older API, by chat id
        return _read_mark(state, "chat")


def _read_mark(state: FakeState, field: str) -> Response:
    body = request.get_json(silent=True)
    fault = take_fault(state)
    if fault:
        return _fault_answer(state, fault, body)
    try:
        check_read_mark(body, field)
    except LineError as exc:
        record_request(state, exc.status, body)
        raise
    record_request(state, 200, body)
    return jsonify({})


def _fault_answer(state: FakeState, fault: Fault, body: object) -> Response:
    """An injected failure (or a slow answer) for a request that changes nothing worth keeping."""
    if fault.delay:
        time.sleep(fault.delay)
    return _fault_response(state, fault, body)


# --- Messaging API: reading -------------------------------------------------------------


def _register_reads(app: Flask, state: FakeState) -> None:
    @app.get("/v2/bot/profile/<user_id>")
    def profile(user_id: str) -> Response:
        record_request(state, 200)
        found = state.profiles.get(user_id)
        if found is None:
            raise LineError(404, "Not found")
        return jsonify({"userId": user_id, **found})

    @app.get("/v2/bot/group/<group_id>/summary")
    def group_summary(group_id: str) -> Response:
        record_request(state, 200)
        group = state.groups.get(group_id)
        if group is None:
            raise LineError(404, "Not found")
        return jsonify({"groupId": group_id, "groupName": group.get("groupName", ""), "pictureUrl": ""})

    @app.get("/v2/bot/group/<group_id>/member/<user_id>")
    def group_member(group_id: str, user_id: str) -> Response:
        record_request(state, 200)
        group = state.groups.get(group_id)
        if group is None or user_id not in group.get("members", []):
            raise LineError(404, "Not found")
        return jsonify({"userId": user_id, **state.profiles.get(user_id, {"displayName": "LINE user"})})

    @app.get("/v2/bot/message/quota")
    def quota() -> Response:
        record_request(state, 200)
        return jsonify({"type": "limited", "value": 15000})

    @app.get("/v2/bot/message/quota/consumption")
    def consumption() -> Response:
        record_request(state, 200)
        return jsonify({"totalUsage": state.sent_count})


def _register_content(app: Flask, state: FakeState) -> None:
    """What people send (pictures): served by LINE's data host, put there by tests and the simulator."""

    @app.get("/v2/bot/message/<message_id>/content")
    def content(message_id: str) -> Response:
        fault = take_fault(state)
        if fault and fault.delay:
            time.sleep(fault.delay)  # LINE's data host slow to answer
        if fault and not fault.accept:
            return _fault_response(state, fault, None)
        record_request(state, 200)
        found = state.contents.get(message_id)
        if found is None:
            raise LineError(404, "Not found")
        found.sent, found.finished, found.complete = 0, False, False
        response = Response(_content_body(found), mimetype=found.content_type, direct_passthrough=True)
        if found.declare_length:
            response.headers["Content-Length"] = str(max(found.size, len(found.head)))
        return response

    @app.put("/_fake/content/<message_id>")
    def put_content(message_id: str) -> Response:
        state.contents[message_id] = Content(request.get_data(), request.mimetype or "application/octet-stream")
        return jsonify({"ok": True})

    @app.put("/_fake/content/<message_id>/generated")
    def put_generated_content(message_id: str) -> Response:
        spec = request.get_json(force=True)
        state.contents[message_id] = Content(
            base64.b64decode(spec.get("head", "")), spec.get("content_type", "application/octet-stream"),
            size=int(spec.get("size", 0)), declare_length=bool(spec.get("declare_length", True)))
        return jsonify({"ok": True})

    @app.get("/_fake/content/<message_id>")
    def content_served(message_id: str) -> Response:
        found = state.contents.get(message_id)
        if found is None:
            raise LineError(404, "Not found")
        return jsonify(found.stats())


def _content_body(content: Content) -> Iterator[bytes]:
    """The content a chunk at a time, counting what the connection took: a client that stops
    reading and closes makes the server's next write fail, and the body is closed there."""
    filler = b"\0" * CONTENT_CHUNK
    try:
        yield content.head
        content.sent += len(content.head)
        left = content.size - len(content.head)
        while left > 0:
            chunk = filler[:left]
            yield chunk
            content.sent += len(chunk)
            left -= len(chunk)
        content.complete = True
    finally:
        content.finished = True


# --- control endpoints (tests and the simulator) -----------------------------------------


def _register_control(app: Flask, state: FakeState) -> None:
    @app.get("/_fake/requests")
    def recorded() -> Response:
        after = int(request.args.get("after", 0))
        prefix = request.args.get("path", "")
        with state.lock:
            rows = [r for r in state.requests if r["id"] > after and r["path"].startswith(prefix)]
        return jsonify(rows)

    @app.post("/_fake/reset")
    def reset() -> Response:
        state.reset()
        return jsonify({"ok": True})

    @app.post("/_fake/faults")
    def add_fault() -> Response:
        spec = request.get_json(force=True)
        fault = Fault(
            path=spec.get("path", "/v2/"),
            status=int(spec["status"]),
            count=int(spec.get("count", 1)),
            body=spec.get("body"),
            delay=float(spec.get("delay", 0.0)),
            accept=bool(spec.get("accept", False)),
            headers=spec.get("headers") or {},
        )
        with state.lock:
            state.faults.append(fault)
        return jsonify({"ok": True})

    @app.post("/_fake/reply-tokens")
    def issue_reply_token() -> Response:
        spec = request.get_json(force=True)
        source = spec.get("source") or {}
        chat = chat_key_for(source.get("groupId") or source.get("roomId") or source.get("userId", ""))
        token = uuid.uuid4().hex
        with state.lock:
            state.reply_tokens[token] = {"issued": time.monotonic(), "used": False, "chat": chat}
            if spec.get("echo"):
                append_chat(state, chat, "user", spec["echo"], sender=source.get("userId"))
        return jsonify({"replyToken": token, "chat": chat})

    @app.put("/_fake/profiles/<user_id>")
    def put_profile(user_id: str) -> Response:
        state.profiles[user_id] = request.get_json(force=True)
        return jsonify({"ok": True})

    @app.put("/_fake/groups/<group_id>")
    def put_group(group_id: str) -> Response:
        state.groups[group_id] = request.get_json(force=True)
        return jsonify({"ok": True})

    @app.get("/_fake/chats/<path:chat>")
    def chat_log(chat: str) -> Response:
        after = int(request.args.get("after", 0))
        with state.lock:
            rows = [m for m in state.chats.get(chat, []) if m["seq"] > after]
        return jsonify(rows)


class FakeLinePlatform:
    """Serves the fake on a loopback port in a background thread."""

    def __init__(self, access_token: str, host: str = "127.0.0.1", port: int = 0,
                 latency: tuple[float, float] = (0.0, 0.0)) -> None:
        self.app = create_fake_line(access_token, latency)
        self.state: FakeState = self.app.extensions["fakeline"]
        self._server: BaseWSGIServer = make_server(host, port, self.app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(POLL_SECONDS,),
                                        name="fake-line", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self._server.host}:{self._server.server_port}"

    def start(self) -> FakeLinePlatform:
        self._thread.start()
        return self

    def use_clock(self, now: Callable[[], datetime]) -> None:
        """Stamp chat messages with this clock (the demo's pinned one) instead of the wall clock."""
        self.state.clock = now

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
