"""payments.csv: a payment is its four values (code, date, amount, reference); only new ones are added.

Read in chunks (`register.loader`): each chunk's payments are looked up among the stored ones
and the new ones written at once (a chunk of a file sorted by contract, as exports are, holds
about 2,000 contracts). A payment found stored that this import wrote (its id above
the largest before the file) repeats an earlier row of the file; nothing else is kept between
chunks, so memory stays flat whatever the size of the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Payment
from models.db import bulk_insert
from register import cells
from register.bulk import lookup
from register.cells import Reasons
from register.loader import Loader
from register.sources import REQUIRED_COLUMNS

PAYMENT_LOOKUP_CHUNK = 2000  # contracts per lookup of stored payments (~10 rows each)

Key = tuple[int, date, Decimal, str]  # (contract_id, paid_on, amount, reference)


class PaymentsLoader(Loader):
    kind = "payments"
    written_tables = ("payments",)
    required_columns = REQUIRED_COLUMNS["payments"]
    optional_columns = ("reference",)

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.keys: dict[Key, None] = {}  # this chunk's payments in file order; the dict drops repeats
        self.repeated = 0
        self.before = self.session.scalar(select(func.max(Payment.id))) or 0  # ids above: written by this file

    def row(self, line: int, values: tuple[Any, ...]) -> None:
        code, paid_on, amount, reference = values
        try:  # the common case, fast: a clean row
            payload = (cells.date(paid_on), cells.money(amount), cells.optional(reference, 60) or "")
            code = cells.code(code)
        except ValueError:  # say everything that is wrong with it
            r = Reasons()
            code = r.take("project_code", cells.code, code)
            payload = (r.take("paid_on", cells.date, paid_on), r.take("amount", cells.money, amount),
                       r.take("reference", cells.optional, reference, 60))
            self.defer(line, code, r, payload)
            return
        self.defer(line, code, None, payload)

    def accept(self, contract: tuple[int, date], payload: Any) -> str | None:
        paid_on, amount, reference = payload
        if paid_on < contract[1]:
            return f"paid_on {paid_on} is before the contract date {contract[1]}"
        if paid_on > self.today:  # 01/01/2580 for 01/01/2568: counted nowhere until 2037, the debt still shown
            return f"paid_on {paid_on} is in the future (today is {self.today}): check its year"
        key = (contract[0], paid_on, amount, reference)
        if key in self.keys:
            self.repeated += 1
        else:
            self.keys[key] = None
        return None

    def skip_chunk(self) -> None:
        self.keys = {}

    def write_chunk(self, accepted: list[tuple[tuple[int, date], Any]]) -> None:
        keys, self.keys = self.keys, {}
        for payment_id, *key in _stored(self.session, list(keys)):
            found = tuple(key)
            if found in keys:
                del keys[found]  # type: ignore[arg-type]
                if payment_id > self.before:
                    self.repeated += 1  # written by an earlier chunk of this file
                else:
                    self.report.unchanged += 1
        self.report.created += bulk_insert(self.session, Payment, ("contract_id", "paid_on", "amount", "reference"),
                                           keys)

    def finish(self) -> None:
        self.report.unchanged += self.repeated
        if self.repeated:
            self.report.notes.append(f"{self.repeated} row(s) repeat an earlier row of this file (the same payment, "
                                     "counted unchanged)")


def _stored(session: Session, keys: list[Key]) -> Iterator[Any]:
    """The stored payments of the chunk's contracts: (id, contract_id, paid_on, amount, reference).

    By contract, PAYMENT_LOOKUP_CHUNK contracts a query: each a range of the unique index, a
    few rows each. (A join on all four columns with `unnest` of four arrays probes the index
    once per row and was four times slower on the 100k sample.)
    """
    columns = (Payment.id, Payment.contract_id, Payment.paid_on, Payment.amount, Payment.reference)
    return lookup(session, columns, Payment.contract_id, {key[0] for key in keys}, chunk_size=PAYMENT_LOOKUP_CHUNK)
