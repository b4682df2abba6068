"""The streamed XLSX writer of the console's exports (domain.xlsx): what openpyxl reads back is what was written."""

from __future__ import annotations

import io
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from domain.exports import neutralise_row
from domain.xlsx import MAX_CELL_TEXT, column_letters, stream_xlsx

HEADER = ["ลำดับ", "ชื่อ", "ยอด"]


def read(data: bytes) -> list[tuple[object, ...]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    rows = [tuple(row) for row in book.active.iter_rows(values_only=True)]
    book.close()
    return rows


def test_column_letters_go_past_z():
    assert [column_letters(i) for i in (0, 12, 25, 26, 51, 701, 702)] == ["A", "M", "Z", "AA", "AZ", "ZZ", "AAA"]


def test_a_workbook_in_batches_reads_back_as_one_sheet_of_text_and_numbers():
    batches = [[[1, 'กลุ่ม <ทอผ้า> & "ข้าว"', 1234.5], [2, None, 0]], [], [[3, "", -2]]]
    chunks = list(stream_xlsx("รายการติดตาม", HEADER, batches))
    assert len(chunks) == len(batches) + 1  # a piece per batch: sent while the next is read
    data = b"".join(chunks)
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    book = load_workbook(io.BytesIO(data), read_only=True)
    assert book.sheetnames == ["รายการติดตาม"]
    book.close()
    assert read(data) == [("ลำดับ", "ชื่อ", "ยอด"), (1, 'กลุ่ม <ทอผ้า> & "ข้าว"', 1234.5), (2, None, 0), (3, None, -2)]


def test_formulas_stay_text_and_characters_xml_refuses_are_dropped():
    row = neutralise_row(['=HYPERLINK("http://x","y")', "a\x00b\x1fc\td", "x" * (MAX_CELL_TEXT + 5)])
    book = load_workbook(io.BytesIO(b"".join(stream_xlsx("s", HEADER, [[row]]))))
    sheet = book.active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "'=HYPERLINK(\"http://x\",\"y\")"
    assert sheet["B2"].value == "abc\td" and sheet["C2"].value == "x" * MAX_CELL_TEXT


cells = st.one_of(st.none(), st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False),
                  st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
                          max_size=30))


@settings(max_examples=60, deadline=None)  # each example writes and unzips a workbook
@given(st.lists(st.lists(st.lists(cells, min_size=3, max_size=3), max_size=4), max_size=3))
def test_any_rows_read_back_as_written(batches):  # type: ignore[no-untyped-def]
    def expected(value: object) -> object:
        return None if value == "" else value

    wanted = [tuple(HEADER)] + [tuple(expected(v) for v in row) for batch in batches for row in batch]
    got = read(b"".join(stream_xlsx("s", HEADER, batches)))
    # openpyxl leaves out trailing empty cells of a row in read-only mode
    assert [row + (None,) * (3 - len(row)) for row in got] == wanted
