"""A one-sheet XLSX workbook written as its rows come, for exports of tens of thousands of rows.

openpyxl's write-only mode took about 10 s (and XlsxWriter's constant-memory mode about
4 s) to write the 60,000-row follow-up list on an idle two-core machine; writing the
sheet's XML here takes about a fifth of XlsxWriter's time (docs/PERFORMANCE.md, the
officers' console). The file holds only what an export needs: one sheet, text cells as
inline strings, numbers as numbers, no styles. The zip is written to a stream that cannot
seek (sizes in data descriptors), so the bytes can go to the client batch by batch and
memory stays flat. Cells are written as given: neutralise text first
(`domain.exports.neutralise_row`).
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from xml.sax.saxutils import escape

MAX_CELL_TEXT = 32_767  # Excel's limit for one cell
# XML 1.0 refuses these control characters (tab, line feed and carriage return are allowed)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '</Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>')
_SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_SHEET_END = b"</sheetData></worksheet>"


def column_letters(index: int) -> str:
    """A 0-based column index as Excel names it: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_text(value: str) -> str:
    """A text as the sheet's XML holds it: characters XML refuses are dropped (as openpyxl refuses them)."""
    return escape(_ILLEGAL.sub("", value[:MAX_CELL_TEXT]))


def row_xml(number: int, values: Sequence[object], columns: Sequence[str]) -> str:
    """One row (1-based `number`); None and empty text leave the cell empty."""
    cells = []
    for column, value in zip(columns, values, strict=False):
        if value is None or value == "":
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            cells.append(f'<c r="{column}{number}"><v>{value!r}</v></c>')
        else:
            cells.append(f'<c r="{column}{number}" t="inlineStr"><is><t xml:space="preserve">'
                         f"{cell_text(str(value))}</t></is></c>")
    return f'<row r="{number}">{"".join(cells)}</row>'


class _Sink:
    """Where the zip is written: bytes collected until the next batch is handed on."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        taken, self.parts = b"".join(self.parts), []
        return taken


def stream_xlsx(sheet: str, header: Sequence[str],
                batches: Iterable[Iterable[Sequence[object]]]) -> Iterator[bytes]:
    """The workbook's bytes, a piece per batch of rows (the header row first, then the rows)."""
    columns = [column_letters(i) for i in range(max(1, len(header)))]
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("xl/workbook.xml", _WORKBOOK.format(name=escape(sheet[:31], {'"': "&quot;"})))
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with book.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(_SHEET_START + row_xml(1, header, columns).encode())
            number = 1
            for batch in batches:
                lines = []
                for values in batch:
                    number += 1
                    lines.append(row_xml(number, values, columns))
                part.write("".join(lines).encode())
                yield sink.take()
            part.write(_SHEET_END)
    yield sink.take()


__all__ = ["MAX_CELL_TEXT", "cell_text", "column_letters", "row_xml", "stream_xlsx"]
