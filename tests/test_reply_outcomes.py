"""What LINE answered to each reply is written after the request, by a thread, a batch at a time
(`bot/outcomes.py`): never lost on a clean stop, never holding up an answer, never the worse for a
database that refuses a batch for a moment."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.outcomes import TRIES, ReplyOutcomes
from devtools.fakeline import events as ev
from models import Outbox
from services.outbox import REPLY_OUTCOMES_PG, outcome, record_reply
from tests.helpers import USER

THREAD = "reply-outcomes"


@contextmanager
def _writes(engine: Engine) -> Iterator[list[tuple[str, bool]]]:
    """The statements the outcomes' thread runs meanwhile: (SQL, as an executemany)."""
    seen: list[tuple[str, bool]] = []

    def note(_conn, _cursor, statement, _parameters, _context, executemany):  # type: ignore[no-untyped-def]
        if threading.current_thread().name == THREAD and statement.lstrip().upper().startswith("UPDATE"):
            seen.append((statement, executemany))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _replies(db: Engine, now: Any, count: int) -> list[int]:
    """Reply rows as the webhook records them before sending (status `sending`)."""
    with Session(db) as session:
        ids = [record_reply(session, chat=USER, messages=[{"type": "text", "text": f"ตอบ {n}"}], origin="test",
                            now=now) for n in range(count)]
        session.commit()
    return ids


def _rows(db: Engine, ids: list[int]) -> list[Any]:
    with db.connect() as connection:
        return list(connection.execute(select(Outbox).where(Outbox.id.in_(ids)).order_by(Outbox.id)))


def test_a_replys_outcome_is_written_after_its_request_answered(app, line, db, clock):
    """The request records the reply, sends it and answers: what LINE said (sent, its status, its
    request id, when) is written by the outcomes' thread, not in the request (on PostgreSQL; SQLite,
    with one writer at a time, writes it in the request)."""
    rt = app.extensions["wdf"]
    request_statements: list[str] = []

    def note(_conn, _cursor, statement, *_rest):  # type: ignore[no-untyped-def]
        if threading.current_thread().name != THREAD:
            request_statements.append(statement)

    event.listen(rt.engine, "before_cursor_execute", note)
    try:
        with _writes(rt.engine) as writes:
            assert line.say("ช่วยเหลือ")
            assert rt.reply_outcomes.flush()
    finally:
        event.remove(rt.engine, "before_cursor_execute", note)
    in_request = [s for s in request_statements if "UPDATE outbox" in s]
    if db.dialect.name == "postgresql":
        assert not in_request and len(writes) == 1
    else:  # SQLite's one writer: written at once, in the request, as before (bot/outcomes.py)
        assert len(in_request) == 1 and not writes
    [reply] = _all_replies(db)
    assert (reply.status, reply.last_status, reply.last_error) == ("sent", 200, None)
    assert reply.request_id and reply.sent_at == clock.now()


def _all_replies(db: Engine) -> list[Any]:
    with db.connect() as connection:
        return list(connection.execute(select(Outbox).where(Outbox.kind == "reply")))


def test_a_reply_line_refused_is_written_failed_with_its_reason(app, line, db):
    """A reply token LINE does not know (expired, or used): the row says failed, with LINE's status and
    words, and no time sent."""
    body = ev.payload(ev.event("message", ev.source(USER), reply_token="f" * 32, message=ev.text_message("ช่วยเหลือ")))
    assert line.post(body).status == 200
    assert app.extensions["wdf"].reply_outcomes.flush()
    [reply] = _all_replies(db)
    assert (reply.status, reply.last_status, reply.sent_at) == ("failed", 400, None)
    assert "reply token" in reply.last_error.lower()


def test_outcomes_that_gather_are_written_together_a_batch_at_a_time(app, db, clock):
    """Outcomes handed in meanwhile go in one write (one statement on PostgreSQL, its rows as one JSON
    text; one executemany on SQLite, where the thread is not the default but works the same), at most
    `batch` to a write."""
    ids = _replies(db, clock.now(), 5)
    sent = clock.now() + timedelta(seconds=1)
    writer = ReplyOutcomes(app.extensions["wdf"].engine, background=True, linger=60.0, batch=3)  # waits for a flush
    try:
        with _writes(writer.engine) as writes:
            writer.add([outcome(ids[0], ok=True, status=200, request_id="r0", error=None, at=sent)])
            writer.add([outcome(i, ok=True, status=200, request_id=f"r{n}", error=None, at=sent)
                        for n, i in enumerate(ids[1:4], start=1)])
            writer.add([outcome(ids[4], ok=False, status=400, request_id="r4", error="Invalid reply token",
                                at=sent)])
            assert writer.flush()
    finally:
        writer.close()
    assert len(writes) == 2  # 3 + 2
    if db.dialect.name == "postgresql":
        assert all("json_to_recordset" in sql and not many for sql, many in writes)
    else:
        assert all(many for _sql, many in writes)
    rows = _rows(db, ids)
    assert [(r.status, r.last_status, r.request_id) for r in rows] == [
        ("sent", 200, "r0"), ("sent", 200, "r1"), ("sent", 200, "r2"), ("sent", 200, "r3"), ("failed", 400, "r4")]
    assert [r.sent_at for r in rows] == [sent] * 4 + [None]
    assert rows[4].last_error == "Invalid reply token" and rows[0].last_error is None


