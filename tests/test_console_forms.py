"""The fund's blank forms to download, and each prefilled for a contract (issue 14, item 6): the visit record
and the relief-measure application beside the two acknowledgment letters, as PDF in Sarabun; prefilled ones
only for the contract's area, and audited for its people."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from messages.forms import ALL_TITLES, FORM_TITLES
from models import DataAccess, Person
from tests.test_console import (  # noqa: F401  (fixture)
    MUANG_OFFICER,
    THALANG_OFFICER,
    office,
    page,
    signed_in,
)
from tests.test_console_documents import contract_id
from tests.test_console_letters import look_at
from tests.test_console_letters import text_of as letters_text

KINDS = ("ack_debt", "ack_liability", "visit_record", "measure_application")


def squeezed(text: str) -> str:
    return "".join(text.split())


def text_of(pdf: bytes) -> str:
    """Every page's text as pypdf reads it, spaces taken out, and without the stray character it reads
    after a SARA AM that HarfBuzz drew as two glyphs."""
    return re.sub("\u0e33[\x00-\x1f&]", "\u0e33", letters_text(pdf))


def trail(db) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    with Session(db) as session:
        return [tuple(row) for row in session.execute(select(DataAccess.person_id, DataAccess.action)).all()]


def test_the_forms_page_offers_every_blank_form_and_none_is_audited(app, office, db):  # noqa: F811
    client = signed_in(app, MUANG_OFFICER)
    html = page(client, "/console/forms").get_data(as_text=True)
    for kind in KINDS:
        assert ALL_TITLES[kind] in html and f'href="/console/forms/{kind}.pdf"' in html
        blank = page(client, f"/console/forms/{kind}.pdf")
        assert blank.status_code == 200 and blank.mimetype == "application/pdf"
        assert f'{kind.replace("_", "-")}-blank.pdf' in blank.headers["Content-Disposition"]
        text = text_of(blank.data)
        assert squeezed(ALL_TITLES[kind]) in text and "ใจดี" not in text and "PKT-" not in text
    assert "อัปโหลดฉบับที่ลงชื่อกลับเป็นเอกสารประเภท" in html
    assert trail(db) == []  # a blank form names nobody


@pytest.mark.parametrize("kind", ["visit_record", "measure_application"])
def test_a_blank_form_has_its_sections_and_signature_lines(app, office, kind):  # noqa: F811
    text = text_of(page(signed_in(app, MUANG_OFFICER), f"/console/forms/{kind}.pdf").data)
    if kind == "visit_record":
        for words in ("ผลการลงพื้นที่", "พบตัว", "ย้ายที่อยู่", "นัดชำระหนี้", "พิกัดบ้านลูกหนี้", "ผู้ลงพื้นที่"):
            assert squeezed(words) in text, words
    else:
        for words in ("ขอเข้าร่วมมาตรการ", "ผู้กู้หลัก", "ผู้ค้ำประกัน", "ระดับอำเภอ", "ระดับจังหวัด", "ผู้ยื่นคำขอ"):
            assert squeezed(words) in text, words


def test_the_visit_record_is_prefilled_with_where_the_contract_stands_and_ids_masked(app, office, db):  # noqa: F811
    with Session(db) as session:
        somsri = session.get(Person, office["somsri"])
        assert somsri is not None
        national_id = somsri.national_id
    client = signed_in(app, MUANG_OFFICER)
    where = contract_id(db, "PKT-2567-0101")
    assert f"/console/contracts/{where}/forms/visit_record.pdf" in page(
        client, "/console/projects/PKT-2567-0101").get_data(as_text=True)
    response = page(client, f"/console/contracts/{where}/forms/visit_record.pdf")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    assert "visit-record-PKT-2567-0101.pdf" in response.headers["Content-Disposition"]
    text = text_of(response.data)
    assert squeezed(FORM_TITLES["visit_record"]) in text and "PKT-2567-0101" in text
    assert "สมศรีใจดี" in text and "0811112222" in text
    assert national_id not in text and f"-xxxx-xxxxx-{national_id[10:12]}-{national_id[12]}" in text  # masked
    assert "23,000.00บาท" in text  # the principal still owed
    assert "ฉลอง" in text  # where the project is
    assert (office["somsri"], "console.form_visit_record") in trail(db)
    look_at(response.data, "form-visit-record")


def test_the_measure_application_is_prefilled_for_the_contracts_people_to_sign(app, office, db):  # noqa: F811
    with Session(db) as session:
        somsri = session.get(Person, office["somsri"])
        assert somsri is not None
        national_id = somsri.national_id
    client = signed_in(app, MUANG_OFFICER)
    chosen = page(client, "/console/forms?project=PKT-2567-0101&kind=measure_application")
    assert chosen.status_code == 302 and chosen.headers["Location"].endswith("/forms/measure_application.pdf")
    response = page(client, chosen.headers["Location"])
    text = text_of(response.data)
    assert squeezed(FORM_TITLES["measure_application"]) in text and "PKT-2567-0101" in text
    assert "สมศรีใจดี" in text and national_id in text and "ผู้กู้หลัก" in text  # the paper they sign
    assert "24,000.00บาท(สองหมื่นสี่พันบาทถ้วน)" in text
    assert (office["somsri"], "console.form_measure_application") in trail(db)


def test_another_districts_form_is_not_found_and_nothing_is_audited(app, office, db):  # noqa: F811
    client = signed_in(app, THALANG_OFFICER)
    where = contract_id(db, "PKT-2567-0101")
    for kind in ("visit_record", "measure_application"):
        assert page(client, f"/console/contracts/{where}/forms/{kind}.pdf").status_code == 404
    assert trail(db) == []
