"""Engine and session factory. Sessions are opened by the webhook and by jobs, never by helpers."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Engine,
    Executable,
    Integer,
    String,
    Table,
    TypeDecorator,
    bindparam,
    create_engine,
    event,
    false,
    func,
    insert,
    select,
)
from sqlalchemy import cast as cast_
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.ext.compiler import compiles

# `Session` is re-exported explicitly: the layers above (scheduler.jobs) name the type they hand
# on to services from here, and import no SQLAlchemy themselves.
from sqlalchemy.orm import Session as Session
from sqlalchemy.orm import sessionmaker
from sqlalchemy.sql import ClauseElement, coercions, roles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.type_api import TypeEngine
from sqlalchemy.sql.visitors import InternalTraversal


class JsonText(str):
    """JSON already serialised (a reply's messages, made once for the outbox and for LINE:
    `bot/line.py`'s `serialised`): written to a JSON column as it is, where the engine serialises
    any other value itself."""


def json_text(value: Any) -> str:
    """The engines' JSON serialiser: a `JsonText` as it is, anything else as `json.dumps` makes it."""
    return value if isinstance(value, JsonText) else json.dumps(value)


def make_engine(url: str, **kwargs: object) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys, a busy timeout and real SAVEPOINTs.

    SQL parameters are hidden from error messages: they carry what people typed (names,
    amounts, notes), and an error's text reaches the logs.
    """
    kwargs.setdefault("hide_parameters", True)
    kwargs.setdefault("json_serializer", json_text)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    engine = create_engine(url, **kwargs)
    _ping_when_idle(engine)
    return engine


#: A pooled connection that sat unused longer than this is pinged before it is handed out (a
#: database restart, or a pooler closing idle connections, leaves it dead; a dead one is replaced
#: before anyone's statement meets it). One in steady use is not: under load a webhook takes a
#: connection back within milliseconds, and SQLAlchemy's `pool_pre_ping` cost a round trip on every
#: request. If the server goes away in the seconds between, the statement fails, SQLAlchemy sees the
#: disconnect and replaces every older connection of the pool (LINE sends a failed webhook again when
#: its redelivery is switched on).
PING_AFTER_IDLE_S = 5.0


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_S:
            return  # a new connection, or one in use a moment ago
        try:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
        except Exception as exc:  # the driver's own errors: the connection is gone
            raise DisconnectionError("a pooled connection did not answer") from exc


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT and defers BEGIN oddly; the
    # SQLAlchemy docs' recipe takes BEGIN over so nested transactions work per event.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    # Sessions (the webhook, jobs) begin IMMEDIATE: the write lock is taken at BEGIN, so
    # SQLite queues writers behind its busy timeout instead of failing a read-then-write
    # transaction with "database is locked". Plain engine connections (health checks,
    # tests reading results) stay DEFERRED. PostgreSQL is the database that scales out.
    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """One factory per app; `expire_on_commit=False` so replies can read what was saved."""
    return sessionmaker(bind=engine.execution_options(sqlite_immediate=True), expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on error, always close."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


WRITE_BATCH = 5000  # rows per executemany


def table_of(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


def bulk_insert(session: Session, model: type[Any] | Table, columns: Sequence[str],
                rows: Iterable[Sequence[Any]]) -> int:
    """Insert plain rows (tuples in `columns` order) into a model's table (or a `Table`): COPY on
    PostgreSQL, executemany in batches of WRITE_BATCH elsewhere. Returns how many rows were written."""
    table = model if isinstance(model, Table) else table_of(model)
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        count = 0
        statement = insert(table)
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(dict(zip(columns, row, strict=True)))
            if len(batch) >= WRITE_BATCH:
                session.execute(statement, batch)
                count, batch = count + len(batch), []
        if batch:
            session.execute(statement, batch)
        return count + len(batch)
    dialect = connection.dialect
    convert = [(i, cast(TypeDecorator[Any], table.c[name].type)) for i, name in enumerate(columns)
               if isinstance(table.c[name].type, TypeDecorator)]  # e.g. aware → naive UTC
    driver: Any = connection.connection.driver_connection  # psycopg.Connection
    count = 0
    quoted = ", ".join(columns)
    last: dict[int, tuple[Any, Any]] = {}  # column → its last value and what it became (rows share a `now`)
    with _driver_errors(connection, f"COPY {table.name}"), driver.cursor() as cursor, \
            cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            if convert:
                row = list(row)
                for i, type_ in convert:
                    value = row[i]
                    before = last.get(i)
                    if before is None or before[0] is not value:
                        before = last[i] = (value, type_.process_bind_param(value, dialect))
                    row[i] = before[1]
            copy.write_row(row)
            count += 1
    return count


def fetch_tuples(session: Session, statement: Executable) -> list[tuple[Any, ...]]:
    """All rows of a SELECT of plain columns, as the driver returns them (tuples).

    For reads of tens of thousands of rows: SQLAlchemy builds a Row object per row (about
    2.5 µs each), which costs more than the query itself. Only for column types the driver
    converts by itself (no TypeDecorator): no result processing is applied.
    """
    cursor = _executed(session, statement)
    try:
        return cast(list[tuple[Any, ...]], cursor.fetchall())  # both drivers' rows are tuples
    finally:
        cursor.close()


def plain_rows(session: Session, statement: Executable) -> list[tuple[Any, ...]]:
    """All rows of a SELECT as plain tuples: the driver's own on PostgreSQL (`fetch_tuples`: psycopg
    converts dates and numbers itself), SQLAlchemy's result processing elsewhere (SQLite's driver
    hands dates back as text)."""
    if session.connection().dialect.name == "postgresql":
        return fetch_tuples(session, statement)
    return [tuple(row) for row in session.execute(statement)]


def in_values(session: Session, column: Any, values: Sequence[str]) -> ColumnElement[bool]:
    """`column IN (values)` with the values as one parameter, a JSON list the database reads itself
    (`jsonb_array_elements_text` on PostgreSQL, `json_each` on SQLite). An IN list of 100,000
    values spends seconds compiling and quoting a bound parameter each (and a text[] array
    parameter a second in psycopg's quoting); chunks of 1,000 make a hundred round trips."""
    if not values:
        return false()
    listed = bindparam(None, json.dumps(list(values)), type_=String)
    if session.connection().dialect.name == "postgresql":
        elements = func.jsonb_array_elements_text(cast_(listed, JSONB)).table_valued("value")
    else:
        elements = func.json_each(listed).table_valued("value")
    return cast(ColumnElement[Any], column).in_(select(elements.c.value))


class _Ids(TypeDecorator[list[int]]):
    """A list of integer ids as one bound parameter: an `integer[]` on PostgreSQL, a JSON array
    elsewhere (SQLite reads it with `json_each`)."""

    impl = String
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(Integer()))
        return dialect.type_descriptor(String())

    def process_bind_param(self, value: list[int] | None, dialect: Dialect) -> Any:
        if value is None or dialect.name == "postgresql":
            return value
        return json.dumps(value)


