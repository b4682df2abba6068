"""Where a web worker's memory goes while it answers webhooks (on demand, not a test).

The webhook bench (`bench/webhook_bench.py`) reads each gunicorn worker's RSS after its memory
run; this runs the same app in one process instead (Flask's test client, `--threads` threads
posting at once, as a worker's gunicorn threads do), on the bench's data and mix (`--groups`
of the events typed in bound groups), against the fake LINE platform in a process of its own,
and prints the process's RSS as it goes. With `--trace`, tracemalloc snapshots are taken at
the first checkpoint and at the end and the largest differences printed, grouped by the
allocating line (`--frames` deep), to see what grows and whether it grows without bound.

    python -m bench.webhook_memory --contracts 20000 --events 20000
    python -m bench.webhook_memory --contracts 20000 --events 20000 --trace --checkpoint 5000

tracemalloc itself costs memory and time: read RSS from a run without `--trace`.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import sys
import tempfile
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from bench.import_bench import DEFAULT_URL, FILES, ROOT, generate, migrated_schema, run_child
from bench.import_rss import rss_mb
from bench.webhook_bench import DEBTORS, GROUPS, NOW, SECRET, TOKEN, bodies, free_port, populate, process


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
    args = parser.parse_args(argv)

    from bot import create_app
    from config.settings import Settings

    print(f"imports: {rss_mb():.1f} MB", flush=True)
    with tempfile.TemporaryDirectory(prefix="wdf-webhook-memory-") as tmp, \
            migrated_schema(args.url, "rss_webhook_memory") as (url, _schema):
        data = args.data or Path(tmp)
        if not all((data / name).exists() for name in FILES):
            generate(args.contracts, data)
        run_child(url, datetime.fromisoformat(NOW + ":00+07:00"), [data / n for n in FILES])
        who = populate(url, DEBTORS, GROUPS)
        lines = bodies(who, args.events, echo=False, groups=args.groups, seed=4)
        gc.collect()
        fake_port = free_port()
        with process([sys.executable, "-m", "bench.webhook_bench", "--fake", str(fake_port)],
                     {**os.environ, "PYTHONPATH": str(ROOT)}, fake_port, "/_fake/requests"):
            settings = Settings(line_channel_secret=SECRET, line_channel_access_token=TOKEN, admin_token="bench",
                                secret_key="bench", database_url=url,
                                line_api_base_url=f"http://127.0.0.1:{fake_port}",
                                line_data_api_base_url=f"http://127.0.0.1:{fake_port}",
                                fund_now=datetime.fromisoformat(NOW + ":00+07:00"))
            app = create_app(settings)
            logging.disable(logging.INFO)
            print(f"app built, bodies held ({len(lines):,}): {rss_mb():.1f} MB", flush=True)

            def post(line: str) -> int:
                signature, body = line.split("\t", 1)
                with app.test_client() as client:
                    return client.post("/callback", data=body, headers={"X-Line-Signature": signature}).status_code

            first = None
            failed = 0
            started = time.perf_counter()
            with ThreadPoolExecutor(args.threads) as pool:
                for at in range(0, len(lines), args.checkpoint):
                    failed += sum(code != 200 for code in pool.map(post, lines[at:at + args.checkpoint]))
                    done = min(at + args.checkpoint, len(lines))
                    print(f"{done:7,} events: {rss_mb():6.1f} MB  ({failed} non-200, "
                          f"{time.perf_counter() - started:.0f} s)", flush=True)
                    if args.trace and first is None:
                        tracemalloc.start(args.frames)
                        first = tracemalloc.take_snapshot()
                        print("  tracing from here", flush=True)
            if args.trace and first is not None:
                gc.collect()
                last = tracemalloc.take_snapshot()
                current, peak = tracemalloc.get_traced_memory()
                print(f"traced now {current / 2**20:.1f} MB (peak {peak / 2**20:.1f} MB) allocated since tracing began")
                for stat in last.compare_to(first, "traceback")[:25]:
                    print(f"{stat.size_diff / 1024:+9.0f} KiB {stat.count_diff:+8,} blocks")
                    for frame in stat.traceback.format()[-2 * args.frames:]:
                        print("    " + frame)
            print(json.dumps({"rss": rss_mb(), "events": len(lines), "failed": failed}))


if __name__ == "__main__":
    main()
