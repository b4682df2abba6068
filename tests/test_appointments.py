"""Booking appointments in LINE: the flow, the card and .ics, and no overbooking, ever."""

from __future__ import annotations

import threading
from datetime import date, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from devtools.fakeline import events as ev
from domain.clock import BANGKOK
from messages.flows import AppointmentStep, answer
from messages.payloads import BookingAction
from models import Booking, Conversation
from tests import factories as f
from tests.helpers import GROUP, USER, buttons, press, quick_replies, texts

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


def test_book_a_court_slot_get_the_card_and_the_calendar(app, line, db, in_default):
    court = add_session(app, kind="court", start="2026-12-03T09:00", end="2026-12-03T12:00",
                        place="ศาลแขวงภูเก็ต", capacity=9, slot_minutes=20, document="บัตรประจำตัวประชาชน",
                        map_url="https://maps.google.com/?q=7.88,98.39")
    replies = line.say("นัดหมาย")
    assert "ไกล่เกลี่ยก่อนฟ้อง" in texts(replies) and "ว่าง 9 ที่" in texts(replies)
    slots = press(line, replies[1], "เลือกรอบนี้")[0]
    assert [i["action"]["label"] for i in slots["quickReply"]["items"]][:3] == ["09:00 น.", "09:20 น.", "09:40 น."]
    confirm = press(line, slots, "09:40 น.")[0]
    assert "3 ธ.ค. 2569 เวลา 09:40 น." in confirm["text"]
    card = press(line, confirm, "ยืนยันนัด")[0]
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
    slots = press(line, mine, "เปลี่ยนนัด")
    slots = press(line, slots[1], "เลือกรอบนี้")[0]
    card = press(line, press(line, slots, "10:00 น.")[0], "ยืนยันนัด")[0]
    assert "10:00 น." in texts([card])
    again = Calendar.from_ical(app.test_client().get("/" + path).data)
    moved = next(c for c in again.walk("VEVENT"))
    assert str(moved["uid"]) == str(event["uid"]) and int(moved["sequence"]) == 1

    # cancel, once confirmed: METHOD:CANCEL in the same file
    cancelled = press(line, press(line, line.say("นัดหมาย")[0], "ยกเลิกนัด")[0], "ใช่ ยกเลิกนัดนี้")[0]
    assert "ยกเลิกนัด" in texts([cancelled])
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
    confirm = press(line, replies[1], "เลือกรอบนี้")[0]
    press(line, confirm, "ยืนยันนัด")
    with db.connect() as connection:
        assert connection.execute(select(Booking.session_id)).scalar_one() == first
    more = press(line, line.say("นัดหมาย")[0], "จองนัดเพิ่ม")
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


def test_a_session_has_a_sane_number_of_seats_however_it_is_published(app, line, in_default):
    """`"capacity": 1000000000` once made one `นัดหมาย` take 13 s and 5 GB (issue 16, item 2)."""
    huge = {"kind": "clinic", "start": "2026-12-05T09:00", "end": "2026-12-05T12:00", "place": "x"}
    refused = app.test_client().post("/api/sessions", headers=AUTH, json={**huge, "capacity": 1_000_000_000})
    assert refused.status_code == 400 and "at most 500" in refused.get_json()["detail"]
    result = app.test_cli_runner().invoke(args=["sessions", "add", "--kind", "clinic", "--start", "2026-12-05T09:00",
                                                "--end", "2026-12-05T12:00", "--place", "x", "--capacity", "501"])
    assert result.exit_code == 1 and "at most 500" in result.output
    assert app.test_client().post("/api/sessions", headers=AUTH, json={**huge, "capacity": 500}).status_code == 201
    assert "ว่าง 500 ที่" in texts(line.say("นัดหมาย"))


def run_clock(app, clock, when: datetime) -> None:  # type: ignore[no-untyped-def]
    clock.set(when)
    result = app.test_cli_runner().invoke(args=["scheduler", "--once"])
    assert result.exit_code == 0, result.output


