"""What the bot needs to talk on LINE reliably: seen events, conversation state, the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class ProcessedEvent(Base):
    """A webhook event already handled; LINE redelivers, and we answer each event once."""

    __tablename__ = "processed_events"

    webhook_event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))  # handled | failed
    handler: Mapped[str | None] = mapped_column(String(80))
    error: Mapped[str | None] = mapped_column(String(120))  # exception class only, never data
    received_at: Mapped[datetime]


class Conversation(Base):
    """The state of a multi-step flow for one chat (web workers share no memory)."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("source_type", "user_id", "group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_type: Mapped[str] = mapped_column(String(8))  # user | group | room
    user_id: Mapped[str] = mapped_column(String(64))
    group_id: Mapped[str] = mapped_column(String(64), default="")  # "" in a 1:1 chat
    flow: Mapped[str] = mapped_column(String(40))
    step: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    history: Mapped[list[Any]] = mapped_column(default=list)  # previous steps, for "back"
    expires_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Outbox(Base):
    """Every message sent or to be sent to LINE, with its retry key and what happened."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_recipient_created", "recipient", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    retry_key: Mapped[str] = mapped_column(String(36), unique=True)
    # A job's idempotency key (recipient, purpose, due date): the same key is never queued twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(12))  # reply | push | multicast
    recipient_kind: Mapped[str] = mapped_column(String(8))  # user | group | users
    recipient: Mapped[str] = mapped_column(String(64))  # the user/group id, or first of a multicast
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    messages: Mapped[list[Any]] = mapped_column()
    summary: Mapped[str] = mapped_column(Text)  # text, or alt text for Flex
    origin: Mapped[str] = mapped_column(String(80))  # the handler or job that made it
    # Started by us, not answering someone: sent only within the legal contact hours.
    proactive: Mapped[bool] = mapped_column(default=False)
    # A message of its day (a reminder, an officer's morning list): not sent at all once this passes
    # (a retry past the contact hours, or a quota pause, would otherwise bring it on another day).
    stale_after: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(12), default="queued")
    # queued -> sending -> sent | failed ; a retryable failure goes back to queued
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    last_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(300))
    request_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class LineUser(Base):
    """A LINE user the bot has met: whether they follow us. No profile data is kept."""

    __tablename__ = "line_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64), unique=True)
    following: Mapped[bool] = mapped_column(default=True)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    followed_at: Mapped[datetime | None]
    unfollowed_at: Mapped[datetime | None]


class LineGroup(Base):
    """A group chat the bot is (or was) in; proactive posts only once bound to an area."""

    __tablename__ = "line_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    area_id: Mapped[int | None] = mapped_column(index=True)
    joined_at: Mapped[datetime]
    left_at: Mapped[datetime | None]
    bound_at: Mapped[datetime | None]


class GroupMember(Base):
    """Who is in a group chat (ids only), from memberJoined/memberLeft events."""

    __tablename__ = "group_members"
    __table_args__ = (UniqueConstraint("group_id", "line_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[str] = mapped_column(String(64), index=True)
    line_user_id: Mapped[str] = mapped_column(String(64))
    joined_at: Mapped[datetime]
    left_at: Mapped[datetime | None]


class ContactRequest(Base):
    """A message a person left for an officer in the "contact an officer" flow."""

    __tablename__ = "contact_requests"
    # the inbox's order, newest first: without it every page sorted every request (0.76 s for a
    # district's first page at 30,000 requests; 0.03 s with it)
    __table_args__ = (Index("ix_contact_requests_created", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64), index=True)
    topic: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text)
    callback_phone: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | done
    created_at: Mapped[datetime]
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)  # when verified
    taken_by: Mapped[str | None] = mapped_column(String(200))  # the officer handling it
    taken_at: Mapped[datetime | None]
    answered_by: Mapped[str | None] = mapped_column(String(200))
    answered_at: Mapped[datetime | None]
    answer_channel: Mapped[str | None] = mapped_column(String(8))  # phone | line
    answer: Mapped[str | None] = mapped_column(Text)


class PlatformFlag(Base):
    """A state of the LINE platform every process must respect, e.g. the monthly quota spent."""

    __tablename__ = "platform_flags"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    until: Mapped[datetime | None]
    set_at: Mapped[datetime]
    told: Mapped[list[Any]] = mapped_column(default=list)  # officers already told about it
