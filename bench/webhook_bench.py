"""The webhook under load, against the SDK's own echo bot in the same run (not a test).

Imports the sample register (`devtools.sampledata`, 100k contracts by default) into a fresh
PostgreSQL schema, links verified debtors to LINE accounts, adds officers (one per district and
province-wide ones) and bound group chats, and stores the day's follow-up list. Then, with
the fake LINE platform in a process of its own (it records nothing, so its memory stays flat),
it serves first the echo bot (`bench/echo_app.py`), then the floor (`bench/floor_app.py`: the echo
bot plus the one guarantee goal 1 keeps, the event id claimed in a transaction with a balance's
read) and then the product (`web.wsgi:app`), with gunicorn as the Procfile does (2 workers × 4
threads), and for each:

1. saturation: `wrk` (2 threads, 16 connections) posting pre-signed webhook bodies, one event
   each, all different (event ids and reply tokens never repeat): events/s, and the CPU the web
   workers, the fake platform and PostgreSQL each spent per event (from /proc; PostgreSQL counts
   every server process on the machine, so measure on a quiet one);
2. latency at fixed rates (open loop: each request is due at its time on a fixed schedule and
   its latency counts from then, so a server that falls behind shows it): p50/p95/p99;
3. for the product only: 20,000 more events with group messages among them, then each
   worker's RSS.

The product's mix: 90% verified debtors sending `ยอดหนี้`, 10% officers sending `วันนี้`
(the RSS run adds 5% `ยอดหนี้` and help typed in bound groups, which pass the group guard).

    python -m bench.webhook_bench --write-docs
    python -m bench.webhook_bench --contracts 20000 --seconds 10   # quicker
    python -m bench.webhook_bench --profile 2000                    # cProfile of the product in one process

Needs `wrk` (Debian: `apt-get install wrk`).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

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

START, END = "<!-- webhook-bench:start -->", "<!-- webhook-bench:end -->"
SECRET, TOKEN = "bench-secret", "bench-token"
NOW = "2026-11-20T10:00"
DEBTORS, GROUPS = 5000, 50
LUA = r"""
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
function init(args)
  lines = {}
  for line in io.lines(args[1]) do lines[#lines + 1] = line end
  step = tonumber(args[2])
  i = tid + 1
end
function request()
  local line = lines[i]
  if line == nil then i = tid + 1; line = lines[i] end
  i = i + step
  local tab = line:find("\t", 1, true)
  return wrk.format("POST", "/callback", {["Content-Type"] = "application/json",
                    ["X-Line-Signature"] = line:sub(1, tab - 1)}, line:sub(tab + 1))
end
"""


# --------------------------------------------------------------------------- the fake, in its own process


def serve_fake(port: int) -> None:
    """The fake LINE platform on `port`, accepting any reply token starting `bench-`, recording nothing."""
    from devtools.fakeline import server

    server.record_request = lambda *args, **kwargs: None  # type: ignore[assignment]
    server.append_chat = lambda *args, **kwargs: None  # type: ignore[assignment]

    class AnyBenchToken(dict[str, Any]):
        def get(self, key: Any, default: Any = None) -> Any:
            found = super().get(key)
            if found is None and isinstance(key, str) and key.startswith("bench-"):
                found = self[key] = {"issued": time.monotonic(), "used": False, "chat": "user:bench"}
            return found if found is not None else default

    fake = server.FakeLinePlatform(TOKEN, port=port)
    fake.state.reply_tokens = AnyBenchToken()
    fake.start()
    threading.Event().wait()


# --------------------------------------------------------------------------- the data


def populate(url: str, debtors: int, groups: int) -> dict[str, list[str]]:
    """Verified debtors, officers and bound groups on the imported register; the stored list."""
    from sqlalchemy import insert, select, text
    from sqlalchemy.orm import Session

    from models import Area, Contract, LineGroup, LineLink, Membership, StaffMember
    from models.db import make_engine
    from services.followups import refresh_followups

    now = datetime.fromisoformat(NOW + ":00+07:00")
    engine = make_engine(url)
    with Session(engine) as session:
        people = session.scalars(
            select(Membership.person_id).join(Contract, Contract.id == Membership.contract_id)
            .where(Membership.role == "borrower", Contract.status == "active")
            .group_by(Membership.person_id).order_by(Membership.person_id).limit(debtors)).all()
        districts = session.scalars(select(Area.id).where(Area.level == "district").order_by(Area.id)).all()
        villages = session.scalars(select(Area.id).where(Area.level == "village").order_by(Area.id)
                                   .limit(groups)).all()
        debtor_ids = [f"U{0xD0000000 + n:032x}" for n in range(len(people))]
        session.execute(insert(LineLink), [
            {"line_user_id": uid, "person_id": pid, "consented_at": now, "notice_version": "bench", "linked_at": now}
            for uid, pid in zip(debtor_ids, people, strict=True)])
        officers = [(f"U{0x0F000000 + n:032x}", district) for n, district in enumerate([*districts, None, None])]
        session.execute(insert(StaffMember), [
            {"line_user_id": uid, "name": f"เจ้าหน้าที่ {n}", "role": "officer", "district_id": district,
             "created_at": now} for n, (uid, district) in enumerate(officers)])
        group_ids = [f"C{0xC0000000 + n:032x}" for n in range(len(villages))]
        session.execute(insert(LineGroup), [
            {"group_id": gid, "name": f"กลุ่ม {n}", "area_id": area, "joined_at": now, "bound_at": now}
            for n, (gid, area) in enumerate(zip(group_ids, villages, strict=True))])
        refresh_followups(session, now.date(), now)
        session.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()
    return {"debtors": debtor_ids, "officers": [uid for uid, _ in officers], "groups": group_ids}


def bodies(who: dict[str, list[str]], count: int, *, echo: bool, groups: float = 0.0,
           seed: int = 2568) -> list[str]:
    """`count` signed webhook bodies, one event each, as `signature TAB body` lines: the product's
    mix (90% debtors' `ยอดหนี้`, 10% officers' `วันนี้`; with `groups`, that share typed in groups),
    or for the echo bot the same texts from the same people."""
    rng = random.Random(seed)
    run = uuid.uuid4().hex[:8]
    lines = []
    for n in range(count):
        roll = rng.random()
        source: dict[str, Any]
        if roll < groups:
            source = {"type": "group", "groupId": rng.choice(who["groups"]), "userId": rng.choice(who["debtors"])}
            words = rng.choice(("ยอดหนี้", "ช่วยเหลือ"))
        elif roll < groups + (1 - groups) * 0.1:
            source, words = {"type": "user", "userId": rng.choice(who["officers"])}, "วันนี้"
        else:
            source, words = {"type": "user", "userId": rng.choice(who["debtors"])}, "ยอดหนี้"
        event = {"type": "message", "mode": "active", "timestamp": 1795000000000 + n, "source": source,
                 "webhookEventId": f"{run}{n:018d}".upper(), "deliveryContext": {"isRedelivery": False},
                 "replyToken": f"bench-{'echo' if echo else 'bot'}-{run}-{n}",
                 "message": {"type": "text", "id": str(700_000_000_000 + n), "quoteToken": "q", "text": words}}
        body = json.dumps({"destination": "U" + "0" * 32, "events": [event]}, separators=(",", ":"))
        signature = base64.b64encode(hmac.new(SECRET.encode(), body.encode(), hashlib.sha256).digest()).decode()
        lines.append(f"{signature}\t{body}")
    return lines


# --------------------------------------------------------------------------- servers and load


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, path: str = "/", timeout: float = 60.0) -> None:
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing answered on port {port}")


@contextmanager
def process(command: list[str], env: dict[str, str], port: int, path: str = "/") -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(port, path)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def gunicorn(app: str, port: int) -> list[str]:
    """The Procfile's `web:` line, on this port."""
    return [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
            "--timeout", "30", app]


def saturate(port: int, lines: list[str], seconds: int, work: Path) -> dict[str, float]:
    """wrk at full speed: events/s (one event a request) and any non-2xx answers."""
    script, data = work / "bench.lua", work / f"bodies-{uuid.uuid4().hex[:6]}.txt"
    script.write_text(LUA, encoding="utf-8")
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    threads = 2
    done = subprocess.run(["wrk", "-t", str(threads), "-c", "16", "-d", f"{seconds}s", "--latency", "-s", str(script),
                           f"http://127.0.0.1:{port}", "--", str(data), str(threads)],
                          capture_output=True, text=True, check=True)
    rate = float(re.search(r"Requests/sec:\s+([0-9.]+)", done.stdout).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"([0-9]+) requests in", done.stdout).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: ([0-9]+)", done.stdout)
    if total > len(lines):
        print(f"note: {total} requests for {len(lines)} bodies: {total - len(lines)} were redeliveries", flush=True)
    return {"rate": rate, "requests": total, "errors": int(bad.group(1)) if bad else 0}


def load_child(port: int, path: str, rate: float, seconds: float) -> None:
    """Open-loop load: request n is due at start + n/rate; its latency counts from then. Prints JSON."""
    import http.client
    import queue

    lines = Path(path).read_text(encoding="utf-8").splitlines()
    count = min(len(lines), int(rate * seconds))
    due: queue.Queue[tuple[float, str] | None] = queue.Queue()
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while (item := due.get()) is not None:
            at, line = item
            signature, body = line.split("\t", 1)
            ok = False
            for _attempt in range(2):  # a keep-alive connection the server closed while idle: once more, anew
                try:
                    connection.request("POST", "/callback", body=body.encode(),
                                       headers={"Content-Type": "application/json", "X-Line-Signature": signature})
                    response = connection.getresponse()
                    response.read()
                    ok = response.status == 200
                    break
                except (OSError, http.client.HTTPException):
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            with lock:
                latencies.append(time.perf_counter() - at)
                errors[0] += not ok

    workers = [threading.Thread(target=worker, daemon=True) for _ in range(64)]
    for thread in workers:
        thread.start()
    start = time.perf_counter() + 0.2
    for n in range(count):
        at = start + n / rate
        pause = at - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        due.put((at, lines[n]))
    for _ in workers:
        due.put(None)
    for thread in workers:
        thread.join()
    ordered = sorted(latencies)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    print(json.dumps({"rate": rate, "events": count, "errors": errors[0], "p50": statistics.median(ordered) * 1000,
                      "p95": pick(0.95), "p99": pick(0.99), "max": ordered[-1] * 1000}))


def fixed_rate(port: int, lines: list[str], rate: float, seconds: float, work: Path) -> dict[str, float]:
    data = work / f"rate-{uuid.uuid4().hex[:6]}.txt"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bench.webhook_bench", "--load", str(port), str(data), str(rate),
                           str(seconds)], cwd=ROOT, capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def worker_rss(master: int) -> list[float]:
    """RSS (MB) of each gunicorn worker under this master."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    out = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out.append(int(line.split()[1]) / 1024)
    return out


def sample_workers(master: int, name: str, seconds: int) -> list[subprocess.Popen[bytes]]:
    """`--py-spy DIR`: py-spy samples each worker through the saturation run (without stopping it:
    `--nonblocking`), only threads holding the GIL (`--gil`: where the workers' CPU goes, not where
    their threads wait), its stacks collapsed into DIR/<name>-<pid>.txt."""
    out = Path(os.environ["WEBHOOK_BENCH_PY_SPY"])
    out.mkdir(parents=True, exist_ok=True)
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")  # a venv's, not on PATH
    return [subprocess.Popen([spy, "record", "--pid", pid, "--duration", str(seconds), "--rate", "250",
                              "--nonblocking", "--gil", "--format", "raw", "--output", str(out / f"{name}-{pid}.txt")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for pid in children]


def worker_hwm(master: int) -> list[float]:
    """Peak RSS (MB) of each gunicorn worker under this master."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    out = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                out.append(int(line.split()[1]) / 1024)
    return out


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time (s) these processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue  # ended meanwhile
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def postgres_pids() -> list[int]:
    """The PostgreSQL server's processes on this machine (its backends come and go)."""
    found = subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True, check=False).stdout.split()
    return [int(pid) for pid in found]