def test_reminders_the_day_before_at_nine_and_the_morning_at_eight(app, line, db, fake, clock, in_default):
    add_session(app, kind="clinic", start="2026-12-04T13:00", end="2026-12-04T16:00", place="สำนักงานพัฒนาชุมชน",
                capacity=5, document="สมุดบัญชีเงินกู้")
    press(line, press(line, line.say("นัดหมาย")[1], "เลือกรอบนี้")[0], "ยืนยันนัด")
    fake.reset()

    def pushed() -> list[str]:
        return [m["text"] for r in fake.requests("/v2/bot/message/push") if r["status"] == 200
                for m in r["body"]["messages"] if r["body"]["to"] == USER]

    run_clock(app, clock, at(date(2026, 12, 3), 8, 30))
    assert pushed() == []  # the day before: not before 09:00
    run_clock(app, clock, at(date(2026, 12, 3), 9, 0))
    [eve] = pushed()
    assert "พรุ่งนี้" in eve and "4 ธ.ค. 2569 เวลา 13:00–16:00 น." in eve and "สมุดบัญชีเงินกู้" in eve
    run_clock(app, clock, at(date(2026, 12, 3), 15, 0))
    assert len(pushed()) == 1
    run_clock(app, clock, at(date(2026, 12, 4), 7, 30))
    assert len(pushed()) == 1  # never before 08:00
    run_clock(app, clock, at(date(2026, 12, 4), 8, 0))
    assert "วันนี้" in pushed()[1]


def test_no_reminder_of_an_appointment_already_begun_nor_to_someone_who_stopped_reminders(app, line, db, fake,
                                                                                           clock, in_default):
    """A clock that was down all morning catches up at 15:00: the 09:00 appointment is not reminded
    of; and `หยุดแจ้งเตือน` stops appointment reminders as it stops payment ones."""
    add_session(app, kind="clinic", start="2026-12-04T09:00", end="2026-12-04T12:00", place="สำนักงาน", capacity=5)
    press(line, press(line, line.say("นัดหมาย")[1], "เลือกรอบนี้")[0], "ยืนยันนัด")
    fake.reset()

    def pushed() -> list[str]:
        return [m["text"] for r in fake.requests("/v2/bot/message/push") if r["status"] == 200
                for m in r["body"]["messages"] if r["body"]["to"] == USER]

    run_clock(app, clock, at(date(2026, 12, 4), 15, 0))
    assert pushed() == []
    add_session(app, kind="mobile", start="2026-12-09T09:00", end="2026-12-09T12:00", place="ศาลาประชาคม",
                capacity=5)
    offered = press(line, line.say("นัดหมาย")[0], "จองนัดเพิ่ม")
    card = next(m for m in offered if "ศาลาประชาคม" in texts([m]))
    assert "ศาลาประชาคม" in texts(press(line, press(line, card, "เลือกรอบนี้")[0], "ยืนยันนัด"))
    with db.connect() as connection:
        assert "mobile" in connection.execute(select(Booking.kind).where(Booking.status == "booked")).scalars().all()
    assert "หยุด" in texts(line.say("หยุดแจ้งเตือน"))
    fake.reset()
    run_clock(app, clock, at(date(2026, 12, 8), 9, 0))
    run_clock(app, clock, at(date(2026, 12, 9), 8, 0))
    assert pushed() == []


def test_an_appointment_reminder_wins_and_the_payment_reminder_waits_a_day(app, line, db, fake, clock, in_default):
    with Session(db) as session:  # a second contract, due on 3 Dec: its reminder window opens on 30 Nov
        from models import Person

        who = session.get(Person, in_default)
        due = f.contract(session, contract_date=date(2026, 5, 3), first_due_date=date(2026, 6, 3), principal=12000)
        f.member(session, due, who)
        f.payment(session, due, date(2026, 11, 1), "3000.00")
        session.commit()
    add_session(app, kind="clinic", start="2026-12-02T09:00", end="2026-12-02T12:00", place="สำนักงาน", capacity=5)
    press(line, press(line, line.say("นัดหมาย")[1], "เลือกรอบนี้")[0], "ยืนยันนัด")
    fake.reset()
    run_clock(app, clock, at(date(2026, 12, 1), 10, 0))  # appointment tomorrow, payment due in 2 days
    sent = [r for r in fake.requests() if r["status"] == 200 and r["path"] != "/v2/bot/message/reply"]
    assert [r["path"] for r in sent] == ["/v2/bot/message/push"]  # the appointment only
    assert "พรุ่งนี้" in sent[0]["body"]["messages"][0]["text"]
    run_clock(app, clock, at(date(2026, 12, 2), 10, 0))  # the appointment day: still the appointment
    run_clock(app, clock, at(date(2026, 12, 3), 10, 0))  # and then the payment reminder
    multicasts = [r for r in fake.requests("/v2/bot/message/multicast") if r["status"] == 200]
    assert [r["body"]["to"] for r in multicasts] == [[USER]]


