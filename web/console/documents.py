"""Documents on a person's or a project's page (upload, download) and the photos of field updates.

Served only to officers who may see that project or person (404 otherwise), as attachments
or plain pictures that a browser never sniffs into anything else; every upload, download
and photo shown is written to the audit trail for the people concerned.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from werkzeug.wrappers import Response

from bot.runtime import runtime
from domain.documents import EXTENSIONS, attachment_header
from messages.console import DOCUMENT_PROBLEMS, document_too_large
from models import Contract
from services.contracts import contract_by_id
from services.documents import (
    Refused,
    document,
    document_file,
    people_concerned,
    photo_file,
    store_document,
)
from services.visits import field_update, person_in_scope
from web.console.access import audit, contract_visible, db, person_or_404, viewer
from web.console.forms import ROW_ID, Problem, record_id
from web.console.people import show_person, show_project
from web.limits import body_limit

FORM_ALLOWANCE = 64 * 1024  # the form's other fields and the multipart boundaries, beside the file


def upload_body_limit() -> int:
    """An upload route takes a document up to DOCUMENT_MAX_BYTES, and the form around it."""
    return runtime().settings.document_max_bytes + FORM_ALLOWANCE



def refused_text(reason: str) -> str:
    if reason == "too_large":
        return document_too_large(runtime().settings.document_max_bytes)
    return DOCUMENT_PROBLEMS[reason]


def received() -> tuple[bytes, str, str]:
    """The uploaded file's bytes and name, and the kind chosen; Refused when there is no file."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Refused("no_file")
    data = upload.stream.read(runtime().settings.document_max_bytes + 1)
    return data, upload.filename, request.form.get("kind", "")


def keep(data: bytes, filename: str, kind: str, *, contract_id: int | None, person_id: int | None) -> int:
    """Store the upload and audit it for everyone on its contract and the person; the new document's id."""
    settings = runtime().settings
    stored = store_document(db(), settings.uploads_dir, data, kind=kind, filename=filename, contract_id=contract_id,
                            person_id=person_id, uploaded_by=viewer().name, now=runtime().clock.now(),
                            max_bytes=settings.document_max_bytes)
    audit(people_concerned(db(), contract_id, person_id), "console.document_upload", detail=f"document {stored.id}")
    db().commit()
    return stored.id


@body_limit(upload_body_limit)
def upload_for_person(person_id: int) -> Response | tuple[str, int]:
    """A document about the person, and about one of their contracts the viewer may see, or the person alone."""
    person = person_or_404(person_id)
    try:
        data, filename, kind = received()
        chosen = request.form.get("contract_id", "")
        contract_id = None
        if chosen:
            wanted = record_id(chosen)
            contract = contract_by_id(db(), wanted) if wanted is not None else None
            mine = contract is not None and any(m.person_id == person.id for m in contract.memberships)
            if contract is None or not mine or not contract_visible(contract):
                raise Refused("contract")
            contract_id = contract.id
        keep(data, filename, kind, contract_id=contract_id, person_id=person.id)
    except Refused as refused:
        return show_person(person, status=413 if refused.reason == "too_large" else 400,
                           problem=Problem("documents", refused_text(refused.reason)))
    return redirect(url_for("console.person", person_id=person.id) + "#documents")


@body_limit(upload_body_limit)
def upload_for_project(contract_id: int) -> Response | tuple[str, int]:
    contract = visible_contract(contract_id)
    try:
        data, filename, kind = received()
        keep(data, filename, kind, contract_id=contract.id, person_id=None)
    except Refused as refused:
        return show_project(contract, status=413 if refused.reason == "too_large" else 400,
                            problem=Problem("documents", refused_text(refused.reason)))
    return redirect(url_for("console.project", project_code=contract.project_code) + "#documents")


def visible_contract(contract_id: int) -> Contract:
    contract = contract_by_id(db(), contract_id)
    if contract is None or not contract_visible(contract):
        abort(404)
    return contract


def may_see(contract: Contract | None, person_id: int | None) -> bool:
    """A document or an update is the viewer's to see when its contract and its person both are;
    one about nobody, only to an officer of the whole province."""
    if contract is None and person_id is None:
        return viewer().area_ids is None
    if contract is not None and not contract_visible(contract):
        return False
    return person_id is None or person_in_scope(db(), person_id, viewer().area_ids) is not None


def private(response: Response) -> Response:
    """Personal data: never cached, never sniffed into another type, never a page that runs anything."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def download(document_id: int) -> Response:
    found = document(db(), document_id)
    if found is None or not may_see(found.contract, found.person_id):
        abort(404)
    path = document_file(runtime().settings.uploads_dir, found)
    if path is None:
        abort(404)
    data = path.read_bytes()  # at most DOCUMENT_MAX_BYTES
    audit(people_concerned(db(), found.contract_id, found.person_id), "console.document_download",
          detail=f"document {found.id}")
    db().commit()
    response = Response(data, mimetype=found.content_type)
    response.headers["Content-Disposition"] = attachment_header(found.filename, f"document-{found.id}")
    return private(response)


def photo(update_id: int, index: int) -> Response:
    """A field update's photo, shown in the page (a thumbnail) or opened alone."""
    update = field_update(db(), update_id)
    contract = contract_by_id(db(), update.contract_id) if update is not None and update.contract_id else None
    if update is None or not may_see(contract, update.person_id):
        abort(404)
    found = photo_file(runtime().settings.uploads_dir, update, index)
    if found is None:
        abort(404)
    path, content_type = found
    data = path.read_bytes()
    audit(people_concerned(db(), update.contract_id, update.person_id), "console.photo",
          detail=f"field update {update.id} photo {index}")
    db().commit()
    response = Response(data, mimetype=content_type)
    response.headers["Content-Disposition"] = (f'inline; filename="update-{update.id}-{index + 1}'
                                               f'{EXTENSIONS[content_type]}"')
    return private(response)


def routes(bp: Blueprint) -> None:
    bp.add_url_rule(f"/people/<{ROW_ID}:person_id>/documents", "upload_for_person", upload_for_person,
                    methods=["POST"])
    bp.add_url_rule(f"/contracts/<{ROW_ID}:contract_id>/documents", "upload_for_project", upload_for_project,
                    methods=["POST"])
    bp.add_url_rule(f"/documents/<{ROW_ID}:document_id>", "document", download, methods=["GET"])
    bp.add_url_rule(f"/photos/<{ROW_ID}:update_id>/<int(max=99):index>", "photo", photo, methods=["GET"])
