"""Scheduled jobs: module-level functions with fixed ids, each in its own session.

Jobs read the Runtime and the held clock lock that the clock process installs with
`install()`; they take no arguments, so APScheduler stores them by reference only, and
every job is safe to run again (idempotent): a restart never sends twice.

Every job that writes opens its session through `_fenced_session`: its first statement is
the lock's fence, so once another clock has taken over (this one paused past the stale
limit, or its lock connection killed), this one writes and queues nothing, whenever its
jobs started; and the taking over waits for a job that had already passed its fence.
`deliver_outbox` is the one job outside the fence: it only sends what is queued, which is
safe from several processes at once (the web process does it too; rows are claimed).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.runtime import Runtime
from domain.clock import BANGKOK
from domain.contact_hours import is_rest_day, may_contact
from domain.followups import people_on
from domain.group_guard import GroupPrivacyError
from domain.holidays import year_to_load
from domain.money import CONTRACT_ENDED
from domain.reminders import (
    Reminder,
    crossed_threshold,
    days_before_last_look,
    group_reminder,
    personal_reminders,
)
from domain.visits import report_day_on_or_before, report_period
from messages import appointments as appointment_msgs
from messages import console_import as import_words
from messages import reminders as msgs
from messages import visits as visit_msgs
from messages.followups import (
    PAGE_ROWS,
    PrescriptionAlert,
    holidays_missing,
    officer_list,
    prescription_alert,
)
from messages.format import area_name
from messages.line_json import Message
from models.db import Session, session_scope
from scheduler.lock import HeldLock, LockLost
from services import dashboard, followups, imports, outbox
from services.appointments import booking_view, bookings_on
from services.areas import district_of_areas
from services.audit import record_access
from services.contracts import each_open_position, members_of
from services.conversation import purge_expired
from services.holidays import holidays_in, years_loaded
from services.officer_list import OfficerList
from services.officer_list import officer_list as listed_for
from services.reminders import (
    active_officers,
    already_contacted,
    bound_groups,
    covered_through,
    group_contract_counts,
    group_dues,
    mark_covered,
    not_contacted_on,
    not_reachable,
    record_contact,
    record_contacts,
    record_multicast_contacts,
    reminder_audience,
    sent_keys,
)
from services.reports import district_report_for

log = logging.getLogger(__name__)

_runtime: Runtime | None = None
_lock: HeldLock | None = None


def install(rt: Runtime, lock: HeldLock) -> None:
    """Give the jobs of this process their Runtime and the clock lock it holds (by the clock process)."""
    global _runtime, _lock
    _runtime, _lock = rt, lock


def _rt() -> Runtime:
    if _runtime is None:
        raise RuntimeError("scheduler jobs need scheduler.jobs.install(runtime, lock) first")
    return _runtime


@contextmanager
def _fenced_session() -> Iterator[Session]:
    """A job's unit of work that writes only while this clock holds the lock (the fence comes first)."""
    if _lock is None:
        raise RuntimeError("scheduler jobs need scheduler.jobs.install(runtime, lock) first")
    with session_scope(_rt().sessions) as session:
        _lock.check(session)
        yield session


def _fenced(job: Callable[[], None]) -> Callable[[], None]:
    """A job whose clock lost its lock is refused with a log line; the lock's callbacks stop the clock."""
    @functools.wraps(job)
    def run() -> None:
        try:
            job()
        except LockLost:
            log.warning("job refused: this clock lost its lock", extra={"job": job.__name__})
    return run


def deliver_outbox() -> None:
    """Send whatever the outbox holds that is due (the web process's safety net)."""
    sender = _rt().outbox_sender
    attempted = 0
    while batch := sender.deliver_due():
        attempted += batch
    expired = sender.expire_stale()  # reminders of a day gone by: never sent, and marked so
    if attempted or expired:
        log.info("job done", extra={"job": "deliver_outbox", "attempted": attempted, "expired": expired})


