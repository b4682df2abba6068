"""The reminders' slice of the money rules (`domain.money.dues`) is exactly what `position` says."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from domain.money import Dues, Position, Terms, dues, installment_amounts, position
from domain.reminders import (
    BEFORE_DAYS,
    MISSED_AFTER_DAYS,
    MISSED_WINDOW_DAYS,
    PRIORITY,
    Reminder,
    group_reminder,
    personal_reminders,
)
from models import ProactiveContact
from models.platform import LineGroup, LineUser
from models.register import LineLink, Membership
from services.areas import areas_below
from services.contracts import open_positions
from services.reminders import bound_groups, group_dues, reminder_audience, sent_keys
from tests import factories as f
from tests.factories import NOW

SATANG = Decimal("0.01")

first_dues = st.one_of(
    st.sampled_from([date(2024, 1, 31), date(2024, 2, 29), date(2023, 8, 30), date(2026, 12, 1), date(2025, 3, 31)]),
    st.dates(date(2015, 1, 1), date(2030, 12, 31)),
)
principals = st.one_of(st.integers(0, 200), st.integers(0, 10_000_000), st.sampled_from([2_400_000, 700_001]))


@st.composite
def contracts(draw: st.DrawFn) -> tuple[date, int, int, int, int, date]:
    """(first due, count, interval, principal, paid, as_of), the paid sum often on an installment's edge."""
    first_due = draw(first_dues)
    count = draw(st.sampled_from([1, 2, 3, 7, 12, 24, 36, 60]) | st.integers(1, 120))
    interval = draw(st.sampled_from([1, 1, 3, 6, 12]) | st.integers(1, 24))
    principal = draw(principals)
    amounts = [int(a / SATANG) for a in installment_amounts(Decimal(principal) * SATANG, count)]
    edge = sum(amounts[:draw(st.integers(0, count))]) + draw(st.sampled_from([-1, 0, 0, 1]))
    paid = draw(st.one_of(st.just(max(0, edge)), st.integers(0, principal + 100), st.just(principal)))
    as_of = draw(st.one_of(
        st.dates(first_due - timedelta(days=400), first_due + timedelta(days=31 * interval * count + 400)),
        st.integers(-1, count).map(lambda k: first_due + timedelta(days=31 * interval * k)),
    ))
    return first_due, count, interval, principal, paid, as_of


@settings(max_examples=2000, deadline=None)
@given(contract=contracts(), closed_in_register=st.booleans())
@example(contract=(date(2024, 2, 15), 3, 1, 2, 0, date(2024, 5, 1)), closed_in_register=False)  # last is 0 satang
@example(contract=(date(2024, 2, 15), 24, 1, 5, 3, date(2024, 3, 1)), closed_in_register=False)  # regular 0 satang
@example(contract=(date(2024, 2, 15), 24, 1, 0, 0, date(2024, 3, 1)), closed_in_register=False)  # nothing lent
def test_dues_are_the_positions_due_dates(contract: tuple[date, int, int, int, int, date],
                                          closed_in_register: bool) -> None:
    first_due, count, interval, principal, paid, as_of = contract
    terms = Terms(contract_date=first_due - timedelta(days=30), principal=Decimal(principal) * SATANG,
                  installment_count=count, first_due_date=first_due, interval_months=interval,
                  status="closed" if closed_in_register else "active")
    # the payments as the database hands them over: their sum up to as_of and the latest date
    p = position(terms, [(as_of, Decimal(paid) * SATANG)] if paid else [], as_of)
    expected = Dues(p.next_due_date, p.latest_overdue_due, p.closed, p.term_ended)
    assert dues(first_due, count, interval, principal, paid, as_of, closed_in_register=closed_in_register) == expected


# --- the clock's audience, against the full money rules, on both databases ------------------


