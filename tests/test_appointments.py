"""Booking appointments in LINE: the flow, the card and .ics, and no overbooking, ever."""

from __future__ import annotations

import threading
from datetime import date, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.clock import BANGKOK
from bot.fakeline import events as ev
from models import Booking, Conversation
from tests import factories as f
from tests.helpers import USER, texts

AUTH = {"Authorization": "Bearer test-admin-token"}


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BANGKOK)


@pytest.fixture
def in_default(db):  # type: ignore[no-untyped-def]
    """A verified borrower three installments behind (court mediation is open to her)."""
    with Session(db) as session:
        who = f.person(session)
        contract = f.contract(session, contract_date=date(2025, 6, 1), first_due_date=date(2025, 7, 1),
                              principal=48000)
        f.member(session, contract, who)
        f.payment(session, contract, date(2026, 8, 1), "28000.00")
        f.link(session, who, USER)
        session.commit()
        return who.id


def add_session(app, **options) -> int:  # type: ignore[no-untyped-def]
    args = ["sessions", "add"]
    for key, value in options.items():
        args += [f"--{key.replace('_', '-')}", str(value)]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    return int(result.output.split()[1].rstrip(":"))


def tap(line, message: dict, label: str) -> list[dict]:  # type: ignore[no-untyped-def]
    actions = [i["action"] for i in (message.get("quickReply") or {}).get("items", [])]
    if message["type"] == "flex":
        bubbles = message["contents"].get("contents") or [message["contents"]]
        for bubble in bubbles:
            actions += [c["action"] for c in (bubble.get("footer") or {}).get("contents", [])]
    for action in actions:
        if action["label"] == label:
            return line.tap(action["data"])
    raise AssertionError(f"no button {label!r}")


def test_book_a_court_slot_get_the_card_and_the_calendar(app, line, db, in_default):
    court = add_session(app, kind="court", start="2026-12-03T09:00", end="2026-12-03T12:00",
                        place="ศาลแขวงภูเก็ต", capacity=9, slot_minutes=20, document="บัตรประจำตัวประชาชน",
                        map_url="https://maps.google.com/?q=7.88,98.39")
    replies = line.say("นัดหมาย")
    assert "ไกล่เกลี่ยก่อนฟ้อง" in texts(replies) and "ว่าง 9 ที่" in texts(replies)
    slots = tap(line, replies[1], "เลือกรอบนี้")[0]
    assert [i["action"]["label"] for i in slots["quickReply"]["items"]][:3] == ["09:00 น.", "09:20 น.", "09:40 น."]
    confirm = tap(line, slots, "09:40 น.")[0]
    assert "3 ธ.ค. 2569 เวลา 09:40 น." in confirm["text"]
    card = tap(line, confirm, "ยืนยันนัด")[0]
    said = texts([card])
    assert "3 ธ.ค. 2569 เวลา 09:40 น." in said and "ศาลแขวงภูเก็ต" in said and "บัตรประจำตัวประชาชน" in said
    calendar_link = next(c["action"]["uri"] for c in card["contents"]["footer"]["contents"]
                         if c["action"]["label"] == "เพิ่มลงปฏิทิน")
    path = calendar_link.split("://", 1)[1].split("/", 1)[1]
    ics = Calendar.from_ical(app.test_client().get("/" + path).data)
    event = next(c for c in ics.walk("VEVENT"))
    assert str(event["uid"]).startswith("booking-") and int(event["sequence"]) == 0
    assert event.decoded("dtstart") == at(date(2026, 12, 3), 9, 40)
    assert any(c.name == "VTIMEZONE" for c in ics.walk())
    assert app.test_client().get("/calendar/forged.ics").status_code == 404

    roster = app.test_client().get(f"/api/sessions/{court}/bookings", headers=AUTH).get_json()
    assert [(b["seat"], b["status"]) for b in roster["bookings"]] == [(3, "booked")]
    assert roster["booked"] == 1 and "x" in roster["bookings"][0]["national_id_masked"]

    # change: same booking (same UID), a later sequence
    mine = line.say("นัดหมาย")[0]
    slots = tap(line, mine, "เปลี่ยนนัด")
    slots = tap(line, slots[1], "เลือกรอบนี้")[0]
    card = tap(line, tap(line, slots, "10:00 น.")[0], "ยืนยันนัด")[0]
    assert "10:00 น." in texts([card])
    again = Calendar.from_ical(app.test_client().get("/" + path).data)
    moved = next(c for c in again.walk("VEVENT"))
    assert str(moved["uid"]) == str(event["uid"]) and int(moved["sequence"]) == 1

    # cancel: METHOD:CANCEL in the same file
    cancelled = tap(line, line.say("นัดหมาย")[0], "ยกเลิกนัด")[0]
    assert "ยกเลิกนัด" in cancelled["text"]
    gone = Calendar.from_ical(app.test_client().get("/" + path).data)
    assert str(gone["method"]) == "CANCEL" and int(gone.walk("VEVENT")[0]["sequence"]) == 2


