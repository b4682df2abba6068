"""The console's dashboard: a district's (or the province's) figures, as plain numbers.

Every figure the province reports on: contracts and outstanding principal by class, the
overdue amount at each of the last 12 month ends, projects approved per year, projects in
litigation or with a judgment, measure applications by measure and status, mediations held
and settled, the current report period's visits, and contracts near the 5-year limit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.visits import DistrictReport, report_day_on_or_before, report_period
from models import Contract, MeasureApplication
from services.areas import area_ids_under
from services.contracts import open_positions
from services.reports import district_report_for

NEAR_LIMIT_DAYS = 180
MONTHS = 12


@dataclass(frozen=True)
class ClassFigure:
    debtor_class: int | None  # None: paid off (open in the register, nothing left to pay)
    contracts: int
    outstanding: Decimal


@dataclass(frozen=True)
class Dashboard:
    as_of: date
    district: str | None
    by_class: list[ClassFigure]
    overdue_by_month: list[tuple[date, Decimal]]  # month end → overdue amount then
    approved_by_year: list[tuple[int, int]]  # C.E. year of the contract → projects
    by_status: dict[str, int]  # active, litigation, judgment, closed
    applications: dict[tuple[str, str], int]  # (measure, status) → count
    report: DistrictReport  # the current report period
    mediations: DistrictReport  # the last 12 months (mediations held, settled)
    near_limit: int  # contracts within 180 days of the 5-year limit


def month_ends_back(as_of: date, months: int = MONTHS) -> list[date]:
    """The last `months` month ends up to `as_of` (as_of itself for the current month), oldest first."""
    ends = [as_of]
    first = as_of.replace(day=1)
    for k in range(1, months):
        ends.append(first - relativedelta(months=k - 1, days=1))
    return sorted(ends)


def dashboard(session: Session, as_of: date, district: str | None) -> Dashboard:
    """Every figure of the dashboard for a district (None: the province) on `as_of`."""
    area_ids: Sequence[int] | None = area_ids_under(session, district) if district else None
    now = open_positions(session, as_of, area_ids=area_ids)
    classes: Counter[int | None] = Counter()
    outstanding: dict[int | None, Decimal] = {}
    near = 0
    for _, position in now:
        key = position.debtor_class
        classes[key] += 1
        outstanding[key] = outstanding.get(key, Decimal(0)) + position.outstanding_principal
        if position.days_to_prescription is not None and 0 <= position.days_to_prescription <= NEAR_LIMIT_DAYS:
            near += 1
    by_class = [ClassFigure(key, classes[key], outstanding.get(key, Decimal(0)))
                for key in sorted(classes, key=lambda k: (k is None, k or 0))]
    overdue = []
    for end in month_ends_back(as_of):
        then = now if end == as_of else open_positions(session, end, area_ids=area_ids, owing_only=True)
        overdue.append((end, sum((p.overdue_amount for _, p in then), Decimal(0))))

    contracts = select(Contract)
    if area_ids is not None:
        contracts = contracts.where(Contract.area_id.in_(area_ids))
    chosen = contracts.subquery()
    year = func.extract("year", chosen.c.contract_date)
    approved = [(int(y), n) for y, n in session.execute(
        select(year, func.count()).group_by(year).order_by(year))]
    by_status = {status: n for status, n in session.execute(
        select(chosen.c.status, func.count()).group_by(chosen.c.status))}
    applications = {(measure, status): n for measure, status, n in session.execute(
        select(MeasureApplication.measure_id, MeasureApplication.status, func.count())
        .where(MeasureApplication.contract_id.in_(select(chosen.c.id)))
        .group_by(MeasureApplication.measure_id, MeasureApplication.status))}
    start, end = report_period(report_day_on_or_before(as_of))
    report = district_report_for(session, start, end, district)
    mediations = district_report_for(session, as_of - relativedelta(months=MONTHS) + relativedelta(days=1), as_of,
                                     district)
    return Dashboard(as_of, district, by_class, overdue, approved, by_status, applications, report, mediations,
                     near)
