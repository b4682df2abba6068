"""Reading and writing many rows in few statements (docs/PERFORMANCE.md, "How the importer gets there").

Existing rows are looked up by key in big chunks (PostgreSQL: a join with
``unnest(:array)``; elsewhere ``IN`` lists) and compared in memory; changed rows go back
with executemany UPDATEs by primary key. New rows go in with `models.db.bulk_insert`
(COPY on PostgreSQL, executemany batches elsewhere).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import func, literal, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from models.db import WRITE_BATCH

LOOKUP_CHUNK = 500  # keys per `IN (...)` lookup (SQLite and others)
LOOKUP_CHUNK_POSTGRES = 20000  # keys per `unnest(:array)` lookup


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _is_postgres(session: Session) -> bool:
    return session.connection().dialect.name == "postgresql"


def lookup(session: Session, columns: Sequence[Any], key: Any, values: Iterable[Any], *,
           chunk_size: int = LOOKUP_CHUNK_POSTGRES) -> Iterator[Any]:
    """Rows whose `key` column is one of `values`, in a few big queries.

    PostgreSQL: a join with `unnest(:array)` of `chunk_size` keys (one bound parameter;
    unlike `= ANY(:array)` it stays fast under the generic plans psycopg's prepared
    statements get after a few runs). Elsewhere: `IN` lists of LOOKUP_CHUNK.
    """
    wanted = sorted(set(values))
    if _is_postgres(session):
        array = postgresql.ARRAY(key.type)
        for chunk in _chunks(wanted, chunk_size):
            keys = func.unnest(literal(list(chunk), array)).table_valued("k").render_derived()
            yield from session.execute(
                select(*columns).join_from(key.expression.table, keys, key == keys.c.k))
        return
    for chunk in _chunks(wanted, LOOKUP_CHUNK):
        yield from session.execute(select(*columns).where(key.in_(chunk)))


def bulk_update(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """UPDATE by primary key, executemany in batches (rows carry `id` and the new values)."""
    for batch in _chunks(rows, WRITE_BATCH):
        session.execute(update(model), list(batch))
