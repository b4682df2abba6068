"""A time taken while someone was choosing it: the next free time, never "full" while seats are free.

40 debtors confirming slot 1 of a 10-slot session at once used to get 1 booking and 39
"รอบนี้เต็มแล้ว … ยังไม่มีรอบอื่นที่ว่าง" with 9 seats free (issue 16, item 9).
"""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from devtools.fakeline import events as ev
from domain.clock import BANGKOK
from messages.flows import AppointmentStep, answer
from models import Booking, Conversation
from tests import factories as f
from tests.helpers import USER, buttons, press, texts

OTHER = "U" + "7" * 32
THIRD = "U" + "8" * 32
FULL = "รอบนี้เต็มแล้ว"
NOTHING_ELSE = "ยังไม่มีรอบอื่นที่ว่าง"
INSTEAD = "เพิ่งมีผู้จองไปก่อน"
CONFIRM = answer(AppointmentStep.CONFIRM, "yes")


def add_session(app, **options) -> int:  # type: ignore[no-untyped-def]
    args = ["sessions", "add"]
    for key, value in options.items():
        args += [f"--{key.replace('_', '-')}", str(value)]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    return int(result.output.split()[1].rstrip(":"))


def ten_slots(app) -> int:  # type: ignore[no-untyped-def]
    """A clinic on 4 Dec, 09:00–12:20 in 20-minute slots: ten seats, seat k at 09:00 + 20(k-1)."""
    return add_session(app, kind="clinic", start="2026-12-04T09:00", end="2026-12-04T12:20", place="สำนักงาน",
                       capacity=10, slot_minutes=20)


@pytest.fixture
def people(db):  # type: ignore[no-untyped-def]
    """Three verified people, each with a contract."""
    with Session(db) as session:
        for user, name in ((USER, "สมศรี"), (OTHER, "มาลี"), (THIRD, "วันดี")):
            who = f.person(session, first_name=name)
            f.member(session, f.contract(session), who)
            f.link(session, who, user)
        session.commit()


def _all_at_confirm(db, clock, session_id: int, count: int, seat: int) -> list[str]:  # type: ignore[no-untyped-def]
    """`count` verified people, each at the last step with `seat` chosen (as if they all tapped it)."""
    users = [f"U{n:032x}" for n in range(count)]
    with Session(db) as session:
        for n, user in enumerate(users):
            who = f.person(session, first_name=f"คน{n}")
            f.link(session, who, user)
            session.add(Conversation(source_type="user", user_id=user, group_id="", flow="appt", step="confirm",
                                     data={"person_id": who.id, "session_id": session_id, "seat": seat,
                                           "moving": None},
                                     history=[], expires_at=datetime(2030, 1, 1, tzinfo=BANGKOK),
                                     updated_at=clock.now()))
        session.commit()
    return users


