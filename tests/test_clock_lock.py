"""One clock at a time: a clock that loses its lock stops at once, and its jobs write nothing.

The lock's own clock (real time in production) is a FixedClock here, moved by hand: a
pause past the stale limit without waiting two minutes.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from domain.clock import FixedClock, SystemClock
from models import ClockLock, Outbox, StaffMember
from scheduler import jobs
from scheduler.lock import STALE_AFTER, ClockBusy, HeldLock, advisory_keys, clock_lock
from services import outbox
from tests.conftest import NOW

ROOT = Path(__file__).resolve().parents[1]
OFFICER = "U" + "0f" * 16
SECRETS = {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t", "ADMIN_TOKEN": "a", "SECRET_KEY": "k"}
ADVISORY_BACKEND = ("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid::bigint = :k1"
                    " AND objid::bigint = :k2 AND objsubid = 2")


@pytest.fixture
def officer(db, clock):  # type: ignore[no-untyped-def]
    """An officer: on a working morning (NOW is a Friday, 10:00) the digest job queues their list."""
    with Session(db) as session:
        session.add(StaffMember(line_user_id=OFFICER, name="กมลชนก", role="officer", created_at=clock.now()))
        session.commit()


def queued(db: Engine) -> int:
    with db.connect() as connection:
        return connection.execute(select(func.count()).select_from(Outbox)).scalar_one()


def watch(held: HeldLock) -> list[str]:
    """What the clock process does on loss (stop its scheduler), recorded."""
    stopped: list[str] = []
    held.when_lost(lambda: stopped.append("stopped"))
    return stopped


def only_on(dialect: str, db: Engine) -> None:
    if db.dialect.name != dialect:
        pytest.skip(f"a {dialect} lock")


def kill_lock_connection(db: Engine) -> None:
    """What an operator (or a network cut) does: end the backend that holds the clock's advisory lock."""
    with db.connect() as admin:
        [pid] = admin.execute(text(ADVISORY_BACKEND), advisory_keys(admin)).scalars().all()
        assert admin.execute(text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": pid}).scalar()


@pytest.mark.parametrize("noticed_by", ["heartbeat", "job"])
def test_a_paused_clock_whose_stale_lock_was_taken_stops_and_queues_nothing(app, db, officer, noticed_by):
    """SIGSTOP past the stale limit, another clock takes over, SIGCONT: the first stops, its jobs write nothing."""
    only_on("sqlite", db)
    rt = app.extensions["wdf"]
    lock_time = FixedClock(NOW)
    with clock_lock(rt.engine, wait=False, clock=lock_time) as paused:
        stopped = watch(paused)
        jobs.install(rt, paused)
        lock_time.advance(seconds=STALE_AFTER.total_seconds() + 1)  # paused: no heartbeat meanwhile
        with clock_lock(rt.engine, wait=False, clock=lock_time) as successor:
            assert successor.generation == paused.generation + 1
            if noticed_by == "heartbeat":  # resumed, its heartbeat comes first
                assert paused.heartbeat() is False
                assert stopped == ["stopped"]
            jobs.officer_digests()  # a job that was due, or already running, when the lock went
            jobs.refresh_followups()
            assert stopped == ["stopped"] and paused.lost
            assert queued(db) == 0
            assert paused.heartbeat() is False  # and it never holds the lock again
            jobs.install(rt, successor)
            jobs.officer_digests()
            assert queued(db) == 1  # the clock that holds the lock does the work, once
        assert stopped == ["stopped"]


def test_a_clock_paused_short_of_the_stale_limit_goes_on(app, db, officer):
    only_on("sqlite", db)
    rt = app.extensions["wdf"]
    lock_time = FixedClock(NOW)
    with clock_lock(rt.engine, wait=False, clock=lock_time) as held:
        stopped = watch(held)
        jobs.install(rt, held)
        lock_time.advance(seconds=STALE_AFTER.total_seconds() - 1)
        with pytest.raises(ClockBusy), clock_lock(rt.engine, wait=False, clock=lock_time):
            pass
        assert held.heartbeat() is True  # renewed: a clock just as late again is still fresh
        lock_time.advance(seconds=STALE_AFTER.total_seconds() - 1)
        with pytest.raises(ClockBusy), clock_lock(rt.engine, wait=False, clock=lock_time):
            pass
        jobs.officer_digests()
        assert queued(db) == 1 and stopped == []


def test_on_postgresql_a_paused_clock_keeps_its_lock(app, db, officer):
    """Paused, its connection still holds the advisory lock: nobody takes over, and it goes on."""
    only_on("postgresql", db)
    rt = app.extensions["wdf"]
    lock_time = FixedClock(NOW)
    with clock_lock(rt.engine, wait=False, clock=lock_time) as held:
        stopped = watch(held)
        jobs.install(rt, held)
        lock_time.advance(minutes=10)
        with pytest.raises(ClockBusy), clock_lock(rt.engine, wait=False, clock=lock_time):
            pass
        assert held.heartbeat() is True
        jobs.officer_digests()
        assert queued(db) == 1 and stopped == []


@pytest.mark.parametrize("noticed_by", ["heartbeat", "job"])
def test_a_clock_whose_lock_connection_is_killed_stops_and_queues_nothing(app, db, officer, noticed_by):
    """pg_terminate_backend on the holder's lock connection: it notices at once, and writes nothing."""
    only_on("postgresql", db)
    rt = app.extensions["wdf"]
    with clock_lock(rt.engine, wait=False) as first:
        stopped = watch(first)
        jobs.install(rt, first)
        kill_lock_connection(db)
        if noticed_by == "heartbeat":  # its next heartbeat, before anyone took over
            assert first.heartbeat() is False
            assert stopped == ["stopped"]
            jobs.officer_digests()
            assert queued(db) == 0
        with clock_lock(rt.engine, wait=False) as successor:  # the lock is free: another clock takes it
            assert successor.generation == first.generation + 1
            jobs.officer_digests()  # the first clock's job: refused by the fence
            assert stopped == ["stopped"] and queued(db) == 0
            assert first.heartbeat() is False
            jobs.install(rt, successor)
            jobs.officer_digests()
            assert queued(db) == 1


def blocked_by(db: Engine, pid: int) -> int:
    """How many backends wait for a lock that `pid` holds (a fresh transaction: the view is a snapshot)."""
    with db.connect() as watcher:
        return watcher.execute(text("SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))"),
                               {"pid": pid}).scalar_one()


def test_a_job_past_its_fence_holds_off_a_new_clock_until_it_commits(app, db, officer, clock):
    """The lock connection dies while a job is writing: the next clock's tenure starts after
    that job's commit, never during it, and the first clock writes nothing after that."""
    only_on("postgresql", db)
    rt = app.extensions["wdf"]
    taken: list[int] = []

    def second_clock() -> None:
        with clock_lock(rt.engine, wait=False) as successor:
            taken.append(successor.generation)

    with clock_lock(rt.engine, wait=False) as first:
        watch(first)
        with rt.sessions() as job:
            first.check(job)  # a job of the first clock, under way
            mine = job.scalar(text("SELECT pg_backend_pid()"))
            kill_lock_connection(db)
            taker = threading.Thread(target=second_clock)
            taker.start()
            _until_true(lambda: blocked_by(db, mine) == 1)  # the second clock has the advisory lock, and waits
            assert taken == []
            outbox.enqueue_push(job, to=OFFICER, messages=[{"type": "text", "text": "x"}], origin="test",
                                now=clock.now())
            job.commit()
        taker.join(timeout=60)
        assert taken == [first.generation + 1]
        jobs.install(rt, first)
        jobs.officer_digests()
        assert first.lost and queued(db) == 1  # the write made before the takeover, and nothing after


def test_the_generation_is_never_given_twice(app, db):
    rt = app.extensions["wdf"]
    generations = []
    for _ in range(3):
        with clock_lock(rt.engine, wait=False) as held:
            generations.append(held.generation)
    assert generations == sorted(set(generations)) and len(generations) == 3
    with Session(db) as session:  # released, the row stays (its count with it) and names nobody
        row = session.get(ClockLock, "clock")
        assert row is not None and row.holder is None and row.generation == generations[-1]


# --- the clock process itself -------------------------------------------------------------


def _until_true(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, "never happened"
        time.sleep(0.02)


def _until(condition: Callable[[], bool], proc: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + 90
    while not condition():
        if proc.poll() is not None:
            pytest.fail(f"the clock exited early ({proc.returncode}): {log.read_text()[-2000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"the clock never took its lock: {log.read_text()[-2000:]}")
        time.sleep(0.05)


def _holder(db: Engine) -> str | None:
    with db.connect() as connection:
        return connection.execute(select(ClockLock.holder)).scalar_one_or_none()


def _stop_between_writes(proc: subprocess.Popen[str], db: Engine) -> None:
    """SIGSTOP the clock, but not inside a write: a stopped SQLite writer would block everyone."""
    path = make_url(db.url).database
    assert path
    while True:
        os.kill(proc.pid, signal.SIGSTOP)
        probe = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return
        except sqlite3.OperationalError:
            os.kill(proc.pid, signal.SIGCONT)
            time.sleep(0.05)
        finally:
            probe.close()


def test_a_clock_process_that_loses_its_lock_exits(db, database_url, fake_line, tmp_path):
    """The real `flask --app bot scheduler`: SIGSTOP and a takeover (SQLite), or its lock
    connection killed (PostgreSQL); it stops scheduling and exits with status 1."""
    log = tmp_path / "clock.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT), **SECRETS, "DATABASE_URL": database_url,
           "LINE_API_BASE_URL": fake_line.url, "LINE_DATA_API_BASE_URL": fake_line.url}
    env.pop("FUND_NOW", None)
    with log.open("w") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "bot", "scheduler", "--heartbeat-seconds",
                                 "0.5"], env=env, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT, text=True)
    try:
        _until(lambda: f":{proc.pid}:" in (_holder(db) or ""), proc, log)
        if db.dialect.name == "sqlite":
            _stop_between_writes(proc, db)
            later = FixedClock(SystemClock().now() + STALE_AFTER + timedelta(seconds=1))
            with clock_lock(db, wait=False, clock=later) as successor:
                os.kill(proc.pid, signal.SIGCONT)
                proc.wait(timeout=90)
                assert _holder(db) == successor.holder
        else:
            kill_lock_connection(db)
            proc.wait(timeout=90)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGCONT)
            proc.kill()
            proc.wait()
    output = log.read_text()
    assert proc.returncode == 1, output[-2000:]
    assert "lost its lock" in output
