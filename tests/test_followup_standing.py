"""The stored follow-up list: the live list exactly, used only while it is current, refreshed by the clock."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, delete, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from domain.followups import FollowupRow
from models import Area, Contract, FollowupStanding, MeasureApplication, Payment, RegisterVersion, StandingState, Visit
from models.db import bulk_insert, make_engine
from services import standing
from services.followups import followup_batches, followup_list, refresh_followups
from services.standing import Narrowing
from tests import factories as f
from tests.conftest import ADMIN, NOW

TODAY = NOW.date()  # 2026-11-20


def version(session: Session) -> int:
    return session.scalar(select(RegisterVersion.version)) or 0


def varied_register(session: Session, contracts: int = 120) -> None:
    """Contracts of every kind in two districts: up to date, in default, ended, time-barred."""
    rng = random.Random(2569)
    places = [f.area(session, "เมืองภูเก็ต", "ฉลอง"), f.area(session, "เมืองภูเก็ต", "ราไวย์"),
              f.area(session, "กะทู้", "ป่าตอง")]
    for n in range(contracts):
        first_due = rng.choice([date(2019, 3, 31), date(2020, 2, 29), date(2021, 6, 15), date(2024, 1, 31),
                                date(2026, 5, 1)])
        count = rng.choice([4, 12, 24])
        interval = 6 if count == 4 else 1
        principal = Decimal(rng.choice(["12000.00", "24000.00", "30000.00", "7000.01"]))
        contract = f.contract(session, where=places[n % 3], first_due_date=first_due, installment_count=count,
                              interval_months=interval, contract_date=first_due - timedelta(days=30),
                              principal=principal, project_name=f"กลุ่มอาชีพที่ {n}")
        share = rng.choice([0, 0.2, 0.5, 0.8, 1, 1])
        if share:
            paid_on = first_due + timedelta(days=rng.randint(0, 60 * 30))
            amount = (principal * Decimal(str(share))).quantize(Decimal("0.01"))
            f.payment(session, contract, min(paid_on, TODAY), str(amount))
    session.commit()


def test_every_change_to_the_register_raises_its_version_and_nothing_else_does(db):  # type: ignore[no-untyped-def]
    with Session(db) as session:
        seen = [version(session)]

        def changed() -> bool:
            session.commit()
            seen.append(version(session))
            return seen[-1] > seen[-2]

        where = f.area(session)
        assert changed()  # a new area
        contract = f.contract(session, where=where)
        assert changed()
        session.execute(update(Contract).where(Contract.id == contract.id).values(status="litigation"))
        assert changed()
        payment = f.payment(session, contract, date(2026, 1, 5), "1000.00")
        assert changed()
        session.execute(update(Payment).where(Payment.id == payment.id).values(amount=Decimal("900.00")))
        assert changed()
        bulk_insert(session, Payment, ("contract_id", "paid_on", "amount", "reference"),
                    [(contract.id, date(2026, 2, 5), Decimal("1000.00"), "bulk")])  # COPY on PostgreSQL
        assert changed()
        session.execute(delete(Payment).where(Payment.contract_id == contract.id))
        assert changed()
        session.execute(update(Area).where(Area.id == where.id).values(name="ฉลองใหม่"))
        assert changed()
        # what the list does not depend on leaves the version alone
        session.add(Visit(contract_id=contract.id, officer="U" + "0" * 32, officer_name="กมลชนก", outcome="met",
                          visited_on=TODAY, created_at=NOW))
        assert not changed()
        refresh_followups(session, TODAY, NOW)
        assert not changed()
        session.execute(delete(Visit))
        assert not changed()
        session.execute(delete(Contract).where(Contract.id == contract.id))
        assert changed()


def test_the_stored_list_is_the_live_list_page_by_page(db):  # type: ignore[no-untyped-def]
    with Session(db) as session:
        varied_register(session)
        lists = {}
        for district in (None, "เมืองภูเก็ต", "กะทู้", "ไม่มีอำเภอนี้"):
            live = followup_list(session, TODAY, district)
            assert not live.stored
            lists[district] = live
        assert refresh_followups(session, TODAY, NOW) == lists[None].total > 0
        session.commit()
        kinds = {row.reason for row in lists[None].rows}
        assert {"time_barred", "prescription_near", "in_default"} <= kinds, kinds
        for district, live in lists.items():
            stored = followup_list(session, TODAY, district)
            assert stored.stored
            assert stored.rows == live.rows and stored.counts == live.counts and stored.total == live.total
            for offset, limit in ((0, 1), (0, 5), (3, 7), (max(0, live.total - 2), 5), (live.total, 3), (2, 0)):
                page = followup_list(session, TODAY, district, offset=offset, limit=limit)
                assert page.stored and page.total == live.total
                assert page.rows == live.rows[offset:offset + limit], (district, offset, limit)
        head = followup_list(session, TODAY, None, register_limit=4)
        assert [r.fields["project_code"] for r in head.rows] == [r.fields["project_code"] for r in lists[None].rows[:4]]
        assert head.counts == lists[None].counts


def test_the_database_ranks_ties_as_python_does(db):  # type: ignore[no-untyped-def]
    """The refresh streams its rows unsorted and the database ranks them: rows that tie on reason
    and amount go by project code as Python compares strings (code points, not a locale's order,
    which would put "PKT2" between "PKT-1" and "PKT-3" and ignore case)."""
    ties_rank_as_python_does(db)


def test_ties_rank_as_python_does_on_a_database_that_collates_thai(thai_collated_url):  # type: ignore[no-untyped-def]
    """The same on a database whose own order is Thai (ICU), where the ranking's `COLLATE "C"`
    is what keeps it: without it this fails, and the suite's C.UTF-8 database would not show it."""
    engine = make_engine(thai_collated_url)
    try:
        with engine.connect() as connection:  # the database does order by locale, not code points
            assert connection.scalar(text("SELECT 'PKT2' < 'PKT-3'")) is True
        ties_rank_as_python_does(engine)
    finally:
        engine.dispose()


