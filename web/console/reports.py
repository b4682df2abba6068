"""Reports (`/console/reports`): the district report of weeks 1 and 3 and the province's summary,
on screen (printable), as XLSX (cells neutralised) and as the PDF that goes to the province.

A district officer sees their own district; a province officer the summary, district by
district with the province's total, or one district they choose. Counts only: no one's data.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, abort, render_template, request
from werkzeug.wrappers import Response

from domain.exports import neutralise_row
from domain.textnorm import to_ascii_digits
from domain.visits import report_day_on_or_before, report_period
from messages.format import thai_date
from messages.reports import (
    NOT_A_REPORT_DAY,
    PDF_NOTE,
    PROVINCE_TOTAL,
    REPORT_HEADERS,
    REPORT_SHEET,
    period_line,
    report_row,
    report_title,
)
from services.reports import district_report_for
from web.console.access import db, district_areas, district_filter, viewer
from web.console.dashboard import chosen_district
from web.console.pdf import table_pdf
from web.console.today import today

REPORT_DAYS = 12  # the report Mondays offered: about six months


def report_days(until: date) -> list[date]:
    """The latest report Mondays up to `until`, newest first."""
    days = [report_day_on_or_before(until)]
    while len(days) < REPORT_DAYS:
        days.append(report_day_on_or_before(days[-1] - timedelta(days=1)))
    return days


def chosen_day(offered: list[date]) -> date | None:
    """The report day asked for (Thai digits too), the latest when none was; None: a day that is not
    one of the report days offered (a file is then not made of another day's figures)."""
    wanted = to_ascii_digits(request.args.get("day", "").strip())
    if not wanted:
        return offered[0]
    return next((day for day in offered if day.isoformat() == wanted), None)


def report_tables(day: date, district: str | None) -> tuple[list[list[Any]], str]:
    """The rows (first the header) and the period line: one district, or every district and the total."""
    start, end = report_period(day)
    header: list[Any] = list(REPORT_HEADERS)
    if district:
        report = district_report_for(db(), start, end, viewer().scope(district))
        return [header, report_row(district, report)], period_line(report, thai_date(day))
    rows = [header] + [report_row(words, district_report_for(db(), start, end, d.id)) for words, d in district_areas()]
    total = district_report_for(db(), start, end, viewer().scope(None))
    return rows + [report_row(PROVINCE_TOTAL, total)], period_line(total, thai_date(day))


def reports_page() -> str:
    offered = report_days(today())
    asked, district = chosen_day(offered), chosen_district()
    day = asked or offered[0]  # a day not offered: the latest report, and a word that it is
    rows, period = report_tables(day, district)
    return render_template("console/reports.html", rows=rows, period=period, title=report_title(district),
                           days=[(d.isoformat(), thai_date(d)) for d in offered], day=day.isoformat(),
                           district=district, districts=district_filter(),
                           notice=None if asked else NOT_A_REPORT_DAY)


def download_name(day: date, district: str | None, suffix: str) -> str:
    return f"report-{day.isoformat()}-{'district' if district else 'province'}.{suffix}"


def _day_or_404() -> date:
    day = chosen_day(report_days(today()))
    if day is None:
        abort(404)
    return day


def reports_xlsx() -> Response:
    day, district = _day_or_404(), chosen_district()
    rows, period = report_tables(day, district)
    # Imported when a workbook is made: openpyxl costs every web worker about 9 MB (bench/import_rss.py)
    # that the webhook never uses.
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(REPORT_SHEET)
    for row in [[report_title(district)], [period], [], *rows]:
        sheet.append(neutralise_row(row))
    out = io.BytesIO()
    book.save(out)
    return Response(out.getvalue(), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{download_name(day, district, "xlsx")}"'})


def reports_pdf() -> Response:
    day, district = _day_or_404(), chosen_district()
    rows, period = report_tables(day, district)
    data = table_pdf(report_title(district), [period], rows, PDF_NOTE)
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{download_name(day, district, "pdf")}"'})


def routes(bp: Blueprint) -> None:
    bp.add_url_rule("/reports", "reports", reports_page, methods=["GET"])
    bp.add_url_rule("/reports.xlsx", "reports_xlsx", reports_xlsx, methods=["GET"])
    bp.add_url_rule("/reports.pdf", "reports_pdf", reports_pdf, methods=["GET"])
