"""LINE messages as plain JSON-ready data, built once and checked against LINE's limits.

Each builder has the name and the keyword arguments of the SDK model it replaces
(`linebot.v3.messaging.FlexBox`, `TextMessage`, ...), and is a `dict` in LINE's own camelCase
JSON: what the outbox stores is what goes on the wire, serialised once (`bot/line.py`). The
SDK's pydantic models cost a build, a `to_dict()` and a rebuild with `from_dict()` per message
(about 40% of a balance reply's time); these cost a dict. A value LINE would refuse raises
`ValueError` where the message is built, not when LINE answers 400.

Limits are LINE's (Messaging API reference): a text 1 to 5,000 characters; a Flex message's
alt text 1 to 1,500; a carousel 1 to 12 bubbles; a quick reply 1 to 13 items, each label at
most 20 characters; an action's label at most 40 (20 in a quick reply); a message action's
text and a postback's display text at most 300; postback data 1 to 300; a URI 1 to 1,000; a
clipboard text 1 to 1,000; an image URL https and at most 2,000; at most 5 messages a request.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

MAX_MESSAGES = 5
TEXT_MAX = 5000
ALT_TEXT_MAX = 1500
CAROUSEL_MAX = 12
QUICK_REPLY_MAX = 13
QUICK_REPLY_LABEL_MAX = 20
LABEL_MAX = 40
ACTION_TEXT_MAX = 300
POSTBACK_DATA_MAX = 300
URI_MAX = 1000
CLIPBOARD_MAX = 1000
IMAGE_URL_MAX = 2000


def _length(what: str, value: str, low: int, high: int) -> str:
    if not isinstance(value, str) or not low <= len(value) <= high:
        raise ValueError(f"{what} must be {low} to {high} characters (LINE's limit), not {len(str(value))}")
    return value


def _put(node: dict[str, Any], **fields: Any) -> None:
    """Set the fields that have a value, under LINE's camelCase names (the SDK leaves out None too)."""
    for name, value in fields.items():
        if value is not None:
            node[_camel(name)] = value


