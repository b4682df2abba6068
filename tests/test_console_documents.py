"""The console's documents, field-update photos, and a person's actions (a visit, the map pin),
through Flask's test client, on both databases."""

from __future__ import annotations

import hashlib
import io
import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from markupsafe import escape
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from bot import create_app
from messages.console import DOCUMENT_PROBLEMS, PIN_PROBLEMS, VISIT_PROBLEMS, document_too_large
from models import Contract, DataAccess, Document, FieldUpdate, Person, PromiseToPay, Visit
from tests import test_console as console
from tests.conftest import ADMIN

office = console.office  # the same fixture: two districts, a debtor in each, officers of each and the province
HTTPS, MUANG, THALANG = console.HTTPS, console.MUANG_OFFICER, console.THALANG_OFFICER
PROVINCE = console.PROVINCE_OFFICER
page, signed_in, csrf_of = console.page, console.signed_in, console.csrf_of

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def picture(kind: str, size: tuple[int, int] = (12, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 120)).save(out, kind)
    return out.getvalue()


JPEG, PNG = picture("JPEG"), picture("PNG")


def contract_id(db, code: str) -> int:  # type: ignore[no-untyped-def]
    with Session(db) as session:
        return session.scalars(select(Contract.id).where(Contract.project_code == code)).one()


def post(client, path: str, token: str | None, data: dict[str, Any] | None = None, **kwargs: Any):  # type: ignore[no-untyped-def]
    form = dict(data or {})
    if token is not None:
        form["csrf_token"] = token
    return client.post(path, data=form, base_url=HTTPS, **kwargs)


def upload(client, path: str, token: str | None, content: bytes | None, *, name: str = "scan.pdf",  # type: ignore[no-untyped-def]
           kind: str = "loan_contract", **fields: str):
    """A multipart form as a browser sends it, encoded in memory (the test client would spool
    a large one to a temporary file it never closes)."""
    form: dict[str, Any] = {"kind": kind, **fields}
    if token is not None:
        form["csrf_token"] = token
    if content is not None:
        form["file"] = FileStorage(io.BytesIO(content), filename=name)
    boundary, body = encode_multipart(form)
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}", base_url=HTTPS)


def documents(db) -> list[Document]:  # type: ignore[no-untyped-def]
    with Session(db) as session:
        return list(session.scalars(select(Document).order_by(Document.id)))


def trail(db, action: str) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    with Session(db) as session:
        return [(row.person_id, row.viewer_name) for row in session.scalars(
            select(DataAccess).where(DataAccess.action == action).order_by(DataAccess.id))]


def kept_files(settings) -> list[Path]:  # type: ignore[no-untyped-def]
    folder = Path(settings.uploads_dir) / "documents"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def says(response, words: str) -> bool:  # type: ignore[no-untyped-def]
    """The page shows these words (as the template escaped them)."""
    return str(escape(words)) in text_of(response)


# --- documents -----------------------------------------------------------------------------------


def test_a_project_document_uploads_and_downloads_byte_for_byte_and_both_are_audited(app, office, db, settings):
    client = signed_in(app, MUANG)
    project = page(client, "/console/projects/PKT-2567-0101")
    action = re.search(r'action="(/console/contracts/\d+/documents)"', text_of(project))
    assert action and 'enctype="multipart/form-data"' in text_of(project) and 'name="kind"' in text_of(project)
    saved = upload(client, action.group(1), csrf_of(text_of(project)), PDF, name="สัญญากู้ยืมเงิน.pdf")
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/console/projects/PKT-2567-0101#documents")

    [row] = documents(db)
    digest = hashlib.sha256(PDF).hexdigest()
    assert (row.kind, row.filename, row.content_type, row.size, row.sha256, row.uploaded_by) == (
        "loan_contract", "สัญญากู้ยืมเงิน.pdf", "application/pdf", len(PDF), digest, "กมลชนก")
    assert row.contract_id == contract_id(db, "PKT-2567-0101") and row.person_id is None
    assert kept_files(settings) == [Path(settings.uploads_dir) / "documents" / digest[:2] / digest]

    listed = text_of(page(client, "/console/projects/PKT-2567-0101"))
    assert f'href="/console/documents/{row.id}"' in listed and "สัญญากู้ยืมเงิน" in listed
    got = page(client, f"/console/documents/{row.id}")
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["X-Content-Type-Options"] == "nosniff" and "no-store" in got.headers["Cache-Control"]
    assert got.headers["Content-Disposition"] == (
        f"attachment; filename=\"document-{row.id}.pdf\"; filename*=UTF-8''{quote('สัญญากู้ยืมเงิน.pdf')}")
    assert trail(db, "console.document_upload") == [(office["somsri"], "กมลชนก")]
    assert trail(db, "console.document_download") == [(office["somsri"], "กมลชนก")]


