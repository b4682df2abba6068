"""Paying by Thai QR, end to end: `วิธีชำระเงิน` and the balance card over signed webhooks, the
picture fetched from the app as LINE's app would, and the office when no biller ID is set."""

from __future__ import annotations

import base64
import io
import json
import urllib.error
import urllib.request
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from itsdangerous import URLSafeSerializer
from PIL import Image
from sqlalchemy import update
from sqlalchemy.orm import Session

from config.settings import Settings, SettingsError
from devtools.demo import DEMO_BILLER_ID, demo_settings
from domain.group_guard import check_group_message
from domain.thaiqr import BillPayment, bill_payment, read_bill_payment
from messages import reminders
from messages.payloads import PayQR
from models import Contract
from services.outbox import as_dicts
from tests import factories as f
from tests.conftest import TOKEN
from tests.helpers import GROUP, USER, buttons, press, texts
from web.payments import qr_png

BILLER = "099400016550100"  # promptparse's example biller: a government agency's tax ID and suffix 00
OTHER = "U" + "3" * 32
GUARANTOR_ID = "3101700207032"
D = Decimal


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """The suite's settings with a biller ID (parametrize with "" for none)."""
    return settings.with_(payment_biller_id=getattr(request, "param", BILLER))


@pytest.fixture
def debtor(db):  # type: ignore[no-untyped-def]
    """สมศรี, borrower 3 installments behind (6,000 of 20,000 left); a guarantor; a closed contract."""
    with Session(db) as session:
        who = f.person(session, national_id="3830100622191", birth_date=date(1972, 2, 14))
        late = f.contract(session, code="PKT-2568-0001", contract_date=date(2025, 6, 1),
                          first_due_date=date(2025, 7, 1), principal=48000, installment_count=24)
        f.member(session, late, who, "borrower")
        for month in range(7, 13):
            f.payment(session, late, date(2025, month, 1), "2000.00")
        for month in range(1, 9):
            f.payment(session, late, date(2026, month, 1), "2000.00")
        guarantor = f.person(session, first_name="มาลี", national_id=GUARANTOR_ID)
        f.member(session, late, guarantor, "guarantor")
        done = f.contract(session, code="PKT-2560-0007", status="closed", contract_date=date(2017, 3, 1),
                          first_due_date=date(2017, 4, 1))
        f.member(session, done, who, "co_debtor")
        f.link(session, who, USER)
        f.link(session, guarantor, OTHER)
        session.commit()
        return late.id


