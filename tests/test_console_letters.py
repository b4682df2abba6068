"""The fund's forms: blank letters, and a contract's acknowledgment letters prefilled as PDF (issue 14, item 6)."""

from __future__ import annotations

import io
import os
import re

import pypdfium2
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import DataAccess, Document, Person
from tests.browser.harness import SCREENSHOTS, screenshots_enabled
from tests.test_console import (  # noqa: F401  (fixture)
    MUANG_OFFICER,
    PROVINCE_OFFICER,
    THALANG_OFFICER,
    csrf_of,
    office,
    page,
    signed_in,
)
from tests.test_console_documents import contract_id, upload


def text_of(pdf: bytes) -> str:
    """The PDF's text with the spaces taken out: a text extractor places Thai marks with spaces of its own."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))


def test_a_contracts_letter_is_prefilled_with_names_ids_amounts_and_words(app, office, db):  # noqa: F811
    with Session(db) as session:
        somsri = session.get(Person, office["somsri"])
        assert somsri is not None
        national_id = somsri.national_id
    client = signed_in(app, MUANG_OFFICER)
    where = contract_id(db, "PKT-2567-0101")
    project = page(client, "/console/projects/PKT-2567-0101").get_data(as_text=True)
    assert f"/console/contracts/{where}/forms/ack_debt.pdf" in project and "#documents" in project
    response = page(client, f"/console/contracts/{where}/forms/ack_debt.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    text = text_of(response.data)
    assert "หนังสือรับสภาพหนี้" in text and "สมศรีใจดี" in text and national_id in text  # the full ID: they sign it
    assert "ผู้กู้หลัก" in text and "PKT-2567-0101" in text
    assert "24,000.00บาท(สองหมื่นสี่พันบาทถ้วน)" in text  # the loan, in figures and in words
    assert "23,000.00บาท(สองหมื่นสามพันบาทถ้วน)" in text  # the principal still owed, one installment paid
    assert "25มกราคม2569" not in text and re.search(r"วันที่\d+\S+25\d\d", text)  # dates in the Buddhist era
    liability = text_of(page(client, f"/console/contracts/{where}/forms/ack_liability.pdf").data)
    assert "หนังสือรับสภาพความผิด" in liability and "อายุความ" in liability and "สมศรีใจดี" in liability
    with Session(db) as session:
        trail = session.execute(select(DataAccess.person_id, DataAccess.action, DataAccess.viewer_name)).all()
    assert (office["somsri"], "console.form_ack_debt", "กมลชนก") in trail
    assert (office["somsri"], "console.form_ack_liability", "กมลชนก") in trail


def test_the_signed_scan_goes_back_as_the_projects_document(app, office, db):  # noqa: F811
    client = signed_in(app, MUANG_OFFICER)
    where = contract_id(db, "PKT-2567-0101")
    token = csrf_of(page(client, "/console/projects/PKT-2567-0101").get_data(as_text=True))
    signed = page(client, f"/console/contracts/{where}/forms/ack_debt.pdf").data
    assert upload(client, f"/console/contracts/{where}/documents", token, signed, name="signed.pdf",
                  kind="ack_debt").status_code == 302
    with Session(db) as session:
        kept = session.scalars(select(Document).where(Document.contract_id == where)).one()
    assert kept.kind == "ack_debt" and kept.content_type == "application/pdf"


def test_another_districts_letter_is_not_found_and_nothing_is_audited(app, office, db):  # noqa: F811
    client = signed_in(app, THALANG_OFFICER)
    where = contract_id(db, "PKT-2567-0101")
    assert page(client, f"/console/contracts/{where}/forms/ack_debt.pdf").status_code == 404
    assert page(client, f"/console/contracts/{where}/forms/other.pdf").status_code == 404
    refused = page(client, "/console/forms?project=PKT-2567-0101&kind=ack_debt")
    assert refused.status_code == 404 and "ไม่พบโครงการรหัสนี้" in refused.get_data(as_text=True)
    with Session(db) as session:
        assert not session.scalars(select(DataAccess).where(DataAccess.action.like("console.form_%"))).all()
    province = signed_in(app, PROVINCE_OFFICER)
    chosen = page(province, "/console/forms?project=PKT-2567-0101&kind=ack_liability")
    assert chosen.status_code == 302
    assert chosen.headers["Location"].endswith(f"/contracts/{where}/forms/ack_liability.pdf")


def test_the_forms_page_offers_blank_letters(app, office):  # noqa: F811
    client = signed_in(app, MUANG_OFFICER)
    html = page(client, "/console/forms").get_data(as_text=True)
    assert "หนังสือรับสภาพหนี้" in html and "/console/forms/ack_liability.pdf" in html
    blank = page(client, "/console/forms/ack_debt.pdf")
    assert blank.status_code == 200
    text = text_of(blank.data)
    assert "หนังสือรับสภาพหนี้" in text and "ใจดี" not in text
    document = pypdfium2.PdfDocument(blank.data)  # pypdf loses the lines between the long dotted blanks
    try:
        lines = document[0].get_textpage().get_text_range()
    finally:
        document.close()
    assert "ประชาชน" in lines and "ในฐานะ" in lines and "." * 40 in lines


def look_at(pdf: bytes, name: str) -> None:
    """The first page as a picture, to be looked at once: docs/screenshots/NAME.png under `WDF_SCREENSHOTS=1`."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        picture = document[0].render(scale=1.5).to_pil()
    finally:
        document.close()
    assert picture.width > 800 and picture.getextrema() != ((255, 255), (255, 255), (255, 255))  # not blank
    if screenshots_enabled(os.environ):
        picture.save(SCREENSHOTS / f"{name}.png")


def test_the_letter_as_a_picture(app, office, db):  # noqa: F811
    client = signed_in(app, MUANG_OFFICER)
    look_at(page(client, f"/console/contracts/{contract_id(db, 'PKT-2567-0101')}/forms/ack_debt.pdf").data,
            "form-ack-debt")
