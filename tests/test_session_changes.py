"""Changing and cancelling a session from the command line and the API (issue 14, item 3): the console's one
rule set, everyone booked keeps their seat and is told 1:1 through the outbox; the CLI exits non-zero when
refused, the API answers 400/404/409 and writes nothing."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.appointments import changed_times
from domain.clock import BANGKOK
from models import AppointmentSession, Booking, Outbox
from tests.test_console import office  # noqa: F401  (a fixture)
from tests.test_console_sessions import ARUNEE_LINE, AUTH, SOMSRI_LINE, booked, deliver, pushed_to

COURT = {"kind": "court", "start": "2026-12-03T09:00", "end": "2026-12-03T12:00", "place": "ศาลแขวงภูเก็ต",
         "capacity": 9, "slot_minutes": 20}


def published(app, **changed: object) -> int:  # type: ignore[no-untyped-def]
    answer = app.test_client().post("/api/sessions", headers=AUTH, json={**COURT, **changed})
    assert answer.status_code == 201, answer.get_json()
    return int(answer.get_json()["id"])


def stored(db, session_id: int) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    with Session(db) as session:
        row = session.get(AppointmentSession, session_id)
        assert row is not None
        seats = session.execute(select(Booking.seat, Booking.slot_start, Booking.sequence)
                                .where(Booking.session_id == session_id).order_by(Booking.seat)).all()
        queued = session.scalar(select(Outbox.id).order_by(Outbox.id.desc()).limit(1))
        return (row.starts_at, row.ends_at, row.place, row.capacity, row.status, seats, queued)


def cli(app, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=["sessions", *args])


def test_a_new_start_alone_moves_the_whole_session():
    start, end = datetime(2026, 12, 3, 9, tzinfo=BANGKOK), datetime(2026, 12, 3, 12, tzinfo=BANGKOK)
    later = datetime(2026, 12, 4, 13, tzinfo=BANGKOK)
    assert changed_times(start, end, later, None) == (later, later.replace(hour=16))
    assert changed_times(start, end, None, end.replace(hour=11)) == (start, end.replace(hour=11))
    assert changed_times(start, end, None, None) == (start, end)


def test_the_cli_changes_a_session_and_everyone_booked_is_told(app, office, db, clock, fake):  # noqa: F811
    session_id = published(app)
    somsri = booked(db, clock, session_id, office["somsri"], SOMSRI_LINE)
    booked(db, clock, session_id, office["arunee"], ARUNEE_LINE)
    fake.reset()
    result = cli(app, "change", str(session_id), "--start", "2026-12-04T13:00")
    assert result.exit_code == 0, result.output
    assert result.output == (f"session {session_id}: court 2026-12-04 13:00 to 2026-12-04 16:00 ศาลแขวงภูเก็ต "
                             "(9 seats); 2 booked people will be told\n")
    with Session(db) as session:
        booking = session.get(Booking, somsri)
        assert booking is not None and (booking.seat, booking.sequence) == (1, 1)
        assert booking.slot_start == datetime(2026, 12, 4, 13, 0, tzinfo=BANGKOK)
    deliver(app)
    told, _calendar = pushed_to(fake, SOMSRI_LINE)
    assert "เปลี่ยนเป็น ศ. 4 ธ.ค. 2569 เวลา 13:00 น." in told["text"] and "3 ธ.ค. 2569" in told["text"]
    assert len(pushed_to(fake, ARUNEE_LINE)) == 2
    fake.reset()
    seats = cli(app, "change", str(session_id), "--capacity", "5")
    assert seats.exit_code == 0 and "(5 seats); 0 booked people will be told" in seats.output
    deliver(app)
    assert pushed_to(fake, SOMSRI_LINE) == []  # the same time and place: nobody bothered


@pytest.mark.parametrize(("args", "says"), [
    (["--start", "2026-11-19T09:00"], "--start: the start is in the past"),
    (["--capacity", "1"], "--capacity: seat 2 is booked: the session keeps at least 2 seats"),
    (["--capacity", "0"], "--capacity: capacity must be at least 1"),
    (["--capacity", "10"], "--capacity: only 9 slots of 20 minutes fit"),
    (["--end", "2026-12-03T08:00"], "--end: the end must be after the start"),
    (["--place", "  "], "--place: a session needs a place"),
    (["--start", "tomorrow"], "use YYYY-MM-DDTHH:MM"),
    ([], "say what changes"),
])
def test_the_cli_refuses_a_change_that_breaks_a_rule_and_exits_non_zero(app, office, db, clock, args, says):  # noqa: F811
    session_id = published(app)
    booked(db, clock, session_id, office["somsri"], SOMSRI_LINE)
    booked(db, clock, session_id, office["arunee"], ARUNEE_LINE)
    before = stored(db, session_id)
    result = cli(app, "change", str(session_id), *args)
    assert result.exit_code != 0 and says in result.output, result.output
    assert stored(db, session_id) == before


def test_the_cli_changes_only_open_sessions(app, office, db):  # noqa: F811
    session_id = published(app)
    assert cli(app, "cancel", str(session_id)).exit_code == 0
    for unknown in (str(session_id), "999999"):
        result = cli(app, "change", unknown, "--capacity", "3")
        assert result.exit_code == 1 and f"no open session {unknown}" in result.output


def test_the_api_changes_a_session_and_everyone_booked_is_told(app, office, db, clock, fake):  # noqa: F811
    session_id = published(app)
    booked(db, clock, session_id, office["somsri"], SOMSRI_LINE)
    fake.reset()
    client = app.test_client()
    answer = client.post(f"/api/sessions/{session_id}", headers=AUTH,
                         json={"start": "2026-12-04T13:00", "place": "ศาลแขวงภูเก็ต ห้อง 2"})
    assert answer.status_code == 200, answer.get_json()
    row = answer.get_json()
    assert (row["start"], row["end"]) == ("2026-12-04T13:00:00+07:00", "2026-12-04T16:00:00+07:00")
    assert (row["place"], row["capacity"], row["booked"], row["told"]) == ("ศาลแขวงภูเก็ต ห้อง 2", 9, 1, 1)
    deliver(app)
    told, _calendar = pushed_to(fake, SOMSRI_LINE)
    assert "ที่ ศาลแขวงภูเก็ต ห้อง 2 (เดิมที่ ศาลแขวงภูเก็ต)" in told["text"]
    listed = client.get("/api/sessions?from=2026-12-01", headers=AUTH).get_json()
    assert [s["start"] for s in listed] == ["2026-12-04T13:00:00+07:00"]
    with Session(db) as session:
        assert session.scalars(select(Outbox.origin).where(Outbox.origin == "api.sessions_change")).all()


@pytest.mark.parametrize(("body", "field", "says"), [
    ({"start": "2026-11-19T09:00"}, "start", "the start is in the past"),
    ({"capacity": 1}, "capacity", "seat 2 is booked: the session keeps at least 2 seats"),
    ({"capacity": 501}, "capacity", "at most 500"),
    ({"end": "2026-12-03T08:00"}, "end", "the end must be after the start"),
    ({}, None, "say what changes"),
    ({"capacity": "5"}, "capacity", "valid integer"),
    ({"place": ""}, "place", "at least 1"),
    ({"start": "2569-12-04T13:00"}, "start", "B.E."),
    ({"kind": "clinic"}, "kind", "not permitted"),  # a session's kind is what people booked: never changed
    ({"capacty": 5}, "capacty", "not permitted"),
    ({"place": "x\x00"}, "place", "NUL"),
])
def test_the_api_refuses_a_bad_change_and_writes_nothing(app, office, db, clock, body, field, says):  # noqa: F811
    session_id = published(app)
    booked(db, clock, session_id, office["somsri"], SOMSRI_LINE)
    booked(db, clock, session_id, office["arunee"], ARUNEE_LINE)
    before = stored(db, session_id)
    answer = app.test_client().post(f"/api/sessions/{session_id}", headers=AUTH, json=body)
    assert answer.status_code == 400, answer.get_json()
    assert answer.get_json()["error"] == "bad_request" and says in answer.get_json()["detail"]
    assert [p["field"] for p in answer.get_json()["problems"]] == [field]
    assert stored(db, session_id) == before


@pytest.mark.parametrize(("content_type", "raw", "says"), [
    ("text/plain", b'{"capacity": 3}', "Content-Type: application/json"),
    ("application/json", b"", "empty"),
    ("application/json", b'{"capacity": ', "not valid JSON"),
    ("application/json", b"[1, 2]", "not an array"),
    ("application/json", b"null", "not null"),
])
def test_an_odd_body_is_a_400_and_changes_nothing(app, office, db, content_type, raw, says):  # noqa: F811
    session_id = published(app)
    before = stored(db, session_id)
    answer = app.test_client().post(f"/api/sessions/{session_id}", headers=AUTH, data=raw, content_type=content_type)
    assert answer.status_code == 400 and says in answer.get_json()["detail"]
    assert stored(db, session_id) == before


def test_the_api_cancels_a_session_once_and_changes_only_open_ones(app, office, db, clock, fake):  # noqa: F811
    session_id = published(app)
    booked(db, clock, session_id, office["somsri"], SOMSRI_LINE)
    client = app.test_client()
    assert client.post("/api/sessions/999999", headers=AUTH, json={"capacity": 3}).status_code == 404
    assert client.delete("/api/sessions/999999", headers=AUTH).status_code == 404
    assert client.delete(f"/api/sessions/{session_id}").status_code == 401
    fake.reset()
    cancelled = client.delete(f"/api/sessions/{session_id}", headers=AUTH)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert cancelled.get_json()["told"] == 1
    deliver(app)
    sorry, _calendar = pushed_to(fake, SOMSRI_LINE)
    assert "ขออภัยเป็นอย่างสูง" in sorry["text"]
    again = client.delete(f"/api/sessions/{session_id}", headers=AUTH)
    assert again.status_code == 409 and "already cancelled" in again.get_json()["detail"]
    before = stored(db, session_id)
    moved = client.post(f"/api/sessions/{session_id}", headers=AUTH, json={"capacity": 3})
    assert moved.status_code == 409 and "is cancelled" in moved.get_json()["detail"]
    assert stored(db, session_id) == before
