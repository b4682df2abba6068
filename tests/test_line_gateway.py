"""The LINE client boundary: rate limit and what comes back from LINE."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import create_app
from bot.line import RateLimiter, loading_seconds, serialised
from devtools.fakeline import events as ev
from models import Outbox, StaffMember
from models.db import JsonText
from tests.conftest import SECRET
from tests.helpers import GROUP, USER, LineChat, before_the_reply, served, texts

OFFICER = "U" + "0f" * 16


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_rate_limiter_spaces_calls_to_the_configured_rate():
    clock = FakeTime()
    limiter = RateLimiter(4, monotonic=clock.monotonic, sleep=clock.sleep)
    for _ in range(9):
        limiter.acquire()
    # the first call goes at once; then one every quarter second
    assert clock.slept == [pytest.approx(0.25)] * 8
    assert clock.now == 102.0


def test_rate_limiter_does_not_bank_idle_time_beyond_now():
    clock = FakeTime()
    limiter = RateLimiter(10, monotonic=clock.monotonic, sleep=clock.sleep)
    limiter.acquire()
    clock.now += 60  # a quiet minute
    limiter.acquire()
    limiter.acquire()
    assert clock.slept == [pytest.approx(0.1)]


def test_messages_are_serialised_once_compact_and_thai_as_itself():
    """What the webhook stores and posts: LINE's JSON text, without spaces, Thai as UTF-8 (not six-byte
    escapes), and only a request's worth of messages (1 to 5)."""
    messages = [{"type": "text", "text": "ยอดคงเหลือ 1,250.00 บาท"}, {"type": "text", "text": "ชำระที่ \"กองทุน\""}]
    text = serialised(messages)
    assert isinstance(text, JsonText) and json.loads(text) == messages
    assert text == '[{"type":"text","text":"ยอดคงเหลือ 1,250.00 บาท"},{"type":"text","text":"ชำระที่ \\"กองทุน\\""}]'
    assert len(text.encode()) < len(json.dumps(messages).encode()) * 0.7
    for wrong in ([], [{"type": "text", "text": "x"}] * 6):
        with pytest.raises(ValueError, match="1 to 5 messages"):
            serialised(wrong)


def test_a_reply_is_stored_as_the_text_that_was_posted(app, line, db):
    """The reply's messages are serialised once: its outbox row holds the text LINE was sent (the same
    messages read back from either database), and LINE got them whole."""
    replies = line.say("ยอดหนี้")
    with db.connect() as connection:
        row = connection.execute(select(Outbox).where(Outbox.kind == "reply")).one()
    assert replies and row.messages == replies and row.summary


def test_gateway_reply_and_push_report_lines_answers(app, fake):
    line = app.extensions["wdf"].line
    token = fake.issue_reply_token(ev.source(USER))
    result = line.reply(token, [{"type": "text", "text": "สวัสดีค่ะ"}])
    assert result.ok and result.request_id
    again = line.reply(token, [{"type": "text", "text": "ซ้ำ"}])
    assert again.status == 400 and not again.retryable and "reply token" in again.error
    fake.inject("/v2/bot/message/push", 503)
    failed = line.push(USER, [{"type": "text", "text": "x"}], "123e4567-e89b-12d3-a456-426614174000")
    assert failed.status == 503 and failed.retryable
    stored = line.push(USER, serialised([{"type": "text", "text": "แจ้งเตือน"}]), "123e4567-e89b-12d3-a456-426614174001")
    assert stored.ok and fake.requests("/v2/bot/message/push")[-1]["body"] == {
        "to": USER, "messages": [{"type": "text", "text": "แจ้งเตือน"}]}


# --- LINE's newer touches: the loading animation and read marks (issue 15, item 9) ----------


def test_loading_seconds_are_what_line_accepts():
    assert [loading_seconds(n) for n in (-3, 0, 1, 5, 6, 10, 59, 60, 61, 600)] == [5, 5, 5, 5, 10, 10, 60, 60, 60, 60]


