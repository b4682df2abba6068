"""How much one register file may hold: checked before it is read, and again while it is read.

A workbook is a zip of XML parts, and a few megabytes of it can unpack to gigabytes (a "zip
bomb"). openpyxl holds a workbook's shared strings and styles in memory whole, and builds each
row whole before it yields it. So before openpyxl opens a workbook, `check_workbook` reads the
zip's directory and refuses a workbook

* that unpacks to more than IMPORT_MAX_BYTES in all;
* with a part that unpacks to more than MAX_RATIO times its packed size (deflate reaches about
  1000:1 on repeated text; the parts Excel and openpyxl write pack 2 to 20:1), or a part packed
  other than by deflate (Python's zipfile unpacks bzip2 and lzma parts in one piece);
* whose shared strings, styles and other parts that are read whole (everything but the sheets)
  unpack to more than IMPORT_MAX_SHARED_BYTES;

then unpacks each part as a stream (keeping nothing) and counts its rows, and refuses a sheet of
more rows than IMPORT_MAX_ROWS or Excel's own 1,048,576 (counted: the <dimension> a sheet
declares is often wrong, so it is not trusted), or with a row of more than MAX_ROW_BYTES of XML.
A CSV file larger than IMPORT_MAX_BYTES is refused the same way, before it is read.

While reading (`register.sources`), every file and sheet counts its rows (blank ones too) and
cells and stops past IMPORT_MAX_ROWS or IMPORT_MAX_CELLS, and a CSV line may be at most
MAX_LINE_BYTES long: a file that grows, or a sheet whose row numbers jump (openpyxl yields the
rows in between as empty ones), is still stopped. Each refusal is the file's error in the
import report; nothing of that file is written.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

from config.settings import (
    IMPORT_MAX_BYTES,
    IMPORT_MAX_CELLS,
    IMPORT_MAX_ROWS,
    IMPORT_MAX_SHARED_BYTES,
    Settings,
)

EXCEL_MAX_ROWS = 1_048_576  # the most rows a sheet can have in Excel
MAX_RATIO = 100  # how many times its packed size a part may unpack to …
RATIO_FROM_BYTES = 1024**2  # … once it unpacks to this much (small parts pack as they like)
MAX_ROW_BYTES = 1024**2  # the XML of one row; a register's row is a few kilobytes
MAX_LINE_BYTES = 1024**2  # one line of a CSV file
_PACKINGS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_CHUNK = 1024**2
_TAIL = 64  # kept from one chunk to the next: a tag cut in two is found whole in the next round
_MAP_MAX_BYTES = 16 * 1024**2  # the parts that name the sheets are small; larger ones are not parsed
# A row's start tag, or the end of the rows (with or without a namespace prefix: `<x:row r="1">`).
_ROW_MARK = re.compile(rb"<(?:[\w.-]+:)?(?:row[\s/>]|/(?:[\w.-]+:)?sheetData\s*>)")


@dataclass(frozen=True)
class Limits:
    """How much one file or sheet may hold (the settings IMPORT_MAX_*; see the module's text)."""

    max_bytes: int = IMPORT_MAX_BYTES
    max_rows: int = IMPORT_MAX_ROWS
    max_cells: int = IMPORT_MAX_CELLS
    max_shared_bytes: int = IMPORT_MAX_SHARED_BYTES

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(max_bytes=settings.import_max_bytes, max_rows=settings.import_max_rows,
                   max_cells=settings.import_max_cells, max_shared_bytes=settings.import_max_shared_bytes)

    @property
    def sheet_rows(self) -> int:
        """The most rows a sheet may have: the setting, or Excel's own limit when that is lower."""
        return min(self.max_rows, EXCEL_MAX_ROWS)

    def too_many_rows(self, *, sheet: str | None = None) -> str:
        """Why a file (or the named sheet) with more rows than allowed is refused."""
        where = f'sheet "{sheet}" has' if sheet is not None else "it has"
        if sheet is not None and self.sheet_rows < self.max_rows:
            return f"too large: {where} more than {EXCEL_MAX_ROWS:,} rows, more than a sheet of Excel can hold"
        noun = "rows" if sheet is not None else "lines"
        return (f"too large: {where} more than {self.max_rows:,} {noun} (IMPORT_MAX_ROWS); "
                "split it into smaller files")

    def too_many_cells(self, *, sheet: str | None = None) -> str:
        where = f'sheet "{sheet}" has' if sheet is not None else "it has"
        return (f"too large: {where} more than {self.max_cells:,} cells (IMPORT_MAX_CELLS); "
                "split it into smaller files")


def line_too_long(line: int) -> str:
    return f"too large: line {line:,} is longer than {_size(MAX_LINE_BYTES)}, which no register line is"


def check_csv(path: Path, limits: Limits) -> str | None:
    """Why a CSV file is refused before it is read, or None."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        return f"too large: {_size(size)}, more than IMPORT_MAX_BYTES allows ({_size(limits.max_bytes)}); " \
               "split it into smaller files"
    return None


def check_workbook(path: Path, limits: Limits) -> str | None:
    """Why a workbook is refused before openpyxl opens it, or None (also when it is no zip at all:
    openpyxl then says what is wrong with it)."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        return f"too large: {_size(size)}, more than IMPORT_MAX_BYTES allows ({_size(limits.max_bytes)})"
    try:
        with zipfile.ZipFile(path) as book:
            return _check_parts(book, limits)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):  # encrypted, damaged …
        return None