def test_a_person_document_about_one_of_their_contracts_or_them_alone(app, office, db):
    client = signed_in(app, MUANG)
    path = f"/console/people/{office['somsri']}"
    html = text_of(page(client, path))
    code = contract_id(db, "PKT-2567-0101")
    assert f'<option value="{code}">สัญญา PKT-2567-0101</option>' in html
    token = csrf_of(html)
    assert upload(client, path + "/documents", token, JPEG, name="บัตร.jpg", kind="evidence",
                  contract_id="").status_code == 302
    assert upload(client, path + "/documents", token, PNG, name="หนังสือ.png", kind="ack_debt",
                  contract_id=str(code)).status_code == 302
    alone, about = documents(db)
    assert (alone.person_id, alone.contract_id, alone.content_type) == (office["somsri"], None, "image/jpeg")
    assert (about.person_id, about.contract_id, about.content_type) == (office["somsri"], code, "image/png")
    listed = text_of(page(client, path))
    assert f"/console/documents/{alone.id}" in listed and f"/console/documents/{about.id}" in listed
    assert page(client, f"/console/documents/{about.id}").data == PNG


def test_the_same_file_twice_is_kept_once(app, office, db, settings):
    client = signed_in(app, PROVINCE)
    token = csrf_of(text_of(page(client, "/console/")))
    for where in (contract_id(db, "PKT-2567-0101"), contract_id(db, "PKT-2567-0201")):
        assert upload(client, f"/console/contracts/{where}/documents", token, PDF).status_code == 302
    assert upload(client, f"/console/people/{office['malee']}/documents", token, PDF, name="again.pdf",
                  contract_id="").status_code == 302
    rows = documents(db)
    assert len(rows) == 3 and len({r.sha256 for r in rows}) == 1
    assert len(kept_files(settings)) == 1  # and no temporary file left beside it
    assert all(page(client, f"/console/documents/{r.id}").data == PDF for r in rows)


