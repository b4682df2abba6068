"""The payments of a contract, planned to make it the kind it was built as: on time, behind,
stopped long ago, or paid off; some in two parts, some with a Bill Payment reference."""

from __future__ import annotations

import random
from datetime import date, timedelta

from devtools.sampledata.rules import DAY, installments_satang, random_date
from devtools.sampledata.specs import ContractSpec


def amount_text(satang: int, commas: bool) -> str:
    """An amount as the register writes it: baht with two decimals, commas if asked."""
    baht, st = divmod(satang, 100)
    return f"{baht:,}.{st:02d}" if commas else f"{baht}.{st:02d}"


class PaymentPlanner:
    """The payments of one contract at a time, relative to ``as_of``."""

    def __init__(self, as_of: date) -> None:
        self.as_of = as_of

    def rows(self, spec: ContractSpec, rng: random.Random) -> list[tuple[date, int, str]]:
        """(paid_on, satang, reference) of the contract, oldest first; persona contracts have theirs fixed."""
        if spec.persona:
            return spec.fixed_payments
        plan = {
            "time_barred": self._pay_partially, "ended": self._pay_partially,
            "default": self._pay_default, "normal": self._pay_normal, "closed": self._pay_closed,
        }[spec.kind](spec, rng)
        rows: list[tuple[date, int, str]] = []
        seen: set[tuple[date, int, str]] = set()
        for paid_on, satang in sorted(plan, key=lambda p: p[0]):
            ref = _reference(rng, paid_on) if rng.random() < 0.85 else ""
            while (paid_on, satang, ref) in seen:
                ref = _reference(rng, paid_on)
            seen.add((paid_on, satang, ref))
            rows.append((paid_on, satang, ref))
        return rows

    def _when(self, rng: random.Random, due: date, lo: date, hi: date) -> date:
        """A payment date near a due date, inside [lo, hi]."""
        paid = due + timedelta(days=rng.choice((-7, -5, -3, -2, -1, -1, 0, 0, 0, 0, 1, 2, 3, 5)))
        return lo if paid < lo else hi if paid > hi else paid

    def _pay_installments(self, spec: ContractSpec, rng: random.Random, upto: int,
                          hi: date) -> list[tuple[date, int]]:
        """Installments 0..upto-1 paid in full near their due dates, some in two parts."""
        amounts = installments_satang(spec.principal * 100, spec.count)
        plan = []
        for k in range(upto):
            paid = self._when(rng, spec.dues[k], spec.contract_date, hi)
            if amounts[k] >= 200 and rng.random() < 0.15:
                first = amounts[k] * rng.choice((3, 4, 5, 6)) // 10
                early = max(spec.contract_date, paid - timedelta(days=rng.randint(3, 15)))
                plan.append((early, first))
                plan.append((paid, amounts[k] - first))
            else:
                plan.append((paid, amounts[k]))
        return plan

    def _pay_normal(self, spec: ContractSpec, rng: random.Random) -> list[tuple[date, int]]:
        d = self.as_of
        due = sum(1 for x in spec.dues if x <= d)  # due on as_of too: never a borderline
        plan = self._pay_installments(spec, rng, due, d - DAY)
        if due < spec.count and spec.dues[due] - d < 40 * DAY and rng.random() < 0.3 and due < spec.count - 1:
            # the next one paid a little early (not the last: paying that would pay the loan off, and
            # a paid-off contract is closed, not normal)
            amount = installments_satang(spec.principal * 100, spec.count)[due]
            lo = max(spec.contract_date, d - 12 * DAY)
            plan.append((random_date(rng, lo, d - DAY), amount))
        return plan

    def _pay_default(self, spec: ContractSpec, rng: random.Random) -> list[tuple[date, int]]:
        d = self.as_of
        paid = sum(1 for x in spec.dues if x < d) - spec.unpaid
        plan = self._pay_installments(spec, rng, paid, d - DAY)
        if rng.random() < 0.3:  # part of the first missed one
            amount = installments_satang(spec.principal * 100, spec.count)[paid]
            part = amount * rng.randint(1, 7) // 10
            plan.append((self._when(rng, spec.dues[paid], spec.contract_date, d - DAY), part))
        return plan

    def _pay_partially(self, spec: ContractSpec, rng: random.Random) -> list[tuple[date, int]]:
        """Classes 1–2: a few installments, then odd amounts, the last on ``last_payment``."""
        lp = spec.last_payment
        if lp is None:
            return []
        total = spec.principal * 100
        budget = int(total * rng.uniform(0.15, 0.85))
        regular = sum(1 for x in spec.dues if x + 5 * DAY < lp)
        regular = rng.randint(0, min(regular, spec.count - 1))
        plan = []
        spent = 0
        for paid_on, amount in self._pay_installments(spec, rng, regular, lp - DAY):
            if spent + amount > budget:
                break
            plan.append((paid_on, amount))
            spent += amount
        after = plan[-1][0] if plan else spec.contract_date
        for _ in range(rng.randint(0, 8)):
            amount = rng.randrange(300, 5001, 100) * 100
            if after + DAY >= lp or spent + amount > budget:
                break
            after = random_date(rng, after + DAY, lp - DAY)
            plan.append((after, amount))
            spent += amount
        last = min(rng.randrange(200, 3001, 50) * 100, max(budget - spent, 10_000))
        plan.append((lp, last))
        return plan

    def _pay_closed(self, spec: ContractSpec, rng: random.Random) -> list[tuple[date, int]]:
        d = self.as_of
        total = spec.principal * 100
        if spec.payoff is None:
            plan = self._pay_installments(spec, rng, spec.count, d - DAY)
            end = max(p[0] for p in plan)
        else:
            regular = sum(1 for x in spec.dues if x + 6 * DAY <= spec.payoff)
            plan = self._pay_installments(spec, rng, regular, spec.payoff - DAY)
            plan.append((spec.payoff, total - sum(a for _, a in plan)))
            end = spec.payoff
        extra = end + timedelta(days=rng.randint(25, 35))
        if rng.random() < 0.15 and extra < d:  # one installment too many (standing order)
            plan.append((extra, installments_satang(total, spec.count)[0]))
        return plan



def _reference(rng: random.Random, paid_on: date) -> str:
    """A Bill Payment reference: BP + B.E. year + MMDD + 5 digits."""
    return f"BP{paid_on.year + 543}{paid_on.month:02d}{paid_on.day:02d}{rng.randrange(100000):05d}"