def _check_parts(book: zipfile.ZipFile, limits: Limits) -> str | None:
    infos = book.infolist()
    total = sum(info.file_size for info in infos)
    if total > limits.max_bytes:
        return f"too large: it unpacks to {_size(total)}, more than IMPORT_MAX_BYTES allows ({_size(limits.max_bytes)})"
    for info in infos:
        if info.compress_type not in _PACKINGS:
            return f"not read: its part {info.filename} is packed in a way Excel never uses"
        if info.file_size >= RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            return (f"not read: its part {info.filename} unpacks to {ratio:,.0f} times its packed size "
                    f"(at most {MAX_RATIO} is allowed): a \"zip bomb\", not a workbook Excel wrote")
    sheets = _sheet_parts(book, {info.filename: info for info in infos})
    shared = sum(info.file_size for info in infos if info.filename not in sheets)
    if shared > limits.max_shared_bytes:
        return (f"too large: its shared strings, styles and other parts read whole unpack to {_size(shared)}, "
                f"more than IMPORT_MAX_SHARED_BYTES allows ({_size(limits.max_shared_bytes)})")
    for info in infos:  # every part, not only those found to be sheets: rows are rows wherever they are
        with book.open(info) as stream:
            problem = _row_problem(stream, limits.sheet_rows)
        if problem is not None:
            kind, rows = problem
            sheet = sheets.get(info.filename, info.filename)
            if kind == "rows":
                return limits.too_many_rows(sheet=sheet)
            return f'too large: sheet "{sheet}" has a row (the {rows:,}th) of more than {_size(MAX_ROW_BYTES)}'
    return None


def _row_problem(stream: IO[bytes], max_rows: int) -> tuple[str, int] | None:
    """("rows", n) when a part has more than `max_rows` rows, ("row", n) when its nth row is longer
    than MAX_ROW_BYTES, else None; the part is read as a stream, a chunk at a time."""
    rows = 0
    start: int | None = None  # where the row being read began, in the part
    pending, offset = b"", 0  # what is left of the last chunk, and where it is in the part
    while True:
        chunk = stream.read(_CHUNK)
        buffer = pending + chunk
        safe = len(buffer) - _TAIL if chunk else len(buffer)  # tags starting later are looked at next round
        cut = max(safe, 0)
        for mark in _ROW_MARK.finditer(buffer):
            if mark.start() >= safe:
                break
            cut = max(cut, mark.end())
            at = offset + mark.start()
            if start is not None and at - start > MAX_ROW_BYTES:
                return "row", rows
            if mark.group().startswith(b"</"):
                start = None
            else:
                rows += 1
                if rows > max_rows:
                    return "rows", rows
                start = at
        if start is not None and offset + len(buffer) - start > MAX_ROW_BYTES:  # a row still going on
            return "row", rows
        if not chunk:
            return None
        pending, offset = buffer[cut:], offset + cut


def _sheet_parts(book: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo]) -> dict[str, str]:
    """The sheets' parts (name in the zip → the sheet's name), found as openpyxl finds them: the
    workbook part named in [Content_Types].xml (or the package's relationships), and each sheet's
    part in the workbook's relationships. Empty when the workbook does not say."""
    workbook = _workbook_part(book, infos)
    root = _xml(book, infos, workbook)
    if root is None:
        return {}
    folder, base = posixpath.split(workbook)
    relations = _relations(book, infos, posixpath.join(folder, "_rels", f"{base}.rels"), folder)
    sheets = {}
    for element in root.iter():
        if _local(element.tag) != "sheet":
            continue
        relation = next((value for key, value in element.attrib.items() if _local(key) == "id"), "")
        kind, target = relations.get(relation, ("", ""))
        if kind.endswith("/worksheet") and target in infos:
            sheets[target] = element.get("name") or target
    return sheets


def _workbook_part(book: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo]) -> str:
    types = _xml(book, infos, "[Content_Types].xml")
    for element in types.iter() if types is not None else ():
        if _local(element.tag) == "Override" and element.get("ContentType", "").endswith(".main+xml"):
            return element.get("PartName", "").lstrip("/")
    for kind, target in _relations(book, infos, "_rels/.rels", "").values():
        if kind.endswith("/officeDocument"):
            return target
    return "xl/workbook.xml"


def _relations(book: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], part: str,
               folder: str) -> dict[str, tuple[str, str]]:
    """A relationships part: id → (type, the target's part name)."""
    root = _xml(book, infos, part)
    found = {}
    for element in root.iter() if root is not None else ():
        target = element.get("Target", "")
        if _local(element.tag) != "Relationship" or not target or element.get("TargetMode") == "External":
            continue
        name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found[element.get("Id", "")] = (element.get("Type", ""), name)
    return found


def _xml(book: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], part: str) -> ElementTree.Element | None:
    info = infos.get(part)
    if info is None or info.file_size > _MAP_MAX_BYTES:
        return None
    try:
        return ElementTree.fromstring(book.read(info))
    except (ElementTree.ParseError, zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _size(n: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n:,} bytes"