def link_rich_menus() -> None:
    """Link the rich menus that are due and not yet linked (the web process's safety net).

    Not fenced, like `deliver_outbox`: it only carries out links already decided, and two
    processes doing so link the same menu twice at worst."""
    menus = _rt().menus
    attempted = 0
    while batch := menus.sync_due():
        attempted += batch
    if attempted:
        log.info("job done", extra={"job": "link_rich_menus", "attempted": attempted})


@_fenced
def purge_conversations() -> None:
    """Forget conversations idle past their expiry (the next message would drop them anyway)."""
    rt = _rt()
    with _fenced_session() as session:
        removed = purge_expired(session, rt.clock.now())
    if removed:
        log.info("job done", extra={"job": "purge_conversations", "removed": removed})


def _in_contact_hours(job: Callable[[Runtime, Session, datetime], int], *, working_days_only: bool = False) -> int:
    """Run a sending job in its own session, only when the law lets us contact people now."""
    rt = _rt()
    now = rt.clock.now()
    with _fenced_session() as session:
        holidays = holidays_in(session)
        if not may_contact(now, holidays) or (working_days_only and is_rest_day(now.date(), holidays)):
            return 0
        return job(rt, session, now)


@_fenced
def appointment_reminders() -> None:
    """1:1 the day before from 09:00 and on the morning from 08:00; it wins over payment reminders."""
    if sent := _in_contact_hours(_appointment_reminders):
        log.info("job done", extra={"job": "appointment_reminders", "people": sent})


def _appointment_reminders(rt: Runtime, session: Session, now: datetime) -> int:
    today = now.date()
    sent = 0
    bookings = bookings_on(session, [today, today + timedelta(days=1)])
    # reminders turned off, or the fund blocked: no reminder, of a payment or of an appointment
    unwanted = not_reachable(session, [b.line_user_id for b in bookings])
    for booking in bookings:
        tomorrow = booking.slot_start.astimezone(BANGKOK).date() != today
        if tomorrow and now.hour < 9:  # the day before: from 09:00 (08:00 is for the day itself)
            continue
        if booking.slot_start <= now or booking.line_user_id in unwanted:  # a clock that caught up late
            continue  # does not remind of an appointment already begun
        key = f"appointment:{booking.line_user_id}:{booking.id}:{'eve' if tomorrow else 'day'}"
        if already_contacted(session, Reminder(booking.line_user_id, "appointment", today), today) or sent_keys(
                session, [key]):
            continue
        row = outbox.enqueue_push(session, to=booking.line_user_id, origin="job.appointment_reminder", now=now,
                                  send_at=now, dedupe_key=key, of_its_day=True,
                                  messages=appointment_msgs.reminder(booking_view(booking, rt.settings),
                                                                            tomorrow=tomorrow))
        if row is None:
            continue
        session.flush()
        record_contact(session, booking.line_user_id, "appointment", key, row.id, now)
        sent += 1
    return sent


@_fenced
def payment_reminders() -> None:
    """1:1, verified people with reminders on: due soon, or a payment missed. One multicast per day and date."""
    if sent := _in_contact_hours(_payment_reminders):
        log.info("job done", extra={"job": "payment_reminders", "people": sent})


def _payment_reminders(rt: Runtime, session: Session, now: datetime) -> int:
    today = now.date()
    # whoever gets an appointment reminder today gets it instead; the payment one waits a day
    appointment_today = {b.line_user_id for b in bookings_on(session, [today, today + timedelta(days=1)])}
    audience = reminder_audience(session, today, pause_for_relief=rt.settings.reminders_pause_for_relief)
    candidates = [r for r in personal_reminders(audience, today) if r.recipient not in appointment_today]
    sent_before = sent_keys(session, [r.key for r in candidates])
    fresh = not_contacted_on(session, [r for r in candidates if r.key not in sent_before], today)
    batches: dict[tuple[str, date], list[str]] = {}
    for reminder in fresh:
        batches.setdefault((reminder.purpose, reminder.due), []).append(reminder.recipient)
    queued: list[tuple[list[str], str, date, int]] = []
    for (purpose, due_day), users in sorted(batches.items()):
        messages = msgs.payment_due_soon(due_day) if purpose == "payment_before" else msgs.payment_missed(due_day)
        for chunk in _chunks(users, MULTICAST_LIMIT):
            row = outbox.enqueue_multicast(session, to=chunk, messages=messages, origin=f"job.{purpose}",
                                           now=now, send_at=now, of_its_day=True)
            assert row is not None
            session.flush()
            queued.append((chunk, purpose, due_day, row.id))
    record_multicast_contacts(session, queued, now)  # one bulk write for all of them
    return sum(len(chunk) for chunk, *_ in queued)


