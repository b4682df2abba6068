"""`services.balance.holdings`: a person's contracts with where each stands, as the money rules
work it out from the contract's payments loaded one by one, on both databases (on PostgreSQL the
payments come with the contracts, as arrays, in one statement)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from domain.money import position
from models import Payment
from services.balance import holdings
from services.contracts import terms_of
from tests import factories as f

AS_OF = date(2026, 11, 20)
START = date(2024, 2, 1)

_payment = st.tuples(st.integers(0, 1000), st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9000"),
                                                       places=2))


def _expected(session: Session, contract_id: int, terms_of_contract, as_of: date):  # type: ignore[no-untyped-def]
    paid = session.execute(select(Payment.paid_on, Payment.amount).where(Payment.contract_id == contract_id)
                           .order_by(Payment.paid_on, Payment.id)).all()
    return position(terms_of_contract, [(day, Decimal(amount)) for day, amount in paid], as_of)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paid=st.lists(st.lists(_payment, max_size=12), min_size=1, max_size=3),
       roles=st.lists(st.sampled_from(["borrower", "co_debtor", "guarantor"]), min_size=3, max_size=3))
def test_each_contracts_position_is_the_money_rules_over_its_payments(db, paid, roles):  # type: ignore[no-untyped-def]
    with Session(db) as session:
        who = f.person(session)
        other = f.person(session)
        contracts = []
        for n, payments in enumerate(paid):
            contract = f.contract(session, contract_date=date(2024, 1, 15) + timedelta(days=n))
            f.member(session, contract, who, roles[n])
            f.member(session, contract, other, "borrower")
            for k, (day, amount) in enumerate(payments):  # any order, several on one day
                f.payment(session, contract, START + timedelta(days=day), str(amount), reference=f"r{k}")
            contracts.append(contract)
        unrelated = f.contract(session)
        f.member(session, unrelated, other, "borrower")
        f.payment(session, unrelated, START, "100.00")
        session.flush()
        found = holdings(session, who, AS_OF)
        assert [h.contract.id for h in found] == [c.id for c in contracts]  # oldest first, only theirs
        for holding, contract, role in zip(found, contracts, roles, strict=False):
            assert holding.role == role
            assert holding.position == _expected(session, contract.id, terms_of(contract), AS_OF)
        session.rollback()


def test_a_contract_never_paid_on_and_one_person_with_none(db):  # type: ignore[no-untyped-def]
    with Session(db) as session:
        who = f.person(session)
        contract = f.contract(session)
        f.member(session, contract, who, "borrower")
        [held] = holdings(session, who, AS_OF)
        assert held.position == position(terms_of(contract), [], AS_OF)
        assert held.position.paid == Decimal("0")
        assert holdings(session, f.person(session), AS_OF) == []
        session.rollback()


def test_on_postgresql_the_payments_come_with_the_contracts(db):  # type: ignore[no-untyped-def]
    with Session(db) as session:
        who = f.person(session)
        for _ in range(2):
            contract = f.contract(session)
            f.member(session, contract, who, "borrower")
            f.payment(session, contract, START, "500.00")
        session.flush()
        statements: list[str] = []
        listen = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
        event.listen(db, "before_cursor_execute", listen)
        try:
            found = holdings(session, who, AS_OF)
        finally:
            event.remove(db, "before_cursor_execute", listen)
        assert [h.position.paid for h in found] == [Decimal("500.00")] * 2
        assert len(statements) == (1 if db.dialect.name == "postgresql" else 2), statements
        session.rollback()
