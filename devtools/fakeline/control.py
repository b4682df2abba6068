"""A client for the fake platform's control endpoints (`/_fake/...`), over real HTTP."""

from __future__ import annotations

import base64
import json
import time
import urllib.request
from typing import Any
from urllib.parse import quote, urlencode


class FakeLineClient:
    """Ask the fake what reached it, and make it misbehave on purpose."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def requests(self, path: str = "", after: int = 0) -> list[dict[str, Any]]:
        """Recorded Messaging API requests, oldest first, optionally by path prefix."""
        return self._call("GET", "/_fake/requests?" + urlencode({"path": path, "after": after}))

    def reset(self) -> None:
        self._call("POST", "/_fake/reset", {})

    def inject(self, path: str, status: int, *, count: int = 1, body: dict[str, Any] | None = None,
               delay: float = 0.0, accept: bool = False, headers: dict[str, str] | None = None) -> None:
        """Make the next `count` requests to `path` fail with `status` (see server.Fault)."""
        self._call("POST", "/_fake/faults", {
            "path": path, "status": status, "count": count, "body": body,
            "delay": delay, "accept": accept, "headers": headers or {},
        })

    def issue_reply_token(self, source: dict[str, Any], echo: dict[str, Any] | None = None) -> str:
        """A fresh reply token for an event from `source`; `echo` shows the user's message."""
        return self._call("POST", "/_fake/reply-tokens", {"source": source, "echo": echo})["replyToken"]

    def set_profile(self, user_id: str, display_name: str) -> None:
        self._call("PUT", f"/_fake/profiles/{quote(user_id)}", {"displayName": display_name})

    def login_as(self, user_id: str | None) -> None:
        """The next "Log in with LINE" signs in this user at once (None: pick on the fake's page)."""
        self._call("POST", "/_fake/login-as", {"user_id": user_id})

    def set_group(self, group_id: str, name: str, members: list[str]) -> None:
        self._call("PUT", f"/_fake/groups/{quote(group_id)}", {"groupName": name, "members": members})

    def put_content(self, message_id: str, data: bytes, content_type: str) -> None:
        req = urllib.request.Request(
            self.base_url + f"/_fake/content/{quote(message_id)}", data=data, method="PUT",
            headers={"Content-Type": content_type},
        )
        with urllib.request.urlopen(req, timeout=10) as response:
            response.read()

    def put_generated_content(self, message_id: str, head: bytes, size: int, content_type: str, *,
                              declare_length: bool = True) -> None:
        """Content of `size` bytes, `head` then filler, made as it is served (a 200 MB picture is
        never held); without `declare_length` it is sent chunked, with no Content-Length."""
        self._call("PUT", f"/_fake/content/{quote(message_id)}/generated", {
            "head": base64.b64encode(head).decode(), "size": size, "content_type": content_type,
            "declare_length": declare_length})

    def content_served(self, message_id: str, *, wait: float = 10.0) -> dict[str, Any]:
        """How the last request for a content went: {"size", "sent" (bytes the connection took),
        "finished", "complete" (read to the end)}; waits up to `wait` seconds for it to finish
        (the server learns that a client hung up on its next write)."""
        deadline = time.monotonic() + wait
        while True:
            stats: dict[str, Any] = self._call("GET", f"/_fake/content/{quote(message_id)}")
            if stats["finished"] or time.monotonic() > deadline:
                return stats
            time.sleep(0.01)

    def rich_menu_of(self, user_id: str) -> dict[str, Any]:
        """The rich menu a user sees: {"richMenu": {...} or None, "linked": their own or the default}."""
        return self._call("GET", f"/_fake/richmenus/user/{quote(user_id)}")  # type: ignore[no-any-return]

    def rich_menu_image(self, menu_id: str) -> tuple[bytes, str]:
        """A rich menu's picture and its content type."""
        with urllib.request.urlopen(self.base_url + f"/_fake/richmenus/{quote(menu_id)}/image", timeout=10) as response:
            return response.read(), response.headers.get_content_type()

    def switch_rich_menu(self, user_id: str, alias_id: str) -> str:
        """A richmenuswitch area tapped: LINE links the alias's menu to the user; returns LINE's status."""
        return str(self._call("POST", "/_fake/richmenus/switch", {"userId": user_id, "richMenuAliasId": alias_id})
                   ["status"])

    def chat(self, chat: str, after: int = 0) -> list[dict[str, Any]]:
        """The transcript of `user:U…` or `group:C…` as LINE would show it."""
        return self._call("GET", f"/_fake/chats/{quote(chat, safe=':')}?after={after}")

    def _call(self, method: str, path: str, payload: object = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        req = urllib.request.Request(
            self.base_url + path, data=data, method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as response:
            return json.loads(response.read() or b"null")