def test_officers_see_rosters_cancel_a_session_and_record_outcomes(app, line, db, fake, clock, in_default):
    from models import Contract, MeasureApplication, StaffMember

    officer = "U" + "0f" * 16
    with Session(db) as session:
        session.add(StaffMember(line_user_id=officer, name="กมลชนก", role="officer", created_at=clock.now()))
        session.commit()
    court = add_session(app, kind="court", start="2026-11-21T09:00", end="2026-11-21T12:00", place="ศาลแขวงภูเก็ต",
                        capacity=9, slot_minutes=20)
    slots = press(line, line.say("นัดหมาย")[1], "เลือกรอบนี้")[0]
    press(line, press(line, slots, "09:20 น.")[0], "ยืนยันนัด")

    roster = line.say("นัดหมาย", user=officer)[0]["text"]
    assert "จองแล้ว 1/9" in roster and "09:20 สมศรี แก้วประดับ" in roster

    client = app.test_client()
    [booking] = client.get(f"/api/sessions/{court}/bookings", headers=AUTH).get_json()["bookings"]
    from models import DataAccess

    with db.connect() as connection:  # both looks at the roster are on the audit trail
        assert connection.execute(select(DataAccess.action, DataAccess.viewer_name).order_by(DataAccess.id)
                                  ).all() == [("roster", "กมลชนก"), ("api.roster", "ADMIN_TOKEN")]
    url = f"/api/bookings/{booking['booking_id']}"
    refused = client.post(url, headers=AUTH, json={"officer": "กมลชนก", "checklist": {"nonsense": True}})
    assert refused.status_code == 400
    ticked = client.post(url, headers=AUTH, json={"officer": "กมลชนก", "checklist": {
        "day1_date_venue_fixed": True, "day1_civil_record_pulled": True}}).get_json()
    assert ticked["checklist"] == {"day1_date_venue_fixed": True, "day1_civil_record_pulled": True}
    settled = client.post(url, headers=AUTH, json={
        "officer": "กมลชนก", "attendance": "attended", "outcome": "settled", "terms": "ผ่อน 2,000 บาท/เดือน 12 งวด",
        "start_measure": "M7"}).get_json()
    assert settled["outcome"] == "settled" and settled["application_id"]
    with db.connect() as connection:  # what the API answered about her is on the audit trail too
        assert connection.execute(select(DataAccess.action).where(DataAccess.channel == "api")
                                  ).scalars().all() == ["api.roster", "api.booking", "api.booking"]
    with db.connect() as connection:
        application = connection.execute(select(MeasureApplication)).one()
        assert (application.measure_id, application.status) == ("M7", "approved")
        assert connection.execute(select(Contract.status)).scalar_one() == "active"

    other = add_session(app, kind="clinic", start="2026-12-10T09:00", end="2026-12-10T12:00", place="สำนักงาน",
                        capacity=5)
    press(line, press(line, press(line, line.say("นัดหมาย")[0], "จองนัดเพิ่ม")[1], "เลือกรอบนี้")[0], "ยืนยันนัด")
    fake.reset()
    result = app.test_cli_runner().invoke(args=["sessions", "cancel", str(other)])
    assert result.exit_code == 0 and "1 booked" in result.output, result.output
    run_clock(app, clock, at(date(2026, 11, 20), 10, 30))
    texts_to_user = [texts([m]) for r in fake.requests("/v2/bot/message/push") if r["body"]["to"] == USER
                     for m in r["body"]["messages"]]
    assert sum("ขออภัยเป็นอย่างสูง" in t for t in texts_to_user) == 1
    assert app.test_cli_runner().invoke(args=["sessions", "cancel", str(other)]).exit_code == 1


def test_the_quiz_and_the_balance_card_lead_to_booking(app, line, db, in_default):
    add_session(app, kind="clinic", start="2026-12-04T09:00", end="2026-12-04T12:00", place="สำนักงาน", capacity=5)
    card = line.say("ยอดหนี้")[0]
    labels = [b["action"]["label"] for b in card["contents"]["contents"][0]["footer"]["contents"]]
    assert "นัดหมาย / คลินิกแก้หนี้" in labels
    replies = line.say("มาตรการ")
    replies = line.tap(next(i["action"]["data"] for i in replies[1]["quickReply"]["items"]
                            if i["action"]["label"] == "ไม่มี"))
    carousel = line.tap(next(i["action"]["data"] for i in replies[0]["quickReply"]["items"]
                             if i["action"]["label"] == "ปิดได้ทันที"))[0]
    applied = line.tap(carousel["contents"]["contents"][0]["footer"]["contents"][0]["action"]["data"])[0]
    book = applied["quickReply"]["items"][0]["action"]
    assert book["label"] == "เลือกวันนัดเลย"
    assert "คลินิกแก้หนี้" in texts(line.tap(book["data"]))


