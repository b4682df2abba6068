"""The outbox's rows: every push, multicast and reply is queued here before anything is sent.

Queueing is a write like any other (the caller's session commits it); `bot.outbox` sends
what is queued. A push carries a dedupe key when a job may run twice, and anything for a
group passes the group guard before it is stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from linebot.v3.messaging import Message
from sqlalchemy import (
    CTE,
    JSON,
    Connection,
    DateTime,
    Insert,
    Integer,
    String,
    Table,
    bindparam,
    column,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.clock import BANGKOK
from domain.group_guard import GroupPrivacyError
from models import Outbox, PlatformFlag
from models.base import UTCDateTime
from models.db import JsonText, table_of

QUOTA_FLAG = "line_monthly_quota"

GroupGuard = Callable[[list[dict[str, Any]]], None]

_outbox = table_of(Outbox)
_flags = table_of(PlatformFlag)
# Built once: the webhook runs these for every event (building a statement costs more than running it).
_REPLY_COLUMNS = ("retry_key", "dedupe_key", "kind", "recipient_kind", "recipient", "recipients", "messages", "summary",
                  "origin", "proactive", "status", "attempts", "next_attempt_at", "created_at")
# binds named apart from any column: a statement's parameter names that match a column's are taken as
# values for it by every write in the statement, a CTE's (`along`) included
_RECORD_REPLY = _outbox.insert().values({c: bindparam(f"reply_{c}") for c in _REPLY_COLUMNS}).returning(_outbox.c.id)
_QUOTA_FLAG_READ = select(_flags.c.until, _flags.c.told).where(_flags.c.name == QUOTA_FLAG)
# What LINE answered to replies (`bot/outcomes.py` writes them, off the request).
_STORED_AT = UTCDateTime()
# Built once (building one costs more than running it); the binds are named apart from the columns.
REPLY_OUTCOME = update(_outbox).where(_outbox.c.id == bindparam("oid")).values(
    status=bindparam("st"), last_status=bindparam("ls"), request_id=bindparam("rid"), last_error=bindparam("err"),
    sent_at=bindparam("at"))
# On PostgreSQL the outcomes commit without waiting for their WAL to reach the disk: `synchronous_commit`
# off for the writing transaction only (`set_config(..., is_local => true)`, in the statement itself, so
# no round trip more; transaction-local, so PgBouncer's transaction pooling is unaffected). The replies
# themselves were recorded durably with their events.
_NO_SYNC = select(func.set_config("synchronous_commit", "off", True)).scalar_subquery()
# PostgreSQL: a whole batch in one statement, its outcomes as one JSON text (`json_to_recordset`): one
# parameter to send, where an executemany binds and sends every row's six.
_ROWS = (func.json_to_recordset(bindparam("rows", type_=JSON))
         .table_valued(column("oid", Integer), column("st", String), column("ls", Integer), column("rid", String),
                       column("err", String), column("at", DateTime()))
         .render_derived(name="v", with_types=True))
REPLY_OUTCOMES_PG = update(_outbox).where(_outbox.c.id == _ROWS.c.oid, _NO_SYNC == "off").values(
    status=_ROWS.c.st, last_status=_ROWS.c.ls, request_id=_ROWS.c.rid, last_error=_ROWS.c.err, sent_at=_ROWS.c.at)


def outcome(outbox_id: int, *, ok: bool, status: int | None, request_id: str | None, error: str | None,
            at: Any) -> dict[str, Any]:
    """One reply's outcome, as the statement takes it."""
    return {"oid": outbox_id, "st": "sent" if ok else "failed", "ls": status, "rid": request_id,
            "err": None if ok else (error or "")[:300], "at": at if ok else None}


def _as_json(outcome: dict[str, Any]) -> dict[str, Any]:
    """An outcome for `REPLY_OUTCOMES_PG`: its time as the column stores it (`UTCDateTime`'s rule)."""
    at = _STORED_AT.process_bind_param(outcome["at"], None)
    return {**outcome, "at": None if at is None else at.isoformat()}


