"""Deterministic sample register for the Phuket women's fund (กองทุนพัฒนาบทบาทสตรี).

Generates what the department's loan register (LM) would export for one province:
``contracts.csv``, ``members.csv`` and ``payments.csv`` in the import format of
``INTERFACES.md``, plus ``personas.json``, a handful of fixed people (debtors of each
class, a co-debtor, a guarantor, officers, volunteers, group chats, a stranger) whose
data is inside the CSVs so a demo user can verify as them.

The same generator feeds the committed demo data (``demo/data``, 200 contracts) and the
benchmarks (100,000 contracts or more): everything is a pure function of
``(contracts, as_of, seed)``, rows are produced lazily block by block (100 contracts
at a time) and nothing reads the clock or the global random generator, so the same
arguments always give byte-identical files.

The debtor classes are built by construction relative to ``as_of`` (see
``CLASS_MIX``), following the money rules of ``INTERFACES.md``: installments step
by calendar months from ``first_due_date`` clamped to the month end, payments are
applied oldest first, and prescription is the last payment date plus 5 years.

Usage::

    python -m devtools.sampledata --contracts 200 --as-of 2026-11-20 --seed 2568 --out demo/data

The package: ``province`` (places and names), ``rules`` (calendar months, installments,
national IDs), ``specs`` (what is decided about a contract; the class mix; the columns),
``contracts`` and ``payments`` (placing each kind relative to ``as_of``), ``members`` (the
people) and ``personas`` (the fixed demo people); :class:`SampleData` writes the rows.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from devtools.sampledata.contracts import ContractPlanner
from devtools.sampledata.members import MemberBlock
from devtools.sampledata.payments import PaymentPlanner, amount_text
from devtools.sampledata.personas import persona_contract, personas_for
from devtools.sampledata.province import CODE_PREFIX, FUND, LAT_RANGE, LNG_RANGE, PHUKET, PROVINCE
from devtools.sampledata.rules import add_months, due_dates, installments_satang, is_valid_national_id
from devtools.sampledata.specs import (
    BLOCK,
    CLASS_MIX,
    CLASS_OF_KIND,
    CONTRACT_COLUMNS,
    LOW_RATE_FROM,
    MEMBER_COLUMNS,
    NEW_FUND_FROM,
    PAYMENT_COLUMNS,
    SHARED_PEOPLE,
    SPECIAL_DAYS_TO_PRESCRIPTION,
    ContractSpec,
    block_kinds,
)

__all__ = [
    "BLOCK", "CLASS_MIX", "CLASS_OF_KIND", "CODE_PREFIX", "CONTRACT_COLUMNS", "FUND", "LAT_RANGE", "LNG_RANGE",
    "LOW_RATE_FROM", "MEMBER_COLUMNS", "NEW_FUND_FROM", "PAYMENT_COLUMNS", "PHUKET", "PROVINCE", "SHARED_PEOPLE",
    "SPECIAL_DAYS_TO_PRESCRIPTION", "ContractSpec", "SampleData", "add_months", "due_dates", "generate",
    "installments_satang", "is_valid_national_id", "main",
]


class SampleData:
    """A lazily generated register: see :func:`generate`."""

    def __init__(self, contracts: int = 200, as_of: date = date(2026, 11, 20),
                 seed: int = 2568, provinces: int = 1, funds: int = 1) -> None:
        if contracts < 4:
            raise ValueError("need at least 4 contracts (the persona contracts)")
        if as_of < date(2018, 3, 1):
            raise ValueError("as_of must be 2018-03-01 or later")
        self.count = contracts
        self.as_of = as_of
        self.seed = seed
        if provinces < 1 or funds < 1:
            raise ValueError("provinces and funds must be at least 1")
        self.provinces = provinces
        self.funds = funds
        self._contract_planner = ContractPlanner(as_of)
        self._payment_planner = PaymentPlanner(as_of)

    # ------------------------------------------------------------------ public rows

    def contracts(self) -> Iterator[dict[str, str]]:
        """contracts.csv rows, in project order."""
        for specs in self._blocks():
            for s in specs:
                yield {
                    "project_code": s.code,
                    "project_name": s.project_name,
                    "fund": self._fund(s.index),
                    "province": self._province(s.index),
                    "district": self._district(s.index, s.district),
                    "subdistrict": s.subdistrict,
                    "village": s.village,
                    "contract_date": s.contract_date.isoformat(),
                    "principal": s.principal_text,
                    "installment_count": str(s.count),
                    "first_due_date": s.first_due.isoformat(),
                    "interval_months": str(s.interval),
                    "interest_rate": s.interest_rate,
                    "default_rate": s.default_rate,
                    "status": s.status,
                    "demand_letter_date": s.demand_letter.isoformat() if s.demand_letter else "",
                }

    def _province(self, index: int) -> str:
        """Blocks of contracts go round the provinces; the first block (the personas) is Phuket's."""
        k = index // BLOCK % self.provinces
        return PROVINCE if k == 0 else f"{PROVINCE} {k + 1}"

    def _district(self, index: int, name: str) -> str:
        """A district's name is its province's own (Phuket's names, numbered after the first province)."""
        k = index // BLOCK % self.provinces
        return name if k == 0 else f"{name} {k + 1}"

    def _fund(self, index: int) -> str:
        k = index // BLOCK // self.provinces % self.funds
        return FUND if k == 0 else f"{FUND}{k + 1}"

    def members(self) -> Iterator[dict[str, str]]:
        """members.csv rows: borrower first, then co-debtors or guarantors."""
        for b, specs in enumerate(self._blocks()):
            rng = random.Random(f"{self.seed}/members/{b}")
            yield from MemberBlock(self.seed, specs, rng).rows()

    def payments(self) -> Iterator[dict[str, str]]:
        """payments.csv rows, oldest first within each contract."""
        for b, specs in enumerate(self._blocks()):
            rng = random.Random(f"{self.seed}/payments/{b}")
            for s in specs:
                code = s.code
                for paid_on, satang, ref in self._payment_planner.rows(s, rng):
                    commas = satang >= 100_000 and rng.random() < 0.3
                    yield {
                        "project_code": code,
                        "paid_on": paid_on.isoformat(),
                        "amount": amount_text(satang, commas),
                        "reference": ref,
                    }

    def expected(self) -> Iterator[dict[str, Any]]:
        """What each contract was built to be: code, kind, class, days to prescription."""
        for specs in self._blocks():
            for s in specs:
                days = None
                if s.kind == "ended":
                    lp = s.last_payment or s.contract_date
                    days = (add_months(lp, 60) - self.as_of).days
                yield {"project_code": s.code, "kind": s.kind,
                       "class": CLASS_OF_KIND[s.kind], "days_to_prescription": days}

    def personas(self) -> list[dict[str, Any]]:
        """The fixed demo people: debtors of each class, staff, groups and a stranger."""
        codes = [s.code for s in next(self._blocks())[:4]]
        return personas_for(codes)

    def staff(self) -> list[dict[str, Any]]:
        """Officer and volunteer personas."""
        return [p for p in self.personas() if p["role"] in ("officer", "volunteer")]

    def groups(self) -> list[dict[str, Any]]:
        """Group-chat personas."""
        return [p for p in self.personas() if p["kind"] == "group"]

    def write_csv(self, out_dir: str | Path) -> dict[str, int]:
        """Write the three CSVs and personas.json into ``out_dir``; return row counts."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        counts = {}
        for name, columns, rows in (
            ("contracts.csv", CONTRACT_COLUMNS, self.contracts()),
            ("members.csv", MEMBER_COLUMNS, self.members()),
            ("payments.csv", PAYMENT_COLUMNS, self.payments()),
        ):
            with open(out / name, "w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
                writer.writeheader()
                n = 0
                for row in rows:
                    writer.writerow(row)
                    n += 1
            counts[name] = n
        personas = self.personas()
        doc = {"as_of": self.as_of.isoformat(), "seed": self.seed, "contracts": self.count,
               "personas": personas}
        (out / "personas.json").write_text(
            json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        counts["personas.json"] = len(personas)
        return counts


    def _blocks(self) -> Iterator[list[ContractSpec]]:
        """Contract specs, BLOCK at a time; project codes numbered per B.E. year."""
        serial_by_year: dict[int, int] = {}
        for b, start in enumerate(range(0, self.count, BLOCK)):
            size = min(BLOCK, self.count - start)
            rng = random.Random(f"{self.seed}/contracts/{b}")
            kinds = block_kinds(size, rng, first_block=b == 0)
            specs = []
            special = iter(SPECIAL_DAYS_TO_PRESCRIPTION)
            for offset, kind in enumerate(kinds):
                index = start + offset
                if index < 4:
                    spec = persona_contract(index, self.as_of)
                else:
                    days = next(special, None) if kind == "ended" else None
                    spec = self._contract_planner.contract(rng, index, kind, days)
                be_year = spec.contract_date.year + 543
                serial_by_year[be_year] = serial_by_year.get(be_year, 0) + 1
                spec.code = f"{CODE_PREFIX}-{be_year}-{serial_by_year[be_year]:04d}"
                specs.append(spec)
            yield specs


def generate(contracts: int = 200, as_of: date = date(2026, 11, 20),
             seed: int = 2568, provinces: int = 1, funds: int = 1) -> SampleData:
    """A lazily generated sample register; same arguments, same rows."""
    return SampleData(contracts=contracts, as_of=as_of, seed=seed, provinces=provinces, funds=funds)


def main(argv: list[str] | None = None) -> int:
    """Command line: write the sample register into a directory."""
    parser = argparse.ArgumentParser(prog="python -m devtools.sampledata",
                                     description="Write a deterministic sample register.")
    parser.add_argument("--contracts", type=int, default=200)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 20),
                        help="YYYY-MM-DD (C.E.)")
    parser.add_argument("--seed", type=int, default=2568)
    parser.add_argument("--out", default="demo/data")
    parser.add_argument("--provinces", type=int, default=1,
                        help="a national register: blocks of 100 contracts go round this many provinces "
                             "(Phuket, then Phuket's places under numbered names: 'PROVINCE 2', 'DISTRICT 2' …)")
    parser.add_argument("--funds", type=int, default=1, help="this many funds (WDF, WDF2 …)")
    args = parser.parse_args(argv)
    try:
        data = generate(args.contracts, args.as_of, args.seed, args.provinces, args.funds)
    except ValueError as exc:
        parser.error(str(exc))
    counts = data.write_csv(args.out)
    for name, n in counts.items():
        print(f"{args.out}/{name}: {n}")
    return 0
