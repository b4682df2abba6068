"""Load the sample register (demo/data/*.csv) and the demo's staff and groups.

This is the demo's loader, in one transaction. It reads the same files, in the same
formats (../shared/INTERFACES.md), that the `import` command reads.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.thaiparse import parse_money, parse_register_date
from models import Area, Contract, Fund, LineGroup, Membership, Payment, Person, StaffMember

DEMO_DATA = Path(__file__).resolve().parents[1] / "demo" / "data"
FUND_NAMES = {"WDF": "กองทุนพัฒนาบทบาทสตรี"}


@dataclass
class SeedReport:
    contracts: int = 0
    people: int = 0
    memberships: int = 0
    payments: int = 0
    staff: int = 0
    groups: int = 0
    areas: int = 0
    notes: list[str] = field(default_factory=list)


class AreaBook:
    """Get-or-create areas by their names along the province → village path."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._cache: dict[tuple[int | None, str, str], Area] = {}
        self.created = 0

    def get(self, level: str, name: str, parent: Area | None) -> Area:
        key = (parent.id if parent else None, level, name)
        if key not in self._cache:
            area = self.session.scalars(select(Area).where(
                Area.level == level, Area.name == name,
                Area.parent_id.is_(None) if parent is None else Area.parent_id == parent.id,
            )).one_or_none()
            if area is None:
                area = Area(level=level, name=name, parent=parent)
                self.session.add(area)
                self.session.flush()
                self.created += 1
            self._cache[key] = area
        return self._cache[key]

    def path(self, province: str, district: str, subdistrict: str = "", village: str = "") -> Area:
        """The most specific area named."""
        area = self.get("province", province, None)
        for level, name in (("district", district), ("subdistrict", subdistrict), ("village", village)):
            if not name:
                break
            area = self.get(level, name, area)
        return area


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


def _optional_date(raw: str | None) -> date | None:
    return parse_register_date(raw) if raw else None


def seed_register(session: Session, data_dir: Path, now: datetime) -> SeedReport:
    """Contracts, people, roles and payments from the three CSV files."""
    report = SeedReport()
    areas = AreaBook(session)
    funds: dict[str, Fund] = {}
    contracts: dict[str, Contract] = {}
    for row in _rows(data_dir / "contracts.csv"):
        code = row.get("fund") or "WDF"
        if code not in funds:
            funds[code] = Fund(code=code, name=FUND_NAMES.get(code, code))
            session.add(funds[code])
        contract = Contract(
            project_code=row["project_code"], project_name=row["project_name"], fund=funds[code],
            area=areas.path(row["province"], row["district"], row["subdistrict"], row.get("village", "")),
            contract_date=parse_register_date(row["contract_date"]),
            principal=parse_money(row["principal"]),
            installment_count=int(row["installment_count"]),
            first_due_date=parse_register_date(row["first_due_date"]),
            interval_months=int(row.get("interval_months") or 1),
            interest_rate=Decimal(row.get("interest_rate") or "0.10"),
            default_rate=Decimal(row.get("default_rate") or "7.5"),
            status=row.get("status") or "active",
            demand_letter_date=_optional_date(row.get("demand_letter_date")),
            created_at=now, updated_at=now,
        )
        session.add(contract)
        contracts[contract.project_code] = contract
    session.flush()
    report.contracts = len(contracts)

    people: dict[str, Person] = {}
    for row in _rows(data_dir / "members.csv"):
        person = people.get(row["national_id"])
        if person is None:
            person = Person(
                national_id=row["national_id"], first_name=row["first_name"], last_name=row["last_name"],
                phone=row.get("phone") or None,
                birth_date=_optional_date(row.get("birth_date")),
                address=row.get("address") or None,
                lat=float(row["lat"]) if row.get("lat") else None,
                lng=float(row["lng"]) if row.get("lng") else None,
            )
            session.add(person)
            people[row["national_id"]] = person
        session.add(Membership(contract=contracts[row["project_code"]], person=person, role=row["role"]))
        report.memberships += 1
    report.people = len(people)

    seen: set[tuple[str, str, str, str]] = set()
    for row in _rows(data_dir / "payments.csv"):
        key = (row["project_code"], row["paid_on"], row["amount"], row.get("reference", ""))
        if key in seen:
            continue
        seen.add(key)
        session.add(Payment(contract=contracts[row["project_code"]], paid_on=parse_register_date(row["paid_on"]),
                            amount=parse_money(row["amount"]), reference=row.get("reference") or ""))
        report.payments += 1
    session.flush()
    report.areas = areas.created
    return report


def seed_people_in_line(session: Session, personas: list[dict[str, Any]], now: datetime) -> SeedReport:
    """The demo's officers, volunteers and bound group chats (from personas.json)."""
    report = SeedReport()
    areas = AreaBook(session)
    province = session.scalars(select(Area).where(Area.level == "province")).first()
    province_name = province.name if province else "ภูเก็ต"
    for persona in personas:
        role = persona.get("role")
        if role in {"officer", "volunteer"}:
            district = persona.get("district")
            session.add(StaffMember(
                line_user_id=persona["user_id"], name=persona.get("name") or persona["label"], role=role,
                district=areas.path(province_name, district) if district else None, created_at=now,
            ))
            report.staff += 1
        elif persona.get("kind") == "group" and persona.get("group_id"):
            area_spec = persona.get("area") or {}
            area = areas.path(province_name, area_spec.get("district", ""), area_spec.get("subdistrict", "")) \
                if area_spec.get("district") else None
            session.add(LineGroup(group_id=persona["group_id"], name=persona.get("label"),
                                  area_id=area.id if area else None, joined_at=now,
                                  bound_at=now if area else None))
            report.groups += 1
    session.flush()
    return report
