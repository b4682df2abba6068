"""The area tree: province → district → subdistrict → village, and who looks after which part.

The one place that walks it: names of a place, the areas under a district, the district
an area lies in, the part of the province an officer's data access is scoped to, and
(AreaBook) the areas an import or the demo names, created as needed.

The walks an officer's list makes several times over (the areas under a district, the
district of every area) are remembered for the rest of the session's transaction: the tree
changes rarely, and any write to `areas` through the session forgets them at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from itertools import chain
from typing import Any

from sqlalchemy import Select, bindparam, event, insert, select
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction, aliased

from models.db import table_of
from models.register import Area, StaffMember

Scope = str | int
"""Which part of the register a list, report or figure covers: an area's id (an officer's own
district or province, or one the API was asked for: it and everything below it) or a
district's name (a filter a person typed: every district of that name). Names repeat across
provinces, so an officer's scope is never looked up by name."""


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


def find_area(session: Session, district: Scope, subdistrict: str = "", village: str = "") -> Area | None:
    """The most specific area named (district, by id or name, then subdistrict and village under it)."""
    area = (session.get(Area, district) if isinstance(district, int) else
            session.scalars(select(Area).where(Area.level == "district", Area.name == district)).first())
    for level, name in (("subdistrict", subdistrict), ("village", village)):
        if area is None or not name:
            break
        area = session.scalars(select(Area).where(Area.level == level, Area.name == name,
                                                  Area.parent_id == area.id)).first()
    return area


def districts_named(session: Session, district: str, province: str = "") -> list[Area]:
    """Every district of that name (in that province, when one is named), by province.

    More than one on a register of several provinces: a district's name is not unique across
    the country (อำเภอเฉลิมพระเกียรติ is in five provinces)."""
    query = select(Area).where(Area.level == "district", Area.name == district)
    if province:
        query = query.where(Area.parent_id.in_(
            select(Area.id).where(Area.level == "province", Area.name == province).scalar_subquery()))
    return sorted(session.scalars(query), key=lambda a: (a.parent.name if a.parent else "", a.id))


class AreaNotFound(LookupError):
    """No area of the name given, or several (its message says which, and what to add)."""


def one_district(session: Session, district: str, province: str = "") -> Area:
    """The one district named (in that province, when one is named), else AreaNotFound."""
    found = districts_named(session, district, province)
    if not found:
        raise AreaNotFound(f"no district {district!r}{f' in {province!r}' if province else ''} in the register")
    if len(found) > 1:
        provinces = ", ".join(a.parent.name if a.parent else "-" for a in found)
        raise AreaNotFound(f"{len(found)} districts are named {district!r} (in {provinces}): name its province too")
    return found[0]


def scope_named(session: Session, district: str | None, province: str | None) -> Scope | None:
    """The part of the register a district's and a province's names give: a province (its area id),
    its district of that name (that district's id), or, with no province, the district's name
    (every district of it); None: everything. AreaNotFound when a province or its district is not there."""
    if not province:
        return district or None
    if district:
        return one_district(session, district, province).id
    return one_province(session, province).id


def one_province(session: Session, province: str) -> Area:
    """The province of that name, else AreaNotFound."""
    area = session.scalars(select(Area).where(Area.level == "province", Area.name == province)).first()
    if area is None:
        raise AreaNotFound(f"no province {province!r} in the register")
    return area


_MEMO = "services.areas.memo"


def _memo(session: Session) -> dict[Any, Any]:
    memo: dict[Any, Any] = session.info.setdefault(_MEMO, {})
    return memo


@event.listens_for(Session, "after_transaction_end")
def _forget_at_end(session: Session, _transaction: SessionTransaction) -> None:
    session.info.pop(_MEMO, None)


@event.listens_for(Session, "after_flush")
def _forget_flushed(session: Session, _context: UOWTransaction) -> None:
    if _MEMO in session.info and any(isinstance(o, Area) for o in chain(session.new, session.dirty, session.deleted)):
        session.info.pop(_MEMO, None)


@event.listens_for(Session, "do_orm_execute")
def _forget_written(state: ORMExecuteState) -> None:
    written = getattr(getattr(state.statement, "table", None), "name", None)  # ORM statements annotate it
    if _MEMO in state.session.info and not state.is_select and written == Area.__tablename__:
        state.session.info.pop(_MEMO, None)


