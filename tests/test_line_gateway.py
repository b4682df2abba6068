"""The LINE client boundary: rate limit and what comes back from LINE."""

from __future__ import annotations

import pytest

from bot.line import RateLimiter


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
    from devtools.fakeline import events as ev
    from tests.helpers import USER

    line = app.extensions["wdf"].line
    token = fake.issue_reply_token(ev.source(USER))
    result = line.reply(token, [{"type": "text", "text": "สวัสดีค่ะ"}])
    assert result.ok and result.request_id
    again = line.reply(token, [{"type": "text", "text": "ซ้ำ"}])
    assert again.status == 400 and not again.retryable and "reply token" in again.error
    fake.inject("/v2/bot/message/push", 503)
    failed = line.push(USER, [{"type": "text", "text": "x"}], "123e4567-e89b-12d3-a456-426614174000")
    assert failed.status == 503 and failed.retryable
