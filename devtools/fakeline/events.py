"""Build and sign webhook events the way the LINE platform does (for tests and the simulator)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

_counter = itertools.count(1)


def sign(body: bytes, channel_secret: str) -> str:
    """The X-Line-Signature of a body: base64(HMAC-SHA256(channel secret, body))."""
    digest = hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def new_event_id() -> str:
    """A webhookEventId in LINE's style (a ULID-like 26-character string)."""
    return uuid.uuid4().hex[:26].upper()


def new_message_id() -> str:
    return str(600_000_000_000 + next(_counter))


def source(user_id: str, group_id: str | None = None) -> dict[str, Any]:
    """A `source` object: a 1:1 chat, or a group chat with the speaking user."""
    if group_id:
        return {"type": "group", "groupId": group_id, "userId": user_id}
    return {"type": "user", "userId": user_id}


def event(kind: str, src: dict[str, Any], *, reply_token: str | None = None,
          redelivery: bool = False, event_id: str | None = None, **fields: Any) -> dict[str, Any]:
    """One webhook event of `kind` with the common fields LINE sends."""
    body: dict[str, Any] = {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": src,
        "webhookEventId": event_id or new_event_id(),
        "deliveryContext": {"isRedelivery": redelivery},
    }
    if reply_token is not None:
        body["replyToken"] = reply_token
    if kind == "follow":
        body["follow"] = {"isUnblocked": False}  # LINE always sends it; the SDK requires it
    body.update(fields)
    return body


def text_message(text: str, *, mark_as_read_token: str | None = None) -> dict[str, Any]:
    """A text message; LINE adds a `markAsReadToken` to what people send in a one-on-one chat."""
    message = {"type": "text", "id": new_message_id(), "quoteToken": uuid.uuid4().hex, "text": text}
    if mark_as_read_token is not None:
        message["markAsReadToken"] = mark_as_read_token
    return message


def location_message(latitude: float, longitude: float, title: str = "", address: str = "") -> dict[str, Any]:
    return {"type": "location", "id": new_message_id(), "title": title, "address": address,
            "latitude": latitude, "longitude": longitude}


def image_message(message_id: str | None = None) -> dict[str, Any]:
    return {"type": "image", "id": message_id or new_message_id(), "quoteToken": uuid.uuid4().hex,
            "contentProvider": {"type": "line"}}


def payload(*events: dict[str, Any], destination: str = "Ufakebotdestination0000000000000") -> bytes:
    """The JSON body LINE posts to the webhook."""
    return json.dumps({"destination": destination, "events": list(events)}, ensure_ascii=False).encode()


@dataclass(frozen=True)
class Delivery:
    status: int
    body: str


def post_webhook(url: str, body: bytes, signature: str | None, timeout: float = 10.0) -> Delivery:
    """POST a webhook body to the bot over HTTP, as LINE does."""
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "LineBotWebhook/2.0"}
    if signature is not None:
        headers["X-Line-Signature"] = signature
    req = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return Delivery(response.status, response.read().decode())
    except urllib.error.HTTPError as exc:
        with exc:
            return Delivery(exc.code, exc.read().decode())
