"""Register import (`/console/import`): upload LM exports, read the check report, then confirm.

Province officers only (and the ADMIN_TOKEN bootstrap): the register is the whole
province's. The uploaded files are kept under UPLOADS_DIR/imports/<random folder>/ with
their names made safe, and their SHA-256 noted. The check and the import are the CLI's own
code (`register.importer.import_files`: the check is the import rolled back), run by a thread
of the web process so that no request waits for them; the thread writes its progress and a
heartbeat to the run's row (`import_runs`), which the page reads (it reloads itself while the
job runs, by a meta refresh: the CSP allows no inline script). Nothing is written before an
officer confirms, and a file that changed since its check is refused. The run's row is the
audit trail: who uploaded, who confirmed, the files and their hashes, both reports.

The run is a durable job (services/imports.py): one at a time, enforced by the database (a
second upload or confirm while one runs gets a kind answer, 409); the import writes every file
in one transaction that also marks the run imported, so a web process that dies mid-import has
written nothing; the clock process fails a job whose heartbeat stopped (scheduler.jobs
`stalled_imports`), saying so kindly, and the officer may confirm the failed import again (its
files are kept) rather than the clock restarting it: a job that took its process down should not
take down the process that sends the reminders.

On SQLite a job's session holds the database's one write lock for its whole length, so there
the page shows progress only between files, and the heartbeat waits for the job's end.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import shutil
import threading
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from bot.runtime import Runtime, runtime
from domain.clock import BANGKOK
from domain.console import page_of
from messages import console_import as words
from messages.format import thai_date, thai_time
from models import ImportRun
from register.importer import import_files, refresh_stored_list
from register.limits import Limits
from register.report import FileReport, report_json
from services import imports
from web.console.access import db, viewer
from web.console.forms import ROW_ID
from web.console.today import whole_number
from web.limits import body_limit

log = logging.getLogger(__name__)
FORM_ALLOWANCE = 64 * 1024  # the form's other fields and the multipart boundaries, beside the files
MOST_FILES = 20
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')  # what no file system takes; Thai names stay as they are
_HASH_CHUNK = 1024 * 1024


def import_body_limit() -> int:
    """All the files of one upload together: at most IMPORT_MAX_BYTES, and the form around them."""
    return runtime().settings.import_max_bytes + FORM_ALLOWANCE


def safe_name(name: str, taken: set[str]) -> str:
    """A file name that stays inside its folder and is not one of `taken` (the upload's other files)."""
    base = _UNSAFE.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")[-120:] or "file"
    found, n = base, 1
    while found.casefold() in taken:
        n += 1
        found = f"{n}-{base}"
    taken.add(found.casefold())
    return found


def moment(at: Any) -> str:
    local = at.astimezone(BANGKOK)
    return f"{thai_date(local.date())} {thai_time(local)}"


def province_only() -> tuple[str, int] | None:
    """Only officers of the whole register import (a file may hold any area's contracts); a
    district's or a province's officer gets a kind page, 403."""
    if not viewer().whole_register:
        return render_template("console/problem.html", text=words.PROVINCE_ONLY), 403
    return None


def import_page(problem: str | None = None, status: int = 200, busy: ImportRun | None = None) -> tuple[str, int]:
    refused = province_only()
    if refused:
        return refused
    return render_template("console/import.html", words=words, runs=imports.recent_runs(db()), problem=problem,
                           moment=moment, busy=busy), status


@body_limit(import_body_limit)
def upload() -> Response | tuple[str, int]:
    refused = province_only()
    if refused:
        return refused
    uploads = [f for f in request.files.getlist("files") if f.filename]
    if not uploads:
        return import_page(words.NO_FILES, 400)
    if len(uploads) > MOST_FILES:
        return import_page(words.TOO_MANY_FILES.format(most=MOST_FILES), 400)
    rt = runtime()
    if imports.running_run(db()) is not None:  # before storing the files; the database has the last word below
        return busy_page()
    folder = secrets.token_hex(16)
    where = Path(rt.settings.uploads_dir) / "imports" / folder
    where.mkdir(parents=True, exist_ok=False)
    taken: set[str] = set()
    files = [keep(found, where, taken) for found in uploads]
    who = viewer()
    run = imports.create_run(db(), folder=folder, files=files, by=who.audit_id, by_name=who.name, now=rt.clock.now())
    if run is None:
        db().rollback()
        shutil.rmtree(where, ignore_errors=True)
        return busy_page()
    db().commit()
    log.info("register import %s: %s file(s) uploaded for a check", run.id, len(files))
    start(rt, run.id)
    return redirect(url_for("console.import_run", run_id=run.id))


def busy_page() -> tuple[str, int]:
    """Another check or import runs: say which, kindly, and that this one can follow it."""
    return import_page(words.BUSY, 409, busy=imports.running_run(db()))


def keep(upload: FileStorage, where: Path, taken: set[str]) -> dict[str, Any]:
    """Store one uploaded file under its safe name; what the run remembers of it."""
    stored = safe_name(upload.filename or "", taken)
    digest = hashlib.sha256()
    with (where / stored).open("wb") as out:
        while chunk := upload.stream.read(_HASH_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return {"name": upload.filename, "stored": stored, "sha256": digest.hexdigest()}


def run_or_404(run_id: int) -> ImportRun:
    found = imports.import_run(db(), run_id)
    if found is None:
        abort(404)
    return found


def run_page(run_id: int) -> tuple[str, int]:
    refused = province_only()
    if refused:
        return refused
    run = run_or_404(run_id)
    return show_run(run), 200


def show_run(run: ImportRun, problem: str | None = None) -> str:
    reports = run.import_report if run.status == "imported" else run.check_report
    lines = [(report["name"], r["where"], r["reason"]) for report in reports or [] for r in report["rejections"]]
    page = page_of(whole_number(request.args.get("page")), 100, len(lines))
    shown = lines[(page.number - 1) * page.size: page.number * page.size]
    importable = any(report["ok"] for report in run.check_report or [])
    stalled = imports.stalled(run, runtime().clock.now())
    return render_template("console/import_run.html", words=words, run=run, reports=reports or [], lines=shown,
                           page=page, importable=importable, stalled=stalled, problem=problem, moment=moment,
                           running=run.status in imports.RUNNING and not stalled, retryable=imports.retryable(run))


def confirm(run_id: int) -> Response | tuple[str, int]:
    refused = province_only()
    if refused:
        return refused
    run = run_or_404(run_id)
    rt = runtime()
    who = viewer()
    moved = (imports.confirm_run(db(), run.id, by=who.audit_id, by_name=who.name, now=rt.clock.now())
             if any(report["ok"] for report in run.check_report or []) else "not_waiting")
    if moved != "importing":
        db().rollback()
        return show_run(run, words.BUSY if moved == "busy" else words.NOT_WAITING), 409
    db().commit()
    log.info("register import %s confirmed", run.id)
    start(rt, run.id)
    return redirect(url_for("console.import_run", run_id=run.id))


# -- the job, in a thread of the web process


def start(rt: Runtime, run_id: int) -> threading.Thread:
    """Run the run's check or import beside the request, which answers at once."""
    job = threading.Thread(target=run_job, args=(rt, run_id), name=f"import-{run_id}", daemon=True)
    job.start()
    return job


def run_job(rt: Runtime, run_id: int) -> None:
    """Check (status checking) or import (status importing) the run's files; the report goes to its row.

    A heartbeat thread says the job is alive while it runs. The import writes every file in
    one transaction with the run's move to "imported", so it is all or nothing, whatever stops it.
    """
    heartbeat = Heartbeat(rt, run_id)
    heartbeat.start()
    try:
        with rt.sessions() as session:
            run = imports.import_run(session, run_id)
            if run is None or run.status not in imports.RUNNING:
                return
            importing = run.status == "importing"
            where = Path(rt.settings.uploads_dir) / "imports" / run.folder
            paths, problem = files_as_checked(where, run.files)
            if problem is not None:
                imports.fail_run(session, run_id, problem, rt.clock.now())
                session.commit()
                return
        progress = None if rt.engine.dialect.name == "sqlite" else progress_writer(rt, run_id)
        limits = Limits.from_settings(rt.settings)
        with rt.sessions() as session:
            reports = import_files(session, paths, rt.clock.now(), limits=limits, check=not importing,
                                   commit=False, progress=progress)
            shown = [report_json(r) for r in reports]
            if importing:
                if not imports.finish_import(session, run_id, shown, rt.clock.now()):
                    session.rollback()  # the clock failed the run meanwhile: nothing of it is written
                    log.warning("register import %s was failed while it ran: rolled back", run_id)
                    return
                session.commit()
                # After the commit, as the CLI does: inside the import's transaction the planner would see
                # none of the new rows counted (a fresh register's first import: minutes, not seconds).
                refresh_stored_list(session, rt.clock.now())
        if not importing:
            with rt.sessions() as session:
                if not imports.finish_check(session, run_id, shown, rt.clock.now()):
                    log.warning("register import %s was failed while it was checked", run_id)
                    return
                session.commit()
        log.info("register import %s %s: %s of %s file(s) without a rejected line", run_id,
                 "imported" if importing else "checked", sum(r.ok for r in reports), len(reports))
    except Exception:
        log.exception("register import %s stopped", run_id)
        with rt.sessions() as session:
            imports.fail_run(session, run_id, words.JOB_FAILED, rt.clock.now())
            session.commit()
    finally:
        heartbeat.stop()


class Heartbeat:
    """A thread that writes the run's heartbeat every HEARTBEAT_EVERY while its job runs, in sessions
    of its own (the job's transaction stays open); the clock fails a job whose heartbeat stops."""

    def __init__(self, rt: Runtime, run_id: int) -> None:
        self.rt, self.run_id = rt, run_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, name=f"import-{run_id}-heartbeat", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)

    def run(self) -> None:
        while not self.stopped.wait(imports.HEARTBEAT_EVERY.total_seconds()):
            try:
                with self.rt.sessions() as session:
                    alive = imports.beat(session, self.run_id, self.rt.clock.now())
                    session.commit()
            except Exception:  # SQLite: the job holds the write lock; the next beat tries again
                log.warning("register import %s: heartbeat not written", self.run_id, exc_info=True)
                continue
            if not alive:
                return


def files_as_checked(where: Path, files: list[dict[str, Any]]) -> tuple[list[Path], str | None]:
    """The stored files, each still as it was uploaded (its SHA-256), or why not."""
    paths = []
    for found in files:
        path = where / found["stored"]
        if not path.is_file():
            return [], words.MISSING.format(name=found["name"])
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(_HASH_CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != found["sha256"]:
            return [], words.CHANGED.format(name=found["name"])
        paths.append(path)
    return paths, None


def progress_writer(rt: Runtime, run_id: int) -> Any:
    """Progress to the run's row, in a session of its own (the import's transaction is still open)."""
    def tell(done: int, total: int, report: FileReport | None) -> None:
        with rt.sessions() as session:
            imports.record_progress(session, run_id, done=done, total=total,
                                    current=report.name[:300] if report else None,
                                    rows=report.rows if report else 0, now=rt.clock.now())
            session.commit()
    return tell


def routes(bp: Blueprint) -> None:
    bp.add_url_rule("/import", "import_page", import_page, methods=["GET"])
    bp.add_url_rule("/import", "import_upload", upload, methods=["POST"])
    bp.add_url_rule(f"/import/<{ROW_ID}:run_id>", "import_run", run_page, methods=["GET"])
    bp.add_url_rule(f"/import/<{ROW_ID}:run_id>/confirm", "import_confirm", confirm, methods=["POST"])
