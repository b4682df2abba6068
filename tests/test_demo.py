"""`make demo` end to end: seeded sample data, the fake platform and the simulator page."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from devtools.demo import DEMO_NOW, cli_env, demo_command, write_cli_env
from domain.clock import BANGKOK, parse_fund_now
from domain.identity import check_national_id, parse_typed_date
from models import AppointmentSession, Booking, Contract, LineGroup, Payment, Person, StaffMember
from services.measure_store import BUNDLED, read_measures_file

ROOT = Path(__file__).resolve().parents[1]


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read()
        return json.loads(body) if response.headers.get_content_type() == "application/json" else body.decode()


def _post(url: str, payload: dict[str, Any]) -> Any:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _persona(stack, persona_id: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return next(p for p in stack.personas if p["id"] == persona_id)


def _chat(stack, persona_id: str, after: int = 0) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return _get(f"{stack.app_url}/simulator/api/messages?persona={persona_id}&after={after}")["messages"]


def test_demo_seeds_a_province_with_every_kind_of_people(demo, db):
    with db.connect() as connection:
        count = lambda model: connection.execute(select(func.count()).select_from(model)).scalar_one()  # noqa: E731
        assert count(Contract) == 200
        assert count(Person) > 300 and count(Payment) > 1000
        assert count(LineGroup) == 2
        roles = dict(connection.execute(select(StaffMember.role, func.count()).group_by(StaffMember.role)).all())
    assert roles == {"officer": 2, "volunteer": 2}


def test_an_unknown_persona_gets_the_greeting_and_the_help_menu(demo):
    page = _get(f"{demo.app_url}/simulator")
    assert "simulator.js" in page
    personas = _get(f"{demo.app_url}/simulator/api/personas")
    assert {p["role"] for p in personas} >= {"debtor", "officer", "volunteer", "group", "unknown"}
    assert all("national_id" not in p for p in personas)  # only as the page shows it (`identity`)

    assert _post(f"{demo.app_url}/simulator/api/send", {"persona": "unknown", "type": "follow"})["ok"]
    greeting = _chat(demo, "unknown")
    assert "ยินดีต้อนรับ" in greeting[0]["message"]["text"]

    last = greeting[-1]["seq"]
    assert _post(f"{demo.app_url}/simulator/api/send", {"persona": "unknown", "type": "text", "text": "ช่วยเหลือ"})["ok"]
    chat = _chat(demo, "unknown", after=last)
    assert chat[0]["direction"] == "user" and chat[0]["message"]["text"] == "ช่วยเหลือ"
    assert chat[1]["direction"] == "bot" and chat[1]["message"]["type"] == "flex"


def test_a_debtor_leaves_a_message_and_an_officer_receives_it(demo):
    send = lambda payload: _post(f"{demo.app_url}/simulator/api/send", {"persona": "debtor-default", **payload})  # noqa: E731
    send({"type": "text", "text": "ติดต่อเจ้าหน้าที่"})
    question = _chat(demo, "debtor-default")[-1]["message"]
    topic = next(i["action"] for i in question["quickReply"]["items"] if i["action"]["label"] == "นัดหมาย")
    send({"type": "postback", "data": topic["data"], "display_text": topic["displayText"]})
    send({"type": "text", "text": "ขอเลื่อนนัดค่ะ"})
    send({"type": "text", "text": "0934567812"})
    assert "เรียบร้อยแล้ว" in _chat(demo, "debtor-default")[-1]["message"]["text"]

    officer = _persona(demo, "officer-mueang")["id"]
    assert "ขอเลื่อนนัดค่ะ" in _chat(demo, officer)[0]["message"]["text"]


def test_simulator_refuses_what_a_person_could_not_send(demo):
    request = urllib.request.Request(
        f"{demo.app_url}/simulator/api/send", method="POST", headers={"Content-Type": "application/json"},
        data=json.dumps({"persona": "unknown", "type": "image", "data_url": "data:text/plain;base64,aGk="}).encode())
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 400
    assert "picture" in json.loads(caught.value.read())["error"]
    caught.value.close()


def _verify_for_balance(demo, pid: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Verify as a tester would: typing the ID and birth date the simulator page shows."""
    shown = next(p["identity"] for p in _get(f"{demo.app_url}/simulator/api/personas") if p["id"] == pid)
    _send(demo, pid, {"type": "text", "text": "ยอดหนี้"})
    notice = _chat(demo, pid)[-1]["message"]
    accept = next(b["action"] for b in notice["contents"]["footer"]["contents"]
                  if b["action"]["label"].startswith("ยินยอม"))
    _send(demo, pid, {"type": "postback", "data": accept["data"], "display_text": accept["displayText"]})
    _send(demo, pid, {"type": "text", "text": shown["national_id"]})
    last = _chat(demo, pid)[-1]["seq"]
    _send(demo, pid, {"type": "text", "text": shown.get("birth_date") or shown["phone_last4"]})
    return [m["message"] for m in _chat(demo, pid, after=last) if m["direction"] == "bot"]


