"""The district report (weeks 1 and 3 of each month): what happened in a district, as facts and totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from domain.clock import BANGKOK
from domain.visits import DistrictReport, MediationFact, PromiseFact, VisitFact, district_report
from models.appointments import Booking
from models.db import in_ids
from models.field import FieldUpdate
from models.measures import MeasureApplication
from models.platform import LineGroup
from models.register import Contract, Membership
from models.visits import PromiseToPay, Visit
from services.areas import Scope, area_ids_under
from services.visits import statuses


@dataclass(frozen=True)
class ReportFacts:
    visits: list[VisitFact]
    promises: list[PromiseFact]
    applications: list[tuple[date, str]]
    mediations: list[MediationFact]
    updates: list[date]


def report_facts(session: Session, start: date, end: date, district: Scope | None) -> ReportFacts:
    """What happened in a district (or the province) from `start` to `end`, as plain facts."""
    area_ids = area_ids_under(session, district) if district else None
    first = datetime(start.year, start.month, start.day, tzinfo=BANGKOK)
    after = datetime(end.year, end.month, end.day, tzinfo=BANGKOK) + timedelta(days=1)

    def in_area(query, column):  # type: ignore[no-untyped-def]
        return query if area_ids is None else query.join(Contract, Contract.id == column).where(
            in_ids(Contract.area_id, area_ids))

    visit_query = select(Visit.person_id, Visit.visited_on, Visit.outcome).where(Visit.visited_on.between(start, end))
    if area_ids is not None:  # the district recorded with the visit (the contract's, else the officer's)
        visit_query = visit_query.where(in_ids(Visit.district_id, area_ids))
    visits = [VisitFact(v.person_id, v.visited_on, v.outcome) for v in session.execute(visit_query)]
    promises = list(session.scalars(in_area(
        select(PromiseToPay).where(PromiseToPay.made_on.between(start, end)), PromiseToPay.contract_id)))
    found = statuses(session, promises, end)
    applications = [(at.astimezone(BANGKOK).date(), status) for at, status in session.execute(in_area(
        select(MeasureApplication.submitted_at, MeasureApplication.status).where(
            MeasureApplication.submitted_at >= first, MeasureApplication.submitted_at < after),
        MeasureApplication.contract_id))]
    mediation_query = (select(Booking.slot_start, Booking.attendance, Booking.outcome).where(
        Booking.kind == "court", Booking.status == "booked", Booking.slot_start >= first, Booking.slot_start < after))
    if area_ids is not None:
        mediation_query = mediation_query.where(Booking.person_id.in_(
            select(Membership.person_id).join(Contract).where(in_ids(Contract.area_id, area_ids))))
    mediations = [MediationFact(at.astimezone(BANGKOK).date(), attendance, outcome)
                  for at, attendance, outcome in session.execute(mediation_query)]
    update_query = select(FieldUpdate.created_at).where(FieldUpdate.created_at >= first, FieldUpdate.created_at < after)
    if area_ids is not None:
        # about a contract of the district, or posted in one of the district's groups
        update_query = update_query.where(or_(
            FieldUpdate.contract_id.in_(select(Contract.id).where(in_ids(Contract.area_id, area_ids))),
            FieldUpdate.group_id.in_(select(LineGroup.group_id).where(in_ids(LineGroup.area_id, area_ids)))))
    updates = [at.astimezone(BANGKOK).date() for at in session.scalars(update_query)]
    return ReportFacts(visits, [PromiseFact(p.made_on, found[p.id]) for p in promises], applications,
                       mediations, updates)


def district_report_for(session: Session, start: date, end: date, district: Scope | None) -> DistrictReport:
    """The district report (or the province's, for None) from `start` to `end`: facts read, rule applied."""
    facts = report_facts(session, start, end, district)
    return district_report(start, end, facts.visits, facts.promises, facts.applications, facts.mediations,
                           facts.updates)
