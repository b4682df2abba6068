"""How much a register file may hold (`register.limits`): bombs are refused before they are read.

A 6.4 MB workbook with 3 GB of shared strings took 39 s and 3.55 GB, and one with 5M rows ran
past 200 s with no report (issue 16, item 7). The bombs here are small (the limits are lowered
where a test needs it); their parts are written as streams, never whole in memory or on disk.
"""

from __future__ import annotations

import csv
import random
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

import openpyxl
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot import create_app
from config.settings import Settings
from models import Contract, Payment
from register.importer import import_files
from register.limits import MAX_LINE_BYTES, Limits
from register.loader import Loader
from register.report import FileReport
from tests.conftest import NOW
from web.cli.imports import import_command

DATA = Path(__file__).with_name("data") / "import"
MiB = 1024 * 1024


def _import(db: Engine, *paths: Path, limits: Limits | None = None) -> list[FileReport]:
    with Session(db) as session:
        return import_files(session, paths, NOW, limits=limits)


def _payments(db: Engine) -> int:
    with db.connect() as connection:
        return connection.execute(select(func.count()).select_from(Payment)).scalar_one()


def _workbook(path: Path) -> Path:
    """A real workbook with one sheet, "payments", holding the test register's payments."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "payments"
    with (DATA / "payments.csv").open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    book.save(path)
    return path


Writer = Callable[[bytes, IO[bytes]], None]
SHARED = "xl/sharedStrings.xml"
SHEET = "xl/worksheets/sheet1.xml"


def _repack(source: Path, target: Path, parts: dict[str, Writer]) -> Path:
    """Copy a workbook with some parts written anew, each by `write(the old part or b"", stream)`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        names = old.namelist()
        for name in names:
            if name not in parts:
                new.writestr(name, old.read(name))
        for name, write in parts.items():
            with new.open(name, "w", force_zip64=True) as stream:
                write(old.read(name) if name in names else b"", stream)
    return target


def _with_shared_strings(source: Path, target: Path, megabytes: float, *, alphabet: str) -> Path:
    """The workbook with a shared strings part (openpyxl writes none) of `megabytes` made-up strings,
    written a piece at a time."""
    def strings(_: bytes, stream: IO[bytes]) -> None:
        stream.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        pick = random.Random(16).choice
        piece = "".join(pick(alphabet) for _ in range(64 * 1024)).encode()
        for _ in range(int(megabytes * MiB) // len(piece)):
            stream.write(b"<si><t>" + piece + b"</t></si>")
        stream.write(b"</sst>")

    def declared(types: bytes, stream: IO[bytes]) -> None:
        override = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
        stream.write(types.replace(b"</Types>", override + b"</Types>"))

    return _repack(source, target, {SHARED: strings, "[Content_Types].xml": declared})


def _with_rows(source: Path, target: Path, rows: bytes) -> Path:
    """The workbook with `rows` (raw XML) added after its sheet's own, its <dimension> left as it was."""
    def write(original: bytes, stream: IO[bytes]) -> None:
        head, _, tail = original.rpartition(b"</sheetData>")
        stream.write(head + rows + b"</sheetData>" + tail)
    return _repack(source, target, {SHEET: write})


# --------------------------------------------------------------------------- workbooks


def test_a_zip_bomb_of_shared_strings_is_refused_before_it_is_read(db, tmp_path):
    """16 MB of shared strings packed into a few kilobytes: refused by its packing ratio, whatever the limits."""
    book = _with_shared_strings(_workbook(tmp_path / "plain.xlsx"), tmp_path / "payments.xlsx", 16, alphabet="A")
    assert book.stat().st_size < 200 * 1024
    [report] = _import(db, book)
    assert report.name == "payments.xlsx" and report.kind is None and not report.rows
    assert report.error is not None and report.error.startswith("not read: its part xl/sharedStrings.xml unpacks to")
    assert '"zip bomb"' in report.error
    assert _payments(db) == 0


def test_shared_strings_past_their_limit_are_refused_before_openpyxl_holds_them(db, tmp_path):
    book = _with_shared_strings(_workbook(tmp_path / "plain.xlsx"), tmp_path / "payments.xlsx", 0.5,
                                alphabet="AB")  # packs about 6:1, like a real register's
    [report] = _import(db, book, limits=Limits(max_shared_bytes=256 * 1024))
    assert report.error is not None
    assert report.error.startswith("too large: its shared strings, styles and other parts read whole unpack to ")
    assert report.error.endswith(" KB, more than IMPORT_MAX_SHARED_BYTES allows (256.0 KB)")
    [report] = _import(db, book, limits=Limits(max_bytes=384 * 1024))
    assert report.error is not None and report.error.startswith("too large: it unpacks to ")
    assert report.error.endswith(" KB, more than IMPORT_MAX_BYTES allows (384.0 KB)")
    assert _payments(db) == 0
    [report] = _import(db, book)  # the same workbook within the limits: imported (its contracts are unknown)
    assert report.error is None and report.rows == 5


def test_a_sheet_with_more_rows_than_allowed_is_refused_before_it_is_read(db, tmp_path):
    extra = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (n, n)
                     for n in range(7, 60))
    book = _with_rows(_workbook(tmp_path / "plain.xlsx"), tmp_path / "payments.xlsx", extra)
    [report] = _import(db, book, limits=Limits(max_rows=50))
    assert report.error == ('too large: sheet "payments" has more than 50 rows (IMPORT_MAX_ROWS); '
                            'split it into smaller files')
    assert not report.rows and _payments(db) == 0  # counted in the zip: openpyxl read none of it


