"""The follow-up list's register part, stored ranked for a day and read a page at a time.

`refresh` runs the money rules over the whole register (seconds on a province) and
stores the list's rows as values (reason keys, numbers, dates), in its order
(`models.standing`); messages/ words them when they are shown. The importer calls it
after an import and the clock's `refresh_followups` job keeps it current (each new day,
and after any change to the register). `stored_part` hands the stored rows to
`services.followups` when they were computed for the day asked about from the
register as it is now (the trigger-kept `register_version`); otherwise the list is
computed live, so a stale row is not shown without its time.

Computing a national register's whole list live takes longer than a request may (44 s at
1M contracts against gunicorn's 30 s). So while the stored list is behind (the minute or
two after a change to the register, or after midnight, until the clock's next refresh has
run), a list of more than `LIVE_ROWS` stored rows is read from the stored rows as they
were, marked with the time they were made (`StoredPart.made_at`): officers see that time
with the list, and the API says it. A smaller list is computed live, exactly, as before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    MetaData,
    Table,
    bindparam,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from domain.followups import REASONS, FollowupRow
from models import Contract, FollowupStanding, RegisterVersion, StandingState
from models.db import bulk_insert, fetch_tuples, ids_param, in_ids, stream_tuples, table_of

log = logging.getLogger(__name__)

# Raise when the stored rows change shape or meaning: rows of an older format are stale.
# 2: values only (the reason's words are made when the list is shown, by messages/).
# 3: with `search_text`, what the console's search looks in.
FORMAT = 3
STATE_ID = 1

#: A behind stored list with more rows than this (in the part asked for) is shown as it was made,
#: with its time, rather than computed live: about 1.5 s of a request at 70 µs a listed row.
LIVE_ROWS = 20_000
#: ...if it was made for the day asked about, or the day before when that is today (the clock
#: refreshes as the day turns); an older one means the clock is not running: computed live.
BEHIND_DAYS = 1

# the stored columns, in the order they are read, and the list's key for each
_READ = (
    ("project_code", "project_code"), ("project_name", "project_name"), ("district", "district"),
    ("reason", "reason"), ("debtor_class", "class"), ("class_name", "class_name"),
    ("outstanding_principal", "outstanding_principal"), ("overdue_amount", "overdue_amount"),
    ("overdue_installments", "overdue_installments"), ("next_due_date", "next_due_date"),
    ("next_due_amount", "next_due_amount"), ("last_payment_date", "last_payment_date"),
    ("contract_end_date", "contract_end_date"), ("days_to_prescription", "days_to_prescription"),
    ("default_interest", "default_interest"),
)
_COLUMNS = [getattr(FollowupStanding, column) for column, _ in _READ]
_KEYS = [key for _, key in _READ]
#: a page of at most this many rows is read with a statement built once (larger reads, plain tuples)
PAGE_ROWS = 200
_IN_AREAS = in_ids(FollowupStanding.district_id, ids_param("areas"))
_PAGE = {scoped: (select(*_COLUMNS).where(*([_IN_AREAS] if scoped else [])).order_by(FollowupStanding.rank)
                  .offset(bindparam("start")).limit(bindparam("count")))
         for scoped in (False, True)}


def register_version(session: Session) -> int | None:
    """The register's version now (None before anything was ever imported)."""
    return session.scalar(select(RegisterVersion.version).where(RegisterVersion.id == STATE_ID))


def is_fresh(session: Session, as_of: date) -> bool:
    """Whether the stored rows are the list for `as_of` on the register as it is now."""
    state = _state(session)
    return state is not None and _fresh(state, as_of)


def wait_for_refresh(session: Session) -> None:
    """Lock the state row as a refresh does (PostgreSQL; SQLite sessions hold the write lock from
    BEGIN), so a refresh under way elsewhere has committed before the caller asks `is_fresh`."""
    session.execute(select(StandingState.id).where(StandingState.id == STATE_ID).with_for_update())


def _state(session: Session) -> Any:
    """The stored list's state row with the register's version now (None before any refresh)."""
    return session.execute(_STATE).first()


