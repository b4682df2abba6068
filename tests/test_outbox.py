"""The outbox against the fake LINE platform: retry keys, backoff, what is and is not retried."""

from __future__ import annotations

import threading

import pytest
from linebot.v3.messaging import TextMessage
from sqlalchemy import event, func, select, text

from bot import outbox
from bot.line import LineGateway, SendResult
from domain.group_guard import GroupPrivacyError
from models import DataAccess, Outbox
from services import outbox as queue
from tests import factories as f
from tests.helpers import USER, texts

PUSH = "/v2/bot/message/push"


@pytest.fixture
def rt(app):  # type: ignore[no-untyped-def]
    return app.extensions["wdf"]


def _queue(rt, to: str = USER, text: str = "สวัสดีค่ะ", **kwargs) -> int:  # type: ignore[no-untyped-def]
    with rt.sessions() as session:
        row = queue.enqueue_push(session, to=to, messages=[TextMessage(text=text)], origin="test",
                                  now=rt.clock.now(), **kwargs)
        session.commit()
        return row.id


def _row(rt, outbox_id: int) -> Outbox:  # type: ignore[no-untyped-def]
    with rt.sessions() as session:
        return session.get(Outbox, outbox_id)


def test_push_is_delivered_with_a_retry_key_and_recorded(rt, fake):
    outbox_id = _queue(rt)
    assert rt.outbox_sender.deliver_due() == 1
    requests = fake.requests(PUSH)
    row = _row(rt, outbox_id)
    assert [r["status"] for r in requests] == [200]
    assert requests[0]["retry_key"] == row.retry_key
    assert row.status == "sent" and row.attempts == 1 and row.sent_at is not None
    assert row.request_id  # LINE's x-line-request-id, for support tickets
    assert texts(fake.chat(f"user:{USER}")[0]["message"]) == "สวัสดีค่ะ"


def test_500_then_429_then_success_retries_with_the_same_key_and_backs_off(rt, fake, clock):
    fake.inject(PUSH, 500)
    fake.inject(PUSH, 429, headers={"Retry-After": "45"})
    outbox_id = _queue(rt)

    assert rt.outbox_sender.deliver_due() == 1
    row = _row(rt, outbox_id)
    assert (row.status, row.attempts, row.last_status) == ("queued", 1, 500)
    assert (row.next_attempt_at - clock.now()).total_seconds() == 10  # base backoff

    assert rt.outbox_sender.deliver_due() == 0  # not due yet: no hammering
    clock.advance(seconds=10)
    assert rt.outbox_sender.deliver_due() == 1
    row = _row(rt, outbox_id)
    assert (row.status, row.attempts, row.last_status) == ("queued", 2, 429)
    assert (row.next_attempt_at - clock.now()).total_seconds() == 45  # Retry-After wins over 20 s

    clock.advance(seconds=45)
    assert rt.outbox_sender.deliver_due() == 1
    row = _row(rt, outbox_id)
    assert (row.status, row.attempts, row.last_status) == ("sent", 3, 200)
    keys = {r["retry_key"] for r in fake.requests(PUSH)}
    assert [r["status"] for r in fake.requests(PUSH)] == [500, 429, 200] and keys == {row.retry_key}
    assert len(fake.chat(f"user:{USER}")) == 1


def test_other_4xx_is_never_retried(rt, fake, clock):
    fake.inject(PUSH, 400, body={"message": "The request body has 1 error(s)"})
    outbox_id = _queue(rt)
    rt.outbox_sender.deliver_due()
    clock.advance(hours=2)
    assert rt.outbox_sender.deliver_due() == 0
    row = _row(rt, outbox_id)
    assert (row.status, row.attempts, row.last_status) == ("failed", 1, 400)
    assert "1 error" in row.last_error
    assert len(fake.requests(PUSH)) == 1


def test_409_on_a_retry_means_an_earlier_attempt_got_through(rt, fake, clock):
    fake.inject(PUSH, 500, accept=True)  # LINE accepted it, but the answer was lost
    outbox_id = _queue(rt)
    rt.outbox_sender.deliver_due()
    clock.advance(seconds=10)
    rt.outbox_sender.deliver_due()
    row = _row(rt, outbox_id)
    assert (row.status, row.last_status) == ("sent", 409)
    assert [r["status"] for r in fake.requests(PUSH)] == [500, 409]
    assert len(fake.chat(f"user:{USER}")) == 1  # the person got it exactly once


