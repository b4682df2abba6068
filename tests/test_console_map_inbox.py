"""The console's map and inbox (issue 13 items 6 and 7, issue 15 item 4), through Flask's test client and LINE."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from config.settings import Settings, SettingsError
from domain.clock import BANGKOK
from domain.money import worst_class
from models import ContactRequest, DataAccess, LineUser, Outbox, Person
from tests import factories as f
from tests import test_console
from tests.helpers import press
from tests.test_console import HTTPS, MUANG_OFFICER, PROVINCE_OFFICER, THALANG_OFFICER, csrf_of, page, signed_in
from web.security import tile_source

office = test_console.office  # the console's two districts and their officers, shared as a fixture

SOMSRI_LINE = "U" + "5a" * 16
ARUNEE_LINE = "U" + "6b" * 16
STRANGER_LINE = "U" + "7c" * 16
LEAFLET = "/console/static/vendor/leaflet/"


@pytest.fixture
def pinned(db, office):  # type: ignore[no-untyped-def]
    """Pins for the office's people, and three more in Mueang: one of each other standing."""
    with Session(db) as session:
        for key, lat in (("somsri", 7.82), ("malee", 7.78), ("arunee", 8.02)):
            person = session.get(Person, office[key])
            assert person is not None
            person.lat, person.lng = lat, 98.33
        chalong = f.area(session, "เมืองภูเก็ต", "ฉลอง")
        people = dict(office)
        current = f.contract(session, where=chalong, code="PKT-2569-0001", project_name="กลุ่มผ้าบาติก",
                             contract_date=date(2026, 10, 1), first_due_date=date(2026, 12, 10))
        closed = f.contract(session, where=chalong, code="PKT-2560-0001", project_name="กลุ่มเก่า",
                            status="closed")
        ancient = f.contract(session, where=chalong, code="PKT-2558-0001", project_name="กลุ่มเครื่องแกง",
                             contract_date=date(2015, 1, 5), first_due_date=date(2015, 2, 5), installment_count=12)
        for key, first, contracts in (("prayad", "ประหยัด", [current]), ("pensri", "เพ็ญศรี", [closed]),
                                      ("boonmee", "บุญมี", [current, ancient])):
            who = f.person(session, first_name=first, last_name="มีสุข", lat=7.9, lng=98.3)
            for contract in contracts:
                f.member(session, contract, who)
            people[key] = who.id
        session.commit()
        return people


def pin_rows(html: str) -> dict[int, str]:
    """person id → the tone of their row in the map page's table."""
    return {int(person): tone for person, tone in
            re.findall(r'data-person="(\d+)">.*?class="tag tone-([a-z0-9]+)"', html, flags=re.S)}


def test_the_map_lists_the_areas_pins_coloured_by_their_worst_class(app, pinned, db):
    client = signed_in(app, MUANG_OFFICER)
    response = page(client, "/console/map")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert pin_rows(html) == {pinned["somsri"]: "c3", pinned["malee"]: "c3", pinned["prayad"]: "c4",
                              pinned["pensri"]: "closed", pinned["boonmee"]: "c1"}  # not Thalang's arunee
    assert "อรุณี" not in html
    assert f'href="/console/people/{pinned["boonmee"]}"' in html and "ชั้น 1" in html and "ปิดบัญชีแล้ว" in html
    assert "ฉลอง" in html and "ราไวย์" in html  # where each lives, for when the tiles do not load
    assert 'data-tiles="https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"' in html
    assert "<script>" not in html and "<script " + "type" not in html  # scripts are files, never inline
    assert f'src="{LEAFLET}leaflet.js"' in html and 'src="/console/static/map.js"' in html
    with Session(db) as session:
        seen = set(session.scalars(select(DataAccess.person_id).where(DataAccess.action == "console.map")))
    assert seen == set(pin_rows(html))

    everyone = pin_rows(page(signed_in(app, PROVINCE_OFFICER), "/console/map").get_data(as_text=True))
    assert set(everyone) == set(pin_rows(html)) | {pinned["arunee"]}
    thalang = pin_rows(page(signed_in(app, THALANG_OFFICER), "/console/map").get_data(as_text=True))
    assert thalang == {pinned["arunee"]: "c3"}