# built once (every officer's list asks it; building one costs more than running it)
_STATE = (select(StandingState.as_of, StandingState.register_version, StandingState.format, StandingState.counts,
                 StandingState.refreshed_at, RegisterVersion.version)
          .outerjoin(RegisterVersion, RegisterVersion.id == StandingState.id)
          .where(StandingState.id == STATE_ID))


def _fresh(state: Any, as_of: date) -> bool:
    return bool(state.as_of == as_of and state.format == FORMAT
                and state.version is not None and state.register_version == state.version)


def _stored_counts(session: Session) -> dict[str, dict[str, int]]:
    """Stored rows per district id ("" for none) and reason: written at the end of a refresh."""
    counts: dict[str, dict[str, int]] = {}
    for district_id, reason, n in session.execute(
            select(FollowupStanding.district_id, FollowupStanding.reason, func.count())
            .group_by(FollowupStanding.district_id, FollowupStanding.reason)):
        counts.setdefault("" if district_id is None else str(district_id), {})[reason] = n
    return counts


#: (contract id, district id, row, where it ranks before its project code breaks ties), in any order
Computed = Iterable[tuple[int, int | None, dict[str, Any], tuple[int, int]]]
STAGE_BATCH = 5000  # computed rows written to the staging table at a time

_SORT = ("sort_group", "sort_number")
_STAGED = ("contract_id", "district_id", *_SORT, *(column for column, _ in _READ))


def _stage_table() -> Table:
    """A temporary table the refresh writes its rows to, unranked, before the database ranks them."""
    target = table_of(FollowupStanding)
    return Table("_followup_stage", MetaData(),
                 Column("contract_id", BigInteger, nullable=False), Column("district_id", Integer),
                 Column("sort_group", Integer, nullable=False), Column("sort_number", BigInteger, nullable=False),
                 *(Column(column, target.c[column].type) for column, _ in _READ), prefixes=["TEMPORARY"])


def refresh(session: Session, as_of: date, now: datetime, compute: Callable[[], Computed]) -> int:
    """Store the register part of the list for `as_of`, as `compute` gives it; returns its row count.

    The rows go, a batch at a time as `compute` yields them, to a temporary table (COPY on
    PostgreSQL), so `compute` may read from the session between rows and nothing holds the
    whole list; then one INSERT ... SELECT ranks them (`row_number()` over the two numbers
    of `Followup.order` and the project code, compared as code points as Python compares
    strings: the same order as `domain.followups.followups`) and replaces the stored rows.

    One refresh at a time: the first statement writes the state row, which locks it on
    PostgreSQL until commit (and SQLite sessions hold the write lock from BEGIN). The
    register's version is read before the register itself, so a change committed while
    this runs leaves the stored rows marked with the older version: stale, never wrongly
    fresh. The caller commits.
    """
    if session.get(StandingState, STATE_ID) is None:
        session.add(StandingState(id=STATE_ID))
        session.flush()
    session.execute(update(StandingState).where(StandingState.id == STATE_ID).values(started_at=now))
    version = register_version(session)
    if version is None:  # a register never written yet: start the count the triggers keep
        session.add(RegisterVersion(id=STATE_ID, version=0))
        session.flush()
        version = 0
    stage = _stage_table()
    connection = session.connection()
    stage.drop(connection, checkfirst=True)  # left by a refresh that failed earlier in this session
    stage.create(connection)
    rows = ((contract_id, district_id, *order, *(row[key] for key in _KEYS))
            for contract_id, district_id, row, order in compute())
    count = 0
    while batch := list(islice(rows, STAGE_BATCH)):
        count += bulk_insert(session, stage, _STAGED, batch)
    code: Any = stage.c.project_code
    if connection.dialect.name == "postgresql":
        code = code.collate("C")  # code points, as Python orders strings (SQLite's default, BINARY, does too)
    ranked = select(func.row_number().over(order_by=(stage.c.sort_group, stage.c.sort_number, code)),
                    stage.c.contract_id, stage.c.district_id, *(stage.c[column] for column, _ in _READ),
                    search_text(stage.c.project_code, stage.c.project_name, stage.c.district))
    session.execute(delete(FollowupStanding))
    session.execute(insert(FollowupStanding).from_select(
        ["rank", "contract_id", "district_id", *(column for column, _ in _READ), "search_text"], ranked))
    stage.drop(connection)
    session.execute(update(StandingState).where(StandingState.id == STATE_ID).values(
        as_of=as_of, register_version=version, format=FORMAT, rows=count, refreshed_at=now,
        counts={"by_district": _stored_counts(session)}))
    log.info("follow-up list stored", extra={"as_of": as_of.isoformat(), "rows": count, "version": version})
    return count


