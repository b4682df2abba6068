"""payments.csv: a payment is its four values (code, date, amount, reference); only new ones are added."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from models import Payment
from models.db import bulk_insert
from register import cells
from register.bulk import lookup
from register.cells import Reasons
from register.loader import Loader
from register.sources import REQUIRED_COLUMNS

PAYMENT_LOOKUP_CHUNK = 2000  # contracts per lookup of stored payments (~10 rows each: keeps memory flat)


class PaymentsLoader(Loader):
    kind = "payments"
    required_columns = REQUIRED_COLUMNS["payments"]
    optional_columns = ("reference",)

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        # (contract_id, paid_on, amount, reference) in file order; the dict drops repeats.
        self.keys: dict[tuple[int, date, Decimal, str], None] = {}
        self.repeated = 0

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
        key = (contract[0], paid_on, amount, reference)
        if key in self.keys:
            self.repeated += 1
        else:
            self.keys[key] = None
        return None

    def write(self) -> None:
        existing = 0
        columns = (Payment.contract_id, Payment.paid_on, Payment.amount, Payment.reference)
        contract_ids = {key[0] for key in self.keys}
        for row in lookup(self.session, columns, Payment.contract_id, contract_ids, chunk_size=PAYMENT_LOOKUP_CHUNK):
            key = tuple(row)
            if key in self.keys:
                del self.keys[key]  # type: ignore[arg-type]
                existing += 1
        self.report.created = bulk_insert(self.session, Payment, ("contract_id", "paid_on", "amount", "reference"),
                                          self.keys)
        self.report.unchanged = existing + self.repeated
        if self.repeated:
            self.report.notes.append(f"{self.repeated} row(s) repeat an earlier row of this file (the same payment, "
                                     "counted unchanged)")