def cpu_per_event(master: int, fake: int, run: Callable[[], dict[str, float]]) -> dict[str, Any]:
    """`run` (a saturation run), and the CPU each party spent on one of its events: the web workers,
    the fake LINE platform, PostgreSQL (every backend on the machine: measure on a quiet one)."""
    workers = [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    parties = {"web workers": lambda: cpu_seconds(workers), "fake LINE": lambda: cpu_seconds([fake]),
               "PostgreSQL": lambda: cpu_seconds(postgres_pids())}
    before = {name: read() for name, read in parties.items()}
    result = run()
    result["cpu_ms"] = {name: (read() - before[name]) / max(1, result["requests"]) * 1000
                        for name, read in parties.items()}
    return result


# --------------------------------------------------------------------------- one run


def run_one(name: str, app: str, env: dict[str, str], lines: dict[str, list[str]], args: argparse.Namespace,
            work: Path, fake_pid: int) -> dict[str, Any]:
    port = free_port()
    result: dict[str, Any] = {"name": name}
    with process(gunicorn(app, port), env, port, "/healthz" if name == "bot" else "/") as server:
        warm = lines["warm"]
        fixed_rate(port, warm, 50, len(warm) / 50, work)  # both workers' pools, caches and imports
        samplers = sample_workers(server.pid, name, args.seconds) if args.py_spy else []
        result["saturation"] = cpu_per_event(server.pid, fake_pid,
                                             lambda: saturate(port, lines["saturate"], args.seconds, work))
        for sampler in samplers:
            sampler.wait()
        result["rates"] = []
        offset = 0
        for rate in args.rates:
            n = int(rate * args.rate_seconds)
            result["rates"].append(fixed_rate(port, lines["rates"][offset:offset + n], rate, args.rate_seconds, work))
            offset += n
        if lines.get("rss"):
            result["rss_before"] = worker_rss(server.pid)
            # long enough at the rate just measured for all of them (a few more wrap round: duplicates)
            seconds = max(2, round(len(lines["rss"]) / max(1.0, result["saturation"]["rate"]) * 1.05))
            result["rss_run"] = saturate(port, lines["rss"], seconds, work)
            result["rss"] = worker_rss(server.pid)
            result["hwm"] = worker_hwm(server.pid)
    print(json.dumps(result), flush=True)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--data", type=Path, help="use (or create) the sample files in this directory")
    parser.add_argument("--url", default=os.environ.get("TEST_POSTGRES_URL", DEFAULT_URL))
    parser.add_argument("--seconds", type=int, default=15, help="length of each saturation run")
    parser.add_argument("--rates", type=lambda s: [float(x) for x in s.split(",")], default=[50.0, 100.0, 200.0])
    parser.add_argument("--rate-seconds", type=float, default=20.0)
    parser.add_argument("--rss-events", type=int, default=20_000)
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--py-spy", type=Path, help="sample each server's workers with py-spy during saturation "
                        "(pip install py-spy), stacks into this directory")
    parser.add_argument("--only", help="comma-separated: which of echo, floor, bot to serve (default: all)")
    args = parser.parse_args(argv)
    if args.py_spy:
        os.environ["WEBHOOK_BENCH_PY_SPY"] = str(args.py_spy)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (apt-get install wrk)")

    with tempfile.TemporaryDirectory(prefix="wdf-webhook-bench-") as tmp:
        work = Path(tmp)
        data = args.data or work
        if not all((data / name).exists() for name in FILES):
            generate(args.contracts, data)
        with migrated_schema(args.url, "webhook_bench") as (url, _schema):
            started = time.perf_counter()
            run_child(url, datetime.fromisoformat(NOW + ":00+07:00"), [data / n for n in FILES])
            who = populate(url, DEBTORS, GROUPS)
            built = time.perf_counter() - started
            fake_port = free_port()
            base = {**os.environ, "PYTHONPATH": str(ROOT), "LINE_CHANNEL_SECRET": SECRET,
                    "LINE_CHANNEL_ACCESS_TOKEN": TOKEN, "LINE_API_BASE_URL": f"http://127.0.0.1:{fake_port}",
                    "LINE_DATA_API_BASE_URL": f"http://127.0.0.1:{fake_port}"}
            env = {**base, "DATABASE_URL": url, "ADMIN_TOKEN": "bench", "SECRET_KEY": "bench", "FUND_NOW": NOW}
            rate_events = int(sum(args.rates) * args.rate_seconds)
            sat_events = 2500 * args.seconds
            results = {}
            with process([sys.executable, "-m", "bench.webhook_bench", "--fake", str(fake_port)], base, fake_port,
                         "/_fake/requests") as fake:
                for name, app, echo in (("echo", "bench.echo_app:app", True), ("floor", "bench.floor_app:app", True),
                                        ("bot", "web.wsgi:app", False)):
                    if args.only and name not in args.only.split(","):
                        continue
                    lines = {"warm": bodies(who, 500, echo=echo, seed=1),
                             "saturate": bodies(who, sat_events, echo=echo, seed=2),
                             "rates": bodies(who, rate_events, echo=echo, seed=3)}
                    if not echo and args.rss_events:
                        lines["rss"] = bodies(who, args.rss_events, echo=echo, groups=0.05, seed=4)
                    results[name] = run_one(name, app, base if name == "echo" else env, lines, args, work, fake.pid)
    if not {"echo", "bot"} <= results.keys():  # `--only`: the figures above, no table
        return
    block = render(results, args, built, who)
    print(block)
    if args.write_docs:
        intro = (__doc__ or "").split("\n\n")[1].replace("\n", " ")
        write_section(START, END, block, "Webhook", intro)


