"""contracts.csv: contracts upserted by project_code, with their fund and area created as needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from sys import intern
from typing import Any

from sqlalchemy import insert, select

from models import Contract, Fund
from models.db import bulk_insert, table_of
from models.register import CONTRACT_STATUSES
from register import cells
from register.bulk import Seen, bulk_update, lookup
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
    written_tables = ("contracts",)
    required_columns = REQUIRED_COLUMNS["contracts"]
    optional_columns = ("fund", "village", "interval_months", "interest_rate", "default_rate", "status",
                        "demand_letter_date")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.seen = Seen(self.session, "contracts")  # project_code → its first line in the file
        self.areas = AreaBook(self.session)
        self.funds: dict[str, int] | None = None

    def row(self, line: int, values: tuple[Any, ...]) -> None:
        (code, name, province, district, subdistrict, contract_date, principal, count, first_due,
         fund, village, interval, interest, penalty, status, demand) = values
        try:  # the common case, fast: a clean row (the same parsers; `_checked_row` says what is wrong)
            row = ContractRow(
                line, cells.code(code), cells.required(name, 300),
                intern(cells.optional(fund, 20) or DEFAULT_FUND),
                (_area(cells.required(province, 120)), _area(cells.required(district, 120)),
                 _area(cells.required(subdistrict, 120)), _area(cells.optional(village, 120))),
                cells.date(contract_date), cells.money(principal), cells.whole(count, 1, 1200),
                cells.date(first_due), cells.optional_whole(interval, 1, 120, 1),
                cells.rate(interest, DEFAULT_INTEREST), cells.rate(penalty, DEFAULT_PENALTY),
                intern(cells.choice(status, CONTRACT_STATUSES, "active")), cells.optional_date(demand))
            if row.first_due_date < row.contract_date or (
                    row.demand_letter_date is not None and row.demand_letter_date < row.contract_date):
                raise ValueError
        except ValueError:
            self._checked_row(line, values)
            return
        self._pending.append((row, Reasons()))

    def _checked_row(self, line: int, values: tuple[Any, ...]) -> None:
        """A row with a bad cell: every cell checked, every problem said."""
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
        if row.contract_date and row.first_due_date and row.first_due_date < row.contract_date:
            r.append(f"first_due_date {row.first_due_date} is before contract_date {row.contract_date}")
        if row.contract_date and row.demand_letter_date and row.demand_letter_date < row.contract_date:
            r.append(f"demand_letter_date {row.demand_letter_date} is before contract_date {row.contract_date}")
        self._pending.append((row, r))

    def _resolve(self, chunk: list[tuple[ContractRow, Reasons]]) -> None:
        """Check a chunk's codes against the file's earlier rows, then write it while nothing was rejected."""
        if self.state.tick is not None:
            self.state.tick()
        earlier = self.seen.get(row.code for row, _ in chunk if row.code)
        # this chunk's new codes → line (rejected rows too: their codes "belong" to this file)
        first: dict[str, int] = {}
        good: dict[str, ContractRow] = {}
        for row, r in chunk:
            if row.code:
                before = earlier.get(row.code)
                line = before[0] if before is not None else first.get(row.code)
                if line is None:
                    first[row.code] = row.line
                else:
                    r.append(f"project_code {row.code} appears again (first on {self.table.where(line)})")
            if r:
                self.reject(row.line, r)
            else:
                good[row.code] = row
        self.seen.add((code, line, 0, None) for code, line in first.items())
        if not self.report.rejected:
            self._write(good)
            self.chunk_written()

    def finish_rejected(self) -> None:
        for code in self.seen.every_key():
            self.state.refused_codes.setdefault(code, self.report.name)
        self.seen.drop()

    def finish(self) -> None:
        self.seen.drop()
        if self.areas.created:
            self.report.details["areas_created"] = self.areas.created

    def _write(self, parsed: dict[str, ContractRow]) -> None:
        if self.funds is None or any(row.fund not in self.funds for row in parsed.values()):
            self.funds = self._funds({row.fund for row in parsed.values()})
        funds = self.funds
        area_ids = self.areas.ids({row.area for row in parsed.values()})
        columns = (Contract.id, Contract.project_code, Contract.demand_letter_date,
                   *(getattr(Contract, name) for name in _CONTRACT_FIELDS))
        existing = {row[1]: row for row in lookup(self.session, columns, Contract.project_code, parsed)}
        inserts: list[tuple[Any, ...]] = []
        updates: list[dict[str, Any]] = []
        for code, row in parsed.items():
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
        self.report.created += bulk_insert(self.session, Contract, _CONTRACT_INSERT, inserts)
        bulk_update(self.session, Contract, updates)
        self.report.updated += len(updates)

    def _funds(self, codes: set[str]) -> dict[str, int]:
        known = {code: fund_id for fund_id, code in self.session.execute(select(Fund.id, Fund.code))}
        new = [{"code": code, "name": cells.FUND_NAMES.get(code, code)} for code in sorted(codes - known.keys())]
        if new:
            table = table_of(Fund)
            for fund_id, code in self.session.execute(insert(table).returning(table.c.id, table.c.code), new):
                known[code] = fund_id
        return known


@lru_cache(maxsize=65536)
def _area(name: str | None) -> str:
    return intern(" ".join(name.split())) if name else ""

