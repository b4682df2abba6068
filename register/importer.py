"""Register import: contracts, members and payments from CSV or XLSX (INTERFACES.md).

    reports = import_files(session, ["contracts.csv", "members.csv", "payments.csv"], now)
    print(format_report(reports))

* What a file holds comes from its name (``contracts.csv``, ``2026-11-members.csv``,
  ``payments_lm_export.xlsx``) or, in a workbook, from its sheet names (one sheet per kind;
  one workbook may hold all three). Whatever the argument order, contracts are imported
  before members before payments, so members and payments may refer to contracts of a
  contracts file of the same call.
* Every row of a file is checked before anything is written. One bad row and nothing of
  that file is written (all-or-nothing per file); the report lists every bad row with its
  line (CSV: the header is line 1) or its sheet and row (XLSX, as Excel shows them).
* Files are committed one by one (``commit=True``), each written in its own SAVEPOINT; each
  sheet of a workbook is a file of its own. ``commit=False`` leaves committing to the caller.
* Contracts are upserted by ``project_code``, people by ``national_id``, roles by
  (contract, person); a payment is its four values (code, date, amount, reference), so a
  repeated payment row (in the file or already stored) counts as unchanged. Re-importing
  the same files changes nothing. Nothing is ever deleted.
* Empty cells: an empty *optional* member cell (phone, birth date, address, pin) and an
  empty ``demand_letter_date`` leave the stored value alone; contract columns that have a
  documented default (fund, interval, rates, status) take that default when empty. The
  area of a contract is exactly the path in the row (no village → the subdistrict).
* XLSX cells may be real dates (midnight; a B.E. year in a date cell is refused) and
  numbers; a phone number stored as a number gets its leading 0 back.

Speed (docs/PERFORMANCE.md): rows are streamed (csv reader, openpyxl read-only) into compact
tuples; project codes are looked up PENDING_ROWS rows at a time, existing rows are loaded
in bulk (PostgreSQL: a join with ``unnest(:array)``; elsewhere ``IN`` lists) and compared
in memory; new rows go in with COPY on PostgreSQL and executemany batches elsewhere;
changed rows with executemany UPDATEs by primary key.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from sys import intern
from typing import Any

from sqlalchemy import func, insert, literal, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from domain.textnorm import to_ascii_digits
from domain.thaiparse import parse_money, parse_national_id, parse_register_date
from models import Area, Contract, Fund, Membership, Payment, Person
from models.db import WRITE_BATCH, bulk_insert, table_of
from models.register import CONTRACT_STATUSES, ROLES
from services import standing
from services.reports import refresh_followups

KINDS = ("contracts", "members", "payments")
KIND_WORDS = {  # in a file or sheet name, case ignored
    "contracts": ("contract", "สัญญา"), "members": ("member", "สมาชิก"), "payments": ("payment", "ชำระ"),
}
FUND_NAMES = {"WDF": "กองทุนพัฒนาบทบาทสตรี"}
DEFAULT_FUND = "WDF"
DEFAULT_INTEREST = Decimal("0.10")
DEFAULT_PENALTY = Decimal("7.5")
LOOKUP_CHUNK = 500  # keys per `IN (...)` lookup (SQLite and others)
LOOKUP_CHUNK_POSTGRES = 20000  # keys per `unnest(:array)` lookup
PAYMENT_LOOKUP_CHUNK = 2000  # contracts per lookup of stored payments (~10 rows each: keeps memory flat)
PENDING_ROWS = 5000  # rows read before their project codes are looked up together

COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # kind → (required, optional)
    "contracts": (
        ("project_code", "project_name", "province", "district", "subdistrict", "contract_date",
         "principal", "installment_count", "first_due_date"),
        ("fund", "village", "interval_months", "interest_rate", "default_rate", "status",
         "demand_letter_date"),
    ),
    "members": (
        ("project_code", "national_id", "first_name", "last_name", "role"),
        ("phone", "birth_date", "address", "lat", "lng"),
    ),
    "payments": (("project_code", "paid_on", "amount"), ("reference",)),
}
ROLE_WORDS = {
    "borrower": "borrower", "co_debtor": "co_debtor", "guarantor": "guarantor",
    "co-debtor": "co_debtor", "co debtor": "co_debtor", "codebtor": "co_debtor",
    "ผู้กู้": "borrower", "ผู้กู้หลัก": "borrower", "ลูกหนี้ร่วม": "co_debtor",
    "ผู้ค้ำประกัน": "guarantor", "ผู้ค้ำ": "guarantor",
}


# --------------------------------------------------------------------------- reports


@dataclass(order=True)
class Rejection:
    """One rejected row: where it is (``line 17`` / ``sheet "members" row 17``) and why."""

    line: int
    where: str = field(compare=False)
    reason: str = field(compare=False)

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class FileReport:
    """What one file (or one sheet of a workbook) did."""

    name: str
    kind: str | None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rows: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    details: dict[str, int] = field(default_factory=dict)
    error: str | None = None  # the whole file was refused (unreadable, columns missing …)

    @property
    def ok(self) -> bool:
        """Imported with no row rejected."""
        return self.error is None and self.rejected == 0


def format_report(reports: Sequence[FileReport]) -> str:
    """The text officers read after `import`: one block per file, then a total."""
    lines: list[str] = []
    for report in reports:
        lines.extend(_format_one(report))
    bad = sum(1 for r in reports if not r.ok)
    total = f"{len(reports) - bad} of {len(reports)} file(s) imported"
    if bad:
        total += f"; {bad} NOT imported (ไม่ได้นำเข้า): fix the lines above and import those files again"
    lines.append(total)
    return "\n".join(lines)


def _format_one(report: FileReport) -> list[str]:
    counts = (f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
              f"{report.rejected} rejected")
    name = report.name
    if report.error is not None:
        out = [f"{name}: NOT IMPORTED (ไม่ได้นำเข้า): {report.error}"]
    elif report.rejected:
        out = [f"{name}: {counts}: NOT IMPORTED (ไม่ได้นำเข้า), nothing from this file was written"]
    else:
        groups: dict[str, list[str]] = {}
        for key, value in report.details.items():  # people_created → "people: 12 created"
            noun, _, verb = key.rpartition("_")
            groups.setdefault(noun, []).append(f"{value} {verb}")
        extra = "; ".join(f"{noun}: {', '.join(parts)}" for noun, parts in groups.items())
        out = [f"{name}: {counts}" + (f" ({extra})" if extra else "")]
    out.extend(f"  {note}" for note in report.notes)
    out.extend(f"  {rejection}" for rejection in report.rejections)
    return out


# --------------------------------------------------------------------------- sources


@dataclass
class Source:
    """One thing to import: a CSV file, or one sheet of a workbook."""

    path: Path
    kind: str | None
    sheet: str | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    book: Any = field(default=None, repr=False)  # the open workbook, shared by its sheets

    @property
    def name(self) -> str:
        if self.sheet is not None:
            return f"{self.path.name} [sheet {self.sheet}]"
        if self.kind and self.path.stem.casefold() != self.kind:
            return f"{self.path.name} ({self.kind})"
        return self.path.name


def kind_of(name: str) -> str | None:
    """`contracts`, `members` or `payments` when the name holds the word of exactly one kind."""
    folded = name.casefold()
    found = [kind for kind in KINDS if any(word in folded for word in KIND_WORDS[kind])]
    return found[0] if len(found) == 1 else None


def plan_sources(paths: Iterable[str | Path], books: ExitStack | None = None) -> list[Source]:
    """What to import, in order: unreadable/unknown first, then contracts, members, payments.

    With `books`, workbooks stay open (closed by that stack) and their sheets share them:
    openpyxl reads a whole sheet once more each time a workbook is opened when the sheet
    does not state its dimensions."""
    sources: list[Source] = []
    for raw in paths:
        path = Path(raw)
        suffix = path.suffix.casefold()
        if not path.is_file():
            sources.append(Source(path, None, error="file not found"))
        elif suffix in (".xlsx", ".xlsm"):
            sources.extend(_workbook_sources(path, books))
        elif suffix in (".csv", ".txt"):
            kind = kind_of(path.stem)
            error = None if kind else ("cannot tell what this file holds: its name must contain "
                                       "contracts, members or payments")
            sources.append(Source(path, kind, error=error))
        elif suffix == ".xls":
            sources.append(Source(path, None, error="old Excel format (.xls): save it as .xlsx or CSV UTF-8"))
        else:
            sources.append(Source(path, None, error="not a CSV or XLSX file"))
    order = {kind: n for n, kind in enumerate(KINDS)}
    return sorted(sources, key=lambda s: order[s.kind] if s.error is None and s.kind else -1)


def _workbook_sources(path: Path, books: ExitStack | None) -> list[Source]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        names = list(book.sheetnames)
        if books is None:
            book.close()
            book = None
        else:
            books.callback(book.close)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        return [Source(path, None, error=f"cannot read this workbook ({type(exc).__name__}: {exc})")]
    by_sheet = [(name, kind_of(name)) for name in names]
    matched = [Source(path, kind, sheet=name, book=book) for name, kind in by_sheet if kind]
    if not matched:
        kind = kind_of(path.stem)
        if kind is None or not names:
            return [Source(path, None, error="cannot tell what this workbook holds: name its sheets "
                                              "contracts, members, payments (or the file after one of them)")]
        matched = [Source(path, kind, sheet=names[0], book=book)]
    others = [name for name in names if name not in {s.sheet for s in matched}]
    if others:
        listed = ", ".join(f'"{name}"' for name in others)
        matched[0].notes.append(f"sheet(s) {listed} ignored: not named contracts, members or payments")
    return matched


# --------------------------------------------------------------------------- tables


class FileProblem(Exception):
    """The whole file is refused (columns missing, not UTF-8, not CSV …)."""


class Table:
    """The header and the data rows of one CSV file or one worksheet."""

    def __init__(self, source: Source, stack: ExitStack) -> None:
        self.source = source
        self.sheet = source.sheet
        self._rows = self._open(stack)
        self.header: list[str] = []
        self.header_line = 0
        for line, cells in self._rows:
            self.header, self.header_line = [_column_name(c) for c in cells], line
            break
        else:
            raise FileProblem("the file is empty (no header row)")
        while self.header and not self.header[-1]:
            self.header.pop()

    def where(self, line: int) -> str:
        return f'sheet "{self.sheet}" row {line}' if self.sheet is not None else f"line {line}"

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        return self._rows

    def _open(self, stack: ExitStack) -> Iterator[tuple[int, Sequence[Any]]]:
        if self.sheet is None:
            handle = stack.enter_context(self.source.path.open(encoding="utf-8-sig", newline=""))
            return _csv_rows(handle)
        book = self.source.book
        if book is None:
            import openpyxl

            book = openpyxl.load_workbook(self.source.path, read_only=True, data_only=True)
            stack.callback(book.close)
        sheet = book[self.sheet]
        sheet.reset_dimensions()  # exports often carry a wrong <dimension>: read every row
        return _sheet_rows(sheet.iter_rows(values_only=True))


def _csv_rows(handle: io.TextIOBase) -> Iterator[tuple[int, Sequence[Any]]]:
    reader = csv.reader(handle)
    end = 0
    for cells in reader:
        line, end = end + 1, reader.line_num  # a quoted value may span lines: report the first
        if any(cells) and any(c.strip() for c in cells):
            yield line, cells


def _sheet_rows(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[int, Sequence[Any]]]:
    for line, cells in enumerate(rows, start=1):
        if any(c is not None and (not isinstance(c, str) or c.strip()) for c in cells):
            yield line, cells


def _column_name(cell: Any) -> str:
    text = "" if cell is None else str(cell)
    return text.replace("\ufeff", "").strip().casefold().replace(" ", "_").replace("-", "_")


# --------------------------------------------------------------------------- cells


def _text(cell: Any) -> str:
    """A cell as trimmed text ('' when empty); whole numbers from XLSX lose the '.0'."""
    if type(cell) is str:
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime) and cell.time() == time(0):
        return cell.date().isoformat()
    return str(cell).strip()


def _required(cell: Any, limit: int) -> str:
    text = _text(cell)
    if not text:
        raise ValueError("is missing")
    if len(text) > limit:
        raise ValueError(f"is longer than {limit} characters")
    return text


def _optional(cell: Any, limit: int) -> str | None:
    text = _text(cell)
    if len(text) > limit:
        raise ValueError(f"is longer than {limit} characters")
    return text or None


@lru_cache(maxsize=65536)
def _code_text(text: str) -> str:
    return intern(to_ascii_digits(text))


def _code(cell: Any) -> str:
    return _code_text(_required(cell, 40))


@lru_cache(maxsize=65536)
def _date_text(text: str) -> date:
    value = parse_register_date(text)
    if value.year < 1900:
        raise ValueError(f"{text!r} is too far in the past (year {value.year})")
    return value


def _date(cell: Any) -> date:
    if type(cell) is str:
        text = cell.strip()
        if not text:
            raise ValueError("is missing")
        return _date_text(text)
    if isinstance(cell, datetime):
        if cell.time() != time(0):
            raise ValueError(f"{cell.isoformat(' ')} has a time of day: use a date only")
        cell = cell.date()
    if isinstance(cell, date):
        if cell.year > 2400:
            raise ValueError(f"date cell {cell.isoformat()} has a B.E. year: date cells must hold C.E. "
                             f"dates (or type the text DD/MM/{cell.year})")
        if cell.year < 1900:
            raise ValueError(f"{cell.isoformat()} is too far in the past")
        return cell
    if cell is None:
        raise ValueError("is missing")
    raise ValueError(f"{cell!r} is not a date: use YYYY-MM-DD (C.E.) or DD/MM/YYYY (B.E.)")


def _optional_date(cell: Any) -> date | None:
    return None if _text(cell) == "" else _date(cell)


@lru_cache(maxsize=65536)
def _money_text(text: str) -> Decimal:
    try:
        value = parse_money(text)
    except ValueError:
        unsigned = to_ascii_digits(text).strip()
        if unsigned.startswith("-"):
            try:
                parse_money(unsigned[1:])
            except ValueError:
                pass
            else:
                raise ValueError(f"{text!r} is negative: it must be more than 0") from None
        raise
    if value == 0:
        raise ValueError(f"{text!r} must be more than 0")
    if value >= Decimal("1e12"):
        raise ValueError(f"{text!r} is too large")
    return value


def _money(cell: Any) -> Decimal:
    """A positive amount of baht (commas, Thai digits, at most 2 decimals); numbers from XLSX too."""
    if type(cell) is str:
        text = cell.strip()
        if not text:
            raise ValueError("is missing")
        return _money_text(text)
    if isinstance(cell, bool):
        raise ValueError(f"{cell!r} is not an amount of money")
    if isinstance(cell, int | float):
        if isinstance(cell, float) and not math.isfinite(cell):
            raise ValueError(f"{cell!r} is not an amount of money")
        return _money_text(repr(cell) if isinstance(cell, float) else str(cell))
    text = _text(cell)
    if not text:
        raise ValueError("is missing")
    return _money_text(text)


def _whole(cell: Any, low: int, high: int) -> int:
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, int) and not isinstance(cell, bool):
        value = cell
    else:
        text = to_ascii_digits(_text(cell)).replace(",", "")
        if not text:
            raise ValueError("is missing")
        if not (text.isascii() and text.isdigit()):
            raise ValueError(f"{_text(cell)!r} is not a whole number")
        value = int(text)
    if not low <= value <= high:
        raise ValueError(f"{value} is out of range ({low} to {high})")
    return value


def _optional_whole(cell: Any, low: int, high: int, default: int) -> int:
    return default if _text(cell) == "" else _whole(cell, low, high)


@lru_cache(maxsize=1024)
def _rate_text(text: str) -> Decimal:
    try:
        value = Decimal(to_ascii_digits(text).replace("%", "").strip())
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a rate (% per year)") from None
    if not value.is_finite() or not 0 <= value <= 100:
        raise ValueError(f"{text!r} is out of range (0 to 100 % per year)")
    if value != value.quantize(Decimal("0.001")):
        raise ValueError(f"{text!r} has more than three decimals")
    return value


def _rate(cell: Any, default: Decimal) -> Decimal:
    """% per year, 0–100, at most 3 decimals; empty → the default."""
    text = repr(cell) if isinstance(cell, float) else _text(cell)
    return _rate_text(text) if text else default


def _choice(cell: Any, allowed: Sequence[str], default: str | None) -> str:
    text = _text(cell).casefold()
    if not text and default is not None:
        return default
    if not text:
        raise ValueError("is missing")
    if text not in allowed:
        raise ValueError(f"{_text(cell)!r} is not one of {', '.join(allowed)}")
    return text


def _role(cell: Any) -> str:
    text = _text(cell)
    role = ROLE_WORDS.get(text) or ROLE_WORDS.get(" ".join(text.casefold().split()))
    if role is None:
        if not text:
            raise ValueError("is missing")
        raise ValueError(f"{text!r} is not one of {', '.join(ROLES)}")
    return role


def _national_id(cell: Any) -> str:
    text = _text(cell)
    if not text:
        raise ValueError("is missing")
    return parse_national_id(text)


_PHONE_NOISE = str.maketrans("", "", " -().")


def _phone(cell: Any) -> str | None:
    """Digits only (a leading + kept); a number cell from XLSX gets back its leading 0."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        text = "0" + _text(cell)
    else:
        text = to_ascii_digits(_text(cell))
    if not text:
        return None
    digits = text.translate(_PHONE_NOISE)
    body = digits[1:] if digits.startswith("+") else digits
    if not (body.isascii() and body.isdigit()) or not 6 <= len(body) <= 15:
        raise ValueError(f"{_text(cell)!r} is not a phone number")
    return digits