def _refusals(db, office) -> list[tuple[str, dict[str, Any], str]]:  # type: ignore[no-untyped-def]
    others = str(contract_id(db, "PKT-2567-0201"))  # arunee's, not somsri's
    return [
        ("no_file", {"content": None}, DOCUMENT_PROBLEMS["no_file"]),
        ("empty", {"content": b""}, DOCUMENT_PROBLEMS["empty"]),
        ("gif", {"content": b"GIF89a\x01\x00\x01\x00", "name": "x.gif"}, DOCUMENT_PROBLEMS["wrong_type"]),
        ("word", {"content": b"PK\x03\x04" + b"\x00" * 40, "name": "x.docx"}, DOCUMENT_PROBLEMS["wrong_type"]),
        ("html as jpeg", {"content": b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>", "name": "a.jpg"},
         DOCUMENT_PROBLEMS["wrong_type"]),
        ("truncated jpeg", {"content": JPEG[:len(JPEG) // 2], "name": "a.jpg"}, DOCUMENT_PROBLEMS["wrong_type"]),
        ("png header only", {"content": PNG[:16], "name": "a.png"}, DOCUMENT_PROBLEMS["wrong_type"]),
        ("pdf without its end", {"content": PDF.replace(b"%%EOF", b"")}, DOCUMENT_PROBLEMS["wrong_type"]),
        ("unknown kind", {"content": PDF, "kind": "passport"}, DOCUMENT_PROBLEMS["kind"]),
        ("no kind", {"content": PDF, "kind": ""}, DOCUMENT_PROBLEMS["kind"]),
        ("another's contract", {"content": PDF, "contract_id": others}, DOCUMENT_PROBLEMS["contract"]),
        ("no such contract", {"content": PDF, "contract_id": "99999999"}, DOCUMENT_PROBLEMS["contract"]),
        ("a contract id that is not one", {"content": PDF, "contract_id": "../1"}, DOCUMENT_PROBLEMS["contract"]),
    ]


def test_bad_uploads_are_refused_kindly_and_write_nothing(app, office, db, settings):
    client = signed_in(app, PROVINCE)  # who may see every contract, so "not the person's" is the only reason
    path = f"/console/people/{office['somsri']}"
    token = csrf_of(text_of(page(client, path)))
    for case, fields, said in _refusals(db, office):
        content = fields.pop("content")
        refused = upload(client, path + "/documents", token, content, **fields)
        assert refused.status_code == 400, case
        assert says(refused, said) and says(refused, "สมศรี ใจดี"), case  # on the person's page, the form open again
        assert documents(db) == [] and kept_files(settings) == [], case
    project = f"/console/contracts/{contract_id(db, 'PKT-2567-0101')}/documents"
    refused = upload(client, project, token, b"<html></html>", name="x.pdf")
    assert refused.status_code == 400 and says(refused, DOCUMENT_PROBLEMS["wrong_type"])
    assert "กลุ่มขนมบ้านฉลอง" in text_of(refused)  # the project's page
    without_token = upload(client, project, None, PDF)
    assert without_token.status_code == 400 and "โหลดใหม่" in text_of(without_token)
    assert documents(db) == [] and kept_files(settings) == []
    assert trail(db, "console.document_upload") == []


@pytest.fixture
def small_app(settings, clock):  # type: ignore[no-untyped-def]
    application = create_app(settings.with_(document_max_bytes=2048), clock=clock)
    application.config["TESTING"] = True
    yield application
    application.extensions["wdf"].close()


def test_a_file_over_the_limit_is_413_with_a_kind_page_and_nothing_written(small_app, office, db, settings):
    client = signed_in(small_app, MUANG)
    path = f"/console/people/{office['somsri']}"
    token = csrf_of(text_of(page(client, path)))
    just_over = upload(client, path + "/documents", token, PDF[:-6] + b"\x00" * 2048 + b"%%EOF\n")
    assert just_over.status_code == 413
    assert says(just_over, document_too_large(2048)) and "สมศรี ใจดี" in text_of(just_over)
    far_over = upload(client, path + "/documents", token, PDF[:-6] + b"\x00" * 300_000 + b"%%EOF\n")
    assert far_over.status_code == 413 and says(far_over, document_too_large(2048))  # refused unread
    assert upload(client, path + "/documents", token, PDF).status_code == 302  # within the limit
    assert len(documents(db)) == 1 and len(kept_files(settings)) == 1


def test_an_upload_may_be_larger_than_the_apps_other_requests(app, office, db):
    """The app takes 1 MB per request; an upload route takes DOCUMENT_MAX_BYTES (10 MB by default)."""
    client = signed_in(app, MUANG)
    big = PDF[:-6] + b"\x00" * (3 * 1024 * 1024) + b"%%EOF\n"
    token = csrf_of(text_of(page(client, "/console/")))
    saved = upload(client, f"/console/contracts/{contract_id(db, 'PKT-2567-0101')}/documents", token, big)
    assert saved.status_code == 302 and documents(db)[0].size == len(big)
    note = post(client, f"/console/people/{office['somsri']}/notes", token, {"text": "x" * (2 * 1024 * 1024)})
    assert note.status_code == 413  # everything else keeps the app's limit


def test_another_districts_documents_are_not_found(app, office, db, settings):
    province = signed_in(app, PROVINCE)
    token = csrf_of(text_of(page(province, "/console/")))
    thalang = contract_id(db, "PKT-2567-0201")
    assert upload(province, f"/console/contracts/{thalang}/documents", token, PDF).status_code == 302
    assert upload(province, f"/console/people/{office['arunee']}/documents", token, PNG, name="a.png",
                  contract_id="").status_code == 302
    project_doc, person_doc = documents(db)

    muang = signed_in(app, MUANG)
    mine = csrf_of(text_of(page(muang, "/console/")))
    for document_id in (project_doc.id, person_doc.id, 999_999):
        missing = page(muang, f"/console/documents/{document_id}")
        assert missing.status_code == 404 and "นอกพื้นที่ที่คุณดูแล" in text_of(missing)
    for past_any_id in ("documents/99999999999999999999", "people/99999999999999999999",
                        "photos/99999999999999999999/0"):  # no route, rather than an error from the database
        assert page(muang, f"/console/{past_any_id}").status_code == 404
    assert upload(muang, f"/console/contracts/{thalang}/documents", mine, JPEG).status_code == 404
    assert upload(muang, f"/console/people/{office['arunee']}/documents", mine, JPEG,
                  contract_id="").status_code == 404
    assert len(documents(db)) == 2 and len(kept_files(settings)) == 2
    assert trail(db, "console.document_download") == []

    own = signed_in(app, THALANG)
    assert page(own, f"/console/documents/{project_doc.id}").data == PDF
    assert page(own, f"/console/documents/{person_doc.id}").data == PNG


def test_a_document_row_never_names_a_file_outside_its_folder(app, office, db, settings, tmp_path):
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(PDF)
    with Session(db) as session:
        forged = Document(contract_id=contract_id(db, "PKT-2567-0101"), person_id=None, kind="evidence",
                          filename="x.pdf", content_type="application/pdf", size=len(PDF),
                          sha256=f"../../{secret.name}", uploaded_by="x", uploaded_at=app.extensions["wdf"].clock.now())
        gone = Document(contract_id=forged.contract_id, person_id=None, kind="evidence", filename="y.pdf",
                        content_type="application/pdf", size=1, sha256="ab" * 32, uploaded_by="x",
                        uploaded_at=forged.uploaded_at)
        session.add_all([forged, gone])
        session.commit()
        ids = (forged.id, gone.id)
    client = signed_in(app, MUANG)
    for document_id in ids:  # a hash that is a path, and a file that is not there
        assert page(client, f"/console/documents/{document_id}").status_code == 404


# --- photos of field updates ---------------------------------------------------------------------


def _update(db, settings, *, person_id: int | None = None, code: str | None = None,  # type: ignore[no-untyped-def]
            photos: list[tuple[str, bytes | None, str]] = (), lat: float | None = None, lng: float | None = None,
            clock=None) -> int:
    """A field update with photos kept as services.field.attach_photo keeps them (or forged paths)."""
    with Session(db) as session:
        update = FieldUpdate(author=console.VOLUNTEER, group_id=None, text="เยี่ยมบ้านแล้ว ขอผ่อน", photos=[],
                             person_id=person_id, contract_id=contract_id(db, code) if code else None, lat=lat,
                             lng=lng, created_at=clock.now(), updated_at=clock.now())
        session.add(update)
        session.flush()
        folder = Path(settings.uploads_dir) / str(update.id)
        folder.mkdir(parents=True, exist_ok=True)
        entries = []
        for name, content, content_type in photos:
            path = Path(name) if os.path.isabs(name) or name.startswith("..") else folder / name
            if content is not None:
                path.write_bytes(content)
            entries.append({"path": str(path), "content_type": content_type, "bytes": len(content or b"")})
        update.photos = entries
        session.commit()
        return update.id


def test_field_update_photos_show_on_the_pages_and_open_alone(app, office, db, settings, clock):
    update = _update(db, settings, person_id=office["somsri"], photos=[("1-a.jpg", JPEG, "image/jpeg"),
                                                                        ("2-b.png", PNG, "image/png")], clock=clock)
    client = signed_in(app, MUANG)
    html = text_of(page(client, f"/console/people/{office['somsri']}"))
    assert f'<img src="/console/photos/{update}/0"' in html and f'<img src="/console/photos/{update}/1"' in html
    first, second = page(client, f"/console/photos/{update}/0"), page(client, f"/console/photos/{update}/1")
    assert (first.status_code, first.data, first.headers["Content-Type"]) == (200, JPEG, "image/jpeg")
    assert (second.data, second.headers["Content-Type"]) == (PNG, "image/png")
    assert first.headers["X-Content-Type-Options"] == "nosniff" and "no-store" in first.headers["Cache-Control"]
    assert trail(db, "console.photo") == [(office["somsri"], "กมลชนก")] * 2
    assert page(client, f"/console/photos/{update}/2").status_code == 404

    on_project = _update(db, settings, code="PKT-2567-0101", photos=[("1-c.jpg", JPEG, "image/jpeg")], clock=clock)
    project = text_of(page(client, "/console/projects/PKT-2567-0101"))
    assert f'<img src="/console/photos/{on_project}/0"' in project
    assert page(client, f"/console/photos/{on_project}/0").data == JPEG


def test_photos_are_served_only_from_their_updates_folder(app, office, db, settings, clock, tmp_path):
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(JPEG)
    other = _update(db, settings, person_id=office["somsri"], photos=[("1-x.jpg", JPEG, "image/jpeg")], clock=clock)
    link_folder = Path(settings.uploads_dir) / "links"
    link_folder.mkdir(parents=True)
    update = _update(db, settings, person_id=office["somsri"], photos=[
        (str(outside), None, "image/jpeg"),  # an absolute path outside UPLOADS_DIR
        (f"../{other}/1-x.jpg", None, "image/jpeg"),  # another update's folder, by `..`
        (str(Path(settings.uploads_dir) / "x" / ".." / ".." / outside.name), None, "image/jpeg"),
        ("1-link.jpg", None, "image/jpeg"),  # a symbolic link that leads out
        ("2-html.jpg", b"<html></html>", "text/html"),  # not a picture type
        ("3-gone.jpg", None, "image/jpeg"),  # not there
    ], clock=clock)
    (Path(settings.uploads_dir) / str(update) / "1-link.jpg").symlink_to(outside)
    client = signed_in(app, MUANG)
    for index in range(6):
        assert page(client, f"/console/photos/{update}/{index}").status_code == 404, index
    assert page(client, f"/console/photos/{update}/100").status_code == 404
    assert page(client, "/console/photos/99999999999999999999/0").status_code == 404
    assert page(client, f"/console/photos/{other}/0").data == JPEG
    assert trail(db, "console.photo") == [(office["somsri"], "กมลชนก")]


def test_another_districts_photos_are_not_found(app, office, db, settings, clock):
    by_person = _update(db, settings, person_id=office["arunee"], photos=[("1.jpg", JPEG, "image/jpeg")], clock=clock)
    by_project = _update(db, settings, code="PKT-2567-0201", photos=[("1.jpg", JPEG, "image/jpeg")], clock=clock)
    about_nobody = _update(db, settings, photos=[("1.jpg", JPEG, "image/jpeg")], clock=clock)
    muang = signed_in(app, MUANG)
    for update in (by_person, by_project, about_nobody):
        assert page(muang, f"/console/photos/{update}/0").status_code == 404
    thalang = signed_in(app, THALANG)
    assert page(thalang, f"/console/photos/{by_person}/0").data == JPEG
    assert page(thalang, f"/console/photos/{by_project}/0").data == JPEG
    assert page(thalang, f"/console/photos/{about_nobody}/0").status_code == 404
    assert page(signed_in(app, PROVINCE), f"/console/photos/{about_nobody}/0").data == JPEG
    assert trail(db, "console.photo")[:2] == [(office["arunee"], "สุดารัตน์")] * 2


# --- recording a visit -------------------------------------------------------------------------------


def visits(db) -> list[Visit]:  # type: ignore[no-untyped-def]
    with Session(db) as session:
        return list(session.scalars(select(Visit).order_by(Visit.id)))


def promises(db) -> list[PromiseToPay]:  # type: ignore[no-untyped-def]
    with Session(db) as session:
        return list(session.scalars(select(PromiseToPay).order_by(PromiseToPay.id)))


def test_a_visit_with_a_promise_typed_in_thai_digits_and_a_be_date(app, office, db):
    client = signed_in(app, MUANG)
    path = f"/console/people/{office['somsri']}"
    html = text_of(page(client, path))
    assert 'name="outcome"' in html and 'name="promise_amount"' in html and "M1" in html
    saved = post(client, path + "/visits", csrf_of(html), {
        "outcome": "met", "contract_id": str(contract_id(db, "PKT-2567-0101")), "promise_amount": "๑,๕๐๐ บาท",
        "promise_due": "๓๐/๑๒/๒๕๖๙", "measure": "M1", "note": "ขอผ่อนเดือนละ 1,500"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(path + "#visits")
    [visit] = visits(db)
    assert (visit.officer, visit.officer_name, visit.outcome, visit.measure_id, visit.note, visit.visited_on) == (
        MUANG, "กมลชนก", "met", "M1", "ขอผ่อนเดือนละ 1,500", date(2026, 11, 20))
    assert visit.contract_id == contract_id(db, "PKT-2567-0101") and visit.person_id == office["somsri"]
    [promise] = promises(db)
    assert (promise.amount, promise.due_on, promise.visit_id) == (Decimal("1500.00"), date(2026, 12, 30), visit.id)
    assert trail(db, "console.visit") == [(office["somsri"], "กมลชนก")]
    shown = text_of(page(client, path))
    assert "ขอผ่อนเดือนละ 1,500" in shown and "1,500.00" in shown

    other = post(client, path + "/visits", csrf_of(shown), {"outcome": "not_home", "note": ""})
    assert other.status_code == 302  # one open contract: it is the one, as in LINE
    assert [v.outcome for v in visits(db)] == ["met", "not_home"] and len(promises(db)) == 1


@pytest.mark.parametrize(("fields", "reason"), [
    ({"promise_amount": "abc", "promise_due": "30/12/2569"}, "amount"),
    ({"promise_amount": "0", "promise_due": "30/12/2569"}, "amount"),
    ({"promise_amount": "1.005", "promise_due": "30/12/2569"}, "amount"),
    ({"promise_amount": "500", "promise_due": "31/02/2570"}, "date"),
    ({"promise_amount": "500", "promise_due": ""}, "date"),
    ({"promise_amount": "", "promise_due": "30/12/2569"}, "amount"),
    ({"promise_amount": "500", "promise_due": "19/11/2569"}, "past"),
    ({"promise_amount": "500", "promise_due": "1/1/2571"}, "too_far"),
    ({"promise_amount": "99,000,000", "promise_due": "30/12/2569"}, "too_large"),
    ({"outcome": "not_home", "promise_amount": "500", "promise_due": "30/12/2569"}, "promise_not_met"),
    ({"outcome": "refused", "measure": "M1"}, "measure_not_met"),
    ({"measure": "M99"}, "measure"),
    ({"outcome": ""}, "outcome"),
    ({"outcome": "<script>"}, "outcome"),
    ({"contract_id": "999999"}, "contract"),
    ({"note": "ก" * 1001}, "note_too_long"),
])
def test_a_visit_that_cannot_be_saved_says_why_keeps_what_was_typed_and_saves_nothing(app, office, db, fields,
                                                                                       reason):
    client = signed_in(app, MUANG)
    path = f"/console/people/{office['somsri']}"
    form = {"outcome": "met", "note": "คุยแล้ว", **fields}
    refused = post(client, path + "/visits", csrf_of(text_of(page(client, path))), form)
    assert refused.status_code == 400
    html = text_of(refused)
    assert says(refused, VISIT_PROBLEMS[reason]) and "สมศรี ใจดี" in html
    if fields.get("promise_amount") == "abc":
        assert 'value="abc"' in html  # what was typed is kept, to correct
    assert visits(db) == [] and promises(db) == [] and trail(db, "console.visit") == []


def test_a_visit_needs_its_token_an_officer_and_the_officers_district(app, office, db):
    client = signed_in(app, MUANG)
    path = f"/console/people/{office['somsri']}/visits"
    assert post(client, path, None, {"outcome": "met"}).status_code == 400
    token = csrf_of(text_of(page(client, "/console/")))
    assert post(client, f"/console/people/{office['arunee']}/visits", token, {"outcome": "met"}).status_code == 404

    admin = app.test_client()
    assert admin.post("/console/signin/admin", data={"admin_token": ADMIN}, base_url=HTTPS).status_code == 302
    refused = post(admin, path, csrf_of(text_of(page(admin, "/console/"))), {"outcome": "met"})
    assert refused.status_code == 400 and says(refused, VISIT_PROBLEMS["officer"])
    assert visits(db) == []


def test_several_open_contracts_ask_which_one(app, office, db):
    with Session(db) as session:
        somsri = session.get(Person, office["somsri"])
        second = console.f.contract(session, where=session.get(Contract, contract_id(db, "PKT-2567-0101")).area,
                                    code="PKT-2567-0109", contract_date=date(2025, 3, 1),
                                    first_due_date=date(2025, 4, 1))
        console.f.member(session, second, somsri, role="guarantor")
        session.commit()
        second_id = second.id
    client = signed_in(app, MUANG)
    path = f"/console/people/{office['somsri']}"
    html = text_of(page(client, path))
    assert '<select name="contract_id" required>' in html
    refused = post(client, path + "/visits", csrf_of(html), {"outcome": "met"})
    assert refused.status_code == 400 and says(refused, VISIT_PROBLEMS["contract"])
    assert post(client, path + "/visits", csrf_of(html), {"outcome": "met", "contract_id": str(second_id)}
                ).status_code == 302
    assert visits(db)[0].contract_id == second_id


# --- the map pin ---------------------------------------------------------------------------------------


def pin_of(db, person_id: int) -> tuple[float | None, float | None]:  # type: ignore[no-untyped-def]
    with Session(db) as session:
        person = session.get(Person, person_id)
        return person.lat, person.lng


def test_the_pin_is_typed_pasted_or_taken_from_a_field_update(app, office, db, settings, clock):
    client = signed_in(app, MUANG)
    path = f"/console/people/{office['somsri']}"
    token = csrf_of(text_of(page(client, path)))
    assert post(client, path + "/pin", token, {"lat": "7.8804", "lng": "98.3923"}).status_code == 302
    assert pin_of(db, office["somsri"]) == (7.8804, 98.3923)
    assert post(client, path + "/pin", token, {"lat": "๗.๘๑, ๙๘.๓๘", "lng": ""}).status_code == 302  # pasted
    assert pin_of(db, office["somsri"]) == (7.81, 98.38)
    assert "7.81000, 98.38000" in text_of(page(client, path))

    update = _update(db, settings, person_id=office["somsri"], lat=7.9, lng=98.4, clock=clock)
    html = text_of(page(client, path))
    assert f'name="from_update" value="{update}"' in html
    assert post(client, path + "/pin", token, {"from_update": str(update)}).status_code == 302
    assert pin_of(db, office["somsri"]) == (7.9, 98.4)
    with Session(db) as session:
        assert session.get(FieldUpdate, update).pinned_at is not None
    assert trail(db, "console.pin") == [(office["somsri"], "กมลชนก")] * 3


def test_a_bad_pin_says_why_and_changes_nothing(app, office, db, settings, clock):
    client = signed_in(app, MUANG)
    path = f"/console/people/{office['somsri']}"
    token = csrf_of(text_of(page(client, path)))
    others = _update(db, settings, person_id=office["malee"], lat=7.7, lng=98.3, clock=clock)
    unplaced = _update(db, settings, person_id=office["somsri"], clock=clock)
    for form, reason in (({"lat": "", "lng": ""}, "missing"), ({"lat": "7.88", "lng": ""}, "missing"),
                         ({"lat": "abc", "lng": "98"}, "number"), ({"lat": "nan", "lng": "98"}, "number"),
                         ({"lat": "91", "lng": "98"}, "range"), ({"lat": "7.8", "lng": "-181"}, "range"),
                         ({"from_update": str(others)}, "update"), ({"from_update": str(unplaced)}, "update"),
                         ({"from_update": "../1"}, "update")):
        refused = post(client, path + "/pin", token, form)
        assert refused.status_code == 400 and says(refused, PIN_PROBLEMS[reason]), form
    assert post(client, path + "/pin", None, {"lat": "7.88", "lng": "98.39"}).status_code == 400  # no token
    assert post(client, f"/console/people/{office['arunee']}/pin", token,
                {"lat": "7.88", "lng": "98.39"}).status_code == 404
    assert pin_of(db, office["somsri"]) == (None, None) and pin_of(db, office["arunee"]) == (None, None)
    assert trail(db, "console.pin") == []


def test_a_contract_of_theirs_in_another_district_is_neither_shown_nor_visited(app, office, db):
    """สมศรี of Mueang is also a guarantor on Thalang's project: Mueang's officer sees her (she is
    theirs), but not that project (it is Thalang's, whose page is a 404 to them), nor may they
    record a visit or a promise about it."""
    with Session(db) as session:
        thalang = session.scalars(select(Contract).where(Contract.project_code == "PKT-2567-0201")).one()
        session.add(Document(person_id=None, contract_id=thalang.id, kind="evidence", filename="ถลาง.pdf",
                             content_type="application/pdf", size=1, sha256="0" * 64, uploaded_by="สุดารัตน์",
                             uploaded_at=thalang.created_at))
        from models import Membership

        session.add(Membership(contract_id=thalang.id, person_id=office["somsri"], role="guarantor"))
        session.commit()
        thalang_id = thalang.id
    client = signed_in(app, MUANG)
    path = f"/console/people/{office['somsri']}"
    html = text_of(page(client, path))
    assert "PKT-2567-0101" in html and "PKT-2567-0201" not in html and "ถลาง.pdf" not in html
    refused = post(client, path + "/visits", csrf_of(html), {"outcome": "met", "contract_id": str(thalang_id),
                                                             "promise_amount": "500", "promise_due": "15/12/2569"})
    assert refused.status_code == 400 and visits(db) == [] and promises(db) == []
    province = text_of(page(signed_in(app, PROVINCE), path))  # the province's officer sees both
    assert "PKT-2567-0101" in province and "PKT-2567-0201" in province
