"""The console's dashboard: a district's and the province's figures, scoped, and as XLSX."""

from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Contract
from services.dashboard import dashboard, month_ends_back
from tests.test_console import MUANG_OFFICER, PROVINCE_OFFICER, office, page, signed_in  # noqa: F401  (fixture)


def test_the_figures_of_a_district_and_of_the_province(app, db, office):  # noqa: F811
    with Session(db) as session:
        session.scalars(select(Contract).where(Contract.project_code == "PKT-2567-0201")).one().status = "litigation"
        session.commit()
        muang = dashboard(session, date(2026, 11, 20), "เมืองภูเก็ต")
        province = dashboard(session, date(2026, 11, 20), None)
    assert [(c.debtor_class, c.contracts) for c in muang.by_class] == [(3, 2)]
    assert sum(c.outstanding for c in muang.by_class) == 2 * 23000
    assert sum(c.contracts for c in province.by_class) == 3
    assert province.by_status == {"active": 2, "litigation": 1} and muang.by_status == {"active": 2}
    assert province.approved_by_year == [(2025, 3)]
    assert len(muang.overdue_by_month) == 12 and muang.overdue_by_month[-1][0] == date(2026, 11, 20)
    assert muang.overdue_by_month[-1][1] > muang.overdue_by_month[0][1] > 0  # more is overdue as months pass


def test_month_ends_are_the_last_twelve():
    ends = month_ends_back(date(2026, 3, 15))
    assert ends[0] == date(2025, 4, 30) and ends[-2] == date(2026, 2, 28) and ends[-1] == date(2026, 3, 15)


def test_a_district_officer_sees_their_district_and_a_province_officer_may_choose(app, office):  # noqa: F811
    own = page(signed_in(app, MUANG_OFFICER), "/console/dashboard?district=ถลาง").get_data(as_text=True)
    assert "เมืองภูเก็ต" in own and "<svg" in own and 'name="district"' not in own
    assert re.search(r"<td>ชั้น 3</td><td>2</td><td>46,000.00</td>", own)
    client = signed_in(app, PROVINCE_OFFICER)
    thalang = page(client, "/console/dashboard?district=ถลาง").get_data(as_text=True)
    assert re.search(r"<td>ชั้น 3</td><td>1</td><td>23,000.00</td>", thalang)
    everything = page(client, "/console/dashboard?district=nowhere").get_data(as_text=True)  # unknown: the province
    assert re.search(r"<td>ชั้น 3</td><td>3</td><td>69,000.00</td>", everything)


def test_the_dashboard_as_xlsx_has_a_sheet_per_table(app, office):  # noqa: F811
    response = page(signed_in(app, MUANG_OFFICER), "/console/dashboard.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    assert book.sheetnames == ["ตามชั้นลูกหนี้", "ค้างชำระรายเดือน", "อนุมัติรายปี", "สถานะสัญญา", "คำขอมาตรการ",
                               "รอบรายงาน"]
    rows = list(book["ตามชั้นลูกหนี้"].iter_rows(values_only=True))
    assert rows == [("ชั้นลูกหนี้", "สัญญา", "เงินต้นคงเหลือ (บาท)"), ("ชั้น 3", 2, 46000.0)]
