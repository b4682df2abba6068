"""The console's register import as a durable job (issue 14, item 4): one at a time by the database's
word, a heartbeat the clock watches, a stalled import failed kindly with nothing written and confirmed
again, and the progress a page polls."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from messages import console_import as words
from models import Contract, ImportRun
from services import imports
from tests.conftest import NOW
from tests.test_console import HTTPS, PROVINCE_OFFICER, csrf_of, page, signed_in
from tests.test_console_import import DATA, count, office, settled, upload, where

__all__ = ["office"]


def running_job(db, *, status: str = "importing", heartbeat=NOW, **fields: object) -> int:  # type: ignore[no-untyped-def]
    """A job some process runs (or ran, until it stopped): its row only."""
    with Session(db) as session:
        run = ImportRun(folder=secrets.token_hex(16), files=[{"name": "big.csv", "stored": "big.csv", "sha256": "0"}],
                        status=status, started_by="U1", started_by_name="สมชาย", created_at=NOW,
                        updated_at=NOW, running=True, heartbeat_at=heartbeat, **{"files_total": 1, **fields})
        session.add(run)
        session.commit()
        return run.id


def status_of(db, run_id: int) -> tuple[str, bool | None, str | None]:  # type: ignore[no-untyped-def]
    with Session(db) as session:
        run = session.get(ImportRun, run_id)
        assert run is not None
        return run.status, run.running, run.problem


def checked(client) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A run of the good contracts file, checked and waiting for a confirmation: its path and page."""
    path = where(upload(client, ("contracts.csv", (DATA / "contracts.csv").read_bytes())))
    html = settled(client, path)
    assert words.STATUS["checked"] in html
    return path, html


def test_a_second_job_is_refused_while_one_runs(app, db, office):
    client = signed_in(app, PROVINCE_OFFICER)
    path, html = checked(client)
    other = running_job(db)
    before = count(db, Contract)
    refused = client.post(f"{path}/confirm", data={"csrf_token": csrf_of(html)}, base_url=HTTPS)
    assert refused.status_code == 409 and words.BUSY in refused.get_data(as_text=True)
    assert status_of(db, int(path.rsplit("/", 1)[1]))[0] == "checked"  # still waiting: confirm it later
    uploads = Path(app.extensions["wdf"].settings.uploads_dir) / "imports"
    folders = set(uploads.iterdir())
    again = upload(client, ("payments.csv", (DATA / "payments.csv").read_bytes()))
    said = again.get_data(as_text=True)
    assert again.status_code == 409 and words.BUSY in said
    assert f'href="/console/import/{other}"' in said  # the job that runs, to follow
    assert set(uploads.iterdir()) == folders and count(db, ImportRun) == 2  # nothing kept of the refused upload
    assert count(db, Contract) == before

    with Session(db) as session, pytest.raises(IntegrityError):  # the database's word, not the page's
        session.add(ImportRun(folder="x" * 32, files=[], status="checking", files_total=0, started_by="U2",
                              started_by_name="x", created_at=NOW, updated_at=NOW, running=True))
        session.commit()

    with Session(db) as session:  # the job ends: the next one may start
        imports.fail_run(session, other, "stopped", NOW)
        session.commit()
    confirmed = client.post(f"{path}/confirm", data={"csrf_token": csrf_of(html)}, base_url=HTTPS)
    assert confirmed.status_code == 302
    assert words.STATUS["imported"] in settled(client, path) and count(db, Contract) == before + 3


def test_two_confirmations_at_once_start_one_import(app, db, office, clock):
    client = signed_in(app, PROVINCE_OFFICER)
    first, _ = checked(client)
    second, _ = checked(client)
    with Session(db) as session:
        assert imports.confirm_run(session, int(first.rsplit("/", 1)[1]), by="U1", by_name="ก", now=NOW) == "importing"
        assert imports.confirm_run(session, int(second.rsplit("/", 1)[1]), by="U2", by_name="ข", now=NOW) == "busy"
        assert imports.confirm_run(session, int(first.rsplit("/", 1)[1]), by="U2", by_name="ข",
                                   now=NOW) == "not_waiting"
        session.rollback()


