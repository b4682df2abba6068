"""The console's map: every pinned person an officer may see, with their worst class.

Set-based, as the lists are: one query for the pinned people and their contracts, one
for those contracts' money positions (payments added up by the database), one for the
area names. The caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from domain.money import worst_class
from models import Contract, Membership, Person
from models.db import in_ids
from services.areas import area_paths
from services.contracts import open_positions
from services.visits import people_in_scope


@dataclass(frozen=True)
class Pin:
    """One pinned person: where, who, their projects and how their debt stands."""

    person_id: int
    first_name: str
    last_name: str
    lat: float
    lng: float
    project_codes: list[str] = field(default_factory=list)
    place: dict[str, str] = field(default_factory=dict)  # area_path of their first contract's area
    debtor_class: int | None = None  # the worst class of their open contracts
    standing: str = "none"  # "owing": a class; "closed": every contract closed or paid off; "none": no contract


def map_pins(session: Session, as_of: date, area_ids: Sequence[int] | None) -> list[Pin]:
    """Pinned people within `area_ids` (None: the province), by name, classed on `as_of`."""
    located = and_(Person.lat.is_not(None), Person.lng.is_not(None))
    pinned = located if area_ids is None else and_(located, Person.id.in_(people_in_scope(area_ids)))
    # a district officer sees a pinned person's contracts of their district only, as on the person's
    # page (`history`): a guarantor's contract elsewhere is another district's
    shown = Contract.id == Membership.contract_id
    if area_ids is not None:
        shown = and_(shown, in_ids(Contract.area_id, area_ids))
    rows = session.execute(
        select(Person.id, Person.first_name, Person.last_name, Person.lat, Person.lng,
               Contract.id.label("contract_id"), Contract.project_code, Contract.area_id)
        .select_from(Person)
        .outerjoin(Membership, Membership.person_id == Person.id)
        .outerjoin(Contract, shown)
        .where(pinned)
        .order_by(Person.first_name, Person.last_name, Person.id, Contract.contract_date, Contract.project_code)
    ).all()
    # the contracts shown: a district's are held by people in its scope by definition (no rule to ask)
    contracts = select(Membership.contract_id).join(Person, Person.id == Membership.person_id).where(located)
    if area_ids is not None:
        contracts = contracts.join(Contract, Contract.id == Membership.contract_id).where(
            in_ids(Contract.area_id, area_ids))
    positions = {facts.id: found for facts, found in open_positions(session, as_of, contract_ids=contracts)}
    paths = area_paths(session, [r.area_id for r in rows if r.area_id is not None])
    pins = []
    for _, group in groupby(rows, key=lambda r: r.id):
        own = list(group)
        first = own[0]
        held = [r for r in own if r.contract_id is not None]
        worst = worst_class(positions[r.contract_id].debtor_class for r in held if r.contract_id in positions)
        standing = "owing" if worst is not None else ("closed" if held else "none")
        pins.append(Pin(first.id, first.first_name, first.last_name, float(first.lat), float(first.lng),
                        [r.project_code for r in held], paths.get(held[0].area_id, {}) if held else {},
                        worst, standing))
    return pins
