"""Handle the events of one webhook request: de-duplicate, route, record, reply.

One database session for the request; when a request carries several events, each runs
in its own SAVEPOINT so a failing handler rolls back only its own writes and the other
events go on (a request of one event, the usual case, needs none: its failure rolls back
the transaction). Replies go out after the commit, so a person is never told something
that was not saved.

The fixed work per event is kept to as few round trips as these guarantees allow: the
event id is claimed with one `INSERT ... ON CONFLICT DO NOTHING RETURNING` in the same
transaction as the handler's writes; what LINE answered to the replies is written after
sending, off the request's path, with other requests' (`bot/outcomes.py`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from linebot.v3.webhooks import MessageEvent
from sqlalchemy import CTE, bindparam, update
from sqlalchemy.orm import Session, SessionTransaction

from bot import middleware
from bot.line import serialised
from bot.loading import DeferredLoading
from bot.runtime import Runtime
from handlers.context import Context
from messages import common as msgs
from models import ProcessedEvent
from models.db import JsonText, table_of
from services import events, outbox

log = logging.getLogger("bot.events")

# The statements every event runs, built once (building one costs more than running it), and run
# with Core on the session's connection: ORM-enabled DML costs about four times as much CPU.
# (The event's claim is `services.events`; the replies' outcomes, `bot.outcomes`.)
_events = table_of(ProcessedEvent)
_NAME_HANDLER = update(_events).where(_events.c.webhook_event_id == bindparam("eid")).values(
    handler=bindparam("h"))
# On PostgreSQL the handler's name goes in the same statement as the reply's outbox row (a
# data-modifying CTE): one round trip, not two.
_NAMED = _NAME_HANDLER.cte("named")


@dataclass
class PendingReply:
    outbox_id: int
    reply_token: str
    messages: JsonText  # as stored in its outbox row, and as posted


def handle_events(rt: Runtime, events: list[Any]) -> None:
    """Process a payload's events in order; raises only if the final commit fails."""
    replies: list[PendingReply] = []
    pushes: list[int] = []
    relink = False
    loading = DeferredLoading(rt.line.show_loading, rt.settings.loading_after_seconds)
    # One connection for the request (one checkout): the session's transaction runs on it and
    # commits, and it goes back to the pool before LINE is called.
    try:
        with rt.engine.connect() as connection, \
                rt.sessions(bind=connection.execution_options(sqlite_immediate=True)) as session:
            guard = rt.group_guard(session)
            alone = len(events) == 1
            for event in events:
                ctx = Context(session=session, settings=rt.settings, clock=rt.clock, event=event,
                              group_guard=guard, fetch_content=rt.line.message_content,
                              show_loading=loading.request)
                reply = _handle_one(ctx, alone=alone)
                if reply is not None:
                    replies.append(reply)
                pushes.extend(ctx.queued_pushes)
                relink = relink or ctx.menu_changed
            session.commit()
        loading.settle()  # the answers are ready: an animation not yet started never will be
        if replies:
            _send_replies(rt, replies)
    finally:
        loading.settle()
    if rt.settings.mark_as_read:
        _mark_as_read(rt, events)
    if pushes or relink:
        _deliver_pushes(rt)


def _mark_as_read(rt: Runtime, events: list[Any]) -> None:
    """MARK_AS_READ: the person sees "Read" under what they sent once it was handled."""
    for event in events:
        token = getattr(getattr(event, "message", None), "mark_as_read_token", None)
        if isinstance(event, MessageEvent) and token:
            rt.line.mark_as_read(token)


def _deliver_pushes(rt: Runtime) -> None:
    """Send what this request queued (and link the rich menus it changed): by the worker thread,
    or here when OUTBOX_INLINE is set."""
    rt.deliver_queued()