@dataclass(frozen=True)
class Narrowing:
    """What the console narrows the list to beyond the district, applied to the stored rows in SQL
    (a national list is hundreds of thousands of rows: never worded in Python to be filtered)."""

    reason: str | None = None
    debtor_class: int | None = None
    #: the areas a subdistrict or village covers: only contracts of these (None: no such narrowing)
    contract_areas: Sequence[int] | None = None
    #: typed words, each already in ASCII digits and casefolded, with the reasons whose words hold it:
    #: a row is kept when every word is in its project code, project name or district, or names its reason
    words: Sequence[tuple[str, frozenset[str]]] = ()

    @property
    def empty(self) -> bool:
        return not (self.reason or self.debtor_class is not None or self.contract_areas is not None or self.words)

    def where(self) -> list[Any]:
        where: list[Any] = []
        if self.reason:
            where.append(FollowupStanding.reason == self.reason)
        if self.debtor_class is not None:
            where.append(FollowupStanding.debtor_class == self.debtor_class)
        if self.contract_areas is not None:
            where.append(FollowupStanding.contract_id.in_(
                select(Contract.id).where(in_ids(Contract.area_id, list(self.contract_areas))))
                if self.contract_areas else false())
        for word, reasons in self.words:
            where.append(or_(FollowupStanding.search_text.contains(word, autoescape=True),
                             FollowupStanding.reason.in_(sorted(reasons)) if reasons else false()))
        return where


def search_text(code: Any, name: Any, district: Any) -> Any:
    """What a stored row is searched by: its code, name and district, lowercased, a space apart (a
    typed word holds no space, so it is in this exactly when it is in one of them)."""
    return func.lower(code + " " + name + " " + func.coalesce(district, ""))


