"""End to end: signed webhooks over HTTP to the served app; replies read from the fake LINE API."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from devtools.fakeline import events as ev
from models import ContactRequest, Conversation, LineUser, Outbox, ProcessedEvent
from tests import factories as f
from tests.helpers import GROUP, USER, load_payload, press, texts

OTHER = "U" + "2" * 32
STATEMENTS_PER_MENU_WORD = 25  # 17 on SQLite (BEGINs included), 15 on PostgreSQL when this was written


def _count(db, model) -> int:  # type: ignore[no-untyped-def]
    with db.connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar_one()


def test_missing_signature_is_refused_and_nothing_is_stored(line, db, fake):
    body = load_payload("text_message.json", text="ช่วยเหลือ", event_id="01JMISSINGSIG", user_id=USER,
                        reply_token=fake.issue_reply_token(ev.source(USER)))
    delivery = line.post(body, signature=None)
    assert delivery.status == 400
    assert _count(db, ProcessedEvent) == 0
    assert _count(db, LineUser) == 0
    assert fake.requests("/v2/bot/message/reply") == []


def test_forged_signature_is_refused_and_nothing_is_stored(line, db, fake):
    body = load_payload("text_message.json", text="ช่วยเหลือ", event_id="01JFORGED", user_id=USER,
                        reply_token=fake.issue_reply_token(ev.source(USER)))
    forged = ev.sign(body, "not-the-channel-secret")
    assert line.post(body, signature=forged).status == 400
    tampered = body.replace("ช่วยเหลือ".encode(), "ยอดหนี้".encode())
    assert line.post(tampered, signature=ev.sign(body, line.secret)).status == 400
    assert _count(db, ProcessedEvent) == 0
    assert fake.requests("/v2/bot/message/reply") == []


def test_malformed_bodies_get_400(line, db):
    for body in (b"not json", b"{}", b'{"events": "x"}', b'{"events": [{"type": "message"}]}', b"[]"):
        assert line.post(body).status == 400, body
    assert _count(db, ProcessedEvent) == 0


def test_empty_event_list_is_lines_verify_button(line, db):
    delivery = line.post(load_payload("verify_empty.json"))
    assert delivery.status == 200
    assert _count(db, ProcessedEvent) == 0


def test_follow_greets_and_explains_personal_data(line, db, fake):
    token = fake.issue_reply_token(ev.source(USER))
    body = load_payload("follow.json", event_id="01JFOLLOW", user_id=USER, reply_token=token)
    assert line.post(body).status == 200
    replies = [r for r in fake.requests("/v2/bot/message/reply") if r["body"]["replyToken"] == token]
    assert len(replies) == 1
    said = texts(replies[0]["body"]["messages"])
    assert "กองทุนพัฒนาบทบาทสตรี" in said
    assert "ข้อมูลส่วนตัว" in said and "ไม่ถูกเปิดเผยในกลุ่ม" in said
    with db.connect() as connection:
        user = connection.execute(select(LineUser)).one()
    assert user.line_user_id == USER and user.following


def test_unknown_persona_asks_for_help_and_gets_the_menu(line):
    replies = line.say("ช่วยเหลือ")
    assert replies[0]["type"] == "flex"
    assert "ติดต่อเจ้าหน้าที่" in texts(replies)
    # case, spaces and English are accepted
    assert line.say("  HELP ")[0]["type"] == "flex"


def test_unknown_words_get_a_kind_answer_with_buttons(line):
    replies = line.say("ขอกู้เงินเพิ่มได้ไหม")
    assert "ยังไม่เข้าใจ" in replies[0]["text"]
    assert replies[0]["quickReply"]["items"]


def test_redelivered_event_is_handled_once(line, db, fake):
    first = fake.issue_reply_token(ev.source(USER))
    body = load_payload("text_message.json", text="ช่วยเหลือ", event_id="01JREDELIVER", user_id=USER,
                        reply_token=first)
    assert line.post(body).status == 200
    redelivered = json.loads(body)
    redelivered["events"][0]["deliveryContext"]["isRedelivery"] = True
    redelivered["events"][0]["replyToken"] = fake.issue_reply_token(ev.source(USER))
    assert line.post(json.dumps(redelivered, ensure_ascii=False).encode()).status == 200
    assert len(fake.requests("/v2/bot/message/reply")) == 1
    assert _count(db, ProcessedEvent) == 1


def test_a_failing_handler_does_not_stop_the_next_event(line, db, fake, clock):
    # A conversation left in a state the code cannot read (e.g. written by an older release):
    # the phone step without the message it needs. The handler raises.
    with db.begin() as connection:
        connection.execute(Conversation.__table__.insert().values(
            source_type="user", user_id=USER, group_id="", flow="contact", step="phone",
            data={}, history=[], expires_at=clock.now().replace(year=2030), updated_at=clock.now()))
    first_token = fake.issue_reply_token(ev.source(USER))
    second_token = fake.issue_reply_token(ev.source(OTHER))
    body = load_payload("two_events.json", user_id=USER, first_text="0812345678", first_id="01JFAILS",
                        first_token=first_token, second_text="ช่วยเหลือ", second_id="01JWORKS",
                        second_token=second_token)
    body = body.replace(b'"userId": "' + USER.encode() + b'", "groupId"', b"")  # keep JSON simple
    payload = json.loads(body)
    payload["events"][1]["source"]["userId"] = OTHER
    assert line.post(json.dumps(payload, ensure_ascii=False).encode()).status == 200

    replies = {r["body"]["replyToken"]: r["body"]["messages"] for r in fake.requests("/v2/bot/message/reply")}
    assert "ระบบขัดข้อง" in texts(replies[first_token])
    assert replies[second_token][0]["type"] == "flex"
    with db.connect() as connection:
        statuses = dict(connection.execute(select(ProcessedEvent.webhook_event_id, ProcessedEvent.status)).all())
        failed = connection.execute(select(ProcessedEvent).where(ProcessedEvent.status == "failed")).one()
    assert statuses == {"01JFAILS": "failed", "01JWORKS": "handled"}
    assert failed.error == "KeyError"
    assert _count(db, ContactRequest) == 0  # nothing half-written


@contextmanager
def _statements(app) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    """The SQL the app's engine runs meanwhile for the requests, each on one line (not what the replies'
    outcomes' thread writes later, which `tests/test_reply_outcomes.py` counts)."""
    statements: list[str] = []
    engine = app.extensions["wdf"].engine

    def seen(_conn, _cursor, statement, *_rest):  # type: ignore[no-untyped-def]
        if threading.current_thread().name != "reply-outcomes":
            statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def _start_contact(line) -> list[dict]:  # type: ignore[no-untyped-def]
    replies = line.say("ติดต่อเจ้าหน้าที่")
    assert "อยากคุยเรื่องอะไร" in replies[0]["text"]
    return replies


