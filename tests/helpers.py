"""A test-side stand-in for people using LINE: make events, sign, post, read the replies."""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from devtools.fakeline import FakeLineClient
from devtools.fakeline import events as ev

PAYLOADS = Path(__file__).with_name("payloads")
USER = "U" + "1" * 32
OFFICER = "U" + "0f" * 16
GROUP = "C" + "9" * 32


def load_payload(name: str, **replace: str) -> bytes:
    """A recorded webhook body from tests/payloads, with `{{key}}` placeholders filled."""
    raw = (PAYLOADS / name).read_text(encoding="utf-8")
    for key, value in replace.items():
        raw = raw.replace("{{" + key + "}}", value)
    json.loads(raw)  # the file must stay valid JSON
    return raw.encode()


def before_the_reply(fake: FakeLineClient, path: str, event: dict[str, Any]) -> list[dict[str, Any]]:
    """Requests to `path` made before the reply to `event`, which must exist."""
    [reply] = [r for r in fake.requests("/v2/bot/message/reply") if r["body"]["replyToken"] == event["replyToken"]]
    return [r for r in fake.requests(path) if r["id"] < reply["id"]]


@contextmanager
def served(app: Flask, fake: FakeLineClient, secret: str) -> Iterator[LineChat]:
    """Another app (say, with other settings) served over real HTTP on a loopback port while the
    block runs, and a chat with it; the app is closed after."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield LineChat(f"http://127.0.0.1:{server.server_port}", fake, secret)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        app.extensions["wdf"].close()


class LineChat:
    """Posts signed webhooks to the app over HTTP and reads what reached the fake LINE API."""

    def __init__(self, app_url: str, fake: FakeLineClient, secret: str) -> None:
        self.app_url = app_url
        self.fake = fake
        self.secret = secret

    # -- raw posting --------------------------------------------------------------------

    def post(self, body: bytes, signature: str | None = "sign", *, timeout: float = 10.0) -> ev.Delivery:
        """POST a body; `signature="sign"` signs it correctly, None sends no header."""
        if signature == "sign":
            signature = ev.sign(body, self.secret)
        return ev.post_webhook(self.app_url + "/callback", body, signature, timeout=timeout)

    def deliver(self, *events: dict[str, Any]) -> ev.Delivery:
        delivery = self.post(ev.payload(*events))
        assert delivery.status == 200, delivery
        return delivery

    # -- as a person ---------------------------------------------------------------------

    def event(self, kind: str, *, user: str = USER, group: str | None = None,
              reply: bool = True, **fields: Any) -> dict[str, Any]:
        """An event with a fresh reply token from the fake platform."""
        source = ev.source(user, group)
        token = self.fake.issue_reply_token(source) if reply else None
        return ev.event(kind, source, reply_token=token, **fields)

    def say(self, text: str, *, user: str = USER, group: str | None = None) -> list[dict[str, Any]]:
        """Send a text message; return the messages the bot replied with."""
        token = None if group else uuid.uuid4().hex  # LINE's read token, in 1:1 chats
        event = self.event("message", user=user, group=group, message=ev.text_message(text, mark_as_read_token=token))
        self.deliver(event)
        return self.replies_to(event)

    def tap(self, data: str, *, user: str = USER, group: str | None = None) -> list[dict[str, Any]]:
        """Tap a postback button."""
        event = self.event("postback", user=user, group=group, postback={"data": data})
        self.deliver(event)
        return self.replies_to(event)

    def send(self, kind: str, **fields: Any) -> list[dict[str, Any]]:
        event = self.event(kind, **fields)
        self.deliver(event)
        return self.replies_to(event)

    def replies_to(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """The messages of the reply that used this event's reply token."""
        token = event.get("replyToken")
        found = [r for r in self.fake.requests("/v2/bot/message/reply")
                 if r["status"] == 200 and (r["body"] or {}).get("replyToken") == token]
        assert len(found) <= 1, "a reply token was used twice"
        return found[0]["body"]["messages"] if found else []


def texts(messages: list[dict[str, Any]]) -> str:
    """Everything a person would read in these messages (text, alt text, card text)."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("text", "altText", "label"):
                if isinstance(node.get(key), str):
                    out.append(node[key])
            for value in node.values():
                if isinstance(value, dict | list):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(messages)
    return "\n".join(out)


def quick_replies(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The actions of a message's quick-reply buttons."""
    return [item["action"] for item in (message.get("quickReply") or {}).get("items", [])]


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Every tappable action of a message: quick replies, and the footer buttons of each card."""
    actions = quick_replies(message)
    if message.get("type") == "flex":
        contents = message["contents"]
        for bubble in contents.get("contents") or [contents]:
            actions += [c["action"] for c in (bubble.get("footer") or {}).get("contents", [])
                        if c.get("type") == "button"]
    return actions


def press(line: LineChat, message: dict[str, Any], label: str, *, user: str = USER) -> list[dict[str, Any]]:
    """Tap the first button labelled `label` (or, with none, the one button whose label contains it)."""
    actions = buttons(message)
    found = [a for a in actions if a.get("label") == label][:1] or [a for a in actions if label in a.get("label", "")]
    assert len(found) == 1, f"{len(found)} buttons match {label!r}: {[a.get('label') for a in actions]}"
    return line.tap(found[0]["data"], user=user)


# The ids of relief measures (M1…M7, ACK_DEBT, ADVICE, LITIGATION) are the product's keys, never words
# people read: measures have short Thai names for buttons, lists and cards.
INTERNAL_CODE = re.compile(r"(?<![A-Za-z0-9])M[0-9]+(?![0-9])|ACK_[A-Z]+|ADVICE|LITIGATION")


def shown_words(messages: list[dict[str, Any]]) -> str:
    """Everything a person reads in these messages, and what a tapped button writes in the chat for them."""
    out = [texts(messages)]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("displayText"), str):
                out.append(node["displayText"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(messages)
    return "\n".join(out)


def internal_codes(messages: list[dict[str, Any]]) -> list[str]:
    """Internal codes a person would read in these messages (none, ever)."""
    return INTERNAL_CODE.findall(shown_words(messages))