def test_court_sessions_are_only_for_contracts_in_default_or_ended(app, line, db):
    with Session(db) as session:
        who = f.person(session)
        contract = f.contract(session, contract_date=date(2026, 9, 1), first_due_date=date(2026, 10, 1))
        f.member(session, contract, who)
        f.payment(session, contract, date(2026, 10, 1), "2000.00")
        f.link(session, who, USER)
        session.commit()
    add_session(app, kind="court", start="2026-12-03T09:00", end="2026-12-03T12:00", place="ศาล", capacity=5)
    add_session(app, kind="clinic", start="2026-12-04T09:00", end="2026-12-04T12:00", place="สำนักงาน", capacity=5)
    said = texts(line.say("นัดหมาย"))
    assert "คลินิกแก้หนี้" in said and "ไกล่เกลี่ยก่อนฟ้อง" not in said


def test_one_booking_per_kind_and_a_kind_full_message(app, line, db, in_default):
    first = add_session(app, kind="clinic", start="2026-12-04T09:00", end="2026-12-04T12:00",
                        place="สำนักงาน", capacity=1)
    add_session(app, kind="clinic", start="2026-12-11T09:00", end="2026-12-11T12:00", place="สำนักงาน", capacity=1)
    replies = line.say("นัดหมาย")
    confirm = tap(line, replies[1], "เลือกรอบนี้")[0]
    tap(line, confirm, "ยืนยันนัด")
    with db.connect() as connection:
        assert connection.execute(select(Booking.session_id)).scalar_one() == first
    more = tap(line, line.say("นัดหมาย")[0], "จองนัดเพิ่ม")
    assert "ยังไม่มีรอบนัด" in more[0]["text"]  # clinic held already; no other kind open


def test_fifty_people_at_once_for_ten_seats(app, line, db, clock, live_url, fake):
    session_id = add_session(app, kind="clinic", start="2026-12-04T09:00", end="2026-12-04T12:00",
                             place="สำนักงาน", capacity=10)
    users = [f"U{n:032x}" for n in range(50)]
    with Session(db) as session:
        for n, user in enumerate(users):
            who = f.person(session, first_name=f"คน{n}")
            f.link(session, who, user)
            session.add(Conversation(source_type="user", user_id=user, group_id="", flow="appt", step="confirm",
                                     data={"person_id": who.id, "session_id": session_id, "seat": None,
                                           "moving": None},
                                     history=[], expires_at=at(date(2030, 1, 1), 0), updated_at=clock.now()))
        session.commit()
    taps = [line.event("postback", user=user, postback={"data": "ans?flow=appt&step=confirm&value=yes"})
            for user in users]
    statuses = []
    start = threading.Barrier(len(taps))

    def fire(event: dict) -> None:  # type: ignore[type-arg]
        start.wait()
        statuses.append(line.post(ev.payload(event)).status)

    threads = [threading.Thread(target=fire, args=(event,)) for event in taps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200] * 50
    replies = [texts(line.replies_to(event)) for event in taps]
    assert sum("นัดหมายของคุณ" in r for r in replies) == 10
    assert sum("รอบนี้เต็มแล้ว" in r for r in replies) == 40
    with db.connect() as connection:
        seats = connection.execute(select(Booking.seat).where(Booking.status == "booked")).scalars().all()
        assert sorted(seats) == list(range(1, 11))
        assert connection.execute(select(func.count()).select_from(Booking)).scalar_one() == 10


def test_the_database_refuses_a_seat_beyond_capacity_or_twice(db, app, in_default, clock):
    from sqlalchemy.exc import IntegrityError

    session_id = add_session(app, kind="clinic", start="2026-12-04T09:00", end="2026-12-04T12:00",
                             place="สำนักงาน", capacity=2)
    row = dict(session_id=session_id, person_id=in_default, line_user_id=USER, kind="clinic", capacity=2,
               slot_start=at(date(2026, 12, 4), 9), status="booked", sequence=0, checklist={},
               created_at=clock.now(), updated_at=clock.now())
    for seat in (3, 0):
        with Session(db) as session, pytest.raises(IntegrityError):
            session.add(Booking(seat=seat, **row))
            session.commit()
    with Session(db) as session:
        session.add(Booking(seat=1, **row))
        session.commit()
        session.add(Booking(seat=1, **{**row, "kind": "mobile"}))
        with pytest.raises(IntegrityError):
            session.commit()


def test_sessions_api_and_bad_input(app):
    client = app.test_client()
    created = client.post("/api/sessions", headers=AUTH, json={
        "kind": "mobile", "start": "2026-12-05T09:00", "end": "2026-12-05T15:00", "place": "ศาลาหมู่ 1",
        "capacity": 30})
    assert created.status_code == 201 and created.get_json()["capacity"] == 30
    listed = client.get("/api/sessions?from=2026-12-01", headers=AUTH).get_json()
    assert [s["kind"] for s in listed] == ["mobile"]
    bad = client.post("/api/sessions", headers=AUTH, json={"kind": "party", "start": "2026-12-05T09:00",
                                                            "end": "2026-12-05T08:00", "place": "x", "capacity": 1})
    assert bad.status_code == 400 and "kind" in bad.get_json()["detail"]
    result = app.test_cli_runner().invoke(args=["sessions", "add", "--kind", "clinic", "--start", "2026-12-05T09:00",
                                                "--end", "2026-12-05T08:00", "--place", "x", "--capacity", "3"])
    assert result.exit_code == 1 and "after the start" in result.output
