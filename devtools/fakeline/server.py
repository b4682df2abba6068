"""The fake Messaging API server: real HTTP, LINE's checks, recorded requests, injected faults."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.serving import BaseWSGIServer, make_server

REPLY_TOKEN_LIFETIME = 60.0  # seconds: LINE's reply tokens expire after about a minute
MESSAGE_TYPES = {"text", "sticker", "image", "video", "audio", "location", "imagemap", "template", "flex"}
RATE_LIMIT_BODY = {"message": "Too Many Requests"}
MONTHLY_LIMIT_BODY = {"message": "You have reached your monthly limit."}
# How often the serving thread looks for a stop request: stop() returns within this
# (werkzeug's default of 0.5 s made every test and demo that stops a server wait for it).
POLL_SECONDS = 0.02


@dataclass
class Fault:
    """An injected failure for the next `count` requests whose path starts with `path`."""

    path: str
    status: int
    count: int = 1
    body: dict[str, Any] | None = None
    delay: float = 0.0
    accept: bool = False  # process the request for real, then answer with `status`
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeState:
    """Everything the fake remembers; guarded by one lock."""

    access_token: str
    lock: threading.RLock = field(default_factory=threading.RLock)
    requests: list[dict[str, Any]] = field(default_factory=list)
    reply_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    accepted_retry_keys: dict[str, str] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    contents: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    rich_menus: dict[str, dict[str, Any]] = field(default_factory=dict)
    default_rich_menu: str | None = None
    chats: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    sent_count: int = 0
    resets: int = 0  # a request slowed by a fault that outlives a reset is left out of the new log
    seq: itertools.count = field(default_factory=lambda: itertools.count(1))

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.reply_tokens.clear()
            self.accepted_retry_keys.clear()
            self.faults.clear()
            self.chats.clear()
            self.sent_count = 0
            self.resets += 1


class LineError(Exception):
    """An error answer, shaped like LINE's: {"message", "details": [{"message", "property"}]}."""

    def __init__(self, status: int, message: str, details: list[dict[str, str]] | None = None):
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"message": message}
        if details:
            self.body["details"] = details


def create_fake_line(access_token: str) -> Flask:
    """The fake platform as a WSGI app (serve it with FakeLinePlatform)."""
    app = Flask("fakeline")
    state = FakeState(access_token=access_token)
    app.extensions["fakeline"] = state

    @app.errorhandler(LineError)
    def _line_error(exc: LineError) -> Response:
        response = jsonify(exc.body)
        response.status_code = exc.status
        return response

    @app.before_request
    def _authenticate() -> Response | None:
        if request.path.startswith("/_fake/"):
            return None
        expected = f"Bearer {state.access_token}"
        if request.headers.get("Authorization") != expected:
            _record(state, 401)
            raise LineError(
                401,
                "Authentication failed. Confirm that the access token in the authorization "
                "header is valid.",
            )
        return None

    _register_messaging(app, state)
    _register_reads(app, state)
    _register_rich_menu(app, state)
    _register_control(app, state)
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
    body = request.get_json(silent=True)
    fault = _take_fault(state)
    if fault and fault.delay:
        resets = state.resets
        time.sleep(fault.delay)
        if state.resets != resets:  # a test that gave up on this request has ended: record nothing
            return _answer(fault)
    if fault and not fault.accept:
        return _fault_response(state, fault, body)
    try:
        if not isinstance(body, dict):
            raise LineError(400, "The request body has 1 error(s)", [_detail("Invalid JSON", "")])
        retry_key = request.headers.get("X-Line-Retry-Key")
        with state.lock:
            if retry_key is not None:
                _check_retry_key(state, kind, retry_key)
            chats = _validate_send(state, kind, body)
            request_id = uuid.uuid4().hex
            if retry_key is not None:
                state.accepted_retry_keys[retry_key] = request_id
            sent = _deliver(state, chats, body["messages"])
    except LineError as exc:
        _record(state, exc.status, body)
        raise
    if fault:  # accepted for real, but the answer "got lost"
        return _fault_response(state, fault, body)
    _record(state, 200, body)
    payload: dict[str, Any] = {} if kind == "multicast" else {"sentMessages": sent}
    response = jsonify(payload)
    response.headers["X-Line-Request-Id"] = request_id
    return response


