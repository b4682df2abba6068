"""Register imports started from the console (`import_runs`): create, follow, confirm, finish.

The work itself is `register`'s; this keeps the row a page polls and the audit trail of who
checked and who imported what. Never commits: the caller owns the transaction.

A run is a durable job. One job (a check or an import) runs at a time, and the database says
so: a running row holds `running = true`, which is unique (`create_run` and `confirm_run`
answer "busy" when another holds it). The process running a job writes `heartbeat_at` every
HEARTBEAT_EVERY; a job whose heartbeat is older than STALLED_AFTER died with its process, and
the clock fails it (`fail_stalled`). An import writes all its files in one transaction that
also moves its row to "imported" — only if the row is still its own (`finish_import`) — so
a stalled import has written nothing, and a failed one may simply be confirmed again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import ImportRun

RUNNING = ("checking", "importing")
HEARTBEAT_EVERY = timedelta(seconds=20)  # how often the process running a job says it is alive
STALLED_AFTER = timedelta(minutes=10)  # a job silent this long has died with its process

Confirmed = Literal["importing", "not_waiting", "busy"]


def running_run(session: Session) -> ImportRun | None:
    """The job running now (a check or an import), if any."""
    return session.scalars(select(ImportRun).where(ImportRun.running.is_(True))).first()


def create_run(session: Session, *, folder: str, files: list[dict[str, Any]], by: str, by_name: str,
               now: datetime) -> ImportRun | None:
    """A new run, checking its files; None when another job runs (the database refuses a second)."""
    run = ImportRun(folder=folder, files=files, status="checking", files_total=len(files), started_by=by,
                    started_by_name=by_name, created_at=now, updated_at=now, running=True, heartbeat_at=now)
    savepoint = session.begin_nested()
    session.add(run)
    try:
        session.flush()
    except IntegrityError:
        savepoint.rollback()
        return None
    savepoint.commit()
    return run


def import_run(session: Session, run_id: int) -> ImportRun | None:
    return session.get(ImportRun, run_id)


def recent_runs(session: Session, limit: int = 10) -> Sequence[ImportRun]:
    return session.scalars(select(ImportRun).order_by(ImportRun.created_at.desc(), ImportRun.id.desc())
                           .limit(limit)).all()


def stalled(run: ImportRun, now: datetime) -> bool:
    """Still running by its row, but its heartbeat stopped (its process did)."""
    return run.status in RUNNING and now - (run.heartbeat_at or run.updated_at) > STALLED_AFTER


def retryable(run: ImportRun) -> bool:
    """An import that failed after its check and confirmation: its stored files may be imported again
    (an import writes all or nothing, so a failed one wrote nothing)."""
    return (run.status == "failed" and run.confirmed_at is not None
            and any(report["ok"] for report in run.check_report or []))


def beat(session: Session, run_id: int, now: datetime) -> bool:
    """The job is alive; False when its row is no longer running (failed meanwhile, or finished)."""
    moved = session.execute(update(ImportRun).where(ImportRun.id == run_id, ImportRun.running.is_(True))
                            .values(heartbeat_at=now))
    return bool(getattr(moved, "rowcount", 0))


def record_progress(session: Session, run_id: int, *, done: int, total: int, current: str | None, rows: int,
                    now: datetime) -> None:
    session.execute(update(ImportRun).where(ImportRun.id == run_id, ImportRun.running.is_(True))
                    .values(files_done=done, files_total=total, current_file=current, rows_read=rows,
                            updated_at=now, heartbeat_at=now))


def confirm_run(session: Session, run_id: int, *, by: str, by_name: str, now: datetime) -> Confirmed:
    """Move a checked run (or a failed import, to try again) to importing.

    "not_waiting": it is not (any more) waiting for a confirmation; "busy": another job runs
    (the database's unique `running` refused this one).
    """
    run = session.get(ImportRun, run_id)
    if run is None or not (run.status == "checked" or retryable(run)):
        return "not_waiting"
    savepoint = session.begin_nested()
    try:
        moved = session.execute(update(ImportRun).where(ImportRun.id == run_id, ImportRun.status == run.status)
                                .values(status="importing", running=True, confirmed_by=by, confirmed_by_name=by_name,
                                        confirmed_at=now, updated_at=now, heartbeat_at=now, files_done=0, rows_read=0,
                                        current_file=None, problem=None, finished_at=None))
    except IntegrityError:
        savepoint.rollback()
        return "busy"
    savepoint.commit()
    session.expire(run)
    return "importing" if getattr(moved, "rowcount", 0) else "not_waiting"


def finish_check(session: Session, run_id: int, reports: list[dict[str, Any]], now: datetime) -> bool:
    """Record the check's report; the run then waits for a confirmation. False when the run stopped
    being this job's meanwhile (the clock failed it): the report is dropped."""
    moved = session.execute(update(ImportRun).where(ImportRun.id == run_id, ImportRun.status == "checking")
                            .values(status="checked", running=None, check_report=reports, current_file=None,
                                    files_done=ImportRun.files_total, updated_at=now))
    return bool(getattr(moved, "rowcount", 0))


def finish_import(session: Session, run_id: int, reports: list[dict[str, Any]], now: datetime) -> bool:
    """In the import's own transaction: the run is imported. False when it stopped being this job's
    meanwhile (the clock failed it): the caller rolls the whole import back."""
    moved = session.execute(update(ImportRun).where(ImportRun.id == run_id, ImportRun.status == "importing")
                            .values(status="imported", running=None, import_report=reports, current_file=None,
                                    files_done=ImportRun.files_total, updated_at=now, finished_at=now))
    return bool(getattr(moved, "rowcount", 0))


def fail_run(session: Session, run_id: int, problem: str, now: datetime) -> None:
    """The running job stopped, for `problem` (a finished or already failed run stays as it is)."""
    session.execute(update(ImportRun).where(ImportRun.id == run_id, ImportRun.status.in_(RUNNING))
                    .values(status="failed", running=None, problem=problem, updated_at=now, finished_at=now))


def fail_stalled(session: Session, now: datetime, problems: Mapping[str, str]) -> list[int]:
    """Fail every running job whose heartbeat stopped (`problems`: what to say, by status); their ids.

    Safe beside a job that is in fact alive: an import's last write checks that its row is
    still "importing", so a failed row rolls the import back whole.
    """
    cutoff = now - STALLED_AFTER
    found = session.scalars(select(ImportRun).where(
        ImportRun.status.in_(RUNNING),
        or_(ImportRun.heartbeat_at < cutoff, ImportRun.heartbeat_at.is_(None) & (ImportRun.updated_at < cutoff)))
        .with_for_update(skip_locked=True)).all()
    for run in found:
        run.problem = problems.get(run.status, "")
        run.status, run.running, run.updated_at, run.finished_at = "failed", None, now, now
    session.flush()
    return [run.id for run in found]