def test_todays_appointments_are_on_the_officers_list(app, line, db, clock, in_default):
    add_session(app, kind="clinic", start="2026-11-20T13:00", end="2026-11-20T16:00", place="สำนักงาน", capacity=5)
    press(line, press(line, line.say("นัดหมาย")[1], "เลือกรอบนี้")[0], "ยืนยันนัด")
    rows = app.test_client().get("/api/followups", headers=AUTH).get_json()
    [today] = [r for r in rows if r["reason"] == "appointment"]
    assert today["booked"] == 1 and "13:00 น." in today["reason_text"]
    assert {"project_code", "class", "reason", "days_to_prescription"} <= set(today)
    assert rows[-1]["reason"] == "appointment"  # after contracts and applications


def test_the_booking_buttons_never_work_in_a_group(app, line, db, in_default):
    """A crafted `bk?op=new` from a group source: the router's 1:1 rule for `นัดหมาย` holds for its
    buttons too (issue 16, item 10): nothing is replied into the group, no conversation starts."""
    add_session(app, kind="clinic", start="2026-12-03T13:00", end="2026-12-03T16:00", place="สำนักงาน", capacity=5)
    assert line.tap(BookingAction(op="new", booking=0).pack(), user=USER, group=GROUP) == []
    assert line.tap(answer(AppointmentStep.SESSION, "1"), user=USER, group=GROUP) == []
    with Session(db) as session:
        assert session.scalar(select(func.count()).select_from(Conversation)) == 0
        assert session.scalar(select(func.count()).select_from(Booking)) == 0
    assert "สำนักงาน" in texts(line.say("นัดหมาย"))  # the same person, 1:1, is offered it


# --- issue 15, item 6: what a field trial found ------------------------------------------


def booking_status(db) -> list[str]:  # type: ignore[no-untyped-def]
    with db.connect() as connection:
        return list(connection.execute(select(Booking.status).order_by(Booking.id)).scalars())


def choose(line, carousel: dict, place: str) -> list[dict]:  # type: ignore[no-untyped-def, type-arg]
    """Tap "เลือกรอบนี้" on the offered session held at `place`."""
    [bubble] = [b for b in carousel["contents"]["contents"] if place in texts([b])]
    return line.tap(bubble["footer"]["contents"][0]["action"]["data"])


def no_link_in_words(messages: list[dict]) -> None:  # type: ignore[type-arg]
    """Nothing a person reads is a raw address: links live on buttons."""
    said = texts(messages)
    assert "http" not in said and ".ics" not in said, said


def test_cancelling_asks_first_and_a_stale_yes_does_nothing(app, line, db, in_default):
    add_session(app, kind="clinic", start="2026-12-04T09:00", end="2026-12-04T12:00", place="สำนักงาน", capacity=5)
    add_session(app, kind="clinic", start="2026-12-11T09:00", end="2026-12-11T12:00", place="อำเภอ", capacity=5)
    press(line, press(line, line.say("นัดหมาย")[1], "เลือกรอบนี้")[0], "ยืนยันนัด")

    asked = press(line, line.say("นัดหมาย")[0], "ยกเลิกนัด")[0]
    assert "ยกเลิกนัดนี้ใช่ไหม" in asked["text"] and booking_status(db) == ["booked"]  # one tap cancels nothing
    kept = press(line, asked, "ไม่ยกเลิก")
    assert "ยังอยู่" in texts(kept) and booking_status(db) == ["booked"]

    stale = press(line, line.say("นัดหมาย")[0], "ยกเลิกนัด")[0]  # asked, then the booking moves
    slots = press(line, line.say("นัดหมาย")[0], "เปลี่ยนนัด")
    press(line, choose(line, slots[1], "อำเภอ")[0], "ยืนยันนัด")
    late = press(line, stale, "ใช่ ยกเลิกนัดนี้")
    assert "เปลี่ยนแปลง" in texts(late) and "อำเภอ" in texts(late) and booking_status(db) == ["booked"]

    done = press(line, press(line, line.say("นัดหมาย")[0], "ยกเลิกนัด")[0], "ใช่ ยกเลิกนัดนี้")
    assert "เรียบร้อยแล้ว" in texts(done) and booking_status(db) == ["cancelled"]
    no_link_in_words(done)
    calendar = [a for a in buttons(done[0]) if a["type"] == "uri"]
    assert [a["label"] for a in calendar] == ["ลบออกจากปฏิทิน"] and calendar[0]["uri"].endswith(".ics")
    again = press(line, stale, "ใช่ ยกเลิกนัดนี้")  # the same yes, once more: nothing more happens
    assert "ยกเลิกไปแล้ว" in texts(again) and booking_status(db) == ["cancelled"]


