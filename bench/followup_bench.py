"""The officers' follow-up list on a province-sized register (not a test).

Generates the sample register with `bot.sampledata` (its class mix: normal, in default,
contract ended, time-barred), imports it into a fresh PostgreSQL schema, runs ANALYZE
(as autovacuum would), and times `followup_rows` for the whole province and for one
district: the list `GET /api/followups`, `วันนี้` and the morning digest share. The
baseline, in the same run on the same data, computes the same list the way it was first
written: every open contract and all its payments read into Python, no SQL pre-filter.

    .venv/bin/python -m bench.followup_bench --write-docs
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bench.import_bench import (
    DEFAULT_URL,
    FILES,
    generate,
    machine,
    migrated_schema,
    run_child,
    server_version,
    write_section,
)

START, END = "<!-- followup-bench:start -->", "<!-- followup-bench:end -->"
AS_OF = date(2026, 11, 20)


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time of `repeat` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def baseline_rows(session: Any, as_of: date, district: str | None) -> list[tuple[str, str]]:
    """The list's register part as first written: every open contract and all its payments to Python."""
    from decimal import Decimal

    from sqlalchemy import select

    from domain.followups import followups
    from domain.money import Terms, position
    from models import Contract, Payment
    from models.queries import area_ids_under

    query = select(Contract.id, Contract.project_code, Contract.status, Contract.contract_date, Contract.principal,
                   Contract.installment_count, Contract.first_due_date, Contract.interval_months,
                   Contract.default_rate).where(Contract.status != "closed")
    if district:
        query = query.where(Contract.area_id.in_(area_ids_under(session, district)))
    rows = session.execute(query.order_by(Contract.project_code)).all()
    wanted = query.with_only_columns(Contract.id).order_by(None).scalar_subquery()
    paid: dict[int, list[tuple[date, Decimal]]] = {}
    for contract_id, paid_on, amount in session.execute(
            select(Payment.contract_id, Payment.paid_on, Payment.amount).where(Payment.contract_id.in_(wanted))):
        paid.setdefault(contract_id, []).append((paid_on, amount))
    positions = []
    for r in rows:
        terms = Terms(contract_date=r.contract_date, principal=Decimal(r.principal),
                      installment_count=r.installment_count, first_due_date=r.first_due_date,
                      interval_months=r.interval_months, default_rate=Decimal(r.default_rate), status=r.status)
        positions.append((r.project_code, position(terms, paid.get(r.id, []), as_of)))
    return [(item.project_code, item.reason) for item in followups(positions)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--url", default=os.environ.get("TEST_POSTGRES_URL", DEFAULT_URL))
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)

    import logging

    from sqlalchemy import func, select, text
    from sqlalchemy.orm import Session

    from bot.clock import BANGKOK
    from bot.db import make_engine
    from bot.reports import followup_rows
    from models import Area, Contract, Payment

    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory(prefix="wdf-followup-bench-") as tmp, \
            migrated_schema(args.url, "followup_bench") as (url, _schema):
        generate(args.contracts, Path(tmp))
        # imported by a child process, as `flask import` would: the register's objects never
        # sit in this process's heap (a web or clock worker never holds them either)
        imported = run_child(url, datetime(2026, 11, 20, 10, tzinfo=BANGKOK), [Path(tmp) / n for n in FILES])["wall"]
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        with Session(engine) as session:
            contracts = session.scalar(select(func.count()).select_from(Contract))
            payments = session.scalar(select(func.count()).select_from(Payment))
            district = session.scalars(select(Area.name).where(Area.level == "district").order_by(Area.name)).first()
            results = []
            for label, where in (("province", None), (f"one district ({district})", district)):
                fast, rows = timed(lambda where=where: followup_rows(session, AS_OF, where), args.repeat)
                slow, expected = timed(lambda where=where: baseline_rows(session, AS_OF, where), args.repeat)
                listed = [(r["project_code"], r["reason"]) for r in rows if r["reason"] in
                          {"time_barred", "prescription_near", "in_default"}]
                if listed != expected:
                    raise SystemExit(f"the pre-filtered list differs from the baseline for {label}")
                results.append((label, fast, slow, len(rows)))
        engine.dispose()

    lines = [
        f"Measured {datetime.now():%Y-%m-%d} on {machine()}; {server_version(args.url)}.",
        f"Command: `python -m bench.followup_bench` (the sample register: {contracts:,} contracts, "
        f"{payments:,} payments, imported in {imported:.0f} s; as of {AS_OF}; median of {args.repeat} runs; "
        "both lists checked equal).",
        "",
        "| list | rows | `followup_rows` | baseline: all contracts and payments in Python | speed-up |",
        "| --- | ---: | ---: | ---: | ---: |",
        *[f"| {label} | {n:,} | {fast:.2f} s | {slow:.2f} s | {slow / fast:.1f}× |"
          for label, fast, slow, n in results],
        "",
        f"Goal (the province list under 0.3 s on PostgreSQL): {'met' if results[0][1] < 0.3 else '**missed**'}.",
    ]
    block = "\n".join(lines)
    print(block)
    if args.write_docs:
        intro = (__doc__ or "").split("\n\n")[1].replace("\n", " ")
        write_section(START, END, block, "Follow-up list", intro)


if __name__ == "__main__":
    main()
