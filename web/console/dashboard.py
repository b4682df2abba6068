"""The dashboard (`/console/dashboard`): a district's or the province's figures, charts beside their numbers."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, Response, render_template, request

from bot.runtime import runtime
from domain.clock import BANGKOK
from domain.exports import neutralise_row
from messages.console import (
    CLASS_SHORT,
    CONTRACT_STATUSES,
    DASHBOARD_HEADERS,
    DASHBOARD_SHEETS,
    PERIOD_ROWS,
    STATUS_NAMES,
    month_label,
)
from messages.format import baht, thai_date, thai_time
from services.dashboard import Dashboard, dashboard
from services.measure_store import measures_in_db
from web.console.access import db, district_filter, viewer
from web.console.charts import bar_chart
from web.console.today import today

BE = 543


def chosen_district() -> str | None:
    own = viewer().district
    if own:
        return own
    wanted = request.args.get("district", "").strip()
    return wanted if wanted in district_filter() else None


def class_label(debtor_class: int | None) -> str:
    return CLASS_SHORT.get(debtor_class or 0, "") or CONTRACT_STATUSES["paid_off"]


def tables(figures: Dashboard) -> dict[str, list[list[Any]]]:
    """Every figure as rows (first row the header): the page's tables and the XLSX's sheets."""
    names = {m.id: m.name for m in measures_in_db(db())}
    report, mediations = figures.report, figures.mediations
    period = [report.visits, report.people_met, report.promises_made, report.promises_kept,
              mediations.mediations_held, mediations.mediations_settled, figures.near_limit]
    return {
        "by_class": [list(DASHBOARD_HEADERS["by_class"])] + [
            [class_label(c.debtor_class), c.contracts, float(c.outstanding)] for c in figures.by_class],
        "overdue": [list(DASHBOARD_HEADERS["overdue"])] + [
            [thai_date(end), float(amount)] for end, amount in figures.overdue_by_month],
        "approved": [list(DASHBOARD_HEADERS["approved"])] + [
            [str(year + BE), n] for year, n in figures.approved_by_year],
        "status": [list(DASHBOARD_HEADERS["status"])] + [
            [CONTRACT_STATUSES.get(status, status), n] for status, n in sorted(figures.by_status.items())],
        "applications": [list(DASHBOARD_HEADERS["applications"])] + [
            [names.get(measure, measure), STATUS_NAMES.get(status, status), n]
            for (measure, status), n in sorted(figures.applications.items())],
        "period": [list(DASHBOARD_HEADERS["period"])] + [
            [label, n] for label, n in zip(PERIOD_ROWS, period, strict=True)],
    }


def figures_now(district: str | None) -> Dashboard:
    """The dashboard's figures; stored ones when fresh, else computed for the province (seconds, within
    this request) and stored for the next view, which this commits."""
    figures = dashboard(db(), today(), viewer().scope(district), runtime().clock.now())
    db().commit()
    return figures


def money_time(figures: Dashboard) -> str | None:
    """When the money figures shown were computed, if the register changed since (else None)."""
    at = figures.money_computed_at
    if at is None:
        return None
    local = at.astimezone(BANGKOK)
    return f"{thai_date(local.date())} {thai_time(local)}"


def dashboard_page() -> str:
    district = chosen_district()
    figures = figures_now(district)
    rows = tables(figures)
    charts = {
        "by_class": bar_chart([(class_label(c.debtor_class), c.outstanding) for c in figures.by_class],
                              [baht(c.outstanding) for c in figures.by_class]),
        "overdue": bar_chart([(month_label(end), amount) for end, amount in figures.overdue_by_month],
                             [baht(amount) for _, amount in figures.overdue_by_month]),
        "approved": bar_chart([(str(year + BE), n) for year, n in figures.approved_by_year],
                              [str(n) for _, n in figures.approved_by_year]),
    }
    return render_template("console/dashboard.html", figures=figures, rows=rows, charts=charts, district=district,
                           districts=district_filter(),
                           period=(thai_date(figures.report.start), thai_date(figures.report.end)),
                           day=thai_date(figures.as_of), money_time=money_time(figures))


def dashboard_xlsx() -> Response:
    district = chosen_district()
    figures = figures_now(district)
    # Imported when a workbook is made: openpyxl costs every web worker about 9 MB (bench/import_rss.py)
    # that the webhook never uses.
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for key, rows in tables(figures).items():
        sheet = book.create_sheet(DASHBOARD_SHEETS[key])
        for row in rows:
            sheet.append(neutralise_row(row))
    out = io.BytesIO()
    book.save(out)
    name = f"dashboard-{figures.as_of.isoformat()}.xlsx"
    return Response(out.getvalue(), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def routes(bp: Blueprint) -> None:
    bp.add_url_rule("/dashboard", "dashboard", dashboard_page, methods=["GET"])
    bp.add_url_rule("/dashboard.xlsx", "dashboard_xlsx", dashboard_xlsx, methods=["GET"])
