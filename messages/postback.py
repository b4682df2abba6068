"""Typed postback payloads: `pack()` to put in a button, `unpack()` what LINE sends back.

The wire form is `action?key=value&...` (URL-encoded), which stays readable in logs of
our own test fixtures and well under LINE's 300-character limit for postback data.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, TypeVar
from urllib.parse import parse_qsl, urlencode

from domain.textnorm import MAX_ROW_ID

MAX_POSTBACK_DATA = 300  # LINE's limit on `postback.data`
MAX_NUMBER = MAX_ROW_ID  # a button's numbers are row ids, sequences and pages: within the database's integers

_REGISTRY: dict[str, type[Postback]] = {}

P = TypeVar("P", bound="Postback")


class PostbackError(ValueError):
    """Postback data we cannot read: unknown action, missing or malformed fields."""


class Postback:
    """Base class: subclasses are frozen dataclasses registered with `@postback("action")`."""

    action: ClassVar[str]

    def pack(self) -> str:
        """The payload string for a button; raises PostbackError when over 300 characters."""
        fields = {
            f.name: _encode(getattr(self, f.name))
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
            if getattr(self, f.name) is not None
        }
        data = self.action + ("?" + urlencode(fields) if fields else "")
        if len(data) > MAX_POSTBACK_DATA:
            raise PostbackError(
                f"postback {self.action!r} packs to {len(data)} characters (LINE allows "
                f"{MAX_POSTBACK_DATA})"
            )
        return data


def postback(action: str):  # type: ignore[no-untyped-def]
    """Register a frozen dataclass as the payload of `action`."""

    def register(cls: type[P]) -> type[P]:
        if action in _REGISTRY:
            raise ValueError(f"postback action {action!r} registered twice")
        if "?" in action or "&" in action:
            raise ValueError(f"postback action {action!r} may not contain ? or &")
        cls.action = action
        _REGISTRY[action] = cls
        return cls

    return register


def unpack(data: str) -> Postback:
    """Turn postback data back into its typed payload."""
    if len(data) > MAX_POSTBACK_DATA:
        raise PostbackError("postback data longer than LINE allows")
    action, _, query = data.partition("?")
    cls = _REGISTRY.get(action)
    if cls is None:
        raise PostbackError(f"unknown postback action {action!r}")
    values = dict(parse_qsl(query, keep_blank_values=True))
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in values:
            kwargs[f.name] = _decode(values.pop(f.name), f.type)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise PostbackError(f"postback {action!r} lacks {f.name!r}")
    if values:
        raise PostbackError(f"postback {action!r} has unexpected fields {sorted(values)}")
    return cls(**kwargs)


def registered_actions() -> dict[str, type[Postback]]:
    """Every known postback action (the router checks each has a handler)."""
    return dict(_REGISTRY)


def _encode(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _decode(raw: str, annotation: object) -> object:
    kind = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    try:
        if kind.startswith("int"):
            number = int(raw)
            if not 0 <= number <= MAX_NUMBER:  # a row id past the database's integers names nothing
                raise PostbackError(f"out of range: {raw[:20]!r}")
            return number
        if kind.startswith("bool"):
            return raw == "1"
    except ValueError:
        raise PostbackError(f"not a number: {raw!r}") from None
    return raw
