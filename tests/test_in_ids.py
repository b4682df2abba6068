"""`models.db.in_ids`: a list of ids as one parameter finds exactly what an IN list finds, on both
databases, in statements built once and run with other ids, negated, empty, and through the
driver's own cursor (`fetch_tuples`)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import bindparam, delete, insert, or_, select
from sqlalchemy.orm import Session

from models import Area
from models.db import fetch_tuples, ids_param, in_ids

# built once, as the services build theirs: run below with many different lists
_LISTED = select(Area.id).where(in_ids(Area.id, ids_param("ids"))).order_by(Area.id)
_NOT_LISTED_OR_BELOW = (select(Area.id).where(or_(~in_ids(Area.id, ids_param("ids")), Area.id < bindparam("below")))
                        .order_by(Area.id))


def _areas(session: Session, count: int) -> list[int]:
    session.execute(delete(Area))
    session.execute(insert(Area), [{"level": "province", "name": f"จังหวัด {n}"} for n in range(count)])
    return list(session.scalars(select(Area.id).order_by(Area.id)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chosen=st.lists(st.integers(min_value=0, max_value=29), max_size=40), below=st.integers(0, 30),
       strangers=st.lists(st.integers(min_value=10_000, max_value=2**31 - 1), max_size=3))
def test_the_ids_found_are_those_listed(db, chosen, below, strangers):  # type: ignore[no-untyped-def]
    with Session(db) as session:
        ids = _areas(session, 30)
        listed = [ids[i] for i in chosen] + strangers  # repeats, any order, ids that are not there
        wanted = sorted(set(listed) & set(ids))
        assert list(session.scalars(_LISTED, {"ids": listed})) == wanted
        assert list(session.scalars(select(Area.id).where(in_ids(Area.id, listed)).order_by(Area.id))) == wanted
        assert [row[0] for row in fetch_tuples(session, select(Area.id).where(in_ids(Area.id, listed))
                                                .order_by(Area.id))] == wanted
        limit = ids[0] + below
        assert list(session.scalars(_NOT_LISTED_OR_BELOW, {"ids": listed, "below": limit})) == [
            i for i in ids if i not in set(listed) or i < limit]
        session.rollback()


def test_no_ids_find_nothing_and_their_negation_everything(db):  # type: ignore[no-untyped-def]
    with Session(db) as session:
        ids = _areas(session, 3)
        assert list(session.scalars(_LISTED, {"ids": []})) == []
        assert list(session.scalars(select(Area.id).where(~in_ids(Area.id, [])).order_by(Area.id))) == ids
        session.rollback()


def test_the_statement_is_the_same_whatever_the_number_of_ids(db):  # type: ignore[no-untyped-def]
    with Session(db) as session:
        dialect = session.connection().dialect
        texts = {str(select(Area.id).where(in_ids(Area.id, list(range(n)))).compile(dialect=dialect))
                 for n in (0, 1, 7, 300)}
        assert len(texts) == 1
        assert ("= ANY" if dialect.name == "postgresql" else "json_each") in texts.pop()
