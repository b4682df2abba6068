"""The people of the register: borrowers, co-debtors and guarantors of each contract, with
names, birth dates, phones, addresses and pins; some sit on two contracts of a block."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from devtools.sampledata.personas import FIXED_NIDS
from devtools.sampledata.province import (
    CENTRES,
    LAT_RANGE,
    LNG_RANGE,
    MEN,
    SUB_INDEX,
    SURNAMES,
    WOMEN,
    address,
)
from devtools.sampledata.rules import days_in_month, national_id
from devtools.sampledata.specs import MEMBER_COLUMNS, NEW_FUND_FROM, SHARED_PEOPLE, ContractSpec

_NID_MULTIPLIER = 7_919_302_113  # odd, not a multiple of 5: a permutation of 0..10**11-1
_NID_SPACE = 10**11
_ROLE_AGES = {"borrower": (25, 60), "co_debtor": (20, 65), "guarantor": (30, 65)}


@dataclass(slots=True)
class _Slot:
    spec: ContractSpec
    role: str
    serial: int
    female: bool
    person: dict[str, str] | None = None
    reuse: bool = False


class MemberBlock:
    """The people of one block of contracts; ~15 % of them sit on two contracts."""

    def __init__(self, seed: int, specs: list[ContractSpec], rng: random.Random) -> None:
        self.seed = seed
        self.specs = specs
        self.rng = rng
        self.slots: list[_Slot] = []

    def rows(self) -> Iterator[dict[str, str]]:
        """members.csv rows of the block: borrower first, then co-debtors or guarantors."""
        rng = self.rng
        by_contract: dict[int, list[_Slot]] = {}
        for spec in self.specs:
            if not spec.persona:
                by_contract[spec.index] = self._slots(spec)
        eligible = self.slots
        # r reused slots among n give r/(n-r) shared people: solve for SHARED_PEOPLE.
        reused = round(len(eligible) * SHARED_PEOPLE / (1 + SHARED_PEOPLE))
        for i in sorted(rng.sample(range(len(eligible)), reused)):
            eligible[i].reuse = True
        for slot in eligible:
            if not slot.reuse:
                slot.person = self._person(slot)
        self._share()
        for spec in self.specs:
            if spec.persona:
                for member in spec.fixed_members:
                    yield {"project_code": spec.code, **member}
                continue
            for slot in by_contract[spec.index]:
                assert slot.person is not None
                row = {"project_code": spec.code, "role": slot.role, **slot.person}
                yield {column: row[column] for column in MEMBER_COLUMNS}

    def _slots(self, spec: ContractSpec) -> list[_Slot]:
        rng = self.rng
        roles = ["borrower"]
        if spec.contract_date >= NEW_FUND_FROM:
            roles += ["co_debtor"] * rng.choices((1, 2, 3, 4), weights=(55, 30, 10, 5))[0]
            if rng.random() < 0.08:
                roles.append("guarantor")
        else:
            roles += ["guarantor"] * (1 if rng.random() < 0.75 else 2)
        out = []
        for n, role in enumerate(roles):
            female = role == "borrower" or rng.random() < (0.8 if role == "co_debtor" else 0.55)
            out.append(_Slot(spec, role, spec.index * 8 + n, female))
        self.slots.extend(out)
        return out

    def _share(self) -> None:
        """Give each reused slot a person from another contract of the block."""
        rng = self.rng
        natives = [s for s in self.slots if not s.reuse]
        taken: set[int] = set()
        on_contract: dict[int, set[str]] = {}
        for s in self.slots:
            if s.person:
                on_contract.setdefault(s.spec.index, set()).add(s.person["national_id"])
        near: dict[str, list[_Slot]] = {}
        for s in natives:
            near.setdefault(s.spec.subdistrict, []).append(s)
        for slot in self.slots:
            if not slot.reuse:
                continue
            here = on_contract.setdefault(slot.spec.index, set())
            found = None
            for pool in (near.get(slot.spec.subdistrict, []), natives):
                for _ in range(12):
                    if not pool:
                        break
                    cand = rng.choice(pool)
                    assert cand.person is not None
                    if (cand.serial not in taken and cand.spec.index != slot.spec.index
                            and cand.person["national_id"] not in here
                            and (cand.female or not slot.female)):
                        found = cand
                        break
                if found:
                    break
            if found is None:  # nobody suitable: a person of their own
                slot.reuse = False
                slot.person = self._person(slot)
            else:
                taken.add(found.serial)
                slot.person = found.person
            assert slot.person is not None
            here.add(slot.person["national_id"])

    def _person(self, slot: _Slot) -> dict[str, str]:
        rng = self.rng
        spec = slot.spec
        first = rng.choice(WOMEN if slot.female else MEN)
        last = rng.choice(SURNAMES)
        lo, hi = _ROLE_AGES[slot.role]
        year = spec.contract_date.year - rng.randint(lo, hi)
        month = rng.randint(1, 12)
        born = date(year, month, rng.randint(1, days_in_month(year, month)))
        no_birth = rng.random() < 0.10
        phone = _phone(rng) if no_birth or rng.random() < 0.88 else ""
        _, villages = SUB_INDEX[spec.subdistrict]
        village = spec.village if spec.village and rng.random() < 0.85 else rng.choice(villages)
        house = str(rng.randint(1, 250)) + (f"/{rng.randint(1, 40)}" if rng.random() < 0.4 else "")
        lat = lng = ""
        if rng.random() < 0.6:
            clat, clng = CENTRES[spec.subdistrict]
            lat = f"{_clamp(clat + rng.uniform(-0.015, 0.015), LAT_RANGE):.6f}"
            lng = f"{_clamp(clng + rng.uniform(-0.015, 0.015), LNG_RANGE):.6f}"
        return {
            "national_id": self._national_id(rng, slot.serial, year),
            "first_name": first,
            "last_name": last,
            "phone": phone,
            "birth_date": "" if no_birth else _be(born),
            "address": address(house, village, spec.subdistrict, spec.district),
            "lat": lat,
            "lng": lng,
        }

    def _national_id(self, rng: random.Random, serial: int, born: int) -> str:
        if born < 1984:  # registered at the 1984 census: mostly type 3
            kind = "3" if rng.random() < 0.85 else str(rng.randint(1, 8))
        else:
            kind = "1" if rng.random() < 0.85 else str(rng.randint(2, 8))
        offset = (self.seed * 1_000_003) % _NID_SPACE
        while True:  # serials stay far below 10**10, so the retry never meets one
            tail = (serial * _NID_MULTIPLIER + offset) % _NID_SPACE
            nid = national_id(f"{kind}{tail:011d}")
            if nid not in FIXED_NIDS:
                return nid
            serial += 10**10


def _phone(rng: random.Random) -> str:
    return rng.choice(("08", "08", "08", "09", "09", "06")) + f"{rng.randrange(10**8):08d}"


def _clamp(x: float, bounds: tuple[float, float]) -> float:
    return min(max(x, bounds[0] + 0.001), bounds[1] - 0.001)



def _be(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year + 543}"
