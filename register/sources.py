"""What to import and how to read it: CSV files (UTF-8, with or without BOM) and XLSX sheets.

What a file holds is recognised by its header row: the kind whose required columns
(`REQUIRED_COLUMNS`) are all there. When the header does not tell, its name does
(``contracts.csv``, ``2026-11-members.csv``, ``payments_lm_export.xlsx``; in a workbook, its
sheet names: one sheet per kind, one workbook may hold all three). A name that says another
kind than the header is overruled by the header, with a note in the report. A `Table` then
gives the header row and the data rows of one source, each row with its line (CSV: the
header is line 1) or its row (XLSX, as Excel shows them); blank rows are skipped. How
much a file may hold is checked before it is read and while it is read (`register.limits`).

A column may be named in English (INTERFACES.md) or by the Thai heading the fund's exports use
(`register/data/thai_columns.toml`: เลขที่สัญญา, เลขประจำตัวประชาชน, วันที่ชำระ …); each Thai heading
is read as its English name, so recognising a file and reading its rows are the same either way.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from register.limits import MAX_LINE_BYTES, Limits, check_csv, check_workbook, line_too_long

_CHUNK = 1024 * 1024  # a CSV file is read this much at a time
KINDS = ("contracts", "members", "payments")  # also the order files are imported in
KIND_WORDS = {  # in a file or sheet name, case ignored
    "contracts": ("contract", "สัญญา"), "members": ("member", "สมาชิก"), "payments": ("payment", "ชำระ"),
}


#: The columns a header row must have for each kind (the loaders require them; a header that has
#: all of one kind's is that kind, whatever the file is called).
REQUIRED_COLUMNS = {
    "contracts": ("project_code", "project_name", "province", "district", "subdistrict", "contract_date",
                  "principal", "installment_count", "first_due_date"),
    "members": ("project_code", "national_id", "first_name", "last_name", "role"),
    "payments": ("project_code", "paid_on", "amount"),
}
UNKNOWN_HEADER = ("cannot tell what this file holds: its header row has neither the columns of contracts "
                  "(project_code, project_name, contract_date, principal …), of members (project_code, "
                  "national_id, first_name, last_name, role) nor of payments (project_code, paid_on, amount), "
                  "and its name does not say")


class FileProblem(Exception):
    """The whole file is refused (columns missing, not UTF-8, not CSV …)."""


@dataclass
class Source:
    """One thing to import: a CSV file, or one sheet of a workbook."""

    path: Path
    kind: str | None
    sheet: str | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    book: Any = field(default=None, repr=False)  # the open workbook, shared by its sheets
    limits: Limits = field(default_factory=Limits, repr=False)

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


def kind_of_header(header: Sequence[Any]) -> str | None:
    """`contracts`, `members` or `payments` when the header row has every required column of exactly one kind."""
    present = {_column_name(cell) for cell in header}
    found = [kind for kind in KINDS if present.issuperset(REQUIRED_COLUMNS[kind])]
    return found[0] if len(found) == 1 else None


def recognise(header: Sequence[Any] | None, name_kind: str | None, what: str) -> tuple[str | None, list[str]]:
    """The kind of a file or sheet from its header row (None when it has none), else from its name;
    with a note when the two disagree (the header wins)."""
    header_kind = kind_of_header(header) if header is not None else None
    if header_kind is None:
        return name_kind, []
    if name_kind is not None and name_kind != header_kind:
        return header_kind, [f"{what} says {name_kind} but its header row has the columns of {header_kind}: "
                             f"read as {header_kind}"]
    return header_kind, []


def plan_sources(paths: Iterable[str | Path], books: ExitStack | None = None,
                 limits: Limits | None = None) -> list[Source]:
    """What to import, in order: unreadable/unknown first, then contracts, members, payments.

    With `books`, workbooks stay open (closed by that stack) and their sheets share them:
    openpyxl reads a whole sheet once more each time a workbook is opened when the sheet
    does not state its dimensions. A file larger than `limits` allow is refused here, before
    anything reads it."""
    limits = limits or Limits()
    sources: list[Source] = []
    for raw in paths:
        path = Path(raw)
        suffix = path.suffix.casefold()
        if not path.is_file():
            sources.append(Source(path, None, error="file not found"))
        elif suffix in (".xlsx", ".xlsm"):
            sources.extend(_workbook_sources(path, books, limits))
        elif suffix in (".csv", ".txt"):
            sources.append(_csv_source(path, limits))
        elif suffix == ".xls":
            sources.append(Source(path, None, error="old Excel format (.xls): save it as .xlsx or CSV UTF-8"))
        else:
            sources.append(Source(path, None, error="not a CSV or XLSX file"))
    order = {kind: n for n, kind in enumerate(KINDS)}
    return sorted(sources, key=lambda s: order[s.kind] if s.error is None and s.kind else -1)


def _csv_source(path: Path, limits: Limits) -> Source:
    source = Source(path, None, error=check_csv(path, limits), limits=limits)
    if source.error is not None:
        return source
    header, problem = _peek(source)
    source.kind, source.notes = recognise(header, kind_of(path.stem), "its name")
    if source.kind is None:  # the reading problem, when there is one, says more than "cannot tell"
        source.error = problem or UNKNOWN_HEADER
    return source


def _peek(source: Source) -> tuple[list[Any] | None, str | None]:
    """The header row of a CSV file or a sheet, or why it cannot be read (said again when the file is read)."""
    with ExitStack() as stack:
        try:
            return Table(source, stack).header, None
        except FileProblem as exc:
            return None, str(exc)
        except UnicodeDecodeError:
            return None, NOT_UTF8
        except csv.Error as exc:
            return None, not_csv(exc)


NOT_UTF8 = "is not UTF-8 text: save it as \"CSV UTF-8\""


def not_csv(exc: Exception) -> str:
    return f"is not a valid CSV file ({exc})"


def _sheet_header(path: Path, book: Any, name: str, limits: Limits) -> list[Any] | None:
    try:
        header, _ = _peek(Source(path, None, sheet=name, book=book, limits=limits))
    except Exception:  # openpyxl raises many kinds for a damaged sheet, or one that is a chart
        return None
    return header


def _open_workbook(path: Path) -> Any:
    # Imported here on purpose: openpyxl costs ~150 ms and ~5 MB to import, and this module is
    # loaded by every process that builds the app (for the `import` command), web workers
    # included, while only an import of an .xlsx file ever needs it.
    import openpyxl

    return openpyxl.load_workbook(path, read_only=True, data_only=True)


def _workbook_sources(path: Path, books: ExitStack | None, limits: Limits) -> list[Source]:
    problem = check_workbook(path, limits)  # before openpyxl reads a byte of it
    if problem is not None:
        return [Source(path, None, error=problem)]
    try:
        book = _open_workbook(path)
        names = list(book.sheetnames)
        if books is not None:
            books.callback(book.close)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        return [Source(path, None, error=f"cannot read this workbook ({type(exc).__name__}: {exc})")]
    shared = book if books is not None else None  # without a stack, each sheet opens the book again
    matched: list[Source] = []
    others: list[str] = []
    try:
        for name in names:
            kind, notes = recognise(_sheet_header(path, book, name, limits), kind_of(name), f'the sheet name "{name}"')
            if kind is None:
                others.append(name)
            else:
                matched.append(Source(path, kind, sheet=name, book=shared, limits=limits, notes=notes))
    finally:
        if shared is None:
            book.close()
    if not matched:
        kind = kind_of(path.stem)
        if kind is None or not names:
            return [Source(path, None, error="cannot tell what this workbook holds: no sheet has the header row "
                                              "of contracts, members or payments, nor is named after one")]
        matched = [Source(path, kind, sheet=names[0], book=shared, limits=limits)]
        others.remove(names[0])
    if others:
        listed = ", ".join(f'"{name}"' for name in others)
        matched[0].notes.append(f"sheet(s) {listed} ignored: neither their header row nor their name "
                                "is contracts, members or payments")
    return matched


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
        limits = self.source.limits
        if self.sheet is None:
            raw = io.BufferedReader(_LineGuard(self.source.path.open("rb")), buffer_size=_CHUNK)
            handle = stack.enter_context(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
            return _csv_rows(handle, limits)
        book = self.source.book
        if book is None:
            book = _open_workbook(self.source.path)
            stack.callback(book.close)
        sheet = book[self.sheet]
        sheet.reset_dimensions()  # exports often carry a wrong <dimension>: read every row
        rows = _sheet_rows(sheet.iter_rows(values_only=True), limits, self.sheet)
        stack.callback(rows.close)  # before the book's close (the stack runs last in, first out)
        return rows


def _csv_rows(handle: io.TextIOBase, limits: Limits) -> Iterator[tuple[int, Sequence[Any]]]:
    reader = csv.reader(handle)
    end = cells_read = 0
    for cells in reader:
        line, end = end + 1, reader.line_num  # a quoted value may span lines: report the first
        cells_read += len(cells)
        if reader.line_num > limits.max_rows:
            raise FileProblem(limits.too_many_rows())
        if cells_read > limits.max_cells:
            raise FileProblem(limits.too_many_cells())
        if "".join(cells).strip():  # not a blank row (at C speed: some cell holds more than spaces)
            yield line, cells


class _LineGuard(io.RawIOBase):
    """A file's bytes that stop at a line longer than MAX_LINE_BYTES: the text layer and csv would
    build a line of any length in memory, and a file of commas without a line break is one line.
    Looked at a chunk at a time (at C speed), not line by line."""

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__()
        self._raw = raw
        self._run = 0  # bytes since the last line break
        self._breaks = [0, 0]  # LF and CR seen: the line number, whichever ends the file's lines

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        last = max(data.rfind(b"\n"), data.rfind(b"\r"))
        self._run = self._run + size if last < 0 else size - last - 1
        self._breaks[0] += data.count(b"\n")
        self._breaks[1] += data.count(b"\r")
        if self._run > MAX_LINE_BYTES:
            raise FileProblem(line_too_long(max(self._breaks) + 1))
        return size

    def close(self) -> None:
        self._raw.close()
        super().close()


def _sheet_rows(rows: Iterable[Sequence[Any]], limits: Limits,
                sheet: str) -> Generator[tuple[int, Sequence[Any]], None, None]:
    iterator = iter(rows)
    line = cells_read = 0
    try:
        while True:
            try:
                cells = next(iterator)
            except StopIteration:
                return
            except Exception as exc:  # openpyxl raises many kinds for a damaged sheet
                raise FileProblem(
                    f"cannot read this sheet after row {line:,} ({type(exc).__name__}: {exc})") from None
            line += 1  # every row counts, blank ones too: a sheet may jump to row 1,000,000,000
            cells_read += len(cells)
            if line > limits.sheet_rows:
                raise FileProblem(limits.too_many_rows(sheet=sheet))
            if cells_read > limits.max_cells:
                raise FileProblem(limits.too_many_cells(sheet=sheet))
            if any(c is not None and (not isinstance(c, str) or c.strip()) for c in cells):
                yield line, cells
    finally:
        # openpyxl's rows hold the sheet's stream from the zip open until they are closed: a sheet
        # stopped at a limit (or left unread) must let go of it now, or the workbook's file stays
        # open after `book.close()` until the garbage collector finds it
        close = getattr(iterator, "close", None)
        if close is not None:
            close()


def _column_name(cell: Any) -> str:
    text = "" if cell is None else str(cell)
    name = text.replace("\ufeff", "").strip().casefold().replace(" ", "_").replace("-", "_")
    if name.isascii():
        return name
    key = _heading_key(name)
    return THAI_COLUMNS.get(key) or THAI_COLUMNS.get(_UNIT.sub("", key)) or name


_UNIT = re.compile(r"\([^()]*\)$")  # "เงินต้น (บาท)": a unit in brackets after the heading
_NOT_IN_A_HEADING = re.compile(r"[\s_\-\u200b]")  # spaces (zero-width ones too), as `_column_name` left them


def _heading_key(text: str) -> str:
    # SARA AM typed as NIKHAHIT + SARA AA (old keyboards, PDF copies) is the same letter
    return _NOT_IN_A_HEADING.sub("", text.casefold()).replace("\u0e4d\u0e32", "\u0e33")


def _thai_columns(path: Path) -> dict[str, str]:
    """Thai heading (its key) → the column's English name, from the data file; a heading given to two
    columns is a mistake in the file, refused at once."""
    with path.open("rb") as handle:
        columns = tomllib.load(handle)["columns"]
    found: dict[str, str] = {}
    for name, headings in columns.items():
        for heading in headings:
            if found.setdefault(_heading_key(heading), name) != name:
                raise ValueError(f"{path.name}: {heading!r} names both {found[_heading_key(heading)]} and {name}")
    return found


THAI_COLUMNS = _thai_columns(Path(__file__).with_name("data") / "thai_columns.toml")
