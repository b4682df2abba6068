"""The command line: migrations, the clock's --once run, outbox delivery."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import Result
from sqlalchemy import inspect

from bot import create_app
from config.settings import Settings
from models.db import make_engine

ROOT = Path(__file__).resolve().parents[1]


SECRETS = {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t", "ADMIN_TOKEN": "a", "SECRET_KEY": "k"}


def _flask(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONPATH": str(ROOT), **SECRETS, **env}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "bot", *args], env=full,
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


def _flask_again(*args: str, env: dict[str, str]) -> Result:
    """The same command with the same environment, run in this process: a second run of a command
    whose first run went through the real `flask` entry point, without another ~4 s Python start-up."""
    app = create_app(Settings.from_env({**os.environ, **SECRETS, **env}))
    try:
        return app.test_cli_runner().invoke(args=list(args))
    finally:
        app.extensions["wdf"].close()


def test_db_upgrade_creates_the_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    result = _flask("db", "upgrade", env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert "database at head" in result.stdout
    engine = make_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"processed_events", "conversations", "outbox", "contracts", "people", "alembic_version"} <= tables
    again = _flask_again("db", "upgrade", env={"DATABASE_URL": url})  # idempotent
    assert again.exit_code == 0, again.output


def test_scheduler_once_delivers_the_outbox_and_exits(tmp_path, fake_line, fake):
    from linebot.v3.messaging import TextMessage

    from domain.clock import FixedClock, SystemClock
    from models import migrate
    from models.db import make_session_factory
    from services import outbox
    from services.measure_store import ensure_measures
    from tests.conftest import NOW, TOKEN
    from tests.helpers import USER

    url = f"sqlite:///{tmp_path / 'clock.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)  # what `db upgrade` does (the command is tested above), without another process
    with make_session_factory(engine)() as session:
        ensure_measures(session, SystemClock().now())
        outbox.enqueue_push(session, to=USER, messages=[TextMessage(text="แจ้งเตือน")], origin="test",
                            now=FixedClock(NOW).now())
        session.commit()
    engine.dispose()
    env = {"DATABASE_URL": url, "LINE_API_BASE_URL": fake_line.url, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
           "FUND_NOW": "2026-11-20T10:05"}
    result = _flask("scheduler", "--once", env=env)
    assert result.returncode == 0, result.stderr
    assert "ran deliver_outbox" in result.stdout
    assert [r["body"]["to"] for r in fake.requests("/v2/bot/message/push")] == [USER]
    # a second run sends nothing again
    again = _flask_again("scheduler", "--once", env=env)
    assert again.exit_code == 0, again.output
    assert len(fake.requests("/v2/bot/message/push")) == 1
