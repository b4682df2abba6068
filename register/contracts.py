"""contracts.csv: contracts upserted by project_code, with their fund and area created as needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from sys import intern
from typing import Any

from sqlalchemy import insert, select

from models import Contract, Fund
from models.db import bulk_insert, table_of
from models.register import CONTRACT_STATUSES
from register import cells
from register.bulk import bulk_update, lookup
from register.cells import Reasons
from register.loader import Loader
from register.sources import REQUIRED_COLUMNS
from services.areas import AreaBook

DEFAULT_FUND = "WDF"
DEFAULT_INTEREST = Decimal("0.10")
DEFAULT_PENALTY = Decimal("7.5")


@dataclass(slots=True)
class ContractRow:
    line: int
    code: str
    name: str
    fund: str
    area: tuple[str, str, str, str]
    contract_date: date
    principal: Decimal
    installment_count: int
    first_due_date: date
    interval_months: int
    interest_rate: Decimal
    default_rate: Decimal
    status: str
    demand_letter_date: date | None


_CONTRACT_FIELDS = ("project_name", "fund_id", "area_id", "contract_date", "principal", "installment_count",
                    "first_due_date", "interval_months", "interest_rate", "default_rate", "status")
_CONTRACT_INSERT = ("project_code", *_CONTRACT_FIELDS, "demand_letter_date", "created_at", "updated_at")


class ContractsLoader(Loader):
    kind = "contracts"
    required_columns = REQUIRED_COLUMNS["contracts"]
    optional_columns = ("fund", "village", "interval_months", "interest_rate", "default_rate", "status",
                        "demand_letter_date")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.parsed: dict[str, ContractRow] = {}

    def row(self, line: int, values: tuple[Any, ...]) -> None:
        (code, name, province, district, subdistrict, contract_date, principal, count, first_due,
         fund, village, interval, interest, penalty, status, demand) = values
        r = Reasons()
        row = ContractRow(
            line=line,
            code=r.take("project_code", cells.code, code),
            name=r.take("project_name", cells.required, name, 300),
            fund=intern(r.take("fund", cells.optional, fund, 20) or DEFAULT_FUND),
            area=(_area(r.take("province", cells.required, province, 120)),
                  _area(r.take("district", cells.required, district, 120)),
                  _area(r.take("subdistrict", cells.required, subdistrict, 120)),
                  _area(r.take("village", cells.optional, village, 120))),
            contract_date=r.take("contract_date", cells.date, contract_date),
            principal=r.take("principal", cells.money, principal),
            installment_count=r.take("installment_count", cells.whole, count, 1, 1200),
            first_due_date=r.take("first_due_date", cells.date, first_due),
            interval_months=r.take("interval_months", cells.optional_whole, interval, 1, 120, 1),
            interest_rate=r.take("interest_rate", cells.rate, interest, DEFAULT_INTEREST),
            default_rate=r.take("default_rate", cells.rate, penalty, DEFAULT_PENALTY),
            status=intern(r.take("status", cells.choice, status, CONTRACT_STATUSES, "active") or ""),
            demand_letter_date=r.take("demand_letter_date", cells.optional_date, demand),
        )
        self._cross_checks(row, r)
        if r:
            self.reject(line, r)

    def _cross_checks(self, row: ContractRow, r: Reasons) -> None:
        if row.contract_date and row.first_due_date and row.first_due_date < row.contract_date:
            r.append(f"first_due_date {row.first_due_date} is before contract_date {row.contract_date}")
        if row.contract_date and row.demand_letter_date and row.demand_letter_date < row.contract_date:
            r.append(f"demand_letter_date {row.demand_letter_date} is before contract_date {row.contract_date}")
        if row.code:
            first = self.parsed.get(row.code)
            if first is None:
                self.parsed[row.code] = row  # rejected rows too: their codes still "belong" to this file
            else:
                r.append(f"project_code {row.code} appears again (first on {self.table.where(first.line)})")

    def finish_rejected(self) -> None:
        for code in self.parsed:
            self.state.refused_codes.setdefault(code, self.report.name)

    def write(self) -> None:
        funds = self._funds({row.fund for row in self.parsed.values()})
        areas = AreaBook(self.session)
        area_ids = areas.ids({row.area for row in self.parsed.values()})
        columns = (Contract.id, Contract.project_code, Contract.demand_letter_date,
                   *(getattr(Contract, name) for name in _CONTRACT_FIELDS))
        existing = {row[1]: row for row in lookup(self.session, columns, Contract.project_code, self.parsed)}
        inserts: list[tuple[Any, ...]] = []
        updates: list[dict[str, Any]] = []
        for code, row in self.parsed.items():
            values = (row.name, funds[row.fund], area_ids[row.area], row.contract_date, row.principal,
                      row.installment_count, row.first_due_date, row.interval_months, row.interest_rate,
                      row.default_rate, row.status)
            stored = existing.get(code)
            if stored is None:
                inserts.append((code, *values, row.demand_letter_date, self.now, self.now))
                continue
            demand = stored[2] if row.demand_letter_date is None else row.demand_letter_date  # empty: keep
            if tuple(stored[3:]) != values or demand != stored[2]:
                updates.append({"id": stored[0], **dict(zip(_CONTRACT_FIELDS, values, strict=True)),
                                "demand_letter_date": demand, "updated_at": self.now})
            else:
                self.report.unchanged += 1
        del existing
        self.report.created = bulk_insert(self.session, Contract, _CONTRACT_INSERT, inserts)
        bulk_update(self.session, Contract, updates)
        self.report.updated = len(updates)
        if areas.created:
            self.report.details["areas_created"] = areas.created

    def _funds(self, codes: set[str]) -> dict[str, int]:
        known = {code: fund_id for fund_id, code in self.session.execute(select(Fund.id, Fund.code))}
        new = [{"code": code, "name": cells.FUND_NAMES.get(code, code)} for code in sorted(codes - known.keys())]
        if new:
            table = table_of(Fund)
            for fund_id, code in self.session.execute(insert(table).returning(table.c.id, table.c.code), new):
                known[code] = fund_id
        return known


def _area(name: str | None) -> str:
    return intern(" ".join(name.split())) if name else ""

