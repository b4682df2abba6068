"""Register files with Thai column headings (issue 14, item 4): the fund's exports may name their columns in
Thai; each heading is read as its English column, so a file is recognised by its header row and imports the
same whichever language its header speaks, whatever the file is called."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from devtools.seed import DEMO_DATA
from models import Payment
from register.contracts import ContractsLoader
from register.members import MembersLoader
from register.payments import PaymentsLoader
from register.sources import THAI_COLUMNS, kind_of_header
from tests.test_console import PROVINCE_OFFICER, signed_in
from tests.test_console_import import office, settled, upload, where
from tests.test_import import DEMO_FILES, _counts, _import, _read_csv, _rows, _snapshot, _wipe, _write_csv

__all__ = ["office"]

# As the fund's staff would head the columns (a unit in brackets, spaces inside a heading, both kept).
IN_THAI = {
    "project_code": "เลขที่สัญญา", "project_name": "ชื่อโครงการ", "fund": "กองทุน", "province": "จังหวัด",
    "district": "อำเภอ", "subdistrict": "ตำบล", "village": "หมู่บ้าน", "contract_date": "วันที่ทำสัญญา",
    "principal": "เงินต้น (บาท)", "installment_count": "จำนวนงวด", "first_due_date": "วันครบกำหนดงวดแรก",
    "interval_months": "ระยะห่างงวด (เดือน)", "interest_rate": "อัตราดอกเบี้ยเงินกู้ (ร้อยละต่อปี)",
    "default_rate": "อัตราดอกเบี้ยผิดนัด", "status": "สถานะสัญญา", "demand_letter_date": "วันที่ส่งหนังสือทวงถาม",
    "national_id": "เลขประจำตัวประชาชน", "first_name": "ชื่อ", "last_name": "นามสกุล", "role": "บทบาท",
    "phone": "เบอร์โทรศัพท์", "birth_date": "วันเดือนปีเกิด", "address": "ที่อยู่", "lat": "ละติจูด",
    "lng": "ลองจิจูด", "paid_on": "วันที่ ชำระ", "amount": "จำนวนเงิน (บาท)", "reference": "เลขที่อ้างอิง",
}
ODD_NAMES = {"contracts": "export (2).csv", "members": "LM-20261120.csv", "payments": "ข้อมูล.csv"}


def in_thai(path: Path, to: Path) -> Path:
    """The same file with its header row in Thai (payments: the project code as รหัสโครงการ)."""
    header, rows = _read_csv(path)
    thai = [IN_THAI[name] for name in header]
    if "paid_on" in header:
        thai[0] = "รหัสโครงการ"
    return _write_csv(to, thai, rows, bom=True)


def test_thai_headings_import_exactly_as_english_ones_whatever_the_files_are_called(db, tmp_path):
    english = _import(db, *DEMO_FILES)
    from_english = _snapshot(db)
    _wipe(db)
    thai_files = [in_thai(DEMO_DATA / f"{kind}.csv", tmp_path / ODD_NAMES[kind]) for kind in ODD_NAMES]
    thai = _import(db, *reversed(thai_files))  # any order: contracts first all the same
    assert [(r.kind, r.ok, r.error, r.notes) for r in thai] == [
        ("contracts", True, None, []), ("members", True, None, []), ("payments", True, None, [])]
    assert [_counts(r) for r in thai] == [_counts(r) for r in english]
    assert [r.name for r in thai] == ["export (2).csv (contracts)", "LM-20261120.csv (members)",
                                      "ข้อมูล.csv (payments)"]
    assert _snapshot(db) == from_english
    again = _import(db, *thai_files)
    assert [r.created + r.updated for r in again] == [0, 0, 0]  # re-importing changes nothing, as in English


def test_a_workbook_with_thai_headings_and_plain_sheet_names_imports_the_same(db, tmp_path):
    _import(db, *DEMO_FILES)
    from_english = _snapshot(db)
    _wipe(db)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for number, kind in enumerate(("payments", "members", "contracts"), start=1):  # sheet order does not matter
        header, rows = _read_csv(in_thai(DEMO_DATA / f"{kind}.csv", tmp_path / f"{kind}.csv"))
        sheet = book.create_sheet(f"Sheet{number}")  # names that say nothing
        for row in [header, *rows]:
            sheet.append([value or None for value in row])
    book.save(tmp_path / "ทะเบียนลูกหนี้.xlsx")
    reports = _import(db, tmp_path / "ทะเบียนลูกหนี้.xlsx")
    assert [(r.name, r.kind, r.ok) for r in reports] == [
        ("ทะเบียนลูกหนี้.xlsx [sheet Sheet3]", "contracts", True),
        ("ทะเบียนลูกหนี้.xlsx [sheet Sheet2]", "members", True),
        ("ทะเบียนลูกหนี้.xlsx [sheet Sheet1]", "payments", True)]
    assert _snapshot(db) == from_english


def test_a_thai_header_that_lacks_a_column_is_refused_with_the_column_named(db, tmp_path):
    path = tmp_path / "ชำระเงิน.csv"  # the name says payments; the header lacks the amount
    path.write_text("เลขที่สัญญา,วันที่ชำระ,หมายเหตุ\nTST-1,2026-01-01,x\n", encoding="utf-8")
    [report] = _import(db, path)
    assert report.kind == "payments" and not report.ok and "amount" in (report.error or "")
    assert _rows(db, Payment) == 0


@pytest.mark.parametrize(("header", "kind"), [
    (["รหัสโครงการ", "วันที่ชำระ", "จำนวนเงิน"], "payments"),
    (["\ufeffเลขที่สัญญา", "วันที่รับชำระ", "ยอดชำระ", "เลขที่ใบเสร็จ"], "payments"),
    (["เลขที่สัญญา", "เลขประจำตัวประชาชน", "ชื่อ", "นามสกุล", "บทบาท", "เบอร์โทร"], "members"),
    (["project_code", "เลขบัตรประชาชน", "first_name", "นามสกุล", "role"], "members"),  # mixed is fine
    (["รหัสโครงการ", "ชื่อโครงการ", "จังหวัด", "อำเภอ", "ตำบล", "วันที่ทำสัญญา", "จำนวนเงินกู้",
      "จำนวนงวด", "วันครบกำหนดงวดแรก"], "contracts"),
    (["รหัสโครงการ", "ชื่อโครงการ", "จังหวัด", "อำเภอ", "ตำบล", "วันที่ทำสัญญา", "เงินต้น\u00a0(บาท)",
      "จ\u0e4d\u0e32นวนงวด", "วันครบกำหนด งวดแรก"], "contracts"),  # a no-break space, SARA AM in two parts
    (["รหัสโครงการ", "วันที่ชำระ"], None),  # no amount: not a whole kind
    (["ลำดับ", "รายการ"], None),
])
def test_thai_headings_say_the_kind(header, kind):
    assert kind_of_header(header) == kind


def test_every_thai_heading_names_a_column_the_register_reads():
    known = {name for loader in (ContractsLoader, MembersLoader, PaymentsLoader)
             for name in (*loader.required_columns, *loader.optional_columns)}
    assert set(THAI_COLUMNS.values()) == known  # every column has a Thai heading, and no heading is stray
    assert all(not key.isascii() for key in THAI_COLUMNS)


def test_the_console_reads_a_thai_header_in_a_file_named_anything(app, db, office):
    client = signed_in(app, PROVINCE_OFFICER)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([["รหัสโครงการ", "วันที่ชำระ", "จำนวนเงิน (บาท)", "เลขที่อ้างอิง"],
                      ["PKT-2567-0101", "10/03/2568", "1,000.00", "BP-1"]])
    response = upload(client, ("สรุปยอด พ.ย..csv", buffer.getvalue().encode("utf-8-sig")))
    html = settled(client, where(response))
    assert "สรุปยอด พ.ย..csv (payments)" in html and "ยืนยันนำเข้า" in html
    assert _rows(db, Payment) == 3  # the office's own: nothing written before the confirm
