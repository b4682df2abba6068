"""The console's dashboard: a district's and the province's figures, scoped, and as XLSX."""

from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.clock import FixedClock
from models import Contract, DashboardFigures
from scheduler import jobs
from scheduler.lock import clock_lock
from services.areas import area_ids_under
from services.dashboard import (
    dashboard,
    money_figures_live,
    month_ends_back,
    store_money_figures,
    stored_money_figures,
)
from tests import factories as f
from tests.conftest import NOW
from tests.test_console import MUANG_OFFICER, PROVINCE_OFFICER, office, page, signed_in  # noqa: F401  (fixture)

DAY = date(2026, 11, 20)
DISTRICTS = ("เมืองภูเก็ต", "ถลาง", "กะทู้")


def test_the_figures_of_a_district_and_of_the_province(app, db, office):  # noqa: F811
    with Session(db) as session:
        session.scalars(select(Contract).where(Contract.project_code == "PKT-2567-0201")).one().status = "litigation"
        session.commit()
        muang = dashboard(session, DAY, "เมืองภูเก็ต", NOW)
        province = dashboard(session, DAY, None, NOW)
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


def more_contracts(session: Session) -> None:
    """Beside the office's three in default: one paid off, one up to date, one long ended, in a third district."""
    kathu = f.area(session, "กะทู้", "ป่าตอง")
    chalong = f.area(session, "เมืองภูเก็ต", "ฉลอง")
    paid = f.contract(session, where=kathu, code="PKT-2567-0301", contract_date=date(2024, 1, 10),
                      first_due_date=date(2024, 2, 10), installment_count=12, principal=12000)
    f.payment(session, paid, date(2024, 12, 10), "12000.00")
    current = f.contract(session, where=kathu, code="PKT-2567-0302", contract_date=date(2026, 1, 5),
                         first_due_date=date(2026, 2, 5), installment_count=10, principal="10000.50")
    for month in range(2, 12):
        f.payment(session, current, date(2026, month, 5), "1000.05")
    ended = f.contract(session, where=chalong, code="PKT-2567-0303", contract_date=date(2019, 6, 1),
                       first_due_date=date(2019, 7, 1), installment_count=12, principal=36000)
    f.payment(session, ended, date(2019, 7, 1), "3000.00")
    session.commit()


def test_stored_figures_equal_the_live_ones_for_the_province_and_each_district(db, office):  # noqa: F811
    with Session(db) as session:
        more_contracts(session)
        assert store_money_figures(session, DAY, NOW) == 12
        session.commit()
        for district in (None, *DISTRICTS):
            area_ids = area_ids_under(session, district) if district else None
            stored = stored_money_figures(session, DAY, area_ids)
            assert stored is not None and stored == money_figures_live(session, DAY, area_ids), district
        province = stored_money_figures(session, DAY, None)
        assert province is not None and {c.debtor_class for c in province.by_class} >= {3, None}
        assert store_money_figures(session, DAY, NOW) == 0  # fresh: nothing to compute


def test_a_payment_makes_them_stale_the_next_view_shows_the_last_ones_marked_and_the_clock_renews_them(
        app, db, office):  # noqa: F811
    with Session(db) as session:
        store_money_figures(session, DAY, NOW)
        session.commit()
        before = dashboard(session, DAY, "ถลาง", NOW)
        assert before.money_computed_at is None  # the register's figures as it is now
        contract = session.scalars(select(Contract).where(Contract.project_code == "PKT-2567-0201")).one()
        f.payment(session, contract, date(2026, 11, 1), "5000.00")
        session.commit()
        assert stored_money_figures(session, DAY, None) is None  # the register changed
        # no view waits for a province's computation: the last figures, marked with when they were computed
        shown = dashboard(session, DAY, "ถลาง", NOW)
        assert shown.money_computed_at == NOW
        assert (shown.by_class, shown.overdue_by_month) == (before.by_class, before.overdue_by_month)
        session.commit()
    client = signed_in(app, PROVINCE_OFFICER)
    html = page(client, "/console/dashboard?district=ถลาง").get_data(as_text=True)
    assert 'id="money-earlier"' in html and "ระบบกำลังคำนวณใหม่" in html
    rt = app.extensions["wdf"]
    with clock_lock(rt.engine, wait=False, clock=FixedClock(NOW)) as held:  # the clock's next round
        jobs.install(rt, held)
        jobs.refresh_dashboard()
    with Session(db) as session:
        after = dashboard(session, DAY, "ถลาง", NOW)
        live = money_figures_live(session, DAY, area_ids_under(session, "ถลาง"))
        assert after.money_computed_at is None
        assert after.by_class == live.by_class and after.overdue_by_month == live.overdue_by_month
        assert after.overdue_by_month[-1][1] < before.overdue_by_month[-1][1]
    html = page(client, "/console/dashboard?district=ถลาง").get_data(as_text=True)
    assert 'id="money-earlier"' not in html


def test_the_next_day_reuses_the_past_month_ends(db, office):  # noqa: F811
    with Session(db) as session:
        store_money_figures(session, DAY, NOW)
        session.commit()
        assert store_money_figures(session, date(2026, 11, 21), NOW) == 1  # only the new day
        session.commit()
        for district in (None, "เมืองภูเก็ต"):
            area_ids = area_ids_under(session, district) if district else None
            assert stored_money_figures(session, date(2026, 11, 21), area_ids) == money_figures_live(
                session, date(2026, 11, 21), area_ids)


def test_the_page_shows_the_same_numbers_stored_or_computed(app, db, office):  # noqa: F811
    client = signed_in(app, PROVINCE_OFFICER)
    computed = page(client, "/console/dashboard").get_data(as_text=True)  # nothing stored yet: computed, stored
    with Session(db) as session:
        assert session.scalar(select(func.count()).select_from(DashboardFigures)) == 12
    stored = page(client, "/console/dashboard").get_data(as_text=True)
    strip = re.compile(r'name="csrf_token" value="[^"]+"')
    assert strip.sub("", stored) == strip.sub("", computed)
    assert re.search(r"<td>ชั้น 3</td><td>3</td><td>69,000.00</td>", stored)


def test_the_clock_stores_them(app, db, office):  # noqa: F811
    rt = app.extensions["wdf"]
    with clock_lock(rt.engine, wait=False, clock=FixedClock(NOW)) as held:
        jobs.install(rt, held)
        jobs.refresh_dashboard()
    with Session(db) as session:
        assert stored_money_figures(session, DAY, None) == money_figures_live(session, DAY, None)


def test_the_command_stores_them(app, db, office):  # noqa: F811
    first = app.test_cli_runner().invoke(args=["reports", "dashboard"])
    assert first.exit_code == 0 and "12 day(s)" in first.output, first.output
    again = app.test_cli_runner().invoke(args=["reports", "dashboard"])
    assert again.exit_code == 0 and "current" in again.output
    with Session(db) as session:
        assert stored_money_figures(session, DAY, None) == money_figures_live(session, DAY, None)