def render(results: dict[str, Any], args: argparse.Namespace, built: float, who: dict[str, list[str]]) -> str:
    echo, bot = results["echo"], results["bot"]
    floor = results.get("floor")
    ratio = bot["saturation"]["rate"] / echo["saturation"]["rate"]
    command = "python -m bench.webhook_bench" + (
        f" --contracts {args.contracts}" if args.contracts != 100_000 else "") + (
        f" --seconds {args.seconds}" if args.seconds != 15 else "")
    servers = [("echo bot (SDK)", echo), *([("floor: echo + one transaction", floor)] if floor else []),
               ("this product", bot)]
    others = servers[1:]

    def row(label: str, cells: list[str], ratios: list[str]) -> str:
        return f"| {label} | {' | '.join(cells)} | {' | '.join(ratios)} |"

    lines = [
        f"Measured {datetime.now():%Y-%m-%d} on {machine()}; {server_version(args.url)}; gunicorn as in the Procfile "
        f"(2 workers × 4 threads) for all {len(servers)}; the fake LINE platform in its own process; load from wrk "
        "(saturation) and an open-loop Python generator (fixed rates), on loopback.",
        f"Command: `{command}` ({args.contracts:,} contracts imported, {len(who['debtors']):,} verified debtors, "
        f"{len(who['officers'])} officers (one per district, two province-wide), {len(who['groups'])} bound groups; "
        f"data imported and linked in {built:.0f} s).",
        "",
        row("", [name for name, _ in servers], [f"{name.split(':')[0]} ÷ echo" for name, _ in others]),
        row("---", ["---:"] * len(servers), ["---:"] * len(others)),
        row(f"events/s at saturation (wrk, {args.seconds} s)", [f"{r['saturation']['rate']:,.0f}" for _, r in servers],
            [f"**{r['saturation']['rate'] / echo['saturation']['rate']:.2f}×**" for _, r in others]),
    ]
    for n, e in enumerate(echo["rates"]):
        lines.append(row(f"p50 / p95 / p99 at {e['rate']:.0f} events/s",
                         [f"{r['rates'][n]['p50']:.0f} / {r['rates'][n]['p95']:.0f} / {r['rates'][n]['p99']:.0f} ms"
                          for _, r in servers], [""] * len(others)))
    cpu_e = echo["saturation"]["cpu_ms"]

    def times(mine: float, theirs: float) -> str:
        return f"{mine / theirs:.1f}×" if theirs >= 0.05 else "(the echo bot has none)"

    for party in cpu_e:
        lines.append(row(f"CPU per event at saturation: {party}",
                         [f"{r['saturation']['cpu_ms'][party]:.2f} ms" for _, r in servers],
                         [times(r["saturation"]["cpu_ms"][party], cpu_e[party]) for _, r in others]))
    lines.append(row("CPU per event at saturation: all three",
                     [f"{sum(r['saturation']['cpu_ms'].values()):.2f} ms" for _, r in servers],
                     [times(sum(r["saturation"]["cpu_ms"].values()), sum(cpu_e.values())) for _, r in others]))
    errors = bot["saturation"]["errors"] + sum(r["errors"] for r in bot["rates"])
    at200 = next((r for r in bot["rates"] if r["rate"] == 200), None)
    rss = bot.get("rss", [])
    lines += ["", f"Errors (non-200 answers) in the product's runs: {errors}."]
    if rss:
        lines.append(
            f"Web worker RSS after {bot['rss_run']['requests']:,} more events (5% typed in bound groups, through "
            f"the group guard) on top of the runs above: {', '.join(f'{m:.0f} MB' for m in rss)} (peak "
            f"{', '.join(f'{m:.0f}' for m in bot['hwm'])} MB; before that run "
            f"{', '.join(f'{m:.0f}' for m in bot['rss_before'])} MB).")
    lines += [
        "",
        f"Goal 1, ≥ 0.6× the echo bot: **{'met' if ratio >= 0.6 else 'not met'}** ({ratio:.2f}×); p99 ≤ 150 ms at "
        f"200 events/s: " + (f"**{'met' if at200['p99'] <= 150 else 'not met'}** ({at200['p99']:.0f} ms)."
                             if at200 else "not measured."),
    ]
    if floor:
        least = floor["saturation"]["rate"] / echo["saturation"]["rate"]
        lines.append(f"The floor (the echo bot plus only the guarantee goal 1 keeps: the event id claimed in one "
                     f"transaction with one read of a balance's figures) runs at {least:.2f}× the echo bot; the "
                     f"product at {bot['saturation']['rate'] / floor['saturation']['rate']:.2f}× the floor.")
    if rss:
        lines.append(f"Goal 4, worker RSS ≤ 150 MB: **{'met' if max(rss) <= 150 else 'not met'}** "
                     f"({max(rss):.0f} MB).")
    return "\n".join(lines)


