"""Appointment sessions in the console (issue 14, item 3): publish, change and cancel under the one rule
set the CLI and the API share; the roster with attendance, the court checklist, outcomes and settlements."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.clock import BANGKOK
from models import AppointmentSession, Booking, Contract, DataAccess, MeasureApplication, Person
from services.appointments import book
from tests import factories as f
from tests.helpers import buttons
from tests.test_console import (  # noqa: F401  (office is a fixture)
    HTTPS,
    MUANG_OFFICER,
    PROVINCE_OFFICER,
    csrf_of,
    office,
    page,
    signed_in,
)

AUTH = {"Authorization": "Bearer test-admin-token"}
SOMSRI_LINE, ARUNEE_LINE = "U" + "51" * 16, "U" + "52" * 16
GOOD = {"kind": "court", "title": "", "start": "2026-12-03T09:00", "end": "2026-12-03T12:00",
        "place": "ศาลแขวงภูเก็ต", "capacity": "9", "slot_minutes": "20", "documents": "บัตรประจำตัวประชาชน"}


def post(client, path: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    token = csrf_of(page(client, "/console/sessions").get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token}, base_url=HTTPS)


def publish(client, **changed: str) -> int:  # type: ignore[no-untyped-def]
    response = post(client, "/console/sessions", {**GOOD, **changed})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].split("/console/sessions/")[1].split("?")[0])


def sessions_in(db) -> int:  # type: ignore[no-untyped-def]
    with db.connect() as connection:
        return connection.execute(select(func.count()).select_from(AppointmentSession)).scalar_one()


def booked(db, clock, session_id: int, person_id: int, user: str) -> int:  # type: ignore[no-untyped-def]
    """The person, verified in LINE as `user`, takes the first free seat."""
    with Session(db) as session:
        who = session.get(Person, person_id)
        assert who is not None
        f.link(session, who, user)
        result = book(session, session_id, who, user, clock.now())
        assert result.booking is not None
        session.commit()
        return result.booking.id


def deliver(app) -> None:  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(args=["scheduler", "--once"])
    assert result.exit_code == 0, result.output


def pushed_to(fake, user: str) -> list[dict]:  # type: ignore[type-arg]
    return [m for r in fake.requests("/v2/bot/message/push") if r["status"] == 200 and r["body"]["to"] == user
            for m in r["body"]["messages"]]


def test_publish_a_session_and_find_it_listed_with_its_seats(app, office, db):  # noqa: F811
    client = signed_in(app, PROVINCE_OFFICER)
    listing = page(client, "/console/sessions")
    assert listing.status_code == 200 and "ยังไม่มีรอบนัดที่กำลังจะมาถึง" in listing.get_data(as_text=True)
    assert 'href="/console/sessions"' in listing.get_data(as_text=True)  # in the nav
    session_id = publish(client)
    shown = page(client, f"/console/sessions/{session_id}?said=published").get_data(as_text=True)
    assert "ไกล่เกลี่ยก่อนฟ้อง" in shown and "ศาลแขวงภูเก็ต" in shown and "3 ธ.ค. 2569 09:00 น." in shown
    assert "ช่วงละ 20 นาที" in shown and "เปิดรอบนัดแล้ว" in shown and "ยังไม่มีผู้จอง" in shown
    listed = page(client, "/console/sessions").get_data(as_text=True)
    assert "จองแล้ว <b>0</b> / 9 ที่" in listed
    only_clinics = page(client, "/console/sessions?kind=clinic").get_data(as_text=True)
    assert "ศาลแขวงภูเก็ต" not in only_clinics
    with db.connect() as connection:
        assert connection.execute(select(AppointmentSession.officer)).scalar_one() == "วิไลวรรณ"


BAD = [  # (what is wrong, the form's change, what the console says, what the CLI and the API say)
    ("in the past", {"start": "2026-11-20T09:00", "end": "2026-11-20T12:00"}, "เวลาเริ่มผ่านไปแล้ว", "past"),
    ("no seats", {"capacity": "0", "slot_minutes": ""}, "จำนวนที่นั่งต้องอยู่ระหว่าง 1 ถึง 500", "at least 1"),
    ("huge", {"capacity": "100000", "slot_minutes": ""}, "จำนวนที่นั่งต้องอยู่ระหว่าง 1 ถึง 500", "at most 500"),
    ("ends first", {"end": "2026-12-03T08:00"}, "เวลาสิ้นสุดต้องหลังเวลาเริ่ม", "after the start"),
    ("more seats than slots", {"capacity": "10"}, "แบ่งช่วงนัดได้ 9 ช่วง", "only 9 slots"),
]


@pytest.mark.parametrize(("case", "changed", "thai", "english"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_session_is_refused_the_same_way_by_the_console_the_cli_and_the_api(  # noqa: F811
        app, office, db, case, changed, thai, english):  # noqa: F811
    client = signed_in(app, PROVINCE_OFFICER)
    refused = post(client, "/console/sessions", {**GOOD, **changed})
    said = refused.get_data(as_text=True)
    assert refused.status_code == 400 and thai in said and 'role="alert"' in said
    assert f'value="{changed.get("start", GOOD["start"])}"' in said  # what was typed is kept
    form = {**GOOD, **changed}
    args = ["sessions", "add", "--kind", "court", "--start", form["start"], "--end", form["end"], "--place",
            form["place"], "--capacity", form["capacity"]] + (["--slot-minutes", form["slot_minutes"]]
                                                              if form["slot_minutes"] else [])
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0 and english in result.output
    body: dict[str, object] = {"kind": "court", "start": form["start"], "end": form["end"], "place": form["place"],
                               "capacity": int(form["capacity"])}
    if form["slot_minutes"]:
        body["slot_minutes"] = int(form["slot_minutes"])
    answer = app.test_client().post("/api/sessions", headers=AUTH, json=body)
    assert answer.status_code == 400 and english in answer.get_json()["detail"]
    assert sessions_in(db) == 0  # nothing written, anywhere


def test_a_form_that_cannot_be_read_is_answered_in_thai(app, office, db):  # noqa: F811
    client = signed_in(app, PROVINCE_OFFICER)
    for changed, thai in (({"start": "พรุ่งนี้"}, "อ่านวันเวลาไม่ได้"), ({"capacity": "เก้า"}, "กรุณาใส่จำนวนเป็นตัวเลข"),
                          ({"kind": "party"}, "กรุณาเลือกประเภทรอบนัด"), ({"place": " "}, "กรุณาใส่สถานที่นัด")):
        refused = post(client, "/console/sessions", {**GOOD, **changed})
        assert refused.status_code == 400 and thai in refused.get_data(as_text=True)
    assert publish(client, capacity="๙") and sessions_in(db) == 1  # Thai digits are digits


@pytest.mark.parametrize("changed", [
    {"start": "2569-12-03T09:00", "end": "2569-12-03T12:00"},  # a B.E. year typed as C.E.: 543 years away
    {"start": "9999-12-31T20:00-10:00"},  # past what a date holds once in Bangkok time
])
def test_a_year_that_is_not_c_e_is_answered_in_thai(app, office, db, changed):  # noqa: F811
    refused = post(signed_in(app, PROVINCE_OFFICER), "/console/sessions", {**GOOD, **changed})
    assert refused.status_code == 400 and "ไม่ใช่ปี ค.ศ." in refused.get_data(as_text=True)
    assert sessions_in(db) == 0


def test_a_nul_character_anywhere_gets_the_kind_page_and_writes_nothing(app, office, db):  # noqa: F811
    """PostgreSQL's text holds no NUL: a search, an address or a form field carrying one is refused
    before anything reads it."""
    client = signed_in(app, PROVINCE_OFFICER)
    for path in ("/console/people?q=%00", "/console/?district=%00", "/console/projects/A%00"):
        refused = page(client, path)
        assert refused.status_code == 400 and "<!doctype html>" in refused.get_data(as_text=True).lower(), path
    refused = post(client, "/console/sessions", {**GOOD, "place": "ศาลา\x00กลาง"})
    assert refused.status_code == 400 and sessions_in(db) == 0


def test_changing_the_time_keeps_every_seat_and_tells_everyone_booked(app, office, db, clock, fake):  # noqa: F811
    client = signed_in(app, PROVINCE_OFFICER)
    session_id = publish(client)
    somsri = booked(db, clock, session_id, office["somsri"], SOMSRI_LINE)
    booked(db, clock, session_id, office["arunee"], ARUNEE_LINE)
    shrink = post(client, f"/console/sessions/{session_id}/change",
                  {"start": "2026-12-03T09:00", "end": "2026-12-03T12:00", "place": "ศาลแขวงภูเก็ต", "capacity": "1"})
    assert shrink.status_code == 400 and "มีผู้จองถึงที่นั่งที่ 2 แล้ว" in shrink.get_data(as_text=True)
    fake.reset()
    moved = post(client, f"/console/sessions/{session_id}/change",
                 {"start": "2026-12-04T13:00", "end": "2026-12-04T16:00", "place": "ศาลแขวงภูเก็ต", "capacity": "9"})
    assert moved.status_code == 302 and "told=2" in moved.headers["Location"]
    assert "แจ้งผู้จอง 2 คนทาง LINE" in page(client, moved.headers["Location"]).get_data(as_text=True)
    with Session(db) as session:
        booking = session.get(Booking, somsri)
        assert booking is not None and booking.seat == 1 and booking.sequence == 1
        assert booking.slot_start == datetime(2026, 12, 4, 13, 0, tzinfo=BANGKOK)
    deliver(app)
    told, calendar = pushed_to(fake, SOMSRI_LINE)  # the news, and a button that updates the calendar
    assert buttons(calendar)[0]["type"] == "uri" and "http" not in told["text"]  # no raw link in the text
    assert "เปลี่ยนเป็น ศ. 4 ธ.ค. 2569 เวลา 13:00 น." in told["text"] and "3 ธ.ค. 2569" in told["text"]
    assert len(pushed_to(fake, ARUNEE_LINE)) == 2  # the news and its calendar button, once
    fake.reset()
    seats_only = post(client, f"/console/sessions/{session_id}/change",
                      {"start": "2026-12-04T13:00", "end": "2026-12-04T16:00", "place": "ศาลแขวงภูเก็ต",
                       "capacity": "5"})
    assert seats_only.status_code == 302
    deliver(app)
    assert pushed_to(fake, SOMSRI_LINE) == []  # fewer seats, same time and place: nobody bothered
    past = post(client, f"/console/sessions/{session_id}/change",
                {"start": "2026-11-19T13:00", "end": "2026-11-19T16:00", "place": "ศาลแขวงภูเก็ต", "capacity": "5"})
    assert past.status_code == 400 and "เวลาเริ่มผ่านไปแล้ว" in past.get_data(as_text=True)


def test_cancelling_asks_first_then_offers_everyone_booked_the_rounds_with_free_seats(app, office, db, clock, fake):  # noqa: F811
    client = signed_in(app, PROVINCE_OFFICER)
    doomed = publish(client, kind="clinic", slot_minutes="", capacity="5", place="สำนักงานพัฒนาชุมชน")
    publish(client, kind="clinic", slot_minutes="", capacity="5", place="ศาลาประชาคม หมู่ 1",
            start="2026-12-10T09:00", end="2026-12-10T12:00")
    full = publish(client, kind="clinic", slot_minutes="", capacity="1", place="ห้องประชุมเต็ม",
                   start="2026-12-11T09:00", end="2026-12-11T12:00")
    booked(db, clock, full, office["malee"], "U" + "53" * 16)
    booked(db, clock, doomed, office["somsri"], SOMSRI_LINE)
    confirm = page(client, f"/console/sessions/{doomed}/cancel").get_data(as_text=True)
    assert "ยกเลิกรอบนัดนี้?" in confirm and "มีผู้จองอยู่ <b>1</b> คน" in confirm
    with db.connect() as connection:  # looking at the confirmation cancels nothing
        assert connection.execute(select(AppointmentSession.status).where(AppointmentSession.id == doomed)
                                  ).scalar_one() == "open"
    fake.reset()
    done = post(client, f"/console/sessions/{doomed}/cancel", {})
    assert done.status_code == 302
    assert "แจ้งผู้จอง 1 คนทาง LINE" in page(client, done.headers["Location"]).get_data(as_text=True)
    deliver(app)
    sorry, calendar = pushed_to(fake, SOMSRI_LINE)
    assert buttons(calendar)[0]["type"] == "uri" and "http" not in sorry["text"]
    assert "ขออภัยเป็นอย่างสูง" in sorry["text"] and "ศาลาประชาคม หมู่ 1 (ว่าง 5 ที่)" in sorry["text"]
    assert "ห้องประชุมเต็ม" not in sorry["text"]  # no free seat there
    assert [i["action"]["text"] for i in sorry["quickReply"]["items"]] == ["นัดหมาย"]
    with db.connect() as connection:
        status = connection.execute(select(Booking.status).where(Booking.session_id == doomed)).scalar_one()
        assert status == "cancelled"
    assert page(client, f"/console/sessions/{doomed}/cancel").status_code == 404  # nothing left to cancel
    assert post(client, f"/console/sessions/{doomed}/change", {**GOOD}).status_code == 400


def test_the_roster_names_only_the_district_and_records_attendance_checklist_outcome_and_settlement(
        app, office, db, clock):  # noqa: F811
    province = signed_in(app, PROVINCE_OFFICER)
    session_id = publish(province, start="2026-11-20T13:00", end="2026-11-20T16:00")
    somsri = booked(db, clock, session_id, office["somsri"], SOMSRI_LINE)
    arunee = booked(db, clock, session_id, office["arunee"], ARUNEE_LINE)
    muang = signed_in(app, MUANG_OFFICER)
    roster = page(muang, f"/console/sessions/{session_id}").get_data(as_text=True)
    assert "สมศรี ใจดี" in roster and "อรุณี" not in roster and "และอีก 1 คนนอกพื้นที่ของคุณ" in roster
    assert "วันที่ 1: คัดทะเบียนราษฎรลูกหนี้" in roster  # the court route's checklist
    with db.connect() as connection:
        seen = connection.execute(select(DataAccess.person_id, DataAccess.action, DataAccess.channel)
                                  .where(DataAccess.action == "console.roster")).all()
    assert seen == [(office["somsri"], "console.roster", "console")]
    assert post(muang, f"/console/bookings/{arunee}", {"attendance": "attended"}).status_code == 404

    assert post(muang, f"/console/bookings/{somsri}", {"attendance": "maybe"}).status_code == 400
    early = post(muang, f"/console/bookings/{somsri}/settlement", {"measure": "M7"})
    assert early.status_code == 400 and "ตกลงกันได้" in early.get_data(as_text=True)
    saved = post(muang, f"/console/bookings/{somsri}", {
        "attendance": "attended", "outcome": "settled", "terms": "ผ่อน 1,000 บาท/เดือน", "checklist": "shown",
        "check_day1_date_venue_fixed": "on", "check_day2_mediated": "on"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"#booking-{somsri}")
    with Session(db) as session:
        booking = session.get(Booking, somsri)
        assert booking is not None and (booking.attendance, booking.outcome) == ("attended", "settled")
        assert booking.checklist["day1_date_venue_fixed"] and booking.checklist["day2_mediated"]
        assert booking.checklist["day1_evidence_ready"] is False
    settled = post(muang, f"/console/bookings/{somsri}/settlement", {"measure": "M7", "contract_status": "litigation"})
    assert settled.status_code == 302
    with db.connect() as connection:
        application = connection.execute(select(MeasureApplication)).one()
        assert (application.measure_id, application.status, application.officer) == ("M7", "approved", "กมลชนก")
        assert application.person_id == office["somsri"] and application.note == "ผ่อน 1,000 บาท/เดือน"
        assert connection.execute(select(Contract.status).where(Contract.project_code == "PKT-2567-0101")
                                  ).scalar_one() == "litigation"
    again = post(muang, f"/console/bookings/{somsri}/settlement", {"measure": "M7"})
    assert again.status_code == 400 and "มีคำขอมาตรการนี้ที่ยังดำเนินการอยู่แล้ว" in again.get_data(as_text=True)
    shown = page(muang, f"/console/sessions/{session_id}").get_data(as_text=True)
    assert "ตกลงกันได้" in shown and "ผ่อน 1,000 บาท/เดือน" in shown
    assert page(muang, "/console/sessions/99999999").status_code == 404
