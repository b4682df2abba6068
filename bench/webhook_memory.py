"""Where a web worker's memory goes while it answers webhooks (on demand, not a test).

The webhook bench (`bench/webhook_bench.py`) reads each gunicorn worker's RSS after its memory
run; this runs the same app in a fresh process of its own instead (Flask's test client,
`--threads` threads posting at once, as a worker's gunicorn threads do), on the bench's data
and mix (`--groups` of the events typed in bound groups), against the fake LINE platform in a
process of its own, and prints that process's RSS as it goes. With `--clear`, it then lets go
of each cache a worker keeps between events, one after the other, and prints what each gave
back. With `--trace`, tracemalloc snapshots are taken at the first checkpoint and at the end
and the largest differences printed, by allocating line (`--frames` deep): slow (about 20× at
8 frames), and it costs memory itself, so read RSS from a run without it.

    python -m bench.webhook_memory --contracts 20000 --events 20000 --clear
    python -m bench.webhook_memory --contracts 20000 --events 6000 --trace --frames 1 --checkpoint 2000
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from bench.import_bench import DEFAULT_URL, FILES, ROOT, generate, migrated_schema, run_child
from bench.import_rss import rss_mb
from bench.webhook_bench import DEBTORS, GROUPS, NOW, SECRET, TOKEN, bodies, free_port, populate, process
from bot.runtime import trim_heap
from domain import money


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contracts", type=int, default=20_000)
    parser.add_argument("--data", type=Path, help="use (or create) the sample files in this directory")
    parser.add_argument("--url", default=os.environ.get("TEST_POSTGRES_URL", DEFAULT_URL))
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--groups", type=float, default=0.05, help="share of the events typed in bound groups")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--checkpoint", type=int, default=5_000, help="print RSS (and snapshot) every this many")
    parser.add_argument("--trace", action="store_true", help="tracemalloc: what grew between checkpoint 1 and the end")
    parser.add_argument("--frames", type=int, default=6)
    parser.add_argument("--trace-first", action="store_true", help="trace from the first event on")
    parser.add_argument("--clear", action="store_true", help="at the end, what letting go of each cache gives back")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="wdf-webhook-memory-") as tmp, \
            migrated_schema(args.url, "rss_webhook_memory") as (url, _schema):
        data = args.data or Path(tmp)
        if not all((data / name).exists() for name in FILES):
            generate(args.contracts, data)
        run_child(url, datetime.fromisoformat(NOW + ":00+07:00"), [data / n for n in FILES])
        who = populate(url, DEBTORS, GROUPS)
        events = Path(tmp) / "events.txt"
        events.write_text("\n".join(bodies(who, args.events, echo=False, groups=args.groups, seed=4)) + "\n",
                          encoding="utf-8")
        fake_port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with process([sys.executable, "-m", "bench.webhook_bench", "--fake", str(fake_port)], env, fake_port,
                     "/_fake/requests"):
            subprocess.run([sys.executable, "-m", "bench.webhook_memory", "--worker", json.dumps(
                {**vars(args), "data": None, "db": url, "fake_port": fake_port, "events_file": str(events)})],
                env=env, cwd=ROOT, check=True)


def worker(options: dict[str, Any]) -> None:
    """The app in this fresh process, built as gunicorn's worker builds it (`web.wsgi`, with its
    allocator settings), answering the events."""
    fake = f"http://127.0.0.1:{options['fake_port']}"
    os.environ.update({"LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN, "ADMIN_TOKEN": "bench",
                       "SECRET_KEY": "bench", "DATABASE_URL": options["db"], "FUND_NOW": NOW,
                       "LINE_API_BASE_URL": fake, "LINE_DATA_API_BASE_URL": fake})
    print(f"interpreter and the bench's own imports: {rss_mb():.1f} MB", flush=True)
    from web.wsgi import app

    logging.disable(logging.INFO)
    print(f"web.wsgi imported, app built: {rss_mb():.1f} MB", flush=True)

    def post(line: str) -> int:
        signature, body = line.split("\t", 1)
        with app.test_client() as client:
            return client.post("/callback", data=body, headers={"X-Line-Signature": signature}).status_code

    first = None
    if options["trace_first"]:
        tracemalloc.start(options["frames"])
        first = tracemalloc.take_snapshot()
    failed = done = 0
    step = options["checkpoint"]
    started = time.perf_counter()
    # the bodies are read a checkpoint's worth at a time: held all at once they would count too
    with ThreadPoolExecutor(options["threads"]) as pool, \
            Path(options["events_file"]).open(encoding="utf-8") as events:
        while lines := [line.rstrip("\n") for line in islice(events, step)]:
            failed += sum(code != 200 for code in pool.map(post, lines))
            done += len(lines)
            print(f"{done:7,} events: {rss_mb():6.1f} MB  ({failed} non-200, "
                  f"{time.perf_counter() - started:.0f} s)", flush=True)
            if options["trace"] and first is None:
                tracemalloc.start(options["frames"])
                first = tracemalloc.take_snapshot()
                print("  tracing from here", flush=True)
    if first is not None:
        last = tracemalloc.take_snapshot()
        current, peak = tracemalloc.get_traced_memory()
        print(f"traced: {current / 2**20:.1f} MB allocated since tracing began is still held "
              f"(peak {peak / 2**20:.1f} MB)")
        for stat in last.compare_to(first, "traceback")[:25]:
            print(f"{stat.size_diff / 1024:+9.0f} KiB {stat.count_diff:+8,} blocks")
            for frame in stat.traceback.format()[-2 * options["frames"]:]:
                print("    " + frame)
        tracemalloc.stop()
    if options["clear"]:
        release(app)


def release(app: Any) -> None:
    """Let go of each thing a worker keeps between events, one after the other, and print the RSS
    each gave back (after a collection and glibc's malloc_trim): what the growth was made of."""
    rt = app.extensions["wdf"]
    print(f"after the run, trimmed: {_trimmed():6.1f} MB")
    caches = [(name, value) for name, value in vars(money).items() if hasattr(value, "cache_info")]
    for name, cached in caches:
        print(f"  money.{name}: {cached.cache_info()}")
    steps = [("domain.money's lru_caches", lambda: [cached.cache_clear() for _, cached in caches]),
             (f"the engine's compiled-statement cache ({len(rt.engine._compiled_cache)} statements)",
              rt.engine._compiled_cache.clear),
             ("the connection pool", rt.engine.dispose)]
    for what, clear in steps:
        before = _trimmed()
        clear()
        print(f"{what}: {before - _trimmed():+6.1f} MB given back")
    print(f"left: {_trimmed():6.1f} MB")


def _trimmed() -> float:
    trim_heap()
    return rss_mb()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        worker(json.loads(sys.argv[2]))
    else:
        main()
