"""The console's register import (`/console/import`): upload, the check report, confirm, progress, who may."""

from __future__ import annotations

import io
import re
import threading
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from messages import console_import as words
from models import Contract, ImportRun, Payment, StaffMember
from services import standing
from tests.conftest import NOW
from tests.test_console import HTTPS, MUANG_OFFICER, PROVINCE_OFFICER, csrf_of, office, page, signed_in
from web.console.imports import safe_name

DATA = Path(__file__).with_name("data") / "import"
__all__ = ["office"]  # the fixture, shared with the console's tests


def count(db, model) -> int:  # type: ignore[no-untyped-def]
    with db.connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar_one()


def upload(client, *files: tuple[str, bytes]):  # type: ignore[no-untyped-def]
    form = page(client, "/console/import").get_data(as_text=True)
    data = {"csrf_token": csrf_of(form), "files": [(io.BytesIO(body), name) for name, body in files]}
    return client.post("/console/import", data=data, content_type="multipart/form-data", base_url=HTTPS)


def where(response) -> str:  # type: ignore[no-untyped-def]
    return str(response.headers["Location"]).split("localhost", 1)[-1]


def settled(client, path: str, *, tries: int = 400) -> str:  # type: ignore[no-untyped-def]
    """The run's page once its job has finished (a bounded poll: the job runs in a thread), and the thread
    done too (after an import it still stores the follow-up list; the test's database must outlive it)."""
    for _ in range(tries):
        html = page(client, path).get_data(as_text=True)
        if 'http-equiv="refresh"' not in html:
            for job in threading.enumerate():
                if job.name == f"import-{path.rsplit('/', 1)[1]}":
                    job.join(timeout=30)
            return html
        time.sleep(0.05)
    raise AssertionError(f"the import job at {path} did not finish")


def test_the_check_shows_every_bad_line_and_writes_nothing_then_confirm_imports(app, db, office):
    client = signed_in(app, PROVINCE_OFFICER)
    contracts_before, payments_before = count(db, Contract), count(db, Payment)
    response = upload(client, ("export (1).csv", (DATA / "contracts.csv").read_bytes()),
                      ("ชำระ.csv", (DATA / "payments_broken.csv").read_bytes()))
    assert response.status_code == 302
    run_path = where(response)
    assert re.fullmatch(r"/console/import/\d+", run_path)
    html = settled(client, run_path)
    assert words.STATUS["checked"] in html and words.CHECK_HEADING in html
    assert "export (1).csv (contracts)" in html
    assert "line 3: amount &#39;-500&#39; is negative: it must be more than 0" in html
    assert words.CONFIRM_BUTTON in html
    assert (count(db, Contract), count(db, Payment)) == (contracts_before, payments_before)  # nothing written
    with Session(db) as session:
        [run] = session.scalars(select(ImportRun)).all()
        assert run.status == "checked" and run.started_by == PROVINCE_OFFICER and run.confirmed_by is None
        stored = Path(app.extensions["wdf"].settings.uploads_dir) / "imports" / run.folder
        assert sorted(p.name for p in stored.iterdir()) == ["export (1).csv", "ชำระ.csv"]

    confirmed = client.post(f"{run_path}/confirm", data={"csrf_token": csrf_of(html)}, base_url=HTTPS)
    assert confirmed.status_code == 302
    done = settled(client, run_path)
    assert words.STATUS["imported"] in done and words.IMPORT_HEADING in done and words.FOLLOWUPS_REFRESHED in done
    assert count(db, Contract) == contracts_before + 3
    assert count(db, Payment) == payments_before  # the file with a bad line was not imported
    with Session(db) as session:
        assert standing.is_fresh(session, NOW.date())  # the follow-up list was stored again, as the CLI does
        run = session.scalars(select(ImportRun)).one()
        assert (run.status, run.confirmed_by, run.files_done) == ("imported", PROVINCE_OFFICER, 2)
    again = client.post(f"{run_path}/confirm", data={"csrf_token": csrf_of(done)}, base_url=HTTPS)
    assert again.status_code == 409 and words.NOT_WAITING in again.get_data(as_text=True)
    listing = page(client, "/console/import").get_data(as_text=True)
    assert "export (1).csv" in listing and words.STATUS["imported"] in listing


