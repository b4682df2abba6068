"""How large a request body each route accepts (issue 16).

Every route has a limit, chosen by what it takes:

- the LINE webhook (`WEBHOOK_MAX_BYTES`): LINE's event lists are a few kilobytes; 1 MB
  leaves room for a full batch and nothing more;
- the JSON API (`API_MAX_BYTES`): a session, an application's move, a booking's outcome;
- any other route (`DEFAULT_MAX_BYTES`): pages, forms, GETs;
- a route that takes files (the console's document upload, a register import, the
  simulator's pictures) declares its own with `@body_limit(n)`, larger or smaller.

The limit is set on the request before anything reads the body (the app's first
``before_request``), so a declared limit holds even when another hook parses a form
first. A body that declares a larger ``Content-Length`` is refused at once, whether or
not the view would have read it. One sent in chunks (no ``Content-Length``) is refused
as soon as reading it passes the limit: werkzeug alone would quietly hand the view the
first `limit` bytes, and a view must never take a cut-off body for the whole.
Either way the answer is 413 with a JSON body saying the limit, never a 500 (a
blueprint that serves pages may register its own 413 handler for an HTML answer).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import IO, Any, TypeVar

from flask import Flask, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

KB = 1024
MB = 1024 * KB
WEBHOOK_MAX_BYTES = 1 * MB
API_MAX_BYTES = 256 * KB
DEFAULT_MAX_BYTES = 256 * KB

View = TypeVar("View", bound=Callable[..., Any])
_ATTRIBUTE = "wdf_body_limit"
_ENVIRON_KEY = "wdf.body_limit"


def body_limit(max_bytes: int | Callable[[], int]) -> Callable[[View], View]:
    """Declare the largest request body a view accepts, in bytes (any order among its decorators);
    a function of no arguments when the limit is a setting, read at each request."""
    if isinstance(max_bytes, int) and max_bytes < 0:
        raise ValueError("a body limit is a number of bytes, 0 or more")

    def declare(view: View) -> View:
        view.__dict__[_ATTRIBUTE] = max_bytes  # functools.wraps carries it to any wrapper made later
        return view

    return declare


def _limit_for(app: Flask, by_blueprint: Mapping[str, int], default: int) -> int:
    view = app.view_functions.get(request.endpoint or "")
    declared = getattr(view, _ATTRIBUTE, None)
    if callable(declared):
        declared = declared()
    if isinstance(declared, int):
        return declared
    return next((by_blueprint[name] for name in request.blueprints if name in by_blueprint), default)


class CappedInput(io.RawIOBase):
    """A request body sent in chunks, refused with 413 as soon as more than `limit` bytes come."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self._stream = stream
        self._limit = limit
        self._seen = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        # Ask for one byte past what is left, so a body of exactly `limit` bytes passes.
        wanted = min(len(buffer), self._limit - self._seen + 1)
        data = self._stream.read(wanted)
        self._seen += len(data)
        if self._seen > self._limit:
            raise RequestEntityTooLarge()
        buffer[:len(data)] = data
        return len(data)


def too_large(exc: RequestEntityTooLarge):  # type: ignore[no-untyped-def]
    limit = request.environ.get(_ENVIRON_KEY, request.max_content_length)
    detail = "the request body is larger than this route accepts"
    if limit is not None:
        detail += f" ({limit} bytes)"
    return jsonify({"error": "too_large", "detail": detail, "limit_bytes": limit}), 413


def register_limits(app: Flask, by_blueprint: Mapping[str, int], default: int = DEFAULT_MAX_BYTES) -> None:
    """Every route's body limit: its own `body_limit`, else its blueprint's, else `default`.

    Call before any other ``before_request`` is registered, so the limit is set first.
    """
    app.config["MAX_CONTENT_LENGTH"] = default
    limits = dict(by_blueprint)

    @app.before_request
    def _limit_body() -> None:
        limit = _limit_for(app, limits, default)
        request.environ[_ENVIRON_KEY] = limit
        if request.content_length is not None:
            request.max_content_length = limit
            if request.content_length > limit:
                raise RequestEntityTooLarge()
        elif request.environ.get("wsgi.input_terminated"):  # chunked: the server ends the stream
            request.environ["wsgi.input"] = CappedInput(request.environ["wsgi.input"], limit)
            # werkzeug's own cap would hand the view the first `limit` bytes as if they were all;
            # one byte more lets CappedInput see the body is longer and refuse it.
            request.max_content_length = limit + 1
        else:
            request.max_content_length = limit  # no length and no end: werkzeug reads nothing

    app.register_error_handler(RequestEntityTooLarge, too_large)