def record_outcomes(connection: Connection, outcomes: list[dict[str, Any]]) -> None:
    """Write replies' outcomes (`outcome`) in the connection's transaction (the caller commits): on
    PostgreSQL one statement for them all, their rows as one JSON text; elsewhere an executemany."""
    if connection.dialect.name == "postgresql":
        connection.execute(REPLY_OUTCOMES_PG, {"rows": [_as_json(o) for o in outcomes]})
    else:
        connection.execute(REPLY_OUTCOME, outcomes)


def as_dicts(messages: Iterable[Message | dict[str, Any]]) -> list[dict[str, Any]]:
    """Messages in their JSON form, as stored and as sent."""
    return [m if isinstance(m, dict) else m.to_dict() for m in messages]


def summary_of(messages: Sequence[dict[str, Any]]) -> str:
    """What a person would see in a notification: the text, or the alt text of a card."""
    parts = []
    for message in messages:
        kind = message.get("type")
        if kind == "text":
            parts.append(message.get("text", ""))
        elif kind in {"flex", "template", "imagemap"}:
            parts.append(message.get("altText", ""))
        else:
            parts.append(f"[{kind}]")
    return "\n".join(parts)


def recipient_kind(recipient: str) -> str:
    return "group" if recipient.startswith(("C", "R")) else "user"


def enqueue_push(session: Session, *, to: str, messages: Sequence[Message | dict[str, Any]],
                 origin: str, now: datetime, dedupe_key: str | None = None,
                 send_at: datetime | None = None, group_guard: GroupGuard | None = None,
                 of_its_day: bool = False) -> Outbox | None:
    """Queue a push; returns None when `dedupe_key` was already queued (a job re-run).

    `send_at` marks a proactive message (not a reply to anyone): it is sent no earlier and
    only inside the legal contact hours. `of_its_day`: a message of `send_at`'s day (a
    reminder, a morning list), never sent on a later one (`stale_after`). Anything for a group
    passes the group guard, and a push to a group without one is refused.
    """
    payload = as_dicts(messages)
    if recipient_kind(to) == "group":
        if group_guard is None:
            raise GroupPrivacyError("a message for a group must pass the group guard")
        group_guard(payload)
    return _enqueue(session, kind="push", recipients=[to], messages=payload, origin=origin,
                    now=now, dedupe_key=dedupe_key, send_at=send_at, stale_after=_day_ends(send_at, of_its_day))


def enqueue_multicast(session: Session, *, to: Sequence[str], messages: Sequence[Message | dict[str, Any]],
                      origin: str, now: datetime, dedupe_key: str | None = None,
                      send_at: datetime | None = None, of_its_day: bool = False) -> Outbox | None:
    """Queue one multicast (at most 500 users); `of_its_day` as for `enqueue_push`."""
    if not 1 <= len(to) <= 500:
        raise ValueError("a multicast takes 1 to 500 recipients")
    return _enqueue(session, kind="multicast", recipients=list(to), messages=messages,
                    origin=origin, now=now, dedupe_key=dedupe_key, send_at=send_at,
                    stale_after=_day_ends(send_at, of_its_day))


def _day_ends(send_at: datetime | None, of_its_day: bool) -> datetime | None:
    """When a message of `send_at`'s day goes stale: the Bangkok midnight after it (the contact hours
    end before it, so a row still unsent by then would only go out on another day)."""
    if not of_its_day or send_at is None:
        return None
    day = send_at.astimezone(BANGKOK).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=BANGKOK)


@dataclass(frozen=True)
class Push:
    """One push of a job that queues many (a note for each bound group): its idempotency key is required."""

    to: str
    messages: Sequence[Message | dict[str, Any]]
    origin: str
    dedupe_key: str


