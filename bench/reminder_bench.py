"""Reminder fan-out against the fake LINE platform on loopback (not a test).

Builds, in a fresh PostgreSQL schema, N verified borrowers all due on the same day and
G group chats bound to villages, pins the clock three days before that day at 09:00,
then times the clock's jobs (payment and group reminders) from job start to the last
request acknowledged by the fake platform. The baseline, in the same run, is a plain
loop of SDK push calls (one request per person) to the same fake, on a sample, scaled to
N. It also times the officers' follow-up list when every contract is up to date.

    .venv/bin/python -m bench.reminder_bench --write-docs
"""

from __future__ import annotations

import argparse
import os
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from bench.import_bench import DEFAULT_URL, machine, migrated_schema, server_version, write_section

START, END = "<!-- reminder-bench:start -->", "<!-- reminder-bench:end -->"
DUE = date(2026, 12, 1)
TOKEN = "bench-token"


def _copy(connection, table, rows: list[dict]) -> None:  # type: ignore[no-untyped-def]
    """Rows into a table with COPY: an executemany runs one INSERT a row, and the register's
    statement trigger (`register_version`) then fires once per row (the data took 200 s)."""
    columns = list(rows[0])
    cursor = connection.connection.dbapi_connection.cursor()
    with cursor.copy(f"COPY {table.__tablename__} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def populate(url: str, people: int, groups: int) -> None:
    """People, contracts, memberships, LINE links and bound groups, in bulk (COPY)."""
    from sqlalchemy import insert

    from domain.identity import national_id_check_digit
    from models import Area, Contract, Fund, LineGroup, LineLink, Membership, Payment, Person
    from models.db import make_engine

    engine = make_engine(url)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(insert(Fund), [{"id": 1, "code": "WDF", "name": "กองทุนพัฒนาบทบาทสตรี"}])
        connection.execute(insert(Area), [{"id": 1, "level": "province", "name": "ภูเก็ต", "parent_id": None},
                                          {"id": 2, "level": "district", "name": "เมืองภูเก็ต", "parent_id": 1}])
        connection.execute(insert(Area), [{"id": 10 + g, "level": "village", "name": f"หมู่บ้าน {g}", "parent_id": 2}
                                          for g in range(groups)])
        for start in range(0, people, 5000):
            batch = range(start, min(people, start + 5000))
            nid = [f"38301{i:07d}" for i in batch]
            _copy(connection, Person, [
                {"id": i + 1, "national_id": n + str(national_id_check_digit(n)), "first_name": f"ชื่อ{i}",
                 "last_name": f"สกุล{i}", "phone": None, "birth_date": None, "address": None, "lat": None, "lng": None}
                for i, n in zip(batch, nid, strict=True)])
            _copy(connection, Contract, [
                {"id": i + 1, "project_code": f"BENCH-{i:06d}", "project_name": "กลุ่มทดสอบ", "fund_id": 1,
                 "area_id": 10 + i % groups, "contract_date": date(2026, 5, 1), "principal": Decimal("24000.00"),
                 "installment_count": 24, "first_due_date": date(2026, 6, 1), "interval_months": 1,
                 "interest_rate": Decimal("0.10"), "default_rate": Decimal("0.10"), "status": "active",
                 "demand_letter_date": None, "created_at": now, "updated_at": now} for i in batch])
            _copy(connection, Payment, [  # paid up to November: due again on 1 Dec
                {"contract_id": i + 1, "paid_on": date(2026, 11, 1), "amount": Decimal("6000.00"), "reference": ""}
                for i in batch])
            _copy(connection, Membership, [
                {"contract_id": i + 1, "person_id": i + 1, "role": "borrower"} for i in batch])
            _copy(connection, LineLink, [
                {"line_user_id": f"U{i:032x}", "person_id": i + 1, "consented_at": now, "notice_version": "bench",
                 "linked_at": now, "reminders_off_at": None} for i in batch])
        connection.execute(insert(LineGroup), [
            {"group_id": f"C{g:032x}", "name": f"กลุ่ม {g}", "area_id": 10 + g, "joined_at": now, "left_at": None,
             "bound_at": now} for g in range(groups)])
    engine.dispose()


def raw_push_loop(fake_url: str, sample: int) -> float:
    """Seconds for `sample` plain SDK pushes to the fake, one after the other: the baseline."""
    from linebot.v3.messaging import ApiClient, Configuration, MessagingApi, PushMessageRequest, TextMessage

    with ApiClient(Configuration(host=fake_url, access_token=TOKEN)) as client:
        api = MessagingApi(client)
        t0 = time.perf_counter()
        for i in range(sample):
            api.push_message(PushMessageRequest(to=f"U{i:032x}", messages=[TextMessage(text="x")]),
                             x_line_retry_key=str(uuid.uuid4()))
        return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=2_000)
    parser.add_argument("--baseline-sample", type=int, default=5_000)
    parser.add_argument("--url", default=os.environ.get("TEST_POSTGRES_URL", DEFAULT_URL))
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)

    import logging

    from bot.runtime import Runtime
    from config.settings import Settings
    from devtools.fakeline import FakeLinePlatform
    from domain.clock import BANGKOK, FixedClock
    from scheduler import jobs
    from scheduler.lock import clock_lock
    from services.followups import followup_list

    logging.disable(logging.INFO)
    fake = FakeLinePlatform(TOKEN).start()
    try:
        with migrated_schema(args.url, "reminder_bench") as (url, _schema):
            started = time.perf_counter()
            populate(url, args.people, args.groups)
            populated = time.perf_counter() - started
            from sqlalchemy import text

            from models.db import make_engine

            analyzer = make_engine(url)
            with analyzer.begin() as connection:  # as autovacuum would have, on a live database
                connection.execute(text("ANALYZE"))
            analyzer.dispose()
            sample = min(args.baseline_sample, args.people)
            before = raw_push_loop(fake.url, sample)
            settings = Settings(line_channel_secret="bench", line_channel_access_token=TOKEN, admin_token="bench",
                                secret_key="bench", database_url=url, line_api_base_url=fake.url,
                                line_data_api_base_url=fake.url, line_push_rate=1000)
            rt = Runtime.build(settings, FixedClock(datetime(2026, 11, 28, 9, 0, tzinfo=BANGKOK)))
            timings = {}
            with clock_lock(rt.engine, wait=False) as held:  # jobs write only under the clock's lock
                jobs.install(rt, held)
                # personal reminders first, delivered, then the groups: each timed to its last acknowledgement
                for name, job in (("payment_reminders (queue)", jobs.payment_reminders),
                                  ("deliver_outbox (send the multicasts)", jobs.deliver_outbox),
                                  ("group_reminders (queue)", jobs.group_reminders),
                                  ("deliver_outbox (send the group pushes)", jobs.deliver_outbox)):
                    t0 = time.perf_counter()
                    job()
                    timings[name] = time.perf_counter() - t0
            personal = timings["payment_reminders (queue)"] + timings["deliver_outbox (send the multicasts)"]
            fan_out = sum(timings.values())
            requests = fake.state.requests
            multicasts = sum(1 for r in requests if r["path"].endswith("/multicast") and r["status"] == 200)
            reached = sum(len(r["body"]["to"]) for r in requests
                          if r["path"].endswith("/multicast") and r["status"] == 200)
            group_pushes = sum(1 for r in requests if r["path"].endswith("/push") and r["status"] == 200
                               and r["body"]["to"].startswith("C"))
            with rt.sessions() as session:
                t0 = time.perf_counter()
                listed = followup_list(session, date(2026, 11, 28)).rows
                followups = time.perf_counter() - t0
            rt.close()

            after = raw_push_loop(fake.url, sample)
            baseline_sample = (before + after) / 2
            baseline = baseline_sample * args.people / sample
    finally:
        fake.stop()

    rate = sample / baseline_sample  # raw pushes a second
    group_send = timings["deliver_outbox (send the group pushes)"]
    group_all = group_send + timings["group_reminders (queue)"]
    rows = [
        f"Measured {datetime.now():%Y-%m-%d} on {machine()}; {server_version(args.url)}; the fake LINE platform "
        "(Flask, threaded, no added latency) on loopback in the same process.",
        f"Command: `python -m bench.reminder_bench` ({args.people:,} verified people due on {DUE}, "
        f"{args.groups:,} bound groups; data built with COPY in {populated:.0f} s).",
        "",
        "| step | time | × the raw push loop |",
        "| --- | ---: | ---: |",
        f"| baseline: plain loop of SDK pushes, {sample:,} measured before and after the jobs | "
        f"{baseline_sample:.2f} s for {sample:,}: {rate:.0f} pushes/s | 1.0× |",
        *[f"| {name} | {seconds:.1f} s | |" for name, seconds in timings.items()],
        f"| **personal: job start → last multicast acknowledged** | **{personal:.1f} s** | "
        f"{baseline / personal:.1f}× (the loop would take {baseline:.0f} s) |",
        f"| **group pushes sent: {group_pushes:,} from the outbox** | **{group_send:.2f} s, "
        f"{group_pushes / group_send:.0f}/s** | **{group_pushes / group_send / rate:.2f}×** |",
        f"| group notes queued and sent (the job's money rules over every contract included) | {group_all:.1f} s | "
        f"{group_pushes / group_all / rate:.2f}× |",
        f"| personal and groups: job start → last request acknowledged | {fan_out:.1f} s | |",
        f"| follow-up list for these {args.people:,} contracts, all up to date (`followup_list`) | "
        f"{followups:.2f} s | |",
        "",
        f"Requests: {multicasts:,} multicasts reaching {reached:,} people, {group_pushes:,} group pushes; "
        f"follow-up list rows: {len(listed):,}.",
        f"Goals (issue 17, goal 2): 100k personal reminders ≤ 10 s: {'met' if personal <= 10 else '**missed**'}; "
        f"group pushes ≥ 0.8× the raw push loop: {'met' if group_pushes / group_send >= 0.8 * rate else '**missed**'}.",
    ]
    block = "\n".join(rows)
    print(block)
    if args.write_docs:
        intro = (__doc__ or "").split("\n\n")[1].replace("\n", " ")
        write_section(START, END, block, "Reminder fan-out", intro)


if __name__ == "__main__":
    main()