def ties_rank_as_python_does(db: Engine) -> None:
    codes = ["PKT-3", "pkt-2", "PKT2", "PKT-1", "PKT-10", "PKT_1", "PKT-1a", "PKT-1A", "ก-1", "PKT-๑"]
    with Session(db) as session:
        place = f.area(session, "เมืองภูเก็ต", "ฉลอง")
        for code in codes:  # all in default by the same amount: only the code breaks the tie
            f.contract(session, code=code, where=place, first_due_date=date(2026, 5, 1),
                       contract_date=date(2026, 4, 1), installment_count=12, principal=Decimal("12000.00"))
        behind = f.contract(session, code="PKT-9", where=place, first_due_date=date(2026, 1, 1),
                            contract_date=date(2025, 12, 1), installment_count=12, principal=Decimal("12000.00"))
        session.commit()
        live = followup_list(session, TODAY, None)
        assert not live.stored
        assert refresh_followups(session, TODAY, NOW) == live.total == len(codes) + 1
        session.commit()
        stored = followup_list(session, TODAY, None)
        assert stored.stored and stored.rows == live.rows
        listed = [row.fields["project_code"] for row in stored.rows]
        assert listed == [behind.project_code, *sorted(codes)]  # the largest arrears first, then code points


def test_a_stored_list_is_never_read_for_another_day_or_a_changed_register(db):  # type: ignore[no-untyped-def]
    with Session(db) as session:
        varied_register(session, contracts=30)
        refresh_followups(session, TODAY, NOW)
        session.commit()
        listed = followup_list(session, TODAY)
        assert listed.stored
        assert not followup_list(session, TODAY + timedelta(days=1)).stored
        # a payment clears the most urgent contract in default: the stored rows are stale at once
        first = next(row.fields for row in listed.rows if row.reason == "in_default")
        contract = session.scalars(select(Contract).where(Contract.project_code == first["project_code"])).one()
        f.payment(session, contract, TODAY, str(contract.principal))
        session.commit()
        now_listed = followup_list(session, TODAY)
        assert not now_listed.stored
        assert first["project_code"] not in {row.fields["project_code"] for row in now_listed.rows}
        assert now_listed.total == listed.total - 1
        refresh_followups(session, TODAY, NOW)
        session.commit()
        again = followup_list(session, TODAY)
        assert again.stored and again.rows == now_listed.rows
        # stored rows of an older format are stale too
        session.execute(update(StandingState).values(format=standing.FORMAT - 1))
        session.commit()
        assert not followup_list(session, TODAY).stored


