"""The fund's forms (`/console/forms`): blank letters to download, and for a contract the
acknowledgment of debt and of liability prefilled as PDF, to print, sign and upload back.

A prefilled letter carries the signers' full national IDs (it is the paper they sign), so
only officers of the contract's area may print it (404 elsewhere), and every print is
written to the audit trail for the people on it.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from domain.documents import attachment_header
from messages.forms import (
    FORMS_NOT_FOUND,
    LETTER_KINDS,
    LETTER_TITLES,
    LETTER_USES,
    LetterFacts,
    Signer,
    letter,
    letter_filename,
)
from models import Contract
from services.casefile import project
from services.contracts import position_of
from web.console.access import audit, contract_visible, db
from web.console.documents import private, visible_contract
from web.console.forms import ROW_ID
from web.console.pdf import letter_pdf
from web.console.today import today

ROLE_ORDER = {"borrower": 0, "co_debtor": 1, "guarantor": 2}
KIND = "any(ack_debt, ack_liability)"


def facts_of(contract: Contract) -> LetterFacts:
    on = today()
    p = position_of(contract, on)
    members = sorted(contract.memberships, key=lambda m: (ROLE_ORDER.get(m.role, 9), m.id))
    return LetterFacts(on=on, project_name=contract.project_name, project_code=contract.project_code,
                       contract_date=contract.contract_date, principal=contract.principal,
                       outstanding_principal=p.outstanding_principal, default_interest=p.default_interest,
                       signers=tuple(Signer(m.person.full_name, m.person.national_id, m.role) for m in members))


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
                                    kind=kind if kind in LETTER_KINDS else LETTER_KINDS[0]))
        problem = FORMS_NOT_FOUND
    return render_template("console/forms.html", kinds=LETTER_KINDS, titles=LETTER_TITLES, uses=LETTER_USES,
                           project=wanted, problem=problem), 404 if problem else 200


def blank_letter(kind: str) -> Response:
    return pdf_response(letter_pdf(letter(kind, None)), letter_filename(kind, None))


def contract_letter(contract_id: int, kind: str) -> Response:
    """The letter prefilled for the contract's signers; audited for each of them."""
    contract = visible_contract(contract_id)
    facts = facts_of(contract)
    data = letter_pdf(letter(kind, facts))
    audit([m.person_id for m in contract.memberships], f"console.form_{kind}", detail=f"contract {contract.id}")
    db().commit()
    return pdf_response(data, letter_filename(kind, contract.project_code))


def routes(bp: Blueprint) -> None:
    bp.add_url_rule("/forms", "forms", forms_page, methods=["GET"])
    bp.add_url_rule(f"/forms/<{KIND}:kind>.pdf", "blank_letter", blank_letter, methods=["GET"])
    bp.add_url_rule(f"/contracts/<{ROW_ID}:contract_id>/forms/<{KIND}:kind>.pdf", "letter", contract_letter,
                    methods=["GET"])
