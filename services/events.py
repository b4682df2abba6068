"""A webhook event's bookkeeping at its start: its id claimed, once, in the handler's transaction;
for a 1:1 event, the account's last-seen time, the LINE quota flag, the person the account was
proven to be and whether its chat is in the middle of a conversation, with it.

The claim is an `INSERT ... ON CONFLICT DO NOTHING RETURNING` into `processed_events`: a redelivery,
or the same event in another worker, inserts nothing (the other's insert is waited for) and is
skipped. On PostgreSQL the account's upsert (`services.line_users.seen`) and the read of the quota
flag (`services.outbox.quota_flag`) go in the same statement, as data-modifying CTEs, with the
account's linked person (`services.identity.linked_person`) and whether a conversation row exists
for the chat (most have none, and then need not load it): one round trip, where each event made
five. If the claim finds the event handled, the caller rolls the transaction back, the last-seen
time with it. SQLite, which has no DML in CTEs, makes the claim alone, and the middleware and the
handlers write and read the rest as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, bindparam, exists, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import Conversation, LineLink, Person, PlatformFlag, ProcessedEvent
from models.db import table_of
from services import line_users, outbox

_events = table_of(ProcessedEvent)
_flags = table_of(PlatformFlag)
# Built once (building one costs more than running it); the binds are named apart from every column
# of the tables written, as a parameter named like a column is taken as a value for it.
_CLAIM = {postgres: (postgresql.insert if postgres else sqlite.insert)(_events)
          .values(webhook_event_id=bindparam("eid"), event_type=bindparam("type"), status="handled",
                  received_at=bindparam("at"))
          .on_conflict_do_nothing(index_elements=[_events.c.webhook_event_id])
          .returning(_events.c.webhook_event_id) for postgres in (False, True)}


def _claim_noting_the_account() -> Select[str | None, datetime | None, list[str] | None, bool, Person]:
    claim = _CLAIM[True].cte("claim")
    one = select(literal(1).label("one")).subquery("one")
    talking = exists().where(Conversation.source_type == bindparam("chat_type"),
                             Conversation.user_id == bindparam("uid"), Conversation.group_id == "")
    return (select(select(claim.c.webhook_event_id).scalar_subquery().label("claimed"), _flags.c.until,
                   _flags.c.told, talking.label("talking"), Person)
            .select_from(one.outerjoin(_flags, _flags.c.name == outbox.QUOTA_FLAG)
                         .outerjoin(LineLink, LineLink.line_user_id == bindparam("uid"))
                         .outerjoin(Person, Person.id == LineLink.person_id))
            .add_cte(line_users.SEEN[True].cte("seen")))


_CLAIM_NOTING = _claim_noting_the_account()


@dataclass(frozen=True)
class Claim:
    claimed: bool  # False: already handled (or being handled by another worker, now done)
    seen: bool  # the account's last-seen time was written with the claim, and these read with it:
    quota: outbox.QuotaFlag | None  # the quota flag (None: not read)
    person: Person | None = None  # the person the account was proven to be
    talking: bool = True  # the chat has a conversation row (True when not read: load it to know)


def claim(session: Session, event_id: str, event_type: str, now: datetime, *, account: str | None,
          chat_type: str = "user") -> Claim:
    """Claim the event id in the session's transaction; with `account` (a 1:1 event's sender, in a
    chat of `chat_type`), on PostgreSQL, note them seen and read the quota flag, their person and
    whether their chat has a conversation, in the same statement."""
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    if account is None or not postgres:
        claimed = connection.execute(_CLAIM[postgres], {"eid": event_id, "type": event_type, "at": now}).first()
        return Claim(claimed is not None, seen=False, quota=None)
    row = session.execute(_CLAIM_NOTING, {"eid": event_id, "type": event_type, "at": now, "chat_type": chat_type,
                                          **line_users.seen_values(account, now, in_group=False)}).one()
    return Claim(row.claimed is not None, seen=True, quota=outbox.QuotaFlag(row.until, list(row.told or [])),
                 person=row.Person, talking=bool(row.talking))