@dataclass(frozen=True)
class StoredPart:
    """The stored register rows of one list (the province's, or a district's)."""

    session: Session
    area_ids: Sequence[int] | None  # a district's and those below it (rows are stored with their district's)
    by_district: dict[str, dict[str, int]] | None = None  # the refresh's counts (None: count the rows)
    #: None: the rows are the list for the day asked about on the register as it is now. Else the
    #: time they were made: the register changed or the day turned since, and the part is too big
    #: to compute within a request (`LIVE_ROWS`); the clock's next refresh brings it up to date.
    made_at: datetime | None = None

    def _where(self) -> list[Any]:
        return [] if self.area_ids is None else [in_ids(FollowupStanding.district_id, self.area_ids)]

    def counts(self) -> dict[str, int]:
        """Rows per reason, in the list's order: as the refresh counted them, else counted now."""
        if self.by_district is not None:
            found: dict[str, int] = {}
            wanted = None if self.area_ids is None else {str(area_id) for area_id in self.area_ids}
            for district, reasons in self.by_district.items():
                if wanted is None or district in wanted:
                    for reason, n in reasons.items():
                        found[reason] = found.get(reason, 0) + n
        else:
            found = dict(self.session.execute(select(FollowupStanding.reason, func.count())
                                              .where(*self._where()).group_by(FollowupStanding.reason)).all())
        return {reason: found[reason] for reason in REASONS if found.get(reason)}

    def count(self) -> int:
        """Rows in all (the province's: as stored; a district's: from the refresh's counts, or counted on
        its index)."""
        if self.area_ids is not None and self.by_district is not None:
            return sum(self.counts().values())
        if self.area_ids is None:
            return self.session.scalar(select(StandingState.rows).where(StandingState.id == STATE_ID)) or 0
        return self.session.scalar(select(func.count()).select_from(FollowupStanding).where(*self._where())) or 0

    def narrowed_count(self, narrowing: Narrowing) -> int:
        """Rows under the narrowing (counted on the stored rows: a district's on its index)."""
        if narrowing.empty:
            return self.count()
        return self.session.scalar(select(func.count()).select_from(FollowupStanding)
                                   .where(*self._where(), *narrowing.where())) or 0

    def rows(self, start: int, stop: int | None, narrowing: Narrowing | None = None) -> list[FollowupRow]:
        """Rows start..stop (stop None: to the end) under the narrowing, in the list's order."""
        if (narrowing is None or narrowing.empty) and stop is not None and stop - start <= PAGE_ROWS:
            # a page, as LINE and the console show: a statement built once, and a few rows
            found = self.session.execute(_PAGE[self.area_ids is not None], {
                "areas": None if self.area_ids is None else list(self.area_ids), "start": start,
                "count": max(0, stop - start)})
            return [FollowupRow(dict(zip(_KEYS, values, strict=True))) for values in found]
        query = (select(*_COLUMNS).where(*self._where(), *(narrowing.where() if narrowing else ()))
                 .order_by(FollowupStanding.rank).offset(start))
        if stop is not None:
            query = query.limit(max(0, stop - start))
        rows = fetch_tuples(self.session, query)  # tens of thousands at a time
        return [FollowupRow(dict(zip(_KEYS, values, strict=True))) for values in rows]


    def stream(self, batch: int, narrowing: Narrowing | None = None) -> Iterator[list[FollowupRow]]:
        """Every row under the narrowing, in the list's order, `batch` rows at a time: one query, so
        one snapshot of the list even if a refresh commits meanwhile."""
        query = (select(*_COLUMNS).where(*self._where(), *(narrowing.where() if narrowing else ()))
                 .order_by(FollowupStanding.rank))
        for rows in stream_tuples(self.session, query, batch):
            yield [FollowupRow(dict(zip(_KEYS, values, strict=True))) for values in rows]


class NarrowedRows:
    """A stored part's rows under a narrowing, a page at a time, counted only when a page does not
    tell: a search for a project's code finds its one row in one scan of a national list, and a
    second scan only to count them would double it."""

    def __init__(self, part: StoredPart, narrowing: Narrowing) -> None:
        self.part, self.narrowing = part, narrowing
        self.known: int | None = None

    def rows(self, start: int, stop: int | None) -> list[FollowupRow]:
        rows = self.part.rows(start, stop, self.narrowing)
        if (stop is None or len(rows) < stop - start) and (rows or start == 0):  # this page reached the end
            self.known = start + len(rows)
        return rows

    def count(self) -> int:
        if self.known is None:
            self.known = self.part.narrowed_count(self.narrowing)
        return self.known


def stored_part(session: Session, as_of: date, area_ids: Sequence[int] | None, *,
                of_today: bool = True) -> StoredPart | None:
    """The stored rows of this list (all, or those of the districts among `area_ids`) when they
    are the list for `as_of` on the register as it is now; the stored rows as they were made
    (`made_at` set) when they are behind but of `as_of` (or the day before, if `as_of` is the
    clock's day: `of_today`) and more than `LIVE_ROWS`, too many to compute live within a
    request; else None (compute it live)."""
    state = _state(session)
    if state is None:
        return None
    by_district = (state.counts or {}).get("by_district")
    if _fresh(state, as_of):
        return StoredPart(session, area_ids, by_district)
    if (state.format != FORMAT or by_district is None or state.refreshed_at is None or state.as_of is None
            or not timedelta(0) <= as_of - state.as_of <= timedelta(days=BEHIND_DAYS if of_today else 0)):
        return None
    behind = StoredPart(session, area_ids, by_district, made_at=state.refreshed_at)
    return behind if behind.count() > LIVE_ROWS else None