@pytest.fixture
def officer(db, clock):  # type: ignore[no-untyped-def]
    with Session(db) as session:
        session.add(StaffMember(line_user_id=OFFICER, name="กมลชนก", role="officer", created_at=clock.now()))
        session.commit()


def _quiz_result(chat: LineChat) -> list[dict]:  # type: ignore[type-arg]
    """`มาตรการ`, answered as a borrower who pays every installment: the quiz's result."""
    replies = chat.say("มาตรการ")
    for label in ("ผู้กู้หลัก", "ชำระตรงทุกงวด"):
        replies = chat.tap(next(i["action"]["data"] for i in replies[-1]["quickReply"]["items"]
                                if i["action"]["label"] == label))
    return replies


def test_a_quick_answer_is_not_held_up_by_a_loading_animation(app, settings, clock, fake, officer):
    """The officer's list may be slow, so it asks for the animation; it is ready long before the wait
    is over, so LINE is never called for one (bot/loading.py). (`app` has set up the relief measures.)"""
    with served(create_app(settings.with_(loading_after_seconds=30.0), clock=clock), fake, SECRET) as chat:
        assert "รายการติดตาม" in texts(chat.say("วันนี้", user=OFFICER))
        assert _quiz_result(chat)[0]["type"] == "flex"  # the quiz's result: asked for one too
    assert fake.requests("/v2/bot/chat/loading/start") == []


def test_set_to_zero_a_maybe_slow_answer_shows_the_animation_at_once(app, settings, clock, fake, officer):
    with served(create_app(settings.with_(loading_after_seconds=0.0), clock=clock), fake, SECRET) as chat:
        event = chat.event("message", user=OFFICER, message=ev.text_message("วันนี้"))
        chat.deliver(event)
        [loading] = before_the_reply(fake, "/v2/bot/chat/loading/start", event)
        assert loading["status"] == 202 and loading["body"] == {"chatId": OFFICER, "loadingSeconds": 10}
        chat.say("ช่วยเหลือ")  # a quick answer: no animation
        assert _quiz_result(chat)[0]["type"] == "flex"  # the quiz's result may be slow
    assert [r["body"]["chatId"] for r in fake.requests("/v2/bot/chat/loading/start")] == [OFFICER, USER]


def test_never_in_a_group_and_a_failure_never_breaks_the_reply(settings, clock, fake, officer):
    with served(create_app(settings.with_(loading_after_seconds=0.0), clock=clock), fake, SECRET) as chat:
        chat.say("วันนี้", user=OFFICER, group=GROUP)
        assert fake.requests("/v2/bot/chat/loading/start") == []
        fake.inject("/v2/bot/chat/loading/start", 500)
        replies = chat.say("วันนี้", user=OFFICER)
    assert "รายการติดตาม" in texts(replies)
    assert [r["status"] for r in fake.requests("/v2/bot/chat/loading/start")] == [500]


def test_read_marks_only_when_the_setting_asks(settings, clock, fake, live_url):  # type: ignore[no-untyped-def]
    plain = LineChat(live_url, fake, SECRET)
    plain.say("ช่วยเหลือ")
    assert fake.requests("/v2/bot/chat/markAsRead") == []  # MARK_AS_READ is off by default

    with served(create_app(settings.with_(mark_as_read=True), clock=clock), fake, SECRET) as reading:
        event = reading.event("message", message=ev.text_message("ช่วยเหลือ", mark_as_read_token="tok-123"))
        reading.deliver(event)
        assert reading.replies_to(event)
        assert [(r["status"], r["body"]) for r in fake.requests("/v2/bot/chat/markAsRead")] == [
            (200, {"markAsReadToken": "tok-123"})]
        reading.say("สวัสดี", group=GROUP)  # no token, nothing to mark
        assert len(fake.requests("/v2/bot/chat/markAsRead")) == 1