@pytest.fixture
def worker_delivered(app, monkeypatch) -> threading.Event:  # type: ignore[no-untyped-def]
    """Set once the background outbox thread has delivered a round with something in it."""
    done = threading.Event()
    sender = app.extensions["wdf"].outbox_sender
    deliver_due = sender.deliver_due

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        attempted = deliver_due(*args, **kwargs)
        if attempted and threading.current_thread().name == "outbox":
            done.set()
        return attempted

    monkeypatch.setattr(sender, "deliver_due", watched)
    return done


@pytest.mark.outbox_worker  # as in production: the worker thread sends the push, the webhook does not wait
def test_contact_flow_saves_the_message_and_tells_officers(app, line, db, fake, clock, worker_delivered,
                                                           monkeypatch):
    from models import StaffMember

    officer = "U" + "0f" * 16
    with db.begin() as connection:
        connection.execute(StaffMember.__table__.insert().values(
            line_user_id=officer, name="เจ้าหน้าที่ทดสอบ", role="officer", created_at=clock.now()))
    replies = _start_contact(line)
    replies = press(line, replies[0], "มาตรการช่วยเหลือ")
    assert "พิมพ์สิ่งที่อยากบอก" in replies[0]["text"]
    replies = line.say("อยากทราบเรื่องลดดอกเบี้ยค่ะ")
    assert "โทรกลับ" in replies[0]["text"]

    line_api = app.extensions["wdf"].line
    release, push = threading.Event(), line_api.push

    def held_back(*args, **kwargs):  # type: ignore[no-untyped-def]
        release.wait(5)  # LINE is slow to take the push until the test lets it go
        return push(*args, **kwargs)

    monkeypatch.setattr(line_api, "push", held_back)
    replies = line.say("๐๘๑-๒๓๔-๕๖๗๘")  # Thai digits and dashes
    assert "เรียบร้อยแล้ว" in replies[0]["text"]
    assert fake.requests("/v2/bot/message/push") == []  # the webhook answered without waiting for it
    release.set()

    with db.connect() as connection:
        saved = connection.execute(select(ContactRequest)).one()
    assert _count(db, Conversation) == 0
    assert (saved.topic, saved.message, saved.callback_phone) == (
        "relief", "อยากทราบเรื่องลดดอกเบี้ยค่ะ", "0812345678")

    assert worker_delivered.wait(timeout=10), "the outbox thread delivered nothing"
    pushes = fake.requests("/v2/bot/message/push")
    assert pushes[0]["body"]["to"] == officer
    assert "ลดดอกเบี้ย" in pushes[0]["body"]["messages"][0]["text"]
    assert pushes[0]["retry_key"]
    with db.connect() as connection:
        row = connection.execute(select(Outbox).where(Outbox.kind == "push")).one()
    assert row.origin == "contact.new_request" and row.recipient == officer