def _check_retry_key(state: FakeState, kind: str, retry_key: str) -> None:
    if kind == "reply":
        raise LineError(400, "The retry key cannot be used with the reply endpoint")
    try:
        uuid.UUID(retry_key)
    except ValueError:
        raise LineError(400, "The value of the X-Line-Retry-Key header is invalid") from None
    if retry_key in state.accepted_retry_keys:
        exc = LineError(409, "The retry key is already accepted")
        exc.body["acceptedRequestId"] = state.accepted_retry_keys[retry_key]
        raise exc


def _validate_send(state: FakeState, kind: str, body: dict[str, Any]) -> list[str]:
    """Check the request as LINE would; return the chats the messages go to."""
    messages = body.get("messages")
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        raise LineError(
            400, "The request body has 1 error(s)", [_detail("Size must be between 1 and 5", "messages")]
        )
    details: list[dict[str, str]] = []
    for index, message in enumerate(messages):
        details.extend(_message_errors(message, f"messages[{index}]"))
    if details:
        raise LineError(400, f"The request body has {len(details)} error(s)", details)
    if kind == "reply":
        return [_use_reply_token(state, body.get("replyToken"))]
    if kind == "push":
        to = body.get("to")
        if not isinstance(to, str) or to[:1] not in {"U", "C", "R"}:
            raise LineError(400, "The property, 'to', in the request body is invalid (line: -, column: -)")
        return [_chat_key_for(to)]
    to_list = body.get("to")
    if not isinstance(to_list, list) or not 1 <= len(to_list) <= 500:
        raise LineError(
            400, "The request body has 1 error(s)", [_detail("Size must be between 1 and 500", "to")]
        )
    if any(not isinstance(user, str) or not user.startswith("U") for user in to_list):
        raise LineError(400, "The request body has 1 error(s)", [_detail("Invalid user ID", "to")])
    return [_chat_key_for(user) for user in to_list]


def _use_reply_token(state: FakeState, token: object) -> str:
    entry = state.reply_tokens.get(token) if isinstance(token, str) else None
    if entry is None or entry["used"] or time.monotonic() - entry["issued"] > REPLY_TOKEN_LIFETIME:
        raise LineError(400, "Invalid reply token")
    entry["used"] = True
    return entry["chat"]


def _message_errors(message: object, where: str) -> list[dict[str, str]]:
    if not isinstance(message, dict) or message.get("type") not in MESSAGE_TYPES:
        return [_detail("Must be one of the following values: " + ", ".join(sorted(MESSAGE_TYPES)), f"{where}.type")]
    errors: list[dict[str, str]] = []
    kind = message["type"]
    if kind == "text":
        text = message.get("text")
        if not isinstance(text, str) or not text:
            errors.append(_detail("Must not be empty", f"{where}.text"))
        elif len(text) > 5000:
            errors.append(_detail("Length must be between 0 and 5000", f"{where}.text"))
    if kind in {"flex", "template"}:
        alt = message.get("altText")
        limit = 1500 if kind == "flex" else 400
        if not isinstance(alt, str) or not alt or len(alt) > limit:
            errors.append(_detail(f"Length must be between 1 and {limit}", f"{where}.altText"))
    if kind == "flex":
        contents = message.get("contents") or {}
        if contents.get("type") == "carousel" and len(contents.get("contents", [])) > 12:
            errors.append(_detail("Size must be between 1 and 12", f"{where}.contents.contents"))
    items = (message.get("quickReply") or {}).get("items", [])
    if len(items) > 13:
        errors.append(_detail("Size must be between 1 and 13", f"{where}.quickReply.items"))
    for index, item in enumerate(items):
        label = (item.get("action") or {}).get("label", "")
        if len(label) > 20:
            errors.append(_detail("Length must be between 0 and 20", f"{where}.quickReply.items[{index}].action.label"))
    errors.extend(_postback_errors(message, where))
    return errors


