"""Latency of GET /api/contracts/<code> on a province-sized register (not a test).

Imports the 100k-contract sample register into a fresh PostgreSQL schema (reusing
bench.import_bench), serves the app with gunicorn as in production (Procfile `web:`),
and times sequential requests for random project codes from one client on loopback.
The baseline, measured in the same run against the same server, is GET /healthz: one
trivial database round trip through the same stack, so the difference is what the
contract lookup and the money rules cost.

    .venv/bin/python -m bench.api_bench --write-docs
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench.import_bench import (
    DEFAULT_URL,
    FILES,
    ROOT,
    generate,
    machine,
    migrated_schema,
    run_child,
    server_version,
    write_section,
)

START, END = "<!-- api-bench:start -->", "<!-- api-bench:end -->"
TOKEN = "bench-admin-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def timed(port: int, paths: list[str]) -> list[float]:
    """Milliseconds per request, one persistent HTTP/1.1 connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    out = []
    try:
        for path in paths:
            started = time.perf_counter()
            connection.request("GET", path, headers={"Authorization": f"Bearer {TOKEN}"})
            response = connection.getresponse()
            response.read()
            out.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                raise SystemExit(f"{path} answered {response.status}")
    finally:
        connection.close()
    return out


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50": statistics.median(ordered), "p95": pick(0.95), "p99": pick(0.99), "max": ordered[-1]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--url", default=os.environ.get("TEST_POSTGRES_URL", DEFAULT_URL))
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)


    from domain.clock import BANGKOK

    with tempfile.TemporaryDirectory(prefix="wdf-api-bench-") as tmp:
        data = args.data or Path(tmp)
        if not all((data / name).exists() for name in FILES):
            generate(args.contracts, data)
        lines = (data / "contracts.csv").read_text(encoding="utf-8").splitlines()[1:]
        codes = [line.split(",", 1)[0] for line in lines]
        with migrated_schema(args.url, "api_bench") as (rendered, _schema):
            run_child(rendered, datetime(2026, 11, 20, 10, 0, tzinfo=BANGKOK), [data / n for n in FILES])
            port = free_port()
            env = {**os.environ, "DATABASE_URL": rendered, "ADMIN_TOKEN": TOKEN, "SECRET_KEY": "bench",
                   "LINE_CHANNEL_SECRET": "bench", "LINE_CHANNEL_ACCESS_TOKEN": "bench",
                   "FUND_NOW": "2026-11-20T10:00", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                 "--threads", "4", "web.wsgi:app"], env=env, cwd=ROOT,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wait_for(port)
                rng = random.Random(2568)
                picks = [f"/api/contracts/{rng.choice(codes)}?as_of=2026-11-20" for _ in range(args.requests)]
                timed(port, picks[:100] + ["/healthz"] * 100)  # warm both workers' pools and caches
                baseline = summary(timed(port, ["/healthz"] * args.requests))
                contracts = summary(timed(port, picks))
            finally:
                server.terminate()
                server.wait(timeout=10)

    command = "python -m bench.api_bench" + (f" --contracts {args.contracts}" if args.contracts != 100_000 else "")
    block = render(len(codes), args.requests, baseline, contracts, command, server_version(args.url))
    print(block)
    if args.write_docs:
        intro = (__doc__ or "").split("\n\n")[1].replace("\n", " ")
        write_section(START, END, block, "Contract API latency", intro)


def render(contracts: int, requests: int, baseline: dict[str, float], measured: dict[str, float],
           command: str, pg: str) -> str:
    goal = "met" if measured["p95"] < 20 else "**missed**"
    lines = [
        f"Measured {datetime.now():%Y-%m-%d} on {machine()}; {pg}; gunicorn 2 workers × 4 threads on loopback.",
        f"Command: `{command}` ({contracts:,} contracts, {requests:,} sequential requests each, "
        "one keep-alive client).",
        "",
        "| request | p50 | p95 | p99 | max |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, s in (("GET /healthz (baseline: one DB round trip)", baseline),
                    ("GET /api/contracts/<code>?as_of=…", measured)):
        lines.append(f"| {name} | {s['p50']:.1f} ms | {s['p95']:.1f} ms | {s['p99']:.1f} ms | {s['max']:.1f} ms |")
    lines += ["", f"Goal (p95 under 20 ms): {goal}."]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