def _send(demo, pid: str, payload: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    assert _post(f"{demo.app_url}/simulator/api/send", {"persona": pid, **payload})["ok"]


def test_demo_debtors_verify_and_see_the_balance_of_their_class(demo):
    for pid, expect in (("debtor-default", "3 งวด"), ("debtor-normal", "ไม่มียอดค้าง"),
                        ("debtor-ended", "สัญญาครบกำหนดแล้ว")):
        replies = _verify_for_balance(demo, pid)
        assert "ยืนยันตัวตนเรียบร้อย" in replies[0]["text"], pid
        assert expect in json.dumps(replies[1], ensure_ascii=False), pid


@pytest.mark.parametrize(("pid", "expected"), [
    # old contracts whose demand letters went out long ago: M3's 30 days are over (issue 15, item 6)
    ("debtor-time-barred", ["ACK_LIABILITY", "M4", "M6", "M7"]),
    ("debtor-ended", ["ACK_DEBT", "M1", "M4", "M6", "M7"]),
    ("debtor-default", ["M6"]),  # a new-rate contract, a borrower who needs time
    ("debtor-normal", ["ADVICE"]),  # nothing to ask: straight to the answer
])
def test_demo_debtors_of_each_class_get_domains_measures(demo, pid, expected):
    _verify_for_balance(demo, pid)
    _send(demo, pid, {"type": "text", "text": "มาตรการ"})
    taps = 0
    while True:
        last = _chat(demo, pid)[-1]["message"]
        if last["type"] == "flex":
            break
        wanted = {"ตอนนี้มีเรื่องใด": "อายุมาก", "ถ้ามีส่วนลด": "ผ่อนได้แต่ขอเวลา"}
        label = next(v for k, v in wanted.items() if last["text"].startswith(k))
        action = next(i["action"] for i in last["quickReply"]["items"] if i["action"]["label"] == label)
        _send(demo, pid, {"type": "postback", "data": action["data"], "display_text": action["displayText"]})
        taps += 1
    assert taps <= 6
    by_label = {m.label: m.id for m in read_measures_file(BUNDLED)[1]}  # the alt text names them, never by id
    assert [by_label[name] for name in last["altText"].split(": ", 1)[1].split(", ")] == expected


def _book_court_slot(demo, pid: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Verify, ask for an appointment, take the court session's first slot, confirm: the card that comes back."""
    _verify_for_balance(demo, pid)
    _send(demo, pid, {"type": "text", "text": "นัดหมาย"})
    offered = _chat(demo, pid)[-1]["message"]
    assert offered["type"] == "flex" and "ไกล่เกลี่ยก่อนฟ้อง" in json.dumps(offered, ensure_ascii=False)
    court = next(b for b in offered["contents"]["contents"] if "ไกล่เกลี่ย" in json.dumps(b, ensure_ascii=False))
    choose = court["footer"]["contents"][0]["action"]
    _send(demo, pid, {"type": "postback", "data": choose["data"], "display_text": choose["displayText"]})
    slots = _chat(demo, pid)[-1]["message"]
    first = slots["quickReply"]["items"][0]["action"]
    _send(demo, pid, {"type": "postback", "data": first["data"], "display_text": first["displayText"]})
    confirm = _chat(demo, pid)[-1]["message"]["quickReply"]["items"][0]["action"]
    _send(demo, pid, {"type": "postback", "data": confirm["data"], "display_text": confirm["displayText"]})
    card: dict[str, Any] = _chat(demo, pid)[-1]["message"]
    return card


def test_a_debtor_in_default_books_a_court_slot_in_the_simulator(demo):
    card = _book_court_slot(demo, "debtor-default")
    assert card["type"] == "flex" and "นัดหมายของคุณ" in json.dumps(card, ensure_ascii=False)
    link = next(b["action"]["uri"] for b in card["contents"]["footer"]["contents"]
                if b["action"]["label"] == "เพิ่มลงปฏิทิน")
    assert link.startswith(demo.app_url + "/calendar/")  # it opens: the demo's own address and port
    ics = _get(link)
    assert "BEGIN:VEVENT" in ics and "Asia/Bangkok" in ics


def test_an_officer_finds_a_debtor_and_records_a_visit_in_the_simulator(demo, db):
    from models import PromiseToPay, Visit

    pid = "officer-mueang"

    def last() -> dict[str, Any]:
        return _chat(demo, pid)[-1]["message"]

    def press(action: dict[str, Any]) -> None:
        _send(demo, pid, {"type": "postback", "data": action["data"], "display_text": action.get("displayText")})

    def quick(label: str) -> dict[str, Any]:
        return next(i["action"] for i in last()["quickReply"]["items"] if label in i["action"]["label"])

    _send(demo, pid, {"type": "text", "text": "ค้นหา สมศรี"})
    if last()["type"] == "text":  # several people of that name: open the first
        press(last()["quickReply"]["items"][0]["action"])
    card = last()
    assert card["type"] == "flex" and card["altText"].startswith("ประวัติ")
    press(next(b["action"] for b in card["contents"]["footer"]["contents"] if b["action"]["label"] == "บันทึกเยี่ยม"))
    if "หลายสัญญา" in last()["text"]:
        press(last()["quickReply"]["items"][0]["action"])
    press(quick("พบตัว"))
    if "นัดชำระ" in last()["text"]:
        _send(demo, pid, {"type": "text", "text": "500 30/12/2569"})
    press(quick("ไม่ได้คุย"))
    _send(demo, pid, {"type": "text", "text": "ขายผักที่ตลาดเช้า สะดวกคุยหลังเก้าโมง"})
    assert "บันทึกการเยี่ยม" in _chat(demo, pid)[-2]["message"]["text"]
    _send(demo, pid, {"type": "location", "title": "บ้าน", "address": "ฉลอง", "latitude": 7.84, "longitude": 98.34})
    assert "ปักหมุดบ้าน" in last()["text"]
    with db.connect() as connection:
        visit = connection.execute(select(Visit)).one()
        assert visit.note.startswith("ขายผัก") and visit.lat == 7.84 and visit.officer_name
        assert connection.execute(select(func.count()).select_from(PromiseToPay)).scalar_one() <= 1


def test_a_volunteers_update_with_photo_and_location_reaches_the_officer_in_the_simulator(demo):
    """Issue 7's walk-through: the group sees one short line; the officer sees the update on the list and card."""
    hints = {p["id"]: p["hints"] for p in _get(f"{demo.app_url}/simulator/api/personas")}
    assert any(h.startswith("#อัปเดต") for h in hints["group-chalong"])  # the simulator offers it
    png = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQ"
           "AAAABJRU5ErkJggg==")
    _send(demo, "group-chalong", {"type": "text", "text": "#อัปเดต เยี่ยม PKT-2568-0001 สมศรีขอผ่อนเพิ่ม"})
    _send(demo, "group-chalong", {"type": "image", "data_url": png})
    _send(demo, "group-chalong", {"type": "location", "title": "บ้าน", "address": "ฉลอง",
                                  "latitude": 7.84, "longitude": 98.34})
    group = [m["message"] for m in _chat(demo, "group-chalong") if m.get("direction") == "bot"]
    shown = json.dumps(group, ensure_ascii=False)
    assert "รับอัปเดตแล้ว" in shown and "แนบรูป" in shown and "แนบตำแหน่ง" in shown
    assert "PKT-2568-0001" not in shown and "บาท" not in shown  # nothing personal in the group
    _send(demo, "officer-mueang", {"type": "text", "text": "วันนี้"})
    listed = json.dumps([m["message"] for m in _chat(demo, "officer-mueang")], ensure_ascii=False)
    assert "อัปเดตจากพื้นที่" in listed and "รูป 1" in listed and "มีพิกัด" in listed
    assert "ผิดนัด " in listed and "ขาดอายุความ" in listed  # the register's part, stored when seeded
    _send(demo, "officer-mueang", {"type": "text", "text": "ค้นหา PKT-2568-0001"})
    messages = [m["message"] for m in _chat(demo, "officer-mueang")]
    if messages[-1]["type"] == "text":  # the project has several members: open the borrower
        pick = next(i["action"] for i in messages[-1]["quickReply"]["items"] if "สมศรี" in i["action"]["label"])
        _send(demo, "officer-mueang", {"type": "postback", "data": pick["data"], "display_text": pick["displayText"]})
    card = json.dumps(_chat(demo, "officer-mueang")[-1]["message"], ensure_ascii=False)
    assert "สมศรีขอผ่อนเพิ่ม" in card


# --- issue 15, item 11: what a tester needs is on the page, one clock, the CLI reaches the demo ---


def test_the_page_shows_each_debtors_id_and_birth_date_as_the_bot_asks_for_them(demo, db):
    listed = {p["id"]: p for p in _get(f"{demo.app_url}/simulator/api/personas")}
    debtors = [p for p in demo.personas if p["role"] == "debtor"]
    assert len(debtors) >= 6
    with db.connect() as connection:
        for persona in debtors:
            shown = listed[persona["id"]]["identity"]
            assert shown["national_id"].count("-") == 4  # the card's groups: 3-8301-00622-19-1
            typed = check_national_id(shown["national_id"])
            assert typed.problem is None and typed.digits == persona["national_id"]
            born = connection.execute(select(Person.birth_date)
                                      .where(Person.national_id == typed.digits)).scalar_one()
            if born is None:  # no birth date on the register: the phone's last four digits instead
                assert "birth_date" not in shown and persona["phone"].endswith(shown["phone_last4"])
            else:  # day/month/B.E. year, which the bot reads as the register's date
                day, month, year = shown["birth_date"].split("/")
                assert len(day) == len(month) == 2 and int(year) == born.year + 543
                assert parse_typed_date(shown["birth_date"]) == born
    assert all(p["identity"] is None for p in listed.values() if p["role"] != "debtor")


def test_the_page_and_the_bot_keep_one_clock(demo):
    rt = demo.app.extensions["wdf"]
    shown = _get(f"{demo.app_url}/simulator/api/clock")
    assert datetime.fromisoformat(shown["now"]) == rt.clock.now() == parse_fund_now(DEMO_NOW)
    assert shown["pinned"] is True
    _send(demo, "unknown", {"type": "text", "text": "สวัสดี"})
    stamped = {datetime.fromisoformat(m["at"]) for m in _chat(demo, "unknown")}
    assert stamped == {rt.clock.now()}  # what was said, and the answer, at the bot's time

    later = datetime(2026, 11, 23, 9, 30, tzinfo=BANGKOK)
    rt.clock.set(later)  # the bot's clock moves (as a test may move it): the page follows
    assert datetime.fromisoformat(_get(f"{demo.app_url}/simulator/api/clock")["now"]) == later
    last = _chat(demo, "unknown")[-1]["seq"]
    _send(demo, "unknown", {"type": "text", "text": "ช่วยเหลือ"})
    assert {datetime.fromisoformat(m["at"]) for m in _chat(demo, "unknown", after=last)} == {later}


def _cli(env_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`flask --app bot ARGS` in a fresh shell set up by the demo's one line, as the README says."""
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith(("LINE_", "DATABASE_URL", "FUND_NOW", "PUBLIC_BASE_URL", "OUTBOX_INLINE"))}
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), environ.get("PYTHONPATH")]))
    command = f". {env_file} && exec {sys.executable} -m flask --app bot " + " ".join(args)
    return subprocess.run(["sh", "-c", command], cwd=ROOT, env=environ, capture_output=True, text=True,
                          timeout=120, check=False)


