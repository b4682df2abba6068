"""What a handler gets: the event, the chat, its conversation, the session and the clock.

Handlers read the event through the typed accessors here (`text`, `location`,
`message_id`, `joined`, `left`), never through the SDK's nested models directly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any, TypeVar

from linebot.v3.webhooks import (
    Event,
    LocationMessageContent,
    MemberJoinedEvent,
    MemberLeftEvent,
    MessageEvent,
    TextMessageContent,
)

from config.settings import Settings
from domain.clock import Clock
from domain.pictures import Fetched
from messages.line_json import Message
from models import Person, StaffMember
from models.db import Session
from services import outbox, richmenus
from services.conversation import ChatKey, ConversationStore
from services.identity import linked_person, staff_member

T = TypeVar("T")
LINE_MESSAGE_ID = re.compile(r"[0-9]{1,32}")


@dataclass
class Context:
    """One event being handled. Handlers read from it and return messages to reply with."""

    session: Session
    settings: Settings
    clock: Clock
    event: Event  # one of the SDK's event classes (UnknownEvent, also an Event, for types it does not know)
    queued_pushes: list[int] = field(default_factory=list)
    group_guard: Callable[[list[dict[str, Any]]], None] | None = None  # checks every group-bound message
    fetch_content: Callable[[str], Fetched] | None = None  # a picture someone sent, from LINE
    menu_changed: bool = False  # the person's rich menu is to be linked again, after the commit
    show_loading: Callable[[str, int], object] | None = None  # LINE's loading animation in a 1:1 chat, if slow
    loading_shown: bool = field(default=False, init=False)
    #: set by the webhook's claim when it wrote these along (`services.events`): the middleware
    #: does not write the last-seen time again, nor read the quota flag again
    account_seen: bool = field(default=False, init=False)
    quota_flag: outbox.QuotaFlag | None = field(default=None, init=False)
    #: the claim found no conversation row for this chat: `conversation` starts empty, unread
    no_conversation: bool = field(default=False, init=False)

    @cached_property
    def now(self) -> datetime:
        return self.clock.now()

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def text(self) -> str:
        """What was typed, for a text message ("" for anything else)."""
        if isinstance(self.event, MessageEvent) and isinstance(self.event.message, TextMessageContent):
            return self.event.message.text
        return ""

    @property
    def location(self) -> tuple[float, float] | None:
        """(latitude, longitude) of a location message."""
        if isinstance(self.event, MessageEvent) and isinstance(self.event.message, LocationMessageContent):
            return self.event.message.latitude, self.event.message.longitude
        return None

    @property
    def message_id(self) -> str:
        """The id LINE gave a message (its content, such as a photo, is fetched by it).

        Only LINE's own form, digits: anything else ("" here) is a forged event.
        """
        if isinstance(self.event, MessageEvent) and LINE_MESSAGE_ID.fullmatch(self.event.message.id or ""):
            return self.event.message.id
        return ""

    @property
    def joined(self) -> list[str]:
        """User ids of the people who just joined the group."""
        if not isinstance(self.event, MemberJoinedEvent):
            return []
        return [m.user_id for m in self.event.joined.members or [] if getattr(m, "user_id", None)]

    @property
    def left(self) -> list[str]:
        """User ids of the people who just left the group."""
        if not isinstance(self.event, MemberLeftEvent):
            return []
        return [m.user_id for m in self.event.left.members or [] if getattr(m, "user_id", None)]

    @cached_property
    def staff(self) -> StaffMember | None:
        """The officer or volunteer writing, while they hold the role (looked up once per event)."""
        return staff_member(self.session, self.user_id)

    @property
    def officer(self) -> StaffMember | None:
        """The officer writing, if it is one."""
        return self.staff if self.staff is not None and self.staff.role == "officer" else None

    @cached_property
    def person(self) -> Person | None:
        """The debtor this LINE account was proven to be (verification), if any."""
        return linked_person(self.session, self.user_id) if self.user_id else None

    def read_with_claim(self, person: Person | None, *, talking: bool) -> None:
        """What the webhook's claim read along (`services.events`): the person this account was proven
        to be, and whether its chat has a conversation row; neither is looked up again."""
        self.__dict__["person"] = person
        self.no_conversation = not talking

    def as_officer(self) -> StaffMember:
        """The officer writing, in a handler the router lets only officers reach (bot/router.py)."""
        return _required(self.officer, "an officer")

    def as_staff(self) -> StaffMember:
        """The officer or volunteer writing, in a handler the router lets only staff reach."""
        return _required(self.staff, "staff")

    def as_person(self) -> Person:
        """The verified debtor writing, in a handler the router lets only verified debtors reach."""
        return _required(self.person, "a verified debtor")

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
            self.session, key, self.now, timedelta(minutes=self.settings.conversation_timeout_minutes),
            absent=self.no_conversation,
        )

    def roles_changed(self) -> None:
        """The person writing was verified, took or lost a role, blocked or came back: their rich
        menu follows (linked with LINE once this event is committed, and retried until it is)."""
        if self.user_id:
            richmenus.menu_changed(self.session, self.user_id, self.now)
            self.menu_changed = True
        for known in ("person", "staff"):  # who they are now is looked up again, if asked
            self.__dict__.pop(known, None)

    def loading(self, seconds: int = 10) -> None:
        """Before an answer that may take more than a moment: LINE's loading animation, in a 1:1 chat
        only (LINE allows it nowhere else), once per event, and only if the answer turns out slow
        (`LOADING_AFTER_SECONDS`, bot/loading.py). It never holds up or breaks the answer."""
        if self.in_group or not self.user_id or self.show_loading is None or self.loading_shown:
            return
        self.loading_shown = True
        self.show_loading(self.user_id, seconds)

    @cached_property
    def private_conversation(self) -> ConversationStore:
        """The writer's own 1:1 conversation with the bot: in a 1:1 chat, `conversation` itself;
        in a group, the one a question sent to them privately waits in."""
        if not self.in_group:
            return self.conversation
        key = ChatKey("user", self.user_id or "", "")
        return ConversationStore(
            self.session, key, self.now, timedelta(minutes=self.settings.conversation_timeout_minutes)
        )

    def push(self, to: str, messages: Sequence[Message], origin: str, *, dedupe_key: str | None = None) -> None:
        """Queue a push to someone else (delivered after this event is committed).

        With `dedupe_key`, a push already queued under that key (by this or any other event)
        is not queued again.
        """
        row = outbox.enqueue_push(self.session, to=to, messages=messages, origin=origin, now=self.now,
                                  group_guard=self.group_guard, dedupe_key=dedupe_key)
        if row is not None:
            self.session.flush()
            self.queued_pushes.append(row.id)


def _required(who: T | None, role: str) -> T:
    # Reaching here means a route's who/where was not declared: fail closed (the person gets
    # the apology, the event is logged as failed), never act for someone without the role.
    if who is None:
        raise PermissionError(f"a handler for {role} was reached by someone else: declare its access in bot/router.py")
    return who
