"""The officers' console on a province-sized register (not a test).

Generates the sample register (`devtools.sampledata`), imports it into a fresh PostgreSQL
schema, stores the follow-up list (as the importer's command and the clock do), and then,
each in a fresh child process so that memory is its own: Today's first page
(`GET /console/`, signed in as a province officer) timed over many requests for its p95,
against the same rows from the JSON API (`GET /api/followups?limit=50`, the baseline in the
same run); and the whole list exported as XLSX (`GET /console/export.xlsx`), timed, with
the child's peak resident memory beside that of a child that only served a page. Then the
province's dashboard (`GET /console/dashboard`, every district, and one district) timed over
many requests; and the register imported through the console's page (upload, the check, the
confirm, the job's thread: `/console/import`) into a second fresh schema, timed and with its
peak memory, beside the `import` command (`flask --app bot import`, run in-process by its own
click command) into a third.

    .venv/bin/python -m bench.console_bench --write-docs
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from contextlib import ExitStack
from datetime import datetime, timedelta
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

START, END = "<!-- console-bench:start -->", "<!-- console-bench:end -->"
NOW = "2026-11-20T10:00"
OFFICER = "U" + "be" * 16
GOAL_PAGE_MS, GOAL_EXPORT_S, GOAL_MB = 300.0, 10.0, 300.0
GOAL_DASHBOARD_MS = 1000.0


def import_child(url: str, mode: str, folder: str) -> None:
    """Import the register in-process, as the CLI (`import` through its click command) or the web page
    does (upload, wait for the check, confirm, wait for the import: the job is the page's own thread);
    print JSON timings and this process's peak memory."""
    import logging

    import bot  # noqa: F401  (the app's import order)
    from config.settings import Settings
    from domain.clock import FixedClock, parse_fund_now
    from models import ImportRun
    from models.db import session_scope
    from services.console import issue_signin_link, officer_by_line_id
    from web.app import create_app

    logging.disable(logging.WARNING)
    clock = FixedClock(parse_fund_now(NOW))
    with tempfile.TemporaryDirectory(prefix="wdf-bench-uploads-") as uploads:
        settings = Settings(line_channel_secret="s", line_channel_access_token="t", admin_token="bench-admin",
                            secret_key="bench", database_url=url, log_json=True, log_level="WARNING",
                            uploads_dir=uploads)
        app = create_app(settings, clock=clock)
        rt = app.extensions["wdf"]
        paths = [Path(folder) / name for name in FILES]
        out: dict[str, Any] = {}
        if mode == "cli":
            started = time.perf_counter()
            result = app.test_cli_runner().invoke(args=["import", *map(str, paths)])
            out["import_s"] = time.perf_counter() - started
            assert result.exit_code == 0, result.output
        else:
            with session_scope(rt.sessions) as session:
                token = issue_signin_link(session, officer_by_line_id(session, OFFICER), clock.now())  # type: ignore[arg-type]
            client = app.test_client()
            https = {"base_url": "https://localhost"}
            assert client.post(f"/console/signin/{token}", **https).status_code == 302
            csrf = client.get("/console/import", **https).get_data(as_text=True).split('name="csrf_token" value="')[1]
            csrf = csrf.split('"')[0]

            def status(run_id: int) -> str:
                with rt.sessions() as session:
                    run = session.get(ImportRun, run_id)
                    return run.status if run is not None else "gone"

            def wait(run_id: int, until: str) -> float:
                started = time.perf_counter()
                while (now := status(run_id)) != until:
                    assert now in ("checking", "importing"), now
                    time.sleep(0.2)
                return time.perf_counter() - started

            started = time.perf_counter()
            with ExitStack() as files:
                upload = [(files.enter_context(path.open("rb")), path.name) for path in paths]
                answer = client.post("/console/import", data={"csrf_token": csrf, "files": upload},
                                     content_type="multipart/form-data", **https)
            assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
            out["upload_s"] = time.perf_counter() - started
            run_id = int(answer.headers["Location"].rsplit("/", 1)[1])
            out["check_s"] = wait(run_id, "checked")
            started = time.perf_counter()
            confirmed = client.post(f"/console/import/{run_id}/confirm", data={"csrf_token": csrf}, **https)
            assert confirmed.status_code == 302
            out["import_s"] = time.perf_counter() - started + wait(run_id, "imported")
        out["peak_mb"] = peak_mb()
        rt.close()
    print(json.dumps(out))


def child(url: str, mode: str, requests: int) -> None:
    """Serve the console in-process (Flask's test client, no network) and print JSON timings."""
    import logging

    from sqlalchemy import text

    import bot  # noqa: F401  (the app's import order)
    from config.settings import Settings
    from domain.clock import FixedClock, parse_fund_now
    from models.db import session_scope
    from services.console import issue_signin_link, officer_by_line_id
    from web.app import create_app

    logging.disable(logging.WARNING)
    clock = FixedClock(parse_fund_now(NOW))
    settings = Settings(line_channel_secret="s", line_channel_access_token="t", admin_token="bench-admin",
                        secret_key="bench", database_url=url, log_json=True, log_level="WARNING")
    app = create_app(settings, clock=clock)
    rt = app.extensions["wdf"]
    with session_scope(rt.sessions) as session:
        token = issue_signin_link(session, officer_by_line_id(session, OFFICER), clock.now())  # type: ignore[arg-type]
    client = app.test_client()
    https = {"base_url": "https://localhost"}
    assert client.post(f"/console/signin/{token}", **https).status_code == 302
    out: dict[str, Any] = {}
    if mode == "pages":
        console, api = [], []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get("/console/", **https)
            console.append(time.perf_counter() - started)
            assert response.status_code == 200
            started = time.perf_counter()
            response = client.get("/api/followups?limit=50", headers={"Authorization": "Bearer bench-admin"})
            api.append(time.perf_counter() - started)
            assert response.status_code == 200
        out = {"console": console, "api": api}
    elif mode == "search":
        from services.areas import child_areas, districts

        with rt.sessions() as session:
            district = districts(session)[0]
            subdistrict = child_areas(session, district.id)[0]
            code = session.scalar(text("SELECT project_code FROM followup_standing ORDER BY rank DESC LIMIT 1"))
        for name, query in (("first page", {}), ("a word in many names", {"q": "กลุ่ม"}),
                            ("a project code", {"q": code}), ("a reason", {"reason": "time_barred"}),
                            ("a subdistrict", {"district": district.name, "subdistrict": subdistrict.name}),
                            ("a word on page 3", {"q": "กลุ่ม", "page": "3"})):
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                response = client.get("/console/", query_string=query, **https)
                times.append(time.perf_counter() - started)
                assert response.status_code == 200
            out[name] = times
    elif mode == "dashboard":
        from services.areas import districts
        from services.dashboard import store_money_figures

        with rt.sessions() as session:
            one = districts(session)[0].name
        started = time.perf_counter()  # nothing stored yet: this view computes the figures and stores them
        response = client.get("/console/dashboard", **https)
        out["first_view_s"] = time.perf_counter() - started
        assert response.status_code == 200
        with session_scope(rt.sessions) as session:  # the clock on the next day: only that day is computed
            started = time.perf_counter()
            out["next_day_days"] = store_money_figures(session, clock.now().date() + timedelta(days=1), clock.now())
            out["next_day_s"] = time.perf_counter() - started
        province, district = [], []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get("/console/dashboard", **https)
            province.append(time.perf_counter() - started)
            assert response.status_code == 200
            started = time.perf_counter()
            response = client.get("/console/dashboard", query_string={"district": one}, **https)
            district.append(time.perf_counter() - started)
            assert response.status_code == 200
        out.update({"province": province, "district": district, "district_name": one})
    else:
        started = time.perf_counter()
        response = client.get("/console/export.xlsx", **https)
        data = response.get_data()  # the body is streamed: the time is to its last byte
        out = {"export_s": time.perf_counter() - started, "bytes": len(data), "status": response.status_code,
               "peak_mb": peak_mb()}
        out["rows"] = sheet_rows(data) - 1  # after the peak is read: this unpacks the sheet
    out.setdefault("peak_mb", peak_mb())
    rt.close()
    print(json.dumps(out))


def sheet_rows(data: bytes) -> int:
    """Rows in the workbook's first sheet (counted in its XML, without parsing it)."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return book.read("xl/worksheets/sheet1.xml").count(b"<row ")


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB.

    Not `getrusage().ru_maxrss`: Linux carries the parent's peak over an exec (subprocess
    spawns with vfork), so a child of this bench would report at least the bench's own
    peak (the sample register it generated) whatever the child did.
    """
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def run(url: str, mode: str, requests: int | str = 0, tree: Path = ROOT) -> dict[str, Any]:
    """A child process serving the console of `tree` (this checkout, or another commit's worktree
    for a baseline: this file's child, that tree's product)."""
    flag = "--import-child" if mode in ("cli", "web") else "--child"
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), flag, url, mode, str(requests)],
                          cwd=tree, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(tree)})
    if done.returncode != 0:
        sys.exit(f"console child failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def search_lines(args: argparse.Namespace, runs: dict[str, dict[str, Any]]) -> list[str]:
    """Today searched and filtered, median / p95 per checkout."""
    names = [name for name in next(iter(runs.values())) if name != "peak_mb"]
    lines = [f"Measured {datetime.now():%Y-%m-%d} on {machine()}; {server_version(args.url)}.",
             f"Command: `python -m bench.console_bench --search-only --contracts {args.contracts} --provinces "
             f"{args.provinces} --funds {args.funds}` ({args.requests} requests each, signed in as a province "
             "officer, the follow-up list stored).", "",
             "| `GET /console/` with | " + " | ".join(f"{tree}: median / p95" for tree in runs) + " |",
             "| --- |" + " ---: |" * len(runs)]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(
            f"{statistics.median(run[name]) * 1000:.0f} / {p95(run[name]) * 1000:.0f} ms" for run in runs.values())
            + " |")
    return lines


