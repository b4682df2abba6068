"""The register import (`register`, its `import` command in `web.cli`): CSV and XLSX, checks, upserts, the report."""

from __future__ import annotations

import csv
import shutil
import threading
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from devtools.seed import DEMO_DATA
from domain.identity import national_id_check_digit
from domain.thaiparse import parse_national_id, parse_register_date
from messages.imports import format_report
from models import Area, Base, Contract, Fund, Membership, Payment, Person
from register import cells, loader
from register.importer import import_files
from register.loader import Loader
from register.report import FileReport, Rejection
from register.sources import UNKNOWN_HEADER, kind_of, kind_of_header, plan_sources
from tests.conftest import NOW
from web.cli.imports import import_command

DATA = Path(__file__).with_name("data") / "import"
DEMO_FILES = [DEMO_DATA / "contracts.csv", DEMO_DATA / "members.csv", DEMO_DATA / "payments.csv"]


@pytest.fixture(autouse=True, params=["one chunk", "chunks of 2 rows", "chunks of 2 rows, 3 codes cached",
                                      "chunks of 2 rows, read by a process"])
def chunks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test four times: files read in one chunk, and in chunks of 2 rows, so that every rule
    between rows (repeats, one person's details, one role per contract) also holds across chunks;
    with the project-code cache emptied every few chunks (a national file's codes outgrow it); and
    with every CSV file read and parsed by a process of its own, as big files are."""
    if request.param != "one chunk":
        monkeypatch.setattr(Loader, "chunk_rows", 2)
    if request.param.endswith("codes cached"):
        monkeypatch.setattr(loader, "KNOWN_CODES", 3)
    if request.param.endswith("by a process"):
        monkeypatch.setattr(Loader, "process_bytes", 0)


def _import(db: Engine, *paths: Path | str, now: datetime = NOW) -> list[FileReport]:
    with Session(db) as session:
        return import_files(session, paths, now)


def _counts(report: FileReport) -> tuple[int, int, int, int]:
    return report.created, report.updated, report.unchanged, report.rejected


def _rows(db: Engine, model: type[Any]) -> int:
    with db.connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar_one()


def _snapshot(db: Engine) -> dict[str, Any]:
    """Everything the import writes, by natural keys (ids differ between runs)."""
    with db.connect() as c:
        areas = {row.id: row for row in c.execute(select(Area.id, Area.name, Area.parent_id, Area.level))}

        def path(area_id: int | None) -> tuple[str, ...]:
            out: list[str] = []
            while area_id is not None:
                out.insert(0, f"{areas[area_id].level}:{areas[area_id].name}")
                area_id = areas[area_id].parent_id
            return tuple(out)

        funds = dict(c.execute(select(Fund.id, Fund.code)).all())
        contracts = {}
        codes = {}
        for row in c.execute(select(Contract)):
            codes[row.id] = row.project_code
            contracts[row.project_code] = (
                row.project_name, funds[row.fund_id], path(row.area_id), row.contract_date, row.principal,
                row.installment_count, row.first_due_date, row.interval_months, row.interest_rate,
                row.default_rate, row.status, row.demand_letter_date)
        people = {}
        nids = {}
        for row in c.execute(select(Person)):
            nids[row.id] = row.national_id
            people[row.national_id] = (row.first_name, row.last_name, row.phone, row.birth_date, row.address,
                                       row.lat, row.lng)
        roles = sorted((codes[r.contract_id], nids[r.person_id], r.role) for r in c.execute(select(Membership)))
        payments = sorted((codes[p.contract_id], p.paid_on, p.amount, p.reference) for p in c.execute(select(Payment)))
    return {"contracts": contracts, "people": people, "roles": roles, "payments": payments,
            "funds": sorted(funds.values()), "areas": sorted(path(a) for a in areas)}


def _wipe(db: Engine) -> None:
    with db.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


def _write_csv(path: Path, header: list[str], rows: list[list[str]], bom: bool = False) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


# --------------------------------------------------------------------------- the demo register


def test_demo_register_imports_cleanly_and_again_changes_nothing(db):
    first = _import(db, *DEMO_FILES)
    assert [(r.name, _counts(r)) for r in first] == [
        ("contracts.csv", (200, 0, 0, 0)), ("members.csv", (530, 0, 0, 0)), ("payments.csv", (1901, 0, 0, 0))]
    assert all(r.ok and not r.notes for r in first)
    assert (_rows(db, Contract), _rows(db, Membership), _rows(db, Payment)) == (200, 530, 1901)
    people = _rows(db, Person)
    assert first[1].details == {"people_created": people, "people_updated": 0}
    before = _snapshot(db)

    again = _import(db, *DEMO_FILES, now=NOW + timedelta(days=1))
    assert [_counts(r) for r in again] == [(0, 0, 200, 0), (0, 0, 530, 0), (0, 0, 1901, 0)]
    assert _snapshot(db) == before
    with db.connect() as connection:  # nothing was touched, so nothing was re-stamped
        stamps = set(connection.execute(select(Contract.updated_at)).scalars())
    assert stamps == {NOW}


def test_the_same_register_as_one_workbook_gives_the_same_database(db, tmp_path):
    _import(db, *DEMO_FILES)
    from_csv = _snapshot(db)
    _wipe(db)

    book = openpyxl.Workbook()
    book.remove(book.active)
    native = {  # how Excel would hold them: real dates and numbers
        "contract_date": parse_register_date, "first_due_date": parse_register_date,
        "demand_letter_date": parse_register_date, "paid_on": parse_register_date,
        "birth_date": parse_register_date, "installment_count": int, "interval_months": int,
        "principal": lambda v: float(v.replace(",", "")), "amount": lambda v: float(v.replace(",", "")),
        "national_id": int, "lat": float, "lng": float,
    }
    for kind in ("payments", "members", "contracts"):  # sheet order does not matter
        header, rows = _read_csv(DEMO_DATA / f"{kind}.csv")
        sheet = book.create_sheet(kind.capitalize())
        sheet.append(header)
        for row in rows:
            sheet.append([native[name](v) if v and name in native else (v or None)
                          for name, v in zip(header, row, strict=True)])
    book.save(tmp_path / "register.xlsx")

    reports = _import(db, tmp_path / "register.xlsx")
    assert [(r.name, _counts(r)) for r in reports] == [
        ("register.xlsx [sheet Contracts]", (200, 0, 0, 0)), ("register.xlsx [sheet Members]", (530, 0, 0, 0)),
        ("register.xlsx [sheet Payments]", (1901, 0, 0, 0))]
    assert _snapshot(db) == from_csv
    again = _import(db, *DEMO_FILES)  # and the CSVs find nothing new
    assert [_counts(r) for r in again] == [(0, 0, 200, 0), (0, 0, 530, 0), (0, 0, 1901, 0)]


# --------------------------------------------------------------------------- formats


def test_bom_thai_digits_commas_and_both_calendars(db):
    reports = _import(db, DATA / "payments.csv", DATA / "members.csv", DATA / "contracts.csv")
    assert [(r.name, _counts(r)) for r in reports] == [
        ("contracts.csv", (3, 0, 0, 0)), ("members.csv", (5, 0, 0, 0)), ("payments.csv", (4, 0, 1, 0))]
    state = _snapshot(db)
    one, two, three = (state["contracts"][c] for c in ("TST-2566-0001", "TST-2566-0002", "TST-2560-0003"))
    # B.E. 15/01/2566 = 2023-01-15; "60,000.00"; empty rates take the defaults
    assert one == ("กลุ่มสตรีทดสอบหนึ่ง", "WDF",
                   ("province:ภูเก็ต", "district:ถลาง", "subdistrict:ป่าคลอก", "village:หมู่ 2 บ้านบางโรง"),
                   date(2023, 1, 15), Decimal("60000.00"), 24, date(2023, 2, 15), 1, Decimal("0.10"),
                   Decimal("7.5"), "active", None)
    # C.E. dates, Thai digits in money and counts, no village → the subdistrict, empty fund → WDF
    assert one[2][:3] == two[2] and two[1] == "WDF"
    assert (two[3], two[4], two[5], two[7], two[10]) == (date(2023, 3, 1), Decimal("40000.00"), 4, 6, "active")
    # Thai-digit B.E. date, "120,000", status in any case
    assert (three[3], three[4], three[10], three[11]) == (date(2017, 7, 10), Decimal("120000.00"), "litigation",
                                                          date(2020, 6, 1))
    assert state["people"]["3830100451231"] == ("มาลี", "ศรีทองคำ", "0817231456", date(1958, 3, 5),
                                                "45/2 หมู่ 2 ต.ป่าคลอก อ.ถลาง จ.ภูเก็ต", 8.04123, 98.40115)
    assert "1509900123453" in state["people"]  # written with Thai digits
    assert ("TST-2560-0003", "3830100451231", "guarantor") in state["roles"]  # one person, two contracts
    assert state["payments"] == [
        ("TST-2560-0003", date(2017, 10, 10), Decimal("15000.50"), "BP256010100003"),
        ("TST-2566-0001", date(2023, 2, 15), Decimal("2500.00"), "BP256602150001"),
        ("TST-2566-0001", date(2023, 3, 15), Decimal("2500.00"), "BP256603150002"),
        ("TST-2566-0002", date(2023, 9, 1), Decimal("10000.00"), ""),
    ]
    assert reports[0].notes == ['unknown column "remark" ignored']
    assert reports[2].notes == ["1 row(s) repeat an earlier row of this file (the same payment, counted unchanged)"]


def test_xlsx_rows_are_numbered_as_excel_shows_them_with_the_sheet(db, tmp_path):
    _import(db, DATA / "contracts.csv")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["project_code", "paid_on", "amount", "reference"])
    sheet.append(["TST-2566-0001", datetime(2023, 3, 15), 2500, "A"])  # a real date cell
    sheet.append([])  # a blank row still counts in Excel's numbering
    sheet.append(["TST-2566-0001", date(2566, 3, 15), 2500.25, "B"])  # B.E. year typed into a date cell
    sheet.append(["TST-2566-0001", "15/03/2566", 2500.255, "C"])
    sheet.append(["TST-2566-0001", "15/03/2566", 2500.25, "D"])
    book.save(tmp_path / "payments_lm_export.xlsx")  # the kind comes from the file name here

    [report] = _import(db, tmp_path / "payments_lm_export.xlsx")
    assert report.name == "payments_lm_export.xlsx [sheet Sheet1]"
    assert [str(r) for r in report.rejections] == [
        'sheet "Sheet1" row 4: paid_on date cell 2566-03-15 has a B.E. year: date cells must hold C.E. dates '
        "(or type the text DD/MM/2566)",
        "sheet \"Sheet1\" row 5: amount '2500.255' has more than two decimals (satang)",
    ]
    assert _rows(db, Payment) == 0


# --------------------------------------------------------------------------- changes


def test_a_changed_row_updates_and_an_empty_optional_cell_keeps_the_stored_value(db, tmp_path):
    _import(db, DATA / "contracts.csv", DATA / "members.csv")
    header, rows = _read_csv(DATA / "contracts.csv")
    rows[1][header.index("principal")] = "45,000"
    _write_csv(tmp_path / "contracts.csv", header, rows)
    header, members = _read_csv(DATA / "members.csv")
    members[0][header.index("phone")] = ""  # empty: keep 0817231456
    members[0][header.index("address")] = "99 หมู่ 3 ต.ป่าคลอก"  # changed
    members[1][header.index("role")] = "guarantor"  # a new role on the same contract
    _write_csv(tmp_path / "members.csv", header, members)

    later = NOW + timedelta(days=3)
    contracts, people = _import(db, tmp_path / "contracts.csv", tmp_path / "members.csv", now=later)
    assert _counts(contracts) == (0, 1, 2, 0)
    # row 1 (person changed) and row 5 (the same person on another contract) are updated, row 2 by its role
    assert _counts(people) == (0, 3, 2, 0)
    assert people.details == {"people_created": 0, "people_updated": 1}
    state = _snapshot(db)
    assert state["contracts"]["TST-2566-0002"][4] == Decimal("45000.00")
    assert state["people"]["3830100451231"][2:5:2] == ("0817231456", "99 หมู่ 3 ต.ป่าคลอก")
    assert ("TST-2566-0001", "3100500123458", "guarantor") in state["roles"]
    with db.connect() as connection:
        stamps = dict(connection.execute(select(Contract.project_code, Contract.updated_at)).all())
        created = set(connection.execute(select(Contract.created_at)).scalars())
    assert stamps == {"TST-2566-0001": NOW, "TST-2566-0002": later, "TST-2560-0003": NOW}
    assert created == {NOW}


def test_payments_are_the_same_payment_when_their_four_values_match(db, tmp_path):
    _import(db, DATA / "contracts.csv", DATA / "payments.csv")
    rows = [
        ["TST-2566-0001", "2023-03-15", "2,500.00", "BP256603150002"],  # stored (written 2500)
        ["TST-2566-0001", "15/03/2566", "2500", "BP256603150002"],  # the same, other spelling
        ["TST-2566-0001", "2023-03-15", "2500", "BP256603150099"],  # another reference: new
        ["TST-2566-0002", "2023-09-01", "10000", ""],  # stored, no reference
        ["TST-2566-0002", "2023-09-01", "10000", ""],  # and again
    ]
    [report] = _import(db, _write_csv(tmp_path / "payments-2026-11.csv", ["project_code", "paid_on", "amount",
                                                                            "reference"], rows))
    assert report.name == "payments-2026-11.csv (payments)"
    assert _counts(report) == (1, 0, 4, 0)
    assert _rows(db, Payment) == 5


# --------------------------------------------------------------------------- refusals


def test_a_broken_file_changes_nothing_and_lists_every_bad_line(db):
    _import(db, DATA / "contracts.csv", DATA / "members.csv", DATA / "payments.csv")
    before = _snapshot(db)
    members, payments = _import(db, DATA / "payments_broken.csv", DATA / "members_broken.csv")
    assert _snapshot(db) == before
    assert (members.kind, members.rows, members.rejected, members.ok) == ("members", 6, 5, False)
    assert [str(r) for r in members.rejections] == [
        "line 3: national_id 1-xxxx-xxxxx-03-2 has a wrong check digit",
        "line 4: project_code TST-9999-0001 is not in the register (neither in the database nor in a contracts "
        "file of this import)",
        "line 5: first_name is missing",
        "line 6: role 'boss' is not one of borrower, co_debtor, guarantor; "
        "birth_date '31/02/2569' is not a real calendar date",
        "line 7: lat 95.5 is out of range (-90 to 90)",
    ]
    assert (payments.rows, payments.rejected) == (8, 7)
    assert [str(r) for r in payments.rejections] == [
        "line 2: paid_on '31/02/2569' is not a real calendar date",
        "line 3: amount '-500' is negative: it must be more than 0",
        "line 4: project_code TST-9999-0001 is not in the register (neither in the database nor in a contracts "
        "file of this import)",
        "line 5: paid_on is missing",
        "line 7: paid_on '2569-04-15' looks like a B.E. year in a C.E. date; write DD/MM/2569",
        "line 8: amount '12.345' has more than two decimals (satang)",
        "line 9: paid_on 2022-12-31 is before the contract date 2023-01-15",
    ]
    text = format_report([members, payments])
    assert ("members_broken.csv (members): 0 created, 0 updated, 0 unchanged, 5 rejected: NOT IMPORTED "
            "(ไม่ได้นำเข้า), nothing from this file was written") in text
    assert "  line 3: national_id 1-xxxx-xxxxx-03-2 has a wrong check digit" in text.splitlines()
    assert "1101700207032" not in text  # the report is shown and kept: IDs in it are masked
    assert text.endswith("0 of 2 file(s) imported; 2 NOT imported (ไม่ได้นำเข้า): fix the lines above and "
                         "import those files again")


def test_contract_rows_are_checked_against_each_other(db, tmp_path):
    header, rows = _read_csv(DATA / "contracts.csv")
    rows.append(list(rows[0]))  # the same project twice
    bad = list(rows[1])
    bad[0], bad[header.index("first_due_date")] = "TST-2566-0009", "2023-02-28"  # before the contract date
    bad[header.index("installment_count")], bad[header.index("status")] = "0", "paid"
    rows.append(bad)
    [report] = _import(db, _write_csv(tmp_path / "contracts.csv", header, rows))
    assert [str(r) for r in report.rejections] == [
        "line 5: project_code TST-2566-0001 appears again (first on line 2)",
        "line 6: installment_count 0 is out of range (1 to 1200); status 'paid' is not one of active, litigation, "
        "judgment, closed; first_due_date 2023-02-28 is before contract_date 2023-03-01",
    ]
    assert _rows(db, Contract) == 0


def test_one_person_has_the_same_details_and_one_role_per_contract_in_a_file(db, tmp_path):
    _import(db, DATA / "contracts.csv")
    header, rows = _read_csv(DATA / "members.csv")
    rows.append(["TST-2566-0002", "3830100451231", "มะลิ", "ศรีทองคำ", "guarantor", "", "", "", "", ""])
    rows.append(["TST-2566-0001", "3100500123458", "สมชาย", "ศรีทองคำ", "guarantor", "", "", "", "", ""])
    rows.append(["TST-2566-0001", "3100500123458", "สมชาย", "ศรีทองคำ", "co_debtor", "", "", "", "", ""])  # repeat
    [report] = _import(db, _write_csv(tmp_path / "members.csv", header, rows))
    assert [str(r) for r in report.rejections] == [
        "line 7: national_id 3-xxxx-xxxxx-23-1 has other details than on line 2 (other first_name)",
        "line 8: national_id 3-xxxx-xxxxx-45-8 is already on TST-2566-0001 as co_debtor (line 3); "
        "one person has one role per contract",
    ]
    assert _rows(db, Person) == 0


def test_a_person_on_several_contracts_is_one_person_however_far_apart_the_rows(db, tmp_path):
    """An empty cell filled further down the file is no clash; a changed detail updates the
    person once and counts each of their roles as updated (with chunks of 2 rows: across chunks)."""
    _import(db, DATA / "contracts.csv")
    header, rows = _read_csv(DATA / "members.csv")  # 3100500123458: co_debtor on 0001, no phone (line 3)
    rows.append(["TST-2566-0002", "3100500123458", "สมชาย", "ศรีทองคำ", "guarantor", "0812345678", "", "", "", ""])
    rows.append(["TST-2560-0003", "3100500123458", "สมชาย", "ศรีทองคำ", "guarantor", "", "", "", "", ""])
    rows.append(["TST-2566-0001", "3100500123458", "สมชาย", "ศรีทองคำ", "co_debtor", "", "", "", "", ""])  # repeat
    [first] = _import(db, _write_csv(tmp_path / "members.csv", header, rows))
    assert first.ok and _counts(first) == (7, 0, 1, 0)
    assert first.details == {"people_created": 4, "people_updated": 0}
    with Session(db) as session:
        person = session.scalars(select(Person).where(Person.national_id == "3100500123458")).one()
        assert person.phone == "0812345678" and person.birth_date == date(1960, 10, 17)
    for row in rows:
        if row[1] == "3100500123458":
            row[5] = "0897654321"
    [again] = _import(db, _write_csv(tmp_path / "members.csv", header, rows))
    assert again.ok and _counts(again) == (0, 3, 5, 0)  # their 3 roles updated; 4 others and the repeat unchanged
    assert again.details == {"people_created": 0, "people_updated": 1}


def test_a_missing_required_column_refuses_the_whole_file(db, tmp_path):
    header, rows = _read_csv(DATA / "contracts.csv")
    drop = [header.index("principal"), header.index("first_due_date")]
    header = [h for i, h in enumerate(header) if i not in drop]
    rows = [[v for i, v in enumerate(row) if i not in drop] for row in rows]
    [report] = _import(db, _write_csv(tmp_path / "contracts.csv", header, rows))
    assert not report.ok and report.rejections == []
    assert report.error is not None
    assert report.error.startswith('missing required columns "principal", "first_due_date" (the header on line 1 '
                                   "has: project_code, project_name, fund,")
    assert format_report([report]).splitlines()[0] == f"contracts.csv: NOT IMPORTED (ไม่ได้นำเข้า): {report.error}"
    assert _rows(db, Contract) == 0


def test_unreadable_and_unknown_files_are_reported_and_the_others_still_import(db, tmp_path):
    (tmp_path / "register.csv").write_text("project_code\nX\n", encoding="utf-8")
    (tmp_path / "members.csv").write_bytes((DATA / "members.csv").read_text(encoding="utf-8").encode("tis-620"))
    (tmp_path / "payments.csv").write_text("", encoding="utf-8")
    reports = _import(db, tmp_path / "register.csv", tmp_path / "members.csv", tmp_path / "payments.csv",
                      tmp_path / "missing-contracts.csv", DATA / "contracts.csv")
    assert [(r.name, r.error) for r in reports] == [
        ("register.csv", UNKNOWN_HEADER),
        ("missing-contracts.csv", "file not found"),
        ("contracts.csv", None),
        ("members.csv", 'is not UTF-8 text: save it as "CSV UTF-8"'),
        ("payments.csv", "the file is empty (no header row)"),
    ]
    assert _rows(db, Contract) == 3


def test_members_may_use_contracts_of_the_same_call_but_not_of_a_refused_file(db, tmp_path):
    header, rows = _read_csv(DATA / "contracts.csv")
    rows[2][header.index("principal")] = "-1"
    _write_csv(tmp_path / "contracts.csv", header, rows)
    contracts, members = _import(db, DATA / "members.csv", tmp_path / "contracts.csv")
    assert [str(r) for r in contracts.rejections] == ["line 4: principal '-1' is negative: it must be more than 0"]
    codes = ["TST-2566-0001", "TST-2566-0001", "TST-2566-0002", "TST-2560-0003", "TST-2560-0003"]
    assert [str(r) for r in members.rejections] == [  # the good contracts were not written either
        f"line {n}: project_code {code} is only in contracts.csv, which was not imported"
        for n, code in enumerate(codes, start=2)]
    assert _rows(db, Contract) == _rows(db, Person) == 0


def test_argument_order_does_not_matter(db, tmp_path):
    forward = _import(db, DATA / "contracts.csv", DATA / "members.csv", DATA / "payments.csv")
    state = _snapshot(db)
    _wipe(db)
    backward = _import(db, DATA / "payments.csv", DATA / "members.csv", DATA / "contracts.csv")
    assert [(r.name, _counts(r)) for r in backward] == [(r.name, _counts(r)) for r in forward]
    assert _snapshot(db) == state


def test_without_commit_the_caller_decides(db):
    with Session(db) as session:
        reports = import_files(session, [DATA / "contracts.csv", DATA / "members.csv"], NOW, commit=False)
        assert all(r.ok for r in reports)
        assert session.scalar(select(func.count()).select_from(Membership)) == 5
        session.rollback()
    assert _rows(db, Contract) == _rows(db, Person) == 0
    with Session(db) as session, pytest.raises(ValueError, match="aware"):
        import_files(session, [], datetime(2026, 11, 20))


def test_the_import_has_postgresql_plan_each_lookup_and_leaves_the_connection_as_it_was(db):
    """psycopg would prepare a statement run five times and PostgreSQL keep a generic plan made
    while the tables were small; the import prepares nothing instead. It leaves the server's
    plan cache alone: forcing custom plans there also re-plans every row's foreign-key check."""
    if db.dialect.name != "postgresql":
        return
    with Session(db) as session:
        driver: Any = session.connection().connection.driver_connection
        threshold = driver.prepare_threshold
        seen: list[tuple[int, str]] = []

        def progress(done: int, total: int, report: FileReport | None) -> None:
            seen.append((session.scalar(text("SELECT count(*) FROM pg_prepared_statements")) or 0,
                         session.scalar(text("SELECT current_setting('plan_cache_mode')")) or ""))

        reports = import_files(session, DEMO_FILES, NOW, commit=False, progress=progress)
        assert all(r.ok for r in reports)
        assert len(seen) > 3 and set(seen) == {(0, "auto")}
        assert driver.prepare_threshold == threshold is not None
        session.rollback()


def test_the_import_keeps_postgresql_statistics_of_the_tables_it_writes(db):
    """One transaction, so autovacuum never sees the rows: tables created empty kept no statistics
    and a national payments file's lookups were planned as sequential scans (issue 17). The
    import analyses what it writes as it goes, and the statistics count its own rows."""
    if db.dialect.name != "postgresql":
        return
    with Session(db) as session:
        assert all(r.ok for r in import_files(session, DEMO_FILES, NOW, commit=False))
        for table in ("contracts", "people", "memberships", "payments"):
            rows = session.scalar(text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:t)"), {"t": table})
            assert rows is not None and rows > 0, table
        assert session.scalar(text("SELECT n_distinct FROM pg_stats WHERE tablename = 'payments' "
                                   "AND attname = 'contract_id' AND schemaname = current_schema()")) is not None
        session.rollback()


# --------------------------------------------------------------------------- the command


def test_the_import_command_prints_the_report_and_fails_on_a_rejected_row(app, db, tmp_path):
    app.cli.add_command(import_command)
    runner = app.test_cli_runner()
    shutil.copy(DATA / "contracts.csv", tmp_path / "contracts.csv")
    result = runner.invoke(args=["import", str(DATA / "members.csv"), str(tmp_path / "contracts.csv")])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "contracts.csv: 3 created, 0 updated, 0 unchanged, 0 rejected (areas: 7 created)",
        '  unknown column "remark" ignored',
        "members.csv: 5 created, 0 updated, 0 unchanged, 0 rejected (people: 4 created, 0 updated)",
        "2 of 2 file(s) imported",
    ]
    result = runner.invoke(args=["import", str(DATA / "payments_broken.csv"), str(DATA / "payments.csv")])
    assert result.exit_code == 1
    assert "payments.csv: 4 created, 0 updated, 1 unchanged, 0 rejected" in result.output
    assert "  line 3: amount '-500' is negative: it must be more than 0" in result.output
    assert _rows(db, Payment) == 4  # the good file was committed on its own


def test_a_check_reports_exactly_what_the_import_would_and_writes_nothing(app, db):
    files = [DATA / "payments.csv", DATA / "members.csv", DATA / "contracts.csv", DATA / "payments_broken.csv"]
    seen: list[tuple[int, int, str | None]] = []
    with Session(db) as session:
        checked = import_files(session, files, NOW, check=True,
                               progress=lambda done, total, report: seen.append((done, total, report and report.name)))
    assert _rows(db, Contract) == _rows(db, Person) == _rows(db, Payment) == 0
    assert seen[0] == (0, 4, "contracts.csv") and seen[-1] == (4, 4, None)
    assert [done for done, _, _ in seen] == sorted(done for done, _, _ in seen)
    assert all(r.ok for r in checked[:3]) and not checked[3].ok  # members and payments saw the checked contracts
    imported = _import(db, *files)
    assert [(r.name, _counts(r), [str(x) for x in r.rejections], r.notes) for r in checked] == [
        (r.name, _counts(r), [str(x) for x in r.rejections], r.notes) for r in imported]

    app.cli.add_command(import_command)
    _wipe(db)
    result = app.test_cli_runner().invoke(args=["import", "--check", *map(str, files)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1] == "CHECK ONLY (ตรวจอย่างเดียว): nothing was written; this is what importing these files would do"
    assert "  line 3: amount '-500' is negative: it must be more than 0" in lines
    assert _rows(db, Contract) == _rows(db, Payment) == 0


# --------------------------------------------------------------------------- pure parts


def test_national_ids():
    assert parse_national_id("3830100451231") == "3830100451231"
    assert parse_national_id(" 3-8301-00451-23-1 ") == "3830100451231"
    assert parse_national_id("๓๘๓๐๑๐๐๔๕๑๒๓๑") == "3830100451231"
    assert national_id_check_digit("110170020703") == 0
    with pytest.raises(ValueError, match="^1-xxxx-xxxxx-03-2 has a wrong check digit$"):  # never as typed
        parse_national_id("1101700207032")
    for bad in ("383010045123", "38301004512311", "383010045123x", ""):
        with pytest.raises(ValueError, match="is not 13 digits"):
            parse_national_id(bad)


def test_kinds_come_from_file_and_sheet_names(tmp_path):
    assert [kind_of(n) for n in ("contracts", "2026-11-Members", "payments_lm_export", "สัญญา", "notes",
                                 "members_and_payments")] == [
        "contracts", "members", "payments", "contracts", None, None]
    book = openpyxl.Workbook()
    book.active.title = "Read me"
    for name in ("payments", "members", "contracts"):
        book.create_sheet(name)
    book.save(tmp_path / "register.xlsx")
    (tmp_path / "old.xls").write_bytes(b"")
    sources = plan_sources([tmp_path / "register.xlsx", tmp_path / "old.xls"])
    assert [(s.name, s.kind, s.error) for s in sources] == [
        ("old.xls", None, "old Excel format (.xls): save it as .xlsx or CSV UTF-8"),
        ("register.xlsx [sheet contracts]", "contracts", None),
        ("register.xlsx [sheet members]", "members", None),
        ("register.xlsx [sheet payments]", "payments", None),
    ]
    assert sources[3].notes == ['sheet(s) "Read me" ignored: neither their header row nor their name is contracts, '
                                'members or payments']


def test_the_header_row_says_what_a_file_holds_whatever_its_name(db, tmp_path):
    """An upload keeps whatever name the officer's computer gave it: the header decides."""
    shutil.copy(DATA / "contracts.csv", tmp_path / "export (1).csv")
    shutil.copy(DATA / "members.csv", tmp_path / "payments-from-LM.csv")  # a name that says another kind
    (tmp_path / "notes.csv").write_text("when,what\n2026-01-01,x\n", encoding="utf-8")
    header, rows = _read_csv(DATA / "payments.csv")
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    for row in [header, *rows]:
        book.active.append(row)
    book.create_sheet("Read me").append(["anything"])
    book.save(tmp_path / "LM export.xlsx")
    reports = _import(db, tmp_path / "LM export.xlsx", tmp_path / "notes.csv", tmp_path / "payments-from-LM.csv",
                      tmp_path / "export (1).csv")
    assert [(r.name, r.kind, r.error) for r in reports] == [
        ("notes.csv", None, UNKNOWN_HEADER),
        ("export (1).csv (contracts)", "contracts", None),
        ("payments-from-LM.csv (members)", "members", None),
        ("LM export.xlsx [sheet Sheet1]", "payments", None),
    ]
    assert reports[2].notes == ["its name says payments but its header row has the columns of members: "
                                "read as members"]
    assert reports[3].notes[0] == ('sheet(s) "Read me" ignored: neither their header row nor their name is '
                                   "contracts, members or payments")
    assert [r.created for r in reports[1:]] == [3, 5, 4]
    assert _rows(db, Payment) == 4


def test_a_sheet_named_for_one_kind_holding_another_is_read_as_its_header_says(db, tmp_path):
    header, rows = _read_csv(DATA / "contracts.csv")
    book = openpyxl.Workbook()
    book.active.title = "payments"
    for row in [header, *rows]:
        book.active.append(row)
    book.save(tmp_path / "register.xlsx")
    [report] = _import(db, tmp_path / "register.xlsx")
    assert (report.name, report.kind, report.ok, report.created) == ("register.xlsx [sheet payments]", "contracts",
                                                                     True, 3)
    assert report.notes[0] == ('the sheet name "payments" says payments but its header row has the columns of '
                               "contracts: read as contracts")


def test_kind_of_header():
    assert kind_of_header(["\ufeffProject Code", "PAID_ON", "amount", "reference"]) == "payments"
    assert kind_of_header(["project_code", "national_id", "first_name", "last_name", "role", "phone"]) == "members"
    assert kind_of_header(["project_code", "paid_on"]) is None  # amount missing: not a whole kind
    assert kind_of_header([]) is None
    members_and_payments = ["project_code", "national_id", "first_name", "last_name", "role", "paid_on", "amount"]
    assert kind_of_header(members_and_payments) is None  # two kinds at once: the name decides


def test_format_report_for_officers():
    good = FileReport("contracts.csv", "contracts", created=200)
    bad = FileReport("payments.csv", "payments", created=0, rejected=1,
                     rejections=[Rejection(17, "line 17", "amount 'x' is not an amount of money")])
    assert format_report([good, bad]).splitlines() == [
        "contracts.csv: 200 created, 0 updated, 0 unchanged, 0 rejected",
        "payments.csv: 0 created, 0 updated, 0 unchanged, 1 rejected: NOT IMPORTED (ไม่ได้นำเข้า), nothing from "
        "this file was written",
        "  line 17: amount 'x' is not an amount of money",
        "1 of 2 file(s) imported; 1 NOT imported (ไม่ได้นำเข้า): fix the lines above and import those files again",
    ]


def test_cells_from_a_workbook(tmp_path, db):
    assert cells.date(datetime(2023, 1, 15)) == date(2023, 1, 15)
    assert cells.money(2500) == Decimal("2500.00") and cells.money(0.1) == Decimal("0.10")
    # a formula's floating-point noise, shown by Excel as 300.00 and 1,234.57: read as shown
    assert cells.money(100 * 3.0000000000000004) == Decimal("300.00")
    assert cells.money(1234.5700000000002) == Decimal("1234.57")
    with pytest.raises(ValueError, match="more than two decimals"):
        cells.money(12.345)  # a real third decimal is still refused
    assert cells.phone(817231456) == "0817231456"  # Excel dropped the leading zero
    assert cells.whole(24.0, 1, 1200) == 24
    assert cells.text(3830100451231.0) == "3830100451231"
    for cell, message in ((datetime(2023, 1, 15, 9, 30), "has a time of day"), (45000, "is not a date"),
                          (date(1800, 1, 1), "too far in the past")):
        with pytest.raises(ValueError, match=message):
            cells.date(cell)
    with pytest.raises(ValueError, match="must be more than 0"):
        cells.money("0.00")


def test_huge_amounts_and_nul_bytes_are_rejected_lines_not_crashes(db, tmp_path):
    """`1e30`, 27+ digits and a NUL byte once crashed the import with a traceback, after an
    earlier file of the same run was committed (issue 16, item 3). Each is now a rejected
    line with its reason, and the report says which files were written."""
    contracts = _import(db, DATA / "contracts.csv", DATA / "members.csv")
    assert all(r.ok for r in contracts)
    before = _snapshot(db)
    header, rows = _read_csv(DATA / "payments.csv")
    amount, paid_on = header.index("amount"), header.index("paid_on")
    bad = [list(rows[0]) for _ in range(4)]
    bad[0][amount] = "1e30"
    bad[1][amount] = "1" * 28
    bad[2][paid_on] = "2024-01-01\x00"
    bad[3][header.index("reference")] = "BP\x00"  # free text: no parser of its own refuses it
    path = _write_csv(tmp_path / "payments.csv", header, bad)
    [report] = _import(db, path)
    assert _snapshot(db) == before
    assert [str(r) for r in report.rejections] == [
        "line 2: amount '1e30' is too large",
        f"line 3: amount '{'1' * 28}' is too large",
        "line 4: paid_on contains a NUL character (is the file damaged?)",
        "line 5: reference contains a NUL character (is the file damaged?)",
    ]
    assert "NOT IMPORTED" in format_report([*contracts, report])
    assert format_report([*contracts, report]).endswith(
        "2 of 3 file(s) imported; 1 NOT imported (ไม่ได้นำเข้า): fix the lines above and import those files again")


def test_a_clean_looking_row_with_one_bad_cell_says_what_is_wrong(db, tmp_path):
    """Clean rows take a fast path (every cell parsed, no reasons collected); a row that fails any
    check there is checked again cell by cell, so what the report says is the same either way."""
    header, rows = _read_csv(DATA / "contracts.csv")
    column = {name: n for n, name in enumerate(header)}
    bad = [list(rows[0]) for _ in range(5)]
    for n, row in enumerate(bad):
        row[column["project_code"]] = f"TST-2566-09{n:02d}"
    bad[0][column["demand_letter_date"]] = "2022-12-31"
    bad[1][column["project_name"]] = "กลุ่ม\x00"
    bad[2][column["village"]] = "บ" * 121
    bad[3][column["first_due_date"]] = "2023-01-14"
    bad[4][column["interest_rate"]] = "abc"
    [contracts] = _import(db, _write_csv(tmp_path / "contracts.csv", header, [rows[1], *bad]))
    assert [str(r) for r in contracts.rejections] == [
        "line 3: demand_letter_date 2022-12-31 is before contract_date 2023-01-15",
        "line 4: project_name contains a NUL character (is the file damaged?)",
        "line 5: village is longer than 120 characters",
        "line 6: first_due_date 2023-01-14 is before contract_date 2023-01-15",
        "line 7: interest_rate 'abc' is not a rate (% per year)",
    ]
    _import(db, DATA / "contracts.csv")
    header, rows = _read_csv(DATA / "members.csv")
    column = {name: n for n, name in enumerate(header)}
    bad = [list(rows[0]) for _ in range(5)]
    bad[0][column["lng"]] = ""
    bad[1][column["birth_date"]] = "2030-01-01"
    bad[2][column["address"]] = "45/2\x00"
    bad[3][column["phone"]] = "12ab"
    bad[4][column["national_id"]] = "3-8301-00451-23-1"  # not as typed, but a national ID: read, not refused
    [members] = _import(db, _write_csv(tmp_path / "members.csv", header, bad))
    assert [str(r) for r in members.rejections] == [
        "line 2: lat and lng go together: give both or neither",
        "line 3: birth_date 2030-01-01 is in the future",
        "line 4: address contains a NUL character (is the file damaged?)",
        "line 5: phone '12ab' is not a phone number",
    ]


def test_when_the_database_refuses_a_chunk_the_reading_thread_stops_too(db):
    """A thread parses the next chunk while the last one is written; when the database refuses a
    write, the import reports it, writes nothing of the file, and leaves no thread behind."""
    assert all(r.ok for r in _import(db, DATA / "contracts.csv"))
    sqlite = db.dialect.name == "sqlite"
    with db.begin() as connection:
        if sqlite:
            connection.execute(text("CREATE TRIGGER no_payments BEFORE INSERT ON payments "
                                    "BEGIN SELECT RAISE(ABORT, 'no payments today'); END"))
        else:
            connection.execute(text("CREATE FUNCTION no_payments() RETURNS trigger LANGUAGE plpgsql AS "
                                    "$$ BEGIN RAISE EXCEPTION 'no payments today'; END $$"))
            connection.execute(text("CREATE TRIGGER no_payments BEFORE INSERT ON payments "
                                    "FOR EACH ROW EXECUTE FUNCTION no_payments()"))
    threads = threading.active_count()
    [report] = _import(db, DATA / "payments.csv")
    assert report.error is not None and report.error.startswith("the database refused the file, nothing was written")
    assert "no payments today" in report.error
    assert (report.created, _rows(db, Payment)) == (0, 0)
    assert threading.active_count() == threads
    with db.begin() as connection:
        connection.execute(text("DROP TRIGGER no_payments" + ("" if sqlite else " ON payments")))
        if not sqlite:
            connection.execute(text("DROP FUNCTION no_payments()"))


def test_a_big_file_is_parsed_by_a_process_of_its_own(db, monkeypatch):  # type: ignore[no-untyped-def]
    """A CSV file of PROCESS_BYTES or more is read and parsed by a child process (the import's own
    process only checks and writes): what it writes and reports is what the thread gives, and
    the child is gone when the file is done."""
    monkeypatch.setattr(Loader, "process_bytes", 1)
    started: list[Any] = []
    popen = loader.subprocess.Popen

    def watched(*args: Any, **kwargs: Any) -> Any:
        started.append(popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(loader.subprocess, "Popen", watched)
    reports = _import(db, *DEMO_FILES)
    assert all(r.ok for r in reports) and len(started) == 3
    assert all(child.poll() is not None for child in started)
    by_process = _snapshot(db)
    with db.begin() as connection:
        for model in (Payment, Membership, Person, Contract):
            connection.execute(model.__table__.delete())
    monkeypatch.setattr(Loader, "process_bytes", 1 << 60)
    assert [_counts(r) for r in _import(db, *DEMO_FILES)] == [_counts(r) for r in reports]
    assert _snapshot(db) == by_process


def test_when_the_reading_process_dies_the_file_is_refused_and_nothing_written(db, monkeypatch):  # type: ignore[no-untyped-def]
    """A reading process that stops without a word (killed, out of memory) refuses its file with a
    plain reason; nothing of that file is written, no process is left, and the next file imports."""
    monkeypatch.setattr(Loader, "process_bytes", 1)
    popen = loader.subprocess.Popen
    started: list[Any] = []

    def killed_at_once(*args: Any, **kwargs: Any) -> Any:
        child = popen(*args, **kwargs)
        started.append(child)
        if len(started) == 1:  # the contracts file's reader: gone before it read a line
            child.kill()
            child.wait()
        return child

    monkeypatch.setattr(loader.subprocess, "Popen", killed_at_once)
    contracts, payments = _import(db, DATA / "contracts.csv", DEMO_DATA / "contracts.csv")
    assert contracts.error == ("the file was not read to the end: the process reading it stopped (exit code -9), "
                               "perhaps for want of memory; nothing of it was written")
    assert (contracts.created, contracts.rejected) == (0, 0)
    assert payments.ok and payments.created > 0
    assert _rows(db, Contract) == payments.created
    assert all(child.poll() is not None for child in started)


def test_a_payment_dated_after_today_is_refused_with_its_year_to_check(db, tmp_path):
    """01/01/2580 typed for 01/01/2568: the balance would count it from 2037 only, and show the debt
    as still owed with no word of why."""
    _import(db, DATA / "contracts.csv")
    header, rows = _read_csv(DATA / "payments.csv")
    before = _rows(db, Payment)
    future = list(rows[0])
    future[header.index("paid_on")] = "01/01/2580"
    [report] = _import(db, _write_csv(tmp_path / "payments.csv", header, [*rows, future]))
    assert not report.ok and [str(r) for r in report.rejections] == [
        f"line {len(rows) + 2}: paid_on 2037-01-01 is in the future (today is {NOW.date()}): check its year"]
    assert _rows(db, Payment) == before


def test_a_file_separated_by_semicolons_or_tabs_says_so_and_a_repeated_unknown_column_is_ignored(db, tmp_path):
    _import(db, DATA / "contracts.csv")
    header, rows = _read_csv(DATA / "payments.csv")
    for separator in (";", "\t"):
        path = tmp_path / "payments.csv"
        path.write_text("\n".join(separator.join(r) for r in [header, *rows[:1]]) + "\n", encoding="utf-8")
        [report] = _import(db, path)
        assert not report.ok and "not commas" in (report.error or ""), separator
    [report] = _import(db, _write_csv(tmp_path / "payments.csv", [*header, "หมายเหตุ", "หมายเหตุ"],
                                      [[*r, "", ""] for r in rows]))
    assert report.ok and any('unknown column "หมายเหตุ"' in note for note in report.notes)
