"""Load the sample register (demo/data/*.csv) with the importer, and the demo's staff and groups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from messages.imports import format_report
from models import Area, LineGroup, StaffMember
from register.importer import import_files
from services.areas import AreaBook

DEMO_DATA = Path(__file__).resolve().parents[1] / "demo" / "data"


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


def seed_register(session: Session, data_dir: Path, now: datetime) -> SeedReport:
    """Contracts, people, roles and payments from the three CSV files, through `import`."""
    reports = import_files(session, [data_dir / f"{kind}.csv" for kind in ("contracts", "members", "payments")],
                           now, commit=False)
    failed = [r for r in reports if not r.ok]
    if failed:
        raise ValueError("the sample register does not import cleanly:\n" + format_report(failed))
    counts = {r.kind: r.created for r in reports}
    return SeedReport(contracts=counts.get("contracts", 0), memberships=counts.get("members", 0),
                      payments=counts.get("payments", 0))


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
                district=areas.area(province_name, district) if district else None, created_at=now,
            ))
            report.staff += 1
        elif persona.get("kind") == "group" and persona.get("group_id"):
            area_spec = persona.get("area") or {}
            area = areas.area(province_name, area_spec.get("district", ""), area_spec.get("subdistrict", "")) \
                if area_spec.get("district") else None
            session.add(LineGroup(group_id=persona["group_id"], name=persona.get("label"),
                                  area_id=area.id if area else None, joined_at=now,
                                  bound_at=now if area else None))
            report.groups += 1
    session.flush()
    return report
