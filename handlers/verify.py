"""Verify: consent → national ID → birth date (or phone digits) → this LINE account is linked.

Two lockouts guard the guessing: one per LINE account (VERIFY_MAX_FAILURES in 24 hours)
and one per national ID tried, across every account (VERIFY_MAX_FAILURES_PER_PERSON in a
Bangkok day). When the second shuts, everyone trying that ID is refused alike, even with
the right answer, and the person's officers are told once that day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.identity import (
    check_national_id,
    mask_national_id,
    national_id_key,
    parse_birth_date,
    phone_last_four,
    second_factor_matches,
)
from domain.lockout import DailyLockout, Lockout
from handlers.context import Context
from handlers.flow import Flow, Step
from handlers.statements import balance_for
from messages import verify as msgs
from messages.flows import VerifyStep
from messages.line_json import Message
from models import Person
from services.identity import (
    SubjectTries,
    link_line_account,
    officers_of_person,
    person_by_id,
    person_by_national_id,
    recent_failures,
    record_verification,
    subject_failures,
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
    # Tries are counted by the ID's digest, on the register or not, so the lockout tells
    # nothing either; the typed digits are not kept, not even in the conversation.
    subject = national_id_key(checked.digits, ctx.settings.secret_key)
    if _person_locked(ctx, subject):
        ctx.conversation.finish()
        return msgs.person_locked(ctx.settings.office_name, ctx.settings.office_phone)
    person = person_by_national_id(ctx.session, checked.digits)
    # Everyone gets the same question, whether the ID is on the register or not and
    # whatever factor it will be checked against: the replies reveal nothing until both
    # factors match.
    ctx.conversation.advance(VerifyStep.SECRET, person_id=person.id if person else None, subject=subject)
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
    subject = data.get("subject")  # None only in a conversation begun before tries were counted per ID
    if isinstance(subject, str) and _person_locked(ctx, subject):  # other accounts used them up meanwhile
        ctx.conversation.finish()  # the right answer too: the door is shut for the day, for everyone
        return msgs.person_locked(ctx.settings.office_name, ctx.settings.office_phone)
    matched = person is not None and second_factor_matches(person.birth_date, person.phone, born, digits)
    record_verification(ctx.session, ctx.user_id or "", ctx.now, succeeded=matched,
                        subject=subject if isinstance(subject, str) else None)
    if not matched or person is None:
        return _failed(ctx, person, subject if isinstance(subject, str) else None, typed_phone=digits is not None)
    return _link(ctx, person)


def _failed(ctx: Context, person: Person | None, subject: str | None, *, typed_phone: bool) -> list[Message]:
    lockout = _person_lockout(ctx)
    tries = subject_failures(ctx.session, subject, lockout, ctx.now) if subject else None
    person_left = lockout.tries_left(tries.failures) if tries else lockout.limit
    if tries is not None and person_left == 0 and person is not None:
        _alert_officers(ctx, person, tries)
    left = _tries_left(ctx)
    if left == 0:
        ctx.conversation.finish()
        return msgs.locked(ctx.settings.office_name, ctx.settings.office_phone)
    if person_left == 0:
        ctx.conversation.finish()
        return msgs.person_locked(ctx.settings.office_name, ctx.settings.office_phone)
    then = ctx.conversation.data.get("then")
    ctx.conversation.start(VerifyStep.NATIONAL_ID, then=then, consented_at=ctx.conversation.data.get("consented_at"))
    return msgs.no_match(min(left, person_left), typed_phone=typed_phone)


def _alert_officers(ctx: Context, person: Person, tries: SubjectTries) -> None:
    """The person's officers hear of it 1:1, once a day (the dedupe key), whoever tripped it."""
    alert = msgs.person_locked_alert(person.full_name, mask_national_id(person.national_id), tries.accounts)
    day = _person_lockout(ctx).day(ctx.now).isoformat()
    for officer in officers_of_person(ctx.session, person.id):
        ctx.push(officer, alert, origin="verify.person_locked",
                 dedupe_key=f"verify-locked:{person.id}:{day}:{officer}")


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


def _person_lockout(ctx: Context) -> DailyLockout:
    return DailyLockout(ctx.settings.verify_max_failures_per_person)


def _person_locked(ctx: Context, subject: str) -> bool:
    """Whether today's tries at this ID, from every account together, are used up."""
    lockout = _person_lockout(ctx)
    return lockout.locked(subject_failures(ctx.session, subject, lockout, ctx.now).failures)


# --- the flow, declared ----------------------------------------------------------------

FLOW = Flow(VerifyStep, {
    VerifyStep.CONSENT: Step(on_consent, ask_consent),
    VerifyStep.NATIONAL_ID: Step(on_national_id, ask_national_id),
    VerifyStep.SECRET: Step(on_secret, ask_secret),
})
