"""The fake LINE platform checks what LINE checks; the real SDK talks to it."""

from __future__ import annotations

import io
import json
import time
import urllib.error
import urllib.request
import uuid

import pytest
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessageAction,
    MessagingApi,
    MessagingApiBlob,
    MulticastRequest,
    PushMessageRequest,
    ReplyMessageRequest,
    RichMenuArea,
    RichMenuBounds,
    RichMenuRequest,
    RichMenuSize,
    TextMessage,
)
from PIL import Image

from devtools.fakeline import events as ev
from tests.conftest import TOKEN
from tests.helpers import GROUP, USER


@pytest.fixture
def api(fake_line, fake):  # type: ignore[no-untyped-def]
    with ApiClient(Configuration(host=fake_line.url, access_token=TOKEN)) as client:
        yield MessagingApi(client)


def _status(call) -> int:  # type: ignore[no-untyped-def]
    with pytest.raises(ApiException) as caught:
        call()
    return caught.value.status


def test_wrong_token_is_401(fake_line, fake):
    with ApiClient(Configuration(host=fake_line.url, access_token="nope")) as client:
        assert _status(lambda: MessagingApi(client).push_message(
            PushMessageRequest(to=USER, messages=[TextMessage(text="x")]))) == 401


def _raw(fake_line, path: str, body: dict) -> tuple[int, dict]:  # type: ignore[type-arg]
    """POST without the SDK, whose own checks would stop a bad request before the fake sees it."""
    request = urllib.request.Request(fake_line.url + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {TOKEN}",
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.loads(exc.read() or b"{}")


def test_message_limits(api, fake_line):
    def push(*messages: dict) -> tuple[int, dict]:  # type: ignore[type-arg]
        return _raw(fake_line, "/v2/bot/message/push", {"to": USER, "messages": list(messages)})

    text = {"type": "text", "text": "x"}
    status, body = push(*[text] * 6)
    assert status == 400 and body["details"][0]["property"] == "messages"
    assert push()[0] == 400
    assert push({"type": "text", "text": "ก" * 5001})[0] == 400
    assert push({"type": "nonsense"})[0] == 400
    long_data = {"items": [{"type": "action", "action": {"type": "postback", "label": "x", "data": "d" * 301}}]}
    status, body = push({**text, "quickReply": long_data})
    assert status == 400 and body["details"][0]["property"].endswith(".data")
    long_label = {"items": [{"type": "action", "action": {"type": "message", "label": "ก" * 21, "text": "x"}}]}
    assert push({**text, "quickReply": long_label})[0] == 400
    assert push({"type": "flex", "altText": "", "contents": {"type": "bubble"}})[0] == 400
    api.push_message(PushMessageRequest(to=USER, messages=[TextMessage(text="ก" * 5000)]))


def test_multicast_takes_at_most_500(api, fake_line):
    too_many = [f"U{n:032x}" for n in range(501)]
    status, body = _raw(fake_line, "/v2/bot/message/multicast",
                        {"to": too_many, "messages": [{"type": "text", "text": "x"}]})
    assert status == 400 and body["details"][0]["property"] == "to"
    api.multicast(MulticastRequest(to=too_many[:500], messages=[TextMessage(text="x")]))


def test_reply_token_works_once_and_expires(api, fake, fake_line):
    token = fake.issue_reply_token(ev.source(USER))
    request = ReplyMessageRequest(reply_token=token, messages=[TextMessage(text="hi")])
    api.reply_message(request)
    assert _status(lambda: api.reply_message(request)) == 400
    assert _status(lambda: api.reply_message(
        ReplyMessageRequest(reply_token="made-up", messages=[TextMessage(text="hi")]))) == 400
    old = fake.issue_reply_token(ev.source(USER))
    fake_line.state.reply_tokens[old]["issued"] = time.monotonic() - 61
    assert _status(lambda: api.reply_message(
        ReplyMessageRequest(reply_token=old, messages=[TextMessage(text="late")]))) == 400


def test_retry_key_is_accepted_once(api, fake):
    key = str(uuid.uuid4())
    request = PushMessageRequest(to=GROUP, messages=[TextMessage(text="x")])
    api.push_message(request, x_line_retry_key=key)
    assert _status(lambda: api.push_message(request, x_line_retry_key=key)) == 409
    assert _status(lambda: api.push_message(request, x_line_retry_key="not-a-uuid")) == 400
    assert len(fake.chat(f"group:{GROUP}")) == 1


def test_injected_faults_and_quota_bodies(api, fake):
    fake.inject("/v2/bot/message/push", 429, body={"message": "You have reached your monthly limit."})
    with pytest.raises(ApiException) as caught:
        api.push_message(PushMessageRequest(to=USER, messages=[TextMessage(text="x")]))
    body = caught.value.body
    assert caught.value.status == 429
    assert "monthly limit" in (body.decode() if isinstance(body, bytes) else body)
    fake.inject("/v2/bot/message/push", 500)
    assert _status(lambda: api.push_message(PushMessageRequest(to=USER, messages=[TextMessage(text="x")]))) == 500
    api.push_message(PushMessageRequest(to=USER, messages=[TextMessage(text="x")]))
    assert [r["injected"] for r in fake.requests("/v2/bot/message/push")] == [True, True, False]


def test_profiles_groups_content_quota_and_rich_menu(api, fake, fake_line):
    fake.set_profile(USER, "สมศรี")
    fake.set_group(GROUP, "กลุ่มสตรีบ้านบางโรง", [USER])
    assert api.get_profile(USER).display_name == "สมศรี"
    assert api.get_group_summary(GROUP).group_name == "กลุ่มสตรีบ้านบางโรง"
    assert api.get_group_member_profile(GROUP, USER).display_name == "สมศรี"
    assert _status(lambda: api.get_profile("U" + "f" * 32)) == 404
    assert api.get_message_quota().value == 15000
    fake.put_content("12345", b"\x89PNG fake", "image/png")
    with ApiClient(Configuration(host=fake_line.url, access_token=TOKEN)) as client:
        assert bytes(MessagingApiBlob(client).get_message_content("12345")) == b"\x89PNG fake"
    menu = api.create_rich_menu(RichMenuRequest(
        size=RichMenuSize(width=2500, height=843), selected=True, name="main", chat_bar_text="เมนู",
        areas=[RichMenuArea(bounds=RichMenuBounds(x=0, y=0, width=2500, height=843),
                            action=MessageAction(label="เมนู", text="ช่วยเหลือ"))]))
    assert _status(lambda: api.set_default_rich_menu(menu.rich_menu_id)) == 400  # not without its picture
    picture = io.BytesIO()
    Image.new("RGB", (2500, 843), "white").save(picture, "PNG")
    with ApiClient(Configuration(host=fake_line.url, access_token=TOKEN)) as client:
        MessagingApiBlob(client).set_rich_menu_image(menu.rich_menu_id, picture.getvalue(),
                                                     _headers={"Content-Type": "image/png"})
    api.set_default_rich_menu(menu.rich_menu_id)
    assert api.get_default_rich_menu_id().rich_menu_id == menu.rich_menu_id
    assert api.get_message_quota_consumption().total_usage == 0


def test_the_loading_animation_as_line_checks_it(fake_line, fake):
    """1:1 chats only, 5 to 60 seconds in steps of 5 (issue 15, item 9)."""
    for body in ({"chatId": USER, "loadingSeconds": 5}, {"chatId": USER, "loadingSeconds": 60}, {"chatId": USER}):
        assert _raw(fake_line, "/v2/bot/chat/loading/start", body)[0] == 202
    for body in ({"chatId": GROUP, "loadingSeconds": 10}, {"chatId": USER, "loadingSeconds": 7},
                 {"chatId": USER, "loadingSeconds": 0}, {"chatId": USER, "loadingSeconds": 65},
                 {"chatId": USER, "loadingSeconds": "10"}, {"loadingSeconds": 10}):
        status, answer = _raw(fake_line, "/v2/bot/chat/loading/start", body)
        assert status == 400 and answer["details"], body
    assert [r["status"] for r in fake.requests("/v2/bot/chat/loading")] == [202] * 3 + [400] * 6


def test_read_marks_by_token_and_by_chat(fake_line, fake):
    assert _raw(fake_line, "/v2/bot/chat/markAsRead", {"markAsReadToken": "abc123"})[0] == 200
    assert _raw(fake_line, "/v2/bot/chat/markAsRead", {"markAsReadToken": ""})[0] == 400
    assert _raw(fake_line, "/v2/bot/message/markAsRead", {"chat": {"userId": USER}})[0] == 200
    assert _raw(fake_line, "/v2/bot/message/markAsRead", {"chat": {"userId": GROUP}})[0] == 400