def personal_reminders_by_position(people, today):  # type: ignore[no-untyped-def]
    """`domain.reminders.personal_reminders` as it was written before it read `Dues`: the reference."""
    found = []
    for user_id, positions in people:
        candidates = []
        for p in positions:
            if p.closed:
                continue
            if p.next_due_date and p.next_due_date - timedelta(days=BEFORE_DAYS) <= today <= p.next_due_date:
                candidates.append(Reminder(user_id, "payment_before", p.next_due_date))
            missed = p.latest_overdue_due
            if missed and missed + timedelta(days=MISSED_AFTER_DAYS) <= today < missed + timedelta(
                    days=MISSED_AFTER_DAYS + MISSED_WINDOW_DAYS) and not p.term_ended:
                candidates.append(Reminder(user_id, "payment_missed", missed))
        if candidates:
            found.append(min(candidates, key=lambda r: (PRIORITY.index(r.purpose), r.due)))
    return found


def audience_by_position(session: Session, as_of: date):  # type: ignore[no-untyped-def]
    """`services.reminders.reminder_audience` as it was: ORM-free pairs, then `open_positions` (every
    field of the money rules, `position` over the schedule) for the linked contracts."""
    audience = (select(LineLink.line_user_id, Membership.contract_id)
                .join(Membership, Membership.person_id == LineLink.person_id)
                .join(LineUser, LineUser.line_user_id == LineLink.line_user_id, isouter=True)
                .where(LineLink.reminders_off_at.is_(None),
                       or_(LineUser.following.is_(None), LineUser.following.is_(True))))
    pairs = session.execute(audience).all()
    contract_ids = audience.with_only_columns(Membership.contract_id).scalar_subquery()
    positions = {facts.id: p for facts, p in open_positions(session, as_of, contract_ids=contract_ids)}
    people: dict[str, list[Position]] = {}
    for user_id, contract_id in pairs:
        if contract_id in positions:
            people.setdefault(user_id, []).append(positions[contract_id])
    return sorted(people.items())


def as_dues(p: Position) -> Dues:
    return Dues(p.next_due_date, p.latest_overdue_due, p.closed, p.term_ended)


@settings(max_examples=300, deadline=None)
@given(people=st.lists(st.tuples(st.text("UV", min_size=1, max_size=2), st.lists(st.tuples(
    st.none() | st.dates(date(2026, 11, 1), date(2026, 12, 31)),
    st.none() | st.dates(date(2026, 10, 20), date(2026, 12, 10)), st.booleans(), st.booleans()),
    max_size=4)), max_size=6), today=st.dates(date(2026, 11, 15), date(2026, 12, 10)))
def test_personal_reminders_read_as_before(people, today) -> None:  # type: ignore[no-untyped-def]
    audience = [(user, [Dues(*facts) for facts in contracts]) for user, contracts in people]
    assert personal_reminders(audience, today) == personal_reminders_by_position(audience, today)


