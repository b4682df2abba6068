"""Where a web worker's memory goes at import, module group by module group (on demand, not a test).

Imports the given modules one after the other in this fresh interpreter and prints the RSS each
adds (VmRSS from /proc/self/status, so Linux only), then the app itself (`web.wsgi`) and what it
added beyond them. The order matters: a module's figure is what it adds to those before it.

    python -m bench.import_rss                      # the default groups, then web.wsgi
    python -m bench.import_rss flask openpyxl       # these, then web.wsgi
    python -m bench.import_rss --loaded openpyxl    # is any openpyxl module loaded once web.wsgi is?

Needs the app's settings in the environment (a SQLite DATABASE_URL will do); sets dummy ones
when absent.
"""

from __future__ import annotations

import gc
import importlib
import os
import re
import sys
from pathlib import Path

DEFAULT = ["flask", "sqlalchemy.orm", "psycopg", "requests", "pydantic", "aiohttp", "linebot",
           "linebot.v3.webhooks", "linebot.v3.messaging", "openpyxl", "icalendar", "apscheduler", "PIL.Image"]


def rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+)", status)
    return int(match.group(1)) / 1024 if match else 0.0


def main(argv: list[str]) -> None:
    for name, value in (("LINE_CHANNEL_SECRET", "s"), ("LINE_CHANNEL_ACCESS_TOKEN", "t"), ("ADMIN_TOKEN", "a"),
                        ("SECRET_KEY", "k"), ("DATABASE_URL", "sqlite://")):
        os.environ.setdefault(name, value)
    if argv[:1] == ["--loaded"]:
        importlib.import_module("web.wsgi")
        prefixes = tuple(argv[1:])
        for module in sorted(sys.modules):
            if module.split(".")[0] in prefixes or module in prefixes:
                print(module)
        return
    start = before = rss_mb()
    print(f"{'interpreter':32s} {start:6.1f} MB")
    for module in [*(argv or DEFAULT), "web.wsgi"]:
        count = len(sys.modules)
        importlib.import_module(module)
        gc.collect()
        now = rss_mb()
        print(f"{module:32s} {now - before:+6.1f} MB  {len(sys.modules) - count:4d} modules")
        before = now
    print(f"{'total':32s} {before:6.1f} MB  {len(sys.modules):4d} modules")


if __name__ == "__main__":
    main(sys.argv[1:])
