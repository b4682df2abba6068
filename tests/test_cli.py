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


def test_two_outbox_workers_deliver_every_row_once_and_stop_on_sigterm(app, fake_line, fake, settings):
    """`outbox work` as two delivery worker processes on one database: each row reaches LINE once."""
    import signal
    import threading
    import time

    from linebot.v3.messaging import TextMessage

    from services import outbox
    from tests.conftest import TOKEN

    rt = app.extensions["wdf"]
    with rt.sessions() as session:
        for n in range(120):
            outbox.enqueue_push(session, to=f"U{n:032x}", messages=[TextMessage(text=f"แจ้ง {n}")], origin="test",
                                now=rt.clock.now())
        session.commit()
    env = {**os.environ, "PYTHONPATH": str(ROOT), **SECRETS, "DATABASE_URL": settings.database_url,
           "LINE_API_BASE_URL": fake_line.url, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN, "FUND_NOW": "2026-11-20T10:05",
           "OUTBOX_WORKERS": "4"}
    workers = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "bot", "outbox", "work", "--idle-seconds",
                                 "0.1"], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    logs: list[list[str]] = [[] for _ in workers]  # each worker's stderr, read as it comes
    readers = [threading.Thread(target=lines.extend, args=(worker.stderr,), daemon=True)
               for worker, lines in zip(workers, logs, strict=True)]
    for reader in readers:
        reader.start()

    def started() -> bool:  # its SIGTERM handler is in place: one worker may send all 120 before the other is up
        return all(any("outbox worker started" in line for line in lines) for lines in logs)

    try:
        for _ in range(3600):  # up to 3 minutes: two interpreters start on a busy machine
            if ((len(fake.requests("/v2/bot/message/push")) >= 120 and started())
                    or any(w.poll() is not None for w in workers)):
                break
            time.sleep(0.05)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)
        for reader in readers:
            reader.join(timeout=60)
        outputs = [(worker.stdout.read() if worker.stdout else "", "".join(lines))
                   for worker, lines in zip(workers, logs, strict=True)]
        for worker in workers:
            for stream in (worker.stdout, worker.stderr):
                if stream:
                    stream.close()
    assert [w.returncode for w in workers] == [0, 0], [err[-2000:] for _, err in outputs]
    attempts = sum(int(out.split()[0]) for out, _ in outputs)
    requests = fake.requests("/v2/bot/message/push")
    assert attempts == 120 and [r["status"] for r in requests] == [200] * 120
    assert len({r["body"]["to"] for r in requests}) == 120 and len({r["retry_key"] for r in requests}) == 120
