"""Fixtures: the database (SQLite or PostgreSQL, `--db`), the fake LINE platform, the app
served on a loopback port, a helper that talks to it as LINE would, and the whole demo.
Browser fixtures are in tests/browser/conftest.py."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from bot import create_app
from config.settings import Settings
from devtools.demo import DemoStack, start_demo
from devtools.fakeline import FakeLineClient, FakeLinePlatform
from domain.clock import BANGKOK, FixedClock
from models import Base, migrate
from models.db import make_engine, session_scope
from services.measure_store import ensure_measures
from tests.helpers import LineChat

# How often a served test app looks for its shutdown request. werkzeug's default (0.5 s)
# made every test that serves the app wait that long on teardown.
SERVER_POLL_SECONDS = 0.01
SECRET = "test-channel-secret"
TOKEN = "test-channel-access-token"
ADMIN = "test-admin-token"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=BANGKOK)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--db", choices=("sqlite", "postgresql"), default="sqlite",
                     help="database to run the suite on (make test runs both)")


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {config.getoption('--db')}"


@pytest.fixture(scope="session")
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database for this run (Alembic, not create_all: migrations are tested)."""
    if request.config.getoption("--db") == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        yield url
        return
    yield from _postgres_schema()


@pytest.fixture(scope="session")
def thai_collated_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """PostgreSQL only: a migrated schema in a database whose default collation is Thai (ICU
    `th-TH`), as an office in Thailand may create it, for what must order as Python does
    whatever the database's locale. The suite's own database compares as C.UTF-8 does."""
    if request.config.getoption("--db") != "postgresql":
        pytest.skip("SQLite compares text by code points (BINARY) whatever its settings")
    base = make_url(os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES))
    name = f"wdf_test_th_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
                                "LOCALE_PROVIDER icu ICU_LOCALE 'th-TH' LOCALE 'C.UTF-8'"))
    try:
        yield from _postgres_schema(base.set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _postgres_schema(url: str | None = None) -> Iterator[str]:
    base = url or os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    try:
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        where = make_url(base).render_as_string(hide_password=True)
        reason = f"PostgreSQL at {where} did not answer ({type(exc).__name__})"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: CI must run the suite on PostgreSQL", pytrace=False)
        pytest.skip(reason)
    schema = f"wdf_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = url.render_as_string(hide_password=False)
    engine = make_engine(rendered)
    migrate.upgrade(engine)
    engine.dispose()
    try:
        yield rendered
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def fake_line() -> Iterator[FakeLinePlatform]:
    platform = FakeLinePlatform(TOKEN).start()
    yield platform
    platform.stop()


@pytest.fixture
def fake(fake_line: FakeLinePlatform) -> Iterator[FakeLineClient]:
    client = FakeLineClient(fake_line.url)
    client.reset()
    yield client
    client.reset()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture(scope="session")
def db_engine(database_url: str) -> Iterator[Engine]:
    """One engine on the test database for the whole run (its pool and compiled statements
    are reused); tests reach it through `db`."""
    shared = make_engine(database_url)
    yield shared
    shared.dispose()


@pytest.fixture
def settings(database_url: str, db_engine: Engine, fake_line: FakeLinePlatform,
             tmp_path, request) -> Iterator[Settings]:  # type: ignore[no-untyped-def]
    # Pushes a webhook queues reach the fake before the webhook answers, so a test reads them
    # at once; `@pytest.mark.outbox_worker` leaves them to the background thread, as in production.
    inline = request.node.get_closest_marker("outbox_worker") is None
    yield Settings(
        uploads_dir=str(tmp_path / "uploads"),
        line_channel_secret=SECRET,
        line_channel_access_token=TOKEN,
        admin_token=ADMIN,
        secret_key="test-secret-key",
        database_url=database_url,
        line_api_base_url=fake_line.url,
        line_data_api_base_url=fake_line.url,
        line_timeout_seconds=2.0,
        outbox_backoff_seconds=10.0,
        outbox_backoff_cap_seconds=600.0,
        outbox_inline=inline,
        log_json=True,
    )
    _empty_all_tables(db_engine)


def _empty_all_tables(engine: Engine) -> None:
    """Delete every row, children first, in one transaction and one round trip."""
    quote = engine.dialect.identifier_preparer.format_table
    script = "; ".join(f"DELETE FROM {quote(table)}" for table in reversed(Base.metadata.sorted_tables))
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "sqlite":  # the driver runs one statement per execute()
            raw.driver_connection.executescript(f"BEGIN; {script}; COMMIT;")  # type: ignore[union-attr]
        else:
            cursor = raw.cursor()
            cursor.execute(script)
            cursor.close()
            raw.commit()
    finally:
        raw.close()


@pytest.fixture
def db(db_engine: Engine, settings: Settings) -> Engine:
    """An engine on the test database, for arranging data and checking what was stored."""
    return db_engine


@pytest.fixture
def app(settings: Settings, clock: FixedClock):  # type: ignore[no-untyped-def]
    application = create_app(settings, clock=clock)
    application.config["TESTING"] = True
    rt = application.extensions["wdf"]
    with session_scope(rt.sessions) as session:  # as `db upgrade` does on a fresh database
        ensure_measures(session, clock.now())
    yield application
    application.extensions["wdf"].close()


@pytest.fixture
def live_url(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app served over real HTTP on a loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(SERVER_POLL_SECONDS,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def line(live_url: str, fake: FakeLineClient) -> LineChat:
    """Talk to the served bot as the LINE platform would."""
    return LineChat(live_url, fake, SECRET)


@pytest.fixture
def demo(database_url: str, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[DemoStack]:
    """`make demo` on the test database and loopback ports: sample data, fake platform, simulator."""
    monkeypatch.delenv("FUND_NOW", raising=False)
    monkeypatch.setenv("OUTBOX_INLINE", "1")  # what a message queues has reached the fake when it is answered
    stack = start_demo(port=0, fake_port=0, database_url=database_url)
    yield stack
    stack.stop()
