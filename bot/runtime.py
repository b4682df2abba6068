"""The objects one app instance shares: settings, clock, database, LINE gateway, outbox."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import logging
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from flask import current_app
from linebot.v3.webhook import WebhookParser
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.line import LineGateway
from bot.outbox import OutboxSender, OutboxWorker
from bot.outcomes import ReplyOutcomes
from bot.richmenus import RichMenus
from config.settings import Settings
from domain.clock import Clock, clock_for
from domain.group_guard import check_group_message
from models.db import make_engine, make_session_factory
from services.groups import NameIndex
from services.holidays import holidays_in
from services.outbox import GroupGuard

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """Built by create_app; nothing here opens a connection until first used."""

    settings: Settings
    clock: Clock
    engine: Engine
    sessions: sessionmaker[Session]
    parser: WebhookParser = field(init=False)

    def __post_init__(self) -> None:
        self.parser = WebhookParser(self.settings.line_channel_secret)

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> Runtime:
        engine = make_engine(settings.database_url)
        return cls(settings=settings, clock=clock or clock_for(settings.fund_now), engine=engine,
                   sessions=make_session_factory(engine))

    @cached_property
    def line(self) -> LineGateway:
        return LineGateway(self.settings)

    @cached_property
    def outbox_sender(self) -> OutboxSender:
        sender = OutboxSender(self.sessions, self.line, self.clock, self.settings)
        sender.holidays = holidays_in
        return sender

    @cached_property
    def names(self) -> NameIndex:
        return NameIndex(on_reload=trim_heap)

    def group_guard(self, session: Session) -> GroupGuard:
        """The check every message for a group passes: no register names, amounts, counts or IDs."""
        phones = [self.settings.office_phone]
        # Payloads that passed, for this unit of work: the group job checks the same generic note
        # for every bound group, twice (before queueing and in the outbox), and each check reads
        # its texts against the register's 100,000 names (most of the group job's time).
        passed: set[str] = set()

        def guard(payload: list[dict[str, Any]]) -> None:
            seen = json.dumps(payload, sort_keys=True, ensure_ascii=False)
            if seen in passed:
                return
            # The register's names are fetched only when a group message is actually checked:
            # most webhook requests are 1:1 and must not pay for reloading the whole register.
            check_group_message(payload, self.names.get(session), allowed_phones=phones)
            passed.add(seen)
        return guard

    @cached_property
    def reply_outcomes(self) -> ReplyOutcomes:
        """What LINE answered to each reply, written by a thread of its own (`bot/outcomes.py`)."""
        return ReplyOutcomes(self.engine)

    @cached_property
    def menus(self) -> RichMenus:
        return RichMenus(self.sessions, self.line, self.clock, self.settings)

    @cached_property
    def outbox_worker(self) -> OutboxWorker:
        return OutboxWorker(self.outbox_sender, also=(self.menus.sync_due,))

    def deliver_queued(self) -> None:
        """Send what a request just committed to the outbox: by the worker thread, or at once with OUTBOX_INLINE."""
        if not self.settings.outbox_inline:
            self.outbox_worker.kick()  # answer now; the thread sends
            return
        try:  # one round of what the worker does, on the same sender, before answering
            self.outbox_sender.deliver_due()
            self.menus.sync_due()
        except Exception:  # like the worker: what was queued stays queued for the clock process
            log.exception("inline outbox delivery failed")

    def close(self) -> None:
        """Stop the worker thread, close HTTP pools and the database pool (tests, shutdown)."""
        if "outbox_worker" in self.__dict__:
            self.outbox_worker.stop()
        if "reply_outcomes" in self.__dict__:
            self.reply_outcomes.close()  # what is pending is written first
        if "line" in self.__dict__:
            self.line.close()
        self.engine.dispose()


def trim_heap() -> None:
    """Give the C heap's free memory back to the system (glibc's malloc_trim): loading the register's
    names frees far more than it keeps, and a long-lived worker would otherwise hold on to it."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def runtime() -> Runtime:
    """The current app's Runtime."""
    return current_app.extensions["wdf"]  # type: ignore[no-any-return]