def test_a_clean_stop_writes_what_is_pending(app, db, clock):
    """close() writes the outcomes still lingering before it returns; one handed in after is written at once."""
    ids = _replies(db, clock.now(), 2)
    writer = ReplyOutcomes(app.extensions["wdf"].engine, background=True, linger=60.0)
    writer.add([outcome(ids[0], ok=True, status=200, request_id="a", error=None, at=clock.now())])
    writer.close()
    assert _rows(db, ids)[0].status == "sent"
    writer.add([outcome(ids[1], ok=True, status=200, request_id="b", error=None, at=clock.now())])
    assert [r.status for r in _rows(db, ids)] == ["sent", "sent"]


def test_a_refused_batch_is_tried_again_then_given_up_and_the_thread_goes_on(app, db, clock, caplog):
    """The database refuses a write (a restart, a lock): the batch is written again after a pause; refused
    every time, it is given up with a warning, and the next outcomes are still written."""
    ids = _replies(db, clock.now(), 3)
    engine = app.extensions["wdf"].engine
    refusals = {"left": 1}
    pauses: list[float] = []

    def refuse(_conn, _cursor, statement, *_rest):  # type: ignore[no-untyped-def]
        if threading.current_thread().name == THREAD and refusals["left"] > 0 and "UPDATE" in statement.upper():
            refusals["left"] -= 1
            raise OperationalError(statement, {}, RuntimeError("the database is restarting"))

    event.listen(engine, "before_cursor_execute", refuse)
    writer = ReplyOutcomes(engine, background=True, linger=0.0, sleep=pauses.append)
    try:
        writer.add([outcome(ids[0], ok=True, status=200, request_id="a", error=None, at=clock.now())])
        assert writer.flush()
        assert _rows(db, ids)[0].status == "sent" and len(pauses) == 1  # refused once, written the second time

        refusals["left"] = TRIES
        with caplog.at_level(logging.WARNING, logger="bot.outcomes"):
            writer.add([outcome(ids[1], ok=True, status=200, request_id="b", error=None, at=clock.now())])
            assert writer.flush()
        assert _rows(db, ids)[1].status == "sending"  # given up: the row says what it said
        assert [r.getMessage() for r in caplog.records if r.name == "bot.outcomes"] == ["reply outcomes not written"]
        assert len(pauses) == 1 + TRIES - 1

        writer.add([outcome(ids[2], ok=True, status=200, request_id="c", error=None, at=clock.now())])
        assert writer.flush()
        assert _rows(db, ids)[2].status == "sent"
    finally:
        writer.close()
        event.remove(engine, "before_cursor_execute", refuse)


def test_the_thread_is_postgresqls_sqlite_writes_at_once(app, db, clock):
    """By default the thread writes on PostgreSQL; on SQLite (one writer at a time, nothing to win) the
    outcomes are written before `add` returns, in the caller's thread, so no later write takes the
    lock from under a transaction that read first."""
    [reply] = _replies(db, clock.now(), 1)
    writer = ReplyOutcomes(app.extensions["wdf"].engine)
    try:
        writer.add([outcome(reply, ok=True, status=200, request_id="now", error=None, at=clock.now())])
        written_at_once = _rows(db, [reply])[0].status == "sent"
        assert writer.flush()
    finally:
        writer.close()
    assert writer.background == (db.dialect.name == "postgresql")
    if not writer.background:
        assert written_at_once  # before add() returned
    assert _rows(db, [reply])[0].request_id == "now"


def test_outcomes_commit_without_a_disk_sync_and_only_their_own(app, db, clock):
    """On PostgreSQL the outcomes' transaction does not wait for the WAL flush (the replies were
    recorded durably with their events); the setting never reaches the next transaction."""
    if db.dialect.name != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's")
    [reply] = _replies(db, clock.now(), 1)
    rows = [{"oid": reply, "st": "sent", "ls": 200, "rid": "r", "err": None, "at": None}]
    engine = app.extensions["wdf"].engine
    with engine.connect() as connection:
        assert connection.scalar(text("SHOW synchronous_commit")) == "on"
        assert connection.execute(REPLY_OUTCOMES_PG, {"rows": rows}).rowcount == 1
        assert connection.scalar(text("SHOW synchronous_commit")) == "off"  # for this transaction
        connection.commit()
        assert connection.scalar(text("SHOW synchronous_commit")) == "on"  # and only for it
        connection.execute(REPLY_OUTCOMES_PG, {"rows": rows})
        connection.rollback()
        assert connection.scalar(text("SHOW synchronous_commit")) == "on"