def test_a_sheet_whose_rows_jump_is_stopped_while_it_is_read(db, tmp_path):
    """Seven rows in the file, the last numbered 5000: openpyxl yields the rows in between as
    empty ones (a billion of them, for a row numbered 1,000,000,000); reading stops at the limit."""
    jump = b'<row r="5000"><c r="A5000" t="inlineStr"><is><t>x</t></is></c></row>'
    book = _with_rows(_workbook(tmp_path / "plain.xlsx"), tmp_path / "payments.xlsx", jump)
    [report] = _import(db, book, limits=Limits(max_rows=1000))
    assert report.error == ('too large: sheet "payments" has more than 1,000 rows (IMPORT_MAX_ROWS); '
                            'split it into smaller files')
    assert report.rows == 5 and not report.rejections and _payments(db) == 0


def test_a_row_of_megabytes_is_refused_before_openpyxl_builds_it(db, tmp_path):
    pick = random.Random(7).choice
    text = "".join(pick("ABCDEFGH") for _ in range(MAX_LINE_BYTES + 1024)).encode()
    fat = b'<row r="7"><c r="A7" t="inlineStr"><is><t>' + text + b"</t></is></c></row>"
    book = _with_rows(_workbook(tmp_path / "plain.xlsx"), tmp_path / "payments.xlsx", fat)
    [report] = _import(db, book)
    assert report.error == 'too large: sheet "payments" has a row (the 7th) of more than 1.0 MB'


def test_a_sheet_with_more_cells_than_allowed_is_stopped(db, tmp_path):
    wide = b'<row r="7">' + b"".join(b'<c r="%s7"><v>1</v></c>' % openpyxl.utils.get_column_letter(n).encode()
                                      for n in range(1, 200)) + b"</row>"
    book = _with_rows(_workbook(tmp_path / "plain.xlsx"), tmp_path / "payments.xlsx", wide)
    [report] = _import(db, book, limits=Limits(max_cells=100))
    assert report.error == ('too large: sheet "payments" has more than 100 cells (IMPORT_MAX_CELLS); '
                            'split it into smaller files')


def test_a_damaged_sheet_is_a_refused_file_not_a_traceback(db, tmp_path):
    bad = b'<row r="7"><c r="AAAA7"><v>1</v></c></row>'  # a column past XFD: openpyxl raises ValueError
    book = _with_rows(_workbook(tmp_path / "plain.xlsx"), tmp_path / "payments.xlsx", bad)
    [report] = _import(db, book)
    assert report.error is not None and report.error.startswith("cannot read this sheet after row 6 (ValueError")


# --------------------------------------------------------------------------- CSV


