"""Benchmark of the register import (`flask --app bot import`) on PostgreSQL.

Generates a sample register with `devtools.sampledata` (100,000 contracts ≈ 267k member rows and
≈ 910k payments by default), creates a throw-away schema in the PostgreSQL database, migrates
it, then measures, each in a fresh child process so that peak memory is the import's own:

1. the first import (everything created), file by file: wall time and peak RSS;
2. the same files again (everything unchanged);
3. a variant in which every row of contracts and members differs (each contract's name and
   each person's phone; payments cannot change, a changed payment is a new one): every
   contract and person updated;

and, as the floor for moving the bytes, a plain `COPY ... FROM STDIN (FORMAT csv)` of the
same files into staging tables of text columns. The schema is dropped at the end.

    python -m bench.import_bench                      # 100k contracts, prints a table
    python -m bench.import_bench --contracts 5000     # quick
    python -m bench.import_bench --write-docs         # also rewrites docs/PERFORMANCE.md's results
    # a national register (77 provinces, 3 funds), its files kept between runs:
    python -m bench.import_bench --contracts 1000000 --provinces 77 --funds 3 --data /tmp/natreg/1m

Goals (issue 17): a national register (1M contracts) imports in at most 5 minutes, with peak
memory at most 500 MB at any size; re-importing with every row changed costs at most 2× an
unchanged re-import.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "PERFORMANCE.md"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FILES = ("contracts.csv", "members.csv", "payments.csv")
START, END = "<!-- import-bench:start -->", "<!-- import-bench:end -->"
NATIONAL = "<!-- import-bench-national:start -->", "<!-- import-bench-national:end -->"  # runs with --provinces
GOAL_SECONDS, GOAL_MB, GOAL_CHANGED = 300.0, 500.0, 2.0


# --------------------------------------------------------------------------- child: one import run


def child(url: str, now_iso: str, paths: list[str]) -> None:
    """Import the files one after the other (one import_files call each) and print JSON."""
    from sqlalchemy.orm import Session

    from models.db import make_engine
    from register.importer import import_files

    now = datetime.fromisoformat(now_iso)
    watcher = ChildPeaks()
    engine = make_engine(url)
    results = []
    with Session(engine) as session:
        for path in paths:
            started = time.perf_counter()
            [report] = import_files(session, [path], now)
            results.append({
                "file": Path(path).name, "seconds": time.perf_counter() - started, "rows": report.rows,
                "created": report.created, "updated": report.updated, "unchanged": report.unchanged,
                "rejected": report.rejected, "error": report.error,
            })
    engine.dispose()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    reader = watcher.stop()
    # the two together at most: the import process's peak plus its reading process's
    print(json.dumps({"files": results, "peak_mb": own + reader, "own_mb": own, "reader_mb": reader}))


class ChildPeaks:
    """The largest peak RSS (VmHWM) among this process's children, sampled every quarter second:
    the import's reading processes. Not `RUSAGE_CHILDREN`: a child's ru_maxrss counts the pages it
    shared with this process between fork and exec, so it reads as this process's size."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        me = str(os.getpid())
        while not self._done.wait(0.25):
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                try:
                    status = Path(f"/proc/{entry}/status").read_text()
                except OSError:
                    continue
                fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
                if fields.get("PPid", "").strip() == me and "VmHWM" in fields:
                    self.peak_kb = max(self.peak_kb, int(fields["VmHWM"].split()[0]))

    def stop(self) -> float:
        """MB."""
        self._done.set()
        self._thread.join()
        return self.peak_kb / 1024


def run_child(url: str, now: datetime, paths: list[Path]) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.import_bench", "--child", url, now.isoformat(), *map(str, paths)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"import child failed ({done.returncode}):\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = wall  # includes the interpreter start and imports
    for item in result["files"]:
        if item["rejected"] or item["error"]:
            sys.exit(f"{item['file']} was not imported: {item}")
    return result


# --------------------------------------------------------------------------- the COPY floor


def copy_floor(url: str, schema: str, paths: list[Path]) -> dict[str, float]:
    """Seconds to COPY each CSV, as it is, into a staging table of text columns."""
    import psycopg

    seconds = {}
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        for path in paths:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                header = next(csv.reader(handle))
            table = f'"{schema}"."stage_{path.stem}"'
            columns = ", ".join(f'"{name}" text' for name in header)
            conn.execute(f"CREATE UNLOGGED TABLE {table} ({columns})")
            started = time.perf_counter()
            with conn.cursor() as cursor, cursor.copy(f"COPY {table} FROM STDIN (FORMAT csv, HEADER true)") as copy, \
                    path.open("rb") as raw:
                while chunk := raw.read(1 << 20):
                    copy.write(chunk)
            seconds[path.name] = time.perf_counter() - started
    return seconds


