"""The reply's outcome on PostgreSQL: committed waiting for the WAL flush, or not (not a test).

After LINE answers a reply, the webhook writes its outcome with one statement outside any
transaction (`bot.dispatch._send_replies`). The product's statement sets `synchronous_commit` off
for its own transaction (`_REPLY_OUTCOME_PG`); the plain one (`_REPLY_OUTCOME`, SQLite's) waits for
the flush as every commit does by default. This writes the outcomes of reply rows in a fresh
schema, one autocommitted statement each as the webhook does, alternating the two in rounds, and
reports per statement the wall time (what a webhook request waits) and PostgreSQL's CPU (every
server process on the machine: measure on a quiet one). Min and median over the rounds.

    python -m bench.outcome_bench                   # 8 rounds of 2,000 statements each way
    python -m bench.outcome_bench --rounds 4 --statements 500
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import UTC, datetime

from bench.import_bench import DEFAULT_URL, migrated_schema
from bench.webhook_bench import cpu_seconds, postgres_pids


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--statements", type=int, default=2000)
    parser.add_argument("--url", default=os.environ.get("TEST_POSTGRES_URL", DEFAULT_URL))
    args = parser.parse_args(argv)

    from sqlalchemy import insert

    from bot.dispatch import _REPLY_OUTCOME, _REPLY_OUTCOME_PG
    from models import Outbox
    from models.db import make_engine

    now = datetime.now(UTC)
    flex = [{"type": "text", "text": "ยอดหนี้ " * 300}]  # about a balance card's size
    per_way = args.rounds * args.statements
    with migrated_schema(args.url, "outcome_bench") as (url, _schema):
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(insert(Outbox), [
                {"retry_key": f"k{n}", "kind": "reply", "recipient_kind": "user", "recipient": "U" + "0" * 32,
                 "recipients": ["U" + "0" * 32], "messages": flex, "summary": "ยอดหนี้", "origin": "bench",
                 "status": "sending", "attempts": 1, "next_attempt_at": now, "created_at": now}
                for n in range(2 * per_way)])
        ways = {"waits for the flush": _REPLY_OUTCOME, "synchronous_commit off": _REPLY_OUTCOME_PG}
        found: dict[str, list[tuple[float, float]]] = {name: [] for name in ways}
        next_id = 1
        for turn in range(args.rounds):
            order = list(ways.items()) if turn % 2 == 0 else list(reversed(ways.items()))
            for name, statement in order:
                with engine.connect() as connection:
                    connection.execution_options(isolation_level="AUTOCOMMIT")
                    cpu, wall = cpu_seconds(postgres_pids()), time.perf_counter()
                    for oid in range(next_id, next_id + args.statements):
                        connection.execute(statement, {"oid": oid, "st": "sent", "ls": 200, "rid": "r", "err": None,
                                                       "at": now})
                    wall, cpu = time.perf_counter() - wall, cpu_seconds(postgres_pids()) - cpu
                next_id += args.statements
                found[name].append((wall * 1000 / args.statements, cpu * 1000 / args.statements))
        engine.dispose()
    print(f"{args.rounds} rounds of {args.statements:,} outcome statements each way, alternating; per statement:")
    print("| the outcome's commit | wall, min / median | PostgreSQL CPU, min / median |")
    print("| --- | ---: | ---: |")
    for name, runs in found.items():
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        print(f"| {name} | {min(walls):.3f} / {statistics.median(walls):.3f} ms | "
              f"{min(cpus):.3f} / {statistics.median(cpus):.3f} ms |")


if __name__ == "__main__":
    main()
