"""gunicorn's entry point (the Procfile's `web: gunicorn ... web.wsgi:app`) imports in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wsgi_module_builds_the_app_in_a_fresh_interpreter(tmp_path):  # type: ignore[no-untyped-def]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t",
           "ADMIN_TOKEN": "a", "SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 'wsgi.db'}"}
    done = subprocess.run([sys.executable, "-c", "from web.wsgi import app; print(type(app).__name__)"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "Flask"


# Third-party packages a web worker does not need to answer a webhook: each is imported where it
# is used (bench/import_rss.py measures what each would cost every worker; issue 17, goal 4).
NOT_AT_START = ("openpyxl", "fpdf", "fontTools", "alembic", "icalendar", "segno", "PIL", "apscheduler")


def test_a_web_worker_imports_no_package_it_only_needs_for_a_file_or_the_clock(tmp_path):  # type: ignore[no-untyped-def]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t",
           "ADMIN_TOKEN": "a", "SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 'wsgi.db'}"}
    script = ("import sys; import web.wsgi; "
              "print(sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[1:])))")
    done = subprocess.run([sys.executable, "-c", script, *NOT_AT_START], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