def area_ids_under(session: Session, district: Scope) -> list[int]:
    """Ids of the district (by id, or every district of that name) and every area below it."""
    memo = _memo(session)
    if ("under", district) not in memo:
        memo[("under", district)] = _area_ids_under(session, district)
    return list(memo[("under", district)])


def _area_ids_under(session: Session, district: Scope) -> list[int]:
    """One recursive query, whatever the tree's depth (every officer's request asks it)."""
    return list(session.scalars(_UNDER[isinstance(district, int)], {"scope": district}))


def _under(by_id: bool) -> Select[tuple[int]]:
    top = (select(Area.id).where(Area.id == bindparam("scope")) if by_id
           else select(Area.id).where(Area.level == "district", Area.name == bindparam("scope")))
    tree = top.cte("tree", recursive=True)
    below = aliased(Area)
    tree = tree.union_all(select(below.id).where(below.parent_id == tree.c.id))
    return select(tree.c.id)


_UNDER = {by_id: _under(by_id) for by_id in (True, False)}  # built once: building one costs more than running it


def provinces(session: Session) -> list[Area]:
    """Every province of the register, by name."""
    return list(session.scalars(select(Area).where(Area.level == "province").order_by(Area.name, Area.id)))


def provinces_of(session: Session, scope: Scope | None) -> set[int] | None:
    """The provinces a part of the register lies in (an area by id: its province, or itself if it is
    one; a district's name: the provinces of every district of that name), in one query up the
    tree; None for None (the whole register)."""
    if scope is None:
        return None
    return set(session.scalars(_PROVINCES_OF[isinstance(scope, int)], {"scope": scope}))


def _provinces_of(by_id: bool) -> Select[tuple[int]]:
    start = (select(Area.id, Area.parent_id, Area.level).where(Area.id == bindparam("scope")) if by_id
             else select(Area.id, Area.parent_id, Area.level).where(Area.level == "district",
                                                                   Area.name == bindparam("scope")))
    path = start.cte("path", recursive=True)
    above = aliased(Area)
    path = path.union_all(select(above.id, above.parent_id, above.level).where(above.id == path.c.parent_id))
    return select(path.c.id).where(path.c.level == "province")


# Built once: building this statement (an aliased class, a recursive CTE) cost ten times running it,
# and every officer's `วันนี้` asks it.
_PROVINCES_OF = {by_id: _provinces_of(by_id) for by_id in (False, True)}


def officer_area_ids(session: Session, officer: StaffMember) -> list[int] | None:
    """The areas an officer looks after: their district's, or their province's (None: an officer
    with neither sees everyone)."""
    if officer.area_id is None:
        return None
    return area_ids_under(session, officer.area_id)


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
    """area id → the district area it lies in (two queries for the whole tree, remembered for the
    session's transaction)."""
    memo = _memo(session)
    if "districts" not in memo:
        memo["districts"] = _district_of_areas(session)
    return dict(memo["districts"])


def _district_of_areas(session: Session) -> dict[int, Area]:
    """Only the districts are loaded as objects; the rest of the tree (a national register has
    tens of thousands of villages) is read as plain (id, parent) pairs."""
    districts = {a.id: a for a in session.scalars(select(Area).where(Area.level == "district"))}
    parents = {area_id: parent_id for area_id, parent_id in session.execute(select(Area.id, Area.parent_id))}
    found: dict[int, Area | None] = {}

    def district_for(area_id: int | None) -> Area | None:
        path = []
        result = None
        while area_id is not None:
            if area_id in found:
                result = found[area_id]
                break
            path.append(area_id)
            if area_id in districts:
                result = districts[area_id]
                break
            area_id = parents.get(area_id)
        for step in path:
            found[step] = result
        return result

    return {area_id: district for area_id in parents if (district := district_for(area_id)) is not None}