class _Whole:
    """Stands for a SAVEPOINT when the request has one event: its transaction is the event's."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        self.session.rollback()


def _handle_one(ctx: Context, *, alone: bool = False) -> PendingReply | None:
    event = ctx.event
    event_id = getattr(event, "webhook_event_id", None) or ""
    event_type = getattr(event, "type", "unknown")
    started = time.perf_counter()
    handler = "-"
    savepoint: SessionTransaction | _Whole = _Whole(ctx.session) if alone else ctx.session.begin_nested()
    try:
        if not _claim(ctx, event_id, event_type):
            savepoint.rollback()
            _log(event_id, event_type, "duplicate", "skipped", started, event)
            return None
        if getattr(event, "mode", None) == "standby" and event_type in ("message", "postback"):
            # another channel answers this chat now (LINE's module channels): what people write is not
            # ours to answer or to act on; follows, unfollows and joins still keep the account's state
            savepoint.commit()
            _log(event_id, event_type, "standby", "skipped", started, event)
            return None
        routed = middleware.run(ctx)
        handler = routed.handler
        naming = {"eid": event_id, "h": handler} if event_id else None
        connection = ctx.session.connection()
        along = (_NAMED, naming) if naming and connection.dialect.name == "postgresql" else None
        reply = _prepare_reply(ctx, routed.messages, handler, along=along)
        if naming and (along is None or reply is None):
            connection.execute(_NAME_HANDLER, naming)
        ctx.session.flush()
        savepoint.commit()
    except Exception as exc:
        savepoint.rollback()
        ctx.queued_pushes.clear()
        ctx.menu_changed = False
        ctx.__dict__.pop("conversation", None)  # its row may be gone with the savepoint
        log.exception("handler failed", extra={"event_id": event_id, "event_type": event_type,
                                               "handler": handler})
        return _record_failure(ctx, event_id, event_type, handler, exc)
    _log(event_id, event_type, handler, "handled", started, event)
    return reply


def _claim(ctx: Context, event_id: str, event_type: str) -> bool:
    """Store the event id; False when it was already handled (LINE redelivered it), or is being
    handled by another worker right now (its insert waits for that one's commit, then does nothing).

    A 1:1 event's sender is noted seen, and the quota flag, their person and whether their chat has
    a conversation read with it, where the database can (`services.events`); the middleware and the
    context then do none of it again. Not for an event another channel
    answers (standby), which the middleware never sees."""
    if not event_id:
        return True  # nothing to de-duplicate on (very old payloads): handle it
    standby = getattr(ctx.event, "mode", None) == "standby" and event_type in ("message", "postback")
    account = ctx.user_id if ctx.user_id and not ctx.in_group and not standby else None
    found = events.claim(ctx.session, event_id, event_type, ctx.now, account=account, chat_type=ctx.source_type)
    ctx.account_seen, ctx.quota_flag = found.seen, found.quota
    if found.seen:
        ctx.read_with_claim(found.person, talking=found.talking)
    return found.claimed


def _prepare_reply(ctx: Context, messages: list[Any], origin: str,
                   along: tuple[CTE, dict[str, Any]] | None = None) -> PendingReply | None:
    """The reply's outbox row (None: nothing to reply, and `along` was not run)."""
    token = getattr(ctx.event, "reply_token", None)
    if not messages or not token:
        return None
    payload = outbox.as_dicts(messages[:5])
    if ctx.in_group and ctx.group_guard is not None:
        ctx.group_guard(payload)  # raises: the event fails, and nothing personal reaches the group
    wire = serialised(payload)  # once: the outbox row stores this text, and LINE gets it
    return PendingReply(outbox.record_reply(ctx.session, chat=ctx.chat, messages=payload, origin=origin,
                                            now=ctx.now, along=along, serialised=wire), token, wire)


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


def _send_replies(rt: Runtime, replies: list[PendingReply]) -> None:
    """Send each reply; what LINE answered is written a moment later, by `bot.outcomes`' thread (the
    request does not wait for that write)."""
    now = rt.clock.now()
    outcomes = []
    for reply in replies:
        result = rt.line.reply(reply.reply_token, reply.messages)
        outcomes.append(outbox.outcome(reply.outbox_id, ok=result.ok, status=result.status,
                                       request_id=result.request_id, error=result.error, at=now))
        if not result.ok:
            log.warning("reply not delivered", extra={"outbox_id": reply.outbox_id, "http_status": result.status})
    rt.reply_outcomes.add(outcomes)


def _log(event_id: str, event_type: str, handler: str, outcome: str, started: float, event: Any) -> None:
    redelivery = bool(getattr(getattr(event, "delivery_context", None), "is_redelivery", False))
    log.info("event", extra={
        "event_id": event_id, "event_type": event_type, "handler": handler, "outcome": outcome,
        "redelivery": redelivery, "duration_ms": round((time.perf_counter() - started) * 1000, 1),
    })
