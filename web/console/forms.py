"""What the person's and the project's forms offer the viewer, and how a refused form is answered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from domain.textnorm import MAX_ROW_ID
from models import FieldUpdate, Person
from services.balance import Holding
from services.measure_store import measures_in_db
from services.visits import contracts_of, latest_located_update
from web.console.access import contract_visible, db, viewer

ROW_ID = f"int(max={MAX_ROW_ID})"  # a URL's id converter: past the database's integers is simply not found


@dataclass(frozen=True)
class Problem:
    """A refused form, answered on its own page: which form (documents, visit, pin) and what to do."""

    at: str
    text: str


@dataclass(frozen=True)
class PersonForms:
    document_contracts: list[tuple[int, str]]  # the person's contracts the viewer may see
    visit_contracts: list[tuple[int, str]]  # the person's open contracts, as the LINE visit flow offers them
    measures: list[tuple[str, str]]  # relief measures in force today
    located: FieldUpdate | None  # the newest field update about the person with a location


def person_forms(person: Person, holdings: Sequence[Holding], today: date) -> PersonForms:
    return PersonForms(
        document_contracts=[(h.contract.id, h.contract.project_code) for h in holdings if contract_visible(h.contract)],
        visit_contracts=contracts_of(db(), [person.id], open_only=True, area_ids=viewer().area_ids)[person.id],
        measures=in_force(today),
        located=latest_located_update(db(), person.id),
    )


def in_force(today: date) -> list[tuple[str, str]]:
    return [(m.id, m.name) for m in measures_in_db(db()) if m.in_force(today)]


def record_id(text: str) -> int | None:
    """A row id as a form sends it (ASCII digits, within the database's integers), or None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None
