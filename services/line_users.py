"""LINE accounts: first and last seen, following us or not, personal reminders on or off."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import LineLink, LineUser
from models.db import table_of

_users = table_of(LineUser)
SEEN = {postgres: (postgresql.insert if postgres else sqlite.insert)(_users)
         .values(line_user_id=bindparam("uid"), following=bindparam("fol"), first_seen_at=bindparam("now"),
                 last_seen_at=bindparam("now"))
         .on_conflict_do_update(index_elements=[_users.c.line_user_id], set_={"last_seen_at": bindparam("now")},
                                where=_users.c.last_seen_at < bindparam("stale"))
         for postgres in (False, True)}
SEEN_PRECISION = timedelta(minutes=1)  # last seen to the minute: a chat's taps in a row rewrite no row


def remember(session: Session, line_user_id: str, now: datetime, *, in_group: bool) -> LineUser:
    """The account's row, created on first sight (first seen in a group: not following us yet).

    An upsert: a new person's first two messages can arrive at once, in two workers, and
    neither may fail on the other's row.
    """
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    # one round trip: created, or its last_seen_at moved on, and the row returned either way
    upsert = (insert(LineUser)
              .values(line_user_id=line_user_id, following=not in_group, first_seen_at=now, last_seen_at=now)
              .on_conflict_do_update(index_elements=[LineUser.line_user_id], set_={"last_seen_at": now})
              .returning(LineUser))
    user = session.scalars(upsert, execution_options={"populate_existing": True}).one()
    return user


def seen(session: Session, line_user_id: str, now: datetime, *, in_group: bool) -> None:
    """`remember` for every event: the same upsert, with Core on the session's connection and
    nothing returned (no ORM object to build for an account the event may never look at), and
    `last_seen_at` kept to the minute (a person tapping through a menu rewrites the row once, not
    at every tap: each rewrite is a new row version, WAL and later vacuum work)."""
    connection = session.connection()
    connection.execute(SEEN[connection.dialect.name == "postgresql"], seen_values(line_user_id, now, in_group=in_group))


def seen_values(line_user_id: str, now: datetime, *, in_group: bool) -> dict[str, Any]:
    """The parameters of `SEEN` (the webhook's claim sends it along: `services.events`)."""
    return {"uid": line_user_id, "fol": not in_group, "now": now, "stale": now - SEEN_PRECISION}


def followed(user: LineUser, now: datetime) -> None:
    """Added as a friend or unblocked: we may write to them again."""
    user.following, user.followed_at = True, now


def unfollowed(user: LineUser, now: datetime) -> None:
    """Blocked: no proactive message reaches them."""
    user.following, user.unfollowed_at = False, now


def set_reminders(session: Session, line_user_id: str, now: datetime, *, on: bool) -> bool:
    """Turn a verified person's personal reminders on or off; False when the account is not linked."""
    link = session.scalars(select(LineLink).where(LineLink.line_user_id == line_user_id)).one_or_none()
    if link is None:
        return False
    link.reminders_off_at = None if on else (link.reminders_off_at or now)
    return True
