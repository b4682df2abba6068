"""Thai QR Bill Payment payloads (domain/thaiqr.py) and the paying rules (domain/payments.py).

The known payloads are published ones, each reproduced or read exactly:

- ThaiQR/ThaiQR-Go, `test/thaiqr_test.go` (TestMerchantBillpaymentQRGenerate): a dynamic
  Bill Payment with Ref.1, Ref.2, an amount and a merchant name.
- maythiwat/promptparse, `src/index.test.ts`: Bill Payments converted from the Bank of
  Thailand's bill barcode ("Convert BOT Barcode to Bill Payment"), one with Ref.3 in tag 62,
  and PromptPay (tag 29) codes for their CRCs.
- uunw/thai-qr-payment, `packages/payload/src/builder.test.ts`: a cross-border Bill
  Payment ("produces the expected wire bytes for a documented sample"), for its CRC.
"""

from __future__ import annotations

import re
import string
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.money import Terms, position
from domain.payments import payable, ref1_of, ref2_of, suggested_amount, total_owed
from domain.thaiqr import (
    BILL_PAYMENT_AID,
    BillPayment,
    ThaiQRError,
    bill_payment,
    check_ref,
    crc16_ccitt_false,
    crc_ok,
    normalise_ref,
    parse_tlv,
    read_bill_payment,
    tax_id_holds,
    tlv,
    with_crc,
)

D = Decimal

THAIQR_GO = ("00020101021230710016A00000067701011201150112345678912330212REF1234567890312REF987654321"
             "53037645406200.005802TH5906THAIQR6304F528")
PROMPTPARSE_BARCODE = "00020101021130550016A0000006770101120115099999999999990021211122233344453037645802TH63043EE7"
PROMPTPARSE_BARCODE_AMOUNT = ("00020101021230650016A00000067701011201150994000165501000212123456789012030667042"
                              "953037645802TH54073649.2263044534")
PROMPTPARSE_REF3 = ("00020101021130620016A000000677010112011301122334455660211CUSTOMER0010306INV00153037645802TH"
                    "62070703SCB6304780E")
PROMPTPARSE_ANYID = "00020101021129370016A0000006770101110113006681222333353037645802TH63041DCF"
PROMPTPARSE_ANYID_AMOUNT = "00020101021229370016A0000006770101110113006681222333353037645802TH540530.0063043CAD"
CROSS_BORDER = ("00020101021230550016A0000006770120060115099400016550100021212345678901253037645406100.005802TH"
                "63049D1C")
KNOWN = [THAIQR_GO, PROMPTPARSE_BARCODE, PROMPTPARSE_BARCODE_AMOUNT, PROMPTPARSE_REF3, PROMPTPARSE_ANYID,
         PROMPTPARSE_ANYID_AMOUNT, CROSS_BORDER]


# --- the CRC ------------------------------------------------------------------------------


def test_crc_is_ccitt_false():
    assert crc16_ccitt_false(b"123456789") == 0x29B1  # the catalogued check value of CRC-16/CCITT-FALSE
    assert crc16_ccitt_false(b"") == 0xFFFF
    assert crc16_ccitt_false(b"A") == 0xB915


@pytest.mark.parametrize("payload", KNOWN)
def test_published_payloads_carry_our_crc_and_encode_back_exactly(payload):
    assert crc_ok(payload)
    objects = parse_tlv(payload)
    assert objects[-1][0] == "63" and all(re.fullmatch(r"\d{2}", tag) for tag, _ in objects)
    assert with_crc("".join(tlv(tag, value) for tag, value in objects[:-1])) == payload


def test_a_changed_payload_fails_its_crc():
    assert not crc_ok(THAIQR_GO.replace("200.00", "900.00"))
    assert not crc_ok(THAIQR_GO[:-4] + "F529")
    assert not crc_ok(THAIQR_GO[:-8])
    with pytest.raises(ThaiQRError, match="CRC"):
        read_bill_payment(THAIQR_GO.replace("REF123", "REF124"))


# --- building and reading Bill Payments ---------------------------------------------------------


