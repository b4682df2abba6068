"""LINE accounts: first and last seen, following us or not, personal reminders on or off."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import LineLink, LineUser


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
