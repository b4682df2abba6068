"""Register import: contracts, members and payments from CSV or XLSX (INTERFACES.md).

    reports = import_files(session, ["contracts.csv", "members.csv", "payments.csv"], now)
    print(messages.imports.format_report(reports))

* What a file holds comes from its name (``contracts.csv``, ``2026-11-members.csv``,
  ``payments_lm_export.xlsx``) or, in a workbook, from its sheet names (one sheet per kind;
  one workbook may hold all three): `register.sources`. Whatever the argument order,
  contracts are imported before members before payments, so members and payments may refer
  to contracts of a contracts file of the same call.
* Every row of a file is checked (`register.loader`, the cells by `register.cells`), a chunk
  of rows at a time, each chunk written as soon as it is checked, all in one SAVEPOINT per
  file. One bad row and the SAVEPOINT is rolled back: nothing of that file is written
  (all-or-nothing per file); the report (`register.report`) lists every bad row with its
  line (CSV: the header is line 1) or its sheet and row (XLSX, as Excel shows them).
* How much a file may hold (bytes, rows, cells; `register.limits`, the settings IMPORT_MAX_*)
  is checked before it is read, and again while it is read: a file past a limit is refused
  whole with the limit in its report, and the files before and after it import as usual.
* Files are committed one by one (``commit=True``), each written in its own SAVEPOINT; each
  sheet of a workbook is a file of its own. ``commit=False`` leaves committing to the caller.
* ``check=True`` is a dry run on the same code: every file is checked and written exactly as
  above (so members see the contracts of the same call), then the whole transaction is
  rolled back. Its report is the one the import would give; nothing is written.
* ``progress`` (optional) is told how far the import is: files done, files in all and the
  report of the file being read (its ``rows`` so far), at each file and every chunk of
  PENDING_ROWS rows.
* Contracts are upserted by ``project_code``, people by ``national_id``, roles by
  (contract, person); a payment is its four values (code, date, amount, reference), so a
  repeated payment row (in the file or already stored) counts as unchanged. Re-importing
  the same files changes nothing. Nothing is ever deleted. (`register.contracts`,
  `register.members`, `register.payments`.)
* Empty cells: an empty *optional* member cell (phone, birth date, address, pin) and an
  empty ``demand_letter_date`` leave the stored value alone; contract columns that have a
  documented default (fund, interval, rates, status) take that default when empty. The
  area of a contract is exactly the path in the row (no village → the subdistrict).
* XLSX cells may be real dates (midnight; a B.E. year in a date cell is refused) and
  numbers; a phone number stored as a number gets its leading 0 back.

Speed and memory (docs/PERFORMANCE.md): rows are streamed (csv reader, openpyxl read-only)
in chunks of PENDING_ROWS rows; a chunk's project codes and existing rows are looked up
together (PostgreSQL: a join with the keys as one JSON text; elsewhere ``IN`` lists) and
compared in memory; new rows go in with COPY on PostgreSQL and executemany batches elsewhere, changed
rows with COPY into a temporary table and one ``UPDATE ... FROM`` (executemany elsewhere)
(`register.bulk`). What later chunks are checked against (codes, people and roles met
earlier in the file) is kept in temporary tables, so memory does not grow with the file.
A thread reads and parses the next chunk while one is written; a CSV file of 16 MB or more
is read and parsed by a process of its own, on the other core (`Loader.read`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from datetime import datetime
from functools import partial
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from register.bulk import plan_each_query
from register.contracts import ContractsLoader
from register.limits import Limits
from register.loader import ImportState, Loader
from register.members import MembersLoader
from register.payments import PaymentsLoader
from register.report import FileReport
from register.sources import NOT_UTF8, FileProblem, Source, Table, not_csv, plan_sources
from services.followups import bring_up_to_date

LOADERS: dict[str, type[Loader]] = {
    "contracts": ContractsLoader, "members": MembersLoader, "payments": PaymentsLoader,
}
#: Told how far an import is: files done, files in all, the report of the file being read.
Progress = Callable[[int, int, FileReport | None], None]


def import_files(session: Session, paths: Iterable[str | Path], now: datetime, *,
                 commit: bool = True, limits: Limits | None = None, check: bool = False,
                 progress: Progress | None = None) -> list[FileReport]:
    """Import register files (CSV or XLSX); contracts, then members, then payments.

    Each file is checked completely first, then written in a SAVEPOINT only when no row was
    rejected, then committed (``commit=False`` leaves committing to the caller). ``now``
    (aware) stamps contracts' created_at/updated_at. ``limits``: how much a file may hold
    (by default the settings' defaults). ``check=True``: the same, then everything rolled
    back (the report of what the import would do). ``progress``: see the module's text.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    state = ImportState()
    reports = []
    try:
        with ExitStack() as books:
            sources = plan_sources(paths, books, limits)
            for done, source in enumerate(sources):
                report = FileReport(name=source.name, kind=source.kind, notes=list(source.notes))
                if progress is not None:
                    progress(done, len(sources), report)
                    state.tick = partial(progress, done, len(sources), report)
                import_source(session, source, now, state, report)
                if commit and not check:
                    session.commit()
                reports.append(report)
            if progress is not None:
                progress(len(sources), len(sources), None)
    finally:
        if check:
            session.rollback()
    return reports


def import_source(session: Session, source: Source, now: datetime, state: ImportState,
                  report: FileReport | None = None) -> FileReport:
    """Check and write one CSV file or sheet (into `report`, or a new one), all or nothing.

    The file is read in chunks, each written as soon as it is checked, all in one SAVEPOINT
    that is rolled back when any row was rejected or the file was refused.
    """
    if report is None:
        report = FileReport(name=source.name, kind=source.kind, notes=list(source.notes))
    if source.error is not None or source.kind is None:
        report.error = source.error or "unknown kind"
        return report
    with plan_each_query(session):
        return _import_source(session, source, now, state, report)


def _import_source(session: Session, source: Source, now: datetime, state: ImportState,
                   report: FileReport) -> FileReport:
    savepoint = session.begin_nested()
    try:
        with ExitStack() as stack:
            loader = _read(session, source, now, state, report, stack)
        if report.rejected:
            report.rejections.sort()
            loader.finish_rejected()
        else:
            loader.finish()
    except FileProblem as exc:
        savepoint.rollback()
        report.error = str(exc)
        report.rejected, report.rejections = 0, []  # the file is refused whole: its lines do not matter
        _nothing_written(report)
        return report
    except SQLAlchemyError as exc:
        savepoint.rollback()
        _nothing_written(report)
        report.error = f"the database refused the file, nothing was written ({getattr(exc, 'orig', None) or exc})"
        return report
    if report.rejected:
        savepoint.rollback()
        _nothing_written(report)
    else:
        savepoint.commit()
    return report


def _nothing_written(report: FileReport) -> None:
    report.created = report.updated = report.unchanged = 0
    report.details.clear()


def _read(session: Session, source: Source, now: datetime, state: ImportState, report: FileReport,
          stack: ExitStack) -> Loader:
    try:
        table = Table(source, stack)
        loader = LOADERS[source.kind or ""](session, table, report, now, state)
        try:
            loader.read()
        except (FileProblem, UnicodeDecodeError, csv.Error):
            loader.finish_rejected()  # its project codes are "not imported", not unknown, for the next files
            raise
    except UnicodeDecodeError:
        raise FileProblem(NOT_UTF8) from None
    except csv.Error as exc:
        raise FileProblem(not_csv(exc)) from None
    return loader


def refresh_stored_list(session: Session, now: datetime) -> None:
    """Store the follow-up list again when the import changed the register (`services.standing`),
    so that officers' lists read it at once rather than computing it until the clock does."""
    bring_up_to_date(session, now.date(), now)
    session.commit()  # the list stored, or (current already) only the state row's lock let go