def test_a_published_bill_payment_is_reproduced_exactly():
    assert bill_payment("011234567891233", "REF123456789", "REF987654321", D("200.00"),
                        merchant_name="THAIQR") == THAIQR_GO
    assert bill_payment("011234567891233", "REF123456789", "REF987654321", D("200"),
                        merchant_name="THAIQR") == THAIQR_GO


def test_without_an_amount_the_code_is_static_and_otherwise_the_same():
    # promptparse marks its barcode conversions dynamic (01 = 12) even without an amount;
    # a code with no amount is reused month after month, so ours is static (01 = 11).
    static = with_crc(PROMPTPARSE_BARCODE[:-8].replace("010212", "010211", 1))
    assert bill_payment("099999999999990", "111222333444") == static
    assert "54" not in dict(parse_tlv(static))


def test_published_bill_payments_are_read():
    assert read_bill_payment(THAIQR_GO) == BillPayment("011234567891233", "REF123456789", "REF987654321", D("200.00"))
    assert read_bill_payment(PROMPTPARSE_BARCODE) == BillPayment("099999999999990", "111222333444")
    assert read_bill_payment(PROMPTPARSE_BARCODE_AMOUNT) == BillPayment("099400016550100", "123456789012", "670429",
                                                                        D("3649.22"))
    for other in (PROMPTPARSE_ANYID, CROSS_BORDER):  # PromptPay transfer; another AID
        with pytest.raises(ThaiQRError):
            read_bill_payment(other)


def test_the_order_of_objects_is_the_standards():
    payload = bill_payment("099400016550100", "PKT25680001", "3830100622191", D("6000"))
    assert [tag for tag, _ in parse_tlv(payload)] == ["00", "01", "30", "53", "54", "58", "63"]
    assert dict(parse_tlv(dict(parse_tlv(payload))["30"])) == {
        "00": BILL_PAYMENT_AID, "01": "099400016550100", "02": "PKT25680001", "03": "3830100622191"}
    assert dict(parse_tlv(payload))["54"] == "6000.00" and dict(parse_tlv(payload))["01"] == "12"


@pytest.mark.parametrize("ref", ["", "pkt25680001", "PKT-2568-0001", "A" * 21, "Ref.1", "๑๒๓", "PKT 1"])
def test_references_outside_digits_and_capitals_are_refused(ref):
    with pytest.raises(ThaiQRError, match="reference"):
        bill_payment("099400016550100", ref)
    with pytest.raises(ThaiQRError, match="reference"):
        bill_payment("099400016550100", "PKT1", ref)


@pytest.mark.parametrize("biller_id", ["", "09940001655010", "0994000165501000", "09940001655010A", "๐99400016550100"])
def test_a_biller_id_is_15_digits(biller_id):
    with pytest.raises(ThaiQRError, match="15 digits"):
        bill_payment(biller_id, "PKT1")


def test_a_biller_id_starts_with_a_tax_id():
    assert tax_id_holds("099400016550100")  # promptparse's, a government agency's tax ID
    assert tax_id_holds("010753700088205")  # a company's, from a bank's code
    assert not tax_id_holds("099400016550200")  # one digit wrong


@pytest.mark.parametrize("amount", [D("0"), D("-1"), D("0.001"), D("12.345"), D("10000000000"), D("NaN"), D("Inf")])
def test_amounts_a_code_cannot_carry_are_refused(amount):
    with pytest.raises(ThaiQRError, match="amount"):
        bill_payment("099400016550100", "PKT1", None, amount)


def test_a_value_longer_than_99_is_refused():
    with pytest.raises(ThaiQRError):
        tlv("62", "X" * 100)
    with pytest.raises(ThaiQRError):
        tlv("6", "X")
    with pytest.raises(ThaiQRError):
        parse_tlv("0005ABC")


# --- properties ------------------------------------------------------------------------------