def test_a_change_during_a_refresh_leaves_the_stored_list_stale(db):  # type: ignore[no-untyped-def]
    """The version is read before the register: a change that lands meanwhile is never hidden."""
    with Session(db) as session:
        varied_register(session, contracts=10)
        contract_id = session.scalars(select(Contract.id)).first()

    def pay_meanwhile() -> list:  # type: ignore[type-arg]
        with db.connect() as other:
            if db.dialect.name == "sqlite":  # SQLite: the refresh holds the write lock; the change must wait
                other.exec_driver_sql("PRAGMA busy_timeout=200")
                with pytest.raises(OperationalError, match="locked"):
                    other.execute(Payment.__table__.insert().values(
                        contract_id=contract_id, paid_on=TODAY, amount=Decimal("5.00"), reference="meanwhile"))
                    other.commit()
                other.invalidate()  # the short busy timeout must not go back to the shared pool
                return []
            other.execute(Payment.__table__.insert().values(
                contract_id=contract_id, paid_on=TODAY, amount=Decimal("5.00"), reference="meanwhile"))
            other.commit()
        return []

    with Session(db) as session:
        standing.refresh(session, TODAY, NOW, pay_meanwhile)
        session.commit()
        assert standing.is_fresh(session, TODAY) is (db.dialect.name == "sqlite")


def test_import_stores_the_list_and_the_clock_keeps_it_current(app, db, clock, tmp_path):  # type: ignore[no-untyped-def]
    from devtools.sampledata import generate

    generate(contracts=60, as_of=TODAY).write_csv(tmp_path)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import", *(str(tmp_path / f"{k}.csv") for k in ("contracts", "members", "payments"))])
    assert result.exit_code == 0, result.output
    with Session(db) as session:
        assert standing.is_fresh(session, TODAY)
        stored = session.scalar(select(StandingState.rows))
        assert stored == len(session.scalars(select(FollowupStanding.contract_id)).all()) > 0
        assert followup_list(session, TODAY).stored
    # the next morning the clock stores the new day's list; once current, it leaves it alone
    clock.set(clock.now() + timedelta(days=1))
    assert runner.invoke(args=["scheduler", "--once"]).exit_code == 0
    with Session(db) as session:
        first = session.scalar(select(StandingState.refreshed_at))
        assert standing.is_fresh(session, TODAY + timedelta(days=1))
    assert runner.invoke(args=["scheduler", "--once"]).exit_code == 0
    with Session(db) as session:
        assert session.scalar(select(StandingState.refreshed_at)) == first


def test_the_api_pages_the_list(app, db, clock):  # type: ignore[no-untyped-def]
    with Session(db) as session:
        varied_register(session, contracts=40)
        refresh_followups(session, TODAY, NOW)
        session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {ADMIN}"}
    whole = client.get("/api/followups?as_of=2026-11-20", headers=headers)
    assert whole.status_code == 200
    rows = whole.get_json()
    assert whole.headers["X-Total-Count"] == str(len(rows)) and len(rows) > 10
    page = client.get("/api/followups?as_of=2026-11-20&offset=๓&limit=4", headers=headers)
    assert page.get_json() == rows[3:7] and page.headers["X-Total-Count"] == str(len(rows))
    assert "offset=7" in page.headers["Link"] and 'rel="next"' in page.headers["Link"]
    for odd in ("_method=POST", "endpoint=x", "_scheme=https", "_anchor=top", "nonsense=1"):  # url_for's own words
        paged = client.get(f"/api/followups?as_of=2026-11-20&offset=3&limit=4&{odd}", headers=headers)
        assert paged.status_code == 200 and paged.get_json() == rows[3:7], odd
        assert paged.headers["Link"] == '</api/followups?as_of=2026-11-20&offset=7&limit=4>; rel="next"', odd
    last = client.get(f"/api/followups?as_of=2026-11-20&offset={len(rows) - 2}&limit=4", headers=headers)
    assert last.get_json() == rows[-2:] and "Link" not in last.headers
    for bad in ("limit=-1", "offset=abc", "limit=2.5"):
        refused = client.get(f"/api/followups?{bad}", headers=headers)
        assert refused.status_code == 400
        assert "whole number" in refused.get_json()["detail"]


