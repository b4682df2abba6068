"""A person's file and a project's file, as the console shows them: everything the next officer needs.

Queries only; the console's pages turn these values into words. The caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from domain.console import month_ends
from domain.money import Position, schedule
from models import (
    ContactRequest,
    Contract,
    Document,
    FieldUpdate,
    LineLink,
    Membership,
    Person,
    PersonNote,
    Visit,
)
from services.contracts import contract_by_code, payments_of, position_of, terms_of
from services.visits import History, history

FILE_VISITS = 50
FILE_UPDATES = 20


@dataclass(frozen=True)
class PersonFile:
    history: History
    notes: list[PersonNote]
    requests: list[ContactRequest]
    documents: list[Document]
    updates: list[FieldUpdate]


def person_file(session: Session, person: Person, as_of: date, area_ids: Sequence[int] | None = None) -> PersonFile:
    """A person's whole file: contracts, visits and promises, notes, requests, documents, updates (as an
    officer of `area_ids` sees it: `services.visits.history`)."""
    found = history(session, person, as_of, visits=FILE_VISITS, updates=FILE_UPDATES, area_ids=area_ids)
    contract_ids = [h.contract.id for h in found.holdings]
    notes = list(session.scalars(select(PersonNote).where(PersonNote.person_id == person.id)
                                 .order_by(PersonNote.created_at.desc(), PersonNote.id.desc())))
    line_ids = select(LineLink.line_user_id).where(LineLink.person_id == person.id)
    requests = list(session.scalars(
        select(ContactRequest).where(or_(ContactRequest.person_id == person.id,
                                         ContactRequest.line_user_id.in_(line_ids)))
        .order_by(ContactRequest.created_at.desc())))
    documents = documents_about(session, person_ids=[person.id], contract_ids=contract_ids)
    return PersonFile(found, notes, requests, documents, found.updates)


def documents_about(session: Session, *, person_ids: Sequence[int] = (),
                    contract_ids: Sequence[int] = ()) -> list[Document]:
    """Documents of these people or contracts, newest first."""
    if not person_ids and not contract_ids:
        return []
    return list(session.scalars(
        select(Document).where(or_(Document.person_id.in_(person_ids), Document.contract_id.in_(contract_ids)))
        .options(selectinload(Document.contract)).order_by(Document.uploaded_at.desc(), Document.id.desc())))


def add_note(session: Session, person: Person, *, officer_name: str, text: str, now: datetime) -> PersonNote:
    note = PersonNote(person_id=person.id, officer_name=officer_name, text=text, created_at=now)
    session.add(note)
    return note


@dataclass(frozen=True)
class MonthPoint:
    """The end of one month of a contract's life: what was due by then, and what was paid."""

    month_end: date
    due: Decimal
    paid: Decimal
    debtor_class: int | None


@dataclass(frozen=True)
class ProjectFile:
    contract: Contract
    position: Position
    members: list[Membership]
    months: list[MonthPoint]
    payments: list[tuple[date, Decimal]]
    visits: list[Visit]
    documents: list[Document]
    updates: list[FieldUpdate]


def project_file(session: Session, contract: Contract, as_of: date) -> ProjectFile:
    """A project's file: members, schedule against payments over its whole life, class history, visits."""
    terms = terms_of(contract)
    payments = payments_of(contract)
    due_by = schedule(terms)
    points = []
    for end in month_ends(min(contract.contract_date, as_of), as_of):
        due = sum((amount for day, amount in due_by if day <= end), Decimal(0))
        paid = sum((amount for day, amount in payments if day <= end), Decimal(0))
        points.append(MonthPoint(end, due, paid, position_of(contract, end).debtor_class))
    members = list(session.scalars(select(Membership).where(Membership.contract_id == contract.id)
                                   .options(selectinload(Membership.person)).order_by(Membership.id)))
    visits = list(session.scalars(select(Visit).where(Visit.contract_id == contract.id)
                                  .order_by(Visit.visited_on.desc(), Visit.id.desc()).limit(FILE_VISITS)))
    updates = list(session.scalars(select(FieldUpdate).where(FieldUpdate.contract_id == contract.id)
                                   .order_by(FieldUpdate.created_at.desc()).limit(FILE_UPDATES)))
    return ProjectFile(contract, position_of(contract, as_of), members, points, list(payments), visits,
                       documents_about(session, contract_ids=[contract.id]), updates)


def project(session: Session, project_code: str) -> Contract | None:
    return contract_by_code(session, project_code)