def test_the_clock_fails_a_stalled_job_kindly_and_it_may_be_confirmed_again(app, db, office, clock):
    client = signed_in(app, PROVINCE_OFFICER)
    path, html = checked(client)
    run_id = int(path.rsplit("/", 1)[1])
    before = count(db, Contract)
    with Session(db) as session:  # confirmed, and then its web process died before it wrote anything
        assert imports.confirm_run(session, run_id, by=PROVINCE_OFFICER, by_name="วิไลวรรณ",
                                   now=NOW - timedelta(minutes=11)) == "importing"
        session.commit()
    alive = page(client, path).get_data(as_text=True)
    assert words.STALLED in alive and 'http-equiv="refresh"' not in alive  # the page sees it before the clock

    result = app.test_cli_runner().invoke(args=["scheduler", "--once"])
    assert result.exit_code == 0 and "ran stalled_imports" in result.output, result.output
    assert status_of(db, run_id) == ("failed", None, words.STALLED_PROBLEMS["importing"])
    assert count(db, Contract) == before  # all or nothing: nothing
    failed = page(client, path).get_data(as_text=True)
    assert "ไม่มีข้อมูลใดถูกบันทึก" in failed and words.RETRY_BUTTON in failed

    again = client.post(f"{path}/confirm", data={"csrf_token": csrf_of(failed)}, base_url=HTTPS)
    assert again.status_code == 302
    done = settled(client, path)
    assert words.STATUS["imported"] in done and count(db, Contract) == before + 3
    assert status_of(db, run_id) == ("imported", None, None)


def test_a_stalled_check_is_failed_and_asks_for_a_new_upload(app, db, office, clock):
    client = signed_in(app, PROVINCE_OFFICER)
    stalled_check = running_job(db, status="checking", heartbeat=NOW - timedelta(minutes=30), files_total=3)
    assert app.test_cli_runner().invoke(args=["scheduler", "--once"]).exit_code == 0
    assert status_of(db, stalled_check) == ("failed", None, words.STALLED_PROBLEMS["checking"])
    html = page(client, f"/console/import/{stalled_check}").get_data(as_text=True)
    assert "กรุณาอัปโหลดไฟล์เพื่อตรวจอีกครั้ง" in html and words.RETRY_BUTTON not in html
    assert words.CONFIRM_BUTTON not in html


def test_a_job_with_a_live_heartbeat_is_left_alone_and_an_import_failed_meanwhile_writes_nothing(app, db, clock):
    alive = running_job(db, heartbeat=NOW - timedelta(minutes=2))
    assert app.test_cli_runner().invoke(args=["scheduler", "--once"]).exit_code == 0
    assert status_of(db, alive) == ("importing", True, None)
    with Session(db) as session:
        assert imports.beat(session, alive, NOW)
        assert imports.fail_stalled(session, NOW + imports.STALLED_AFTER + timedelta(seconds=1), {}) == [alive]
        assert not imports.finish_import(session, alive, [], NOW)  # the import's last write: rolled back whole
        assert not imports.beat(session, alive, NOW)  # and its heartbeat stops
        session.commit()


def test_the_page_shows_how_far_a_job_is_and_polls(app, db, office):
    client = signed_in(app, PROVINCE_OFFICER)
    run_id = running_job(db, files_done=1, files_total=3, rows_read=12345, current_file="payments.csv")
    html = page(client, f"/console/import/{run_id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in html and words.STATUS["importing"] in html
    assert '<progress max="3" value="1">' in html
    assert "ไฟล์ที่ 2 จาก 3 · payments.csv · อ่านแล้ว 12,345 แถว" in html
    with Session(db) as session:
        imports.record_progress(session, run_id, done=2, total=3, current="members.csv", rows=50, now=NOW)
        session.commit()
    html = page(client, f"/console/import/{run_id}").get_data(as_text=True)
    assert "ไฟล์ที่ 3 จาก 3 · members.csv · อ่านแล้ว 50 แถว" in html