def test_a_timeout_is_retried(rt, fake, clock, settings):
    fake.inject(PUSH, 200, delay=1.0)  # LINE answers after 1 s; the first attempt waits 0.2 s
    outbox_id = _queue(rt)
    impatient = settings.with_(line_timeout_seconds=0.2)
    line = LineGateway(impatient)
    try:
        outbox.OutboxSender(rt.sessions, line, rt.clock, impatient).deliver_due()
    finally:
        line.close()
    row = _row(rt, outbox_id)
    assert row.status == "queued" and row.last_status is None
    clock.advance(seconds=10)
    rt.outbox_sender.deliver_due()
    assert _row(rt, outbox_id).status == "sent"


def test_gives_up_after_the_configured_attempts(rt, fake, clock, settings):
    fake.inject(PUSH, 503, count=settings.outbox_max_attempts)
    outbox_id = _queue(rt)
    for _ in range(settings.outbox_max_attempts):
        rt.outbox_sender.deliver_due()
        clock.advance(hours=1)
    row = _row(rt, outbox_id)
    assert (row.status, row.attempts) == ("failed", settings.outbox_max_attempts)
    assert rt.outbox_sender.deliver_due() == 0


def test_a_job_key_is_queued_only_once(rt):
    first = _queue(rt, dedupe_key="reminder:U1:2026-12-05")
    with rt.sessions() as session:
        again = queue.enqueue_push(session, to=USER, messages=[TextMessage(text="x")], origin="test",
                                    now=rt.clock.now(), dedupe_key="reminder:U1:2026-12-05")
    assert first and again is None


def test_one_key_queued_by_two_transactions_at_once_is_queued_once_and_fails_neither(rt, db):
    """Two webhooks tripping the same once-a-day alert: the second queues nothing, and does not fail."""
    key = "verify-locked:1:2026-11-20:U1"
    outcome: dict[str, object] = {}

    def second() -> None:
        try:
            with rt.sessions() as session:
                outcome["row"] = queue.enqueue_push(session, to=USER, messages=[TextMessage(text="x")],
                                                    origin="test", now=rt.clock.now(), dedupe_key=key)
                session.commit()
        except Exception as exc:  # noqa: BLE001 - the test reports it
            outcome["error"] = exc

    first = rt.sessions()
    thread = threading.Thread(target=second)
    try:
        assert queue.enqueue_push(first, to=USER, messages=[TextMessage(text="x")], origin="test",
                                  now=rt.clock.now(), dedupe_key=key) is not None
        first.flush()  # the row is in the index, not yet committed (as a webhook's push is)
        thread.start()
        _wait_until_blocked(db, thread)  # the second insert waits on the first's uncommitted key
        first.commit()
    finally:
        first.close()
        if thread.ident is not None:  # started
            thread.join(timeout=30)
    assert outcome == {"row": None}
    with db.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Outbox)
                                  .where(Outbox.dedupe_key == key)).scalar_one() == 1