def test_the_list_in_batches_is_the_list_narrowed_by_reason_and_class(db):  # type: ignore[no-untyped-def]
    """What the console's exports read: the same rows in the same order, stored or live, a batch at a time."""
    with Session(db) as session:
        varied_register(session)
        contract = session.scalars(select(Contract).order_by(Contract.id)).first()
        assert contract is not None
        who = f.person(session)
        session.add(MeasureApplication(person_id=who.id, contract_id=contract.id, measure_id="M2", answers={},
                                       status="submitted", submitted_at=NOW, status_changed_at=NOW))
        session.commit()  # a row after the register's
        for stored in (False, True):
            if stored:
                refresh_followups(session, TODAY, NOW)
                session.commit()
            for district in (None, "กะทู้"):
                whole = followup_list(session, TODAY, district)
                assert whole.stored == stored
                for reason, debtor_class in ((None, None), ("in_default", None), (None, 2), ("time_barred", 5)):
                    def keep(row: FollowupRow, reason: str | None = reason, debtor_class: int | None = debtor_class,
                             ) -> bool:
                        return ((reason is None or row.fields["reason"] == reason)
                                and (debtor_class is None or row.fields.get("class") == debtor_class))
                    batches = list(followup_batches(session, TODAY, district, narrowing=Narrowing(reason, debtor_class),
                                                    keep=keep, batch=7))
                    assert all(0 < len(batch) <= 7 for batch in batches[:-1])
                    wanted = [row for row in whole.rows if (reason is None or row.fields["reason"] == reason)
                              and (debtor_class is None or row.fields.get("class") == debtor_class)]
                    assert [row for batch in batches for row in batch] == wanted, (stored, district, reason)
                    assert wanted or (reason, debtor_class) == ("time_barred", 5)
                assert district or whole.rows[-1].fields["reason"] == "measure_application"


def test_a_narrowed_page_and_its_total_are_those_of_the_whole_narrowed_list(db):  # type: ignore[no-untyped-def]
    """The console's search reads a page of the stored rows and counts them only when the page does
    not end the list: every page and total is that of the whole list narrowed, stored or live."""
    with Session(db) as session:
        varied_register(session)
        session.commit()
        narrowings = [Narrowing(), Narrowing(reason="in_default"), Narrowing(words=[("pkt", frozenset())]),
                      Narrowing(words=[("nothing-like-it", frozenset())]), Narrowing(debtor_class=2)]
        for stored in (False, True):
            if stored:
                refresh_followups(session, TODAY, NOW)
                session.commit()
            for narrowing in narrowings:
                def keep(row: FollowupRow, narrowing: Narrowing = narrowing) -> bool:
                    words = [word for word, _ in narrowing.words]
                    said = " ".join((row.fields["project_code"], row.fields["project_name"],
                                     row.fields.get("district") or "")).lower()
                    return ((narrowing.reason is None or row.fields["reason"] == narrowing.reason)
                            and (narrowing.debtor_class is None or row.fields.get("class") == narrowing.debtor_class)
                            and all(word in said for word in words))
                whole = [row for row in followup_list(session, TODAY).rows if keep(row)]
                for offset in (0, 1, 3, len(whole) - 1, len(whole), len(whole) + 5):
                    for limit in (1, 2, 5, None):
                        page = followup_list(session, TODAY, offset=offset, limit=limit, counted=False,
                                             narrowing=narrowing, keep=keep)
                        assert page.stored == stored
                        assert page.total == len(whole), (stored, narrowing, offset, limit)
                        wanted = whole[max(0, offset):None if limit is None else max(0, offset) + limit]
                        assert page.rows == wanted, (stored, narrowing, offset, limit)


def test_the_refresh_keeps_the_counts_that_the_officers_list_reads(db):  # type: ignore[no-untyped-def]
    """`วันนี้` reads the counts per reason from the refresh, not from a count over every stored row;
    a list stored before the counts were kept is counted as before."""
    with Session(db) as session:
        varied_register(session)
        live = {district: followup_list(session, TODAY, district) for district in (None, "เมืองภูเก็ต", "กะทู้")}
        refresh_followups(session, TODAY, NOW)
        session.commit()
        kept = session.scalar(select(StandingState.counts))
        assert kept is not None and sum(n for reasons in kept["by_district"].values() for n in reasons.values()) \
            == session.scalar(select(StandingState.rows))
        for district, listed in live.items():
            stored = followup_list(session, TODAY, district)
            assert stored.stored and stored.counts == listed.counts and stored.total == listed.total
        session.execute(update(StandingState).values(counts=None))  # as stored before the counts were kept
        session.commit()
        for district, listed in live.items():
            stored = followup_list(session, TODAY, district)
            assert stored.stored and stored.counts == listed.counts and stored.total == listed.total
