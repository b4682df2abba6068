"""What a handler gets: the event, the chat, its conversation, the session and the clock."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from linebot.v3.messaging import Message
from sqlalchemy.orm import Session

from config.settings import Settings
from domain.clock import Clock
from services import outbox
from services.conversation import ChatKey, ConversationStore


@dataclass
class Context:
    """One event being handled. Handlers read from it and return messages to reply with."""

    session: Session
    settings: Settings
    clock: Clock
    event: Any  # a linebot.v3.webhooks event
    queued_pushes: list[int] = field(default_factory=list)
    group_guard: Callable[[list[dict[str, Any]]], None] | None = None  # checks every group-bound message
    fetch_content: Callable[[str], bytes | None] | None = None  # a picture someone sent, from LINE

    @cached_property
    def now(self) -> datetime:
        return self.clock.now()

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def source_type(self) -> str:
        return getattr(self.event.source, "type", "") or ""

    @property
    def user_id(self) -> str | None:
        return getattr(self.event.source, "user_id", None)

    @property
    def group_id(self) -> str | None:
        return getattr(self.event.source, "group_id", None) or getattr(self.event.source, "room_id", None)

    @property
    def in_group(self) -> bool:
        return self.source_type in {"group", "room"}

    @property
    def chat(self) -> str:
        """Where a reply lands: the group, or the person."""
        return self.group_id or self.user_id or ""

    @cached_property
    def conversation(self) -> ConversationStore:
        key = ChatKey(self.source_type, self.user_id or "", self.group_id or "")
        return ConversationStore(
            self.session, key, self.now, timedelta(minutes=self.settings.conversation_timeout_minutes)
        )

    def push(self, to: str, messages: Sequence[Message], origin: str) -> None:
        """Queue a push to someone else (delivered after this event is committed)."""
        row = outbox.enqueue_push(self.session, to=to, messages=messages, origin=origin, now=self.now,
                                  group_guard=self.group_guard)
        if row is not None:
            self.session.flush()
            self.queued_pushes.append(row.id)