@cache
def _camel(name: str) -> str:
    """`padding_all` → `paddingAll` (a few dozen names, each worked out once)."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class LineJson(dict[str, Any]):
    """A piece of a LINE message in its JSON form."""


class Message(LineJson):
    """One message of a reply, push or multicast."""


class Action(LineJson):
    """What tapping a button or a quick-reply item does."""


class FlexComponent(LineJson):
    """A part of a Flex bubble (box, text, button, separator)."""


class FlexContainer(LineJson):
    """What a Flex message holds: a bubble or a carousel of bubbles."""


def _label(label: str | None) -> str | None:
    return None if label is None else _length("an action's label", label, 1, LABEL_MAX)


class MessageAction(Action):
    def __init__(self, *, label: str | None = None, text: str) -> None:
        super().__init__(type="message")
        _put(self, label=_label(label), text=_length("a message action's text", text, 1, ACTION_TEXT_MAX))


class PostbackAction(Action):
    def __init__(self, *, label: str | None = None, data: str, display_text: str | None = None) -> None:
        super().__init__(type="postback")
        if display_text is not None:
            _length("a postback's display text", display_text, 1, ACTION_TEXT_MAX)
        _put(self, label=_label(label), data=_length("postback data", data, 1, POSTBACK_DATA_MAX),
             display_text=display_text)


class URIAction(Action):
    def __init__(self, *, label: str | None = None, uri: str) -> None:
        super().__init__(type="uri")
        _put(self, label=_label(label), uri=_length("a URI", uri, 1, URI_MAX))


class LocationAction(Action):
    def __init__(self, *, label: str) -> None:
        super().__init__(type="location")
        _put(self, label=_label(label))


class ClipboardAction(Action):
    def __init__(self, *, label: str, clipboard_text: str) -> None:
        super().__init__(type="clipboard")
        _put(self, label=_label(label), clipboard_text=_length("a clipboard text", clipboard_text, 1, CLIPBOARD_MAX))


class QuickReplyItem(LineJson):
    def __init__(self, *, action: Action) -> None:
        label = action.get("label")
        if label is not None:
            _length("a quick reply's label", label, 1, QUICK_REPLY_LABEL_MAX)
        super().__init__(type="action", action=action)


class QuickReply(LineJson):
    def __init__(self, *, items: Sequence[QuickReplyItem]) -> None:
        if not 1 <= len(items) <= QUICK_REPLY_MAX:
            raise ValueError(f"a quick reply takes 1 to {QUICK_REPLY_MAX} items, not {len(items)}")
        super().__init__(items=list(items))


class TextMessage(Message):
    def __init__(self, *, text: str, quick_reply: QuickReply | None = None) -> None:
        super().__init__(type="text")
        _put(self, text=_length("a text message", text, 1, TEXT_MAX), quick_reply=quick_reply)


class ImageMessage(Message):
    def __init__(self, *, original_content_url: str, preview_image_url: str,
                 quick_reply: QuickReply | None = None) -> None:
        super().__init__(type="image")
        for url in (original_content_url, preview_image_url):
            _length("an image URL", url, 1, IMAGE_URL_MAX)
        _put(self, original_content_url=original_content_url, preview_image_url=preview_image_url,
             quick_reply=quick_reply)


class FlexMessage(Message):
    def __init__(self, *, alt_text: str, contents: FlexContainer, quick_reply: QuickReply | None = None) -> None:
        super().__init__(type="flex")
        _put(self, alt_text=_length("a Flex message's alt text", alt_text, 1, ALT_TEXT_MAX), contents=contents,
             quick_reply=quick_reply)


class FlexBubble(FlexContainer):
    def __init__(self, *, size: str | None = None, header: FlexComponent | None = None,
                 body: FlexComponent | None = None, footer: FlexComponent | None = None) -> None:
        super().__init__(type="bubble")
        _put(self, size=size, header=header, body=body, footer=footer)


class FlexCarousel(FlexContainer):
    def __init__(self, *, contents: Sequence[FlexBubble]) -> None:
        if not 1 <= len(contents) <= CAROUSEL_MAX:
            raise ValueError(f"a carousel takes 1 to {CAROUSEL_MAX} bubbles, not {len(contents)}")
        super().__init__(type="carousel", contents=list(contents))


class FlexBox(FlexComponent):
    def __init__(self, *, layout: str, contents: Sequence[FlexComponent], flex: int | None = None,
                 spacing: str | None = None, padding_start: str | None = None,
                 background_color: str | None = None) -> None:
        super().__init__(type="box", layout=layout, contents=list(contents))
        _put(self, flex=flex, spacing=spacing, padding_start=padding_start, background_color=background_color)


class FlexText(FlexComponent):
    def __init__(self, *, text: str, size: str | None = None, color: str | None = None, flex: int | None = None,
                 wrap: bool | None = None, weight: str | None = None, align: str | None = None,
                 margin: str | None = None) -> None:
        super().__init__(type="text")
        _put(self, text=_length("a Flex text", text, 0, TEXT_MAX), size=size, color=color, flex=flex, wrap=wrap,
             weight=weight, align=align, margin=margin)


class FlexButton(FlexComponent):
    def __init__(self, *, action: Action, style: str | None = None, color: str | None = None,
                 height: str | None = None, flex: int | None = None, gravity: str | None = None) -> None:
        super().__init__(type="button", action=action)
        _put(self, style=style, color=color, height=height, flex=flex, gravity=gravity)


class FlexSeparator(FlexComponent):
    def __init__(self, *, margin: str | None = None) -> None:
        super().__init__(type="separator")
        _put(self, margin=margin)


def checked(messages: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """A request's messages: 1 to 5 of them (LINE refuses more)."""
    if not 1 <= len(messages) <= MAX_MESSAGES:
        raise ValueError(f"LINE takes 1 to {MAX_MESSAGES} messages a request, not {len(messages)}")
    return list(messages)