def area_paths(session: Session, area_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """area id → `area_path` of it, for these areas (one query for the whole tree, small as it is)."""
    rows = {r.id: (r.level, r.name, r.parent_id)
            for r in session.execute(select(Area.id, Area.level, Area.name, Area.parent_id))}
    found: dict[int, dict[str, str]] = {}
    for area_id in set(area_ids):
        names: dict[str, str] = {}
        current: int | None = area_id
        while current is not None and current in rows:
            level, name, current = rows[current]
            names[level] = name
        found[area_id] = names
    return found


def district_names(session: Session) -> dict[int, str]:
    """area id → the name of the district it lies in (one query for the whole tree)."""
    return {area_id: district.name for area_id, district in district_of_areas(session).items()}


class DistrictNames(Mapping[int, str]):
    """`district_names`, read the first time a name is asked for: most lists label no row with a
    district (an officer's `วันนี้` from the stored list: none), and the whole tree of a national
    register is tens of thousands of areas."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._names: dict[int, str] | None = None

    def _loaded(self) -> dict[int, str]:
        if self._names is None:
            self._names = district_names(self._session)
        return self._names

    def __getitem__(self, area_id: int) -> str:
        return self._loaded()[area_id]

    def __iter__(self) -> Iterator[int]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())


class AreaBook:
    """Areas by name along province → district → subdistrict → village, created as needed (in bulk)."""

    LEVELS = ("province", "district", "subdistrict", "village")

    def __init__(self, session: Session) -> None:
        self.session = session
        self.created = 0
        self.known: dict[tuple[int | None, str, str], int] = {
            (parent_id, level, name): area_id
            for area_id, parent_id, level, name in session.execute(
                select(Area.id, Area.parent_id, Area.level, Area.name))
        }

    def ids(self, paths: set[tuple[str, str, str, str]]) -> dict[tuple[str, str, str, str], int]:
        """The most specific area of each (province, district, subdistrict, village) path."""
        at: dict[tuple[str, ...], int | None] = {(): None}
        for depth, level in enumerate(self.LEVELS, start=1):
            wanted = {path[:depth] for path in paths if all(path[:depth])}
            missing = sorted(p for p in wanted if (at[p[:-1]], level, p[-1]) not in self.known)
            if missing:
                rows = [{"level": level, "name": p[-1], "parent_id": at[p[:-1]]} for p in missing]
                table = table_of(Area)
                for area_id, parent_id, name in self.session.execute(
                        insert(table).returning(table.c.id, table.c.parent_id, table.c.name), rows):
                    self.known[(parent_id, level, name)] = area_id
                self.created += len(rows)
            for p in wanted:
                at[p] = self.known[(at[p[:-1]], level, p[-1])]
        out: dict[tuple[str, str, str, str], int] = {}
        for path in paths:
            named: tuple[str, ...] = path
            while named and not named[-1]:  # the deepest level named: a village, or above
                named = named[:-1]
            area_id = at[named]
            assert area_id is not None
            out[path] = area_id
        return out

    def area(self, province: str, district: str = "", subdistrict: str = "", village: str = "") -> Area:
        """The most specific area named, created (with the levels above it) when new."""
        path = (province, district, subdistrict, village)
        found = self.session.get(Area, self.ids({path})[path])
        assert found is not None
        return found


def districts(session: Session) -> list[Area]:
    """Every district, by name."""
    return list(session.scalars(select(Area).where(Area.level == "district").order_by(Area.name)))


def district_choices(session: Session) -> list[tuple[str, Area]]:
    """Every district with the words the console's district filter shows and names it by (in its
    address): its name, or, where districts of several provinces share the name,
    `name (province)`. By name, then province."""
    found = districts(session)
    repeated = {name for name, n in Counter(a.name for a in found).items() if n > 1}
    keyed = [(f"{a.name} ({a.parent.name})" if a.name in repeated and a.parent else a.name, a) for a in found]
    return sorted(keyed, key=lambda pair: pair[0])


def district_chosen(session: Session, key: str) -> Area | None:
    """The district a `district_choices` key names (None: no such choice)."""
    return next((area for words, area in district_choices(session) if words == key), None) if key else None


def child_areas(session: Session, parent_id: int) -> list[Area]:
    """The areas right below one area, by name."""
    return list(session.scalars(select(Area).where(Area.parent_id == parent_id).order_by(Area.name)))


def ids_below(session: Session, area_id: int) -> list[int]:
    """An area and every area below it."""
    return list(areas_below(session, [area_id]))
