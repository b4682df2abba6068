"""The area tree: province → district → subdistrict → village, and who looks after which part.

The one place that walks it: names of a place, the areas under a district, the district
an area lies in, and the part of the province an officer's data access is scoped to.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.register import Area, StaffMember


def area_path(area: Area | None) -> dict[str, str]:
    """{"province": …, "district": …, "subdistrict": …, "village": …} for an area."""
    names: dict[str, str] = {}
    while area is not None:
        names[area.level] = area.name
        area = area.parent
    return names


def district_of(area: Area | None) -> Area | None:
    """The district an area lies in (itself when it is one; None above or outside a district)."""
    while area is not None and area.level != "district":
        area = area.parent
    return area


def area_by_id(session: Session, area_id: int) -> Area | None:
    return session.get(Area, area_id)


def find_area(session: Session, district: str, subdistrict: str = "", village: str = "") -> Area | None:
    """The most specific area named (district, then subdistrict and village under it)."""
    area = session.scalars(select(Area).where(Area.level == "district", Area.name == district)).first()
    for level, name in (("subdistrict", subdistrict), ("village", village)):
        if area is None or not name:
            break
        area = session.scalars(select(Area).where(Area.level == level, Area.name == name,
                                                  Area.parent_id == area.id)).first()
    return area


def area_ids_under(session: Session, district: str) -> list[int]:
    """Ids of the district named and every area below it."""
    frontier = list(session.scalars(select(Area.id).where(Area.level == "district", Area.name == district)))
    found = list(frontier)
    while frontier:
        frontier = list(session.scalars(select(Area.id).where(Area.parent_id.in_(frontier))))
        found.extend(frontier)
    return found


def officer_area_ids(session: Session, officer: StaffMember) -> list[int] | None:
    """The areas a district officer looks after (None: a province officer sees everyone)."""
    if officer.district is None:
        return None
    return area_ids_under(session, officer.district.name)


def areas_below(session: Session, area_ids: Sequence[int]) -> dict[int, int]:
    """Every area under the given ones (themselves included) → which of them it lies under."""
    owner = {area_id: area_id for area_id in area_ids}
    frontier = list(area_ids)
    while frontier:
        children = session.execute(select(Area.id, Area.parent_id).where(Area.parent_id.in_(frontier))).all()
        for child, parent in children:
            if parent is not None:  # always set: these children were found by their parent
                owner[child] = owner[parent]
        frontier = [child for child, _ in children]
    return owner


def district_of_areas(session: Session) -> dict[int, Area]:
    """area id → the district area it lies in (one query for the whole tree)."""
    rows = {a.id: a for a in session.scalars(select(Area))}

    def district_for(area_id: int | None) -> Area | None:
        while area_id is not None:
            area = rows[area_id]
            if area.level == "district":
                return area
            area_id = area.parent_id
        return None

    return {area_id: found for area_id in rows if (found := district_for(area_id))}


def district_names(session: Session) -> dict[int, str]:
    """area id → the name of the district it lies in (one query for the whole tree)."""
    return {area_id: district.name for area_id, district in district_of_areas(session).items()}