@_fenced
def group_reminders() -> None:
    """Generic notes to bound group chats before, on and a week after the area's due dates."""
    if sent := _in_contact_hours(_group_reminders):
        log.info("job done", extra={"job": "group_reminders", "groups": sent})


def _group_reminders(rt: Runtime, session: Session, now: datetime) -> int:
    today = now.date()
    guard = rt.group_guard(session)
    groups = bound_groups(session)
    dues, counts = group_dues(session, groups, today), group_contract_counts(session, groups)
    due = [r for g in groups
           if (r := group_reminder(g.group_id, dues[g.group_id], today, contracts=counts[g.group_id])) is not None]
    sent_before = sent_keys(session, [r.key for r in due])
    pushes: list[tuple[Reminder, outbox.Push]] = []
    refusals = 0
    for reminder in not_contacted_on(session, [r for r in due if r.key not in sent_before], today):
        messages = outbox.as_dicts(_group_messages(rt, reminder))
        push = outbox.Push(reminder.recipient, messages, f"job.{reminder.purpose}", reminder.key)
        try:
            guard(messages)
        except GroupPrivacyError as refused:  # held, never sent; the other groups still get theirs
            log.warning("group note refused by the privacy guard",
                        extra={"job": "group_reminders", "purpose": reminder.purpose, "error": str(refused)[:300]})
            refusals += 1
            continue
        pushes.append((reminder, push))
    # one statement for the notes and one for the contacts, not a few round trips per group
    queued = outbox.enqueue_pushes(session, [push for _, push in pushes], now=now, send_at=now, group_guard=guard,
                                   of_its_day=True)
    record_contacts(session, [(r.recipient, r.purpose, r.key, queued[r.key]) for r, _ in pushes if r.key in queued],
                    now)
    if refusals:  # someone must look at the template: tell the officers, once a day
        for officer in active_officers(session):
            outbox.enqueue_push(session, to=officer.line_user_id, messages=msgs.group_note_held(refusals),
                                origin="job.group_note_held", now=now, send_at=now,
                                dedupe_key=f"group_note_held:{officer.line_user_id}:{today.isoformat()}")
    return len(queued)


@_fenced
def officer_digests() -> None:
    """Each officer's follow-up list, once a working day from 08:00 (caught up later that day)."""
    _in_contact_hours(_officer_digests, working_days_only=True)


def _officer_digests(rt: Runtime, session: Session, now: datetime) -> int:
    today = now.date()
    followups.bring_up_to_date(session, today, now)  # a message pushed for the morning is of the register as it is
    lists: dict[int | None, OfficerList] = {}  # read once per district (by id: names repeat across provinces)
    missing = year_to_load(today, years_loaded(session))  # from 1 Dec: next year's holidays loaded?
    notice = [holidays_missing(missing)] if missing is not None else []
    queued = 0
    for officer in active_officers(session):
        district = officer.area_id
        if district not in lists:
            lists[district] = listed_for(session, now, district, limit=PAGE_ROWS)
        found = lists[district]
        area = area_name(officer.district.name if officer.district else None,
                         officer.province.name if officer.province else None)
        # the first page of what `วันนี้` shows: what waits first, each row opens its card, a next page
        messages = officer_list(found.rows, offset=0, total=found.total, counts=found.counts, as_of=today,
                                area=area, console_url=f"{rt.settings.public_base_url}/console/",
                                made_at=found.made_at)
        pushed = outbox.enqueue_push(session, to=officer.line_user_id,
                                     messages=[*messages[:5 - len(notice)], *notice],
                                     origin="job.officer_digest", now=now, send_at=now, of_its_day=True,
                                     dedupe_key=f"digest:{officer.line_user_id}:{today.isoformat()}") is not None
        if pushed:  # the people the page names reach this officer: on the audit trail, once a day
            record_access(session, people_on(found.rows), viewer=officer.line_user_id, viewer_name=officer.name,
                          channel="line", action="digest", detail=f"digest: rows 1-{len(found.rows)}", now=now)
        queued += pushed
    return queued


