"""The LINE client boundary: rate limit and what comes back from LINE."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from bot import create_app
from bot.line import RateLimiter, loading_seconds
from devtools.fakeline import events as ev
from models import StaffMember
from tests.conftest import SECRET
from tests.helpers import GROUP, USER, LineChat, texts

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


# --- LINE's newer touches: the loading animation and read marks (issue 15, item 9) ----------


def test_loading_seconds_are_what_line_accepts():
    assert [loading_seconds(n) for n in (-3, 0, 1, 5, 6, 10, 59, 60, 61, 600)] == [5, 5, 5, 5, 10, 10, 60, 60, 60, 60]


def before_the_reply(fake, path: str, event: dict) -> list[dict]:  # type: ignore[type-arg]
    """Requests to `path` made before the reply to `event`, which must exist."""
    [reply] = [r for r in fake.requests("/v2/bot/message/reply") if r["body"]["replyToken"] == event["replyToken"]]
    return [r for r in fake.requests(path) if r["id"] < reply["id"]]


@pytest.fixture
def officer(db, clock):  # type: ignore[no-untyped-def]
    with Session(db) as session:
        session.add(StaffMember(line_user_id=OFFICER, name="กมลชนก", role="officer", created_at=clock.now()))
        session.commit()


def test_a_slow_answer_shows_the_loading_animation_first_in_a_1to1_chat(line, fake, officer):
    event = line.event("message", user=OFFICER, message=ev.text_message("วันนี้"))
    line.deliver(event)
    [loading] = before_the_reply(fake, "/v2/bot/chat/loading/start", event)
    assert loading["status"] == 202 and loading["body"] == {"chatId": OFFICER, "loadingSeconds": 10}
    line.say("ช่วยเหลือ")  # a quick answer: no animation
    replies = line.say("มาตรการ")
    for label in ("ผู้กู้หลัก", "ชำระตรงทุกงวด"):  # the quiz's result is a slow answer
        replies = [m for m in line.tap(next(i["action"]["data"] for i in replies[-1]["quickReply"]["items"]
                                            if i["action"]["label"] == label))]
    assert replies[0]["type"] == "flex"
    assert [r["body"]["chatId"] for r in fake.requests("/v2/bot/chat/loading/start")] == [OFFICER, USER]


def test_never_in_a_group_and_a_failure_never_breaks_the_reply(line, fake, officer):
    line.say("วันนี้", user=OFFICER, group=GROUP)
    assert fake.requests("/v2/bot/chat/loading/start") == []
    fake.inject("/v2/bot/chat/loading/start", 500)
    replies = line.say("วันนี้", user=OFFICER)
    assert "รายการติดตาม" in texts(replies)
    assert [r["status"] for r in fake.requests("/v2/bot/chat/loading/start")] == [500]


def test_read_marks_only_when_the_setting_asks(settings, clock, fake, live_url):  # type: ignore[no-untyped-def]
    plain = LineChat(live_url, fake, SECRET)
    plain.say("ช่วยเหลือ")
    assert fake.requests("/v2/bot/chat/markAsRead") == []  # MARK_AS_READ is off by default

    app = create_app(settings.with_(mark_as_read=True), clock=clock)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        reading = LineChat(f"http://127.0.0.1:{server.server_port}", fake, SECRET)
        event = reading.event("message", message=ev.text_message("ช่วยเหลือ", mark_as_read_token="tok-123"))
        reading.deliver(event)
        assert reading.replies_to(event)
        assert [(r["status"], r["body"]) for r in fake.requests("/v2/bot/chat/markAsRead")] == [
            (200, {"markAsReadToken": "tok-123"})]
        reading.say("สวัสดี", group=GROUP)  # no token, nothing to mark
        assert len(fake.requests("/v2/bot/chat/markAsRead")) == 1
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        app.extensions["wdf"].close()