def _postback_errors(node: object, where: str) -> list[dict[str, str]]:
    """Every postback action anywhere in the message: data at most 300 characters."""
    errors: list[dict[str, str]] = []
    if isinstance(node, dict):
        if node.get("type") in {"postback", "datetimepicker"}:
            data = node.get("data")
            if not isinstance(data, str) or not 0 < len(data) <= 300:
                errors.append(_detail("Length must be between 1 and 300", f"{where}.data"))
        for key, value in node.items():
            errors.extend(_postback_errors(value, f"{where}.{key}"))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            errors.extend(_postback_errors(value, f"{where}[{index}]"))
    return errors


def _deliver(state: FakeState, chats: list[str], messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    sent = []
    for _ in messages:
        message_id = str(next(state.seq) + 500_000_000_000)
        sent.append({"id": message_id, "quoteToken": uuid.uuid4().hex})
    for chat in chats:
        for message in messages:
            _append_chat(state, chat, "bot", message)
    state.sent_count += len(chats) * len(messages)
    return sent


def _fault_response(state: FakeState, fault: Fault, body: object) -> Response:
    _record(state, fault.status, body, injected=True)
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


def _take_fault(state: FakeState) -> Fault | None:
    with state.lock:
        for fault in state.faults:
            if request.path.startswith(fault.path) and fault.count > 0:
                fault.count -= 1
                if fault.count == 0:
                    state.faults.remove(fault)
                return fault
    return None


# --- Messaging API: reading -------------------------------------------------------------


def _register_reads(app: Flask, state: FakeState) -> None:
    @app.get("/v2/bot/profile/<user_id>")
    def profile(user_id: str) -> Response:
        _record(state, 200)
        found = state.profiles.get(user_id)
        if found is None:
            raise LineError(404, "Not found")
        return jsonify({"userId": user_id, **found})

    @app.get("/v2/bot/group/<group_id>/summary")
    def group_summary(group_id: str) -> Response:
        _record(state, 200)
        group = state.groups.get(group_id)
        if group is None:
            raise LineError(404, "Not found")
        return jsonify({"groupId": group_id, "groupName": group.get("groupName", ""), "pictureUrl": ""})

    @app.get("/v2/bot/group/<group_id>/member/<user_id>")
    def group_member(group_id: str, user_id: str) -> Response:
        _record(state, 200)
        group = state.groups.get(group_id)
        if group is None or user_id not in group.get("members", []):
            raise LineError(404, "Not found")
        return jsonify({"userId": user_id, **state.profiles.get(user_id, {"displayName": "LINE user"})})

    @app.get("/v2/bot/message/<message_id>/content")
    def content(message_id: str) -> Response:
        _record(state, 200)
        found = state.contents.get(message_id)
        if found is None:
            raise LineError(404, "Not found")
        return Response(found[0], mimetype=found[1])

    @app.get("/v2/bot/message/quota")
    def quota() -> Response:
        _record(state, 200)
        return jsonify({"type": "limited", "value": 15000})

    @app.get("/v2/bot/message/quota/consumption")
    def consumption() -> Response:
        _record(state, 200)
        return jsonify({"totalUsage": state.sent_count})



def _register_rich_menu(app: Flask, state: FakeState) -> None:
    @app.post("/v2/bot/richmenu")
    def create_rich_menu() -> Response:
        body = request.get_json(silent=True) or {}
        if not body.get("size") or not body.get("areas") or not body.get("chatBarText"):
            _record(state, 400, body)
            detail = _detail("Must not be null", "size/areas/chatBarText")
            raise LineError(400, "The request body has 1 error(s)", [detail])
        menu_id = "richmenu-" + uuid.uuid4().hex
        state.rich_menus[menu_id] = {"richMenuId": menu_id, **body}
        _record(state, 200, body)
        return jsonify({"richMenuId": menu_id})

    @app.get("/v2/bot/richmenu/list")
    def list_rich_menus() -> Response:
        _record(state, 200)
        return jsonify({"richmenus": list(state.rich_menus.values())})

    @app.post("/v2/bot/richmenu/<menu_id>/content")
    def upload_rich_menu_image(menu_id: str) -> Response:
        _record(state, 200)
        if menu_id not in state.rich_menus:
            raise LineError(404, "Not found")
        if request.mimetype not in {"image/png", "image/jpeg"}:
            raise LineError(415, "Unsupported Media Type")
        state.rich_menus[menu_id]["hasImage"] = True
        return jsonify({})

    @app.post("/v2/bot/user/all/richmenu/<menu_id>")
    def set_default_rich_menu(menu_id: str) -> Response:
        _record(state, 200)
        if menu_id not in state.rich_menus:
            raise LineError(404, "Not found")
        state.default_rich_menu = menu_id
        return jsonify({})

    @app.get("/v2/bot/user/all/richmenu")
    def get_default_rich_menu() -> Response:
        _record(state, 200)
        if state.default_rich_menu is None:
            raise LineError(404, "Not found")
        return jsonify({"richMenuId": state.default_rich_menu})


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
        chat = _chat_key_for(source.get("groupId") or source.get("roomId") or source.get("userId", ""))
        token = uuid.uuid4().hex
        with state.lock:
            state.reply_tokens[token] = {"issued": time.monotonic(), "used": False, "chat": chat}
            if spec.get("echo"):
                _append_chat(state, chat, "user", spec["echo"], sender=source.get("userId"))
        return jsonify({"replyToken": token, "chat": chat})

    @app.put("/_fake/profiles/<user_id>")
    def put_profile(user_id: str) -> Response:
        state.profiles[user_id] = request.get_json(force=True)
        return jsonify({"ok": True})

    @app.put("/_fake/groups/<group_id>")
    def put_group(group_id: str) -> Response:
        state.groups[group_id] = request.get_json(force=True)
        return jsonify({"ok": True})

    @app.put("/_fake/content/<message_id>")
    def put_content(message_id: str) -> Response:
        state.contents[message_id] = (request.get_data(), request.mimetype or "application/octet-stream")
        return jsonify({"ok": True})

    @app.get("/_fake/chats/<path:chat>")
    def chat_log(chat: str) -> Response:
        after = int(request.args.get("after", 0))
        with state.lock:
            rows = [m for m in state.chats.get(chat, []) if m["seq"] > after]
        return jsonify(rows)


# --- helpers ---------------------------------------------------------------------------


def _chat_key_for(recipient: str) -> str:
    kind = {"U": "user", "C": "group", "R": "room"}.get(recipient[:1], "user")
    return f"{kind}:{recipient}"


def _append_chat(
    state: FakeState, chat: str, direction: str, message: dict[str, Any], sender: str | None = None
) -> None:
    state.chats[chat].append(
        {
            "seq": next(state.seq),
            "direction": direction,
            "sender": sender,
            "at": datetime.now(UTC).isoformat(),
            "message": message,
        }
    )


def _record(state: FakeState, status: int, body: object = None, *, injected: bool = False) -> None:
    with state.lock:
        state.requests.append(
            {
                "id": next(state.seq),
                "method": request.method,
                "path": request.path,
                "status": status,
                "injected": injected,
                "retry_key": request.headers.get("X-Line-Retry-Key"),
                "body": body,
                "at": datetime.now(UTC).isoformat(),
            }
        )


def _detail(message: str, prop: str) -> dict[str, str]:
    return {"message": message, "property": prop}


class FakeLinePlatform:
    """Serves the fake on a loopback port in a background thread."""

    def __init__(self, access_token: str, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = create_fake_line(access_token)
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

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
