"""The console's map (issue 13 item 6), through Flask's test client."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from config.settings import Settings, SettingsError
from domain.money import worst_class
from models import DataAccess, Person
from tests import factories as f
from tests import test_console
from tests.test_console import MUANG_OFFICER, PROVINCE_OFFICER, THALANG_OFFICER, page, signed_in
from web.console.mapping import tile_origin

office = test_console.office  # the console's two districts and their officers, shared as a fixture

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
    assert tile_origin(default) == "https://*.tile.openstreetmap.org"
    own = Settings.from_env({**SECRETS, "MAP_TILE_URL": "https://tiles.example.org/osm/{z}/{x}/{y}.png",
                             "MAP_TILE_ATTRIBUTION": "© ทดสอบ"})
    assert tile_origin(own) == "https://tiles.example.org" and own.map_tile_attribution == "© ทดสอบ"
    assert tile_origin(default.with_(map_tile_url="https://{s}.{z}.example.org/{x}/{y}.png")) is None
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


def test_the_console_names_the_map(app, office):
    html = page(signed_in(app, MUANG_OFFICER), "/console/").get_data(as_text=True)
    assert 'href="/console/map"' in html


@given(st.lists(st.one_of(st.none(), st.integers(min_value=1, max_value=4)), max_size=6))
def test_the_worst_class_is_the_lowest_one_present(classes: list[int | None]) -> None:
    found = worst_class(classes)
    present = [c for c in classes if c is not None]
    assert found == (min(present) if present else None)
    assert found is None or all(found <= c for c in present)
