"""Paying: what is owed in all, what to suggest paying now, and the Bill Payment references.

**What is owed in all** is the outstanding principal (overdue and not yet due, INTERFACES.md
"Money rules") plus the default interest to date: what it takes to close the contract
today. **The amount suggested** in a QR code is the overdue amount (what is late), or when
nothing is late the next installment; a second code carries no amount, for the payer to
type what they can.

**The references** are the fund's bank's own rules (settings `PAYMENT_REF1`, `PAYMENT_REF2`):

- Ref.1 names the contract: `project` is the project code in capital letters and digits
  (`PKT-2568-0001` → `PKT25680001`, as banks take no hyphens); `project_digits` keeps its
  digits only (`25680001`), for a bank whose references are numeric.
- Ref.2 names who paid: `payer_id` is the payer's **own** 13-digit national ID, which every
  payer knows: a co-debtor or guarantor need not know the main borrower's ID, and the fund
  learns who paid (a co-debtor's individual release, measure M2, rests on what they paid
  themselves). `none` leaves Ref.2 out, for a biller set up with Ref.1 alone.
"""

from __future__ import annotations

from decimal import Decimal

from domain.money import Position
from domain.thaiqr import REF_MAX, normalise_ref

REF1_RULES = ("project", "project_digits")
REF2_RULES = ("payer_id", "none")
ZERO = Decimal("0.00")


def total_owed(p: Position) -> Decimal:
    """The one figure: outstanding principal plus default interest to date."""
    return p.outstanding_principal + p.default_interest


def payable(p: Position) -> bool:
    """Whether there is anything to pay: an open contract with something owed."""
    return not p.closed and total_owed(p) > ZERO


def suggested_amount(p: Position) -> Decimal | None:
    """The amount a code suggests: the overdue amount, else the next installment, else none."""
    if not payable(p):
        return None
    if p.overdue_amount > ZERO:
        return p.overdue_amount
    if p.next_due_amount is not None and p.next_due_amount > ZERO:
        return p.next_due_amount
    return None


def ref1_of(rule: str, project_code: str) -> str | None:
    """Ref.1 of a contract by the bank's rule; None when the code cannot make one (empty, too long)."""
    if rule not in REF1_RULES:
        raise ValueError(f"unknown Ref.1 rule {rule!r}")
    ref = normalise_ref(project_code)
    if rule == "project_digits":
        ref = "".join(ch for ch in ref if ch.isdigit())
    return ref if 0 < len(ref) <= REF_MAX else None


def ref2_of(rule: str, national_id: str) -> str | None:
    """Ref.2 of a payer by the bank's rule; None when the rule leaves it out."""
    if rule not in REF2_RULES:
        raise ValueError(f"unknown Ref.2 rule {rule!r}")
    if rule == "none":
        return None
    ref = normalise_ref(national_id)
    if len(ref) != 13 or not ref.isdigit():
        raise ValueError("a payer's national ID is 13 digits")
    return ref