def test_the_demos_env_line_lets_the_cli_act_on_the_running_demo(demo, db, tmp_path):
    env_file = write_cli_env(demo, tmp_path / "demo.env")
    env = cli_env(demo)
    assert env["DATABASE_URL"] == demo.settings.database_url and env["FUND_NOW"] == DEMO_NOW
    assert env["LINE_API_BASE_URL"] == demo.fake.url and env["PUBLIC_BASE_URL"] == demo.app_url

    # a sign-in link for an officer persona, which opens on the demo's port and signs in
    officer = _persona(demo, "officer-mueang")["user_id"]
    signed = _cli(env_file, "officers", "login-link", officer)
    assert signed.returncode == 0, signed.stderr
    link = signed.stdout.strip()
    assert link.startswith(f"{demo.app_url}/console/signin/")
    request = urllib.request.Request(link, data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200 and response.url.startswith(f"{demo.app_url}/console")

    # the demo's clock: an invite made now is valid for 7 days from the pinned instant
    invited = _cli(env_file, "officers", "invite", "--name", "ทดสอบ")
    assert invited.returncode == 0, invited.stderr
    assert f"valid until {parse_fund_now(DEMO_NOW) + timedelta(days=7):%Y-%m-%d %H:%M}" in invited.stdout

    # a session cancelled from the CLI: the apology goes through the demo's fake LINE to the chat
    pid = "debtor-default"
    _book_court_slot(demo, pid)
    with db.connect() as connection:
        session_id = connection.execute(select(AppointmentSession.id).join(Booking)).scalar_one()
    cancelled = _cli(env_file, "sessions", "cancel", str(session_id))
    assert cancelled.returncode == 0, cancelled.stderr
    last = _chat(demo, pid)[-1]["seq"]
    delivered = _cli(env_file, "outbox", "deliver")
    assert delivered.returncode == 0, delivered.stderr
    assert not delivered.stdout.startswith("0 ")
    told = [m["message"] for m in _chat(demo, pid, after=last) if m["direction"] == "bot"]
    assert "ต้องยกเลิก" in told[0]["text"]
    uris = [a["uri"] for a in _actions(told) if a.get("type") == "uri"]
    assert uris and all(uri.startswith(demo.app_url) for uri in uris)  # its links open on the demo's port


def _actions(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("action"), dict):
                found.append(node["action"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(messages)
    return found


@pytest.mark.skipif(shutil.which("make") is None, reason="no make here")
def test_make_demo_passes_the_port_through():
    # as a user types it, not as a sub-make of `make test` (which would print the directories it enters)
    env = {key: value for key, value in os.environ.items() if key not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    planned = subprocess.run(["make", "--no-print-directory", "-n", "demo", "PORT=9123"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60, check=True).stdout
    assert planned.rstrip().splitlines()[-1].endswith("flask --app bot demo --port 9123")


def test_a_taken_port_is_said_kindly_and_the_fake_takes_the_next_one(monkeypatch):
    monkeypatch.setenv("LOG_PLAIN", "1")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(demo_command, ["--port", str(port)])
    assert result.exit_code == 1
    assert f"ports {port} and {port + 1}" in result.output and "make demo PORT=" in result.output
