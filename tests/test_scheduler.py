"""The clock: gentle reminders, officers' lists and prescription alerts, lawful and never twice."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import create_app
from domain.clock import BANGKOK
from domain.group_guard import GroupPrivacyError
from models import (
    AppointmentSession,
    Booking,
    LineGroup,
    LineLink,
    MeasureApplication,
    Membership,
    Outbox,
    ProactiveContact,
    StaffMember,
)
from services import outbox
from tests import factories as f
from tests.helpers import GROUP, USER, buttons, texts

OTHER = "U" + "5" * 32
THIRD = "U" + "6" * 32
OFFICER = "U" + "0f" * 16
PROVINCE_OFFICER = "U" + "0e" * 16


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BANGKOK)


@pytest.fixture
def province(db, clock):  # type: ignore[no-untyped-def]
    """Three verified borrowers due on 1 Dec 2026, one group bound to their subdistrict, officers."""
    with Session(db) as session:
        chalong = f.area(session, "เมืองภูเก็ต", "ฉลอง")
        for user, name in ((USER, "สมศรี"), (OTHER, "มาลี"), (THIRD, "วันดี")):
            who = f.person(session, first_name=name, last_name="ทดสอบนามสกุล")
            contract = f.contract(session, where=chalong, contract_date=date(2026, 6, 1),
                                  first_due_date=date(2026, 7, 1), principal=24000)
            f.member(session, contract, who)
            for month in range(7, 12):  # paid July to November
                f.payment(session, contract, date(2026, month, 1), "1000.00")
            f.link(session, who, user)
        # a contract-ended one, 90 days from its 5-year limit on 2026-11-20
        ended = f.contract(session, where=chalong, code="PKT-2561-0090", contract_date=date(2018, 1, 10),
                           first_due_date=date(2018, 2, 10), principal=24000)
        f.payment(session, ended, date(2022, 2, 18), "500.00")
        session.add(LineGroup(group_id=GROUP, name="กลุ่มฉลอง", area_id=chalong.id, joined_at=clock.now(),
                              bound_at=clock.now()))
        session.add(StaffMember(line_user_id=OFFICER, name="กมลชนก", role="officer",
                                district_id=chalong.parent_id, created_at=clock.now()))
        session.add(StaffMember(line_user_id=PROVINCE_OFFICER, name="ธนากร", role="officer", created_at=clock.now()))
        session.commit()


def run_clock(app, clock, when: datetime) -> None:  # type: ignore[no-untyped-def]
    clock.set(when)
    result = app.test_cli_runner().invoke(args=["scheduler", "--once"])
    assert result.exit_code == 0, result.output


def sent(fake, path: str = "") -> list[dict]:  # type: ignore[type-arg]
    return [r for r in fake.requests(path) if r["status"] == 200 and r["path"] != "/v2/bot/message/reply"]


def test_due_soon_goes_by_one_multicast_without_an_amount(app, fake, clock, province):
    run_clock(app, clock, at(date(2026, 11, 28), 9))
    [multicast] = sent(fake, "/v2/bot/message/multicast")
    assert sorted(multicast["body"]["to"]) == sorted([USER, OTHER, THIRD])
    text = multicast["body"]["messages"][0]["text"]
    assert "1 ธ.ค. 2569" in text and "บาท" not in text and "1,000" not in text
    assert multicast["retry_key"]


def test_the_group_gets_a_generic_note_and_nothing_personal(app, fake, clock, province, db):
    run_clock(app, clock, at(date(2026, 11, 28), 9))
    [push] = [r for r in sent(fake, "/v2/bot/message/push") if r["body"]["to"] == GROUP]
    text = json.dumps(push["body"], ensure_ascii=False)
    assert "1 ธ.ค. 2569" in text and "ยอดหนี้" in text
    for secret in ("สมศรี", "มาลี", "วันดี", "ทดสอบนามสกุล", " บาท", "1,000", "ราย"):
        assert secret not in text


def test_the_group_guard_refuses_names_and_amounts(app, db, clock, province):
    rt = app.extensions["wdf"]
    with rt.sessions() as session:
        guard = rt.group_guard(session)
        for text in ("ขอบคุณคุณสมศรีที่ชำระแล้ว", "ยอดค้างรวม 12,000.00 บาท", "ยังค้าง 3 ราย"):
            with pytest.raises(GroupPrivacyError):
                outbox.enqueue_push(session, to=GROUP, messages=[{"type": "text", "text": text}], origin="test",
                                    now=clock.now(), group_guard=guard)
        with pytest.raises(GroupPrivacyError):  # and no group message without the guard at all
            outbox.enqueue_push(session, to=GROUP, messages=[{"type": "text", "text": "สวัสดีค่ะ"}],
                                origin="test", now=clock.now())
        session.rollback()
    with db.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Outbox)).scalar_one() == 0


def test_officers_get_their_districts_list_and_the_prescription_alert(app, fake, clock, province):
    run_clock(app, clock, at(date(2026, 11, 20), 8, 5))
    pushes = sent(fake, "/v2/bot/message/push")
    to_officer = [json.dumps(p["body"], ensure_ascii=False) for p in pushes if p["body"]["to"] == OFFICER]
    assert any("รายการติดตามวันนี้" in t and "PKT-2561-0090" in t for t in to_officer)
    assert any("อีก 90 วันจะครบ 5 ปี" in t for t in to_officer)
    assert any(p["body"]["to"] == PROVINCE_OFFICER for p in pushes)
    run_clock(app, clock, at(date(2026, 11, 20), 15))
    assert len(sent(fake, "/v2/bot/message/push")) == len(pushes)  # once a day, once a threshold


def test_nothing_goes_out_at_night_and_it_catches_up_in_the_morning(app, fake, clock, province):
    run_clock(app, clock, at(date(2026, 11, 27), 21))
    assert sent(fake) == []
    run_clock(app, clock, at(date(2026, 11, 28), 7, 59))
    assert sent(fake) == []
    run_clock(app, clock, at(date(2026, 11, 28), 8, 0))
    assert sent(fake, "/v2/bot/message/multicast")


def test_weekends_end_at_six(app, fake, clock, province):
    run_clock(app, clock, at(date(2026, 11, 28), 18, 30))  # a Saturday
    assert sent(fake) == []


def test_a_restart_never_sends_twice(app, fake, clock, province):
    run_clock(app, clock, at(date(2026, 11, 28), 9))
    first = len(sent(fake))
    run_clock(app, clock, at(date(2026, 11, 28), 9, 30))
    run_clock(app, clock, at(date(2026, 11, 29), 10))  # the same reminder's window, the next day
    assert len([r for r in sent(fake) if "/multicast" in r["path"]]) == 1
    assert len(sent(fake)) >= first


def test_opted_out_people_get_nothing(line, app, fake, clock, province):
    assert "หยุดส่งการแจ้งเตือน" in line.say("หยุดแจ้งเตือน")[0]["text"]
    run_clock(app, clock, at(date(2026, 11, 28), 9))
    [multicast] = sent(fake, "/v2/bot/message/multicast")
    assert USER not in multicast["body"]["to"]
    assert "เปิดการแจ้งเตือน" in line.say("แจ้งเตือน")[0]["text"]


def test_one_proactive_contact_per_person_per_day(app, db, fake, clock, province):
    with Session(db) as session:  # something else already reached USER today
        session.add(ProactiveContact(line_user_id=USER, contact_day=date(2026, 11, 28), purpose="appointment",
                                     key="appointment:U:2026-11-29", created_at=clock.now()))
        session.commit()
    run_clock(app, clock, at(date(2026, 11, 28), 9))
    [multicast] = sent(fake, "/v2/bot/message/multicast")
    assert USER not in multicast["body"]["to"]
    run_clock(app, clock, at(date(2026, 11, 29), 9))  # the payment reminder moves to the next day
    later = sent(fake, "/v2/bot/message/multicast")
    assert [r["body"]["to"] for r in later[1:]] == [[USER]]


def test_a_month_of_mornings_and_evenings(app, db, fake, clock, province):
    day = date(2026, 11, 20)
    while day <= date(2026, 12, 20):
        for hour in (7, 9, 19, 21):
            run_clock(app, clock, at(day, hour))
        day += timedelta(days=1)
    with db.connect() as connection:
        rows = connection.execute(select(Outbox).where(Outbox.kind != "reply")).all()
        contacts = connection.execute(select(ProactiveContact)).all()
    keys = [c.key for c in contacts]
    assert len(keys) == len(set(keys))
    per_day = [(c.line_user_id, c.contact_day) for c in contacts]
    assert len(per_day) == len(set(per_day))
    for row in rows:
        assert row.status == "sent", row.summary
        local = row.sent_at.astimezone(BANGKOK)
        weekend = local.weekday() >= 5
        assert 8 <= local.hour < (18 if weekend else 20), (row.origin, local)
    purposes = {c.purpose for c in contacts}
    assert {"payment_before", "group_before", "group_on_day"} <= purposes


def test_a_second_clock_waits_or_gives_up(app, clock):
    from scheduler.lock import ClockBusy, clock_lock

    rt = app.extensions["wdf"]
    with clock_lock(rt.engine, wait=False):
        with pytest.raises(ClockBusy), clock_lock(rt.engine, wait=False):
            pass
        result = app.test_cli_runner().invoke(args=["scheduler", "--once", "--no-wait"])
        assert result.exit_code == 1 and "another clock" in result.output
    with clock_lock(rt.engine, wait=False):  # free again once the first one stops
        pass


def test_holidays_and_group_binding_from_the_command_line(app, db, fake, clock, province, tmp_path):
    from models import Holiday

    holidays = tmp_path / "holidays-2026.toml"
    holidays.write_text('year = 2026\nsource = "test"\n[[holiday]]\ndate = 2026-11-27\nname = "วันทดสอบ"\n',
                        encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["holidays", "load", str(holidays)])
    assert result.exit_code == 0 and "1 holidays" in result.output, result.output
    with db.connect() as connection:
        assert connection.execute(select(Holiday.name)).scalar_one() == "วันทดสอบ"
    run_clock(app, clock, at(date(2026, 11, 27), 18, 30))  # a Friday, but a holiday: 18:00 is the end
    assert sent(fake) == []
    broken = tmp_path / "broken.toml"
    broken.write_text("year = 2569\n", encoding="utf-8")
    assert runner.invoke(args=["holidays", "load", str(broken)]).exit_code == 1

    other = "C" + "8" * 32
    with Session(db) as session:
        session.add(LineGroup(group_id=other, joined_at=clock.now()))
        session.commit()
    assert runner.invoke(args=["groups", "bind", other, "--district", "ไม่มีอำเภอนี้"]).exit_code == 1
    result = runner.invoke(args=["groups", "bind", other, "--district", "เมืองภูเก็ต", "--subdistrict", "ฉลอง"])
    assert result.exit_code == 0, result.output
    listing = runner.invoke(args=["groups", "list"]).output
    assert other in listing and "ฉลอง" in listing


def test_a_spent_monthly_quota_pauses_pushes_until_next_month_and_officers_are_told(
        app, line, db, fake, clock, province):
    fake.inject("/v2/bot/message/multicast", 429, body={"message": "You have reached your monthly limit."})
    run_clock(app, clock, at(date(2026, 11, 28), 9))
    assert [r["status"] for r in fake.requests("/v2/bot/message/multicast")] == [429]
    tried = len(fake.requests())
    run_clock(app, clock, at(date(2026, 11, 29), 9))  # still November: nothing is even tried
    assert len(fake.requests()) == tried
    replies = line.say("วันนี้", user=OFFICER)  # replies are free: the officer hears about it once
    assert "โควตาข้อความ LINE" in replies[0]["text"] and "1 ธ.ค. 2569" in replies[0]["text"]
    assert "โควตา" not in line.say("วันนี้", user=OFFICER)[0].get("text", "")
    assert "โควตา" not in line.say("ช่วยเหลือ")[0].get("altText", "")  # debtors are not told
    run_clock(app, clock, at(date(2026, 12, 1), 9))  # the quota renews: that day's reminder goes,
    assert [r["status"] for r in fake.requests("/v2/bot/message/multicast")][-1] == 200
    from models import Outbox  # and the ones held since November are not sent beside it

    with Session(db) as session:
        rows = session.execute(select(Outbox.status, Outbox.created_at).where(Outbox.kind == "multicast")
                               .order_by(Outbox.id)).all()
    assert [status for status, _ in rows] == ["expired", "sent"]
    assert rows[1].created_at.astimezone(BANGKOK).date() == date(2026, 12, 1)


def test_a_refused_group_note_is_held_and_the_officers_are_told_once(app, fake, clock, province, db):
    """A register name that happens to be a word of the template: fail closed, and say so."""
    with Session(db) as session:
        f.person(session, first_name="สบายดี", last_name="ทดลองชื่อ")  # a word of the group note
        session.commit()
    run_clock(app, clock, at(date(2026, 11, 28), 9))
    run_clock(app, clock, at(date(2026, 11, 28), 11))
    pushes = sent(fake, "/v2/bot/message/push")
    assert not [p for p in pushes if p["body"]["to"] == GROUP]
    held = [p for p in pushes if "ถูกระงับ" in json.dumps(p["body"], ensure_ascii=False)]
    assert sorted(p["body"]["to"] for p in held) == sorted([OFFICER, PROVINCE_OFFICER])  # once each, that day
    assert sent(fake, "/v2/bot/message/multicast")  # personal reminders went on regardless


# --- prescription alerts: on crossing only, one message a day, buttons to the cards (issue 15, item 6) ---

DAYS_TO_LIMIT = (2, 14, 31, 45, 60, 90, 120, 180)  # on 20 Nov 2026


@pytest.fixture
def near_limits(db, clock):  # type: ignore[no-untyped-def]
    """Ended contracts of one district, each this many days from its 5-year limit, and its officer."""
    with Session(db) as session:
        chalong = f.area(session, "เมืองภูเก็ต", "ฉลอง")
        for days in DAYS_TO_LIMIT:
            contract = f.contract(session, where=chalong, code=f"PKT-2561-{days:04d}", contract_date=date(2018, 1, 10),
                                  first_due_date=date(2018, 2, 10), principal=24000)
            last_payment = date(2026, 11, 20) + timedelta(days=days)
            f.payment(session, contract, last_payment.replace(year=last_payment.year - 5), "500.00")
            f.member(session, contract, f.person(session, first_name=f"ผู้กู้{days}"))
            f.member(session, contract, f.person(session, first_name=f"ผู้ค้ำ{days}"), "guarantor")
        session.add(StaffMember(line_user_id=OFFICER, name="กมลชนก", role="officer",
                                district_id=chalong.parent_id, created_at=clock.now()))
        session.commit()


def alerts_to(fake, officer: str) -> list[dict]:  # type: ignore[type-arg]
    return [p["body"] for p in sent(fake, "/v2/bot/message/push")
            if p["body"]["to"] == officer and "แจ้งเตือนอายุความ" in json.dumps(p["body"], ensure_ascii=False)]


def codes_in(body: dict) -> list[int]:  # type: ignore[type-arg]
    said = json.dumps(body, ensure_ascii=False)
    return [days for days in DAYS_TO_LIMIT if f"PKT-2561-{days:04d}" in said]


def test_the_first_run_alerts_only_what_crossed_today_in_one_message(app, line, fake, clock, near_limits):
    run_clock(app, clock, at(date(2026, 11, 20), 8, 10))
    [alert] = alerts_to(fake, OFFICER)  # one message, not one per contract
    assert codes_in(alert) == [90, 180]  # 2, 14, 31, 45, 60 and 120 days crossed nothing today
    said = json.dumps(alert, ensure_ascii=False)
    assert "อีก 90 วันจะครบ 5 ปี" in said and said.index("อีก 90 วัน") < said.index("อีก 180 วัน")
    cards = [a for m in alert["messages"] for a in buttons(m) if a["type"] == "postback"]
    assert [a["label"] for a in cards] == ["ผู้กู้: ผู้กู้90", "ผู้ค้ำ: ผู้ค้ำ90", "ผู้กู้: ผู้กู้180",
                                           "ผู้ค้ำ: ผู้ค้ำ180"]
    card = line.tap(cards[0]["data"], user=OFFICER)  # the router knows the button: the person's card
    assert "ผู้กู้90" in texts(card) and "PKT-2561-0090" in texts(card)

    run_clock(app, clock, at(date(2026, 11, 20), 15))  # later the same day, or after a restart: nothing new
    assert len(alerts_to(fake, OFFICER)) == 1
    run_clock(app, clock, at(date(2026, 11, 21), 10))  # 31 days became 30
    assert [codes_in(body) for body in alerts_to(fake, OFFICER)] == [[90, 180], [31]]


def test_after_days_without_a_run_each_crossing_is_told_once(app, fake, clock, near_limits):
    run_clock(app, clock, at(date(2026, 11, 21), 10))
    run_clock(app, clock, at(date(2026, 11, 30), 10))  # the clock was down from the 22nd to the 29th
    # the 14-day contract passed 7 days on the 27th; the 45-, 60- and 120-day ones crossed nothing
    assert [codes_in(body) for body in alerts_to(fake, OFFICER)] == [[31], [14]]
    run_clock(app, clock, at(date(2026, 12, 1), 10))
    assert len(alerts_to(fake, OFFICER)) == 2


# --- pausing payment reminders while the fund is deciding or mediating (issue 15, item 7) ---


@pytest.fixture
def relief_under_way(db, clock, province):  # type: ignore[no-untyped-def]
    """USER's application is being decided, OTHER has a court mediation booked, THIRD's was approved."""
    with Session(db) as session:
        person = {link.line_user_id: link.person_id for link in session.scalars(select(LineLink))}
        contract = {m.person_id: m.contract_id for m in session.scalars(select(Membership))}
        for user, status in ((USER, "under_review"), (THIRD, "approved")):
            session.add(MeasureApplication(person_id=person[user], contract_id=contract[person[user]],
                                           measure_id="M5", answers={}, status=status, submitted_at=clock.now(),
                                           status_changed_at=clock.now()))
        court = AppointmentSession(kind="court", title="ไกล่เกลี่ย", place="ศาลแขวง", starts_at=at(date(2026, 12, 10), 9),
                                   ends_at=at(date(2026, 12, 10), 12), capacity=5, documents=[], status="open",
                                   created_at=clock.now())
        session.add(court)
        session.flush()
        session.add(Booking(session_id=court.id, person_id=person[OTHER], line_user_id=OTHER, kind="court", seat=1,
                            capacity=5, slot_start=court.starts_at, status="booked", sequence=0, checklist={},
                            created_at=clock.now(), updated_at=clock.now()))
        session.commit()


def test_no_payment_reminder_while_relief_is_decided_or_mediation_booked(app, fake, clock, relief_under_way):
    run_clock(app, clock, at(date(2026, 11, 28), 9))
    [multicast] = sent(fake, "/v2/bot/message/multicast")
    assert multicast["body"]["to"] == [THIRD]  # an approved application no longer holds reminders back
    assert not [p for p in sent(fake, "/v2/bot/message/push") if p["body"]["to"] in (USER, OTHER)]


def test_the_pause_is_a_setting(settings, fake, clock, relief_under_way):
    app = create_app(settings.with_(reminders_pause_for_relief=False), clock=clock)
    try:
        run_clock(app, clock, at(date(2026, 11, 28), 9))
    finally:
        app.extensions["wdf"].close()
    [multicast] = sent(fake, "/v2/bot/message/multicast")
    assert sorted(multicast["body"]["to"]) == sorted([USER, OTHER, THIRD])


def test_reminders_resume_once_the_mediation_day_is_past(app, fake, clock, relief_under_way, db):
    with Session(db) as session:  # the mediation was on 20 Nov: OTHER is reminded again
        booking = session.scalars(select(Booking)).one()
        booking.slot_start = at(date(2026, 11, 20), 9)
        session.commit()
    run_clock(app, clock, at(date(2026, 11, 28), 9))
    [multicast] = sent(fake, "/v2/bot/message/multicast")
    assert sorted(multicast["body"]["to"]) == sorted([OTHER, THIRD])


def test_the_note_a_week_after_goes_only_where_the_group_could_not_tell_whose(app, db, fake, clock, province):
    """'Whoever has not paid the installment of 1 Dec yet, do not worry': in an area of four open
    contracts the group could tell whose, so it is not sent; with five it is (the notes before and
    on the due date, which say nothing of anyone, go either way)."""
    from domain.reminders import GROUP_AFTER_MIN_CONTRACTS

    def after_notes() -> list[dict]:  # type: ignore[type-arg]
        return [p for p in sent(fake, "/v2/bot/message/push")
                if p["body"]["to"] == GROUP and "ไม่ต้องกังวล" in json.dumps(p["body"], ensure_ascii=False)]

    run_clock(app, clock, at(date(2026, 12, 8), 10))  # a week after 1 Dec, nobody paid
    assert after_notes() == []
    with Session(db) as session:
        chalong = f.area(session, "เมืองภูเก็ต", "ฉลอง")
        for _ in range(GROUP_AFTER_MIN_CONTRACTS - 4):
            f.member(session, f.contract(session, where=chalong, contract_date=date(2026, 6, 1),
                                         first_due_date=date(2026, 7, 1), principal=24000), f.person(session))
        session.commit()
    run_clock(app, clock, at(date(2026, 12, 9), 10))
    [note] = after_notes()
    assert "1 ธ.ค. 2569" in texts(note["body"]["messages"])