class InIds(ColumnElement[bool]):
    """`column IN (ids)` with the ids as one bound parameter (`in_ids`)."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("ids", InternalTraversal.dp_clauseelement)]
    type = Boolean()
    _is_implicitly_boolean = True  # a condition in itself: no `= 1` after it where booleans are integers

    def __init__(self, column: ColumnElement[Any], ids: BindParameter[list[int]]) -> None:
        self.column, self.ids = column, ids


@compiles(InIds)
def _in_json_ids(element: InIds, compiler: SQLCompiler, **kw: Any) -> str:
    column, ids = compiler.process(element.column, **kw), compiler.process(element.ids, **kw)
    return f"{column} IN (SELECT value FROM json_each({ids}))"


@compiles(InIds, "postgresql")
def _any_of_ids(element: InIds, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} = ANY ({compiler.process(element.ids, **kw)})"


#: integer ids for `in_ids`: the ids themselves, or an `ids_param` to be given them at execution
Ids = Sequence[int] | BindParameter[Any]


def in_ids(column: Any, ids: Iterable[int] | BindParameter[Any]) -> ColumnElement[bool]:
    """`column IN (ids)` for a list of integer ids (the areas under a district, say), as one bound
    parameter: `= ANY(%(ids)s::INTEGER[])` on PostgreSQL, a JSON array through `json_each` on
    SQLite. The statement's text is the same whatever the number of ids, so it is compiled once and
    prepared by the database once; an IN list binds, converts and sends a parameter per id (120
    areas under a province made one officer's list 13 ms of CPU, half of it in IN lists).

    `ids` may be an `ids_param`, for a statement built once and given the ids at execution."""
    listed: BindParameter[Any] = (ids if isinstance(ids, BindParameter)
                                  else bindparam(None, [int(i) for i in cast(Iterable[int], ids)], type_=_Ids()))
    return InIds(coercions.expect(roles.ExpressionElementRole, column), listed)


def ids_param(name: str) -> BindParameter[Any]:
    """A parameter `name` holding a list of integer ids, for `in_ids` in a statement built once."""
    return bindparam(name, type_=_Ids())


def _executed(session: Session, statement: Executable) -> Any:
    """A driver cursor on which `statement` (plain columns) was executed in the session's transaction."""
    connection = session.connection()
    compiled = cast(SQLCompiler, cast(ClauseElement, statement).compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}))
    params: Any = compiled.params
    for name, bind in compiled.binds.items():  # `in_ids`' lists, as its type sends them (JSON on SQLite)
        if isinstance(bind.type, _Ids) and name in params:
            params[name] = bind.type.process_bind_param(params[name], connection.dialect)
    if compiled.positiontup is not None:  # qmark / numeric paramstyles (SQLite)
        params = [params[name] for name in compiled.positiontup]
    cursor = connection.connection.cursor()
    try:
        with _driver_errors(connection, compiled.string):
            cursor.execute(compiled.string, params)
    except BaseException:
        cursor.close()
        raise
    return cursor


@contextmanager
def _driver_errors(connection: Connection, statement: str) -> Iterator[None]:
    """The driver's errors as SQLAlchemy's (`sqlalchemy.exc.DBAPIError`, the original in `.orig`),
    as `Session.execute` raises them, for the statements run on the driver's own connection."""
    error = connection.dialect.loaded_dbapi.Error
    try:
        yield
    except error as exc:
        raise DBAPIError.instance(statement, None, exc, error) from exc


def stream_tuples(session: Session, statement: Executable, batch: int) -> Iterator[list[tuple[Any, ...]]]:
    """`fetch_tuples` a batch at a time: one statement (one snapshot of the rows), Python
    objects for one batch at a time."""
    cursor = _executed(session, statement)
    try:
        while rows := cursor.fetchmany(batch):
            yield cast(list[tuple[Any, ...]], rows)
    finally:
        cursor.close()