def test_the_clock_reaches_the_same_people_about_the_same_dates_as_the_full_money_rules(db) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(2569)
    with Session(db) as session:
        districts = [f.area(session, district=f"อำเภอ {d}", subdistrict=f"ตำบล {d}") for d in range(4)]
        contracts = []
        for n in range(300):
            first_due = rng.choice([date(2026, 1, 31), date(2025, 2, 28), date(2026, 6, 1), date(2026, 9, 30),
                                    date(2024, 12, 15), date(2026, 12, 1)])
            first_due += timedelta(days=rng.randint(0, 3) * (n % 2))
            count = rng.choice([1, 2, 3, 12, 24, 36])
            principal = Decimal(rng.choice(["0.02", "0.05", "7.00", "1000.00", "24000.00", "7000.01", "99999.99"]))
            contract = f.contract(session, where=rng.choice(districts), first_due_date=first_due,
                                  contract_date=first_due - timedelta(days=30), installment_count=count,
                                  interval_months=rng.choice([1, 1, 1, 3, 6, 12]), principal=principal,
                                  status=rng.choice(["active"] * 8 + ["litigation", "closed"]))
            regular = installment_amounts(principal, count)[0]
            paid = rng.choice([Decimal(0), regular * rng.randint(0, count), regular * rng.randint(0, count) - SATANG,
                               principal * Decimal(str(rng.choice([0.3, 0.5, 1, 1.1]))).quantize(SATANG)])
            for k in range(parts := rng.randint(1, 3)):
                amount = (paid / parts).quantize(SATANG) if k < parts - 1 else paid - (paid / parts).quantize(
                    SATANG) * (parts - 1)
                if amount > 0:
                    f.payment(session, contract, rng.choice([first_due + timedelta(days=rng.randint(-40, 700)),
                                                             date(2026, 11, 25), date(2026, 12, 5)]), str(amount),
                              reference=str(k))
            contracts.append(contract)
        for n in range(220):
            who = f.person(session, national_id=f.national_id())
            for contract in rng.sample(contracts, rng.choice([1, 1, 1, 2, 3])):  # co-borrowers and several loans
                f.member(session, contract, who)
            if n % 11 == 0:
                continue  # not linked to LINE
            user = f"U{n:032x}"
            link = f.link(session, who, user)
            if n % 13 == 0:
                link.reminders_off_at = NOW
            if n % 5:
                session.add(LineUser(line_user_id=user, following=n % 17 != 0, first_seen_at=NOW, last_seen_at=NOW))
        for g, where in enumerate(districts):
            session.add(LineGroup(group_id=f"C{g:032x}", area_id=where.parent_id if g == 0 else where.id,
                                  joined_at=NOW, bound_at=NOW))
        session.commit()

        groups = bound_groups(session)
        seen: set[str] = set()
        for as_of in [date(2026, 11, 20) + timedelta(days=d) for d in range(0, 25, 2)] + [date(2027, 3, 1)]:
            before = audience_by_position(session, as_of)
            after = reminder_audience(session, as_of, pause_for_relief=False)
            assert [(user, sorted(map(as_dues, ps), key=repr)) for user, ps in before] == [
                (user, sorted(ds, key=repr)) for user, ds in after], as_of
            assert personal_reminders(after, as_of) == personal_reminders_by_position(before, as_of)
            seen.update(r.purpose for r in personal_reminders(after, as_of))
            owner = areas_below(session, [g.area_id for g in groups if g.area_id is not None])
            everything = open_positions(session, as_of, area_ids=list(owner))
            dues_now = group_dues(session, groups, as_of)
            for group in groups:
                assert group.area_id is not None
                positions = [p for facts, p in everything if owner[facts.area_id] == group.area_id]
                assert dues_now[group.group_id] == set(map(as_dues, positions))
                note = group_reminder(group.group_id, dues_now[group.group_id], as_of)
                assert note == group_reminder(group.group_id, positions, as_of)
                seen.update([note.purpose] if note else [])
    # the data reach every kind of reminder on some of these days
    assert seen == {"payment_before", "payment_missed", "group_before", "group_on_day", "group_after"}


def test_sent_keys_finds_exactly_the_keys_already_recorded(db) -> None:  # type: ignore[no-untyped-def]
    recorded = [f"payment_before:U{n:032x}:2026-12-01" for n in range(0, 3000, 3)] + ['odd:"quoted", ไทย\\:x']
    with Session(db) as session:
        for n, key in enumerate(recorded):
            session.add(ProactiveContact(line_user_id=f"U{n:032x}", contact_day=date(2026, 11, 28),
                                         purpose="payment_before", key=key, outbox_id=None, created_at=NOW))
        session.commit()
        asked = [f"payment_before:U{n:032x}:2026-12-01" for n in range(3000)] + ['odd:"quoted", ไทย\\:x', "x'y"]
        assert sent_keys(session, asked) == set(recorded)
        assert sent_keys(session, []) == set()
