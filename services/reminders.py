"""Who the clock's messages go to: verified debtors who take reminders, bound groups, officers;
and the proactive contacts already made (one a person a day, none twice)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Subquery, delete, func, or_, select
from sqlalchemy.orm import Session, selectinload

from domain.clock import BANGKOK
from domain.contact_hours import contact_day
from domain.money import Dues, dues
from domain.reminders import Reminder
from models import AppointmentSession, Booking, JobMark, MeasureApplication, ProactiveContact
from models.db import bulk_insert, in_ids, in_values, plain_rows
from models.platform import LineGroup, LineUser
from models.register import Contract, LineLink, Membership, StaffMember
from services.areas import areas_below
from services.contracts import paid_up_to, satang

# Applications the fund is still deciding: while one is open, the person is not reminded to pay.
DECIDING = ("submitted", "under_review")


def reminder_audience(session: Session, as_of: date, *,
                      pause_for_relief: bool = True) -> list[tuple[str, list[Dues]]]:
    """Verified people who follow us and have not turned reminders off, with the due dates of
    their open contracts (`domain.money.dues`: what the reminders read of a position).

    With `pause_for_relief` (REMINDERS_PAUSE_FOR_RELIEF), also not those whose relief
    application is being decided or who have a court mediation booked from `as_of` on.
    One query (no query per person, no ORM objects): this runs for every verified debtor of
    the province, and the database adds up each contract's payments.
    """
    conditions = [LineLink.reminders_off_at.is_(None),
                  or_(LineUser.following.is_(None), LineUser.following.is_(True))]
    if pause_for_relief:
        day_starts = datetime(as_of.year, as_of.month, as_of.day, tzinfo=BANGKOK)
        deciding = select(MeasureApplication.person_id).where(MeasureApplication.status.in_(DECIDING))
        mediation = (select(Booking.person_id).join(AppointmentSession, AppointmentSession.id == Booking.session_id)
                     .where(Booking.kind == "court", Booking.status == "booked",
                            AppointmentSession.status == "open", Booking.slot_start >= day_starts))
        conditions += [LineLink.person_id.not_in(deciding), LineLink.person_id.not_in(mediation)]
    linked = (select(LineLink.line_user_id, Membership.contract_id)
              .join(Membership, Membership.person_id == LineLink.person_id)
              .join(LineUser, LineUser.line_user_id == LineLink.line_user_id, isouter=True)
              .where(*conditions))
    paid = paid_up_to(as_of, linked.with_only_columns(Membership.contract_id).scalar_subquery())
    rows = plain_rows(session, linked.add_columns(*_due_columns(paid))
                      .join(Contract, Contract.id == Membership.contract_id)
                      .outerjoin(paid, paid.c.contract_id == Contract.id)
                      .where(Contract.status != "closed"))
    found: dict[int, Dues] = {}
    people: dict[str, list[Dues]] = {}
    for user_id, contract_id, first_due, count, interval, principal, paid_satang in rows:
        standing = found.get(contract_id)
        if standing is None:  # a contract with two linked borrowers is worked out once
            standing = found[contract_id] = dues(first_due, count, interval, principal, paid_satang, as_of)
        people.setdefault(user_id, []).append(standing)
    return sorted(people.items())


def _due_columns(paid: Subquery) -> tuple[Any, ...]:
    """What `domain.money.dues` takes of a contract, money in whole satang."""
    return (Contract.first_due_date, Contract.installment_count, Contract.interval_months,
            satang(Contract.principal), satang(func.coalesce(paid.c.total, 0)))


def bound_groups(session: Session) -> Sequence[LineGroup]:
    """Group chats an officer bound to an area, that the bot is still in."""
    return session.scalars(select(LineGroup).where(
        LineGroup.area_id.is_not(None), LineGroup.bound_at.is_not(None), LineGroup.left_at.is_(None))
        .order_by(LineGroup.id)).all()


def group_dues(session: Session, groups: Sequence[LineGroup], as_of: date) -> dict[str, set[Dues]]:
    """For each bound group, the due dates of the open contracts in its area and below, each
    distinct `Dues` once (a group's note depends on which dates there are, not how many share them)."""
    owner = areas_below(session, sorted({g.area_id for g in groups if g.area_id is not None}))
    chosen = (Contract.status != "closed", in_ids(Contract.area_id, list(owner)))
    paid = paid_up_to(as_of, select(Contract.id).where(*chosen).scalar_subquery())
    rows = plain_rows(session, select(Contract.area_id, *_due_columns(paid))
                      .outerjoin(paid, paid.c.contract_id == Contract.id).where(*chosen))
    by_area: dict[int, set[Dues]] = {}
    for area_id, first_due, count, interval, principal, paid_satang in rows:
        by_area.setdefault(owner[area_id], set()).add(dues(first_due, count, interval, principal, paid_satang, as_of))
    return {g.group_id: by_area.get(g.area_id, set()) if g.area_id is not None else set() for g in groups}


def group_contract_counts(session: Session, groups: Sequence[LineGroup]) -> dict[str, int]:
    """For each bound group, how many open contracts its area and the areas below it hold."""
    owner = areas_below(session, sorted({g.area_id for g in groups if g.area_id is not None}))
    by_area: dict[int, int] = {}
    if owner:
        for area_id, count in session.execute(
                select(Contract.area_id, func.count()).where(Contract.status != "closed",
                                                             in_ids(Contract.area_id, list(owner)))
                .group_by(Contract.area_id)):
            by_area[owner[area_id]] = by_area.get(owner[area_id], 0) + count
    return {g.group_id: by_area.get(g.area_id, 0) if g.area_id is not None else 0 for g in groups}


def active_officers(session: Session) -> Sequence[StaffMember]:
    return session.scalars(select(StaffMember).where(
        StaffMember.role == "officer", StaffMember.revoked_at.is_(None))
        .options(selectinload(StaffMember.district), selectinload(StaffMember.province))
        .order_by(StaffMember.id)).all()


def not_reachable(session: Session, line_user_ids: Sequence[str]) -> set[str]:
    """Of these accounts, those a reminder must not go to: they turned reminders off
    (`หยุดแจ้งเตือน`) or no longer follow the fund (blocked or unfollowed)."""
    if not line_user_ids:
        return set()
    wanted = list(dict.fromkeys(line_user_ids))
    off = select(LineLink.line_user_id).where(LineLink.line_user_id.in_(wanted), LineLink.reminders_off_at.is_not(None))
    gone = select(LineUser.line_user_id).where(LineUser.line_user_id.in_(wanted), LineUser.following.is_(False))
    return set(session.scalars(off.union(gone)))


# --- proactive contacts: what the clock already sent, and to whom today ---------------------


def sent_keys(session: Session, keys: Sequence[str]) -> set[str]:
    """Which of these reminders already went out: one query, the keys as one parameter
    (`models.db.in_values`), looked up on the keys' unique index, not the whole history."""
    if not keys:
        return set()
    return set(session.scalars(select(ProactiveContact.key).where(in_values(session, ProactiveContact.key, keys))))


def not_contacted_on(session: Session, reminders: list[Reminder], today: date) -> list[Reminder]:
    """At most one proactive contact per person per day: anyone already contacted waits for tomorrow."""
    contacted = set(session.scalars(select(ProactiveContact.line_user_id).where(
        ProactiveContact.contact_day == today)))
    return [r for r in reminders if r.recipient not in contacted]


def already_contacted(session: Session, reminder: Reminder, today: date) -> bool:
    """This reminder went out before, or its recipient was already contacted today."""
    return session.scalar(select(ProactiveContact.id).where(
        (ProactiveContact.key == reminder.key)
        | ((ProactiveContact.line_user_id == reminder.recipient) & (ProactiveContact.contact_day == today)))
        .limit(1)) is not None


def record_contact(session: Session, recipient: str, purpose: str, key: str, outbox_id: int, now: datetime) -> None:
    """One proactive contact, queued as this outbox row."""
    session.add(ProactiveContact(line_user_id=recipient, contact_day=contact_day(now), purpose=purpose, key=key,
                                 outbox_id=outbox_id, created_at=now))


def forget_contacts(session: Session, outbox_ids: Sequence[int]) -> None:
    """The contacts these outbox rows were to make, which never happened (the rows expired unsent):
    forgotten, so that neither one-contact-a-day nor a reminder's key holds back a later day's."""
    if outbox_ids:
        session.execute(delete(ProactiveContact).where(ProactiveContact.outbox_id.in_(list(outbox_ids))))


def record_contacts(session: Session, contacts: Sequence[tuple[str, str, str, int]], now: datetime) -> None:
    """Many proactive contacts, each (recipient, purpose, key, outbox id), in one statement."""
    rows = [{"line_user_id": recipient, "contact_day": contact_day(now), "purpose": purpose, "key": key,
             "outbox_id": outbox_id, "created_at": now} for recipient, purpose, key, outbox_id in contacts]
    _insert_values(session, rows)


def record_multicast_contacts(session: Session, multicasts: Sequence[tuple[Sequence[str], str, date, int]],
                              now: datetime) -> None:
    """The contacts of these multicasts, each (recipients, purpose, due date, outbox id): one row per
    recipient, all in one bulk write."""
    day = contact_day(now)
    bulk_insert(session, ProactiveContact, _CONTACT_COLUMNS, (
        (user, day, purpose, Reminder(user, purpose, due).key, outbox_id, now)
        for recipients, purpose, due, outbox_id in multicasts for user in recipients))


_CONTACT_COLUMNS = ("line_user_id", "contact_day", "purpose", "key", "outbox_id", "created_at")


def _insert_values(session: Session, rows: list[dict[str, object]]) -> None:
    """Contacts written in bulk (`models.db.bulk_insert`: COPY on PostgreSQL). An executemany through
    psycopg runs one INSERT a row, and a multi-row INSERT ... VALUES of 1,000 rows spends its time
    compiling 6,000 bound parameters: 11 of the 15 s a 20,000-person reminder run took
    (`bench/reminder_bench.py` under cProfile)."""
    bulk_insert(session, ProactiveContact, _CONTACT_COLUMNS, ([row[c] for c in _CONTACT_COLUMNS] for row in rows))


# --- how far a daily job has looked -------------------------------------------------------


def covered_through(session: Session, job: str) -> date | None:
    """The last day this job covered, or None before its first run."""
    mark = session.get(JobMark, job)
    return mark.through if mark is not None else None


def mark_covered(session: Session, job: str, day: date, now: datetime) -> None:
    """This job has covered `day` (in the same transaction as what it queued)."""
    mark = session.get(JobMark, job)
    if mark is None:
        session.add(JobMark(job=job, through=day, updated_at=now))
    else:
        mark.through, mark.updated_at = day, now