def _libpq(url: str) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


# --------------------------------------------------------------------------- the run


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
        memory = f"{mem_kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        memory = "RAM unknown"
    return f"{os.cpu_count()} cores ({cpu}), {memory}, {platform.system()} {platform.release()}, " \
           f"Python {platform.python_version()}"


def server_version(url: str) -> str:
    import psycopg

    with psycopg.connect(_libpq(url)) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {row[0] if row else '?'}"


@contextmanager
def migrated_schema(base_url: str, prefix: str) -> Iterator[tuple[str, str]]:
    """A fresh PostgreSQL schema at the newest migration: (URL aimed at it, its name); dropped after."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from models import migrate
    from models.db import make_engine

    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    rendered = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)
    try:
        engine = make_engine(rendered)
        migrate.upgrade(engine)
        engine.dispose()
        yield rendered, schema
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def generate(contracts: int, out: Path, provinces: int = 1, funds: int = 1) -> tuple[dict[str, int], float]:
    from devtools.sampledata import SampleData

    started = time.perf_counter()
    counts = SampleData(contracts=contracts, provinces=provinces, funds=funds).write_csv(out)
    return counts, time.perf_counter() - started


def changed_variant(data: Path) -> Path:
    """`data/changed/`: contracts with every name changed, members with every phone changed,
    the same payments (written once, kept with the data)."""
    out = data / "changed"
    if all((out / name).exists() for name in FILES):
        return out
    out.mkdir(exist_ok=True)

    def rewrite(name: str, change: Any) -> None:
        with (data / name).open(encoding="utf-8", newline="") as src, \
                (out / f"{name}.part").open("w", encoding="utf-8", newline="") as dst:
            reader, writer = csv.reader(src), csv.writer(dst, lineterminator="\n")
            header = next(reader)
            writer.writerow(header)
            column = {c: i for i, c in enumerate(header)}
            for row in reader:
                change(row, column)
                writer.writerow(row)
        (out / f"{name}.part").rename(out / name)

    def contract(row: list[str], column: dict[str, int]) -> None:
        row[column["project_name"]] += " 2"

    def member(row: list[str], column: dict[str, int]) -> None:
        row[column["phone"]] = "09" + row[column["national_id"]][-8:]  # one new phone per person

    rewrite("contracts.csv", contract)
    rewrite("members.csv", member)
    (out / "payments.csv").unlink(missing_ok=True)
    (out / "payments.csv").symlink_to(data / "payments.csv")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--provinces", type=int, default=1, help="a national register: this many provinces")
    parser.add_argument("--funds", type=int, default=1, help="and this many funds")
    parser.add_argument("--data", type=Path, help="use (or create) the sample files in this directory")
    parser.add_argument("--url", default=os.environ.get("TEST_POSTGRES_URL", DEFAULT_URL))
    parser.add_argument("--write-docs", action="store_true", help=f"rewrite the results in {DOCS.relative_to(ROOT)}")
    args = parser.parse_args(argv)

    from domain.clock import BANGKOK

    with tempfile.TemporaryDirectory(prefix="wdf-import-bench-") as tmp:
        data = args.data or Path(tmp)
        data.mkdir(parents=True, exist_ok=True)
        if not all((data / name).exists() for name in FILES):
            counts, generated = generate(args.contracts, data, args.provinces, args.funds)
            print(f"generated {counts} in {generated:.1f} s into {data}", flush=True)
        paths = [data / name for name in FILES]
        changed = [changed_variant(data) / name for name in FILES]
        rows = {p.name: sum(1 for _ in p.open(encoding="utf-8")) - 1 for p in paths}

        with migrated_schema(args.url, "import_bench") as (rendered, schema):
            now = datetime(2026, 11, 20, 10, 0, tzinfo=BANGKOK)
            first = run_child(rendered, now, paths)
            print(f"first import done: {first}", flush=True)
            again = run_child(rendered, now, paths)
            print(f"re-import done: {again}", flush=True)
            every = run_child(rendered, now, changed)
            print(f"all-changed re-import done: {every}", flush=True)
            floor = copy_floor(rendered, schema, paths)

    command = "python -m bench.import_bench" + (f" --contracts {args.contracts}" if args.contracts != 100_000 else "")
    if args.provinces != 1 or args.funds != 1:
        command += f" --provinces {args.provinces} --funds {args.funds}"
    report = render(rows, first, again, every, floor, machine(), server_version(args.url), command)
    print(report)
    if args.write_docs:
        write_docs(report, *(NATIONAL if args.provinces > 1 else (START, END)))
        print(f"wrote {DOCS}")


def render(rows: dict[str, int], first: dict[str, Any], again: dict[str, Any], every: dict[str, Any],
           floor: dict[str, float], machine_line: str, server: str, command: str) -> str:
    """The results as Markdown (what goes into docs/PERFORMANCE.md)."""
    lines = [
        f"Measured {date.today().isoformat()} on {machine_line}; {server} on the same machine (loopback).",
        f"Command: `{command}` (add `--write-docs` to rewrite this block).",
        "",
        "| file | rows | first import | rows/s | re-import (unchanged) | re-import (every row changed) "
        "| changed ÷ unchanged | COPY into text staging table | first import ÷ COPY |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for one, two, three in zip(first["files"], again["files"], every["files"], strict=True):
        name = one["file"]
        lines.append(f"| {name} | {rows[name]:,} | {one['seconds']:.1f} s | {rows[name] / one['seconds']:,.0f} "
                     f"| {two['seconds']:.1f} s | {three['seconds']:.1f} s ({three['updated']:,} updated) "
                     f"| {three['seconds'] / two['seconds']:.2f}× | {floor[name]:.2f} s "
                     f"| {one['seconds'] / floor[name]:.1f}× |")
    total_first = sum(f["seconds"] for f in first["files"])
    total_again = sum(f["seconds"] for f in again["files"])
    total_every = sum(f["seconds"] for f in every["files"])
    total_floor = sum(floor.values())
    lines.append(f"| **total** | {sum(rows.values()):,} | **{total_first:.1f} s** | "
                 f"{sum(rows.values()) / total_first:,.0f} | {total_again:.1f} s | {total_every:.1f} s "
                 f"| **{total_every / total_again:.2f}×** | {total_floor:.2f} s | {total_first / total_floor:.1f}× |")
    peak = max(first["peak_mb"], again["peak_mb"], every["peak_mb"])
    fast = total_first <= GOAL_SECONDS and peak <= GOAL_MB
    cheap = total_every <= GOAL_CHANGED * total_again
    lines += [
        "",
        f"Peak memory (max RSS of the import process plus that of its reading process, which parses big "
        f"files: at most what the two hold together): first import **{first['peak_mb']:.0f} MB** "
        f"({first.get('own_mb', 0):.0f} + {first.get('reader_mb', 0):.0f} MB), "
        f"re-import {again['peak_mb']:.0f} MB, every row changed {every['peak_mb']:.0f} MB. Wall time of the "
        f"whole child process, interpreter start included: {first['wall']:.1f} s, {again['wall']:.1f} s and "
        f"{every['wall']:.1f} s.",
        f"Goals (set for 1,000,000 contracts; this run has {rows['contracts.csv']:,}): first import at most "
        f"{GOAL_SECONDS:.0f} s with peak memory at most {GOAL_MB:.0f} MB: "
        f"**{'met' if fast else 'MISSED'}**; every row changed at most {GOAL_CHANGED:.0f}× an unchanged "
        f"re-import: **{'met' if cheap else 'MISSED'}**.",
    ]
    return "\n".join(lines)


def write_section(start: str, end: str, block: str, heading: str, intro: str) -> None:
    """Put a benchmark's results between its markers in docs/PERFORMANCE.md (a new section the first time)."""
    text = DOCS.read_text(encoding="utf-8")
    fenced = f"{start}\n{block}\n{end}"
    if start in text:
        head, rest = text.split(start, 1)
        text = head + fenced + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n## {heading}\n\n{intro}\n\n{fenced}\n"
    DOCS.write_text(text, encoding="utf-8")


def write_docs(block: str, start: str = START, end: str = END) -> None:
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Performance\n\n## Register import\n\n"
    fenced = f"{start}\n{block}\n{end}"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + fenced + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + fenced + "\n"
    DOCS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        main()
