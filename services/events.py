"""A webhook event's bookkeeping at its start: its id claimed, once, in the handler's transaction;
for a 1:1 event, the account's last-seen time and the LINE quota flag with it.

The claim is an `INSERT ... ON CONFLICT DO NOTHING RETURNING` into `processed_events`: a redelivery,
or the same event in another worker, inserts nothing (the other's insert is waited for) and is
skipped. On PostgreSQL the account's upsert (`services.line_users.seen`) and the read of the quota
flag (`services.outbox.quota_flag`) go in the same statement, as data-modifying CTEs: one round trip
for the three, where each event made three. If the claim finds the event handled, the caller rolls
the transaction back, the last-seen time with it. SQLite, which has no DML in CTEs, makes the claim
alone, and the middleware writes and reads the rest as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, bindparam, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import PlatformFlag, ProcessedEvent
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


def _claim_noting_the_account() -> Select[tuple[str | None, datetime | None, list[str] | None]]:
    claim = _CLAIM[True].cte("claim")
    one = select(literal(1).label("one")).subquery("one")
    return (select(select(claim.c.webhook_event_id).scalar_subquery().label("claimed"), _flags.c.until,
                   _flags.c.told)
            .select_from(one.outerjoin(_flags, _flags.c.name == outbox.QUOTA_FLAG))
            .add_cte(line_users.SEEN[True].cte("seen")))


_CLAIM_NOTING = _claim_noting_the_account()


@dataclass(frozen=True)
class Claim:
    claimed: bool  # False: already handled (or being handled by another worker, now done)
    seen: bool  # the account's last-seen time was written with the claim
    quota: outbox.QuotaFlag | None  # the quota flag as read with the claim (None: not read)


def claim(session: Session, event_id: str, event_type: str, now: datetime, *, account: str | None) -> Claim:
    """Claim the event id in the session's transaction; with `account` (a 1:1 event's sender), on
    PostgreSQL, note them seen and read the quota flag in the same statement."""
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    if account is None or not postgres:
        claimed = connection.execute(_CLAIM[postgres], {"eid": event_id, "type": event_type, "at": now}).first()
        return Claim(claimed is not None, seen=False, quota=None)
    row = connection.execute(_CLAIM_NOTING, {"eid": event_id, "type": event_type, "at": now,
                                             **line_users.seen_values(account, now, in_group=False)}).one()
    return Claim(row.claimed is not None, seen=True, quota=outbox.QuotaFlag(row.until, list(row.told or [])))
