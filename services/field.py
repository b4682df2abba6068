"""Field updates: recording `#อัปเดต`, linking it to a contract or a person, attaching photos and places."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from domain.field import ATTACH_WINDOW_MINUTES, named_people, project_codes
from domain.pictures import Picture
from models import Area, Contract, FieldUpdate, Membership, Person
from models.db import in_ids
from services.visits import in_scope


@dataclass(frozen=True)
class Recorded:
    """A new update (flushed: it has its id), the project it was linked to, and every person it names."""

    update: FieldUpdate
    project_code: str | None
    named: list[int]


def record_update(session: Session, *, author: str, group_id: str | None, text: str, now: datetime,
                  area_ids: Sequence[int] | None = None) -> Recorded:
    """Store an update; a project code in it links its contract, else the one person it names (if only one)
    among the people of the author's areas (`area_ids`, `services.visits.in_scope`; None: everyone): a
    namesake elsewhere is neither linked nor offered to choose, nor named to the author."""
    update = FieldUpdate(author=author, group_id=group_id, text=text, photos=[], created_at=now, updated_at=now)
    codes = project_codes(text)
    contract = session.scalars(select(Contract).where(Contract.project_code.in_(codes))).first() if codes else None
    named: list[int] = []
    if contract is not None:
        update.contract_id = contract.id
    else:
        # the database finds names inside the text, rather than sending the register here
        people = session.execute(select(Person.id, Person.first_name, Person.last_name).where(
            literal(text).contains(Person.first_name), literal(text).contains(Person.last_name),
            in_scope(area_ids))).all()
        named = named_people(text, people)
        if len(named) == 1:
            update.person_id = named[0]
    session.add(update)
    session.flush()
    return Recorded(update, contract.project_code if contract is not None else None, named)


@dataclass(frozen=True)
class Candidate:
    """One of the people an update names, with "PROJECT village" of each of their contracts."""

    person_id: int
    name: str
    places: list[str]


def candidates(session: Session, person_ids: Sequence[int]) -> list[Candidate]:
    """The people named, by id, with their contracts' projects and villages (two queries, no IDs shown)."""
    people = session.scalars(select(Person).where(in_ids(Person.id, person_ids)).order_by(Person.id)).all()
    places: dict[int, list[str]] = {}
    for person_id, code, level, name in session.execute(
            select(Membership.person_id, Contract.project_code, Area.level, Area.name)
            .join(Contract, Contract.id == Membership.contract_id).join(Area, Area.id == Contract.area_id)
            .where(in_ids(Membership.person_id, person_ids)).order_by(Membership.id)):
        places.setdefault(person_id, []).append(f"{code} {name if level == 'village' else ''}".strip())
    return [Candidate(p.id, p.full_name, places.get(p.id, [])) for p in people]


def field_update(session: Session, update_id: int) -> FieldUpdate | None:
    return session.get(FieldUpdate, update_id)


def recent_update(session: Session, author: str, group_id: str | None, now: datetime) -> FieldUpdate | None:
    """The author's latest update in the same chat within the attach window (photos and places join it)."""
    return session.scalars(select(FieldUpdate).where(
        FieldUpdate.author == author,
        FieldUpdate.group_id.is_(None) if group_id is None else FieldUpdate.group_id == group_id,
        FieldUpdate.created_at >= now - timedelta(minutes=ATTACH_WINDOW_MINUTES))
        .order_by(FieldUpdate.created_at.desc())).first()


def link_person(update: FieldUpdate, person_id: int, now: datetime) -> None:
    update.person_id, update.updated_at = person_id, now


def attach_location(update: FieldUpdate, lat: float | None, lng: float | None, now: datetime) -> None:
    update.lat, update.lng, update.updated_at = lat, lng, now


def attach_photo(session: Session, update: FieldUpdate, picture: Picture, *, uploads_dir: str,
                 now: datetime) -> None:
    """Keep a checked picture (`domain.pictures.checked_picture`) in the update's own folder.

    Every part of the path is the app's own (the update's id, a count, a random name), never
    something an event carried.
    """
    session.flush()  # the update's id names its folder
    folder = Path(uploads_dir) / str(update.id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{len(update.photos) + 1}-{uuid.uuid4().hex}.{picture.extension}"
    path.write_bytes(picture.data)
    update.photos = [*update.photos, {"path": str(path), "content_type": picture.content_type,
                                      "bytes": len(picture.data)}]
    update.updated_at = now
