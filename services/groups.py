"""Group chats: the bot joining and leaving, members coming and going, binding a group to an area."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from domain.group_guard import HashedNames
from models import GroupCode, GroupMember, LineGroup, Person


def line_group(session: Session, group_id: str) -> LineGroup | None:
    return session.scalars(select(LineGroup).where(LineGroup.group_id == group_id)).one_or_none()


def all_groups(session: Session) -> Sequence[LineGroup]:
    """Every group chat the bot knows (in or left), oldest first."""
    return session.scalars(select(LineGroup).order_by(LineGroup.id)).all()


def joined(session: Session, group_id: str, now: datetime) -> None:
    """Added to a group (again): it is a group we are in, not yet bound if it never was."""
    group = line_group(session, group_id)
    if group is None:
        session.add(LineGroup(group_id=group_id, joined_at=now))
    else:
        group.joined_at, group.left_at = now, None


def left(session: Session, group_id: str, now: datetime) -> None:
    """Removed from a group: every send to it stops."""
    group = line_group(session, group_id)
    if group is not None:
        group.left_at = now


def member_seen(session: Session, group_id: str, line_user_id: str, now: datetime, *, present: bool) -> None:
    """A member joined (present) or left the group."""
    row = session.scalars(select(GroupMember).where(GroupMember.group_id == group_id,
                                                    GroupMember.line_user_id == line_user_id)).one_or_none()
    if row is None:
        row = GroupMember(group_id=group_id, line_user_id=line_user_id, joined_at=now)
        session.add(row)
    if present:
        row.joined_at, row.left_at = now, None
    else:
        row.left_at = now


def group_code(session: Session, code: str) -> GroupCode | None:
    return session.scalars(select(GroupCode).where(GroupCode.code == code)).one_or_none()


def bind(session: Session, group_id: str, code: GroupCode, now: datetime) -> str:
    """Bind the group to the code's area and spend the code; the area's name."""
    group = line_group(session, group_id)
    if group is None:
        group = LineGroup(group_id=group_id, joined_at=now)
        session.add(group)
    group.area_id, group.bound_at, group.left_at = code.area_id, now, None
    code.used_at, code.used_in = now, group_id
    return code.area.name


def bind_to_area(group: LineGroup, area_id: int, now: datetime) -> None:
    """Bind a group the bot is in to an area (the CLI's way, without a code)."""
    group.area_id, group.bound_at = area_id, now


def add_group_code(session: Session, code: str, area_id: int, now: datetime, expires_at: datetime) -> None:
    """A one-time code an officer types in a group to bind it to this area."""
    session.add(GroupCode(code=code, area_id=area_id, created_at=now, expires_at=expires_at))


class NameIndex:
    """Every first and last name on the register, for the group guard, as `HashedNames` (8 bytes a
    name, not the names): each distinct name streamed from the database once, a batch at a time,
    reloaded every few minutes."""

    TTL_SECONDS = 300.0
    BATCH = 10_000

    def __init__(self, on_reload: Callable[[], object] | None = None) -> None:
        self.on_reload = on_reload  # e.g. hand the memory the load used back to the system
        self._names = HashedNames(())
        self._loaded_at = float("-inf")
        self._lock = threading.Lock()

    def get(self, session: Session) -> HashedNames:
        with self._lock:
            if time.monotonic() - self._loaded_at > self.TTL_SECONDS:
                self._names = HashedNames(self._stream(session))
                self._loaded_at = time.monotonic()
                if self.on_reload is not None:
                    self.on_reload()
            return self._names

    def _stream(self, session: Session) -> Iterator[str]:
        # Each distinct name once (UNION): the database drops the repeats, so a worker reads a few
        # thousand rows, not two for every person on the register; the memory such a load passes
        # through stayed with the worker (9 MB at 20,000 contracts, bench/webhook_memory.py).
        names = union(select(Person.first_name), select(Person.last_name))
        for name in session.scalars(names, execution_options={"yield_per": self.BATCH}):
            if name:
                yield name
