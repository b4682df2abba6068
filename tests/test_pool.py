"""PostgreSQL connections from the pool (`models.db.make_engine`): one that sat idle is pinged and,
if the server dropped it meanwhile, replaced before anyone's statement meets it; one in steady use
is not pinged (that was a round trip on every webhook), so if it dies in those seconds one statement
fails and the pool replaces it for the next."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from models import db as models_db
from models.db import make_engine


@pytest.fixture
def engines(database_url: str) -> Iterator[tuple[Engine, Engine]]:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server to lose")
    engine, admin = make_engine(database_url, pool_size=1, max_overflow=0), make_engine(database_url)
    yield engine, admin
    engine.dispose()
    admin.dispose()


def _backend(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(text("SELECT pg_backend_pid()")) or 0)


def _drop(admin: Engine, backend: int) -> None:
    """What a server restart or a pooler's idle timeout does to a pooled connection."""
    with admin.begin() as connection:
        assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})


def test_an_idle_connection_the_server_dropped_is_replaced_before_use(engines: tuple[Engine, Engine],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    engine, admin = engines
    first = _backend(engine)
    _drop(admin, first)
    monkeypatch.setattr(models_db, "PING_AFTER_IDLE_S", 0.0)  # it has sat idle long enough to be pinged
    assert _backend(engine) not in (0, first)  # no error: the ping found it gone, a new one answered


def test_a_connection_in_steady_use_is_not_pinged(engines: tuple[Engine, Engine]) -> None:
    engine, admin = engines
    first = _backend(engine)
    assert all(_backend(engine) == first for _ in range(5))  # the pool hands the same one back
    _drop(admin, first)
    with pytest.raises(OperationalError):  # used again at once: not pinged, so the statement meets it
        _backend(engine)
    assert _backend(engine) not in (0, first)  # and the pool has replaced it for the next
