"""Contact requests as the officers' inbox sees them: who asked, whether an officer may see it, what was done.

Who asked is the person the request names (stored when a verified person leaves it), or
else the person its LINE account is linked to. A district officer sees the requests of
people on a contract of their district, of people on no contract, and of accounts not
linked to anyone (those have no district to scope by), as `services.visits.in_scope`.
Queries and changes only; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, or_, select, true, update
from sqlalchemy.orm import Session

from models import ContactRequest, Contract, LineLink, LineUser, Membership, Person
from models.db import Ids, in_ids
from services.contracts import open_positions
from services.visits import on_a_contract, on_contract_in


@dataclass(frozen=True)
class Holding:
    """One of the asker's contracts: what the officer needs to know before answering."""

    project_code: str
    role: str
    debtor_class: int | None  # None: closed or paid off
    closed: bool


@dataclass(frozen=True)
class InboxItem:
    """A request and who is behind it (None: an account not linked to anyone in the register)."""

    request: ContactRequest
    person: Person | None
    holdings: list[Holding]
    following: bool  # the account still follows the fund: a LINE answer can reach it

    @property
    def state(self) -> str:
        """`open` (nobody has it yet), `taken` (an officer has it) or `done`."""
        if self.request.status == "done":
            return "done"
        return "taken" if self.request.taken_by else "open"


def asker() -> ColumnElement[int | None]:
    """The id of the person behind a request: the one it names, else its account's link."""
    # correlated by name: inside `visible`'s EXISTS it is nested a level deeper, where automatic
    # correlation would give it a FROM of its own (every request's link, not this one's)
    linked = (select(LineLink.person_id).where(LineLink.line_user_id == ContactRequest.line_user_id)
              .correlate(ContactRequest))
    return func.coalesce(ContactRequest.person_id, linked.scalar_subquery())


def visible(area_ids: Ids | None) -> ColumnElement[bool]:
    """Requests an officer of `area_ids` may read (None: the province, everything)."""
    if area_ids is None:
        return true()
    who = asker()
    return or_(who.is_(None), on_contract_in(who, area_ids), ~on_a_contract(who))


def chosen(area_ids: Sequence[int] | None, open_only: bool) -> list[ColumnElement[bool]]:
    where = [visible(area_ids)]
    if open_only:
        where.append(ContactRequest.status == "open")
    return where


def inbox_total(session: Session, area_ids: Sequence[int] | None, *, open_only: bool = False) -> int:
    """How many requests an officer of `area_ids` may read (only those still open, if asked)."""
    return session.scalar(select(func.count()).select_from(ContactRequest).where(*chosen(area_ids, open_only))) or 0


def inbox(session: Session, as_of: date, area_ids: Sequence[int] | None, *, open_only: bool = False,
          offset: int = 0, limit: int = 50) -> list[InboxItem]:
    """One page of the requests an officer of `area_ids` may read, newest first."""
    rows = session.execute(select(ContactRequest, asker().label("person_id")).where(*chosen(area_ids, open_only))
                           .order_by(ContactRequest.created_at.desc(), ContactRequest.id.desc())
                           .offset(offset).limit(limit)).all()
    return described(session, [(r[0], r[1]) for r in rows], as_of)


def open_requests(session: Session, area_ids: Sequence[int] | None, as_of: date, *,
                  limit: int = 50) -> list[InboxItem]:
    """Requests still waiting for an answer (taken or not), newest first: the top of Today."""
    return inbox(session, as_of, area_ids, open_only=True, limit=limit)


def request_item(session: Session, request_id: int, area_ids: Sequence[int] | None,
                 as_of: date) -> InboxItem | None:
    """One request, if the officer may read it."""
    row = session.execute(select(ContactRequest, asker().label("person_id"))
                          .where(ContactRequest.id == request_id, visible(area_ids))).one_or_none()
    return described(session, [(row[0], row[1])], as_of)[0] if row is not None else None


def described(session: Session, rows: Sequence[tuple[ContactRequest, int | None]], as_of: date) -> list[InboxItem]:
    """Requests with their askers, the askers' contracts and classes, and whether LINE reaches them."""
    person_ids = sorted({person_id for _, person_id in rows if person_id is not None})
    people = ({p.id: p for p in session.scalars(select(Person).where(in_ids(Person.id, person_ids)))}
              if person_ids else {})
    held = holdings_of(session, person_ids, as_of)
    accounts = sorted({request.line_user_id for request, _ in rows})
    following = {account: follows for account, follows in session.execute(
        select(LineUser.line_user_id, LineUser.following).where(LineUser.line_user_id.in_(accounts)))}
    return [InboxItem(request, people.get(person_id) if person_id is not None else None,
                      held.get(person_id, []) if person_id is not None else [],
                      following.get(request.line_user_id, True))
            for request, person_id in rows]


def holdings_of(session: Session, person_ids: Sequence[int], as_of: date) -> dict[int, list[Holding]]:
    """person id → their contracts (oldest first), each with the person's role and its class on `as_of`."""
    if not person_ids:
        return {}
    rows = session.execute(select(Membership.person_id, Membership.role, Contract.id, Contract.project_code)
                           .join(Contract).where(in_ids(Membership.person_id, person_ids))
                           .order_by(Contract.contract_date, Contract.project_code)).all()
    positions = {facts.id: found for facts, found in
                 open_positions(session, as_of, contract_ids=sorted({r[2] for r in rows}))} if rows else {}
    found: dict[int, list[Holding]] = {}
    for person_id, role, contract_id, code in rows:
        position = positions.get(contract_id)
        closed = position is None or position.closed
        found.setdefault(person_id, []).append(
            Holding(code, role, None if position is None else position.debtor_class, closed))
    return found


def take(session: Session, request_id: int, *, officer_name: str, now: datetime) -> bool:
    """An officer takes an open request (or takes it over from another); False when it is done."""
    changed = session.execute(
        update(ContactRequest).where(ContactRequest.id == request_id, ContactRequest.status == "open")
        .values(taken_by=officer_name, taken_at=now))
    return bool(changed.rowcount)  # type: ignore[attr-defined]


def close(session: Session, request_id: int, *, officer_name: str, channel: str | None, answer: str,
          now: datetime) -> ContactRequest | None:
    """Mark an open request answered (by `channel`: phone, line, or None for otherwise), with the answer.

    Once only, whoever clicks first: a second officer (or a second click) gets None and
    nothing changes, so a person is never answered or told twice.
    """
    changed = session.execute(
        update(ContactRequest).where(ContactRequest.id == request_id, ContactRequest.status == "open")
        .values(status="done", answered_by=officer_name, answered_at=now, answer_channel=channel,
                answer=answer or None))
    if not changed.rowcount:  # type: ignore[attr-defined]
        return None
    request = session.get(ContactRequest, request_id)
    assert request is not None
    if request.taken_by is None:  # answered straight away: the one who answered had it
        request.taken_by, request.taken_at = officer_name, now
    return request