def test_back_returns_to_the_previous_question_and_forgets_its_answer(line, db):
    replies = _start_contact(line)
    press(line, replies[0], "นัดหมาย")
    replies = line.say("ย้อนกลับ")
    assert "อยากคุยเรื่องอะไร" in replies[0]["text"]
    with db.connect() as connection:
        conversation = connection.execute(select(Conversation)).one()
    assert conversation.step == "topic" and conversation.data == {}
    assert "ย้อนกลับไม่ได้" in line.say("back")[0]["text"]


def test_cancel_leaves_the_flow_from_any_step(line, db):
    replies = _start_contact(line)
    press(line, replies[0], "เรื่องอื่น ๆ")
    replies = line.say("ยกเลิก")
    assert "ยกเลิกรายการเรียบร้อย" in replies[0]["text"]
    assert _count(db, Conversation) == 0
    assert "ไม่มีรายการที่ค้างอยู่" in line.say("cancel")[0]["text"]


def test_cancel_button_and_stale_buttons(line, db):
    replies = _start_contact(line)
    topic_question = replies[0]
    replies = press(line, topic_question, "ยกเลิก")
    assert "ยกเลิกรายการเรียบร้อย" in replies[0]["text"]
    # a button from the finished conversation is out of date, and says so
    replies = press(line, topic_question, "นัดหมาย")
    assert "ปุ่มนี้ใช้ไม่ได้แล้ว" in replies[0]["text"]
    assert "ปุ่มนี้ใช้ไม่ได้แล้ว" in line.tap("no-such-action?x=1")[0]["text"]


def test_idle_conversation_expires_and_the_person_is_told_kindly(line, db, clock):
    replies = _start_contact(line)
    press(line, replies[0], "นัดหมาย")
    clock.advance(minutes=31)
    replies = line.say("อยากเลื่อนนัดค่ะ")
    assert "หมดเวลาแล้ว" in replies[0]["text"]
    assert "ยังไม่เข้าใจ" in replies[1]["text"]  # then the message is read afresh
    assert _count(db, Conversation) == 0
    assert _count(db, ContactRequest) == 0


def test_activity_keeps_a_conversation_alive(line, db, clock):
    replies = _start_contact(line)
    clock.advance(minutes=20)
    press(line, replies[0], "นัดหมาย")
    clock.advance(minutes=20)
    replies = line.say("ขอเลื่อนนัดเป็นสัปดาห์หน้าค่ะ")
    assert "โทรกลับ" in replies[0]["text"]


def test_a_menu_word_leaves_the_flow(line, db):
    _start_contact(line)
    assert line.say("เมนู")[0]["type"] == "flex"
    assert _count(db, Conversation) == 0


