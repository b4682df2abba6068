"""Volunteers' field updates: `#อัปเดต`, then a photo and a location, linked and on the officers' list."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from devtools.fakeline import events as ev
from domain.field import typed_choice
from models import FieldUpdate, Person, StaffMember
from tests import factories as f
from tests.helpers import GROUP, USER, quick_replies, texts

VOLUNTEER = "U" + "ab" * 16
AUTH = {"Authorization": "Bearer test-admin-token"}


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


JPEG = _jpeg()


@pytest.fixture
def field(db, clock):  # type: ignore[no-untyped-def]
    with Session(db) as session:
        session.add(StaffMember(line_user_id=VOLUNTEER, name="รัตนา", role="volunteer", created_at=clock.now()))
        contract = f.contract(session, code="PKT-2568-0001", contract_date=date(2025, 6, 1),
                              first_due_date=date(2025, 7, 1))
        f.member(session, contract, f.person(session, first_name="สมศรี", last_name="แก้วประดับ"))
        f.person(session, first_name="มาลี", last_name="ทองดี")
        f.person(session, first_name="มาลี", last_name="ทองดี", national_id=f.national_id(8_888_888))
        session.commit()


def test_an_update_with_a_photo_and_a_location_in_the_group(app, line, db, fake, clock, field, settings):
    ack = line.say("#อัปเดต เยี่ยมบ้าน PKT-2568-0001 ผู้กู้ขอผ่อนเพิ่ม", user=VOLUNTEER, group=GROUP)
    assert ack[0]["text"].startswith("รับอัปเดตแล้ว") and "PKT" not in ack[0]["text"]  # nothing personal in a group
    message_id = ev.new_message_id()
    fake.put_content(message_id, JPEG, "image/jpeg")
    assert "แนบรูป" in texts(line.send("message", user=VOLUNTEER, group=GROUP,
                                        message=ev.image_message(message_id)))
    assert "แนบตำแหน่ง" in texts(line.send("message", user=VOLUNTEER, group=GROUP,
                                            message=ev.location_message(7.84, 98.33, "บ้านผู้กู้")))
    with db.connect() as connection:
        update = connection.execute(select(FieldUpdate)).one()
    assert update.contract_id is not None and (update.lat, update.lng) == (7.84, 98.33)
    [photo] = update.photos
    with Image.open(photo["path"]) as kept:  # re-encoded from its pixels (tests/test_pictures.py)
        assert kept.format == "JPEG" and kept.size == (32, 24) and photo["content_type"] == "image/jpeg"
    assert Path(photo["path"]).is_relative_to(settings.uploads_dir)
    rows = app.test_client().get("/api/followups", headers=AUTH).get_json()
    [row] = [r for r in rows if r["reason"] == "field_update"]
    assert row["project_code"] == "PKT-2568-0001" and "รูป 1" in row["reason_text"]


def test_late_or_foreign_media_and_bad_pictures(line, fake, clock, field):
    line.say("#อัปเดต ไม่พบผู้กู้ที่บ้าน", user=VOLUNTEER)
    not_a_picture = ev.new_message_id()
    fake.put_content(not_a_picture, b"GIF89a....", "image/gif")
    assert "JPEG หรือ PNG" in texts(line.send("message", user=VOLUNTEER, message=ev.image_message(not_a_picture)))
    clock.advance(minutes=11)
    late = ev.new_message_id()
    fake.put_content(late, JPEG, "image/jpeg")
    assert "ได้รับแล้ว" in texts(line.send("message", user=VOLUNTEER, message=ev.image_message(late)))
    assert "ยังไม่เข้าใจ" in texts(line.say("#อัปเดต ฉันเอง", user=USER))  # not a volunteer
    assert line.say("#อัปเดต ฉันเอง", user=USER, group=GROUP) == []


def test_an_ambiguous_name_is_asked_about_privately(line, db, fake, field):
    ack = line.say("#อัปเดต คุยกับมาลี ทองดี แล้ว", user=VOLUNTEER, group=GROUP)
    assert ack[0]["text"].startswith("รับอัปเดตแล้ว") and "มาลี" not in texts(ack)
    [push] = fake.requests("/v2/bot/message/push")
    assert push["body"]["to"] == VOLUNTEER and "2 คน" in push["body"]["messages"][0]["text"]
    question = push["body"]["messages"][0]
    assert "38301" not in texts([question])  # people are told apart by project and village, never by ID
    second = next(a for a in quick_replies(question) if a["label"] == "คนที่ 2")
    assert "ยังไม่เข้าใจ" in texts(line.tap(second["data"], user=USER))  # only the author may answer
    assert "ผูกอัปเดตกับ มาลี ทองดี แล้ว" in texts(line.tap(second["data"], user=VOLUNTEER))
    line.say("#อัปเดต สมศรี แก้วประดับ ขอเลื่อนนัด", user=VOLUNTEER)
    with db.connect() as connection:
        linked = connection.execute(select(FieldUpdate.person_id).order_by(FieldUpdate.id)).scalars().all()
        people = connection.execute(select(Person.id).where(Person.first_name == "มาลี").order_by(Person.id)
                                    ).scalars().all()
    assert linked[0] == people[1] and linked[1] is not None


def test_the_choice_survives_a_photo_and_a_typed_number_picks(line, db, fake, field):
    """1:1, the question comes with the acknowledgment; the photo it invites must not hide its
    buttons, and typing `๒` (or `2`) answers it."""
    replies = line.say("#อัปเดต คุยกับมาลี ทองดี แล้ว ขอผ่อนเพิ่ม", user=VOLUNTEER)
    assert replies[0]["text"].startswith("รับอัปเดตแล้ว") and "2 คน" in replies[-1]["text"]
    assert [a["label"] for a in quick_replies(replies[-1])] == ["คนที่ 1", "คนที่ 2", "ไม่ใช่ทุกคน"]
    photo = ev.new_message_id()
    fake.put_content(photo, JPEG, "image/jpeg")
    after_photo = line.send("message", user=VOLUNTEER, message=ev.image_message(photo))
    assert "แนบรูป" in texts(after_photo)
    assert [a["label"] for a in quick_replies(after_photo[-1])] == ["คนที่ 1", "คนที่ 2", "ไม่ใช่ทุกคน"]
    after_place = line.send("message", user=VOLUNTEER, message=ev.location_message(7.84, 98.33))
    assert "แนบตำแหน่ง" in texts(after_place) and quick_replies(after_place[-1])
    assert "พิมพ์เลข 1–2" in texts(line.say("ไม่แน่ใจ", user=VOLUNTEER))  # not a number: asked again
    assert "ผูกอัปเดตกับ มาลี ทองดี แล้ว" in texts(line.say("๒", user=VOLUNTEER))
    assert "ยังไม่เข้าใจ" in texts(line.say("1", user=VOLUNTEER))  # answered: a number means nothing now
    with db.connect() as connection:
        update = connection.execute(select(FieldUpdate)).one()
        people = connection.execute(select(Person.id).where(Person.first_name == "มาลี").order_by(Person.id)
                                    ).scalars().all()
    assert update.person_id == people[1] and len(update.photos) == 1 and update.lat == 7.84


def test_after_an_update_in_the_group_a_number_typed_one_to_one_picks(line, db, fake, field):
    line.say("#อัปเดต มาลี ทองดี ไม่อยู่บ้าน", user=VOLUNTEER, group=GROUP)
    [push] = fake.requests("/v2/bot/message/push")
    assert push["body"]["to"] == VOLUNTEER and "พิมพ์เลข 1–2" in push["body"]["messages"][0]["text"]
    photo = ev.new_message_id()
    fake.put_content(photo, JPEG, "image/jpeg")
    in_group = line.send("message", user=VOLUNTEER, group=GROUP, message=ev.image_message(photo))
    assert "แนบรูป" in texts(in_group) and "มาลี" not in texts(in_group)  # the group hears nothing personal
    assert "ผูกอัปเดตกับ มาลี ทองดี แล้ว" in texts(line.say("1", user=VOLUNTEER))
    with db.connect() as connection:
        update = connection.execute(select(FieldUpdate)).one()
        first = connection.execute(select(Person.id).where(Person.first_name == "มาลี").order_by(Person.id)
                                   ).scalars().first()
    assert update.person_id == first and len(update.photos) == 1


def test_a_forged_message_id_never_names_a_file(line, fake, db, field, settings, tmp_path):
    """An image event whose id is a path (`../../x`) is refused; stored names are the app's own."""
    line.say("#อัปเดต เยี่ยมบ้าน PKT-2568-0001", user=VOLUNTEER)
    target = tmp_path / "escaped"
    forged = f"../../../../{target}"
    assert "ดึงรูปจาก LINE ไม่ได้" in texts(line.send("message", user=VOLUNTEER, message=ev.image_message(forged)))
    assert not list(tmp_path.glob("escaped*"))
    genuine = ev.new_message_id()
    fake.put_content(genuine, JPEG, "image/jpeg")
    assert "แนบรูป" in texts(line.send("message", user=VOLUNTEER, message=ev.image_message(genuine)))
    with db.connect() as connection:
        [photo] = connection.execute(select(FieldUpdate.photos)).scalar_one()
    path = Path(photo["path"])
    assert path.is_relative_to(settings.uploads_dir) and genuine not in path.name and path.suffix == ".jpg"


THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@given(count=st.integers(1, 12), number=st.integers(-3, 20))
def test_a_typed_number_picks_only_a_choice_that_exists(count, number):
    expected = number if 1 <= number <= count else None
    for typed in (str(number), f" {number} ", str(number).translate(THAI_DIGITS), f"คนที่ {number}", f"{number}."):
        assert typed_choice(typed, count) == expected, typed


@pytest.mark.parametrize("typed", ["", "สอง", "1 2", "1,000", "²", "คนที่", "#อัปเดต 1"])
def test_anything_else_typed_is_not_a_choice(typed):
    assert typed_choice(typed, 3) is None


def test_a_volunteer_of_a_district_names_only_its_people(line, db, fake, clock):
    """Two people of the same name, one on a contract of the volunteer's district and one elsewhere:
    the update is linked to theirs at once; the other is never offered, named or linked, even by a
    forged button."""
    from messages.payloads import LinkUpdate
    from models import Area

    with Session(db) as session:
        kathu = f.area(session, district="กะทู้", subdistrict="ป่าตอง")
        ours = f.person(session, first_name="มาลี", last_name="ทองดี")
        f.member(session, f.contract(session, where=kathu), ours)
        theirs = f.person(session, first_name="มาลี", last_name="ทองดี")
        f.member(session, f.contract(session, where=f.area(session)), theirs)  # เมืองภูเก็ต
        district = session.scalars(select(Area.id).where(Area.level == "district", Area.name == "กะทู้")).one()
        session.add(StaffMember(line_user_id=VOLUNTEER, name="รัตนา", role="volunteer", district_id=district,
                                created_at=clock.now()))
        session.commit()
        ours_id, theirs_id = ours.id, theirs.id
    said = texts(line.say("#อัปเดต คุยกับมาลี ทองดี แล้ว", user=VOLUNTEER, group=GROUP))
    assert said.startswith("รับอัปเดตแล้ว") and not fake.requests("/v2/bot/message/push")  # no "which one?"
    with db.connect() as connection:
        update = connection.execute(select(FieldUpdate)).one()
    assert update.person_id == ours_id
    forged = line.tap(LinkUpdate(update=update.id, person=theirs_id).pack(), user=VOLUNTEER)
    assert "ยังไม่เข้าใจ" in texts(forged)
    with db.connect() as connection:
        assert connection.execute(select(FieldUpdate.person_id)).scalar_one() == ours_id