def test_the_pins_reach_the_script_as_json_and_each_look_is_audited(app, pinned, db):
    client = signed_in(app, THALANG_OFFICER)
    response = page(client, "/console/map.json")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    pins = response.get_json()["pins"]
    assert [(p["id"], p["tone"], p["class"], p["url"]) for p in pins] == [
        (pinned["arunee"], "c3", 3, f"/console/people/{pinned['arunee']}")]
    assert pins[0]["name"] == "อรุณี ใจดี" and pins[0]["projects"] == ["PKT-2567-0201"]
    assert (pins[0]["lat"], pins[0]["lng"]) == (8.02, 98.33)
    with Session(db) as session:
        trail = session.execute(select(DataAccess.person_id, DataAccess.action, DataAccess.viewer_name)).all()
    assert trail == [(pinned["arunee"], "console.map_json", "สุดารัตน์")]
    assert page(app.test_client(), "/console/map.json").status_code == 302  # signed out: nothing


SECRETS = {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t", "ADMIN_TOKEN": "a", "SECRET_KEY": "k"}


def test_the_tile_server_is_a_setting_and_names_the_origin_pictures_may_come_from():
    default = Settings.from_env(SECRETS)
    assert default.map_tile_url == "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "OpenStreetMap" in default.map_tile_attribution
    assert tile_source(default.map_tile_url) == "https://*.tile.openstreetmap.org"
    own = Settings.from_env({**SECRETS, "MAP_TILE_URL": "https://tiles.example.org/osm/{z}/{x}/{y}.png",
                             "MAP_TILE_ATTRIBUTION": "© ทดสอบ"})
    assert tile_source(own.map_tile_url) == "https://tiles.example.org" and own.map_tile_attribution == "© ทดสอบ"
    assert tile_source("https://{s}.{z}.example.org/{x}/{y}.png") is None
    with pytest.raises(SettingsError, match="MAP_TILE_URL"):
        Settings.from_env({**SECRETS, "MAP_TILE_URL": "tile.openstreetmap.org/{z}/{x}/{y}.png"})


def fetched(client, path: str) -> tuple[int, str, bytes]:  # type: ignore[no-untyped-def]
    """Status, content type and body of a file response (closed: it streams from the file)."""
    with page(client, path) as response:
        return response.status_code, response.headers.get("Content-Type", ""), response.get_data()


def test_leaflet_is_served_from_its_package_and_nothing_else_is(app, office):
    client = app.test_client()  # the library is no secret: no sign-in needed
    status, kind, body = fetched(client, LEAFLET + "leaflet.js")
    assert status == 200 and "javascript" in kind and b"Leaflet" in body[:400]
    assert fetched(client, LEAFLET + "leaflet.css")[1].startswith("text/css")
    assert fetched(client, LEAFLET + "images/marker-icon.png")[1] == "image/png"
    for sneaky in ("../__init__.py", "..%2f__init__.py", "%2e%2e/__init__.py", "images/../../__init__.py",
                   "/etc/passwd", "..%5c__init__.py", "nothing.js"):
        assert fetched(client, LEAFLET + sneaky)[0] == 404, sneaky
    assert fetched(client, "/console/static/map.js")[0] == 200


def leave_request(db, line_user_id: str, *, person_id: int | None = None, message: str = "ขอคุยเรื่องผ่อนชำระ",
                  minutes_ago: int = 0, phone: str | None = "0812345678") -> int:  # type: ignore[no-untyped-def]
    with Session(db) as session:
        row = ContactRequest(line_user_id=line_user_id, topic="payment", message=message, callback_phone=phone,
                             created_at=datetime(2026, 11, 20, 9, 0, tzinfo=BANGKOK) - timedelta(minutes=minutes_ago),
                             person_id=person_id)
        session.add(row)
        session.commit()
        return row.id


def contact_by_line(line, user: str, text: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """The real flow: ติดต่อเจ้าหน้าที่ → a topic → the message → a phone number."""
    replies = line.say("ติดต่อเจ้าหน้าที่", user=user)
    press(line, replies[0], "ยอดหนี้/การชำระ", user=user)
    line.say(text, user=user)
    return line.say("0899990001", user=user)


def pushes_to(fake, user: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [json.dumps(r["body"]["messages"], ensure_ascii=False) for r in fake.requests("/v2/bot/message/push")
            if r["body"]["to"] == user]


def request_row(db, request_id: int) -> ContactRequest:  # type: ignore[no-untyped-def]
    with Session(db) as session:
        row = session.get(ContactRequest, request_id)
        assert row is not None
        session.expunge(row)
        return row


def test_a_request_left_in_line_names_the_person_in_the_inbox_and_on_today(app, line, office, db, fake):
    with Session(db) as session:
        f.link(session, session.get(Person, office["somsri"]), SOMSRI_LINE)
        session.commit()
    assert "เรียบร้อยแล้ว" in contact_by_line(line, SOMSRI_LINE, "ขอเลื่อนงวดเดือนนี้ค่ะ")[0]["text"]
    contact_by_line(line, STRANGER_LINE, "ผมยังไม่ได้ยืนยันตัวตนครับ")
    with Session(db) as session:
        stored = {message: who for message, who in session.execute(
            select(ContactRequest.message, ContactRequest.person_id))}
    assert stored == {"ขอเลื่อนงวดเดือนนี้ค่ะ": office["somsri"], "ผมยังไม่ได้ยืนยันตัวตนครับ": None}

    client = signed_in(app, MUANG_OFFICER)
    inbox = page(client, "/console/inbox").get_data(as_text=True)
    mine = inbox[inbox.index("ขอเลื่อนงวดเดือนนี้ค่ะ") - 1500:inbox.index("ขอเลื่อนงวดเดือนนี้ค่ะ")]
    assert "สมศรี ใจดี" in mine and "PKT-2567-0101" in mine and "ผู้กู้หลัก" in mine and "ชั้น 3" in mine
    assert "0899990001" in inbox and "ยอดหนี้/การชำระ" in inbox and "รอเจ้าหน้าที่" in inbox
    assert "ยังไม่ได้ยืนยันตัวตน" in inbox  # an account linked to no one: every officer may answer it
    assert inbox.index("ผมยังไม่ได้ยืนยันตัวตนครับ") < inbox.index("ขอเลื่อนงวดเดือนนี้ค่ะ")  # newest first

    today = page(client, "/console/").get_data(as_text=True)
    assert today.index("ขอเลื่อนงวดเดือนนี้ค่ะ") < today.index('<ol class="rows" start=')  # above the list
    assert "สมศรี ใจดี" in today and "reason-contact_request" in today
    assert "ขอเลื่อนงวดเดือนนี้ค่ะ" not in page(client, "/console/?reason=in_default").get_data(as_text=True)
    with Session(db) as session:
        actions = set(session.scalars(select(DataAccess.action).where(DataAccess.person_id == office["somsri"])))
    assert {"console.inbox", "console.today"} <= actions


def test_a_district_officer_sees_and_touches_only_their_districts_requests(app, office, db):
    theirs = leave_request(db, ARUNEE_LINE, person_id=office["arunee"], message="เรื่องของถลาง")
    with Session(db) as session:  # resolved through the account's link, when the request names no one
        f.link(session, session.get(Person, office["somsri"]), SOMSRI_LINE)
        session.commit()
    ours = leave_request(db, SOMSRI_LINE, message="เรื่องของเมือง", minutes_ago=5)
    client = signed_in(app, MUANG_OFFICER)
    html = page(client, "/console/inbox").get_data(as_text=True)
    assert "เรื่องของเมือง" in html and "สมศรี ใจดี" in html and "เรื่องของถลาง" not in html
    assert "เรื่องของถลาง" not in page(client, "/console/").get_data(as_text=True)
    token = csrf_of(html)
    for action in ("take", "phone", "done"):
        refused = client.post(f"/console/inbox/{theirs}/{action}", data={"csrf_token": token}, base_url=HTTPS)
        assert refused.status_code == 404
    assert client.post(f"/console/inbox/{theirs}/line", data={"csrf_token": token, "text": "x"},
                       base_url=HTTPS).status_code == 404
    for beyond in ("2147483648", "9" * 20):  # past the database's integers: simply not found
        assert client.post(f"/console/inbox/{beyond}/take", data={"csrf_token": token},
                           base_url=HTTPS).status_code == 404
    assert request_row(db, theirs).status == "open" and request_row(db, theirs).taken_by is None
    thalang = page(signed_in(app, THALANG_OFFICER), "/console/inbox").get_data(as_text=True)
    assert "เรื่องของถลาง" in thalang and "เรื่องของเมือง" not in thalang
    province = page(signed_in(app, PROVINCE_OFFICER), "/console/inbox").get_data(as_text=True)
    assert "เรื่องของถลาง" in province and "เรื่องของเมือง" in province
    assert ours


def test_take_then_answer_in_line_reaches_only_the_person(app, office, db, fake):
    with Session(db) as session:
        f.link(session, session.get(Person, office["somsri"]), SOMSRI_LINE)
        session.commit()
    request_id = leave_request(db, SOMSRI_LINE, person_id=office["somsri"])
    client = signed_in(app, MUANG_OFFICER)
    token = csrf_of(page(client, "/console/inbox").get_data(as_text=True))
    taken = client.post(f"/console/inbox/{request_id}/take", data={"csrf_token": token}, base_url=HTTPS)
    assert taken.status_code == 302 and taken.headers["Location"].endswith(f"/console/inbox#request-{request_id}")
    assert request_row(db, request_id).taken_by == "กมลชนก"
    other = signed_in(app, PROVINCE_OFFICER)
    assert "กมลชนก รับเรื่องแล้ว" in page(other, "/console/inbox").get_data(as_text=True)

    empty = client.post(f"/console/inbox/{request_id}/line", data={"csrf_token": token, "text": "  "},
                        base_url=HTTPS)
    assert empty.status_code == 400 and "พิมพ์คำตอบ" in empty.get_data(as_text=True)
    answer = "เลื่อนงวดได้ค่ะ กรุณามาลงชื่อที่สำนักงานวันจันทร์"
    sent = client.post(f"/console/inbox/{request_id}/line", data={"csrf_token": token, "text": answer},
                       base_url=HTTPS)
    assert sent.status_code == 302
    pushes = pushes_to(fake, SOMSRI_LINE)
    assert len(pushes) == 1 and answer in pushes[0] and "ยอดหนี้/การชำระ" in pushes[0]
    assert all(r["body"]["to"] == SOMSRI_LINE for r in fake.requests("/v2/bot/message/push"))
    row = request_row(db, request_id)
    assert (row.status, row.answer_channel, row.answered_by, row.answer) == ("done", "line", "กมลชนก", answer)
    with Session(db) as session:
        queued = session.scalars(select(Outbox).where(Outbox.origin == "console.contact_answer")).one()
    assert queued.status == "sent" and queued.recipient == SOMSRI_LINE and queued.proactive

    again = client.post(f"/console/inbox/{request_id}/line", data={"csrf_token": token, "text": "อีกครั้ง"},
                        base_url=HTTPS)
    assert again.status_code == 302 and len(pushes_to(fake, SOMSRI_LINE)) == 1  # answered once, told once
    assert "เลื่อนงวดได้ค่ะ" in page(client, "/console/inbox?show=all").get_data(as_text=True)
    assert "เลื่อนงวดได้ค่ะ" not in page(client, "/console/inbox").get_data(as_text=True)  # no longer waiting
    assert "reason-contact_request" not in page(client, "/console/").get_data(as_text=True)


def test_answer_by_phone_and_mark_done_record_it_and_tell_the_person_kindly(app, office, db, fake):
    called = leave_request(db, SOMSRI_LINE, person_id=office["somsri"])
    closed = leave_request(db, STRANGER_LINE, message="แจ้งเปลี่ยนเบอร์")
    client = signed_in(app, PROVINCE_OFFICER)
    token = csrf_of(page(client, "/console/inbox").get_data(as_text=True))
    assert client.post(f"/console/inbox/{called}/phone", data={"csrf_token": token, "note": "นัดมาสำนักงานวันจันทร์"},
                       base_url=HTTPS).status_code == 302
    row = request_row(db, called)
    assert (row.status, row.answer_channel, row.answer, row.answered_by, row.taken_by) == (
        "done", "phone", "นัดมาสำนักงานวันจันทร์", "วิไลวรรณ", "วิไลวรรณ")
    told = pushes_to(fake, SOMSRI_LINE)
    assert len(told) == 1 and "โทรคุย" in told[0] and "นัดมาสำนักงาน" not in told[0]  # the note is for officers

    assert client.post(f"/console/inbox/{closed}/done", data={"csrf_token": token}, base_url=HTTPS).status_code == 302
    row = request_row(db, closed)
    assert (row.status, row.answer_channel, row.answer) == ("done", None, None)
    assert len(pushes_to(fake, STRANGER_LINE)) == 1 and "เรียบร้อยแล้ว" in pushes_to(fake, STRANGER_LINE)[0]
    html = page(client, "/console/inbox?show=all").get_data(as_text=True)
    assert "ทางโทรศัพท์ · วิไลวรรณ" in html and "ดำเนินการแล้ว · วิไลวรรณ" in html


def test_every_inbox_action_needs_its_csrf_token(app, office, db, fake):
    request_id = leave_request(db, SOMSRI_LINE, person_id=office["somsri"])
    client = signed_in(app, MUANG_OFFICER)
    stale = csrf_of(page(signed_in(app, PROVINCE_OFFICER), "/console/inbox").get_data(as_text=True))
    for action, form in (("take", {}), ("phone", {"note": "x"}), ("line", {"text": "x"}), ("done", {})):
        for data in (form, {**form, "csrf_token": stale}):
            refused = client.post(f"/console/inbox/{request_id}/{action}", data=data, base_url=HTTPS)
            assert refused.status_code == 400 and "โหลดใหม่" in refused.get_data(as_text=True)
    row = request_row(db, request_id)
    assert (row.status, row.taken_by) == ("open", None) and fake.requests("/v2/bot/message/push") == []


def test_a_late_answer_waits_for_the_contact_hours_and_a_blocked_account_gets_a_call(app, office, db, fake, clock):
    request_id = leave_request(db, SOMSRI_LINE, person_id=office["somsri"])
    blocked = leave_request(db, ARUNEE_LINE, person_id=office["arunee"])
    with Session(db) as session:
        session.add(LineUser(line_user_id=ARUNEE_LINE, following=False, first_seen_at=clock.now(),
                             last_seen_at=clock.now()))
        session.commit()
    clock.advance(hours=11, minutes=30)  # Friday 21:30: past the 20:00 end of the contact hours
    client = signed_in(app, PROVINCE_OFFICER)
    html = page(client, "/console/inbox").get_data(as_text=True)
    token = csrf_of(html)
    assert client.post(f"/console/inbox/{request_id}/line", data={"csrf_token": token, "text": "พรุ่งนี้โทรหานะคะ"},
                       base_url=HTTPS).status_code == 302
    assert fake.requests("/v2/bot/message/push") == []  # held, not sent at night
    with Session(db) as session:
        held = session.scalars(select(Outbox).where(Outbox.origin == "console.contact_answer")).one()
    assert held.status == "queued"
    assert held.next_attempt_at.astimezone(BANGKOK) == datetime(2026, 11, 21, 8, 0, tzinfo=BANGKOK)

    assert "บล็อกบัญชี LINE" in html
    refused = client.post(f"/console/inbox/{blocked}/line", data={"csrf_token": token, "text": "สวัสดีค่ะ"},
                          base_url=HTTPS)
    assert refused.status_code == 400 and "โทรกลับแทน" in refused.get_data(as_text=True)
    assert request_row(db, blocked).status == "open"
    assert client.post(f"/console/inbox/{blocked}/phone", data={"csrf_token": token}, base_url=HTTPS).status_code == 302
    assert request_row(db, blocked).status == "done"
    with Session(db) as session:
        assert session.scalars(select(Outbox).where(Outbox.recipient == ARUNEE_LINE)).all() == []


def test_the_console_names_the_map_and_the_inbox(app, office):
    html = page(signed_in(app, MUANG_OFFICER), "/console/").get_data(as_text=True)
    assert 'href="/console/map"' in html and 'href="/console/inbox"' in html


@given(st.lists(st.one_of(st.none(), st.integers(min_value=1, max_value=4)), max_size=6))
def test_the_worst_class_is_the_lowest_one_present(classes: list[int | None]) -> None:
    found = worst_class(classes)
    present = [c for c in classes if c is not None]
    assert found == (min(present) if present else None)
    assert found is None or all(found <= c for c in present)
