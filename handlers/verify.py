"""Verify: consent → national ID → birth date (or phone digits) → this LINE account is linked."""

from __future__ import annotations

from datetime import datetime, timedelta

from linebot.v3.messaging import Message

from domain.identity import check_national_id, parse_birth_date, phone_last_four, second_factor_matches
from domain.lockout import Lockout
from handlers.context import Context
from handlers.flow import Flow, Step
from handlers.statements import balance_for
from messages import verify as msgs
from messages.flows import VerifyStep
from models import Person
from services.identity import (
    link_line_account,
    person_by_id,
    person_by_national_id,
    recent_failures,
    record_verification,
)

WINDOW = timedelta(hours=24)


def start(ctx: Context, *, then: str | None = None) -> list[Message]:
    """`ยืนยันตัวตน` / `verify` (and `ยอดหนี้` from someone not yet verified)."""
    person = ctx.person
    if person is not None:
        return msgs.already_verified(person.first_name)
    if _locked(ctx):
        ctx.conversation.finish()
        return msgs.locked(ctx.settings.office_name, ctx.settings.office_phone)
    ctx.conversation.start(VerifyStep.CONSENT, then=then)
    return msgs.consent_notice(for_balance=then == "balance")


def ask_consent(ctx: Context) -> list[Message]:
    return msgs.consent_notice(for_balance=ctx.conversation.data.get("then") == "balance")


def on_consent(ctx: Context, answer: str) -> list[Message]:
    if answer == "accept":
        ctx.conversation.advance(VerifyStep.NATIONAL_ID, consented_at=ctx.now.isoformat())
        return msgs.ask_national_id()
    if answer == "decline":
        ctx.conversation.finish()
        return msgs.declined(ctx.settings.office_phone)
    return msgs.consent_needed()


def ask_national_id(ctx: Context) -> list[Message]:
    return msgs.ask_national_id()


def on_national_id(ctx: Context, answer: str) -> list[Message]:
    checked = check_national_id(answer)
    if checked.problem:
        return msgs.national_id_problem(checked.problem, checked.digits)
    person = person_by_national_id(ctx.session, checked.digits)
    # Everyone gets the same question, whether the ID is on the register or not and
    # whatever factor it will be checked against: the replies reveal nothing until both
    # factors match.
    ctx.conversation.advance(VerifyStep.SECRET, person_id=person.id if person else None)
    return msgs.ask_secret()


def ask_secret(ctx: Context) -> list[Message]:
    return msgs.ask_secret()


def on_secret(ctx: Context, answer: str) -> list[Message]:
    data = ctx.conversation.data
    person = person_by_id(ctx.session, data.get("person_id"))
    digits = phone_last_four(answer)
    born = None if digits else parse_birth_date(answer)
    if digits is None and born is None:
        return msgs.secret_unreadable()
    if _locked(ctx):  # another chat window may have used up the tries meanwhile
        ctx.conversation.finish()
        return msgs.locked(ctx.settings.office_name, ctx.settings.office_phone)
    matched = person is not None and second_factor_matches(person.birth_date, person.phone, born, digits)
    record_verification(ctx.session, ctx.user_id or "", ctx.now, succeeded=matched)
    if not matched or person is None:
        return _failed(ctx)
    return _link(ctx, person)


def _failed(ctx: Context) -> list[Message]:
    left = _tries_left(ctx)
    if left == 0:
        ctx.conversation.finish()
        return msgs.locked(ctx.settings.office_name, ctx.settings.office_phone)
    then = ctx.conversation.data.get("then")
    ctx.conversation.start(VerifyStep.NATIONAL_ID, then=then, consented_at=ctx.conversation.data.get("consented_at"))
    return msgs.no_match(left)


def _link(ctx: Context, person: Person) -> list[Message]:
    data = ctx.conversation.data
    ctx.conversation.finish()
    if not link_line_account(ctx.session, ctx.user_id or "", person.id, consented_at=_consented_at(ctx, data),
                             notice_version=msgs.NOTICE_VERSION, at=ctx.now):
        return msgs.linked_elsewhere(ctx.settings.office_phone)
    ctx.roles_changed()  # the debtor's menu replaces the guest's
    reply = msgs.verified(person.first_name)
    if data.get("then") == "balance":
        reply += balance_for(ctx, person)  # they asked for it with `ยอดหนี้`
    return reply[:5]


def _consented_at(ctx: Context, data: dict[str, object]) -> datetime:
    raw = data.get("consented_at")
    return datetime.fromisoformat(raw) if isinstance(raw, str) else ctx.now


def _tries_left(ctx: Context) -> int:
    """Tries this LINE account has before verification locks (failures in the last WINDOW)."""
    lockout = Lockout(ctx.settings.verify_max_failures, WINDOW)
    return lockout.tries_left(recent_failures(ctx.session, "verification", ctx.user_id or "", lockout, ctx.now))


def _locked(ctx: Context) -> bool:
    return _tries_left(ctx) == 0


# --- the flow, declared ----------------------------------------------------------------

FLOW = Flow(VerifyStep, {
    VerifyStep.CONSENT: Step(on_consent, ask_consent),
    VerifyStep.NATIONAL_ID: Step(on_national_id, ask_national_id),
    VerifyStep.SECRET: Step(on_secret, ask_secret),
})