@pytest.mark.parametrize("reader", ["thread", "process"])
def test_csv_files_past_the_limits_are_refused(db, tmp_path, monkeypatch, reader):  # type: ignore[no-untyped-def]
    """Whoever reads the file (a thread, or a process of its own for a big file) refuses it whole."""
    if reader == "process":
        monkeypatch.setattr(Loader, "process_bytes", 0)
    good = (DATA / "payments.csv").read_text(encoding="utf-8")
    blank = tmp_path / "payments-blank.csv"
    blank.write_text(good + "\n" * 2000, encoding="utf-8")
    [report] = _import(db, blank, limits=Limits(max_rows=1000))
    assert report.error == "too large: it has more than 1,000 lines (IMPORT_MAX_ROWS); split it into smaller files"

    wide = tmp_path / "payments-wide.csv"
    wide.write_text(good + "," * 5000 + "\n", encoding="utf-8")
    [report] = _import(db, wide, limits=Limits(max_cells=1000))
    assert report.error == "too large: it has more than 1,000 cells (IMPORT_MAX_CELLS); split it into smaller files"
    assert not report.rejections  # the file is refused whole: its lines are not listed

    endless = tmp_path / "payments-one-line.csv"
    with endless.open("w", encoding="utf-8") as handle:
        handle.write(good)
        for _ in range(3):
            handle.write("," * (MAX_LINE_BYTES // 2))
    [report] = _import(db, endless)
    assert report.error == "too large: line 7 is longer than 1.0 MB, which no register line is"

    [report] = _import(db, DATA / "payments.csv", limits=Limits(max_bytes=100))
    size = (DATA / "payments.csv").stat().st_size
    assert report.error == f"too large: {size} bytes, more than IMPORT_MAX_BYTES allows (100 bytes); " \
                           "split it into smaller files"
    assert _payments(db) == 0


# --------------------------------------------------------------------------- the command and the settings


def test_the_command_names_the_refused_file_says_what_was_written_and_fails(db, tmp_path, settings, clock):
    bomb = _with_shared_strings(_workbook(tmp_path / "plain.xlsx"), tmp_path / "payments.xlsx", 16, alphabet="A")
    many = tmp_path / "members.csv"
    many.write_text((DATA / "members.csv").read_text(encoding="utf-8") + "\n" * 100, encoding="utf-8")
    app = create_app(settings.with_(import_max_rows=50), clock=clock)
    app.cli.add_command(import_command)
    try:
        result = app.test_cli_runner().invoke(args=["import", str(bomb), str(many), str(DATA / "contracts.csv")])
    finally:
        app.extensions["wdf"].close()
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("payments.xlsx: NOT IMPORTED (ไม่ได้นำเข้า): not read: its part xl/sharedStrings.xml")
    assert lines[1].startswith("contracts.csv: 3 created, 0 updated, 0 unchanged, 0 rejected")
    assert ("members.csv: NOT IMPORTED (ไม่ได้นำเข้า): too large: it has more than 50 lines (IMPORT_MAX_ROWS); "
            "split it into smaller files") in lines
    assert lines[-1] == ("1 of 3 file(s) imported; 2 NOT imported (ไม่ได้นำเข้า): "
                         "fix the lines above and import those files again")
    with db.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Contract)).scalar_one() == 3
    assert _payments(db) == 0


def test_the_limits_are_settings():
    env = {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t", "ADMIN_TOKEN": "a", "SECRET_KEY": "k"}
    assert Limits.from_settings(Settings.from_env(env)) == Limits()
    assert Limits().max_rows >= 10_000_000 and Limits().max_bytes >= 1024**3  # a whole country's payments file
    custom = Settings.from_env({**env, "IMPORT_MAX_BYTES": "2048", "IMPORT_MAX_ROWS": "10",
                                "IMPORT_MAX_CELLS": "20", "IMPORT_MAX_SHARED_BYTES": "4096"})
    assert Limits.from_settings(custom) == Limits(max_bytes=2048, max_rows=10, max_cells=20, max_shared_bytes=4096)
    assert Limits(max_rows=5_000_000).sheet_rows == 1_048_576  # Excel's own limit
    assert "more than a sheet of Excel can hold" in Limits().too_many_rows(sheet="members")


@pytest.mark.parametrize("name", ["IMPORT_MAX_ROWS", "IMPORT_MAX_BYTES"])
def test_a_malformed_limit_is_named(name):
    env = {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t", "ADMIN_TOKEN": "a", "SECRET_KEY": "k"}
    with pytest.raises(ValueError, match=name):
        Settings.from_env({**env, name: "lots"})
