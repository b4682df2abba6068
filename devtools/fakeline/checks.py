"""LINE's checks on a request: message limits, reply tokens, retry keys, recipients, the loading
animation and read marks."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

from devtools.fakeline.state import (
    MESSAGE_TYPES,
    REPLY_TOKEN_LIFETIME,
    FakeState,
    LineError,
    chat_key_for,
    error_detail,
)


def check_retry_key(state: FakeState, kind: str, retry_key: str) -> None:
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


def validate_send(state: FakeState, kind: str, body: dict[str, Any]) -> list[str]:
    """Check the request as LINE would; return the chats the messages go to."""
    messages = body.get("messages")
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        raise LineError(
            400, "The request body has 1 error(s)", [error_detail("Size must be between 1 and 5", "messages")]
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
        return [chat_key_for(to)]
    to_list = body.get("to")
    if not isinstance(to_list, list) or not 1 <= len(to_list) <= 500:
        raise LineError(
            400, "The request body has 1 error(s)", [error_detail("Size must be between 1 and 500", "to")]
        )
    if any(not isinstance(user, str) or not user.startswith("U") for user in to_list):
        raise LineError(400, "The request body has 1 error(s)", [error_detail("Invalid user ID", "to")])
    return [chat_key_for(user) for user in to_list]


def _use_reply_token(state: FakeState, token: object) -> str:
    entry = state.reply_tokens.get(token) if isinstance(token, str) else None
    if entry is None or entry["used"] or time.monotonic() - entry["issued"] > REPLY_TOKEN_LIFETIME:
        raise LineError(400, "Invalid reply token")
    entry["used"] = True
    return entry["chat"]


def _message_errors(message: object, where: str) -> list[dict[str, str]]:
    if not isinstance(message, dict) or message.get("type") not in MESSAGE_TYPES:
        allowed = "Must be one of the following values: " + ", ".join(sorted(MESSAGE_TYPES))
        return [error_detail(allowed, f"{where}.type")]
    errors: list[dict[str, str]] = []
    kind = message["type"]
    if kind == "text":
        text = message.get("text")
        if not isinstance(text, str) or not text:
            errors.append(error_detail("Must not be empty", f"{where}.text"))
        elif len(text) > 5000:
            errors.append(error_detail("Length must be between 0 and 5000", f"{where}.text"))
    if kind in {"flex", "template"}:
        alt = message.get("altText")
        limit = 1500 if kind == "flex" else 400
        if not isinstance(alt, str) or not alt or len(alt) > limit:
            errors.append(error_detail(f"Length must be between 1 and {limit}", f"{where}.altText"))
    if kind == "flex":
        contents = message.get("contents") or {}
        if contents.get("type") == "carousel" and len(contents.get("contents", [])) > 12:
            errors.append(error_detail("Size must be between 1 and 12", f"{where}.contents.contents"))
    items = (message.get("quickReply") or {}).get("items", [])
    if len(items) > 13:
        errors.append(error_detail("Size must be between 1 and 13", f"{where}.quickReply.items"))
    for index, item in enumerate(items):
        label = (item.get("action") or {}).get("label", "")
        if len(label) > 20:
            where_label = f"{where}.quickReply.items[{index}].action.label"
            errors.append(error_detail("Length must be between 0 and 20", where_label))
    errors.extend(_image_errors(message, where))
    errors.extend(_postback_errors(message, where))
    errors.extend(_clipboard_errors(message, where))
    return errors


# LINE fetches a picture from the sender's server over https only. The fake also takes http
# from this machine (127.0.0.1, localhost), where the tests and the demo serve the app.
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
IMAGE_URL_MAX = 2000


def _image_errors(message: dict[str, Any], where: str) -> list[dict[str, str]]:
    """An image message: both URLs present, at most 2,000 characters, https (or http on loopback)."""
    errors: list[dict[str, str]] = []
    if message.get("type") != "image":
        return errors
    for key in ("originalContentUrl", "previewImageUrl"):
        url = message.get(key)
        parts = urlsplit(url) if isinstance(url, str) else None
        secure = parts is not None and (parts.scheme == "https" or (
            parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS))
        if not isinstance(url, str) or not 0 < len(url) <= IMAGE_URL_MAX or not secure:
            errors.append(error_detail(f"Must be an https URL of at most {IMAGE_URL_MAX} characters", f"{where}.{key}"))
    return errors


def _clipboard_errors(node: object, where: str) -> list[dict[str, str]]:
    """Every clipboard action anywhere in the message: the text to copy is 1 to 1,000 characters."""
    errors: list[dict[str, str]] = []
    if isinstance(node, dict):
        if node.get("type") == "clipboard":
            text = node.get("clipboardText")
            if not isinstance(text, str) or not 0 < len(text) <= 1000:
                errors.append(error_detail("Length must be between 1 and 1000", f"{where}.clipboardText"))
        for key, value in node.items():
            errors.extend(_clipboard_errors(value, f"{where}.{key}"))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            errors.extend(_clipboard_errors(value, f"{where}[{index}]"))
    return errors


def _postback_errors(node: object, where: str) -> list[dict[str, str]]:
    """Every postback action anywhere in the message: data at most 300 characters."""
    errors: list[dict[str, str]] = []
    if isinstance(node, dict):
        if node.get("type") in {"postback", "datetimepicker"}:
            data = node.get("data")
            if not isinstance(data, str) or not 0 < len(data) <= 300:
                errors.append(error_detail("Length must be between 1 and 300", f"{where}.data"))
        for key, value in node.items():
            errors.extend(_postback_errors(value, f"{where}.{key}"))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            errors.extend(_postback_errors(value, f"{where}[{index}]"))
    return errors


LOADING_SECONDS = range(5, 61, 5)  # loadingSeconds: 5 to 60, a multiple of 5 (20 when left out)
USER_ID = re.compile(r"U[0-9a-f]{32}")


def check_loading(body: object) -> None:
    """POST /v2/bot/chat/loading/start: a user's id (one-on-one chats only) and a valid duration."""
    if not isinstance(body, dict):
        raise LineError(400, "The request body has 1 error(s)", [error_detail("Invalid JSON", "")])
    chat = body.get("chatId")
    if not isinstance(chat, str) or not USER_ID.fullmatch(chat):
        # a group's or a room's id too: LINE shows the animation in one-on-one chats only
        raise LineError(400, "The request body has 1 error(s)",
                        [error_detail("Must be a user ID of a one-on-one chat", "chatId")])
    seconds = body.get("loadingSeconds", 20)
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds not in LOADING_SECONDS:
        raise LineError(400, "The request body has 1 error(s)",
                        [error_detail("Must be a multiple of 5 between 5 and 60", "loadingSeconds")])


def check_read_mark(body: object, field: str) -> None:
    """POST /v2/bot/chat/markAsRead (`markAsReadToken`) or the older /v2/bot/message/markAsRead (`chat`)."""
    if not isinstance(body, dict):
        raise LineError(400, "The request body has 1 error(s)", [error_detail("Invalid JSON", "")])
    value = body.get(field)
    if field == "chat":
        value = value.get("userId") if isinstance(value, dict) else None
        if not isinstance(value, str) or not USER_ID.fullmatch(value):
            raise LineError(400, "The request body has 1 error(s)", [error_detail("Invalid user ID", "chat.userId")])
    elif not isinstance(value, str) or not value.strip():
        raise LineError(400, "The request body has 1 error(s)", [error_detail("Must not be empty", field)])
