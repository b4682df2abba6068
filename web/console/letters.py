"""The fund's forms (`/console/forms`): blank forms to download — the acknowledgment of debt and of
liability, the visit record, the relief-measure application — and each prefilled for a contract as
PDF, to print, sign and upload back as the project's document.

A prefilled letter or application carries the signers' full national IDs (it is the paper they
sign; the visit record masks them), so only officers of the contract's area may print one (404
elsewhere), and every print is written to the audit trail for the people on it. A blank form
names nobody: nothing to audit.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from domain.documents import attachment_header
from messages.forms import (
    ALL_TITLES,
    FORM_KINDS,
    FORM_USES,
    FORMS_NOT_FOUND,
    LETTER_KINDS,
    LETTER_USES,
    UPLOAD_BACK,
    ContractFacts,
    Form,
    LetterFacts,
    Member,
    Signer,
    letter,
    letter_filename,
    measure_form,
    visit_form,
)
from models import Contract
from services.casefile import project
from services.contracts import position_of
from services.measure_store import measures_in_db
from web.console.access import audit, contract_visible, db
from web.console.documents import private, visible_contract
from web.console.forms import ROW_ID
from web.console.pdf import form_pdf, letter_pdf
from web.console.people import place_of
from web.console.today import today

ROLE_ORDER = {"borrower": 0, "co_debtor": 1, "guarantor": 2}
KINDS = (*LETTER_KINDS, *FORM_KINDS)
KIND = f"any({', '.join(KINDS)})"


def facts_of(contract: Contract) -> LetterFacts:
    on = today()
    p = position_of(contract, on)
    members = sorted(contract.memberships, key=lambda m: (ROLE_ORDER.get(m.role, 9), m.id))
    return LetterFacts(on=on, project_name=contract.project_name, project_code=contract.project_code,
                       contract_date=contract.contract_date, principal=contract.principal,
                       outstanding_principal=p.outstanding_principal, default_interest=p.default_interest,
                       signers=tuple(Signer(m.person.full_name, m.person.national_id, m.role) for m in members))


def contract_facts(contract: Contract) -> ContractFacts:
    on = today()
    p = position_of(contract, on)
    members = sorted(contract.memberships, key=lambda m: (ROLE_ORDER.get(m.role, 9), m.id))
    return ContractFacts(
        on=on, project_name=contract.project_name, project_code=contract.project_code, area=place_of(contract),
        contract_date=contract.contract_date, principal=contract.principal,
        outstanding_principal=p.outstanding_principal, overdue_amount=p.overdue_amount,
        overdue_installments=p.overdue_installments, class_name=p.class_name,
        days_to_prescription=p.days_to_prescription,
        members=tuple(Member(m.person.full_name, m.person.national_id, m.role, m.person.phone or "",
                             m.person.address or "") for m in members))


def form_of(kind: str, facts: ContractFacts | None) -> Form:
    """A form (not a letter) of this kind: its measures are those in force today, as loaded."""
    measures = [m for m in measures_in_db(db()) if m.in_force(today()) and m.audience == "debtor"]
    if kind == "visit_record":
        return visit_form(facts, tuple(m.label for m in measures))
    return measure_form(facts, tuple((m.fill(m.name), tuple(m.documents)) for m in measures))


def pdf_of(kind: str, contract: Contract | None) -> bytes:
    if kind in LETTER_KINDS:
        return letter_pdf(letter(kind, facts_of(contract) if contract is not None else None))
    return form_pdf(form_of(kind, contract_facts(contract) if contract is not None else None))


def pdf_response(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = attachment_header(filename, filename.removesuffix(".pdf"))
    return private(response)


def forms_page() -> Response | tuple[str, int]:
    wanted = request.args.get("project", "").strip()
    problem = None
    if wanted:
        contract = project(db(), wanted[:40])
        if contract is not None and contract_visible(contract):
            kind = request.args.get("kind", "")
            return redirect(url_for("console.letter", contract_id=contract.id,
                                    kind=kind if kind in KINDS else KINDS[0]))
        problem = FORMS_NOT_FOUND
    return render_template("console/forms.html", kinds=KINDS, titles=ALL_TITLES, uses={**LETTER_USES, **FORM_USES},
                           upload_back=UPLOAD_BACK, project=wanted, problem=problem), 404 if problem else 200


def blank_letter(kind: str) -> Response:
    return pdf_response(pdf_of(kind, None), letter_filename(kind, None))


def contract_letter(contract_id: int, kind: str) -> Response:
    """The letter or form prefilled from the contract; audited for each of its people."""
    contract = visible_contract(contract_id)
    data = pdf_of(kind, contract)
    audit([m.person_id for m in contract.memberships], f"console.form_{kind}", detail=f"contract {contract.id}")
    db().commit()
    return pdf_response(data, letter_filename(kind, contract.project_code))


def routes(bp: Blueprint) -> None:
    bp.add_url_rule("/forms", "forms", forms_page, methods=["GET"])
    bp.add_url_rule(f"/forms/<{KIND}:kind>.pdf", "blank_letter", blank_letter, methods=["GET"])
    bp.add_url_rule(f"/contracts/<{ROW_ID}:contract_id>/forms/<{KIND}:kind>.pdf", "letter", contract_letter,
                    methods=["GET"])
