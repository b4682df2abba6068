"""What to import and how to read it: CSV files (UTF-8, with or without BOM) and XLSX sheets.

What a file holds comes from its name (``contracts.csv``, ``2026-11-members.csv``,
``payments_lm_export.xlsx``) or, in a workbook, from its sheet names (one sheet per kind;
one workbook may hold all three). A `Table` then gives the header row and the data rows of
one source, each row with its line (CSV: the header is line 1) or its row (XLSX, as Excel
shows them); blank rows are skipped. How much a file may hold is checked before it is read and
while it is read (`register.limits`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
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
            kind = kind_of(path.stem)
            error = None if kind else ("cannot tell what this file holds: its name must contain "
                                       "contracts, members or payments")
            sources.append(Source(path, kind, error=error or check_csv(path, limits), limits=limits))
        elif suffix == ".xls":
            sources.append(Source(path, None, error="old Excel format (.xls): save it as .xlsx or CSV UTF-8"))
        else:
            sources.append(Source(path, None, error="not a CSV or XLSX file"))
    order = {kind: n for n, kind in enumerate(KINDS)}
    return sorted(sources, key=lambda s: order[s.kind] if s.error is None and s.kind else -1)


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
        if books is None:
            book.close()
            book = None
        else:
            books.callback(book.close)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        return [Source(path, None, error=f"cannot read this workbook ({type(exc).__name__}: {exc})")]
    by_sheet = [(name, kind_of(name)) for name in names]
    matched = [Source(path, kind, sheet=name, book=book, limits=limits) for name, kind in by_sheet if kind]
    if not matched:
        kind = kind_of(path.stem)
        if kind is None or not names:
            return [Source(path, None, error="cannot tell what this workbook holds: name its sheets "
                                              "contracts, members, payments (or the file after one of them)")]
        matched = [Source(path, kind, sheet=names[0], book=book, limits=limits)]
    others = [name for name in names if name not in {s.sheet for s in matched}]
    if others:
        listed = ", ".join(f'"{name}"' for name in others)
        matched[0].notes.append(f"sheet(s) {listed} ignored: not named contracts, members or payments")
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
        return _sheet_rows(sheet.iter_rows(values_only=True), limits, self.sheet)


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
        if any(cells) and any(c.strip() for c in cells):
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


def _sheet_rows(rows: Iterable[Sequence[Any]], limits: Limits, sheet: str) -> Iterator[tuple[int, Sequence[Any]]]:
    iterator = iter(rows)
    line = cells_read = 0
    while True:
        try:
            cells = next(iterator)
        except StopIteration:
            return
        except Exception as exc:  # openpyxl raises many kinds for a damaged sheet
            raise FileProblem(f"cannot read this sheet after row {line:,} ({type(exc).__name__}: {exc})") from None
        line += 1  # every row counts, blank ones too: a sheet may jump to row 1,000,000,000
        cells_read += len(cells)
        if line > limits.sheet_rows:
            raise FileProblem(limits.too_many_rows(sheet=sheet))
        if cells_read > limits.max_cells:
            raise FileProblem(limits.too_many_cells(sheet=sheet))
        if any(c is not None and (not isinstance(c, str) or c.strip()) for c in cells):
            yield line, cells


def _column_name(cell: Any) -> str:
    text = "" if cell is None else str(cell)
    return text.replace("\ufeff", "").strip().casefold().replace(" ", "_").replace("-", "_")
