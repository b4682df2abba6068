"""A district officer's look-ups on a large register, against the whole register's officer (not a test).

A district officer sees only the people of their district (`services.visits.in_scope`), and that
rule sits inside every look-up they make: a person's page, a search, the inbox, the list's field
updates. An officer of the whole register asks the same queries with no rule at all, which makes
them the baseline, measured in the same run: the rule should cost a district officer little more.
The rule as it was written before 2026-12-01 (`IN` the district's members, `NOT IN` every member)
is timed beside it, under a statement timeout, so the run shows what the change did.

Imports the sample register (`devtools.sampledata`, 100,000 contracts by default) into a fresh
PostgreSQL schema, adds 50 field updates and 50 contact requests about people spread over the
districts, and times each look-up in this process (`--repeat` times; median and the slowest).

    python -m bench.scope_bench --write-docs
    python -m bench.scope_bench --contracts 20000      # quicker
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import partial
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

START, END = "<!-- scope-bench:start -->", "<!-- scope-bench:end -->"
NOW = "2026-11-20T10:00"
TIMEOUT_S = 30


def old_in_scope(area_ids: Sequence[int] | None) -> Any:
    """`services.visits.in_scope` as it was until 2026-12-01: the baseline of the change."""
    from sqlalchemy import or_, select, true

    from models import Contract, Membership, Person

    if area_ids is None:
        return true()
    on_any = select(Membership.person_id)
    here = select(Membership.person_id).join(Contract).where(Contract.area_id.in_(area_ids))
    return or_(Person.id.in_(here), Person.id.not_in(on_any))


def timed(run: Callable[[], object], repeat: int) -> dict[str, float | bool]:
    """Median and slowest of `repeat` runs after one to warm up, in ms; a run past the timeout ends them."""
    from sqlalchemy.exc import OperationalError

    times = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        try:
            run()
        except OperationalError:  # the statement timeout
            return {"median": TIMEOUT_S * 1000, "max": TIMEOUT_S * 1000, "timed_out": True}
        times.append((time.perf_counter() - started) * 1000)
    return {"median": statistics.median(times[1:]), "max": max(times[1:]), "timed_out": False}


def measure(url: str, repeat: int) -> dict[str, Any]:
    from sqlalchemy import func, select, text
    from sqlalchemy.orm import Session

    from models import Area, ContactRequest, Contract, FieldUpdate, Membership, Person
    from models.db import make_engine
    from services.areas import area_ids_under
    from services.followups import field_update_rows
    from services.inbox import inbox_total
    from services.visits import find_people, person_in_scope

    engine = make_engine(url)
    at = datetime.fromisoformat(NOW + ":00+07:00")
    rng = random.Random(2569)
    with Session(engine) as session:
        district = session.scalars(select(Area.id).where(Area.level == "district").order_by(Area.id)).first()
        people = session.scalars(select(Person.id).order_by(Person.id)).all()
        for n in range(50):
            session.add(FieldUpdate(author="U" + "ab" * 16, text=f"bench {n}", person_id=rng.choice(people),
                                    created_at=at, updated_at=at))
            session.add(ContactRequest(line_user_id=f"U{n:032x}", topic="payment", message="bench", created_at=at,
                                       person_id=rng.choice(people)))
        session.commit()
        for table in ("field_updates", "contact_requests"):  # this schema's; a bare ANALYZE does every schema
            session.execute(text(f"ANALYZE {table}"))
        session.commit()
        area_ids = area_ids_under(session, district)
        mine = session.scalars(select(Membership.person_id).join(Contract).where(Contract.area_id.in_(area_ids))
                               .order_by(Membership.person_id).limit(1)).one()
        common = session.execute(select(Person.first_name, func.count()).group_by(Person.first_name)
                                 .order_by(func.count().desc()).limit(1)).one()[0]
        sizes = {"contracts": session.scalar(select(func.count()).select_from(Contract)),
                 "memberships": session.scalar(select(func.count()).select_from(Membership)),
                 "people": len(people),
                 "district_contracts": session.scalar(select(func.count()).select_from(Contract)
                                                      .where(Contract.area_id.in_(area_ids)))}
        day = date(2026, 11, 20)

        def old_person(ids: Sequence[int] | None) -> object:
            return session.scalars(select(Person).where(Person.id == mine, old_in_scope(ids))).one_or_none()

        def old_search(ids: Sequence[int] | None) -> object:
            return session.scalars(select(Person).where(Person.first_name.contains(common), old_in_scope(ids))
                                   .order_by(Person.first_name, Person.last_name, Person.id).limit(11)).all()

        looks: dict[str, Callable[[Sequence[int] | None], object]] = {
            "a person's page (`person_in_scope`)": lambda ids: person_in_scope(session, mine, ids),
            f"a search by a common first name (`find_people`, {common!r})": lambda ids: find_people(session, common,
                                                                                                      ids),
            "the inbox's count (`inbox_total`)": lambda ids: inbox_total(session, ids),
            "the list's field updates (`field_update_rows`, 50 of the day)": lambda ids: field_update_rows(
                session, day, ids),
            "a person's page, the rule as it was": old_person,
            "a search by a common first name, the rule as it was": old_search,
        }
        results: dict[str, dict[str, Any]] = {}
        for name, look in looks.items():
            for who, ids in (("whole", None), ("district", area_ids)):
                session.rollback()  # a timed-out statement ends its transaction; each run starts afresh
                session.execute(text(f"SET LOCAL statement_timeout = '{TIMEOUT_S}s'"))
                results.setdefault(name, {})[who] = timed(partial(look, ids), repeat)
            session.rollback()
            print(name, results[name], flush=True)
    engine.dispose()
    return {"sizes": sizes, "results": results}


def render(found: dict[str, Any], args: argparse.Namespace) -> str:
    sizes = found["sizes"]

    def ms(cell: dict[str, Any]) -> str:
        if cell["timed_out"]:
            return f"> {TIMEOUT_S} s (stopped)"
        return f"{cell['median']:.1f} ms (slowest {cell['max']:.1f})"

    command = "python -m bench.scope_bench" + (f" --contracts {args.contracts}" if args.contracts != 100_000 else "")
    lines = [
        f"Measured {datetime.now():%Y-%m-%d} on {machine()}; {server_version(args.url)}; in one process "
        f"(the services as the console and LINE call them), {args.repeat} runs each after one to warm up.",
        f"Command: `{command}` ({sizes['contracts']:,} contracts, {sizes['memberships']:,} memberships, "
        f"{sizes['people']:,} people; the district officer's district holds {sizes['district_contracts']:,} "
        "contracts).",
        "",
        "| look-up | whole register's officer (no rule: the baseline) | a district's officer | district ÷ baseline |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, cells in found["results"].items():
        whole, district = cells["whole"], cells["district"]
        ratio = "—" if district["timed_out"] else f"{district['median'] / max(whole['median'], 1e-6):.1f}×"
        lines.append(f"| {name} | {ms(whole)} | {ms(district)} | {ratio} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--data", type=Path, help="use (or create) the sample files in this directory")
    parser.add_argument("--url", default=os.environ.get("TEST_POSTGRES_URL", DEFAULT_URL))
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="wdf-scope-bench-") as tmp:
        data = args.data or Path(tmp)
        if not all((data / name).exists() for name in FILES):
            generate(args.contracts, data)
        with migrated_schema(args.url, "scope_bench") as (url, _schema):
            run_child(url, datetime.fromisoformat(NOW + ":00+07:00"), [data / n for n in FILES])
            found = measure(url, args.repeat)
    block = render(found, args)
    print(block)
    if args.write_docs:
        intro = (__doc__ or "").split("\n\n")[1].replace("\n", " ")
        write_section(START, END, block, "Whom a district officer may see", intro)


if __name__ == "__main__":
    main()
