"""Outbox delivery by 1, 2 and 4 worker processes against the fake LINE platform (not a test).

Queues N pushes, each to its own user with its own text (a differing-content fan-out, the
case multicast cannot take), in a fresh PostgreSQL schema, then starts W delivery worker
processes (`flask --app bot outbox work`, the Procfile's `worker:`, each with OUTBOX_WORKERS
requests in flight) and times from the moment the rows are committed to the moment the fake
platform has acknowledged the last of them. The fake answers each send after a latency drawn
evenly from a range (20–50 ms by default, about what LINE takes), so that in-flight requests and
worker processes matter, as they do against the real API. It counts what reached the fake: every
row exactly once (distinct retry keys and recipients, no 409 for a retry key seen before).
The baseline, in the same run against the same fake, is a plain loop of SDK push calls, one
after the other, on a sample, scaled to N.

    .venv/bin/python -m bench.outbox_bench --write-docs
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from bench.import_bench import DEFAULT_URL, machine, migrated_schema, server_version, write_section

START, END = "<!-- outbox-bench:start -->", "<!-- outbox-bench:end -->"
TOKEN = "bench-token"
ROOT = Path(__file__).resolve().parents[1]
PUSH = "/v2/bot/message/push"


def queue_rows(url: str, rows: int, run: int) -> None:
    """N pushes, due now, each to its own user with its own words, in one transaction."""
    from sqlalchemy import insert

    from models import Outbox
    from models.db import make_engine

    engine = make_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(insert(Outbox), [
            {"retry_key": str(uuid.uuid4()), "dedupe_key": None, "kind": "push", "recipient_kind": "user",
             "recipient": f"U{run:08x}{i:024x}", "recipients": [f"U{run:08x}{i:024x}"],
             "messages": [{"type": "text", "text": f"เรียนคุณสมาชิกหมายเลข {i}: ครบกำหนดชำระวันที่ 1 ธ.ค. 2569"}],
             "summary": "", "origin": "bench", "status": "queued", "attempts": 0, "proactive": False,
             "next_attempt_at": now, "created_at": now} for i in range(rows)])
    engine.dispose()


def start_workers(count: int, env: dict[str, str], logs: Path) -> list[tuple[subprocess.Popen[str], Path]]:
    """`outbox work` processes, each logging to its own file; returns once every one has started."""
    workers = []
    for n in range(count):
        log = logs / f"worker-{n}.log"
        with log.open("w") as err:
            process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "bot", "outbox", "work",
                                        "--idle-seconds", "0.05"], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                       stderr=err, text=True)
        workers.append((process, log))
    deadline = time.monotonic() + 120
    while not all("outbox worker started" in log.read_text() for _, log in workers):
        if time.monotonic() > deadline or any(p.poll() is not None for p, _ in workers):
            raise SystemExit("a worker did not start: " + " | ".join(log.read_text()[-500:] for _, log in workers))
        time.sleep(0.05)
    return workers


def stop_workers(workers: list[tuple[subprocess.Popen[str], Path]]) -> list[int]:
    """SIGTERM each; what each says it attempted."""
    for process, _ in workers:
        process.send_signal(signal.SIGTERM)
    attempts = []
    for process, log in workers:
        out, _ = process.communicate(timeout=60)
        if process.returncode != 0:
            raise SystemExit(f"a worker failed: {log.read_text()[-2000:]}")
        attempts.append(int(out.split()[0]))
    return attempts


def run_once(fake, url: str, workers: int, rows: int, run: int, env: dict[str, str], logs: Path) -> dict:  # type: ignore[no-untyped-def]
    started_workers = start_workers(workers, {**env, "DATABASE_URL": url}, logs)
    try:
        with fake.state.lock:
            fake.state.requests.clear()
            fake.state.accepted_retry_keys.clear()
            fake.state.chats.clear()
        t0 = time.perf_counter()
        queue_rows(url, rows, run)
        while True:
            with fake.state.lock:
                done = sum(1 for r in fake.state.requests if r["path"] == PUSH and r["status"] == 200)
            if done >= rows:
                break
            if time.perf_counter() - t0 > 600:
                raise SystemExit(f"only {done} of {rows} arrived in 600 s")
            time.sleep(0.005)
        elapsed = time.perf_counter() - t0
    finally:
        attempts = stop_workers(started_workers)
    with fake.state.lock:
        pushes = [r for r in fake.state.requests if r["path"] == PUSH]
        chats = {chat: len(messages) for chat, messages in fake.state.chats.items()}
    ok = [r for r in pushes if r["status"] == 200]
    return {
        "workers": workers, "seconds": elapsed, "rate": rows / elapsed, "received": len(ok),
        "distinct_keys": len({r["retry_key"] for r in ok}),
        "distinct_to": len({r["body"]["to"] for r in ok}),
        "refused": len(pushes) - len(ok),
        "most_per_chat": max(chats.values(), default=0), "attempts": attempts,
    }


def baseline(fake_url: str, sample: int) -> float:
    """Seconds for `sample` plain SDK pushes, one after the other."""
    from linebot.v3.messaging import ApiClient, Configuration, MessagingApi, PushMessageRequest, TextMessage

    with ApiClient(Configuration(host=fake_url, access_token=TOKEN)) as client:
        api = MessagingApi(client)
        t0 = time.perf_counter()
        for i in range(sample):
            api.push_message(PushMessageRequest(to=f"U{i:032x}", messages=[TextMessage(text=f"x {i}")]),
                             x_line_retry_key=str(uuid.uuid4()))
        return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=4_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--threads", type=int, default=8, help="OUTBOX_WORKERS of each process")
    parser.add_argument("--latency-ms", type=float, nargs=2, default=[20.0, 50.0], metavar=("LOW", "HIGH"))
    parser.add_argument("--baseline-sample", type=int, default=300)
    parser.add_argument("--url", default=os.environ.get("TEST_POSTGRES_URL", DEFAULT_URL))
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)

    import logging

    from devtools.fakeline import FakeLinePlatform

    logging.disable(logging.INFO)
    latency = (args.latency_ms[0] / 1000, args.latency_ms[1] / 1000)
    fake = FakeLinePlatform(TOKEN, latency=latency).start()
    results = []
    try:
        with migrated_schema(args.url, "outbox_bench") as (url, _schema), \
                tempfile.TemporaryDirectory(prefix="wdf-outbox-bench-") as tmp:
            env = {**os.environ, "PYTHONPATH": str(ROOT), "LINE_CHANNEL_SECRET": "bench",
                   "LINE_CHANNEL_ACCESS_TOKEN": TOKEN, "ADMIN_TOKEN": "bench", "SECRET_KEY": "bench",
                   "LINE_API_BASE_URL": fake.url, "LINE_DATA_API_BASE_URL": fake.url,
                   "OUTBOX_WORKERS": str(args.threads)}
            sample = baseline(fake.url, args.baseline_sample)
            base_rate = args.baseline_sample / sample
            for run, workers in enumerate(args.workers):
                result = run_once(fake, url, workers, args.rows, run, env, Path(tmp))
                results.append(result)
                print(result, flush=True)
            sample_after = baseline(fake.url, args.baseline_sample)
            base_rate_after = args.baseline_sample / sample_after
    finally:
        fake.stop()

    base = (base_rate + base_rate_after) / 2
    once = all(r["received"] == r["distinct_keys"] == r["distinct_to"] == args.rows and r["refused"] == 0
               and r["most_per_chat"] == 1 for r in results)
    rising = all(b["rate"] > a["rate"] for a, b in zip(results, results[1:], strict=False))
    lines = [
        f"Measured {datetime.now():%Y-%m-%d} on {machine()}; {server_version(args.url)}; the fake LINE platform "
        f"(Flask, threaded) on loopback in the bench's process, answering each send after "
        f"{args.latency_ms[0]:.0f}–{args.latency_ms[1]:.0f} ms.",
        f"Command: `python -m bench.outbox_bench` ({args.rows:,} pushes, each to its own user with its own text; "
        f"worker processes `flask --app bot outbox work`, OUTBOX_WORKERS={args.threads} each, "
        "LINE_PUSH_RATE 1000 each).",
        "",
        "| delivery | time, queued → last acknowledged | pushes/s | × the raw push loop | received once each "
        "| split between the processes |",
        "| --- | ---: | ---: | ---: | --- | --- |",
        f"| baseline: plain loop of SDK pushes, one after the other ({args.baseline_sample} measured before and "
        f"after, scaled) | {args.rows / base:.1f} s | {base:.0f} | 1.0× | | |",
        *[f"| {r['workers']} worker process{'es' if r['workers'] > 1 else ''} | {r['seconds']:.1f} s | "
          f"{r['rate']:.0f} | {r['rate'] / base:.1f}× | {r['distinct_keys']:,} of {args.rows:,}, "
          f"{r['refused']} refused, at most {r['most_per_chat']} a chat | "
          f"{' + '.join(f'{a:,}' for a in r['attempts'])} |" for r in results],
        "",
        f"Every message once: {'yes' if once else '**no**'}; throughput rising with processes: "
        f"{'yes' if rising else '**no**'}.",
    ]
    block = "\n".join(lines)
    print(block)
    if args.write_docs:
        intro = (__doc__ or "").split("\n\n")[1].replace("\n", " ")
        write_section(START, END, block, "Outbox delivery by several worker processes", intro)


if __name__ == "__main__":
    main()
