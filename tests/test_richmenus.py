"""Rich menus: every button is one the router answers for that role, the menus fit LINE's limits,
`richmenu deploy` against the fake platform (made, reused, replaced), and each person's menu
following their roles over signed webhooks."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.richmenus import PREFIX, alias_of, design
from bot.router import POSTBACKS, ROUTES, Where, Who
from domain.richmenus import (
    ALL_MENUS,
    MenuKey,
    grid,
    image_problems,
    menus_for,
    rich_menu_problems,
    roles_of,
    split,
    wanted_menu,
)
from domain.textnorm import command_key, split_command
from messages.payloads import MenuTab
from messages.postback import unpack
from models import RichMenu, RichMenuLink
from tests import factories as f
from tests.conftest import TOKEN
from tests.helpers import USER, press

OFFICER = "U" + "0f" * 16
WHO_FITS = {
    "guest": {Who.ANYONE},
    "debtor": {Who.ANYONE, Who.DEBTOR},
    "officer": {Who.ANYONE, Who.OFFICER, Who.STAFF},
    "volunteer": {Who.ANYONE, Who.VOLUNTEER, Who.STAFF},
}


# --- the menus as data ---------------------------------------------------------------------------


@pytest.mark.parametrize("menu", ALL_MENUS, ids=lambda m: m.key)
def test_every_area_is_understood_by_the_router_for_that_role(menu):
    """A word is routed, in a 1:1 chat, to a route that person may use; a button to its route; a tab
    to a menu that exists."""
    fits = WHO_FITS[menu.role]
    aliases = {alias_of(m) for m in ALL_MENUS}
    for area in design(menu).body["areas"]:
        action = area["action"]
        if action["type"] == "message":
            text = action["text"]
            key, (head, _) = command_key(text), split_command(text)
            routes = [r for r in ROUTES if Where.PRIVATE in r.access.where
                      and (r.test(text) if r.test is not None else r.matches(key, head))]
            assert any(r.access.who in fits for r in routes), f"{menu.key}: {text!r} is not answered for {fits}"
        elif action["type"] == "postback":
            _handler, access = POSTBACKS[type(unpack(action["data"]))]
            assert access.who in fits and Where.PRIVATE in access.where, action
        else:
            assert action["type"] == "richmenuswitch", action
            tab = unpack(action["data"])
            assert isinstance(tab, MenuTab) and Who.ANYONE is POSTBACKS[MenuTab][1].who
            assert action["richMenuAliasId"] in aliases and MenuKey.parse(tab.menu) is not None


@pytest.mark.parametrize("menu", ALL_MENUS, ids=lambda m: m.key)
def test_the_menus_fit_lines_limits_and_are_legible(menu):
    made = design(menu)
    assert rich_menu_problems(made.body, [alias_of(menu)]) == []
    with Image.open(io.BytesIO(made.image)) as picture:
        assert picture.format == "PNG" and picture.size == (2500, 1686)
    assert len(made.image) < 300_000  # well under LINE's 1 MB: quick to load on a village phone
    tabs = [a for a in made.body["areas"] if a["action"]["type"] == "richmenuswitch"]
    assert len(tabs) == (1 if menu.other else 0)  # the other tab; the one shown is no button
    assert made.name.startswith(f"{PREFIX}{menu.key}-") and len(made.body["chatBarText"]) <= 14


def test_the_limits_are_checked_before_line_is_asked():
    good = design(MenuKey("debtor")).body
    too_many = {**good, "areas": good["areas"] * 4}  # 24 areas
    assert any("areas: 1 to 20" in p for p in rich_menu_problems(too_many))
    assert any("chatBarText" in p for p in rich_menu_problems({**good, "chatBarText": "เมนูเจ้าหน้าที่"}))
    assert any("size" in p for p in rich_menu_problems({**good, "size": {"width": 2500, "height": 2000}}))
    outside = {**good, "areas": [{**good["areas"][0], "bounds": {"x": 2000, "y": 0, "width": 600, "height": 10}}]}
    assert any("outside" in p for p in rich_menu_problems(outside))
    assert rich_menu_problems(good, ["WDF-Debtor"]) and rich_menu_problems(good, ["x" * 33])
    assert image_problems(2500, 1686, (2500, 843), 2_000_000, "image/gif") and not image_problems(
        2500, 1686, (2500, 1686), 80_000, "image/png")


@given(st.integers(0, 3000), st.integers(1, 3000), st.integers(1, 12))
def test_split_tiles_exactly(start, length, parts):
    runs = split(start, length, parts)
    assert runs[0][0] == start and sum(size for _, size in runs) == length
    assert all(a + size == b for (a, size), (b, _) in zip(runs, runs[1:], strict=False))
    assert max(s for _, s in runs) - min(s for _, s in runs) <= 1


def test_grid_rows_cover_the_menu_below_its_tabs():
    rows = grid(2500, 250, 1436, [2, 3])
    assert [len(r) for r in rows] == [2, 3] and rows[0][0].y == 250
    assert rows[-1][-1].y + rows[-1][-1].height == 1686 and rows[-1][-1].x + rows[-1][-1].width == 2500


def test_which_menu_a_person_gets():
    assert roles_of("officer", True) == ("officer", "debtor") and roles_of(None, False) == ()
    assert menus_for(()) == () and [m.key for m in menus_for(("debtor",))] == ["debtor"]
    assert [m.key for m in menus_for(("officer", "debtor"))] == ["officer-with-debtor", "debtor-with-officer"]
    assert wanted_menu((), "debtor") is None  # a guest has nothing linked: LINE shows the default
    assert wanted_menu(("officer", "debtor"), None) == "officer-with-debtor"  # the first role first
    assert wanted_menu(("officer", "debtor"), "debtor-with-officer") == "debtor-with-officer"  # their tab kept
    assert wanted_menu(("debtor",), "debtor-with-officer") == "debtor"  # the officer role is gone
    assert MenuKey.parse("officer-with-debtor") == MenuKey("officer", "debtor") and MenuKey.parse("x") is None
    assert MenuKey("debtor", "officer").tabs == ("officer", "debtor")


# --- deploying, against the fake platform ---------------------------------------------------------


def _deploy(app) -> str:  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(args=["richmenu", "deploy"])
    assert result.exit_code == 0, result.output
    return str(result.output)


def _writes(fake, after: int = 0) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return [r for r in fake.requests(after=after) if r["method"] != "GET"]


def _fake_get(fake_line, path: str) -> tuple[int, Any]:  # type: ignore[no-untyped-def]
    request = urllib.request.Request(fake_line.url + path, headers={"Authorization": f"Bearer {TOKEN}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def _menu_of(fake_line, user: str) -> str | None:  # type: ignore[no-untyped-def]
    status, body = _fake_get(fake_line, f"/v2/bot/user/{user}/richmenu")
    return body["richMenuId"] if status == 200 else None


def _ids(db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with Session(db) as session:
        return {row.key: row.rich_menu_id for row in session.scalars(select(RichMenu))}


def test_deploy_makes_every_menu_with_its_picture_alias_and_the_default_then_changes_nothing(
        app, db, fake, fake_line):
    said = _deploy(app)
    writes = _writes(fake)
    created = [r for r in writes if r["path"] == "/v2/bot/richmenu"]
    assert len(created) == len(ALL_MENUS) == 8 and all(r["status"] == 200 for r in writes)
    assert len([r for r in writes if r["path"].endswith("/content")]) == 8
    assert len([r for r in writes if r["path"] == "/v2/bot/richmenu/alias"]) == 8
    ids = _ids(db)
    assert set(ids) == {m.key for m in ALL_MENUS}
    assert _fake_get(fake_line, "/v2/bot/user/all/richmenu")[1]["richMenuId"] == ids["guest"]
    _, aliases = _fake_get(fake_line, "/v2/bot/richmenu/alias/list")
    assert {a["richMenuAliasId"]: a["richMenuId"] for a in aliases["aliases"]} == {
        f"wdf-{key}": menu_id for key, menu_id in ids.items()}
    assert "8 change(s)" not in said and "created wdf-guest-" in said
    # the same menus, once more: LINE is read, nothing is written, the same ids stay
    seen = fake.requests()[-1]["id"]
    again = _deploy(app)
    assert _writes(fake, seen) == [] and _ids(db) == ids
    assert "(0 change(s) on LINE)" in again


def test_a_changed_menu_replaces_the_old_one_and_whoever_had_it_is_moved_first(app, db, fake_line, clock):
    # an earlier deploy's debtor menu, with a person linked to it
    _deploy(app)
    ids = _ids(db)
    old = _an_old_menu(fake_line, "wdf-debtor-0ld0ld00")
    _call(fake_line, "POST", "/v2/bot/richmenu/alias/wdf-debtor", {"richMenuId": old})
    _call(fake_line, "POST", f"/v2/bot/user/{USER}/richmenu/{old}")
    with Session(db) as session:
        session.get(RichMenu, "debtor").rich_menu_id = old  # type: ignore[union-attr]
        f.link(session, f.person(session), USER)
        session.add(RichMenuLink(line_user_id=USER, menu_key="debtor", rich_menu_id=old, attempts=0,
                                 updated_at=clock.now()))
        session.commit()
    said = _deploy(app)
    assert _menu_of(fake_line, USER) == ids["debtor"]  # moved to the current menu
    assert _fake_get(fake_line, "/v2/bot/richmenu/alias/wdf-debtor")[1]["richMenuId"] == ids["debtor"]
    assert _fake_get(fake_line, f"/v2/bot/richmenu/{old}")[0] == 404  # then the old one deleted
    assert "deleted the old menu wdf-debtor-0ld0ld00" in said and "linked 1 person(s)" in said
    assert _ids(db) == ids


def test_a_deploy_that_stopped_before_a_picture_is_finished_by_the_next(app, db, fake, fake_line):
    fake.inject("/v2/bot/richmenu/richmenu-", 500)  # the first picture's upload fails
    result = app.test_cli_runner().invoke(args=["richmenu", "deploy"])
    assert result.exit_code == 1 and "upload the picture" in result.output and "LINE answered 500" in result.output
    assert _ids(db) == {} and len(_fake_get(fake_line, "/v2/bot/richmenu/list")[1]["richmenus"]) == 1
    said = _deploy(app)
    assert "(it had no picture)" in said  # the menu left without its picture was deleted and made again
    _, listed = _fake_get(fake_line, "/v2/bot/richmenu/list")
    assert len(listed["richmenus"]) == 8 and len(_ids(db)) == 8


def test_the_fake_refuses_what_line_refuses(fake, fake_line):
    good = design(MenuKey("debtor")).body
    assert _call(fake_line, "POST", "/v2/bot/richmenu/validate", good)[0] == 200
    for bad, where in ((({**good, "areas": good["areas"] * 4}), "areas"),
                       ({**good, "chatBarText": "เมนูเจ้าหน้าที่"}, "chatBarText"),
                       ({**good, "size": {"width": 2500, "height": 2000}}, "size.height"),
                       ({**good, "areas": [{**good["areas"][0], "bounds": {"x": 2400, "y": 0, "width": 200,
                                                                           "height": 100}}]}, "areas[0].bounds")):
        status, body = _call(fake_line, "POST", "/v2/bot/richmenu", bad)
        assert status == 400 and where in [d["property"] for d in body["details"]], body
    menu = _call(fake_line, "POST", "/v2/bot/richmenu", good)[1]["richMenuId"]
    assert _call(fake_line, "POST", "/v2/bot/richmenu/alias", {"richMenuAliasId": "wdf-x", "richMenuId": menu})[0] \
        == 400  # not before its picture
    assert _upload(fake_line, menu, _png(2500, 843))[0] == 400  # not the menu's size
    assert _upload(fake_line, menu, _png(2500, 1686), "image/gif")[0] == 415
    assert _upload(fake_line, menu, b"\0" * (1024 * 1024 + 1))[0] == 413
    assert _upload(fake_line, menu, _png(2500, 1686))[0] == 200
    assert _upload(fake_line, menu, _png(2500, 1686))[0] == 400  # only once
    assert _call(fake_line, "POST", "/v2/bot/richmenu/alias", {"richMenuAliasId": "WDF-Debtor",
                                                               "richMenuId": menu})[0] == 400
    assert _call(fake_line, "POST", "/v2/bot/richmenu/alias", {"richMenuAliasId": "wdf-x", "richMenuId": menu})[0] \
        == 200
    assert _call(fake_line, "POST", f"/v2/bot/user/not-a-user/richmenu/{menu}")[0] == 400


# --- each person's menu follows their roles ------------------------------------------------------


@pytest.fixture
def person(db):  # type: ignore[no-untyped-def]
    with Session(db) as session:
        who = f.person(session, national_id="3830100622191", birth_date=date(1972, 2, 14))
        session.commit()
        return who.id


def _verify(line, user: str = USER) -> None:  # type: ignore[no-untyped-def]
    notice = line.say("ยืนยันตัวตน", user=user)
    press(line, notice[0], "ยินยอม ดำเนินการต่อ", user=user)
    line.say("3830100622191", user=user)
    assert "ยืนยันตัวตนเรียบร้อย" in line.say("14/02/2515", user=user)[0]["text"]


def _invite(app, role: str = "officers") -> str:  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(args=[role, "invite", "--name", "กมลชนก"])
    assert result.exit_code == 0, result.output
    return str(result.output.split()[0])


def test_a_guest_who_verifies_gets_the_debtor_menu(app, line, db, fake_line, person):
    _deploy(app)
    ids = _ids(db)
    assert _menu_of(fake_line, USER) is None  # a guest sees the default, the guest menu
    _verify(line)
    assert _menu_of(fake_line, USER) == ids["debtor"]


def test_an_officer_who_is_also_a_debtor_gets_tabs_and_loses_them_with_the_role(
        app, line, db, fake_line, person):
    _deploy(app)
    ids = _ids(db)
    assert "ยินดีต้อนรับ" in line.say(f"เจ้าหน้าที่ {_invite(app)}")[0]["text"]
    assert _menu_of(fake_line, USER) == ids["officer"]
    _verify(line)
    assert _menu_of(fake_line, USER) == ids["officer-with-debtor"]  # the first role's tab first
    # the debtor tab tapped: LINE switched the menu; the bot says nothing and keeps that tab
    switch = _call(fake_line, "POST", "/_fake/richmenus/switch", {"userId": USER,
                                                                  "richMenuAliasId": "wdf-debtor-with-officer"})
    assert switch[1]["status"] == "SUCCESS"
    assert line.tap(MenuTab(menu="debtor-with-officer").pack()) == []
    assert app.test_cli_runner().invoke(args=["richmenu", "relink"]).exit_code == 0
    assert _menu_of(fake_line, USER) == ids["debtor-with-officer"]
    # the officer role revoked: the debtor's own menu, without tabs
    assert app.test_cli_runner().invoke(args=["officers", "revoke", USER]).exit_code == 0
    assert _menu_of(fake_line, USER) == ids["debtor"]


def test_blocking_unlinks_the_menu_and_coming_back_links_it_again(app, line, db, fake_line):
    _deploy(app)
    ids = _ids(db)
    line.say(f"เจ้าหน้าที่ {_invite(app)}", user=OFFICER)
    assert _menu_of(fake_line, OFFICER) == ids["officer"]
    line.deliver(line.event("unfollow", user=OFFICER, reply=False))
    assert _menu_of(fake_line, OFFICER) is None
    line.send("follow", user=OFFICER)
    assert _menu_of(fake_line, OFFICER) == ids["officer"]


def test_a_link_line_refuses_for_now_is_made_later(app, line, db, fake, fake_line, clock):
    _deploy(app)
    fake.inject(f"/v2/bot/user/{OFFICER}/richmenu", 500, count=1)
    assert "ยินดีต้อนรับ" in line.say(f"เจ้าหน้าที่ {_invite(app)}", user=OFFICER)[0]["text"]
    assert _menu_of(fake_line, OFFICER) is None
    with Session(db) as session:
        row = session.get(RichMenuLink, OFFICER)
        assert row is not None and row.last_status == 500 and row.due_at is not None
    clock.advance(minutes=1)
    assert app.test_cli_runner().invoke(args=["scheduler", "--once"]).exit_code == 0  # the clock's job
    assert _menu_of(fake_line, OFFICER) == _ids(db)["officer"]


def test_before_any_deploy_a_role_changes_nothing_on_line_and_the_first_deploy_links_everyone(
        app, line, db, fake):
    line.say(f"เจ้าหน้าที่ {_invite(app)}", user=OFFICER)
    assert [r for r in fake.requests() if "richmenu" in r["path"]] == []
    said = _deploy(app)
    assert "linked 1 person(s)" in said


# --- helpers -------------------------------------------------------------------------------------


def _an_old_menu(fake_line, name: str) -> str:  # type: ignore[no-untyped-def]
    body = {**design(MenuKey("debtor")).body, "name": name}
    menu = _call(fake_line, "POST", "/v2/bot/richmenu", body)[1]["richMenuId"]
    assert _upload(fake_line, menu, _png(2500, 1686))[0] == 200
    return str(menu)


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, "PNG")
    return out.getvalue()


def _upload(fake_line, menu: str, data: bytes, kind: str = "image/png") -> tuple[int, Any]:  # type: ignore[no-untyped-def]
    return _call(fake_line, "POST", f"/v2/bot/richmenu/{menu}/content", data, kind)


def _call(fake_line, method: str, path: str, body: Any = None,  # type: ignore[no-untyped-def]
          kind: str = "application/json") -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else (None if body is None else json.dumps(body).encode())
    if data is None and method == "POST":
        data = b""
    request = urllib.request.Request(fake_line.url + path, data=data, method=method, headers={
        "Authorization": f"Bearer {TOKEN}", "Content-Type": kind})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


# --- the simulator shows the persona's menu ------------------------------------------------------


def _sim(demo, path: str, payload: dict[str, Any] | None = None) -> Any:  # type: ignore[no-untyped-def]
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(demo.app_url + path, data=data, method="GET" if data is None else "POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
        return json.loads(body) if response.headers.get_content_type() == "application/json" else body


def _labels(menu: dict[str, Any]) -> list[str]:
    return [area["action"]["label"] for area in menu["areas"]]


def test_the_simulator_shows_each_persona_their_menu_and_its_taps(demo):
    guest = _sim(demo, "/simulator/api/richmenu?persona=unknown")["menu"]
    assert _labels(guest) == ["ยืนยันตัวตน", "มาตรการ ช่วยเหลือ", "วิธีชำระเงิน", "ติดต่อ เจ้าหน้าที่", "ช่วยเหลือ"]
    with Image.open(io.BytesIO(_sim(demo, guest["image"]))) as picture:
        assert picture.size == (guest["size"]["width"], guest["size"]["height"]) == (2500, 1686)
    officer = _sim(demo, "/simulator/api/richmenu?persona=officer-mueang")
    assert officer["linked"] and "รายการ วันนี้" in _labels(officer["menu"])  # linked when the demo deployed
    assert _sim(demo, "/simulator/api/richmenu?persona=group-chalong")["menu"] is None  # none in a group
    # a tap on an area sends what the area says, and the bot answers it: the officer's list
    today = next(a["action"] for a in officer["menu"]["areas"] if a["action"]["label"] == "รายการ วันนี้")
    assert _sim(demo, "/simulator/api/send", {"persona": "officer-mueang", "type": "text", "text": today["text"]})["ok"]
    chat = _sim(demo, "/simulator/api/messages?persona=officer-mueang")["messages"]
    said = [m for m in chat if m["direction"] == "bot"]
    assert said and "ยังไม่เข้าใจ" not in json.dumps(said, ensure_ascii=False)
    # a tab switches the menu on LINE's side, and the bot is told with a postback it answers with silence
    sent = _sim(demo, "/simulator/api/send", {"persona": "officer-mueang", "type": "richmenuswitch",
                                              "alias": "wdf-officer", "data": MenuTab(menu="officer").pack()})
    assert sent["ok"]
    assert len([m for m in _sim(demo, "/simulator/api/messages?persona=officer-mueang")["messages"]
                if m["direction"] == "bot"]) == len(said)