def _confirm_at_once(line, users: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """Everyone taps "ยืนยันนัด" at the same moment (one signed webhook each, in parallel)."""
    taps = [line.event("postback", user=user, postback={"data": CONFIRM}) for user in users]
    statuses: list[int] = []
    start = threading.Barrier(len(taps))

    def fire(event: dict) -> None:  # type: ignore[type-arg]
        start.wait()
        # dozens of webhooks at once are answered one after another on SQLite: a slow machine
        # takes longer than one webhook's usual 10 s for the last of them
        statuses.append(line.post(ev.payload(event), timeout=120).status)

    threads = [threading.Thread(target=fire, args=(event,)) for event in taps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=150)
    assert statuses == [200] * len(taps)
    return [texts(line.replies_to(event)) for event in taps]


def _booked_seats(db, session_id: int) -> list[int]:  # type: ignore[no-untyped-def]
    with db.connect() as connection:
        return sorted(connection.execute(select(Booking.seat).where(
            Booking.session_id == session_id, Booking.status == "booked")).scalars())


def test_ten_people_confirming_the_first_slot_at_once_all_get_a_time(app, line, db, clock):
    session_id = ten_slots(app)
    users = _all_at_confirm(db, clock, session_id, 10, seat=1)
    replies = _confirm_at_once(line, users)
    assert _booked_seats(db, session_id) == list(range(1, 11))  # every seat filled
    assert not [r for r in replies if FULL in r]  # nobody told "full" while a seat was free
    assert sum("นัดหมายของคุณ" in r for r in replies) == 10
    instead = [r for r in replies if INSTEAD in r]
    assert len(instead) == 9 and all("เวลา 09:00 น. ที่เลือก" in r and "เปลี่ยนนัด" in r for r in instead)
    told = sorted(r.split("คือ ")[1].split(" น.")[0] for r in instead)
    assert told == sorted(f"ศ. 4 ธ.ค. 2569 เวลา {9 + m // 60:02d}:{m % 60:02d}" for m in range(20, 200, 20))


def test_forty_at_once_fill_the_ten_seats_and_the_others_are_offered_another_session(app, line, db, clock):
    session_id = ten_slots(app)
    later = add_session(app, kind="clinic", start="2026-12-11T09:00", end="2026-12-11T12:00", place="สำนักงาน",
                        capacity=40)
    users = _all_at_confirm(db, clock, session_id, 40, seat=1)
    replies = _confirm_at_once(line, users)
    assert _booked_seats(db, session_id) == list(range(1, 11))
    booked = [r for r in replies if "นัดหมายของคุณ" in r]
    full = [r for r in replies if FULL in r]
    assert len(booked) == 10 and len(full) == 30
    assert not [r for r in full if NOTHING_ELSE in r]  # a session with free seats exists: it is offered
    assert all("11 ธ.ค. 2569" in r and "ว่าง 40 ที่" in r for r in full)
    # the offer is a live button: the conversation waits for it
    loser = users[replies.index(full[0])]
    confirm = line.tap(answer(AppointmentStep.SESSION, str(later)), user=loser)[0]
    assert "11 ธ.ค. 2569" in confirm["text"]
    assert "นัดหมายของคุณ" in texts(press(line, confirm, "ยืนยันนัด", user=loser))
    assert _booked_seats(db, later) == [1]


def test_the_time_chosen_taken_meanwhile_books_the_next_one_and_it_can_be_changed(app, line, db, people):
    session_id = ten_slots(app)
    slots = press(line, line.say("นัดหมาย")[1], "เลือกรอบนี้")[0]
    confirm = press(line, slots, "09:00 น.")[0]  # chosen, not yet confirmed
    # someone else books 09:00 and 09:20 meanwhile
    for user, time in ((OTHER, "09:00 น."), (THIRD, "09:20 น.")):
        theirs = press(line, line.say("นัดหมาย", user=user)[1], "เลือกรอบนี้", user=user)[0]
        press(line, press(line, theirs, time, user=user)[0], "ยืนยันนัด", user=user)
    replies = press(line, confirm, "ยืนยันนัด")
    said = texts(replies)
    assert "เวลา 09:00 น. ที่เลือกเพิ่งมีผู้จองไปก่อน" in said and "4 ธ.ค. 2569 เวลา 09:40 น." in said
    assert FULL not in said
    assert _booked_seats(db, session_id) == [1, 2, 3]
    # the card's change button still works: move to 10:20
    slots = press(line, press(line, replies[1], "เปลี่ยนนัด")[1], "เลือกรอบนี้")[0]
    assert "10:20 น." in texts(press(line, press(line, slots, "10:20 น.")[0], "ยืนยันนัด"))
    assert _booked_seats(db, session_id) == [1, 2, 5]


def test_a_time_tapped_after_someone_took_it_shows_the_free_times_again(app, line, db, people):
    ten_slots(app)
    slots = press(line, line.say("นัดหมาย")[1], "เลือกรอบนี้")[0]
    theirs = press(line, line.say("นัดหมาย", user=OTHER)[1], "เลือกรอบนี้", user=OTHER)[0]
    press(line, press(line, theirs, "09:20 น.", user=OTHER)[0], "ยืนยันนัด", user=OTHER)
    again = press(line, slots, "09:20 น.")[0]
    assert INSTEAD in again["text"]
    labels = [b["label"] for b in buttons(again)]
    assert "09:00 น." in labels and "09:20 น." not in labels and "09:40 น." in labels
    assert "09:40 น." in press(line, again, "09:40 น.")[0]["text"]  # and the flow goes on


def test_a_session_full_meanwhile_offers_the_sessions_with_free_seats(app, line, db, people):
    small = add_session(app, kind="clinic", start="2026-12-04T09:00", end="2026-12-04T12:00", place="สำนักงาน",
                        capacity=1)
    confirm = press(line, line.say("นัดหมาย")[1], "เลือกรอบนี้")[0]
    add_session(app, kind="clinic", start="2026-12-11T09:00", end="2026-12-11T12:00", place="ศาลาหมู่ 3",
                capacity=5)
    theirs = line.say("นัดหมาย", user=OTHER)[1]
    press(line, press(line, theirs, "เลือกรอบนี้", user=OTHER)[0], "ยืนยันนัด", user=OTHER)
    replies = press(line, confirm, "ยืนยันนัด")
    said = texts(replies)
    assert FULL in said and NOTHING_ELSE not in said and "ศาลาหมู่ 3" in said
    assert "ศาลาหมู่ 3" in press(line, press(line, replies[1], "เลือกรอบนี้")[0], "ยืนยันนัด")[0]["altText"]
    assert _booked_seats(db, small) == [1]
    with db.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Booking)).scalar_one() == 2
