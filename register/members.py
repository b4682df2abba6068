"""members.csv: people upserted by national_id, and their role on each contract.

Read in chunks (`register.loader`): a chunk's people and roles are checked against the file's
earlier rows, which are kept in two temporary tables (`register.bulk.Seen`): each person's
details as the file gives them (empty cells are no news) with whether the import created or
changed them, and each (project_code, national_id) with its role.
"""

from __future__ import annotations

import json
from datetime import date
from sys import intern
from typing import Any

from domain.identity import mask_national_id
from models import Membership, Person
from models.db import bulk_insert
from models.register import ROLES
from register import cells
from register.bulk import Seen, bulk_update, lookup
from register.cells import Reasons
from register.loader import Loader, Pending
from register.sources import REQUIRED_COLUMNS

_PERSON_FIELDS = ("first_name", "last_name", "phone", "birth_date", "address", "lat", "lng")
_ROLE_INDEX = {role: n for n, role in enumerate(ROLES)}
CREATED, UPDATED = 1, 2  # what the import did to a person (the number a person is remembered with)


def _packed(details: list[Any] | None, roles: dict[str, int]) -> str:
    """What the file said of a person so far, as the text a `Seen` row keeps: the details (first
    line left out; None when only rows with bad cells named them) and project_code → line × 4 + role."""
    if details is None:
        return _encode([None, roles])
    kept = details[1:]
    if kept[3] is not None:  # the birth date, the only date
        kept[3] = kept[3].isoformat()
    return _encode([kept, roles])


_encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(..., ensure_ascii=False) makes one a call


def _unpacked(line: int, text: str | None) -> tuple[list[Any] | None, dict[str, int]]:
    if text is None:
        return None, {}
    values, roles = json.loads(text)
    if values is None:
        return None, roles
    if values[3] is not None:
        values[3] = date.fromisoformat(values[3])
    return [line, *values], roles


