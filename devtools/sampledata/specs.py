"""What is decided about a contract before its rows are written, the class mix it is drawn
from, and the columns of the three files."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

CONTRACT_COLUMNS = (
    "project_code", "project_name", "fund", "province", "district", "subdistrict", "village",
    "contract_date", "principal", "installment_count", "first_due_date", "interval_months",
    "interest_rate", "default_rate", "status", "demand_letter_date",
)
MEMBER_COLUMNS = (
    "project_code", "national_id", "first_name", "last_name", "role", "phone", "birth_date",
    "address", "lat", "lng",
)
PAYMENT_COLUMNS = ("project_code", "paid_on", "amount", "reference")

NEW_FUND_FROM = date(2017, 1, 1)  # co-debtors instead of guarantors
LOW_RATE_FROM = date(2023, 9, 30)  # M4: 0.10 %/year for interest and default interest

#: Target share (percent) of each kind; class numbers as in DOMAIN.md, "closed" apart.
CLASS_MIX: tuple[tuple[str, int], ...] = (
    ("time_barred", 12), ("ended", 25), ("default", 25), ("normal", 28), ("closed", 10),
)
CLASS_OF_KIND: dict[str, int | None] = {
    "time_barred": 1, "ended": 2, "default": 3, "normal": 4, "closed": None,
}
#: Days to prescription given to the first class-2 contracts of every block, so the
#: 180/90/30/7-day alerts always have someone to fire for.
SPECIAL_DAYS_TO_PRESCRIPTION = (7, 30, 90, 180, 2, 14, 45, 120)
SHARED_PEOPLE = 0.15  # share of people who are on two contracts
BLOCK = 100


@dataclass(slots=True)
class ContractSpec:
    """Everything decided about one contract before its rows are written."""

    index: int
    kind: str
    contract_date: date
    principal: int  # baht
    principal_text: str
    count: int
    interval: int
    first_due: date
    dues: list[date]
    district: str
    subdistrict: str
    village: str
    project_name: str
    interest_rate: str = ""
    default_rate: str = ""
    status: str = "active"
    demand_letter: date | None = None
    code: str = ""
    last_payment: date | None = None  # classes 1–2: the planned latest paid_on
    unpaid: int = 0  # class 3: overdue installments left unpaid
    payoff: date | None = None  # closed and paid off early: the lump-sum date
    persona: bool = False
    fixed_payments: list[tuple[date, int, str]] = field(default_factory=list)
    fixed_members: list[dict[str, str]] = field(default_factory=list)


def block_kinds(size: int, rng: random.Random, first_block: bool) -> list[str]:
    """The kinds of one block, in the CLASS_MIX proportions (largest remainder)."""
    exact = [(kind, size * pct / 100) for kind, pct in CLASS_MIX]
    counts = {kind: int(x) for kind, x in exact}
    spare = size - sum(counts.values())
    for kind, _ in sorted(exact, key=lambda kx: -(kx[1] - int(kx[1])))[:spare]:
        counts[kind] += 1
    kinds = [kind for kind, _ in CLASS_MIX for _ in range(counts[kind])]
    if not first_block:
        rng.shuffle(kinds)
        return kinds
    lead = ["time_barred", "ended", "default", "normal"]  # the persona contracts
    for kind in lead:
        if kind in kinds:
            kinds.remove(kind)
        else:  # tiny data sets: take the slot from the most common kind
            kinds.remove(max(kinds, key=kinds.count))
    rng.shuffle(kinds)
    return lead + kinds
