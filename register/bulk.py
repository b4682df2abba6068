"""Reading and writing many rows in few statements (docs/PERFORMANCE.md, "How the importer gets there").

Existing rows are looked up by key in big chunks (PostgreSQL: a join with the keys sent as
one JSON text, ``json_array_elements_text``; elsewhere ``IN`` lists) and compared in memory; changed rows go back by
primary key (PostgreSQL: COPY into a temporary table and one ``UPDATE ... FROM``, so a
statement trigger fires once per chunk, not once per row; elsewhere executemany). New rows go
in with `models.db.bulk_insert` (COPY on PostgreSQL, executemany batches elsewhere). What a
file's later rows must be checked against (the keys met earlier in the file) is kept in a
temporary table, `Seen`, so that memory does not grow with the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    MetaData,
    Table,
    Text,
    bindparam,
    cast,
    func,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from models.db import WRITE_BATCH, bulk_insert, fetch_tuples, table_of

LOOKUP_CHUNK = 500  # keys per `IN (...)` lookup (SQLite and others)
LOOKUP_CHUNK_POSTGRES = 20000  # keys per lookup on PostgreSQL (one JSON text)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def is_postgres(session: Session) -> bool:
    return session.connection().dialect.name == "postgresql"


@contextmanager
def plan_each_query(session: Session) -> Iterator[None]:
    """PostgreSQL: while inside, plan each of our statements with its own parameters.

    An import looks rows up in tables it is writing to. psycopg prepares a statement run
    five times, and PostgreSQL then keeps a generic plan made when the table was small (a
    sequential scan) while it grows to millions of rows: the lookups of a national payments
    file went from milliseconds to tens of seconds each. So psycopg prepares nothing on this
    connection while inside (each statement is planned with its parameters, about a
    millisecond). Not ``SET plan_cache_mode = force_custom_plan``: that also makes
    PostgreSQL plan the foreign-key check of every row COPY writes again, which doubled the
    server's time for the first import (payments 20 µs a row instead of 9).
    """
    if not is_postgres(session):
        yield
        return
    driver: Any = session.connection().connection.driver_connection  # psycopg.Connection
    threshold = driver.prepare_threshold
    driver.prepare_threshold = None
    try:
        yield
    finally:
        driver.prepare_threshold = threshold


def keep_statistics(session: Session, tables: Sequence[str]) -> None:
    """PostgreSQL: ANALYZE these tables inside the import's transaction (it counts the rows the
    transaction itself wrote). An import is one transaction, so autovacuum never sees the rows it
    writes: a table created empty keeps no statistics, and the lookups of a national payments file
    were planned as a sequential scan of millions of rows joined by hash (PostgreSQL's default
    guess, 200 distinct contracts), each lookup slower than the last."""
    if tables and is_postgres(session):
        session.execute(text(f"ANALYZE {', '.join(tables)}"))


def lookup(session: Session, columns: Sequence[Any], key: Any, values: Iterable[Any], *,
           chunk_size: int = LOOKUP_CHUNK_POSTGRES) -> Iterator[Any]:
    """Rows whose `key` column is one of `values`, in a few big queries.

    PostgreSQL: a join with the `chunk_size` keys sent as one JSON text
    (``json_array_elements_text``), the rows read as the driver's tuples. Both for speed: psycopg
    dumps an array parameter in Python, about 1 µs a key, where ``json.dumps`` takes 0.1 µs,
    and SQLAlchemy builds a Row per row read (`models.db.fetch_tuples`). (A join, not
    ``= ANY(...)``: see docs/PERFORMANCE.md.) Elsewhere: `IN` lists of LOOKUP_CHUNK.
    """
    wanted = sorted(set(values))
    if is_postgres(session):
        keys = func.json_array_elements_text(bindparam("keys", type_=postgresql.JSON)).table_valued("k")
        keys = keys.render_derived()
        statement = select(*columns).join_from(key.expression.table, keys, key == cast(keys.c.k, key.type))
        for chunk in _chunks(wanted, chunk_size):
            yield from fetch_tuples(session, statement.params(keys=json.dumps(chunk, ensure_ascii=False)))
        return
    for chunk in _chunks(wanted, LOOKUP_CHUNK):
        yield from session.execute(select(*columns).where(key.in_(chunk)))


def bulk_update(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """UPDATE by primary key (rows carry `id` and the new values, the same keys in each).

    PostgreSQL: COPY into a temporary table, then one ``UPDATE ... FROM`` (one statement: the
    trigger that raises register_version fires once). Elsewhere executemany in batches.
    """
    if not rows:
        return
    if not is_postgres(session):
        for batch in _chunks(rows, WRITE_BATCH):
            session.execute(update(model), list(batch))
        return
    target = table_of(model)
    columns = list(rows[0])
    scratch = Table(f"_update_{target.name}", MetaData(), *(Column(name, target.c[name].type) for name in columns))
    listed = ", ".join(columns)
    session.execute(text(f"CREATE TEMPORARY TABLE {scratch.name} AS SELECT {listed} FROM {target.name} WITH NO DATA"))
    try:
        bulk_insert(session, scratch, columns, ([row[name] for name in columns] for row in rows))
        assignments = ", ".join(f"{name} = u.{name}" for name in columns if name != "id")
        session.execute(text(f"UPDATE {target.name} AS t SET {assignments} FROM {scratch.name} AS u WHERE t.id = u.id"))
    finally:
        session.execute(text(f"DROP TABLE IF EXISTS {scratch.name}"))


class Seen:
    """Keys met earlier in one file, each with the line it was first on and a number: a
    temporary table (created in the file's SAVEPOINT, gone with it), so a file of any length
    is checked for repeats in flat memory."""

    def __init__(self, session: Session, name: str) -> None:
        self.session = session
        self.table = Table(f"_seen_{name}", MetaData(), Column("k", Text, primary_key=True),
                           Column("line", Integer, nullable=False), Column("v", BigInteger, nullable=False),
                           Column("d", Text), prefixes=["TEMPORARY"])
        self.table.create(session.connection())

    def get(self, keys: Iterable[str]) -> dict[str, tuple[int, int, str | None]]:
        """The keys among `keys` met before: key → (first line, number, text)."""
        c = self.table.c
        return {k: (line, v, d) for k, line, v, d in lookup(self.session, (c.k, c.line, c.v, c.d), c.k, keys)}

    def add(self, rows: Iterable[tuple[str, int, int, str | None]]) -> None:
        """Remember new keys: (key, first line, number, text)."""
        bulk_insert(self.session, self.table, ("k", "line", "v", "d"), rows)

    def set(self, rows: Sequence[tuple[str, int, int, str | None]]) -> None:
        """New values for keys already remembered: (key, first line, number, text)."""
        if not rows:
            return
        c = self.table.c
        if is_postgres(self.session):
            new = func.unnest(literal([k for k, _, _, _ in rows], postgresql.ARRAY(Text)),
                              literal([line for _, line, _, _ in rows], postgresql.ARRAY(Integer)),
                              literal([v for _, _, v, _ in rows], postgresql.ARRAY(BigInteger)),
                              literal([d for _, _, _, d in rows], postgresql.ARRAY(Text)),
                              ).table_valued("k", "line", "v", "d").render_derived()
            self.session.execute(update(self.table).where(c.k == new.c.k)
                                 .values(line=new.c.line, v=new.c.v, d=new.c.d))
            return
        statement = (update(self.table).where(c.k == bindparam("key"))
                     .values(line=bindparam("first"), v=bindparam("value"), d=bindparam("text")))
        for batch in _chunks(list(rows), WRITE_BATCH):
            self.session.execute(statement, [{"key": k, "first": line, "value": v, "text": d}
                                             for k, line, v, d in batch])

    def every_key(self) -> Iterator[str]:
        """Every key remembered."""
        return iter(self.session.scalars(select(self.table.c.k)))

    def drop(self) -> None:
        self.table.drop(self.session.connection())
