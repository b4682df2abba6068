"""A register of several provinces: an appointment session may belong to one province. Its people
are offered it in LINE and nobody else's are; its officers see it (in LINE, in their list and in
the console) and another province's officers do not; a cancelled one's alternatives stay in the
province. A session of no province is the register's own, for everyone, as a fund of one province
has always had them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Area, Person, StaffMember
from tests import factories as f
from tests.helpers import press, texts
from tests.test_console import HTTPS, csrf_of, page, signed_in
from tests.test_same_named_districts import KORAT, twins  # noqa: F401  (twins is a fixture)

AUTH = {"Authorization": "Bearer test-admin-token"}
BOONMEE, LAMDUAN = "U" + "6a" * 16, "U" + "6b" * 16  # the debtors of นครราชสีมา and สระบุรี
SARABURI_OFFICE = "U" + "6c" * 16  # an officer of สระบุรี's office
KORAT_HALL, SARABURI_HALL, FUND_OFFICE = "ศาลากลางนครราชสีมา", "ศาลากลางสระบุรี", "สำนักงานกองทุนส่วนกลาง"


def add(app, place: str, *, province: str = "", start: str = "2026-11-20T14:00", end: str = "2026-11-20T16:00",
        kind: str = "clinic") -> int:  # type: ignore[no-untyped-def]
    args = ["sessions", "add", "--kind", kind, "--start", start, "--end", end, "--place", place, "--capacity", "5"]
    result = app.test_cli_runner().invoke(args=args + (["--province", province] if province else []))
    assert result.exit_code == 0, result.output
    return int(result.output.split()[1].rstrip(":"))


def linked(db, twins) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    with Session(db) as session:
        for first_name, user in (("บุญมี", BOONMEE), ("ลำดวน", LAMDUAN)):
            f.link(session, session.scalars(select(Person).where(Person.first_name == first_name)).one(), user)
        saraburi = session.get(Area, twins["saraburi"])
        assert saraburi is not None and saraburi.parent_id is not None
        session.add(StaffMember(line_user_id=SARABURI_OFFICE, name="ลำใย", role="officer",
                                province_id=saraburi.parent_id, created_at=f.NOW))
        session.commit()


def more_offered(line, user: str) -> str:  # type: ignore[no-untyped-def]
    """What someone who already holds a booking is offered when they tap "จองนัดเพิ่ม"."""
    return texts(press(line, line.say("นัดหมาย", user=user)[0], "จองนัดเพิ่ม", user=user))


def test_each_province_s_people_are_offered_its_sessions_and_the_register_s_own(
        app, line, db, fake, twins):  # noqa: F811
    linked(db, twins)
    refused = app.test_cli_runner().invoke(args=["sessions", "add", "--kind", "clinic", "--start", "2026-11-20T14:00",
                                                 "--end", "2026-11-20T16:00", "--place", "ที่ไหน", "--capacity", "5",
                                                 "--province", "เชียงใหม่"])
    assert refused.exit_code != 0 and "no province 'เชียงใหม่' in the register" in refused.output
    korat = add(app, KORAT_HALL, province="นครราชสีมา")
    saraburi = add(app, SARABURI_HALL, province="สระบุรี")
    add(app, FUND_OFFICE, start="2026-11-21T09:00", end="2026-11-21T12:00")

    offered = texts(line.say("นัดหมาย", user=BOONMEE))
    assert KORAT_HALL in offered and FUND_OFFICE in offered and SARABURI_HALL not in offered
    offered = texts(line.say("นัดหมาย", user=LAMDUAN))
    assert SARABURI_HALL in offered and FUND_OFFICE in offered and KORAT_HALL not in offered

    listed = {s["id"]: s["province"] for s in app.test_client().get("/api/sessions?from=2026-11-20",
                                                                     headers=AUTH).get_json()}
    assert listed[korat] == "นครราชสีมา" and listed[saraburi] == "สระบุรี" and None in listed.values()
    bad = app.test_client().post("/api/sessions", headers=AUTH, json={
        "kind": "clinic", "start": "2026-11-22T09:00", "end": "2026-11-22T12:00", "place": "ที่ไหน", "capacity": 5,
        "province": "เชียงใหม่"})
    assert bad.status_code == 400 and "province" in bad.get_data(as_text=True)
    made = app.test_client().post("/api/sessions", headers=AUTH, json={
        "kind": "clinic", "start": "2026-11-22T09:00", "end": "2026-11-22T12:00", "place": "อำเภอพระพุทธบาท",
        "capacity": 5, "province": "สระบุรี"})
    assert made.status_code == 201 and made.get_json()["province"] == "สระบุรี"
    assert "อำเภอพระพุทธบาท" not in texts(line.say("นัดหมาย", user=BOONMEE))


def test_officers_see_their_province_s_sessions_and_a_cancelled_one_s_alternatives_stay_there(
        app, line, db, fake, clock, twins):  # noqa: F811
    linked(db, twins)
    korat = add(app, KORAT_HALL, province="นครราชสีมา")
    saraburi = add(app, SARABURI_HALL, province="สระบุรี")
    add(app, FUND_OFFICE)
    add(app, "ศาลาประชาคมพุแค", province="สระบุรี", start="2026-11-25T09:00", end="2026-11-25T12:00")
    add(app, "ศาลาประชาคมท่าช้าง", province="นครราชสีมา", start="2026-11-25T09:00", end="2026-11-25T12:00")
    for user, place in ((BOONMEE, KORAT_HALL), (LAMDUAN, SARABURI_HALL)):
        replies = line.say("นัดหมาย", user=user)
        card = next(m for m in replies if place in texts([m]))
        press(line, press(line, card, "เลือกรอบนี้", user=user)[0], "ยืนยันนัด", user=user)

    roster = texts(line.say("นัดหมาย", user=SARABURI_OFFICE))  # today's and tomorrow's sessions
    assert SARABURI_HALL in roster and FUND_OFFICE in roster and KORAT_HALL not in roster
    assert "ลำดวน" in roster and "บุญมี" not in roster
    roster = texts(line.say("นัดหมาย", user=KORAT))
    assert KORAT_HALL in roster and SARABURI_HALL not in roster

    said = texts(line.say("วันนี้", user=SARABURI_OFFICE))  # today's sessions on the officer's list
    assert SARABURI_HALL in said and KORAT_HALL not in said
    rows = app.test_client().get("/api/followups?province=นครราชสีมา", headers=AUTH).get_json()
    assert {r["project_name"] for r in rows if r["reason"] == "appointment"} == {"คลินิกแก้หนี้"}
    assert [r["session_id"] for r in rows if r["reason"] == "appointment"] == [korat]

    client = signed_in(app, SARABURI_OFFICE)  # the console
    listed = page(client, "/console/sessions").get_data(as_text=True)
    assert SARABURI_HALL in listed and FUND_OFFICE in listed and KORAT_HALL not in listed
    assert 'name="province"' not in listed  # their sessions are their province's: nothing to choose
    assert page(client, f"/console/sessions/{korat}").status_code == 404
    assert page(client, f"/console/sessions/{saraburi}").status_code == 200
    token = csrf_of(listed)
    published = client.post("/console/sessions", base_url=HTTPS, data={
        "kind": "mobile", "title": "", "start": "2026-11-26T09:00", "end": "2026-11-26T12:00",
        "place": "วัดพระพุทธบาท", "capacity": "5", "slot_minutes": "", "documents": "", "csrf_token": token})
    assert published.status_code == 302
    assert "วัดพระพุทธบาท" in more_offered(line, LAMDUAN)
    assert "วัดพระพุทธบาท" not in more_offered(line, BOONMEE)

    fake.reset()
    cancelled = app.test_cli_runner().invoke(args=["sessions", "cancel", str(saraburi)])
    assert cancelled.exit_code == 0 and "1 booked" in cancelled.output
    assert app.test_cli_runner().invoke(args=["scheduler", "--once"]).exit_code == 0  # the outbox is sent
    told = texts([m for r in fake.requests("/v2/bot/message/push") if r["body"]["to"] == LAMDUAN
                  for m in r["body"]["messages"]])
    assert "ขออภัย" in told and "ศาลาประชาคมพุแค" in told and "ศาลาประชาคมท่าช้าง" not in told


def test_an_officer_of_the_whole_register_chooses_the_province_of_a_session(
        app, line, db, clock, twins):  # noqa: F811
    linked(db, twins)
    national = "U" + "6d" * 16
    with Session(db) as session:
        session.add(StaffMember(line_user_id=national, name="สมใจ", role="officer", created_at=f.NOW))
        session.commit()
    client = signed_in(app, national)
    listed = page(client, "/console/sessions").get_data(as_text=True)
    assert '<option value="">ทุกจังหวัด</option>' in listed and ">สระบุรี</option>" in listed
    form = {"kind": "clinic", "title": "", "start": "2026-11-26T09:00", "end": "2026-11-26T12:00",
            "place": "ศาลากลางสระบุรี", "capacity": "5", "slot_minutes": "", "documents": "",
            "csrf_token": csrf_of(listed)}
    wrong = client.post("/console/sessions", base_url=HTTPS, data={**form, "province": "999999"})
    assert wrong.status_code == 400 and "กรุณาเลือกจังหวัดจากรายการ" in wrong.get_data(as_text=True)
    with Session(db) as session:
        saraburi = session.scalars(select(Area.id).where(Area.level == "province", Area.name == "สระบุรี")).one()
    assert client.post("/console/sessions", base_url=HTTPS,
                       data={**form, "province": str(saraburi)}).status_code == 302
    assert SARABURI_HALL in texts(line.say("นัดหมาย", user=LAMDUAN))
    assert SARABURI_HALL not in texts(line.say("นัดหมาย", user=BOONMEE))
    listed = page(client, "/console/sessions").get_data(as_text=True)
    assert "จังหวัดสระบุรี</span>" in listed