def dashboard_lines(dashboard: dict[str, Any]) -> list[str]:
    """The dashboard's rows of the table: its first view (the figures computed and stored), then stored."""
    province_ms, district_ms = p95(dashboard["province"]) * 1000, p95(dashboard["district"]) * 1000
    return [
        f"| the province's dashboard, first view of the day (its money figures computed for every district "
        f"and stored, within the request) | {dashboard['first_view_s']:.1f} s | | |",
        f"| the province's dashboard, `GET /console/dashboard` (figures stored; SVG charts and their tables) | "
        f"{province_ms:.0f} ms | {statistics.median(dashboard['province']) * 1000:.0f} ms | "
        f"≤ {GOAL_DASHBOARD_MS:.0f} ms: **{'met' if province_ms <= GOAL_DASHBOARD_MS else 'missed'}** |",
        f"| one district's dashboard (`?district={dashboard['district_name']}`, stored) | {district_ms:.0f} ms | "
        f"{statistics.median(dashboard['district']) * 1000:.0f} ms | |",
        f"| the clock's `refresh_dashboard` on the next day ({dashboard['next_day_days']} day computed: the past "
        f"month ends kept) | {dashboard['next_day_s']:.1f} s | | |",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--url", default=os.environ.get("TEST_POSTGRES_URL", DEFAULT_URL))
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--dashboard-requests", type=int, default=5)
    parser.add_argument("--no-import", action="store_true", help="skip the web-vs-CLI import")
    parser.add_argument("--dashboard-only", action="store_true",
                        help="time the dashboard only (no pages, export or imports; not with --write-docs)")
    parser.add_argument("--search-only", action="store_true",
                        help="time Today searched and filtered only (not with --write-docs)")
    parser.add_argument("--baseline-tree", type=Path,
                        help="with --search-only: also time another checkout (say `git worktree add` of an "
                             "older commit) on the same data, in the same run")
    parser.add_argument("--provinces", type=int, default=1)
    parser.add_argument("--funds", type=int, default=1)
    parser.add_argument("--data", type=Path, help="use (or create) the sample files in this directory")
    args = parser.parse_args(argv)

    from sqlalchemy import text

    from domain.clock import BANGKOK, parse_fund_now
    from models import StaffMember
    from models.db import make_engine, session_scope

    with tempfile.TemporaryDirectory(prefix="wdf-console-bench-") as scratch, \
            migrated_schema(args.url, "console_bench") as (url, _schema):
        tmp = str(args.data or scratch)
        if not all((Path(tmp) / n).exists() for n in FILES):
            Path(tmp).mkdir(parents=True, exist_ok=True)
            generate(args.contracts, Path(tmp), args.provinces, args.funds)
        run_child(url, datetime(2026, 11, 20, 10, tzinfo=BANGKOK), [Path(tmp) / n for n in FILES])
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        from sqlalchemy.orm import sessionmaker

        from services.followups import refresh_followups
        with session_scope(sessionmaker(engine)) as session:
            session.add(StaffMember(line_user_id=OFFICER, name="bench", role="officer", district_id=None,
                                    created_at=parse_fund_now(NOW)))
            refresh_followups(session, parse_fund_now(NOW).date(), parse_fund_now(NOW))
        engine.dispose()
        if args.search_only:
            print("\n".join(search_lines(args, {"this checkout": run(url, "search", args.requests)}
                                          | ({f"baseline: {args.baseline_tree}": run(url, "search", args.requests,
                                                                                     args.baseline_tree)}
                                             if args.baseline_tree else {}))))
            return
        dashboard = run(url, "dashboard", args.dashboard_requests)
        if args.dashboard_only:
            print("\n".join(dashboard_lines(dashboard)))
            return
        pages = run(url, "pages", args.requests)
        export = run(url, "export")
        idle = run(url, "pages", 1)
        imports: dict[str, dict[str, Any]] = {}
        if not args.no_import:
            for mode in ("cli", "web"):
                with migrated_schema(args.url, f"console_bench_{mode}") as (fresh, _):
                    if mode == "web":
                        engine = make_engine(fresh)
                        with session_scope(sessionmaker(engine)) as session:
                            session.add(StaffMember(line_user_id=OFFICER, name="bench", role="officer",
                                                    district_id=None, created_at=parse_fund_now(NOW)))
                        engine.dispose()
                    imports[mode] = run(fresh, mode, tmp)

    console_ms, api_ms = p95(pages["console"]) * 1000, p95(pages["api"]) * 1000
    lines = [
        f"Measured {datetime.now():%Y-%m-%d} on {machine()}; {server_version(args.url)}.",
        f"Command: `python -m bench.console_bench` ({args.contracts:,} contracts of the sample register, the "
        f"follow-up list stored; {args.requests} requests each ({args.dashboard_requests} of the dashboard), in a "
        "child process, through Flask's test client).",
        "",
        "| | p95 | median | goal |",
        "| --- | ---: | ---: | --- |",
        f"| baseline: `GET /api/followups?limit=50` | {api_ms:.0f} ms | "
        f"{statistics.median(pages['api']) * 1000:.0f} ms | |",
        f"| Today's first page, `GET /console/` (50 rows, words, audit, session touch) | {console_ms:.0f} ms "
        f"({console_ms / api_ms:.2f}× the API) | {statistics.median(pages['console']) * 1000:.0f} ms | "
        f"≤ {GOAL_PAGE_MS:.0f} ms: **{'met' if console_ms <= GOAL_PAGE_MS else 'missed'}** |",
        f"| the whole list as XLSX, `GET /console/export.xlsx` ({export['rows']:,} rows, "
        f"{export['bytes'] / 1e6:.1f} MB; to the last byte) | {export['export_s']:.1f} s "
        f"({export['export_s'] * 60_000 / max(1, export['rows']):.1f} s per 60,000 rows) | | "
        f"≤ {GOAL_EXPORT_S:.0f} s: **{'met' if export['export_s'] <= GOAL_EXPORT_S else 'missed'}** |",
        f"| peak memory of the exporting process (one that served a page: {idle['peak_mb']:.0f} MB) | "
        f"{export['peak_mb']:.0f} MB | | ≤ {GOAL_MB:.0f} MB: "
        f"**{'met' if export['peak_mb'] <= GOAL_MB else 'missed'}** |",
    ]
    lines += dashboard_lines(dashboard)
    if imports:
        cli, web = imports["cli"], imports["web"]
        lines += [
            "",
            "The register through the console's import page against the `import` command, each into a fresh "
            "schema, each in a child process (its peak memory its own):",
            "",
            f"| {args.contracts:,}-contract register (3 files) | the `import` command | the console's page |",
            "| --- | ---: | ---: |",
            f"| upload (the files stored, hashed) | | {web['upload_s']:.1f} s |",
            f"| the check (the import, rolled back) | | {web['check_s']:.1f} s |",
            f"| the import | {cli['import_s']:.1f} s | {web['import_s']:.1f} s "
            f"({web['import_s'] / cli['import_s']:.2f}×) |",
            f"| peak memory of the process | {cli['peak_mb']:.0f} MB | {web['peak_mb']:.0f} MB "
            f"({web['peak_mb'] / cli['peak_mb']:.2f}×) |",
        ]
    block = "\n".join(lines)
    print(block)
    if args.write_docs:
        intro = (__doc__ or "").split("\n\n")[1].replace("\n", " ")
        write_section(START, END, block, "The officers' console", intro)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--import-child":
        import_child(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        main()