def _fetch(live_url: str, url: str) -> tuple[int, str, bytes]:
    """GET a link from a message as LINE's app would, from the served app."""
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    try:
        with urllib.request.urlopen(live_url + path, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers["Content-Type"], exc.read()


def _pictures(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if m["type"] == "image"]


def _copied(node: Any) -> list[str]:
    """Every text a clipboard action in these messages copies."""
    if isinstance(node, dict):
        own = [node["clipboardText"]] if node.get("type") == "clipboard" else []
        return own + [text for value in node.values() for text in _copied(value)]
    if isinstance(node, list):
        return [text for value in node for text in _copied(value)]
    return []


def _payload_of(png: bytes, expected: str) -> str:
    """The picture is the expected code: the same PNG as drawing it here, and a valid one."""
    assert png == qr_png(expected)
    picture = Image.open(io.BytesIO(png))
    assert picture.format == "PNG" and picture.size[0] == picture.size[1] >= 400
    return expected


def test_pay_sends_the_code_as_a_picture_and_the_references_to_copy(line, live_url, debtor):
    replies = line.say("วิธีชำระเงิน")
    assert [m["type"] for m in replies] == ["text", "image", "flex"]
    assert "สแกน" in replies[0]["text"] and "กองทุนพัฒนาบทบาทสตรี" in replies[0]["text"]
    picture = _pictures(replies)[0]
    url = picture["originalContentUrl"]
    assert url == picture["previewImageUrl"] and url.startswith("http://localhost:8000/pay/qr/")
    # the link names no one: signed internal ids, and no ID, code or amount in it
    token = url.rsplit("/", 1)[1].removesuffix(".png")
    head = token.split(".")[0]
    signed = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    assert signed[0] == debtor and signed[2] == 1 and len(signed) == 4
    assert not any(secret in url for secret in ("3830100622191", "PKT", "6000"))

    status, kind, png = _fetch(live_url, url)
    assert (status, kind) == (200, "image/png")
    expected = bill_payment(BILLER, "PKT25680001", "3830100622191", D("6000.00"))
    assert read_bill_payment(_payload_of(png, expected)) == BillPayment(BILLER, "PKT25680001", "3830100622191",
                                                                        D("6000.00"))

    card = replies[2]
    said = texts([card])
    assert "ยอดหนี้ทั้งหมด" in said and "20,061.23 บาท" in said and "6,000.00 บาท (3 งวด)" in said
    assert "14,000.00 บาท" in said and "61.23 บาท" in said and "QR ในรูป: 6,000.00 บาท" in said
    assert _copied(replies) == [BILLER, "PKT25680001", "3830100622191"]
    assert "PKT-2560-0007" not in said  # a closed contract has no code

    # the option with no amount: a static code, for the payer to type what they can
    plain = press(line, card, "QR ไม่ระบุยอด")
    assert [m["type"] for m in plain] == ["image", "flex"] and "ใส่ยอดเอง" in texts(plain)
    status, _, png = _fetch(live_url, plain[0]["originalContentUrl"])
    assert status == 200
    payload = _payload_of(png, bill_payment(BILLER, "PKT25680001", "3830100622191"))
    assert read_bill_payment(payload).amount is None and payload.startswith("000201010211")


def test_the_picture_decodes_to_the_code():
    zxingcpp = pytest.importorskip("zxingcpp", reason="a QR decoder: pip install zxing-cpp")
    payload = bill_payment(BILLER, "PKT25680001", "3830100622191", D("6000.00"))
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(payload))))
    assert [code.text for code in found] == [payload]


def test_a_guarantor_puts_their_own_id_in_ref2(line, live_url, debtor):
    replies = line.say("วิธีชำระ", user=OTHER)
    assert _copied(replies) == [BILLER, "PKT25680001", GUARANTOR_ID]
    assert "ผู้ค้ำประกัน" in texts(replies) and "3830100622191" not in json.dumps(replies)
    _, _, png = _fetch(live_url, _pictures(replies)[0]["originalContentUrl"])
    assert read_bill_payment(_payload_of(png, bill_payment(BILLER, "PKT25680001", GUARANTOR_ID, D("6000.00")))).ref2 \
        == GUARANTOR_ID


def test_the_balance_card_has_one_figure_with_its_parts_and_pays_by_qr(line, live_url, debtor):
    card = line.say("ยอดหนี้")[0]
    said = texts([card])
    assert card["altText"] == "ยอดหนี้ 1 สัญญา: ทั้งหมด 20,061.23 บาท ค้างชำระ 6,000.00 บาท"
    for part in ("ยอดหนี้ทั้งหมด", "20,061.23 บาท", "เงินต้นค้างชำระ", "6,000.00 บาท (3 งวด)",
                 "เงินต้นที่ยังไม่ถึงกำหนด", "14,000.00 บาท", "ดอกเบี้ยผิดนัดถึงวันนี้", "61.23 บาท"):
        assert part in said
    code = press(line, card, "จ่ายด้วย QR")
    assert [m["type"] for m in code] == ["image", "flex"]
    status, _, png = _fetch(live_url, code[0]["originalContentUrl"])
    assert status == 200 and png == qr_png(bill_payment(BILLER, "PKT25680001", "3830100622191", D("6000.00")))


