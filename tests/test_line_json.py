"""The message builders give exactly the JSON the SDK's models gave, and refuse what LINE refuses."""

from __future__ import annotations

import pytest
from linebot.v3 import messaging as sdk

from messages import line_json as lj


def both(name: str, **kwargs):  # type: ignore[no-untyped-def]
    """(ours, the SDK's to_dict) for the same keyword arguments, nested values built the same way."""
    def ours(value):  # type: ignore[no-untyped-def]
        return value[0] if isinstance(value, tuple) else [ours(v) for v in value] if isinstance(value, list) else value

    def theirs(value):  # type: ignore[no-untyped-def]
        if isinstance(value, tuple):
            return value[1]
        return [theirs(v) for v in value] if isinstance(value, list) else value

    return (getattr(lj, name)(**{k: ours(v) for k, v in kwargs.items()}),
            getattr(sdk, name)(**{k: theirs(v) for k, v in kwargs.items()}))


def test_every_builder_gives_the_sdks_json():
    postback = both("PostbackAction", label="ดูประวัติ", data="card?p=1", display_text="ดูประวัติ")
    message = both("MessageAction", label="เมนู", text="ช่วยเหลือ")
    uri = both("URIAction", label="โทรกลับ", uri="tel:0812345678")
    clipboard = both("ClipboardAction", label="คัดลอก", clipboard_text="1234")
    location = both("LocationAction", label="ส่งตำแหน่ง")
    items = [both("QuickReplyItem", action=a) for a in (postback, message, uri, clipboard, location)]
    quick = both("QuickReply", items=items)
    text = both("FlexText", text="ยอด", size="sm", color="#666666", flex=5, wrap=True, weight="bold", align="end",
                margin="md")
    button = both("FlexButton", action=postback, style="primary", color="#06C755", height="sm", flex=1,
                  gravity="center")
    separator = both("FlexSeparator", margin="md")
    box = both("FlexBox", layout="vertical", contents=[text, separator, button], flex=1, spacing="sm",
               padding_start="md", background_color="#E8F8EE")
    bubble = both("FlexBubble", size="kilo", header=box, body=box, footer=box)
    carousel = both("FlexCarousel", contents=[bubble, bubble])
    for built in (postback, message, uri, clipboard, location, *items, quick, text, button, separator, box, bubble,
                  carousel, both("FlexSeparator"), both("FlexText", text="")):
        assert built[0] == built[1].to_dict()
    for built in (both("FlexMessage", alt_text="ยอดหนี้", contents=carousel, quick_reply=quick),
                  both("TextMessage", text="สวัสดีค่ะ", quick_reply=quick), both("TextMessage", text="x"),
                  both("ImageMessage", original_content_url="https://a.example/1.png",
                       preview_image_url="https://a.example/1s.png")):
        assert built[0] == built[1].to_dict()
        assert sdk.Message.from_dict(built[0]).to_dict() == built[0]  # the SDK reads it back unchanged


@pytest.mark.parametrize("build", [
    lambda: lj.TextMessage(text=""),
    lambda: lj.TextMessage(text="x" * 5001),
    lambda: lj.FlexMessage(alt_text="x" * 1501, contents=lj.FlexBubble()),
    lambda: lj.FlexMessage(alt_text="", contents=lj.FlexBubble()),
    lambda: lj.FlexCarousel(contents=[lj.FlexBubble()] * 13),
    lambda: lj.QuickReply(items=[lj.QuickReplyItem(action=lj.MessageAction(label="a", text="a"))] * 14),
    lambda: lj.QuickReplyItem(action=lj.MessageAction(label="x" * 21, text="a")),
    lambda: lj.MessageAction(label="x" * 41, text="a"),
    lambda: lj.MessageAction(label="a", text="x" * 301),
    lambda: lj.PostbackAction(label="a", data="x" * 301),
    lambda: lj.PostbackAction(label="a", data="d", display_text="x" * 301),
    lambda: lj.URIAction(label="a", uri="https://a.example/" + "x" * 1000),
    lambda: lj.ClipboardAction(label="a", clipboard_text="x" * 1001),
    lambda: lj.ImageMessage(original_content_url="https://a/" + "x" * 2000, preview_image_url="https://a/"),
    lambda: lj.checked([lj.TextMessage(text="x")] * 6),
    lambda: lj.checked([]),
])
def test_what_line_refuses_is_refused_where_it_is_built(build):  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="LINE|limit|takes"):
        build()
