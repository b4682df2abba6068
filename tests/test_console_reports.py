"""Reports: the district report of weeks 1 and 3 and the province summary, on screen, XLSX, PDF (issue 14, item 5)."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.clock import BANGKOK
from models import Contract, Visit
from tests.test_console import MUANG_OFFICER, PROVINCE_OFFICER, office, page, signed_in  # noqa: F401  (fixture)
from tests.test_console_letters import look_at, text_of


def visit(session: Session, code: str, person_id: int, on: date, outcome: str = "met") -> None:
    contract = session.scalars(select(Contract).where(Contract.project_code == code)).one()
    session.add(Visit(officer="U0", officer_name="กมลชนก", person_id=person_id, contract_id=contract.id,
                      district_id=contract.area.parent_id, visited_on=on, outcome=outcome, note="",
                      created_at=datetime(2026, 11, 3, 9, tzinfo=BANGKOK)))


def cells(html: str) -> list[list[str]]:
    return [re.findall(r"<td>([^<]*)</td>", row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)]


def seen(db, office):  # type: ignore[no-untyped-def]  # noqa: F811
    """Visits: two in Mueang and one in Thalang in the period of 16 Nov 2026 (2–15 Nov), one in Mueang before it."""
    with Session(db) as session:
        visit(session, "PKT-2567-0101", office["somsri"], date(2026, 11, 3))
        visit(session, "PKT-2567-0102", office["malee"], date(2026, 11, 10), outcome="not_home")
        visit(session, "PKT-2567-0201", office["arunee"], date(2026, 11, 14))
        visit(session, "PKT-2567-0101", office["somsri"], date(2026, 10, 25))
        session.commit()


def test_the_province_sees_every_district_and_the_total(app, office, db):  # noqa: F811
    seen(db, office)
    html = page(signed_in(app, PROVINCE_OFFICER), "/console/reports").get_data(as_text=True)
    assert "สรุปรายงานการติดตามลูกหนี้ ทั้งจังหวัด" in html and "2 พ.ย. 2569 – 15 พ.ย. 2569" in html
    rows = [row for row in cells(html) if row]
    assert rows[0][:3] == ["ถลาง", "1", "1"] and rows[1][:3] == ["เมืองภูเก็ต", "2", "1"]
    assert rows[-1][:3] == ["รวมทั้งจังหวัด", "3", "2"]
    earlier = page(signed_in(app, PROVINCE_OFFICER), "/console/reports?day=2026-11-02").get_data(as_text=True)
    assert [row for row in cells(earlier) if row][-1][:2] == ["รวมทั้งจังหวัด", "1"]  # 19 Oct – 1 Nov
    thai = page(signed_in(app, PROVINCE_OFFICER), "/console/reports?day=๒๐๒๖-๑๑-๐๒").get_data(as_text=True)
    assert [row for row in cells(thai) if row][-1][:2] == ["รวมทั้งจังหวัด", "1"] and "ไม่ใช่รอบรายงาน" not in thai
    other = page(signed_in(app, PROVINCE_OFFICER), "/console/reports?day=2026-02-30").get_data(as_text=True)
    assert "ไม่ใช่รอบรายงาน" in other and [row for row in cells(other) if row][-1][:3] == ["รวมทั้งจังหวัด", "3", "2"]
    client = signed_in(app, PROVINCE_OFFICER)
    assert page(client, "/console/reports.xlsx?day=2026-11-03").status_code == 404  # no file of another day
    chosen = page(signed_in(app, PROVINCE_OFFICER), "/console/reports?district=ถลาง").get_data(as_text=True)
    assert [row for row in cells(chosen) if row] == [["ถลาง", "1", "1", "0", "0", "0", "0", "0", "0", "0"]]


def test_a_district_officer_sees_only_their_district(app, office, db):  # noqa: F811
    seen(db, office)
    html = page(signed_in(app, MUANG_OFFICER), "/console/reports?district=ถลาง&day=not-a-day").get_data(as_text=True)
    assert [row for row in cells(html) if row] == [["เมืองภูเก็ต", "2", "1", "0", "0", "0", "0", "0", "0", "0"]]
    assert 'name="district"' not in html and "ถลาง" not in html


def test_the_report_as_xlsx_is_the_same_table_neutralised(app, office, db):  # noqa: F811
    seen(db, office)
    response = page(signed_in(app, PROVINCE_OFFICER), "/console/reports.xlsx?day=2026-11-16")
    assert response.status_code == 200 and "report-2026-11-16-province.xlsx" in response.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.data), read_only=True)["รายงานการติดตาม"].iter_rows(values_only=True))
    assert rows[0][0] == "สรุปรายงานการติดตามลูกหนี้ ทั้งจังหวัด" and rows[3][0] == "พื้นที่"
    assert rows[-1][:3] == ("รวมทั้งจังหวัด", 3, 2)


def test_the_pdf_to_the_province_carries_the_figures_in_thai(app, office, db):  # noqa: F811
    seen(db, office)
    response = page(signed_in(app, PROVINCE_OFFICER), "/console/reports.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = text_of(response.data)
    assert "สรุปรายงานการติดตามลูกหนี้" in text and "เมืองภูเก็ต" in text and "ถลาง" in text
    assert "รวมทั้งจังหวัด32" in text  # the total's visits and people met
    look_at(response.data, "report-province")
    district = text_of(page(signed_in(app, MUANG_OFFICER), "/console/reports.pdf").data)
    assert "เมืองภูเก็ต21" in district and "ถลาง" not in district