def test_a_forged_link_is_404_and_an_expired_or_paid_off_one_410(line, live_url, db, debtor, clock):
    url = _pictures(line.say("วิธีชำระเงิน"))[0]["originalContentUrl"]
    head, token = url.rsplit("/", 1)
    payload, signature = token.removesuffix(".png").split(".")
    other = base64.urlsafe_b64encode(json.dumps([debtor + 1, 1, 1, 4102444800]).encode()).decode().rstrip("=")
    assert _fetch(live_url, f"{head}/{other}.{signature}.png")[0] == 404  # someone else's contract
    assert _fetch(live_url, f"{head}/{payload}.{signature[:-2]}xx.png")[0] == 404
    forged = URLSafeSerializer("not-our-secret", salt="pay-qr").dumps([debtor, 1, 1, 4102444800])
    assert _fetch(live_url, f"{head}/{forged}.png")[0] == 404
    assert _fetch(live_url, f"{head}/nothing.png")[0] == 404
    with Session(db) as session:  # a person who is not on the contract, signed with our own secret
        stranger = f.person(session).id
        session.commit()
    ours = URLSafeSerializer("test-secret-key", salt="pay-qr").dumps([debtor, stranger, 1, 4102444800])
    assert _fetch(live_url, f"{head}/{ours}.png")[0] == 404

    assert _fetch(live_url, url)[0] == 200
    clock.advance(minutes=61)
    status, kind, body = _fetch(live_url, url)
    assert status == 410 and kind.startswith("text/plain") and "วิธีชำระเงิน" in body.decode()

    url = _pictures(line.say("วิธีชำระเงิน"))[0]["originalContentUrl"]
    with Session(db) as session:
        session.execute(update(Contract).where(Contract.id == debtor).values(status="closed"))
        session.commit()
    assert _fetch(live_url, url)[0] == 410


def test_a_closed_contract_gets_a_thank_you_and_no_code(line, db, debtor):
    with Session(db) as session:
        session.execute(update(Contract).values(status="closed"))
        session.commit()
    replies = line.say("วิธีชำระเงิน")
    assert len(replies) == 1 and "ขอบคุณ" in replies[0]["text"] and not _pictures(replies)
    assert "จ่ายด้วย QR" not in texts(line.say("ยอดหนี้"))


def test_a_pay_button_for_someone_elses_contract_answers_kindly(line, db, debtor):
    with Session(db) as session:
        theirs = f.contract(session, code="PKT-2567-0099").id
        session.commit()
    replies = line.tap(PayQR(contract=theirs, amount=True).pack())
    assert len(replies) == 1 and "ไม่มียอดที่ต้องชำระในชื่อของคุณ" in replies[0]["text"]


def test_before_verifying_pay_explains_and_offers_verification(line, debtor):
    stranger = "U" + "5" * 32
    replies = line.say("pay", user=stranger)
    assert len(replies) == 1 and not _pictures(replies)
    assert BILLER in replies[0]["text"] and "ยืนยันตัวตน" in replies[0]["text"]
    assert [i["action"]["text"] for i in replies[0]["quickReply"]["items"]] == ["ยืนยันตัวตน"]


@pytest.mark.parametrize("settings", [""], indirect=True)
def test_without_a_biller_id_people_are_sent_to_the_office(line, live_url, db, debtor):
    replies = line.say("วิธีชำระเงิน")
    assert len(replies) == 1 and not _pictures(replies) and not _copied(replies)
    text = replies[0]["text"]
    assert "สำนักงานพัฒนาชุมชนจังหวัดภูเก็ต" in text and "076-211-040" in text and "PKT-2568-0001" in text
    assert "Comp Code" not in text and "Ref." not in text
    card = line.say("ยอดหนี้")[0]
    assert "จ่ายด้วย QR" not in texts([card]) and "สำนักงานพัฒนาชุมชนจังหวัดภูเก็ต" in texts([card])
    assert "ยอดหนี้ทั้งหมด" in texts([card])  # the one figure does not need a bank
    typed = next(a["text"] for a in buttons(card) if a.get("label") == "วิธีชำระเงิน")
    assert "สำนักงาน" in texts(line.say(typed))
    ours = URLSafeSerializer("test-secret-key", salt="pay-qr").dumps([debtor, 1, 1, 4102444800])
    assert _fetch(live_url, f"http://localhost:8000/pay/qr/{ours}.png")[0] == 404
    # the button of a card from before the biller ID was taken away says the office too
    assert "สำนักงาน" in texts(line.tap(PayQR(contract=debtor, amount=True).pack()))