@_fenced
def refresh_followups() -> None:
    """Keep the stored follow-up list current: for each new day, and after the register changes.

    Every minute, any hour (nothing is sent); cheap when the stored list is current (one
    query). Until it has run, officers' lists are computed live, or, when too long for that,
    shown as stored with the time they were made (`services.standing.stored_part`).
    """
    rt = _rt()
    now = rt.clock.now()
    with _fenced_session() as session:
        stored = followups.bring_up_to_date(session, now.date(), now)
    if stored is not None:
        log.info("job done", extra={"job": "refresh_followups", "rows": stored})


@_fenced
def refresh_dashboard() -> None:
    """Keep the dashboard's stored money figures current, after the follow-up list: for each new day
    (only the day itself is computed again; the past month ends are kept) and after the register changes.

    Any hour (nothing is sent); cheap when they are current (one query). Until it runs, the
    first view of the dashboard computes and stores them (`services.dashboard`).
    """
    rt = _rt()
    now = rt.clock.now()
    with _fenced_session() as session:
        days = dashboard.store_money_figures(session, now.astimezone(BANGKOK).date(), now)
    if days:
        log.info("job done", extra={"job": "refresh_dashboard", "days": days})


@_fenced
def stalled_imports() -> None:
    """Fail the console's register jobs whose process stopped (their heartbeat is older than
    services.imports.STALLED_AFTER), saying kindly that nothing was written: an import writes all
    or nothing. The officer may confirm the import again; the clock does not run it itself."""
    rt = _rt()
    with _fenced_session() as session:
        failed = imports.fail_stalled(session, rt.clock.now(), import_words.STALLED_PROBLEMS)
    if failed:
        log.warning("job done", extra={"job": "stalled_imports", "failed": len(failed)})


@_fenced
def prescription_alerts() -> None:
    """Tell a district's officers, in one message a day, which contracts crossed 180, 90, 30 or
    7 days before their 5-year limit since the last day looked at."""
    _in_contact_hours(_prescription_alerts)


PRESCRIPTION_JOB = "prescription_alerts"


def _prescription_alerts(rt: Runtime, session: Session, now: datetime) -> int:
    today = now.date()
    last_look = covered_through(session, PRESCRIPTION_JOB)
    if last_look is not None and last_look >= today:  # today was looked at: a restart adds nothing
        return 0
    crossing = []
    for contract, p in each_open_position(session, today, owing_only=True):  # a batch at a time
        if p.debtor_class != CONTRACT_ENDED or p.days_to_prescription is None:
            continue
        before = days_before_last_look(p.days_to_prescription, today, last_look)
        if crossed_threshold(p.days_to_prescription, before) is not None:
            crossing.append((contract, p))
    people = members_of(session, [contract.id for contract, _ in crossing])
    district_of = district_of_areas(session)  # a district's parent is its province
    alerts = [({d.id, d.parent_id} if (d := district_of.get(contract.area_id)) else set(), PrescriptionAlert(
        contract.project_code, contract.project_name, p.days_to_prescription or 0, p.prescription_date,
        [(m.person_id, m.first_name, m.role) for m in people[contract.id]])) for contract, p in crossing]
    queued = 0
    for officer in active_officers(session):
        mine = [alert for where, alert in alerts if officer.area_id is None or officer.area_id in where]
        if mine:
            queued += outbox.enqueue_push(
                session, to=officer.line_user_id, origin="job.prescription_alert", now=now, send_at=now,
                messages=prescription_alert(mine, today),
                dedupe_key=f"prescription:{officer.line_user_id}:{today.isoformat()}") is not None
    mark_covered(session, PRESCRIPTION_JOB, today, now)
    return queued


