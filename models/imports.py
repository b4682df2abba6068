"""Register imports started from the console: the uploaded files, the check, the import, its progress."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

IMPORT_STATES = ("checking", "checked", "importing", "imported", "failed")


class ImportRun(Base):
    """One upload of register files: checked in the background, then imported when an officer confirms.

    `files` lists each stored file: its original name, its name under `folder`, and its
    SHA-256 at upload (a file changed before the import is refused). The reports are
    `register.report.FileReport`s as JSON. Who started and who confirmed it is the audit
    trail of the import (an officer's LINE user id, or ``ADMIN_TOKEN``, and their name).

    One job at a time: `running` is true while the run is checking or importing and NULL
    otherwise, and it is unique, so the database itself refuses a second job (NULLs never
    collide). `heartbeat_at` is written every few seconds by the process running the job; a
    running job whose heartbeat stopped is failed by the clock (services.imports.fail_stalled).
    """

    __tablename__ = "import_runs"
    __table_args__ = (
        CheckConstraint("status in ('checking','checked','importing','imported','failed')", name="status_known"),
        CheckConstraint("(running is null and status not in ('checking','importing')) "
                        "or (running and status in ('checking','importing'))", name="running_while_a_job_runs"),
        Index("ix_import_runs_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    folder: Mapped[str] = mapped_column(String(64), unique=True)  # under UPLOADS_DIR/imports/
    files: Mapped[list[Any]]
    status: Mapped[str] = mapped_column(String(16))
    files_done: Mapped[int] = mapped_column(default=0)
    files_total: Mapped[int] = mapped_column(default=0)
    rows_read: Mapped[int] = mapped_column(default=0)  # of the file being read
    current_file: Mapped[str | None] = mapped_column(String(300))
    check_report: Mapped[list[Any] | None]
    import_report: Mapped[list[Any] | None]
    problem: Mapped[str | None] = mapped_column(Text)  # why the job stopped (failed)
    started_by: Mapped[str] = mapped_column(String(64))
    started_by_name: Mapped[str] = mapped_column(String(200))
    confirmed_by: Mapped[str | None] = mapped_column(String(64))
    confirmed_by_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    running: Mapped[bool | None] = mapped_column(unique=True)
    heartbeat_at: Mapped[datetime | None]
