"""Register imports started from the console (`import_runs`): create, follow, confirm, finish.

The work itself is `register`'s; this keeps the row a page polls and the audit trail of who
checked and who imported what. Never commits: the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import ImportRun

RUNNING = ("checking", "importing")
STALLED_AFTER = timedelta(minutes=30)  # a job that said nothing for this long has died with its process


def create_run(session: Session, *, folder: str, files: list[dict[str, Any]], by: str, by_name: str,
               now: datetime) -> ImportRun:
    """A new run, checking its files."""
    run = ImportRun(folder=folder, files=files, status="checking", files_total=len(files), started_by=by,
                    started_by_name=by_name, created_at=now, updated_at=now)
    session.add(run)
    session.flush()
    return run


def import_run(session: Session, run_id: int) -> ImportRun | None:
    return session.get(ImportRun, run_id)


def recent_runs(session: Session, limit: int = 10) -> Sequence[ImportRun]:
    return session.scalars(select(ImportRun).order_by(ImportRun.created_at.desc(), ImportRun.id.desc())
                           .limit(limit)).all()


def stalled(run: ImportRun, now: datetime) -> bool:
    """Still running by its row, but silent for longer than any job is (its process stopped)."""
    return run.status in RUNNING and now - run.updated_at > STALLED_AFTER


def record_progress(session: Session, run_id: int, *, done: int, total: int, current: str | None, rows: int,
                    now: datetime) -> None:
    session.execute(update(ImportRun).where(ImportRun.id == run_id, ImportRun.status.in_(RUNNING))
                    .values(files_done=done, files_total=total, current_file=current, rows_read=rows,
                            updated_at=now))


def confirm_run(session: Session, run_id: int, *, by: str, by_name: str, now: datetime) -> bool:
    """Move a checked run to importing; False when it is not (any more) waiting for a confirmation."""
    moved = session.execute(update(ImportRun).where(ImportRun.id == run_id, ImportRun.status == "checked")
                            .values(status="importing", confirmed_by=by, confirmed_by_name=by_name,
                                    confirmed_at=now, updated_at=now, files_done=0, rows_read=0,
                                    current_file=None))
    return bool(getattr(moved, "rowcount", 0))


def finish_run(session: Session, run: ImportRun, reports: list[dict[str, Any]], now: datetime) -> None:
    """Record the check's report (then the run waits for a confirmation), or the import's."""
    if run.status == "checking":
        run.check_report, run.status = reports, "checked"
    else:
        run.import_report, run.status, run.finished_at = reports, "imported", now
    run.files_done, run.current_file, run.updated_at = run.files_total, None, now


def fail_run(session: Session, run: ImportRun, problem: str, now: datetime) -> None:
    run.status, run.problem, run.updated_at, run.finished_at = "failed", problem, now, now
