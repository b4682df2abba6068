"""Conversation state, persisted per chat: which flow and step, the answers so far, expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from domain.flows import Steps
from models import Conversation

# Built once: every event loads its chat's conversation.
_FIND = select(Conversation).where(Conversation.source_type == bindparam("source_type"),
                                   Conversation.user_id == bindparam("user_id"),
                                   Conversation.group_id == bindparam("group_id"))


@dataclass(frozen=True)
class ChatKey:
    """Who a conversation is with: source type + user id + group id ("" in a 1:1 chat)."""

    source_type: str
    user_id: str
    group_id: str = ""


class ConversationStore:
    """Load, move and end one chat's conversation; the caller's session commits."""

    def __init__(self, session: Session, key: ChatKey, now: datetime, timeout: timedelta, *,
                 absent: bool = False) -> None:
        """`absent`: the caller knows there is no row for this chat (the webhook's claim looked): none
        is read."""
        self.session = session
        self.key = key
        self.now = now
        self.timeout = timeout
        self.expired_flow: str | None = None  # set when a stale conversation was dropped
        self._row = None if absent else self._load()

    def _load(self) -> Conversation | None:
        row = self.session.scalars(_FIND, {"source_type": self.key.source_type, "user_id": self.key.user_id,
                                           "group_id": self.key.group_id}).one_or_none()
        if row is not None and row.expires_at <= self.now:
            self.expired_flow = row.flow
            self.session.delete(row)
            self.session.flush()
            return None
        return row

    @property
    def active(self) -> bool:
        return self._row is not None

    @property
    def flow(self) -> str | None:
        return self._row.flow if self._row else None

    @property
    def step(self) -> str | None:
        return self._row.step if self._row else None

    @property
    def can_go_back(self) -> bool:
        return bool(self._row is not None and self._row.history)

    @property
    def data(self) -> dict[str, Any]:
        return dict(self._row.data) if self._row else {}

    def start(self, step: Steps, **data: Any) -> None:
        """Begin `step`'s flow at `step`, replacing whatever was in progress."""
        flow = step.flow
        if self._row is None:
            self._row = Conversation(
                source_type=self.key.source_type,
                user_id=self.key.user_id,
                group_id=self.key.group_id,
                flow=flow,
                step=step.value,
                data=dict(data),
                history=[],
                expires_at=self.now + self.timeout,
                updated_at=self.now,
            )
            self.session.add(self._row)
        else:
            self._row.flow, self._row.step = flow, step.value
            self._row.data, self._row.history = dict(data), []
            self._touch()

    def advance(self, step: Steps, **answers: Any) -> None:
        """Record answers and move to `step`; the current step is remembered for `back`."""
        row = self._require()
        if step.flow != row.flow:
            raise ValueError(f"step {step.flow}:{step.value} is not a step of the {row.flow} flow")
        row.history = [*row.history, {"step": row.step, "keys": sorted(answers)}]
        row.data = {**row.data, **answers}
        row.step = step.value
        self._touch()

    def update(self, **answers: Any) -> None:
        """Record answers without moving."""
        row = self._require()
        row.data = {**row.data, **answers}
        self._touch()

    def back(self) -> str | None:
        """Return to the previous step (forgetting the answers given there); None at the start."""
        row = self._require()
        if not row.history:
            return None
        previous = row.history[-1]
        row.history = row.history[:-1]
        row.data = {k: v for k, v in row.data.items() if k not in previous["keys"]}
        row.step = previous["step"]
        self._touch()
        return row.step

    def finish(self) -> None:
        """End the flow (done or cancelled)."""
        if self._row is not None:
            self.session.delete(self._row)
            # flushed now: a new flow started in the same event inserts the same key, and
            # the unit of work would otherwise insert before it deletes
            self.session.flush()
            self._row = None

    def _require(self) -> Conversation:
        if self._row is None:
            raise RuntimeError("no conversation in progress")
        return self._row

    def _touch(self) -> None:
        assert self._row is not None
        self._row.updated_at = self.now
        self._row.expires_at = self.now + self.timeout


def purge_expired(session: Session, now: datetime) -> int:
    """Delete conversations idle past their expiry (housekeeping job)."""
    result = session.execute(delete(Conversation).where(Conversation.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)