def test_group_chat_never_discusses_personal_matters(line, db):
    assert "แชตส่วนตัว" in texts(line.say("ยอดหนี้", group=GROUP))
    assert line.say("ฝนตกหนักมากวันนี้", group=GROUP) == []
    assert "ไม่เปิดเผยข้อมูลของใคร" in texts(line.say("ช่วยเหลือ", group=GROUP))


def test_join_introduces_the_bot_and_leave_is_recorded(line, db, fake):
    from models import LineGroup

    source = {"type": "group", "groupId": GROUP}
    join = ev.event("join", source, reply_token=fake.issue_reply_token(source))
    line.deliver(join)
    assert "จะไม่โพสต์ชื่อหรือยอดหนี้" in texts(line.replies_to(join))
    member = ev.event("memberJoined", source, reply_token=fake.issue_reply_token(source),
                      joined={"members": [{"type": "user", "userId": USER}]})
    line.deliver(member, ev.event("leave", source))
    with db.connect() as connection:
        group = connection.execute(select(LineGroup)).one()
        members = connection.execute(select(func.count()).select_from(LineGroup)).scalar_one()
    assert group.left_at is not None and members == 1


def test_last_seen_is_kept_to_the_minute(line, db, clock):
    """Every 1:1 event notes the account; taps within a minute rewrite no row (issue 17)."""
    def last_seen() -> Any:
        with db.connect() as connection:
            return connection.execute(select(LineUser.first_seen_at, LineUser.last_seen_at)).one()

    line.say("ช่วยเหลือ")
    first = last_seen()
    assert first.first_seen_at == first.last_seen_at == clock.now()
    clock.advance(seconds=40)
    line.say("ช่วยเหลือ")
    assert last_seen() == first
    clock.advance(seconds=30)  # 70 s after the row was written
    line.say("ช่วยเหลือ")
    moved = last_seen()
    assert moved.first_seen_at == first.first_seen_at and moved.last_seen_at == clock.now()


def test_unfollow_marks_the_person_unreachable(line, db):
    line.say("ช่วยเหลือ")
    line.deliver(ev.event("unfollow", ev.source(USER)))
    with db.connect() as connection:
        user = connection.execute(select(LineUser)).one()
    assert not user.following and user.unfollowed_at is not None


def test_stickers_and_photos_in_a_private_chat_get_a_gentle_answer(line):
    replies = line.send("message", message={"type": "sticker", "id": "1", "packageId": "446",
                                            "stickerId": "1988", "stickerResourceType": "STATIC",
                                            "quoteToken": "qt"})
    assert "ได้รับแล้ว" in replies[0]["text"]


def test_webhook_answers_well_inside_two_seconds(app, line, fake):
    """Counted, not timed (a busy machine must not fail it): one call to LINE, the reply, and
    a few SQL statements; pushes never hold the answer (test_contact_flow_saves_...)."""
    with _statements(app) as statements:
        line.say("ช่วยเหลือ")
    assert [r["path"] for r in fake.requests("/v2/")] == ["/v2/bot/message/reply"]
    assert 0 < len(statements) <= STATEMENTS_PER_MENU_WORD, statements


def test_an_events_bookkeeping_takes_two_statements_on_postgresql(app, line, db):
    """The event row says which handler answered, as the reply's outbox row does; on PostgreSQL both
    writes go in one statement (a data-modifying CTE), and the event's claim, its sender's last-seen
    time and the read of the quota flag in another: four round trips fewer per answered event."""
    engine = app.extensions["wdf"].engine
    with _statements(app) as statements:
        line.say("ช่วยเหลือ")
    with db.connect() as connection:
        handled = connection.execute(select(ProcessedEvent)).one()
        reply = connection.execute(select(Outbox)).one()
    assert handled.status == "handled" and handled.handler == reply.origin and "help" in reply.origin
    with db.connect() as connection:
        account = connection.execute(select(LineUser)).one()
    assert account.line_user_id == USER and account.last_seen_at is not None
    naming = [s for s in statements if "UPDATE processed_events" in s]
    claiming = [s for s in statements if "INSERT INTO processed_events" in s]
    noting = [s for s in statements if "INSERT INTO line_users" in s]
    flag = [s for s in statements if "platform_flags" in s]
    if engine.dialect.name == "postgresql":
        assert len(naming) == 1 and naming[0].startswith("WITH named AS (UPDATE processed_events SET handler=")
        assert "INSERT INTO outbox" in naming[0]
        assert claiming == noting == flag and len(claiming) == 1
        assert "claim AS (INSERT INTO processed_events" in claiming[0]
    else:
        assert len(naming) == 1 and naming[0].startswith("UPDATE processed_events SET handler=")
        assert len(claiming) == len(noting) == len(flag) == 1 and len({*claiming, *noting, *flag}) == 3