def test_old_cards_answer_kindly_and_show_the_booking_of_now(app, line, db, clock, in_default):
    add_session(app, kind="clinic", start="2026-12-04T09:00", end="2026-12-04T12:00", place="สำนักงาน", capacity=5)
    add_session(app, kind="mobile", start="2026-12-05T09:00", end="2026-12-05T12:00", place="ศาลาหมู่ 3",
                capacity=5)
    press(line, press(line, line.say("นัดหมาย")[1], "เลือกรอบนี้")[0], "ยืนยันนัด")  # the clinic, first offered
    old_card = line.say("นัดหมาย")[0]
    press(line, press(line, old_card, "ยกเลิกนัด")[0], "ใช่ ยกเลิกนัดนี้")
    nothing = press(line, old_card, "เปลี่ยนนัด")
    assert "ยกเลิกไปแล้ว" in texts(nothing) and "ยังไม่มีนัด" in texts(nothing)
    assert "ไม่พบนัดนี้" not in texts(nothing)
    new_card = press(line, choose(line, line.tap(BookingAction(op="new", booking=0).pack())[1], "ศาลาหมู่ 3")[0],
                     "ยืนยันนัด")[0]
    answer = press(line, old_card, "ยกเลิกนัด")
    assert "ยกเลิกไปแล้ว" in texts(answer) and "ศาลาหมู่ 3" in texts(answer)  # here is the booking of now
    assert booking_status(db) == ["cancelled", "booked"]

    clock.set(at(date(2026, 12, 5), 13))  # the mobile unit has come and gone
    past = press(line, new_card, "ยกเลิกนัด")
    assert "ผ่านไปแล้ว" in texts(past) and booking_status(db) == ["cancelled", "booked"]


def test_each_title_says_its_kind_once_and_each_date_its_weekday(app, line, db, in_default):
    add_session(app, kind="clinic", start="2026-12-04T09:00", end="2026-12-04T12:00", place="สำนักงาน", capacity=5)
    offered = line.say("นัดหมาย")[1]
    bubble = offered["contents"]["contents"][0]["body"]["contents"]
    assert [c["text"] for c in bubble].count("คลินิกแก้หนี้") == 1
    assert "ศ. 4 ธ.ค. 2569 เวลา 09:00–12:00 น." in texts([offered])  # 4 Dec 2026 is a Friday
    card = press(line, press(line, offered, "เลือกรอบนี้")[0], "ยืนยันนัด")
    said = texts(card)
    assert "คลินิกแก้หนี้: คลินิกแก้หนี้" not in said and "ศ. 4 ธ.ค. 2569" in said


def test_a_title_of_its_own_keeps_the_kind_in_front():
    from messages.appointments import session_heading, session_title

    assert session_heading("clinic", session_title("clinic", None)) == "คลินิกแก้หนี้"
    assert session_heading("court", session_title("court", None)) == "ไกล่เกลี่ยก่อนฟ้องที่ศาล"
    assert session_heading("court", "ไกล่เกลี่ย ศาลแขวงภูเก็ต") == "ไกล่เกลี่ย ศาลแขวงภูเก็ต"
    assert session_heading("clinic", "วันเสาร์ ตลาดเช้า") == "คลินิกแก้หนี้: วันเสาร์ ตลาดเช้า"
    assert all(session_heading(kind, session_title(kind, None)).count(word) == 1
               for kind in ("court", "clinic", "mobile") for word in ("คลินิก", "ไกล่เกลี่ย", "หน่วยเคลื่อนที่")
               if word in session_heading(kind, session_title(kind, None)))