def test_group_notes_name_the_office_without_a_biller_and_never_a_code(line):
    due = date(2026, 12, 5)
    office = reminders.group_before(due, "ธนาคารกรุงไทย", "กองทุนพัฒนาบทบาทสตรี", office="สำนักงานพัฒนาชุมชนจังหวัดภูเก็ต")
    by_bank = reminders.group_on_day(due, "ธนาคารกรุงไทย", "กองทุนพัฒนาบทบาทสตรี")
    assert "สำนักงานพัฒนาชุมชนจังหวัดภูเก็ต" in texts(as_dicts(office)) and "จ่ายบิล" not in texts(as_dicts(office))
    assert "วิธีชำระเงิน" in texts(as_dicts(by_bank))
    for messages in (office, by_bank):
        check_group_message(as_dicts(messages), frozenset({"สมศรี"}), allowed_phones=())
    assert "แชตส่วนตัว" in texts(line.say("วิธีชำระเงิน", group=GROUP))  # never a code in a group


# --- settings ------------------------------------------------------------------------------

ENV = {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t", "ADMIN_TOKEN": "a", "SECRET_KEY": "k",
       "PUBLIC_BASE_URL": "https://wdf.example.org"}


def test_a_biller_id_is_checked_at_start_up():
    assert Settings.from_env({**ENV, "PAYMENT_BILLER_ID": "0994000165501 00"}).payment_biller_id == BILLER
    assert not Settings.from_env(ENV).pay_by_qr
    for bad, why in (("12345", "15-digit"), ("0994000165502 00", "typo"), ("09940001655010X", "15-digit")):
        with pytest.raises(SettingsError, match=f"PAYMENT_BILLER_ID.*{why}"):
            Settings.from_env({**ENV, "PAYMENT_BILLER_ID": bad})
    with pytest.raises(SettingsError, match="PUBLIC_BASE_URL to start with https"):
        Settings.from_env({**ENV, "PAYMENT_BILLER_ID": BILLER, "PUBLIC_BASE_URL": "http://wdf.example.org"})
    with pytest.raises(SettingsError, match="PAYMENT_REF1 must be one of project, project_digits"):
        Settings.from_env({**ENV, "PAYMENT_REF1": "borrower_id"})
    custom = Settings.from_env({**ENV, "PAYMENT_REF1": "project_digits", "PAYMENT_REF2": "none"})
    assert (custom.payment_ref1, custom.payment_ref2) == ("project_digits", "none")


def test_the_demo_pays_by_qr_with_a_biller_id_no_bank_knows():
    demo = demo_settings("http://127.0.0.1:9")
    assert demo.pay_by_qr and demo.payment_biller_id == DEMO_BILLER_ID and set(DEMO_BILLER_ID[:12]) == {"0"}


# --- the fake platform checks what LINE checks ----------------------------------------------------


def _push(fake_line, message: dict[str, Any]) -> int:  # type: ignore[no-untyped-def]
    body = json.dumps({"to": USER, "messages": [message]}).encode()
    request = urllib.request.Request(fake_line.url + "/v2/bot/message/push", data=body, method="POST",
                                     headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code


def test_the_fake_checks_pictures_and_clipboard_actions(fake_line, fake):
    def image(url: str) -> dict[str, str]:
        return {"type": "image", "originalContentUrl": url, "previewImageUrl": url}

    assert _push(fake_line, image("https://wdf.example.org/pay/qr/x.png")) == 200
    assert _push(fake_line, image("http://127.0.0.1:5000/pay/qr/x.png")) == 200  # the tests and the demo
    assert _push(fake_line, image("http://wdf.example.org/pay/qr/x.png")) == 400  # LINE fetches over https only
    assert _push(fake_line, image("https://wdf.example.org/" + "x" * 2000)) == 400
    assert _push(fake_line, {"type": "image", "originalContentUrl": "https://wdf.example.org/x.png"}) == 400

    def copy(text: str) -> dict[str, Any]:
        action = {"type": "clipboard", "label": "คัดลอก", "clipboardText": text}
        return {"type": "flex", "altText": "x", "contents": {"type": "bubble", "body": {
            "type": "box", "layout": "vertical", "contents": [{"type": "button", "action": action}]}}}

    assert _push(fake_line, copy("PKT25680001")) == 200
    assert _push(fake_line, copy("x" * 1001)) == 400
    assert _push(fake_line, copy("")) == 400
