"""The SQL pre-filter of the follow-up list never leaves out a contract the money rules would list."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from domain.followups import reason_for
from models import Contract
from services.contracts import open_positions, position_of
from tests import factories as f


def test_every_contract_behind_is_kept_and_most_others_are_left_out(db):  # type: ignore[no-untyped-def]
    rng = random.Random(2568)
    with Session(db) as session:
        where = f.area(session)
        for n in range(400):
            first_due = rng.choice([date(2021, 1, 31), date(2020, 2, 29), date(2023, 8, 30), date(2024, 12, 15),
                                    date(2026, 10, 31)]) + timedelta(days=rng.randint(0, 40) * (n % 3))
            count = rng.choice([1, 2, 12, 24, 36, 60])
            principal = Decimal(rng.choice(["0.05", "7.00", "1000.00", "24000.00", "99999.99"]))
            contract = f.contract(session, where=where, first_due_date=first_due,
                                  contract_date=first_due - timedelta(days=30), installment_count=count,
                                  interval_months=rng.choice([1, 1, 3, 6, 12]), principal=principal)
            share = rng.choice([0, 0.3, 0.5, 0.9, 1, 1, 1.2])
            paid = (principal * Decimal(str(share))).quantize(Decimal("0.01"))
            if paid > 0:
                parts = rng.randint(1, 4)
                for k in range(parts):
                    amount = (paid / parts).quantize(Decimal("0.01")) if k < parts - 1 else (
                        paid - (paid / parts).quantize(Decimal("0.01")) * (parts - 1))
                    if amount > 0:
                        f.payment(session, contract, first_due + timedelta(days=rng.randint(-20, 900)), str(amount))
        session.commit()
        # the database's sums and latest dates give the positions the payments one by one give
        contracts = {c.id: c for c in session.scalars(select(Contract).options(selectinload(Contract.payments)))}
        for as_of in (date(2026, 11, 20), date(2024, 12, 15)):
            for facts, p in open_positions(session, as_of):
                assert p == position_of(contracts[facts.id], as_of), (facts.project_code, as_of)
        for as_of in (date(2026, 11, 20), date(2026, 11, 30), date(2025, 2, 28), date(2031, 3, 1),
                      date(2024, 12, 15), date(2026, 10, 31)):
            everything = open_positions(session, as_of)
            kept = {facts.id for facts, _ in open_positions(session, as_of, owing_only=True)}
            behind = {facts.id for facts, p in everything
                      if reason_for(p) or p.in_default or (p.term_ended and p.outstanding_principal > 0)}
            assert behind <= kept, f"left out on {as_of}: {sorted(behind - kept)}"
            up_to_date = len(everything) - len(behind)
            if up_to_date > 20:  # the filter earns its keep: most contracts that are not behind stay out
                assert len(kept - behind) < up_to_date / 2, as_of


def test_paid_exactly_to_date_is_left_out_and_a_satang_short_is_kept(db):  # type: ignore[no-untyped-def]
    with Session(db) as session:
        where = f.area(session)
        ids = {}
        for label, paid in (("exact", "6000.00"), ("short", "5999.99"), ("odd", "2333.34")):
            principal = "7000.01" if label == "odd" else "24000.00"
            odd = label == "odd"
            contract = f.contract(session, where=where, first_due_date=date(2026, 11 if odd else 6, 1),
                                  installment_count=3 if odd else 24, contract_date=date(2026, 5, 1),
                                  principal=Decimal(principal))
            f.payment(session, contract, date(2026, 11, 1), paid)
            ids[label] = contract.id
        session.commit()
        kept = {facts.id for facts, _ in open_positions(session, date(2026, 11, 28), owing_only=True)}
    # 7000.01 in 3 from 1 Nov: 2333.34, 2333.34, 2333.33 (half up, the last absorbs); on 28 Nov one is due
    assert kept == {ids["short"]}
