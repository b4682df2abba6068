"""An officer's list in LINE (`วันนี้` and the morning digest): what waits for someone first, then
the day's own rows, then the register's rows in their order, a page at a time.

Waiting: contact requests not yet answered, measure applications awaiting an officer, and
bookings made in the last days for sessions still to come (to confirm by phone). Then the
rows of the follow-up list that are not the register's (promises kept or broken, today's
sessions, field updates: few, and about this day or week), in the order `GET /api/followups`
gives them; then the register's rows, in that same order. The LINE list is another view
of the same service output (`services.followups.list_parts`): the JSON API's rows and
order are not touched. Each row carries who it is about (`person_id` or the project), so
the words can open the person's card.

The register's part comes last although `GET /api/followups` puts it first: it can run to
hundreds of rows, and today's sessions, broken promises and news from the field must not
wait on page ten (the digest kept room for them before it had pages).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, selectinload

from domain.clock import BANGKOK
from domain.followups import FollowupRow
from models import AppointmentSession, Booking, ContactRequest, Person
from models.db import Ids, ids_param
from services.areas import Scope, area_ids_under
from services.followups import list_parts
from services.inbox import asker, visible
from services.visits import contracts_of, in_scope

NEW_BOOKING_DAYS = 3  # a booking this recent is new: an officer calls to confirm it (and the documents)


@dataclass(frozen=True)
class OfficerList:
    """One page of an officer's list, with what the whole list holds."""

    rows: list[FollowupRow]
    offset: int  # of the page's first row in the whole list
    total: int
    counts: dict[str, int]  # rows per reason, in the list's order (waiting first)
    made_at: datetime | None = None  # set: the register's rows are the stored list as it was then


def officer_list(session: Session, now: datetime, district: Scope | None = None, *, offset: int = 0,
                 limit: int = 10) -> OfficerList:
    """Rows offset..offset+limit of the officer's list, and what the whole list holds."""
    area_ids = area_ids_under(session, district) if district else None
    parts = list_parts(session, now.date(), district)
    applications = [row for row in parts.others if row.reason == "measure_application"]
    head = (contact_rows(session, area_ids) + applications + new_booking_rows(session, now, area_ids)
            + [row for row in parts.others if row.reason != "measure_application"])
    offset, limit = max(0, offset), max(0, limit)
    rows = head[offset:offset + limit]
    start, stop = max(0, offset - len(head)), min(parts.register_count, offset + limit - len(head))
    if start < stop:
        rows += parts.register_rows(start, stop)
    counts = _counted(head)
    counts.update((reason, n) for reason, n in parts.counts.items() if reason not in counts)
    return OfficerList(rows, offset, len(head) + parts.register_count, counts, parts.made_at)


def _counted(rows: list[FollowupRow]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.reason] = counts.get(row.reason, 0) + 1
    return counts


def _people_here(area_ids: Ids | None) -> Select[Any]:
    """Ids of the people a district officer may see (`services.visits.in_scope`)."""
    return select(Person.id).where(in_scope(area_ids))


def contact_rows(session: Session, area_ids: list[int] | None) -> list[FollowupRow]:
    """Contact requests not yet answered (taken by an officer or not), oldest first, that the officer
    may read (`services.inbox.visible`: of people in their areas, on no contract, or not verified),
    each with who asked (`services.inbox.asker`)."""
    found = session.execute(_OPEN_REQUESTS[area_ids is not None], {"areas": area_ids}).all()
    codes = contracts_of(session, [p.id for _, p in found if p is not None])
    rows = []
    for request, person in found:
        rows.append(FollowupRow({
            "project_code": (codes[person.id][0][1] if person is not None and codes[person.id] else None),
            "project_name": "", "district": None, "class": None, "days_to_prescription": None,
            "reason": "contact_request",
            "request_id": request.id,
            "created_at": request.created_at.astimezone(BANGKOK).isoformat(),
        }, {"person_id": person.id if person is not None else None,
            "name": person.full_name if person is not None else None,
            "topic": request.topic, "message": request.message, "phone": request.callback_phone,
            "taken_by": request.taken_by}))
    return rows


def new_booking_rows(session: Session, now: datetime, area_ids: list[int] | None) -> list[FollowupRow]:
    """Bookings made in the last NEW_BOOKING_DAYS for sessions still to come: an officer calls to
    confirm them. Soonest first."""
    rows = []
    for booking in session.scalars(_NEW_BOOKINGS[area_ids is not None], {
            "now": now, "since": now - timedelta(days=NEW_BOOKING_DAYS), "areas": area_ids}):
        start = booking.slot_start.astimezone(BANGKOK)
        rows.append(FollowupRow({
            "project_code": None, "project_name": booking.session.title, "district": None,
            "class": None, "days_to_prescription": None,
            "reason": "new_booking",
            "booking_id": booking.id,
            "start": start.isoformat(),
        }, {"person_id": booking.person_id, "name": booking.person.full_name, "kind": booking.session.kind,
            "place": booking.session.place}))
    return rows


def _open_requests(scoped: bool) -> Select[ContactRequest, Person]:
    return (select(ContactRequest, Person).join(Person, Person.id == asker(), isouter=True)
            .where(ContactRequest.status == "open", visible(ids_param("areas") if scoped else None))
            .order_by(ContactRequest.created_at, ContactRequest.id))


def _new_bookings(scoped: bool) -> Select[Booking]:
    query = (select(Booking).join(AppointmentSession, AppointmentSession.id == Booking.session_id)
             .where(Booking.status == "booked", AppointmentSession.status == "open",
                    Booking.slot_start >= bindparam("now"), Booking.created_at >= bindparam("since"))
             .options(selectinload(Booking.session), selectinload(Booking.person))
             .order_by(Booking.slot_start, Booking.id))
    if scoped:
        query = query.where(Booking.person_id.in_(_people_here(ids_param("areas"))))
    return query


# built once (building and keying one costs more than running it): the whole register's, and an area's
_OPEN_REQUESTS = {scoped: _open_requests(scoped) for scoped in (False, True)}
_NEW_BOOKINGS = {scoped: _new_bookings(scoped) for scoped in (False, True)}