@_fenced
def district_reports() -> None:
    """On the Mondays of weeks 1 and 3, each officer gets their district's report (caught up within a week)."""
    _in_contact_hours(_district_reports, working_days_only=True)


def _district_reports(rt: Runtime, session: Session, now: datetime) -> int:
    report_day = report_day_on_or_before(now.date())
    if (now.date() - report_day).days >= 7:  # a report older than a week is read with the CLI, not pushed
        return 0
    start, end = report_period(report_day)
    texts: dict[int | None, list[Message]] = {}  # by district id: names repeat across provinces
    queued = 0
    for officer in active_officers(session):
        district = officer.area_id
        if district not in texts:
            area = area_name(officer.district.name if officer.district else None,
                             officer.province.name if officer.province else None)
            texts[district] = visit_msgs.district_report(district_report_for(session, start, end, district), area)
        queued += outbox.enqueue_push(
            session, to=officer.line_user_id, messages=texts[district], origin="job.district_report", now=now,
            send_at=now, dedupe_key=f"district_report:{officer.line_user_id}:{report_day.isoformat()}") is not None
    return queued


def _group_messages(rt: Runtime, reminder: Reminder) -> list[Message]:
    s = rt.settings
    bank, biller, office = s.payment_bank, s.payment_biller, None if s.pay_by_qr else s.office_name
    if reminder.purpose == "group_on_day":
        return msgs.group_on_day(reminder.due, bank, biller, office=office)
    if reminder.purpose == "group_before":
        return msgs.group_before(reminder.due, bank, biller, office=office)
    return msgs.group_after(reminder.due)


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


MULTICAST_LIMIT = 500


@dataclass(frozen=True)
class JobSpec:
    """A job as the clock schedules it. `trigger` args are APScheduler's."""

    id: str
    func: Callable[[], None]
    trigger: str
    trigger_args: dict[str, object]
    # Jobs catch up by themselves (they compute what is due), so a missed run is merged
    # into one (`coalesce`) and may still run late within the grace time.
    misfire_grace_time: int = 3600
    coalesce: bool = True


# Order matters for `--once`: the follow-up list is stored first, for the digests (then the
# dashboard's figures, five minutes after it so the two never compute at once);
# appointment reminders go before payment reminders (and the payment job also steps
# aside for anyone with an appointment reminder today), so on a day with both the
# appointment wins and the payment reminder waits for the next allowed day; delivery
# runs last and sends what the others queued.
JOBS: tuple[JobSpec, ...] = (
    JobSpec("refresh_followups", refresh_followups, "cron", {"minute": "*"}, misfire_grace_time=60),
    JobSpec("refresh_dashboard", refresh_dashboard, "cron", {"minute": "5-55/10"}, misfire_grace_time=600),
    JobSpec("appointment_reminders", appointment_reminders, "cron", {"hour": "8-19", "minute": 0}),
    JobSpec("officer_digests", officer_digests, "cron", {"hour": "8-17", "minute": 0}),
    JobSpec("prescription_alerts", prescription_alerts, "cron", {"hour": "8-17", "minute": 10}),
    JobSpec("payment_reminders", payment_reminders, "cron", {"hour": "8-19", "minute": 20}),
    JobSpec("group_reminders", group_reminders, "cron", {"hour": "8-17", "minute": 30}),
    JobSpec("district_reports", district_reports, "cron", {"hour": "8-17", "minute": 40}),
    JobSpec("purge_conversations", purge_conversations, "interval", {"hours": 1}),
    JobSpec("stalled_imports", stalled_imports, "interval", {"minutes": 1}, misfire_grace_time=120),
    JobSpec("link_rich_menus", link_rich_menus, "interval", {"minutes": 1}, misfire_grace_time=120),
    JobSpec("deliver_outbox", deliver_outbox, "interval", {"seconds": 15}, misfire_grace_time=60),
)