class MembersLoader(Loader):
    kind = "members"
    written_tables = ("people", "memberships")
    required_columns = REQUIRED_COLUMNS["members"]
    optional_columns = ("phone", "birth_date", "address", "lat", "lng")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        # national_id → first line with details (-1: none yet), CREATED/UPDATED, details and roles (`_packed`)
        self.people = Seen(self.session, "people")
        # this chunk: national_id → [first line, first_name, last_name, phone, birth_date, address, lat, lng]
        self.chunk_people: dict[str, list[Any]] = {}
        self.chunk_roles: dict[tuple[str, str], int] = {}  # (code, national_id) → line × 4 + role index
        self.chunk_nids: set[str] = set()
        self.met: dict[str, tuple[int, int, str | None]] = {}  # this chunk's national_ids met before it
        self.earlier: dict[str, tuple[list[Any] | None, dict[str, int]]] = {}  # … what the file said of them
        self.repeated = 0
        self.people_created = self.people_updated = 0

    def row(self, line: int, values: tuple[Any, ...]) -> None:
        code, nid, first, last, role, phone, birth, address, lat, lng = values
        try:  # the common case, fast: a clean row (the same parsers; `_checked_row` says what is wrong)
            born = cells.optional_date(birth)
            details: list[Any] = [line, cells.required(first, 100), cells.required(last, 100), cells.phone(phone),
                                  born, cells.optional(address, 2000),
                                  cells.coordinate(lat, 90.0), cells.coordinate(lng, 180.0)]
            if (details[6] is None) != (details[7] is None) or (born is not None and born > self.today):
                raise ValueError
            payload = (cells.national_id(nid), cells.role(role, ROLES), details, True)
            code = cells.code(code)
        except ValueError:
            self._checked_row(line, values)
            return
        self.defer(line, code, Reasons(), payload)

    def _checked_row(self, line: int, values: tuple[Any, ...]) -> None:
        """A row with a bad cell: every cell checked, every problem said."""
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
        if details[4] is not None and details[4] > self.today:
            r.append(f"birth_date {details[4]} is in the future")
        # the checks against other rows wait for the chunk (`check_chunk`), in the same order
        self.defer(line, code, r, (nid, role, details, not r))

    def check_chunk(self, pending: list[Pending]) -> list[Pending]:
        """Each national_id one set of details, each (contract, person) one role: in this chunk and the file."""
        self.chunk_nids = {p[3][0] for p in pending if p[3][0]}
        # every national_id met before, clean or not (a (contract, person) met before has its person met before)
        self.met = self.people.get(self.chunk_nids)
        earlier = self.earlier = {nid: _unpacked(line, text) for nid, (line, _, text) in self.met.items()}
        known = self.chunk_people
        for line, code, r, (nid, role, details, clean) in pending:
            assert r is not None
            if nid and clean:
                before = earlier[nid][0] if nid in earlier and nid not in known else None
                if before is not None:
                    known[nid] = before
                self._same_person(nid, details, r)
            if code and nid and role:
                self._one_role(code, nid, role, line, r)
        return [(line, code, r or None, payload) for line, code, r, payload in pending]

    def _same_person(self, nid: str, details: list[Any], r: Reasons) -> None:
        """The same national_id must carry the same details in one file (empty cells are no news)."""
        known = self.chunk_people.get(nid)
        if known is None:
            details[1], details[2] = intern(details[1]), intern(details[2])
            self.chunk_people[nid] = details
            return
        # the report names the fields that differ and the lines, never the values (it is shown and kept)
        clashes = [name for name, old, new in zip(_PERSON_FIELDS, known[1:], details[1:], strict=True)
                   if new is not None and old is not None and new != old]
        if clashes:
            r.append(f"national_id {mask_national_id(nid)} has other details than on {self.table.where(known[0])} "
                     f"(other {', '.join(clashes)})")
            return
        for index in range(1, len(details)):
            if known[index] is None:
                known[index] = details[index]

    def _one_role(self, code: str, nid: str, role: str, line: int, r: Reasons) -> None:
        key = (code, nid)
        packed = self.chunk_roles.get(key)
        if packed is None and nid in self.earlier and code in self.earlier[nid][1]:
            packed = self.chunk_roles[key] = -self.earlier[nid][1][code] - 1  # negative: from an earlier chunk
        if packed is None:
            self.chunk_roles[key] = line * 4 + _ROLE_INDEX[role]
            return
        first_line, index = divmod(packed if packed >= 0 else -packed - 1, 4)
        if ROLES[index] != role:
            r.append(f"national_id {mask_national_id(nid)} is already on {code} as {ROLES[index]} "
                     f"({self.table.where(first_line)}); one person has one role per contract")
        elif line != first_line:
            self.repeated += 1

    def skip_chunk(self) -> None:
        """The file has a rejected row: nothing more is written, but later rows are still checked."""
        self._remember({nid: (0, 0) for nid in self.chunk_people})  # what the import did no longer matters

    def write_chunk(self, accepted: list[tuple[tuple[int, date], Any]]) -> None:
        """Upsert the chunk's people, then the roles first met in it."""
        flags = self._write_people()
        known = self.contracts.known
        wanted: dict[tuple[int, int], str] = {}
        for (code, nid), packed in self.chunk_roles.items():
            if packed >= 0:  # met before this chunk: written already, its repeats are counted
                found = known[code]
                assert found is not None
                wanted[(found[0], flags[nid][0])] = ROLES[packed % 4]
        updated = {person_id for person_id, flag in flags.values() if flag & UPDATED}
        updates = []
        columns = (Membership.id, Membership.contract_id, Membership.person_id, Membership.role)
        for membership_id, contract_id, person_id, role in lookup(
                self.session, columns, Membership.contract_id, {key[0] for key in wanted}):
            new = wanted.pop((contract_id, person_id), None)
            if new is None:
                continue  # on the contract in the database, not in this chunk: left alone
            if new != role:
                updates.append({"id": membership_id, "role": new})
            elif person_id in updated:
                self.report.updated += 1  # same role, but the person's details changed
            else:
                self.report.unchanged += 1
        self.report.created += bulk_insert(self.session, Membership, ("contract_id", "person_id", "role"),
                                           ((cid, pid, role) for (cid, pid), role in wanted.items()))
        bulk_update(self.session, Membership, updates)
        self.report.updated += len(updates)
        self._remember(flags)

    def _remember(self, flags: dict[str, tuple[int, int]]) -> None:
        """Keep what the chunk said of each person (every national_id met; details only from clean
        rows; the roles) for the next chunks' checks."""
        people, self.chunk_people = self.chunk_people, {}
        roles, self.chunk_roles = self.chunk_roles, {}
        met, self.met = self.met, {}
        earlier, self.earlier = self.earlier, {}
        nids, self.chunk_nids = self.chunk_nids, set()
        new_roles: dict[str, dict[str, int]] = {}
        for (code, nid), packed in roles.items():
            if packed >= 0:  # first met in this chunk
                new_roles.setdefault(nid, {})[code] = packed
        changed: list[tuple[str, int, int, str | None]] = []
        new: list[tuple[str, int, int, str | None]] = []
        for nid in nids:
            before, their_roles = earlier.get(nid, (None, {}))
            if nid in new_roles:
                their_roles = {**their_roles, **new_roles[nid]}
            details = people.get(nid)
            if details is not None:
                line, flag = details[0], flags[nid][1]
            else:
                details = before
                line, flag = met[nid][:2] if nid in met else (-1, 0)
            (changed if nid in met else new).append((nid, line, flag, _packed(details, their_roles)))
        self.people.set(changed)
        self.people.add(new)

    def _write_people(self) -> dict[str, tuple[int, int]]:
        """Upsert the chunk's people; returns national_id → (id, what the import did to them: CREATED/UPDATED)."""
        people, met = self.chunk_people, self.met
        flags: dict[str, tuple[int, int]] = {}
        updates: list[dict[str, Any]] = []
        columns = (Person.id, Person.national_id, *(getattr(Person, name) for name in _PERSON_FIELDS))
        for person_id, nid, *stored in lookup(self.session, columns, Person.national_id, people):
            flag = met[nid][1] if nid in met else 0
            merged = [old if value is None else value for value, old in zip(people[nid][1:], stored, strict=True)]
            if merged != stored:
                updates.append({"id": person_id, **dict(zip(_PERSON_FIELDS, merged, strict=True))})
                if not flag & (CREATED | UPDATED):
                    flag |= UPDATED
                    self.people_updated += 1
            flags[nid] = (person_id, flag)
        new = [nid for nid in people if nid not in flags]
        bulk_insert(self.session, Person, ("national_id", *_PERSON_FIELDS), ((nid, *people[nid][1:]) for nid in new))
        for person_id, nid in lookup(self.session, (Person.id, Person.national_id), Person.national_id, new):
            flags[nid] = (person_id, CREATED)
        self.people_created += len(new)
        bulk_update(self.session, Person, updates)
        return flags

    def finish(self) -> None:
        self.people.drop()
        self.report.unchanged += self.repeated
        self.report.details.update(people_created=self.people_created, people_updated=self.people_updated)
        if self.repeated:
            self.report.notes.append(f"{self.repeated} row(s) repeat an earlier row of this file (counted unchanged)")

    def finish_rejected(self) -> None:
        self.people.drop()