def enqueue_pushes(session: Session, pushes: Sequence[Push], *, now: datetime, send_at: datetime | None = None,
                   group_guard: GroupGuard | None = None, of_its_day: bool = False) -> dict[str, int]:
    """Queue many pushes in one statement; returns the outbox id of each queued, by its dedupe key.

    The same rules as `enqueue_push`, one statement instead of a lookup, a SAVEPOINT and an
    insert per row: a key already queued (a job re-run, or another transaction queueing it at
    this moment) is skipped by `ON CONFLICT DO NOTHING`, and anything for a group passes the
    group guard first (a refusal raises before anything is written).
    """
    rows = []
    for push in pushes:
        payload = as_dicts(push.messages)
        if not 1 <= len(payload) <= 5:
            raise ValueError("LINE takes 1 to 5 messages a request")
        kind = recipient_kind(push.to)
        if kind == "group":
            if group_guard is None:
                raise GroupPrivacyError("a message for a group must pass the group guard")
            group_guard(payload)
        rows.append({"retry_key": str(uuid.uuid4()), "dedupe_key": push.dedupe_key, "kind": "push",
                     "recipient_kind": kind, "recipient": push.to, "recipients": [push.to], "messages": payload,
                     "summary": summary_of(payload), "origin": push.origin, "status": "queued", "attempts": 0,
                     "proactive": send_at is not None, "next_attempt_at": send_at or now, "created_at": now,
                     "stale_after": _day_ends(send_at, of_its_day)})
    if not rows:
        return {}
    table = cast(Table, Outbox.__table__)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).on_conflict_do_nothing(index_elements=[table.c.dedupe_key])
    queued = session.execute(statement.returning(table.c.id, table.c.dedupe_key), rows).all()
    return {key: outbox_id for outbox_id, key in queued}


def record_reply(session: Session, *, chat: str, messages: Sequence[dict[str, Any]], origin: str,
                 now: datetime, along: tuple[CTE, dict[str, Any]] | None = None,
                 serialised: JsonText | None = None) -> int:
    """Record a reply about to be sent (status `sending`); the webhook sets the outcome. Returns its id.

    Every answered event writes one, so it is one Core INSERT on the session's connection (the
    ORM's unit of work for a single new row costs several times the statement itself). `along`: a
    write of the caller's as a data-modifying CTE, built once, and its parameters (PostgreSQL only),
    sent in the same statement: two writes in one round trip. `serialised`: the messages' JSON text,
    made once for this row and for LINE (`bot/line.py`), stored as it is."""
    payload = list(messages)
    row = {"retry_key": str(uuid.uuid4()), "dedupe_key": None, "kind": "reply", "recipient_kind": recipient_kind(chat),
           "recipient": chat, "recipients": [chat], "messages": payload if serialised is None else serialised,
           "summary": summary_of(payload),
           "origin": origin, "proactive": False, "status": "sending", "attempts": 1, "next_attempt_at": now,
           "created_at": now}
    values = {f"reply_{column}": value for column, value in row.items()}
    statement: Insert = _RECORD_REPLY
    if along is not None:
        statement = _record_reply_with(along[0])
        values.update(along[1])
    return cast(int, session.connection().execute(statement, values).scalar_one())


@cache
def _record_reply_with(cte: CTE) -> Insert:
    return _RECORD_REPLY.add_cte(cte)


def _enqueue(session: Session, *, kind: str, recipients: list[str],
             messages: Sequence[Message | dict[str, Any]], origin: str, now: datetime,
             dedupe_key: str | None, send_at: datetime | None = None,
             stale_after: datetime | None = None) -> Outbox | None:
    if dedupe_key is not None and session.scalar(
        select(Outbox.id).where(Outbox.dedupe_key == dedupe_key)
    ) is not None:
        return None
    payload = as_dicts(messages)
    if not 1 <= len(payload) <= 5:
        raise ValueError("LINE takes 1 to 5 messages a request")
    if dedupe_key is not None:
        # Another transaction may be queueing the same key right now (two webhooks at once):
        # its row wins, and this one is a re-run that queues nothing, not a failed event.
        session.flush()  # only this row is tried in the savepoint below
        savepoint = session.begin_nested()
        try:
            row = _add(session, kind=kind, recipients=recipients, messages=payload, origin=origin, now=now,
                       status="queued", attempts=0, dedupe_key=dedupe_key, send_at=send_at,
                       stale_after=stale_after)
            session.flush()
            savepoint.commit()
        except IntegrityError:
            savepoint.rollback()
            return None
        return row
    return _add(session, kind=kind, recipients=recipients, messages=payload, origin=origin, now=now,
                status="queued", attempts=0, send_at=send_at, stale_after=stale_after)