def profile(events: int, contracts: int, url: str) -> None:
    """cProfile of the product's webhook in one process (Flask's test client, no gunicorn)."""
    import cProfile
    import logging
    import pstats

    from bot import create_app
    from config.settings import Settings

    with tempfile.TemporaryDirectory(prefix="wdf-webhook-profile-") as tmp, \
            migrated_schema(url, "webhook_profile") as (schema_url, _schema):
        generate(contracts, Path(tmp))
        run_child(schema_url, datetime.fromisoformat(NOW + ":00+07:00"), [Path(tmp) / n for n in FILES])
        who = populate(schema_url, DEBTORS, GROUPS)
        fake_port = free_port()
        base = {**os.environ, "PYTHONPATH": str(ROOT)}
        with process([sys.executable, "-m", "bench.webhook_bench", "--fake", str(fake_port)], base, fake_port,
                     "/_fake/requests"):
            settings = Settings(line_channel_secret=SECRET, line_channel_access_token=TOKEN, admin_token="bench",
                                secret_key="bench", database_url=schema_url,
                                line_api_base_url=f"http://127.0.0.1:{fake_port}",
                                line_data_api_base_url=f"http://127.0.0.1:{fake_port}",
                                fund_now=datetime.fromisoformat(NOW + ":00+07:00"))
            app = create_app(settings)
            logging.disable(logging.INFO)
            client = app.test_client()
            for mix, share in (("balance", 0.0), ("today", 1.0)):
                lines = bodies(who, events, echo=False, seed=7 if mix == "balance" else 8)
                chosen = [line for line in lines if ("วันนี้" in json.loads(line.split("\t", 1)[1])["events"][0]
                                                   ["message"]["text"]) == bool(share)][:max(50, events // 10)]
                for line in chosen[:20]:
                    signature, body = line.split("\t", 1)
                    client.post("/callback", data=body, headers={"X-Line-Signature": signature})
                profiler = cProfile.Profile(time.process_time) if os.environ.get("PROFILE_CPU") else cProfile.Profile()
                t0 = time.perf_counter()
                profiler.enable()
                for line in chosen[20:]:
                    signature, body = line.split("\t", 1)
                    client.post("/callback", data=body, headers={"X-Line-Signature": signature})
                profiler.disable()
                took = time.perf_counter() - t0
                print(f"== {mix}: {len(chosen) - 20} events, {took / (len(chosen) - 20) * 1000:.2f} ms each "
                      "(under cProfile)")
                if os.environ.get("PROFILE_DUMP"):  # for pstats' callers and callees, e.g. snakeviz
                    profiler.dump_stats(f"{os.environ['PROFILE_DUMP']}.{mix}")
                pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(45)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--fake":
        serve_fake(int(sys.argv[2]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--load":
        load_child(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), float(sys.argv[5]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--profile":
        profile(int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 20_000,
                os.environ.get("TEST_POSTGRES_URL", DEFAULT_URL))
    else:
        main()