def test_a_file_changed_after_its_check_is_refused(app, db, office):
    client = signed_in(app, PROVINCE_OFFICER)
    run_path = where(upload(client, ("contracts.csv", (DATA / "contracts.csv").read_bytes())))
    html = settled(client, run_path)
    before = count(db, Contract)
    with Session(db) as session:
        run = session.scalars(select(ImportRun)).one()
        stored = Path(app.extensions["wdf"].settings.uploads_dir) / "imports" / run.folder / "contracts.csv"
    stored.write_bytes(stored.read_bytes().replace(b"60,000.00", b"70,000.00"))
    assert client.post(f"{run_path}/confirm", data={"csrf_token": csrf_of(html)}, base_url=HTTPS).status_code == 302
    done = settled(client, run_path)
    assert words.STATUS["failed"] in done and words.CHANGED.format(name="contracts.csv").replace('"', "&#34;") in done
    assert count(db, Contract) == before


def test_the_header_decides_what_an_upload_holds(app, db, office):
    client = signed_in(app, PROVINCE_OFFICER)
    response = upload(client, ("members-export.csv", (DATA / "contracts.csv").read_bytes()),
                      ("notes.csv", b"when,what\n2026-01-01,x\n"))
    html = settled(client, where(response))
    assert "members-export.csv (contracts)" in html
    assert "its name says members but its header row has the columns of contracts: read as contracts" in html
    assert "cannot tell what this file holds: its header row has neither the columns of contracts" in html


def test_district_officers_may_not_import_and_a_post_needs_its_csrf_token(app, db, office):
    district = signed_in(app, MUANG_OFFICER)
    refused = page(district, "/console/import")
    assert refused.status_code == 403 and words.PROVINCE_ONLY in refused.get_data(as_text=True)
    token = csrf_of(page(district, "/console/").get_data(as_text=True))
    posted = district.post("/console/import", data={"csrf_token": token, "files": [(io.BytesIO(b"x"), "a.csv")]},
                           content_type="multipart/form-data", base_url=HTTPS)
    assert posted.status_code == 403
    assert 'href="/console/import"' not in page(district, "/console/").get_data(as_text=True)

    province = signed_in(app, PROVINCE_OFFICER)
    assert 'href="/console/import"' in page(province, "/console/").get_data(as_text=True)
    forged = province.post("/console/import", data={"files": [(io.BytesIO(b"x"), "contracts.csv")]},
                           content_type="multipart/form-data", base_url=HTTPS)
    assert forged.status_code == 400
    empty = province.post("/console/import", data={"csrf_token": csrf_of(page(province, "/console/import")
                                                                         .get_data(as_text=True))},
                          content_type="multipart/form-data", base_url=HTTPS)
    assert empty.status_code == 400 and words.NO_FILES in empty.get_data(as_text=True)
    assert count(db, ImportRun) == 0
    with Session(db) as session:
        assert session.scalar(select(StaffMember).where(StaffMember.line_user_id == MUANG_OFFICER)) is not None


def test_uploaded_names_stay_in_their_folder():
    taken: set[str] = set()
    assert safe_name("../../etc/passwd", taken) == "passwd"
    assert safe_name("C:\\Users\\me\\สัญญา 2567.csv", taken) == "สัญญา 2567.csv"
    assert safe_name("สัญญา 2567.CSV", taken) == "2-สัญญา 2567.CSV"
    assert safe_name("...", taken) == "file"
    assert safe_name("a<b>|c.csv", taken) == "a_b__c.csv"