def test_thai_dates_with_their_weekday():
    from messages.format import thai_day_date, thai_long_day_date

    assert thai_day_date(date(2025, 12, 5)) == "ศ. 5 ธ.ค. 2568"
    assert thai_long_day_date(date(2025, 12, 5)) == "วันศุกร์ที่ 5 ธ.ค. 2568"
    assert [thai_day_date(date(2026, 11, d)).split()[0] for d in range(16, 23)] == [
        "จ.", "อ.", "พ.", "พฤ.", "ศ.", "ส.", "อา."]


@pytest.fixture
def contract_ended(db):  # type: ignore[no-untyped-def]
    """A verified borrower whose contract ended unpaid (court mediation is for her)."""
    with Session(db) as session:
        who = f.person(session)
        contract = f.contract(session, contract_date=date(2021, 1, 10), first_due_date=date(2021, 2, 10),
                              principal=24000, installment_count=24)
        f.member(session, contract, who)
        f.payment(session, contract, date(2023, 6, 1), "6000.00")
        f.link(session, who, USER)
        session.commit()
        return who.id


def test_asking_for_mediation_offers_court_sessions_first(app, line, db, contract_ended):
    add_session(app, kind="clinic", start="2026-12-03T09:00", end="2026-12-03T12:00", place="สำนักงาน", capacity=5)
    add_session(app, kind="mobile", start="2026-12-04T09:00", end="2026-12-04T12:00", place="ศาลา", capacity=5)
    add_session(app, kind="court", start="2026-12-05T09:00", end="2026-12-05T12:00", place="ศาลแขวง", capacity=5)

    def first_offered(replies: list[dict]) -> str:  # type: ignore[type-arg]
        return texts([replies[1]["contents"]["contents"][0]])

    assert "คลินิก" in first_offered(line.say("นัดหมาย"))  # asked for nothing: by date
    line.say("ยกเลิก")
    assert "ศาลแขวง" in first_offered(line.say("นัดหมาย ไกล่เกลี่ย"))
    line.say("ยกเลิก")

    replies = line.say("มาตรการ")  # the quiz: mediation's card, then "pick a day"
    while replies and replies[-1].get("type") == "text" and replies[-1].get("quickReply"):
        replies = line.tap(quick_replies(replies[-1])[0]["data"])
    carousel = next(m for m in replies if m.get("type") == "flex")
    applied = press(line, carousel, "ขอนัดไกล่เกลี่ย")[0]
    assert "ศาลแขวง" in first_offered(press(line, applied, "เลือกวันนัดเลย"))


def test_a_district_officer_sees_by_name_only_the_people_of_their_district_on_the_line_roster(app, line, db,
                                                                                           in_default):
    """`นัดหมาย` from an officer names only the people they may see, as the console's roster does;
    the others booked are counted, and only those named are on the audit trail."""
    from models import Area, DataAccess, StaffMember

    neighbour, officer = "U" + "ab" * 16, "U" + "0d" * 16
    with Session(db) as session:
        kathu = f.area(session, district="กะทู้", subdistrict="ป่าตอง")
        who = f.person(session, first_name="มาลี", last_name="ศรีสุข")
        contract = f.contract(session, where=kathu, contract_date=date(2025, 6, 1), first_due_date=date(2025, 7, 1),
                              principal=48000)
        f.member(session, contract, who)
        f.link(session, who, neighbour)
        district = session.scalars(select(Area).where(Area.level == "district", Area.name == "กะทู้")).one()
        session.add(StaffMember(line_user_id=officer, name="อรุณี", role="officer", district_id=district.id,
                                created_at=f.NOW))
        session.commit()
        neighbour_id = who.id
    add_session(app, kind="clinic", start="2026-11-21T09:00", end="2026-11-21T12:00", place="สำนักงาน", capacity=6,
                slot_minutes=30)
    for user in (USER, neighbour):
        slots = press(line, line.say("นัดหมาย", user=user)[1], "เลือกรอบนี้", user=user)[0]
        press(line, press(line, slots, slots["quickReply"]["items"][0]["action"]["label"], user=user)[0],
              "ยืนยันนัด", user=user)

    roster = line.say("นัดหมาย", user=officer)[0]["text"]
    assert "จองแล้ว 2/6" in roster and "มาลี ศรีสุข" in roster
    assert "สมศรี" not in roster and "แก้วประดับ" not in roster
    assert "และอีก 1 คนนอกพื้นที่ของคุณ (ไม่แสดงชื่อ)" in roster
    with db.connect() as connection:
        looked = connection.execute(select(DataAccess.person_id).where(DataAccess.action == "roster")).scalars().all()
    assert looked == [neighbour_id]
