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