def _coordinate(cell: Any, limit: float) -> float | None:
    if isinstance(cell, float | int) and not isinstance(cell, bool):
        value, text = float(cell), repr(cell)
    else:
        text = to_ascii_digits(_text(cell))
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise ValueError(f"{text} is out of range (-{limit:g} to {limit:g})")
    return value


class Reasons(list[str]):
    """Why one row is rejected; `take` parses a cell and records a failure in plain words."""

    def take(self, column: str, parse: Callable[..., Any], cell: Any, *args: Any) -> Any:
        try:
            return parse(cell, *args)
        except ValueError as exc:
            self.append(f"{column} {exc}")
            return None


# --------------------------------------------------------------------------- the database


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _is_postgres(session: Session) -> bool:
    return session.connection().dialect.name == "postgresql"


def lookup(session: Session, columns: Sequence[Any], key: Any, values: Iterable[Any], *,
           chunk_size: int = LOOKUP_CHUNK_POSTGRES) -> Iterator[Any]:
    """Rows whose `key` column is one of `values`, in a few big queries.

    PostgreSQL: a join with `unnest(:array)` of `chunk_size` keys (one bound parameter;
    unlike `= ANY(:array)` it stays fast under the generic plans psycopg's prepared
    statements get after a few runs). Elsewhere: `IN` lists of LOOKUP_CHUNK.
    """
    wanted = sorted(set(values))
    if _is_postgres(session):
        array = postgresql.ARRAY(key.type)
        for chunk in _chunks(wanted, chunk_size):
            keys = func.unnest(literal(list(chunk), array)).table_valued("k").render_derived()
            yield from session.execute(
                select(*columns).join_from(key.expression.table, keys, key == keys.c.k))
        return
    for chunk in _chunks(wanted, LOOKUP_CHUNK):
        yield from session.execute(select(*columns).where(key.in_(chunk)))


