"""Contracts placed by construction relative to ``as_of``: each kind (time-barred, ended, in
default, normal, closed) gets dates, a schedule, rates and a status that make it that kind."""

from __future__ import annotations

import random
from datetime import date, timedelta

from devtools.sampledata.province import ACTIVITIES, GROUP_PREFIXES, SUB_CUM_WEIGHTS, SUBDISTRICTS, village_name
from devtools.sampledata.rules import DAY, add_months, days_in_month, due_dates, random_date
from devtools.sampledata.specs import LOW_RATE_FROM, ContractSpec

_PRINCIPALS = (20_000, 25_000, 30_000, 40_000, 50_000, 60_000, 80_000, 100_000, 120_000,
               150_000, 200_000)
_PRINCIPAL_WEIGHTS = (8, 5, 14, 10, 20, 8, 8, 12, 4, 6, 5)
_PATTERNS = ((24, 1), (8, 3), (4, 6))  # (installment_count, interval_months): 2 years
_PATTERN_WEIGHTS = (70, 12, 18)
_OLD_INTEREST = ("0.10", "0.25", "0.50", "1.0", "1.00")


class ContractPlanner:
    """Decides one contract at a time; everything depends on ``as_of`` and the generator given."""

    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        self.earliest = date(as_of.year - 14, 1, 1)
        self._five_years_ago = add_months(as_of, -60)

    def contract(self, rng: random.Random, index: int, kind: str,
                 days_to_prescription: int | None) -> ContractSpec:
        """Contract number `index` of `kind` (some ended ones with a given number of days to prescription)."""
        district, subdistrict, villages = rng.choices(
            SUBDISTRICTS, cum_weights=SUB_CUM_WEIGHTS)[0]
        village = "" if rng.random() < 0.03 else rng.choice(villages)
        place = village_name(village) or f"ตำบล{subdistrict}"
        name = f"{rng.choice(GROUP_PREFIXES)}{rng.choice(ACTIVITIES)}{place}"
        if rng.random() < 0.3:
            principal = rng.randrange(20_000, 200_001, 5_000)
        else:
            principal = rng.choices(_PRINCIPALS, weights=_PRINCIPAL_WEIGHTS)[0]
        text = rng.choices((f"{principal:,}.00", f"{principal}.00", str(principal)),
                           weights=(4, 2, 4))[0]
        count, interval = rng.choices(_PATTERNS, weights=_PATTERN_WEIGHTS)[0]
        spec = ContractSpec(
            index=index, kind=kind, contract_date=self.as_of, principal=principal,
            principal_text=text, count=count, interval=interval, first_due=self.as_of, dues=[],
            district=district, subdistrict=subdistrict, village=village, project_name=name,
        )
        if kind == "ended":
            self._ended(rng, spec, days_to_prescription)
        else:
            {"time_barred": self._time_barred, "default": self._default,
             "normal": self._normal, "closed": self._closed}[kind](rng, spec)
        self._rates(rng, spec)
        self._status(rng, spec)
        return spec

    def _schedule(self, rng: random.Random, spec: ContractSpec, contract_date: date) -> None:
        """Set the contract date and a first due date about one interval later."""
        spec.contract_date = contract_date
        first = add_months(contract_date, spec.interval)
        pick = rng.random()
        if pick < 0.2:  # month-end dues (29th–31st), where clamping matters
            day = rng.choice((29, 30, 31, 31))
        elif pick < 0.45:
            day = rng.choice((1, 5, 10, 15, 25))
        else:
            day = contract_date.day
        first = first.replace(day=min(day, days_in_month(first.year, first.month)))
        if (first - contract_date).days < 20:
            first = add_months(first.replace(day=1), 1)
            first = first.replace(day=min(day, days_in_month(first.year, first.month)))
        spec.first_due = first
        spec.dues = due_dates(first, spec.count, spec.interval)


    def _time_barred(self, rng: random.Random, spec: ContractSpec) -> None:
        lp_max = self._five_years_ago - DAY  # last payment + 5 years < as_of
        if rng.random() < 0.15:  # never paid anything
            self._schedule(rng, spec, random_date(rng, self.earliest, lp_max - 30 * DAY))
            spec.last_payment = None
            return
        self._schedule(rng, spec, random_date(rng, self.earliest, lp_max - 60 * DAY))
        hi = min(lp_max, add_months(spec.dues[-1], 48))
        spec.last_payment = random_date(rng, spec.contract_date + 45 * DAY, hi)

    def _ended(self, rng: random.Random, spec: ContractSpec, days: int | None) -> None:
        d = self.as_of
        longest = (add_months(d, 60) - d).days - 1  # keeps the last payment before as_of
        days = min(days, longest) if days else rng.randint(1, longest)
        lp = add_months(d + timedelta(days=days), -60)
        while (add_months(lp, 60) - d).days < 1:  # 29 February
            lp += DAY
        latest_start = add_months(d, -26)
        if rng.random() < 0.08 and lp <= latest_start:  # never paid: lp is the contract date
            self._schedule(rng, spec, lp)
            if spec.dues[-1] < d:
                spec.last_payment = None
                return
        hi = min(lp - 45 * DAY, latest_start)
        lo = min(max(self.earliest, add_months(lp, -84)), hi)
        for _ in range(100):
            self._schedule(rng, spec, random_date(rng, lo, hi))
            if spec.dues[-1] < d:
                break
        else:  # pragma: no cover - the bounds make this unreachable
            raise AssertionError("could not place an ended contract")
        spec.last_payment = lp

    def _inside_term(self, rng: random.Random, spec: ContractSpec, need_due: bool) -> None:
        d = self.as_of
        nearest = spec.interval * 31 + 1 if need_due else 2
        for _ in range(200):
            self._schedule(rng, spec, d - timedelta(days=rng.randint(nearest, 725)))
            if spec.dues[-1] > d and (not need_due or spec.dues[0] < d):
                return
        raise AssertionError("could not place a contract inside its term")  # pragma: no cover

    def _default(self, rng: random.Random, spec: ContractSpec) -> None:
        self._inside_term(rng, spec, need_due=True)
        due = sum(1 for x in spec.dues if x < self.as_of)
        spec.unpaid = rng.randint(1, min(10, due))

    def _normal(self, rng: random.Random, spec: ContractSpec) -> None:
        self._inside_term(rng, spec, need_due=False)

    def _closed(self, rng: random.Random, spec: ContractSpec) -> None:
        d = self.as_of
        self._schedule(rng, spec, random_date(rng, self.earliest, d - 120 * DAY))
        if spec.dues[-1] < d - DAY and rng.random() < 0.65:
            return  # paid on schedule to the end
        last = min(d - DAY, spec.dues[-1] + 30 * DAY)
        spec.payoff = random_date(rng, spec.contract_date + 20 * DAY, last)
        if sum(1 for x in spec.dues if x + 6 * DAY <= spec.payoff) >= spec.count:
            spec.payoff = None  # every installment was due by then: plain schedule

    def _rates(self, rng: random.Random, spec: ContractSpec) -> None:
        if spec.contract_date >= LOW_RATE_FROM:
            spec.interest_rate = spec.default_rate = "0.10"
            return
        spec.interest_rate = "" if rng.random() < 0.35 else rng.choice(_OLD_INTEREST)
        spec.default_rate = "" if rng.random() < 0.6 else "7.5"

    def _status(self, rng: random.Random, spec: ContractSpec) -> None:
        d = self.as_of
        if spec.kind == "closed":
            spec.status = "closed"
            return
        r = rng.random()
        spec.status = "" if rng.random() < 0.1 else "active"
        if spec.kind in ("time_barred", "ended"):
            cut = (0.10, 0.16) if spec.kind == "time_barred" else (0.06, 0.10)
            if r < cut[1]:
                spec.status = "litigation" if r < cut[0] else "judgment"
            if spec.status in ("litigation", "judgment") or rng.random() < 0.35:
                lo = spec.dues[-1] + 30 * DAY
                if rng.random() < 0.15:  # a recent letter: the 30-day M3 window is open
                    lo = max(lo, d - 25 * DAY)
                if lo < d:
                    spec.demand_letter = random_date(rng, lo, d - DAY)
        elif spec.kind == "default" and rng.random() < 0.08:  # letters, but no suit yet
            paid = sum(1 for x in spec.dues if x < d) - spec.unpaid
            lo = spec.dues[paid] + 60 * DAY
            if lo < d:
                spec.demand_letter = random_date(rng, lo, d - DAY)
