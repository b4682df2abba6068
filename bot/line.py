"""The one boundary through which the product talks to the LINE Messaging API.

Everything outgoing goes through `LineGateway`: a request timeout on every call, the
push rate limit (`LINE_PUSH_RATE`), and results as plain `SendResult` values so the
outbox can decide what to retry. The real SDK (`linebot.v3`) does the HTTP; tests and the
demo aim it at the fake platform with `Configuration(host=...)`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import urllib3
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MarkMessagesAsReadByTokenRequest,
    MessagingApi,
    MessagingApiBlob,
    ShowLoadingAnimationRequest,
)
from linebot.v3.messaging.rest import RESTResponse

from config.settings import Settings
from domain.pictures import Fetched
from messages.line_json import checked
from models.db import JsonText

log = logging.getLogger(__name__)

MAX_MESSAGES_PER_REQUEST = 5
MAX_MULTICAST_RECIPIENTS = 500
CONTENT_CHUNK = 64 * 1024  # a picture is read this much at a time
CONTENT_SECONDS = 30.0  # the longest a picture may take to arrive, however steadily it trickles
# The loading animation and the read mark only dress up a reply: they may hold it up this long at most.
TOUCH_SECONDS = 2.0
LOADING_STEP, LOADING_MIN, LOADING_MAX = 5, 5, 60  # LINE's rule for loadingSeconds


def serialised(messages: Sequence[dict[str, Any]]) -> JsonText:
    """A request's messages (1 to 5: `checked`) as the JSON text LINE gets, made once: the webhook
    stores this text in the reply's outbox row and posts it. UTF-8, Thai as itself (a Thai letter
    is 3 bytes where the `\\u0e..` escape `json.dumps` writes by default is 6), no spaces."""
    return JsonText(_compact(checked(messages)))


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def loading_seconds(seconds: int) -> int:
    """The nearest duration LINE accepts for the loading animation: 5 to 60, in steps of 5."""
    stepped = -(-seconds // LOADING_STEP) * LOADING_STEP
    return max(LOADING_MIN, min(LOADING_MAX, stepped))


@dataclass(frozen=True)
class SendResult:
    """What LINE answered; `status` is None when no answer came (timeout, refused)."""

    status: int | None
    request_id: str | None = None
    error: str | None = None
    retry_after: float | None = None
    data: Any = field(default=None, compare=False, repr=False)  # the body LINE answered with, read

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def already_accepted(self) -> bool:
        """409 on a request with a retry key: LINE already accepted it (counts as delivered)."""
        return self.status == 409

    @property
    def retryable(self) -> bool:
        """429, 5xx and no answer at all are worth retrying; other 4xx never are."""
        return self.status is None or self.status == 429 or self.status >= 500

    @property
    def monthly_quota_exceeded(self) -> bool:
        return self.status == 429 and "monthly limit" in (self.error or "").lower()


class RateLimiter:
    """A token bucket: at most `rate` calls per second, shared by the threads of a process."""

    def __init__(
        self,
        rate: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = float(rate)
        self._monotonic = monotonic
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_free = monotonic()

    def acquire(self) -> None:
        """Block until the next call is allowed."""
        with self._lock:
            now = self._monotonic()
            start = max(now, self._next_free)
            self._next_free = start + 1.0 / self.rate
            wait = start - now
        if wait > 0:
            self._sleep(wait)


class LineGateway:
    """Reply, push, multicast and read from LINE, never raising for an HTTP failure."""

    def __init__(self, settings: Settings) -> None:
        self.timeout = settings.line_timeout_seconds
        self.content_max_bytes = settings.upload_max_bytes
        self.limiter = RateLimiter(settings.line_push_rate)
        self._api_client = ApiClient(
            _configuration(settings.line_api_base_url, settings.line_channel_access_token)
        )
        self._blob_client = ApiClient(
            _configuration(settings.line_data_api_base_url, settings.line_channel_access_token)
        )
        self._authorization = f"Bearer {settings.line_channel_access_token}"
        self.api = MessagingApi(self._api_client)
        self.blob = MessagingApiBlob(self._blob_client)

    def close(self) -> None:
        self._api_client.close()
        self._blob_client.close()

    def reply(self, reply_token: str, messages: Sequence[dict[str, Any]] | JsonText) -> SendResult:
        """Answer an event with its reply token (free of quota; cannot be retried). `messages` may be
        their JSON text already (`serialised`)."""
        return self._post_json("reply", "/v2/bot/message/reply", {"replyToken": reply_token}, messages)

    def push(self, to: str, messages: Sequence[dict[str, Any]] | JsonText, retry_key: str) -> SendResult:
        """Push to one user or group, idempotent under `retry_key`."""
        return self._post_json("push", "/v2/bot/message/push", {"to": to}, messages, retry_key=retry_key)

    def multicast(
        self, to: Sequence[str], messages: Sequence[dict[str, Any]] | JsonText, retry_key: str
    ) -> SendResult:
        """The same messages to up to 500 users in one request."""
        if not 1 <= len(to) <= MAX_MULTICAST_RECIPIENTS:
            raise ValueError(f"multicast takes 1 to {MAX_MULTICAST_RECIPIENTS} recipients")
        return self._post_json("multicast", "/v2/bot/message/multicast", {"to": list(to)}, messages,
                               retry_key=retry_key)

    def _post_json(self, what: str, path: str, fields: dict[str, Any], messages: Sequence[dict[str, Any]] | JsonText,
                   *, retry_key: str | None = None) -> SendResult:
        """A send whose messages are already LINE's JSON (messages/line_json.py, or the outbox's
        stored rows), never rebuilt into the SDK's models and back: the body is `fields` with the
        messages' JSON text (made here, or once before by `serialised`), posted as bytes through the
        connection pool of the SDK's own client (its TLS and proxy settings). The SDK's
        `rest_client.request` would serialise a dict again; like it, an answer outside 2xx raises
        the SDK's `ApiException`, which `_call` reads."""
        wire = messages if isinstance(messages, JsonText) else serialised(messages)
        body = f'{_compact(fields)[:-1]},"messages":{wire}}}'.encode()
        headers = {**self._api_client.default_headers, "Content-Type": "application/json",
                   "Authorization": self._authorization}
        if retry_key is not None:
            headers["X-Line-Retry-Key"] = retry_key
        url = self._api_client.configuration.host + path
        return self._call(what, lambda: self._post(url, headers, body))

    def _post(self, url: str, headers: dict[str, str], body: bytes) -> _Answer:
        response = self._api_client.rest_client.pool_manager.request(
            "POST", url, body=body, headers=headers, timeout=urllib3.Timeout(total=self.timeout))
        if not 200 <= response.status <= 299:
            raise ApiException(http_resp=RESTResponse(response))
        return _Answer(response)

    def show_loading(self, chat_id: str, seconds: int = 10) -> SendResult:
        """LINE's loading animation in a 1:1 chat (LINE allows it nowhere else) while a slow answer
        is made; it stops when the reply arrives. Never raises: the reply matters, this does not."""
        return self._touch("loading", lambda: self.api.show_loading_animation_with_http_info(
            ShowLoadingAnimationRequest(chat_id=chat_id, loading_seconds=loading_seconds(seconds)),
            _request_timeout=min(self.timeout, TOUCH_SECONDS)))

    def mark_as_read(self, mark_as_read_token: str) -> SendResult:
        """Mark the messages of a chat as read, up to the message that carried this token."""
        return self._touch("mark_as_read", lambda: self.api.mark_messages_as_read_by_token_with_http_info(
            MarkMessagesAsReadByTokenRequest(mark_as_read_token=mark_as_read_token),
            _request_timeout=min(self.timeout, TOUCH_SECONDS)))

    def _touch(self, what: str, call: Callable[[], Any]) -> SendResult:
        try:
            result = self._call(what, call)
        except Exception as exc:  # a refused value, anything unforeseen: the reply still goes out
            log.warning("LINE %s failed", what, extra={"error": type(exc).__name__})
            return SendResult(status=None, error=type(exc).__name__)
        if not result.ok:
            log.info("LINE %s refused", what, extra={"http_status": result.status})
        return result

    def message_content(self, message_id: str) -> Fetched:
        """An image a user sent, read a chunk at a time and never past `UPLOAD_MAX_BYTES`.

        The SDK's `get_message_content` reads the whole body before anyone can look at its size
        (a 200 MB "image" grew a worker to 343 MB), so this streams through the SDK's own HTTP
        client: a declared length over the limit is refused before the body is read, and a
        body that turns out longer is cut off there, its connection closed rather than drained."""
        url = f"{self._blob_client.configuration.host}/v2/bot/message/{quote(message_id, safe='')}/content"
        self.limiter.acquire()
        try:
            response = self._blob_client.rest_client.request(
                "GET", url, headers=dict(self._blob_client.default_headers), _preload_content=False,
                _request_timeout=self.timeout)
        except (ApiException, urllib3.exceptions.HTTPError, OSError) as exc:
            log.warning("message content unavailable", extra={"error": type(exc).__name__})
            return Fetched()
        whole = False
        try:
            declared = response.headers.get("Content-Length", "")
            if response.status != 200:
                log.warning("message content unavailable", extra={"status": response.status})
                return Fetched()
            if declared.isdigit() and int(declared) > self.content_max_bytes:
                return Fetched(too_big=True)
            parts: list[bytes] = []
            size = 0
            deadline = time.monotonic() + CONTENT_SECONDS
            for chunk in response.stream(CONTENT_CHUNK):
                size += len(chunk)
                if size > self.content_max_bytes:
                    return Fetched(too_big=True)
                if time.monotonic() > deadline:  # a body trickling in: give up rather than hold a worker
                    log.warning("message content too slow", extra={"bytes": size})
                    return Fetched()
                parts.append(chunk)
            whole = True
            return Fetched(b"".join(parts))
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            log.warning("message content unavailable", extra={"error": type(exc).__name__})
            return Fetched()
        finally:
            if not whole:  # never read the rest of a body just to reuse the connection
                response.close()
            response.release_conn()

    def call(self, what: str, call: Callable[[MessagingApi, MessagingApiBlob, float], Any]) -> SendResult:
        """Any other Messaging API request (the rich menus'), given the API, the content API and the
        timeout to pass on: rate-limited and never raising, like a send; LINE's answer in `data`."""
        return self._call(what, lambda: call(self.api, self.blob, self.timeout))

    def _call(self, what: str, call: Callable[[], Any]) -> SendResult:
        self.limiter.acquire()
        try:
            response = call()
        except ApiException as exc:
            headers = dict(exc.headers or {})
            return SendResult(
                status=exc.status,
                request_id=_header(headers, "x-line-request-id"),
                error=_error_text(exc.body),
                retry_after=_retry_after(headers),
            )
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            log.warning("LINE %s got no answer", what, extra={"error": type(exc).__name__})
            return SendResult(status=None, error=type(exc).__name__)
        headers = dict(response.headers or {})
        return SendResult(
            status=response.status_code, request_id=_header(headers, "x-line-request-id"),
            data=getattr(response, "data", None),
        )


@dataclass(frozen=True)
class _Answer:
    """The SDK's raw HTTP answer as `_call` reads an API response (status, headers, no data)."""

    raw: Any
    data: Any = None

    @property
    def status_code(self) -> int:
        return int(self.raw.status)

    @property
    def headers(self) -> Any:
        return self.raw.getheaders()


def _configuration(host: str, token: str) -> Configuration:
    configuration = Configuration(host=host, access_token=token)
    configuration.retries = False  # the outbox retries, with the same retry key
    configuration.connection_pool_maxsize = 16
    return configuration


def _header(headers: dict[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _retry_after(headers: dict[str, str]) -> float | None:
    raw = _header(headers, "retry-after")
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None


def _error_text(body: object) -> str:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return str(body or "")[:300]
