"""Handle the events of one webhook request: de-duplicate, route, record, reply.

One database session for the request; each event runs in its own SAVEPOINT so a
failing handler rolls back only its own writes and the other events go on. Replies go
out after the commit, so a person is never told something that was not saved.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from bot import middleware
from bot.runtime import Runtime
from handlers.context import Context
from messages import common as msgs
from models import Outbox, ProcessedEvent
from services import outbox

log = logging.getLogger("bot.events")


@dataclass
class PendingReply:
    outbox_id: int
    reply_token: str
    messages: list[dict[str, Any]]


def handle_events(rt: Runtime, events: list[Any]) -> None:
    """Process a payload's events in order; raises only if the final commit fails."""
    replies: list[PendingReply] = []
    pushes: list[int] = []
    with rt.sessions() as session:
        guard = rt.group_guard(session)
        for event in events:
            ctx = Context(session=session, settings=rt.settings, clock=rt.clock, event=event, group_guard=guard,
                          fetch_content=rt.line.message_content)
            reply = _handle_one(ctx)
            if reply is not None:
                replies.append(reply)
            pushes.extend(ctx.queued_pushes)
        session.commit()
    for reply in replies:
        _send_reply(rt, reply)
    if pushes:
        deliver_pushes(rt)


def deliver_pushes(rt: Runtime) -> None:
    """Send what this request queued: by the worker thread, or here when OUTBOX_INLINE is set."""
    rt.deliver_queued()


def _handle_one(ctx: Context) -> PendingReply | None:
    event = ctx.event
    event_id = getattr(event, "webhook_event_id", None) or ""
    event_type = getattr(event, "type", "unknown")
    started = time.perf_counter()
    handler = "-"
    savepoint = ctx.session.begin_nested()
    try:
        if not _claim(ctx, event_id, event_type):
            savepoint.rollback()
            _log(event_id, event_type, "duplicate", "skipped", started, event)
            return None
        routed = middleware.run(ctx)
        handler = routed.handler
        ctx.session.flush()
        row = ctx.session.get(ProcessedEvent, event_id)
        if row is not None:
            row.handler = handler
        reply = _prepare_reply(ctx, routed.messages, handler)
        savepoint.commit()
    except Exception as exc:
        savepoint.rollback()
        ctx.queued_pushes.clear()
        ctx.__dict__.pop("conversation", None)  # its row may be gone with the savepoint
        log.exception("handler failed", extra={"event_id": event_id, "event_type": event_type,
                                               "handler": handler})
        return _record_failure(ctx, event_id, event_type, handler, exc)
    _log(event_id, event_type, handler, "handled", started, event)
    return reply


def _claim(ctx: Context, event_id: str, event_type: str) -> bool:
    """Store the event id; False when it was already handled (LINE redelivered it)."""
    if not event_id:
        return True  # nothing to de-duplicate on (very old payloads): handle it
    if ctx.session.get(ProcessedEvent, event_id) is not None:
        return False
    nested = ctx.session.begin_nested()
    try:
        ctx.session.add(ProcessedEvent(webhook_event_id=event_id, event_type=event_type,
                                       status="handled", received_at=ctx.now))
        ctx.session.flush()
        nested.commit()
    except IntegrityError:  # the same event is being handled by another worker right now
        nested.rollback()
        return False
    return True


def _prepare_reply(ctx: Context, messages: list[Any], origin: str) -> PendingReply | None:
    token = getattr(ctx.event, "reply_token", None)
    if not messages or not token:
        return None
    payload = outbox.as_dicts(messages[:5])
    if ctx.in_group and ctx.group_guard is not None:
        ctx.group_guard(payload)  # raises: the event fails, and nothing personal reaches the group
    row = outbox.record_reply(ctx.session, chat=ctx.chat, messages=payload, origin=origin, now=ctx.now)
    ctx.session.flush()
    return PendingReply(row.id, token, payload)


def _record_failure(ctx: Context, event_id: str, event_type: str, handler: str,
                    exc: Exception) -> PendingReply | None:
    savepoint = ctx.session.begin_nested()
    try:
        if event_id and ctx.session.get(ProcessedEvent, event_id) is None:
            ctx.session.add(ProcessedEvent(webhook_event_id=event_id, event_type=event_type,
                                           status="failed", handler=handler,
                                           error=type(exc).__name__, received_at=ctx.now))
        apology = [] if ctx.in_group else msgs.something_went_wrong()
        reply = _prepare_reply(ctx, apology, "default:error")
        savepoint.commit()
        return reply
    except Exception:
        savepoint.rollback()
        log.exception("could not record a failed event", extra={"event_id": event_id})
        return None


def _send_reply(rt: Runtime, reply: PendingReply) -> None:
    result = rt.line.reply(reply.reply_token, reply.messages)
    status = "sent" if result.ok else "failed"
    with rt.sessions() as session:
        session.execute(
            update(Outbox).where(Outbox.id == reply.outbox_id).values(
                status=status, last_status=result.status, request_id=result.request_id,
                last_error=None if result.ok else (result.error or "")[:300],
                sent_at=rt.clock.now() if result.ok else None,
            )
        )
        session.commit()
    if not result.ok:
        log.warning("reply not delivered", extra={"outbox_id": reply.outbox_id, "http_status": result.status})


def _log(event_id: str, event_type: str, handler: str, outcome: str, started: float, event: Any) -> None:
    redelivery = bool(getattr(getattr(event, "delivery_context", None), "is_redelivery", False))
    log.info("event", extra={
        "event_id": event_id, "event_type": event_type, "handler": handler, "outcome": outcome,
        "redelivery": redelivery, "duration_ms": round((time.perf_counter() - started) * 1000, 1),
    })
