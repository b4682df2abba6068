"""What the fake LINE platform remembers, its error answers, and the helpers every route uses."""

from __future__ import annotations

import itertools
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import request

REPLY_TOKEN_LIFETIME = 60.0  # seconds: LINE's reply tokens expire after about a minute
MESSAGE_TYPES = {"text", "sticker", "image", "video", "audio", "location", "imagemap", "template", "flex"}
RATE_LIMIT_BODY = {"message": "Too Many Requests"}
MONTHLY_LIMIT_BODY = {"message": "You have reached your monthly limit."}


@dataclass
class Fault:
    """An injected failure for the next `count` requests whose path starts with `path`."""

    path: str
    status: int
    count: int = 1
    body: dict[str, Any] | None = None
    delay: float = 0.0
    accept: bool = False  # process the request for real, then answer with `status` (a read: as usual, after `delay`)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Content:
    """What a message's content is as the fake serves it: `head`, then filler up to `size` bytes
    (a test's 200 MB picture is never held), with or without a Content-Length; and how much of it
    the last request took, so a test can tell a body read to the end from one cut off."""

    head: bytes
    content_type: str
    size: int = 0  # 0: just the head
    declare_length: bool = True
    sent: int = 0  # bytes the last response handed to the connection
    finished: bool = False  # the last response is over (read to the end or cut off)
    complete: bool = False  # the last response was read to the end

    def stats(self) -> dict[str, Any]:
        return {"size": max(self.size, len(self.head)), "sent": self.sent, "finished": self.finished,
                "complete": self.complete}


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
    contents: dict[str, Content] = field(default_factory=dict)
    rich_menus: dict[str, dict[str, Any]] = field(default_factory=dict)
    rich_menu_images: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # menu id: (bytes, type)
    rich_menu_aliases: dict[str, str] = field(default_factory=dict)  # alias id: menu id
    user_rich_menus: dict[str, str] = field(default_factory=dict)  # user id: the menu linked to them
    default_rich_menu: str | None = None
    chats: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    sent_count: int = 0
    # seconds each send takes before it is handled, drawn evenly from (low, high): LINE answers a
    # push in a few tens of milliseconds, which is what makes several senders worth having
    latency: tuple[float, float] = (0.0, 0.0)
    resets: int = 0  # a request slowed by a fault that outlives a reset is left out of the new log
    seq: itertools.count = field(default_factory=lambda: itertools.count(1))
    # What the chats are stamped with: the wall clock, or the bot's pinned clock in the demo
    # (FakeLinePlatform.use_clock), so that a chat's times are the bot's "now".
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.reply_tokens.clear()
            self.accepted_retry_keys.clear()
            self.faults.clear()
            self.chats.clear()
            self.sent_count = 0
            self.rich_menus.clear()
            self.rich_menu_images.clear()
            self.rich_menu_aliases.clear()
            self.user_rich_menus.clear()
            self.default_rich_menu = None
            self.resets += 1


class LineError(Exception):
    """An error answer, shaped like LINE's: {"message", "details": [{"message", "property"}]}."""

    def __init__(self, status: int, message: str, details: list[dict[str, str]] | None = None):
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"message": message}
        if details:
            self.body["details"] = details


def take_fault(state: FakeState) -> Fault | None:
    with state.lock:
        for fault in state.faults:
            if request.path.startswith(fault.path) and fault.count > 0:
                fault.count -= 1
                if fault.count == 0:
                    state.faults.remove(fault)
                return fault
    return None


def chat_key_for(recipient: str) -> str:
    kind = {"U": "user", "C": "group", "R": "room"}.get(recipient[:1], "user")
    return f"{kind}:{recipient}"


def append_chat(
    state: FakeState, chat: str, direction: str, message: dict[str, Any], sender: str | None = None
) -> None:
    state.chats[chat].append(
        {
            "seq": next(state.seq),
            "direction": direction,
            "sender": sender,
            "at": state.clock().astimezone(UTC).isoformat(),
            "message": message,
        }
    )


def record_request(state: FakeState, status: int, body: object = None, *, injected: bool = False) -> None:
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


def error_detail(message: str, prop: str) -> dict[str, str]:
    return {"message": message, "property": prop}
