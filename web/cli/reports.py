"""`reports district`: the fortnightly district report; `reports dashboard`: the dashboard's figures stored."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from bot.runtime import runtime
from domain.clock import BANGKOK
from domain.visits import report_day_on_or_before, report_period
from messages.format import area_name
from messages.visits import district_report_text
from services.areas import AreaNotFound, area_ids_under, scope_named
from services.dashboard import store_money_figures
from services.reports import district_report_for


@click.group(cls=AppGroup, help="Reports for officers and the province.")
def reports() -> None:
    pass


@reports.command("district")
@click.option("--district", help="a district's name; the whole province without it")
@click.option("--province", default="", help="only this province, or, with --district, only its district of that name")
@click.option("--week", "week", metavar="DATE|YYYY-Www",
              help="a day (YYYY-MM-DD) or an ISO week (2026-W50) of the report: the latest report Monday "
              "on or before it (weeks 1 and 3 of a month) names the period; default today")
def reports_district(district: str | None, province: str, week: str | None) -> None:
    """Print the district report: visits, people met, promises, applications, mediations, updates."""
    rt = runtime()
    try:
        if week and "-W" in week.upper():
            year, number = week.upper().split("-W")
            day = date.fromisocalendar(int(year), int(number), 7)  # the whole week: its Sunday
        else:
            day = date.fromisoformat(week) if week else rt.clock.today()
    except ValueError:
        raise click.BadParameter(f"expected a C.E. date YYYY-MM-DD or an ISO week YYYY-Www, got {week!r}",
                                 param_hint="--week") from None
    start, end = report_period(report_day_on_or_before(day))
    with rt.sessions() as session:
        try:
            scope = scope_named(session, district, province)
        except AreaNotFound as missing:
            raise click.ClickException(str(missing)) from None
        if isinstance(scope, str) and not area_ids_under(session, scope):
            raise click.ClickException(f"no district {district!r} in the register")
        report = district_report_for(session, start, end, scope)
    click.echo(district_report_text(report, area_name(district or None, province or None)))


@reports.command("dashboard")
def reports_dashboard() -> None:
    """Store the console dashboard's money figures for today, as the clock's `refresh_dashboard` does
    (nothing to do when they are current; seconds on a province when the register changed)."""
    rt = runtime()
    with rt.sessions() as session:
        days = store_money_figures(session, rt.clock.now().astimezone(BANGKOK).date(), rt.clock.now())
        session.commit()
    click.echo(f"dashboard figures: {days} day(s) computed and stored" if days else "dashboard figures: current")