def _wait_until_blocked(db, thread: threading.Thread) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL: until another backend waits on a lock; SQLite queues writers at BEGIN anyway."""
    if db.dialect.name != "postgresql":
        thread.join(timeout=0.2)
        return
    for _ in range(1000):
        with db.connect() as connection:
            if connection.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query LIKE 'INSERT INTO outbox%' AND datname = current_database()")).scalar_one():
                return
        thread.join(timeout=0.01)
    raise AssertionError("the second transaction never waited on the first")


def test_multicast_goes_in_one_request_to_every_recipient(rt, fake):
    users = [f"U{n:032x}" for n in range(3)]
    with rt.sessions() as session:
        row = queue.enqueue_multicast(session, to=users, messages=[TextMessage(text="ครบกำหนดชำระ")],
                                       origin="test", now=rt.clock.now())
        session.commit()
    rt.outbox_sender.deliver_due()
    requests = fake.requests("/v2/bot/message/multicast")
    assert len(requests) == 1 and requests[0]["body"]["to"] == users
    assert all(fake.chat(f"user:{user}") for user in users)
    assert _row(rt, row.id).recipient_kind == "users"
    with pytest.raises(ValueError):
        queue.enqueue_multicast(session, to=[USER] * 501, messages=[TextMessage(text="x")],
                                 origin="test", now=rt.clock.now())


def test_two_workers_never_send_the_same_row_twice(rt, fake):
    outbox_id = _queue(rt)
    assert rt.outbox_sender.deliver(outbox_id) is True
    assert rt.outbox_sender.deliver(outbox_id) is False
    assert len(fake.requests(PUSH)) == 1


def test_backoff_is_exponential_and_capped():
    assert [outbox.backoff_delay(n, 30, 3600) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert outbox.backoff_delay(20, 30, 3600) == 3600
    assert outbox.backoff_delay(1, 30, 3600, retry_after=90) == 90


def test_send_result_classification():
    assert SendResult(200).ok and not SendResult(200).retryable
    assert SendResult(409).already_accepted
    assert SendResult(None).retryable and SendResult(429).retryable and SendResult(502).retryable
    assert not SendResult(400).retryable and not SendResult(403).retryable
    assert SendResult(429, error='{"message":"You have reached your monthly limit."}').monthly_quota_exceeded


def test_outbox_api_needs_the_admin_token_and_lists_what_was_sent(app, rt, fake):
    _queue(rt, text="ทดสอบ")
    rt.outbox_sender.deliver_due()
    client = app.test_client()
    assert client.get("/api/outbox").status_code == 401
    assert client.get("/api/outbox", headers={"Authorization": "Bearer wrong"}).status_code == 401
    response = client.get("/api/outbox?since=2026-11-20", headers={"Authorization": "Bearer test-admin-token"})
    assert response.status_code == 200
    [row] = response.get_json()
    assert (row["recipient_kind"], row["text"], row["status"], row["origin"]) == ("user", "ทดสอบ", "sent", "test")
    later = client.get("/api/outbox?since=2026-11-21", headers={"Authorization": "Bearer test-admin-token"})
    assert later.get_json() == []
    # an offset's `+` typed into the URL unencoded arrives as a space: read as the `+` it was
    for since, found in (("2026-11-20T00:00+07:00", 1), ("2026-11-21T00:00+07:00", 0)):
        typed = client.get(f"/api/outbox?since={since}", headers={"Authorization": "Bearer test-admin-token"})
        assert typed.status_code == 200 and len(typed.get_json()) == found, since
    bad = client.get("/api/outbox?since=20/11/2569", headers={"Authorization": "Bearer test-admin-token"})
    assert bad.status_code == 400 and "since" in bad.get_json()["detail"]


def test_reading_the_outbox_through_the_api_is_on_the_audit_trail(app, rt, fake):
    """What went to a verified person may hold their figures: whoever reads it is recorded."""
    with rt.sessions() as session:
        who = f.person(session)
        f.link(session, who, USER)
        session.commit()
        person_id = who.id
    _queue(rt, text="ยอดคงเหลือ 1,000.00 บาท")
    _queue(rt, to="U" + "f" * 32, text="สวัสดีค่ะ")  # an account not verified: no one's on the register
    rt.outbox_sender.deliver_due()
    response = app.test_client().get("/api/outbox", headers={"Authorization": "Bearer test-admin-token",
                                                             "X-Officer": "วิไลวรรณ"})
    assert response.status_code == 200 and len(response.get_json()) == 2
    with rt.sessions() as session:
        seen = session.scalars(select(DataAccess).where(DataAccess.action == "api.outbox")).all()
        assert [(row.person_id, row.viewer_name, row.channel) for row in seen] == [(person_id, "วิไลวรรณ", "api")]


def test_replies_are_recorded_in_the_outbox(app, line, db):
    line.say("ช่วยเหลือ")
    assert app.extensions["wdf"].reply_outcomes.flush()  # what LINE answered is written a moment later
    with db.connect() as connection:
        row = connection.execute(select(Outbox)).one()
    assert (row.kind, row.status, row.origin) == ("reply", "sent", "common.help_menu")
    assert row.summary.startswith("เมนู")


# --- batches: one claim, one write-back, several senders at once (issue 17) ---------------


def _queue_many(rt, count: int) -> list[int]:  # type: ignore[no-untyped-def]
    with rt.sessions() as session:
        rows = [queue.enqueue_push(session, to=f"U{n:032x}", messages=[TextMessage(text=f"ข้อความ {n}")],
                                   origin="test", now=rt.clock.now()) for n in range(count)]
        session.commit()
        return [row.id for row in rows]


def test_a_round_claims_and_writes_back_a_batch_in_a_few_statements(rt, fake):
    ids = _queue_many(rt, 30)
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(rt.engine, "before_cursor_execute", count)
    try:
        assert rt.outbox_sender.deliver_due() == 30
    finally:
        event.remove(rt.engine, "before_cursor_execute", count)
    writes = [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "WITH"))]
    assert len(writes) == 2  # one claim of the whole batch, one executemany of the outcomes
    assert len(statements) <= 10  # and the quota flag, the holidays, the begins and commits: not per row
    assert sorted(r["retry_key"] for r in fake.requests(PUSH)) == sorted(_row(rt, i).retry_key for i in ids)
    assert {_row(rt, i).status for i in ids} == {"sent"}


def test_two_senders_at_once_never_both_send_a_row(rt, fake, settings):
    """Two senders (as in two worker processes) drain one outbox together: every row goes once."""
    ids = _queue_many(rt, 60)
    line = LineGateway(settings)
    other = outbox.OutboxSender(rt.sessions, line, rt.clock, settings.with_(outbox_workers=2))
    mine = outbox.OutboxSender(rt.sessions, rt.line, rt.clock, settings.with_(outbox_workers=2))
    start = threading.Barrier(2)
    counts: dict[str, int] = {}
    errors: list[BaseException] = []

    def drain(name: str, sender: outbox.OutboxSender) -> None:
        try:
            start.wait()
            total = 0
            while attempted := sender.deliver_due(limit=8):
                total += attempted
            counts[name] = total
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)

    threads = [threading.Thread(target=drain, args=(name, s)) for name, s in (("mine", mine), ("other", other))]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        line.close()
    assert not errors
    assert counts["mine"] + counts["other"] == 60
    requests = fake.requests(PUSH)
    assert [r["status"] for r in requests] == [200] * 60  # no 409: no row was sent by both
    assert len({r["retry_key"] for r in requests}) == 60
    assert {_row(rt, i).status for i in ids} == {"sent"}


def test_a_claim_in_progress_is_skipped_not_waited_for(rt, db):
    """PostgreSQL: a sender whose claim has not committed yet holds its rows; another sender's
    claim, on another connection at the same moment, takes the other rows without waiting.
    SQLite: claims run one after the other under the write lock, and still never overlap."""
    _queue_many(rt, 10)
    now = rt.clock.now()
    first = rt.sessions()
    try:
        mine = outbox._claim(first, now, 4)
        if db.dialect.name != "postgresql":
            first.commit()
        with rt.sessions() as second:
            theirs = outbox._claim(second, now, 10)
            second.commit()
        first.commit()
    finally:
        first.close()
    assert len(mine) == 4 and len(theirs) == 6
    assert not {r.id for r in mine} & {r.id for r in theirs}
    with rt.sessions() as session:
        assert outbox._claim(session, now, 10) == []  # all ten are claimed


def test_a_sender_that_died_after_its_claim_leaves_the_rows_due_again_later(rt, fake, clock):
    ids = _queue_many(rt, 3)
    with rt.sessions() as session:
        claimed = outbox._claim(session, clock.now(), 10)  # claimed, committed, then the process dies
        session.commit()
    assert len(claimed) == 3
    assert rt.outbox_sender.deliver_due() == 0  # someone else's for now
    clock.advance(seconds=outbox.CLAIM_SECONDS)
    assert rt.outbox_sender.deliver_due() == 3
    rows = [_row(rt, i) for i in ids]
    assert {(r.status, r.attempts) for r in rows} == {("sent", 2)}
    assert sorted(r["retry_key"] for r in fake.requests(PUSH)) == sorted(r.retry_key for r in rows)


def test_a_late_write_back_never_undoes_the_sender_that_took_over(rt, fake, clock):
    """A sender slowed past its claim: the row was claimed again and sent; the late outcome is dropped."""
    [outbox_id] = _queue_many(rt, 1)
    with rt.sessions() as session:
        [late] = outbox._claim(session, clock.now(), 1)
        session.commit()
    clock.advance(seconds=outbox.CLAIM_SECONDS)
    assert rt.outbox_sender.deliver_due() == 1
    late.status, late.last_status, late.attempted = "failed", 400, True
    with rt.sessions() as session:
        outbox._write_back(session, [late])
        session.commit()
    row = _row(rt, outbox_id)
    assert (row.status, row.last_status, row.attempts) == ("sent", 200, 2)


def test_a_spent_quota_mid_batch_holds_the_rest_uncounted(rt, fake, clock):
    fake.inject(PUSH, 429, body={"message": "You have reached your monthly limit."})
    ids = _queue_many(rt, 5)
    sender = outbox.OutboxSender(rt.sessions, rt.line, rt.clock, rt.settings.with_(outbox_workers=1))
    assert sender.deliver_due() == 0  # the first met the limit; none after it was tried
    assert len(fake.requests(PUSH)) == 1
    rows = [_row(rt, i) for i in ids]
    assert {(r.status, r.attempts) for r in rows} == {("queued", 0)}
    with rt.sessions() as session:
        paused = queue.quota_paused_until(session, clock.now())
    assert paused is not None and {r.next_attempt_at for r in rows} == {paused}  # the 1st of next month


def test_many_pushes_queue_in_one_statement_and_a_queued_key_is_skipped(rt):
    group = "C" + "1" * 32
    _queue(rt, to=USER, dedupe_key="note:a")
    pushes = [queue.Push(USER, [TextMessage(text="x")], "test", "note:a"),
              queue.Push(group, [{"type": "text", "text": "ครบกำหนดชำระ"}], "test", "note:b")]
    checked: list[object] = []
    with rt.sessions() as session:
        with pytest.raises(GroupPrivacyError):  # a group's note needs the guard
            queue.enqueue_pushes(session, pushes, now=rt.clock.now())
        queued = queue.enqueue_pushes(session, pushes, now=rt.clock.now(), send_at=rt.clock.now(),
                                      group_guard=checked.append)
        session.commit()
    assert list(queued) == ["note:b"] and len(checked) == 1
    row = _row(rt, queued["note:b"])
    assert (row.recipient, row.recipient_kind, row.proactive, row.status) == (group, "group", True, "queued")


def test_a_reminder_of_its_day_is_never_sent_on_another(rt, fake, clock):
    """A reminder queued at 19:20 whose tries run past 20:00 waits for the morning's contact hours,
    and then is not sent at all: it would come beside the new day's. A notice that is not of its
    day (a session moved) still goes in the morning."""
    from datetime import datetime, timedelta

    from domain.clock import BANGKOK

    clock.set(datetime(2026, 11, 30, 19, 20, tzinfo=BANGKOK))
    reminder = _queue(rt, text="พรุ่งนี้ครบกำหนดชำระค่ะ", send_at=clock.now(), of_its_day=True)
    notice = _queue(rt, to="U" + "77" * 16, text="รอบนัดของคุณย้ายเวลาค่ะ", send_at=clock.now())
    fake.inject(PUSH, 500, count=2)
    assert rt.outbox_sender.deliver_due() == 2  # both failed once
    clock.set(datetime(2026, 11, 30, 20, 5, tzinfo=BANGKOK))  # their retries come after the contact hours
    assert rt.outbox_sender.deliver_due() == 0
    assert _row(rt, reminder).status == "queued" and _row(rt, notice).status == "queued"
    clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=BANGKOK) + timedelta(seconds=1))
    fake.reset()
    assert rt.outbox_sender.deliver_due() == 1
    assert (_row(rt, reminder).status, _row(rt, notice).status) == ("queued", "sent")  # never claimed
    assert rt.outbox_sender.expire_stale() == 1 and _row(rt, reminder).status == "expired"
    assert [texts(r["body"]["messages"]) for r in fake.requests(PUSH)] == ["รอบนัดของคุณย้ายเวลาค่ะ"]


def test_a_reminder_held_by_a_spent_quota_is_not_sent_when_the_month_renews(rt, fake, clock):
    from datetime import datetime

    from domain.clock import BANGKOK

    clock.set(datetime(2026, 12, 10, 9, 0, tzinfo=BANGKOK))
    fake.inject(PUSH, 429, body={"message": "You have reached your monthly limit."})
    reminder = _queue(rt, text="พรุ่งนี้ครบกำหนดชำระค่ะ", send_at=clock.now(), of_its_day=True)
    rt.outbox_sender.deliver_due()
    assert _row(rt, reminder).status == "queued"  # held until the quota renews
    clock.set(datetime(2027, 1, 1, 9, 0, tzinfo=BANGKOK))
    fake.reset()
    rt.outbox_sender.deliver_due()
    rt.outbox_sender.expire_stale()
    assert _row(rt, reminder).status == "expired" and fake.requests(PUSH) == []
