"""members.csv: people upserted by national_id, and their role on each contract."""

from __future__ import annotations

from sys import intern
from typing import Any

from models import Membership, Person
from models.db import bulk_insert
from models.register import ROLES
from register import cells
from register.bulk import bulk_update, lookup
from register.cells import Reasons
from register.loader import Loader
from register.sources import REQUIRED_COLUMNS

_PERSON_FIELDS = ("first_name", "last_name", "phone", "birth_date", "address", "lat", "lng")
_ROLE_INDEX = {role: n for n, role in enumerate(ROLES)}


class MembersLoader(Loader):
    kind = "members"
    required_columns = REQUIRED_COLUMNS["members"]
    optional_columns = ("phone", "birth_date", "address", "lat", "lng")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        # national_id → [first line, first_name, last_name, phone, birth_date, address, lat, lng]
        self.people: dict[str, list[Any]] = {}
        # (project_code, national_id) → line × 4 + role index (one int: 250k of them stay small)
        self.roles: dict[tuple[str, str], int] = {}

    def row(self, line: int, values: tuple[Any, ...]) -> None:
        code, nid, first, last, role, phone, birth, address, lat, lng = values
        r = Reasons()
        code = r.take("project_code", cells.code, code)
        nid = r.take("national_id", cells.national_id, nid)
        role = r.take("role", cells.role, role, ROLES)
        details = [
            line, r.take("first_name", cells.required, first, 100), r.take("last_name", cells.required, last, 100),
            r.take("phone", cells.phone, phone), r.take("birth_date", cells.optional_date, birth),
            r.take("address", cells.optional, address, 2000),
            r.take("lat", cells.coordinate, lat, 90.0), r.take("lng", cells.coordinate, lng, 180.0),
        ]
        if (details[6] is None) != (details[7] is None) and not r:
            r.append("lat and lng go together: give both or neither")
        if details[4] is not None and details[4] > self.now.date():
            r.append(f"birth_date {details[4]} is in the future")
        if nid and not r:
            self._same_person(nid, details, r)
        if code and nid and role:
            self._one_role(code, nid, role, line, r)
        self.defer(line, code, r or None, None)

    def _same_person(self, nid: str, details: list[Any], r: Reasons) -> None:
        """The same national_id must carry the same details in one file (empty cells are no news)."""
        known = self.people.get(nid)
        if known is None:
            details[1], details[2] = intern(details[1]), intern(details[2])
            self.people[nid] = details
            return
        clashes = [f"{name} {new!s} vs {old!s}"
                   for name, old, new in zip(_PERSON_FIELDS, known[1:], details[1:], strict=True)
                   if new is not None and old is not None and new != old]
        if clashes:
            r.append(f"national_id {nid} has other details than on {self.table.where(known[0])} "
                     f"({'; '.join(clashes)})")
            return
        for index in range(1, len(details)):
            if known[index] is None:
                known[index] = details[index]

    def _one_role(self, code: str, nid: str, role: str, line: int, r: Reasons) -> None:
        packed = self.roles.get((code, nid))
        if packed is None:
            self.roles[(code, nid)] = line * 4 + _ROLE_INDEX[role]
        elif ROLES[packed % 4] != role:
            r.append(f"national_id {nid} is already on {code} as {ROLES[packed % 4]} "
                     f"({self.table.where(packed // 4)}); one person has one role per contract")

    def write(self) -> None:
        person_ids, people_created, people_updated = self._write_people()
        self.people = {}  # done with the details: free them before the roles
        known = self.contracts.known
        wanted: dict[tuple[int, int], str] = {}
        for (code, nid), packed in self.roles.items():
            found = known[code]
            assert found is not None
            wanted[(found[0], person_ids[nid])] = ROLES[packed % 4]
        unique, self.roles = len(self.roles), {}
        del person_ids
        updates = []
        columns = (Membership.id, Membership.contract_id, Membership.person_id, Membership.role)
        for membership_id, contract_id, person_id, role in lookup(
                self.session, columns, Membership.contract_id, {key[0] for key in wanted}):
            new = wanted.pop((contract_id, person_id), None)
            if new is None:
                continue  # on the contract in the database, not in this file: left alone
            if new != role:
                updates.append({"id": membership_id, "role": new})
            elif person_id in people_updated:
                self.report.updated += 1  # same role, but the person's details changed
            else:
                self.report.unchanged += 1
        self.report.created = bulk_insert(self.session, Membership, ("contract_id", "person_id", "role"),
                                          ((cid, pid, role) for (cid, pid), role in wanted.items()))
        bulk_update(self.session, Membership, updates)
        self.report.updated += len(updates)
        repeated = self.report.rows - unique
        self.report.unchanged += repeated
        self.report.details.update(people_created=people_created, people_updated=len(people_updated))
        if repeated:
            self.report.notes.append(f"{repeated} row(s) repeat an earlier row of this file (counted unchanged)")

    def _write_people(self) -> tuple[dict[str, int], int, set[int]]:
        """Upsert the people of the file; returns national_id → id, how many new, ids updated."""
        ids: dict[str, int] = {}
        updated: set[int] = set()
        updates: list[dict[str, Any]] = []
        columns = (Person.id, Person.national_id, *(getattr(Person, name) for name in _PERSON_FIELDS))
        for person_id, nid, *stored in lookup(self.session, columns, Person.national_id, self.people):
            ids[nid] = person_id
            merged = [old if value is None else value for value, old in zip(self.people[nid][1:], stored, strict=True)]
            if merged != stored:
                updated.add(person_id)
                updates.append({"id": person_id, **dict(zip(_PERSON_FIELDS, merged, strict=True))})
        new = [nid for nid in self.people if nid not in ids]
        bulk_insert(self.session, Person, ("national_id", *_PERSON_FIELDS),
                    ((nid, *self.people[nid][1:]) for nid in new))
        for person_id, nid in lookup(self.session, (Person.id, Person.national_id), Person.national_id, new):
            ids[nid] = person_id
        bulk_update(self.session, Person, updates)
        return ids, len(new), updated
