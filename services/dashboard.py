"""The console's dashboard: a district's (or the province's) figures, as plain numbers.

Every figure the province reports on: contracts and outstanding principal by class, the
overdue amount at each of the last 12 month ends, projects approved per year, projects in
litigation or with a judgment, measure applications by measure and status, mediations held
and settled, the current report period's visits, and contracts near the 5-year limit.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.money import Position
from domain.visits import DistrictReport, report_day_on_or_before, report_period
from models import Contract, DashboardFigures, MeasureApplication, RegisterVersion
from models.db import in_ids
from services.areas import Scope, area_ids_under, district_of_areas
from services.contracts import each_open_position, open_positions
from services.reports import district_report_for
from services.standing import STATE_ID, register_version

log = logging.getLogger(__name__)

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
    district: Scope | None
    by_class: list[ClassFigure]
    overdue_by_month: list[tuple[date, Decimal]]  # month end → overdue amount then
    approved_by_year: list[tuple[int, int]]  # C.E. year of the contract → projects
    by_status: dict[str, int]  # active, litigation, judgment, closed
    applications: dict[tuple[str, str], int]  # (measure, status) → count
    report: DistrictReport  # the current report period
    mediations: DistrictReport  # the last 12 months (mediations held, settled)
    near_limit: int  # contracts within 180 days of the 5-year limit
    money_computed_at: datetime | None = None  # set when the money figures predate the register's last change


def month_ends_back(as_of: date, months: int = MONTHS) -> list[date]:
    """The last `months` month ends up to `as_of` (as_of itself for the current month), oldest first."""
    ends = [as_of]
    first = as_of.replace(day=1)
    for k in range(1, months):
        ends.append(first - relativedelta(months=k - 1, days=1))
    return sorted(ends)


@dataclass(frozen=True)
class MoneyFigures:
    """The figures that need the money rules: by class, overdue at each month end, near the limit."""

    by_class: list[ClassFigure]
    overdue_by_month: list[tuple[date, Decimal]]
    near_limit: int
    # None when they are the register's figures as it is now; else when the figures shown were
    # computed (the register changed since: the clock computes them again within minutes)
    computed_at: datetime | None = None


def money_figures_live(session: Session, as_of: date, area_ids: Sequence[int] | None) -> MoneyFigures:
    """The money figures computed now from the register (all contracts, or those of `area_ids`):
    13 passes of the money rules, seconds on a province. `stored_money_figures` keeps them."""
    now = open_positions(session, as_of, area_ids=area_ids)
    classes: Counter[int | None] = Counter()
    outstanding: dict[int | None, Decimal] = {}
    near = 0
    for _, position in now:
        key = position.debtor_class
        classes[key] += 1
        outstanding[key] = outstanding.get(key, Decimal(0)) + position.outstanding_principal
        if _near_limit(position):
            near += 1
    overdue = []
    for end in month_ends_back(as_of):
        then = now if end == as_of else open_positions(session, end, area_ids=area_ids, owing_only=True)
        overdue.append((end, sum((p.overdue_amount for _, p in then), Decimal(0))))
    return MoneyFigures(_by_class(classes, outstanding), overdue, near)


def _near_limit(position: Position) -> bool:
    return position.days_to_prescription is not None and 0 <= position.days_to_prescription <= NEAR_LIMIT_DAYS


def _by_class(classes: Counter[int | None], outstanding: dict[int | None, Decimal]) -> list[ClassFigure]:
    return [ClassFigure(key, classes[key], outstanding.get(key, Decimal(0)))
            for key in sorted(classes, key=lambda k: (k is None, k or 0)) if classes[key]]


# Raise when the stored figures change shape or meaning: rows of an older format are recomputed.
FORMAT = 1


def _class_key(debtor_class: int | None) -> str:
    return "" if debtor_class is None else str(debtor_class)


def _day_figures(session: Session, day: date, full: bool, district_of: dict[int, int]) -> dict[str, Any]:
    """One day's money figures per district id ("" for none), in one pass of the money rules over
    the province: as JSON values (amounts as exact strings)."""
    found: dict[str, dict[str, Any]] = {}
    for facts, position in each_open_position(session, day, owing_only=not full):  # a batch at a time
        district = district_of.get(facts.area_id)
        key = "" if district is None else str(district)
        figures = found.setdefault(key, {"overdue": Decimal(0), "classes": {}, "near_limit": 0})
        figures["overdue"] += position.overdue_amount
        if full:
            count, amount = figures["classes"].get(_class_key(position.debtor_class), (0, Decimal(0)))
            figures["classes"][_class_key(position.debtor_class)] = (
                count + 1, amount + position.outstanding_principal)
            figures["near_limit"] += _near_limit(position)
    out: dict[str, Any] = {}
    for key, figures in found.items():
        out[key] = {"overdue": str(figures["overdue"])}
        if full:
            out[key]["classes"] = {c: [n, str(amount)] for c, (n, amount) in figures["classes"].items()}
            out[key]["near_limit"] = figures["near_limit"]
    return out


def store_money_figures(session: Session, as_of: date, now: datetime) -> int:
    """Compute and store what is missing of the money figures for `as_of` (the day itself in full,
    the 11 month ends before it), for the register as it is now; returns the days computed.

    Days already stored for this register version are kept: when the day turns, only the
    new day is computed. The register's version is read first, so a change committed while
    this runs leaves the figures marked with the older version: stale, never wrongly fresh.
    Nothing is stored before the register was ever written (no version yet). The caller commits.
    """
    version = register_version(session)
    if version is None:
        return 0
    stored = {row.day: row for row in session.scalars(
        select(DashboardFigures).where(DashboardFigures.register_version == version,
                                       DashboardFigures.format == FORMAT,
                                       DashboardFigures.day.in_(month_ends_back(as_of))))}
    wanted = [(day, day == as_of) for day in month_ends_back(as_of)
              if day not in stored or (day == as_of and not stored[day].full)]
    if not wanted:
        return 0
    district_of = {area_id: district.id for area_id, district in district_of_areas(session).items()}
    computed = [(day, full, _day_figures(session, day, full, district_of)) for day, full in wanted]
    session.execute(delete(DashboardFigures).where(DashboardFigures.register_version != version))
    session.execute(delete(DashboardFigures).where(DashboardFigures.register_version == version,
                                                   DashboardFigures.format != FORMAT))
    try:
        with session.begin_nested():  # another view or the clock may store the same day meanwhile
            for day, full, figures in computed:
                if day in stored:
                    session.execute(delete(DashboardFigures).where(DashboardFigures.id == stored[day].id))
                session.add(DashboardFigures(register_version=version, day=day, format=FORMAT, full=full,
                                             figures={"districts": figures}, computed_at=now))
    except IntegrityError:
        log.info("dashboard figures stored meanwhile by another", extra={"as_of": as_of.isoformat()})
        return 0
    log.info("dashboard figures stored", extra={"as_of": as_of.isoformat(), "days": len(computed),
                                                 "version": version})
    return len(computed)


def stored_money_figures(session: Session, as_of: date, area_ids: Sequence[int] | None, *,
                         earlier: bool = False) -> MoneyFigures | None:
    """The money figures for `as_of` (the province's, or those of the districts among `area_ids`)
    from the stored rows when they were computed from the register as it is now, else None. One query.

    `earlier`: when the register changed since, the figures of the latest version stored for
    every one of these days instead, with `computed_at` saying when they were computed."""
    ends = month_ends_back(as_of)
    query = (select(DashboardFigures.register_version, DashboardFigures.day, DashboardFigures.full,
                    DashboardFigures.figures, DashboardFigures.computed_at, RegisterVersion.version)
             .outerjoin(RegisterVersion, RegisterVersion.id == STATE_ID)
             .where(DashboardFigures.format == FORMAT, DashboardFigures.day.in_(ends)))
    if not earlier:
        query = query.where(RegisterVersion.version == DashboardFigures.register_version)
    versions: dict[int, dict[date, Any]] = {}
    for row in session.execute(query):
        versions.setdefault(row.register_version, {})[row.day] = row
    complete = [version for version, days in versions.items()
                if all(day in days for day in ends) and days[as_of].full]
    if not complete:
        return None
    chosen_days = versions[max(complete)]
    current = chosen_days[as_of].version == chosen_days[as_of].register_version
    by_day = {day: (row.full, row.figures["districts"]) for day, row in chosen_days.items()}
    computed_at = None if current else min(row.computed_at for row in chosen_days.values())
    wanted = None if area_ids is None else {str(area_id) for area_id in area_ids}

    def chosen(districts: dict[str, Any]) -> list[dict[str, Any]]:
        return [figures for key, figures in districts.items() if wanted is None or key in wanted]

    classes: Counter[int | None] = Counter()
    outstanding: dict[int | None, Decimal] = {}
    near = 0
    for figures in chosen(by_day[as_of][1]):
        for key, (n, amount) in figures["classes"].items():
            debtor_class = None if key == "" else int(key)
            classes[debtor_class] += n
            outstanding[debtor_class] = outstanding.get(debtor_class, Decimal(0)) + Decimal(amount)
        near += figures["near_limit"]
    overdue = [(end, sum((Decimal(f["overdue"]) for f in chosen(by_day[end][1])), Decimal(0))) for end in ends]
    return MoneyFigures(_by_class(classes, outstanding), overdue, near, computed_at)


def money_figures(session: Session, as_of: date, area_ids: Sequence[int] | None, now: datetime) -> MoneyFigures:
    """The stored money figures when fresh. When the register changed since they were stored, the
    last ones stored for these days, marked with when they were computed: a province takes about a
    minute to compute (12 passes of the money rules), which no page view should wait for, and the
    clock computes them again within ten minutes (`refresh_dashboard`). Only when none were ever
    stored for these days (a new day, a new install) are they computed and stored within this call,
    then read back; before the register was ever written they are computed live."""
    found = stored_money_figures(session, as_of, area_ids, earlier=True)
    if found is not None:
        return found
    store_money_figures(session, as_of, now)
    found = stored_money_figures(session, as_of, area_ids)
    return found if found is not None else money_figures_live(session, as_of, area_ids)


def dashboard(session: Session, as_of: date, district: Scope | None, now: datetime) -> Dashboard:
    """Every figure of the dashboard for a district (None: the province) on `as_of`.

    The money figures come from the stored ones (`money_figures`), which this may compute
    and store (the caller commits); the rest are counted live.
    """
    area_ids: Sequence[int] | None = area_ids_under(session, district) if district else None
    money = money_figures(session, as_of, area_ids, now)
    by_class, overdue, near = money.by_class, money.overdue_by_month, money.near_limit

    contracts = select(Contract)
    if area_ids is not None:
        contracts = contracts.where(in_ids(Contract.area_id, area_ids))
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
                     near, money.computed_at)