def test_a_verified_debtors_balance_reads_who_they_are_with_the_claim(app, line, db):
    """On PostgreSQL the claim also reads the account's person and whether its chat has a conversation:
    a verified debtor's balance is three statements in its request (the claim, the contracts with their
    payments, the reply's outbox row; its outcome is written later, with other replies'), and a chat in
    the middle of a conversation still finds it."""
    with Session(db) as session:
        who = f.person(session, national_id="3830100622191")
        f.member(session, f.contract(session, code="PKT-2568-0001"), who, "borrower")
        f.link(session, who, USER)
        session.commit()
    engine = app.extensions["wdf"].engine
    with _statements(app) as statements:
        balance = line.say("ยอดหนี้")
        for_balance = list(statements)
        replies = _start_contact(line)  # a flow starts: its conversation row is written
        statements.clear()
        replies = press(line, replies[0], "มาตรการช่วยเหลือ")  # ...and the next event must find it
    assert "PKT-2568-0001" in texts(balance) and "พิมพ์สิ่งที่อยากบอก" in replies[0]["text"]
    assert [s for s in statements if s.startswith("SELECT conversations.")]  # read: the claim saw a row
    if engine.dialect.name == "postgresql":
        assert len(for_balance) == 3, for_balance
        assert "line_links" in for_balance[0] and "conversations" in for_balance[0]
        assert "JOIN LATERAL" in for_balance[1] and not [s for s in for_balance if s.startswith("SELECT payments.")]
        assert not [s for s in for_balance if s.startswith(("SELECT people.", "SELECT conversations."))]


def test_events_the_sdk_does_not_know_are_acknowledged_and_logged(line, db):
    line.deliver(line.event("somethingNew", somethingNew={"x": 1}))
    with db.connect() as connection:
        row = connection.execute(select(ProcessedEvent)).one()
    assert row.status == "handled" and row.handler == "default:unknown:somethingNew"


def test_a_word_that_starts_a_flow_replaces_the_flow_in_progress(line, db):
    _start_contact(line)
    replies = _start_contact(line)  # the same menu word again, mid-flow
    assert "อยากคุยเรื่องอะไร" in replies[0]["text"]
    assert _count(db, Conversation) == 1


def test_a_new_persons_first_messages_at_once_are_both_answered(line, db):
    """Two first messages from the same new person, in two workers at once: both are handled
    (remembering the account is an upsert), and the account is one row (issue 16, item 13)."""
    people = [f"U{n:032x}" for n in range(900, 910)]
    events = [line.event("message", user=user, message=ev.text_message("สวัสดีค่ะ")) for user in people for _ in (1, 2)]
    start = threading.Barrier(len(events))
    statuses: list[int] = []

    def fire(one: dict[str, Any]) -> None:
        start.wait()
        statuses.append(line.post(ev.payload(one)).status)

    threads = [threading.Thread(target=fire, args=(one,)) for one in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200] * len(events)
    for sent in events:
        assert "ระบบขัดข้อง" not in texts(line.replies_to(sent))  # nobody got the apology for a failed event
    with db.connect() as connection:
        failed = connection.execute(select(ProcessedEvent).where(ProcessedEvent.status == "failed")).all()
        users = connection.execute(select(LineUser.line_user_id).where(LineUser.line_user_id.in_(people))).all()
    assert failed == [] and sorted(u for (u,) in users) == people