def _add(session: Session, *, kind: str, recipients: list[str], messages: list[dict[str, Any]], origin: str,
         now: datetime, status: str, attempts: int, dedupe_key: str | None = None,
         send_at: datetime | None = None, stale_after: datetime | None = None) -> Outbox:
    row = Outbox(
        retry_key=str(uuid.uuid4()),
        dedupe_key=dedupe_key,
        kind=kind,
        recipient_kind="users" if kind == "multicast" else recipient_kind(recipients[0]),
        recipient=recipients[0],
        recipients=recipients,
        messages=messages,
        summary=summary_of(messages),
        origin=origin,
        status=status,
        attempts=attempts,
        next_attempt_at=now,
        created_at=now,
        stale_after=stale_after,
    )
    if send_at is not None:  # proactive: sent no earlier, and only inside the contact hours
        row.proactive, row.next_attempt_at = True, send_at
    session.add(row)
    return row


def outbox_since(session: Session, since: datetime | None, limit: int) -> Sequence[Outbox]:
    """What was sent or queued to LINE (from `since`, when given), oldest first, at most `limit`."""
    query = select(Outbox).order_by(Outbox.created_at, Outbox.id).limit(limit)
    if since is not None:
        query = query.where(Outbox.created_at >= since)
    return session.scalars(query).all()


def quota_paused_until(session: Session, now: datetime) -> datetime | None:
    """When pushes resume after LINE said the monthly quota is spent, or None if not paused."""
    flag = session.get(PlatformFlag, QUOTA_FLAG)
    return flag.until if flag is not None and flag.until is not None and flag.until > now else None


@dataclass(frozen=True)
class QuotaFlag:
    """LINE's monthly push quota, as last read: paused until when (None: not paused), and whom we told."""

    until: datetime | None
    told: list[str]


def quota_flag(session: Session) -> QuotaFlag:
    """The flag as it stands. Asked on every 1:1 event (unless the webhook's claim read it along:
    `services.events`): read with Core on the session's connection, no ORM object."""
    flag = session.connection().execute(_QUOTA_FLAG_READ).first()
    return QuotaFlag(None, []) if flag is None else QuotaFlag(flag.until, list(flag.told or []))


def quota_pause_untold(flag: QuotaFlag, line_user_id: str, now: datetime) -> datetime | None:
    """Until when pushes are paused, if they are and this account was not told yet (else None)."""
    if flag.until is None or flag.until <= now or line_user_id in flag.told:
        return None
    return flag.until


def mark_quota_told(session: Session, line_user_id: str) -> None:
    """This account was told of the current pause: once per pause is enough."""
    flag = session.get(PlatformFlag, QUOTA_FLAG)
    if flag is not None:
        flag.told = [*(flag.told or []), line_user_id]


def pause_for_quota(session: Session, now: datetime) -> datetime:
    """Pause pushes until the quota renews (the 1st of next month, Bangkok) and note it once."""
    local = now.astimezone(BANGKOK)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    renews = (first + timedelta(days=32)).replace(day=1)
    flag = session.get(PlatformFlag, QUOTA_FLAG)
    if flag is None:
        session.add(PlatformFlag(name=QUOTA_FLAG, until=renews, set_at=now, told=[]))
    elif flag.until is None or flag.until <= now:
        flag.until, flag.set_at, flag.told = renews, now, []
    session.flush()
    return renews