def bulk_update(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """UPDATE by primary key, executemany in batches (rows carry `id` and the new values)."""
    for batch in _chunks(rows, WRITE_BATCH):
        session.execute(update(model), list(batch))


class ContractIndex:
    """project_code → (id, contract_date), looked up in bulk and cached."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.known: dict[str, tuple[int, date] | None] = {}

    def load(self, codes: Iterable[str]) -> None:
        missing = {code for code in codes if code not in self.known}
        if not missing:
            return
        columns = (Contract.id, Contract.project_code, Contract.contract_date)
        for contract_id, code, contract_date in lookup(self.session, columns, Contract.project_code, missing):
            self.known[code] = (contract_id, contract_date)
        for code in missing:
            self.known.setdefault(code, None)


@dataclass
class ImportState:
    """Shared by the files of one call: codes only found in contracts files that were refused."""

    refused_codes: dict[str, str] = field(default_factory=dict)  # code → file name


# --------------------------------------------------------------------------- loaders


class Loader:
    """Reads and checks every row of one source, then writes it (only when nothing was rejected)."""

    kind = ""

    def __init__(self, session: Session, table: Table, report: FileReport, now: datetime,
                 state: ImportState) -> None:
        self.session = session
        self.table = table
        self.report = report
        self.now = now
        self.state = state
        self.contracts = ContractIndex(session)
        self._pending: list[tuple[int, str | None, Reasons | None, Any]] = []
        self._extract = self._bind(table.header)

    def _bind(self, header: list[str]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
        required, optional = COLUMNS[self.kind]
        seen: dict[str, int] = {}
        for index, name in enumerate(header):
            if name and name in seen:
                raise FileProblem(f'column "{name}" appears twice in the header')
            seen[name or f"(column {index + 1}, no name)"] = index
        missing = [name for name in required if name not in seen]
        if missing:
            listed = ", ".join(f'"{name}"' for name in missing)
            raise FileProblem(f"missing required column{'s' if len(missing) > 1 else ''} {listed} "
                              f"(the header on {self.table.where(self.table.header_line)} has: "
                              f"{', '.join(name for name in header if name)})")
        for name in seen:
            if name not in required and name not in optional:
                self.report.notes.append(f'unknown column "{name}" ignored')
        self.width = len(header)
        return itemgetter(*(seen.get(name, self.width) for name in required + optional))

    # -- reading

    def read(self) -> None:
        width = self.width
        for line, cells in self.table.rows():
            self.report.rows += 1
            if len(cells) != width or not isinstance(cells, list):
                cells = list(cells)
                if any(_text(c) for c in cells[width:]):
                    self.reject(line, [f"has {len(cells)} cells but the header has {width} columns "
                                       "(a comma inside a value without quotes?)"])
                    continue
                del cells[width:]
                cells.extend([""] * (width - len(cells)))
            cells.append("")  # what a column missing from the header reads as
            self.row(line, self._extract(cells))
        self._resolve()

    def row(self, line: int, values: tuple[Any, ...]) -> None:
        raise NotImplementedError

    def reject(self, line: int, reasons: Sequence[str]) -> None:
        self.report.rejected += 1
        self.report.rejections.append(Rejection(line, self.table.where(line), "; ".join(reasons)))

    def defer(self, line: int, code: str | None, reasons: Reasons | None, payload: Any) -> None:
        """Hold a row until its project code is looked up with the others (one query per chunk)."""
        self._pending.append((line, code, reasons, payload))
        if len(self._pending) >= PENDING_ROWS:
            self._resolve()

    def _resolve(self) -> None:
        pending, self._pending = self._pending, []
        known = self.contracts.known
        self.contracts.load(code for _, code, _, _ in pending if code and code not in known)
        for line, code, reasons, payload in pending:
            found = known.get(code) if code else None
            if found is None or reasons:
                reasons = reasons or Reasons()
                if code and found is None:
                    reasons.append(self._unknown_code(code))
                self.reject(line, reasons)
                continue
            problem = self.accept(found, payload)
            if problem:
                self.reject(line, [problem])

    def _unknown_code(self, code: str) -> str:
        refused = self.state.refused_codes.get(code)
        if refused:
            return f"project_code {code} is only in {refused}, which was not imported"
        return (f"project_code {code} is not in the register "
                "(neither in the database nor in a contracts file of this import)")

    def accept(self, contract: tuple[int, date], payload: Any) -> str | None:
        """A row whose project code exists; returns a reason to reject it, if any."""
        return None

    def finish_rejected(self) -> None:
        """Called when the file is refused: nothing is written."""

    # -- writing

    def write(self) -> None:
        raise NotImplementedError


@dataclass(slots=True)
class ContractRow:
    line: int
    code: str
    name: str
    fund: str
    area: tuple[str, str, str, str]
    contract_date: date
    principal: Decimal
    installment_count: int
    first_due_date: date
    interval_months: int
    interest_rate: Decimal
    default_rate: Decimal
    status: str
    demand_letter_date: date | None


_CONTRACT_FIELDS = ("project_name", "fund_id", "area_id", "contract_date", "principal", "installment_count",
                    "first_due_date", "interval_months", "interest_rate", "default_rate", "status")
_CONTRACT_INSERT = ("project_code", *_CONTRACT_FIELDS, "demand_letter_date", "created_at", "updated_at")


class ContractsLoader(Loader):
    kind = "contracts"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.parsed: dict[str, ContractRow] = {}

    def row(self, line: int, values: tuple[Any, ...]) -> None:
        (code, name, province, district, subdistrict, contract_date, principal, count, first_due,
         fund, village, interval, interest, penalty, status, demand) = values
        r = Reasons()
        row = ContractRow(
            line=line,
            code=r.take("project_code", _code, code),
            name=r.take("project_name", _required, name, 300),
            fund=intern(r.take("fund", _optional, fund, 20) or DEFAULT_FUND),
            area=(_area(r.take("province", _required, province, 120)),
                  _area(r.take("district", _required, district, 120)),
                  _area(r.take("subdistrict", _required, subdistrict, 120)),
                  _area(r.take("village", _optional, village, 120))),
            contract_date=r.take("contract_date", _date, contract_date),
            principal=r.take("principal", _money, principal),
            installment_count=r.take("installment_count", _whole, count, 1, 1200),
            first_due_date=r.take("first_due_date", _date, first_due),
            interval_months=r.take("interval_months", _optional_whole, interval, 1, 120, 1),
            interest_rate=r.take("interest_rate", _rate, interest, DEFAULT_INTEREST),
            default_rate=r.take("default_rate", _rate, penalty, DEFAULT_PENALTY),
            status=intern(r.take("status", _choice, status, CONTRACT_STATUSES, "active") or ""),
            demand_letter_date=r.take("demand_letter_date", _optional_date, demand),
        )
        self._cross_checks(row, r)
        if r:
            self.reject(line, r)

    def _cross_checks(self, row: ContractRow, r: Reasons) -> None:
        if row.contract_date and row.first_due_date and row.first_due_date < row.contract_date:
            r.append(f"first_due_date {row.first_due_date} is before contract_date {row.contract_date}")
        if row.contract_date and row.demand_letter_date and row.demand_letter_date < row.contract_date:
            r.append(f"demand_letter_date {row.demand_letter_date} is before contract_date {row.contract_date}")
        if row.code:
            first = self.parsed.get(row.code)
            if first is None:
                self.parsed[row.code] = row  # rejected rows too: their codes still "belong" to this file
            else:
                r.append(f"project_code {row.code} appears again (first on {self.table.where(first.line)})")

    def finish_rejected(self) -> None:
        for code in self.parsed:
            self.state.refused_codes.setdefault(code, self.report.name)

    def write(self) -> None:
        funds = self._funds({row.fund for row in self.parsed.values()})
        areas = AreaBook(self.session)
        area_ids = areas.ids({row.area for row in self.parsed.values()})
        columns = (Contract.id, Contract.project_code, Contract.demand_letter_date,
                   *(getattr(Contract, name) for name in _CONTRACT_FIELDS))
        existing = {row[1]: row for row in lookup(self.session, columns, Contract.project_code, self.parsed)}
        inserts: list[tuple[Any, ...]] = []
        updates: list[dict[str, Any]] = []
        for code, row in self.parsed.items():
            values = (row.name, funds[row.fund], area_ids[row.area], row.contract_date, row.principal,
                      row.installment_count, row.first_due_date, row.interval_months, row.interest_rate,
                      row.default_rate, row.status)
            stored = existing.get(code)
            if stored is None:
                inserts.append((code, *values, row.demand_letter_date, self.now, self.now))
                continue
            demand = stored[2] if row.demand_letter_date is None else row.demand_letter_date  # empty: keep
            if tuple(stored[3:]) != values or demand != stored[2]:
                updates.append({"id": stored[0], **dict(zip(_CONTRACT_FIELDS, values, strict=True)),
                                "demand_letter_date": demand, "updated_at": self.now})
            else:
                self.report.unchanged += 1
        del existing
        self.report.created = bulk_insert(self.session, Contract, _CONTRACT_INSERT, inserts)
        bulk_update(self.session, Contract, updates)
        self.report.updated = len(updates)
        if areas.created:
            self.report.details["areas_created"] = areas.created

    def _funds(self, codes: set[str]) -> dict[str, int]:
        known = {code: fund_id for fund_id, code in self.session.execute(select(Fund.id, Fund.code))}
        new = [{"code": code, "name": FUND_NAMES.get(code, code)} for code in sorted(codes - known.keys())]
        if new:
            table = table_of(Fund)
            for fund_id, code in self.session.execute(insert(table).returning(table.c.id, table.c.code), new):
                known[code] = fund_id
        return known


def _area(name: str | None) -> str:
    return intern(" ".join(name.split())) if name else ""


class AreaBook:
    """Areas by name along province → district → subdistrict → village, created as needed (in bulk)."""

    LEVELS = ("province", "district", "subdistrict", "village")

    def __init__(self, session: Session) -> None:
        self.session = session
        self.created = 0
        self.known: dict[tuple[int | None, str, str], int] = {
            (parent_id, level, name): area_id
            for area_id, parent_id, level, name in session.execute(
                select(Area.id, Area.parent_id, Area.level, Area.name))
        }

    def ids(self, paths: set[tuple[str, str, str, str]]) -> dict[tuple[str, str, str, str], int]:
        """The most specific area of each (province, district, subdistrict, village) path."""
        at: dict[tuple[str, ...], int | None] = {(): None}
        for depth, level in enumerate(self.LEVELS, start=1):
            wanted = {path[:depth] for path in paths if path[depth - 1]}
            missing = sorted(p for p in wanted if (at[p[:-1]], level, p[-1]) not in self.known)
            if missing:
                rows = [{"level": level, "name": p[-1], "parent_id": at[p[:-1]]} for p in missing]
                table = table_of(Area)
                for area_id, parent_id, name in self.session.execute(
                        insert(table).returning(table.c.id, table.c.parent_id, table.c.name), rows):
                    self.known[(parent_id, level, name)] = area_id
                self.created += len(rows)
            for p in wanted:
                at[p] = self.known[(at[p[:-1]], level, p[-1])]
        out: dict[tuple[str, str, str, str], int] = {}
        for path in paths:
            area_id = at[path if path[3] else path[:3]]
            assert area_id is not None
            out[path] = area_id
        return out


_PERSON_FIELDS = ("first_name", "last_name", "phone", "birth_date", "address", "lat", "lng")
_ROLE_INDEX = {role: n for n, role in enumerate(ROLES)}


class MembersLoader(Loader):
    kind = "members"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        # national_id → [first line, first_name, last_name, phone, birth_date, address, lat, lng]
        self.people: dict[str, list[Any]] = {}
        # (project_code, national_id) → line × 4 + role index (one int: 250k of them stay small)
        self.roles: dict[tuple[str, str], int] = {}

    def row(self, line: int, values: tuple[Any, ...]) -> None:
        code, nid, first, last, role, phone, birth, address, lat, lng = values
        r = Reasons()
        code = r.take("project_code", _code, code)
        nid = r.take("national_id", _national_id, nid)
        role = r.take("role", _role, role)
        details = [
            line, r.take("first_name", _required, first, 100), r.take("last_name", _required, last, 100),
            r.take("phone", _phone, phone), r.take("birth_date", _optional_date, birth),
            r.take("address", _optional, address, 2000),
            r.take("lat", _coordinate, lat, 90.0), r.take("lng", _coordinate, lng, 180.0),
        ]
        if (details[6] is None) != (details[7] is None) and not r:
            r.append("lat and lng go together: give both or neither")
        if details[4] is not None and details[4] > self.now.date():
            r.append(f"birth_date {details[4]} is in the future")
        if nid and not r:
            self._same_person(nid, details, r)
        if code and nid and role:
            self._one_role(code, nid, role, line, r)
        self.defer(line, code, r or None, None)

    def _same_person(self, nid: str, details: list[Any], r: Reasons) -> None:
        """The same national_id must carry the same details in one file (empty cells are no news)."""
        known = self.people.get(nid)
        if known is None:
            details[1], details[2] = intern(details[1]), intern(details[2])
            self.people[nid] = details
            return
        clashes = [f"{name} {new!s} vs {old!s}"
                   for name, old, new in zip(_PERSON_FIELDS, known[1:], details[1:], strict=True)
                   if new is not None and old is not None and new != old]
        if clashes:
            r.append(f"national_id {nid} has other details than on {self.table.where(known[0])} "
                     f"({'; '.join(clashes)})")
            return
        for index in range(1, len(details)):
            if known[index] is None:
                known[index] = details[index]

    def _one_role(self, code: str, nid: str, role: str, line: int, r: Reasons) -> None:
        packed = self.roles.get((code, nid))
        if packed is None:
            self.roles[(code, nid)] = line * 4 + _ROLE_INDEX[role]
        elif ROLES[packed % 4] != role:
            r.append(f"national_id {nid} is already on {code} as {ROLES[packed % 4]} "
                     f"({self.table.where(packed // 4)}); one person has one role per contract")

    def write(self) -> None:
        person_ids, people_created, people_updated = self._write_people()
        self.people = {}  # done with the details: free them before the roles
        known = self.contracts.known
        wanted: dict[tuple[int, int], str] = {}
        for (code, nid), packed in self.roles.items():
            found = known[code]
            assert found is not None
            wanted[(found[0], person_ids[nid])] = ROLES[packed % 4]
        unique, self.roles = len(self.roles), {}
        del person_ids
        updates = []
        columns = (Membership.id, Membership.contract_id, Membership.person_id, Membership.role)
        for membership_id, contract_id, person_id, role in lookup(
                self.session, columns, Membership.contract_id, {key[0] for key in wanted}):
            new = wanted.pop((contract_id, person_id), None)
            if new is None:
                continue  # on the contract in the database, not in this file: left alone
            if new != role:
                updates.append({"id": membership_id, "role": new})
            elif person_id in people_updated:
                self.report.updated += 1  # same role, but the person's details changed
            else:
                self.report.unchanged += 1
        self.report.created = bulk_insert(self.session, Membership, ("contract_id", "person_id", "role"),
                                          ((cid, pid, role) for (cid, pid), role in wanted.items()))
        bulk_update(self.session, Membership, updates)
        self.report.updated += len(updates)
        repeated = self.report.rows - unique
        self.report.unchanged += repeated
        self.report.details.update(people_created=people_created, people_updated=len(people_updated))
        if repeated:
            self.report.notes.append(f"{repeated} row(s) repeat an earlier row of this file (counted unchanged)")

    def _write_people(self) -> tuple[dict[str, int], int, set[int]]:
        """Upsert the people of the file; returns national_id → id, how many new, ids updated."""
        ids: dict[str, int] = {}
        updated: set[int] = set()
        updates: list[dict[str, Any]] = []
        columns = (Person.id, Person.national_id, *(getattr(Person, name) for name in _PERSON_FIELDS))
        for person_id, nid, *stored in lookup(self.session, columns, Person.national_id, self.people):
            ids[nid] = person_id
            merged = [old if value is None else value for value, old in zip(self.people[nid][1:], stored, strict=True)]
            if merged != stored:
                updated.add(person_id)
                updates.append({"id": person_id, **dict(zip(_PERSON_FIELDS, merged, strict=True))})
        new = [nid for nid in self.people if nid not in ids]
        bulk_insert(self.session, Person, ("national_id", *_PERSON_FIELDS),
                    ((nid, *self.people[nid][1:]) for nid in new))
        for person_id, nid in lookup(self.session, (Person.id, Person.national_id), Person.national_id, new):
            ids[nid] = person_id
        bulk_update(self.session, Person, updates)
        return ids, len(new), updated


class PaymentsLoader(Loader):
    kind = "payments"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        # (contract_id, paid_on, amount, reference) in file order; the dict drops repeats.
        self.keys: dict[tuple[int, date, Decimal, str], None] = {}
        self.repeated = 0

    def row(self, line: int, values: tuple[Any, ...]) -> None:
        code, paid_on, amount, reference = values
        try:  # the common case, fast: a clean row
            payload = (_date(paid_on), _money(amount), _optional(reference, 60) or "")
            code = _code(code)
        except ValueError:  # say everything that is wrong with it
            r = Reasons()
            code = r.take("project_code", _code, code)
            payload = (r.take("paid_on", _date, paid_on), r.take("amount", _money, amount),
                       r.take("reference", _optional, reference, 60))
            self.defer(line, code, r, payload)
            return
        self.defer(line, code, None, payload)

    def accept(self, contract: tuple[int, date], payload: Any) -> str | None:
        paid_on, amount, reference = payload
        if paid_on < contract[1]:
            return f"paid_on {paid_on} is before the contract date {contract[1]}"
        key = (contract[0], paid_on, amount, reference)
        if key in self.keys:
            self.repeated += 1
        else:
            self.keys[key] = None
        return None

    def write(self) -> None:
        existing = 0
        columns = (Payment.contract_id, Payment.paid_on, Payment.amount, Payment.reference)
        contract_ids = {key[0] for key in self.keys}
        for row in lookup(self.session, columns, Payment.contract_id, contract_ids, chunk_size=PAYMENT_LOOKUP_CHUNK):
            key = tuple(row)
            if key in self.keys:
                del self.keys[key]  # type: ignore[arg-type]
                existing += 1
        self.report.created = bulk_insert(self.session, Payment, ("contract_id", "paid_on", "amount",
                                                                            "reference"), self.keys)
        self.report.unchanged = existing + self.repeated
        if self.repeated:
            self.report.notes.append(f"{self.repeated} row(s) repeat an earlier row of this file (the same payment, "
                                     "counted unchanged)")


LOADERS: dict[str, type[Loader]] = {
    "contracts": ContractsLoader, "members": MembersLoader, "payments": PaymentsLoader,
}


# --------------------------------------------------------------------------- the entry point


def import_files(session: Session, paths: Iterable[str | Path], now: datetime, *,
                 commit: bool = True) -> list[FileReport]:
    """Import register files (CSV or XLSX); contracts, then members, then payments.

    Each file is checked completely first, then written in a SAVEPOINT only when no row was
    rejected, then committed (``commit=False`` leaves committing to the caller). ``now``
    (aware) stamps contracts' created_at/updated_at.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    state = ImportState()
    reports = []
    with ExitStack() as books:
        for source in plan_sources(paths, books):
            report = import_source(session, source, now, state)
            if commit:
                session.commit()
            reports.append(report)
    return reports


def import_source(session: Session, source: Source, now: datetime, state: ImportState) -> FileReport:
    """Check then write one CSV file or sheet."""
    report = FileReport(name=source.name, kind=source.kind, notes=list(source.notes))
    if source.error is not None or source.kind is None:
        report.error = source.error or "unknown kind"
        return report
    with ExitStack() as stack:
        try:
            loader = _read(session, source, now, state, report, stack)
        except FileProblem as exc:
            report.error = str(exc)
            return report
    if report.rejected:
        report.rejections.sort()
        loader.finish_rejected()
        return report
    try:
        with session.begin_nested():
            loader.write()
    except SQLAlchemyError as exc:
        report.created = report.updated = report.unchanged = 0
        report.error = f"the database refused the file, nothing was written ({getattr(exc, 'orig', None) or exc})"
        loader.finish_rejected()
    return report


def _read(session: Session, source: Source, now: datetime, state: ImportState, report: FileReport,
          stack: ExitStack) -> Loader:
    try:
        table = Table(source, stack)
        loader = LOADERS[source.kind or ""](session, table, report, now, state)
        loader.read()
    except UnicodeDecodeError:
        raise FileProblem("is not UTF-8 text: save it as \"CSV UTF-8\"") from None
    except csv.Error as exc:
        raise FileProblem(f"is not a valid CSV file ({exc})") from None
    return loader


def refresh_stored_list(session: Session, now: datetime) -> None:
    """Store the follow-up list again when the import changed the register (`bot.standing`),
    so that officers' lists read it at once rather than computing it until the clock does."""
    if not standing.is_fresh(session, now.date()):
        refresh_followups(session, now.date(), now)
        session.commit()