REF_CHARS = string.digits + string.ascii_uppercase
refs = st.text(alphabet=REF_CHARS, min_size=1, max_size=20)
biller_ids = st.text(alphabet=string.digits, min_size=15, max_size=15)
amounts = st.none() | st.decimals(min_value=D("0.01"), max_value=D("9999999999.99"), places=2)


@given(biller_ids, refs, st.none() | refs, amounts)
def test_every_object_states_its_true_length_and_the_crc_holds(biller_id, ref1, ref2, amount):
    payload = bill_payment(biller_id, ref1, ref2, amount)
    assert crc_ok(payload) and payload.isascii()
    for template in (payload, dict(parse_tlv(payload))["30"]):
        at = 0
        while at < len(template):
            size = template[at + 2:at + 4]
            assert re.fullmatch(r"\d{2}", size)
            at += 4 + int(size)
        assert at == len(template)
    assert read_bill_payment(payload) == BillPayment(biller_id, ref1, ref2, amount)
    assert dict(parse_tlv(payload))["01"] == ("11" if amount is None else "12")


@given(biller_ids, refs, amounts, st.data())
def test_any_one_changed_character_breaks_the_crc(biller_id, ref1, amount, data):
    payload = bill_payment(biller_id, ref1, None, amount)
    at = data.draw(st.integers(min_value=0, max_value=len(payload) - 5))
    other = data.draw(st.sampled_from(REF_CHARS + ".").filter(lambda ch: ch != payload[at]))
    assert not crc_ok(payload[:at] + other + payload[at + 1:])


@given(st.text(min_size=1, max_size=25).filter(lambda s: not re.fullmatch(r"[0-9A-Z]{1,20}", s)))
def test_any_reference_outside_the_alphabet_is_refused(ref):
    with pytest.raises(ThaiQRError):
        check_ref(ref)


@given(st.text(max_size=40))
def test_normalising_leaves_only_digits_and_capitals(text):
    assert re.fullmatch(r"[0-9A-Z]*", normalise_ref(text))


# --- what to pay, and the references (domain/payments.py) ----------------------------------------


def _position(paid: str, as_of: date, status: str = "active"):  # type: ignore[no-untyped-def]
    terms = Terms(contract_date=date(2025, 6, 1), principal=D("48000.00"), installment_count=24,
                  first_due_date=date(2025, 7, 1), status=status)
    return position(terms, [(date(2025, 7, 1), D(paid))] if D(paid) else [], as_of)


def test_the_one_figure_is_principal_outstanding_and_default_interest():
    p = _position("28000.00", date(2026, 11, 20))  # 14 installments paid; Sep, Oct, Nov 2026 overdue
    assert (p.overdue_amount, p.not_yet_due) == (D("6000.00"), D("14000.00"))
    assert p.default_interest == D("61.23")  # 2,000 × 7.5% × (80 + 50 + 19) / 365
    assert total_owed(p) == D("20061.23") == p.overdue_amount + p.not_yet_due + p.default_interest
    assert suggested_amount(p) == D("6000.00")


def test_nothing_late_suggests_the_next_installment():
    p = _position("34000.00", date(2026, 11, 20))
    assert p.overdue_amount == 0 and suggested_amount(p) == D("2000.00")


def test_a_closed_or_paid_off_contract_has_nothing_to_pay():
    assert not payable(_position("48000.00", date(2026, 11, 20)))
    closed = _position("28000.00", date(2026, 11, 20), status="closed")
    assert not payable(closed) and suggested_amount(closed) is None


def test_references_by_the_banks_rules():
    assert ref1_of("project", "PKT-2568-0001") == "PKT25680001"
    assert ref1_of("project_digits", "PKT-2568-0001") == "25680001"
    assert ref1_of("project", "pkt/2568/1") == "PKT25681"
    assert ref1_of("project", "กลุ่ม-") is None  # nothing left to send
    assert ref1_of("project", "A-" * 21) is None  # too long for a reference
    assert ref2_of("payer_id", "3830100622191") == "3830100622191"
    assert ref2_of("none", "3830100622191") is None
    with pytest.raises(ValueError):
        ref1_of("borrower", "PKT-2568-0001")
