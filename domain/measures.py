"""Relief measures as data, and which of them fit a person (DOMAIN.md, "Relief measures").

The measures themselves (names, wording, numbers, classes, dates) come from a measures
file loaded into the database; the rules here only say how a situation is matched
against them, so changing a measure is a data change. Results keep DOMAIN.md's order.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from domain.money import CONTRACT_ENDED, IN_DEFAULT, NORMAL, TIME_BARRED

NEXT_STEPS = ("clinic", "court", "officer")
MAX_SHORT_NAME = 20  # LINE's limit on a quick-reply button's label: a short name fits one whole
ROLES = ("borrower", "co_debtor", "guarantor")
HARDSHIPS = ("disabled", "elderly", "deceased", "unable_to_work")
PAYOFF = ("all_now", "within_30", "need_time", "not_yet")
WISHES = ("leave_guarantee", "release_share", "other")


class MeasureFileError(ValueError):
    """A measures file that cannot be loaded; the message says where and why."""


@dataclass(frozen=True)
class Measure:
    id: str
    order: int
    name: str
    summary: str
    conditions: str
    classes: frozenset[int]
    roles: frozenset[str]
    documents: tuple[str, ...]
    next_step: str
    effective_from: date
    effective_to: date | None = None
    audience: str = "debtor"
    params: Mapping[str, Any] = field(default_factory=dict)
    short_name: str = ""  # what buttons, lists and cards call it (the id is never shown to people)

    @property
    def label(self) -> str:
        """The short name people read, its numbers put in (the full name if it has none)."""
        return self.fill(self.short_name or self.name)

    def fill(self, template: str) -> str:
        """Wording with the measure's numbers put in (`{extra_years}` → 2)."""
        return template.format_map(_Params(self.params))

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


class _Params(dict[str, Any]):
    def __init__(self, params: Mapping[str, Any]) -> None:
        super().__init__({k: _shown(v) for k, v in params.items()})

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _shown(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def parse_measures(document: Mapping[str, Any]) -> tuple[str, list[Measure]]:
    """(version, measures) from a parsed measures file; MeasureFileError names what is wrong."""
    version = document.get("version")
    if not isinstance(version, str) or not version:
        raise MeasureFileError("the file needs a top-level version = \"...\"")
    entries = document.get("measure")
    if not isinstance(entries, list) or not entries:
        raise MeasureFileError("the file has no [[measure]] entries")
    measures, seen = [], set()
    for index, entry in enumerate(entries, start=1):
        where = f"measure #{index} ({entry.get('id', '?')})"
        measure = _measure(entry, where)
        if measure.id in seen:
            raise MeasureFileError(f"{where}: id {measure.id} appears twice")
        seen.add(measure.id)
        measures.append(measure)
    return version, sorted(measures, key=lambda m: m.order)


def _measure(entry: Mapping[str, Any], where: str) -> Measure:
    try:
        classes = frozenset(int(c) for c in entry["classes"])
        roles = frozenset(entry["roles"])
        measure = Measure(
            id=str(entry["id"]), order=int(entry["order"]), name=str(entry["name"]),
            summary=str(entry["summary"]), conditions=str(entry.get("conditions", "")),
            classes=classes, roles=roles, documents=tuple(str(d) for d in entry.get("documents", [])),
            next_step=str(entry["next_step"]), effective_from=entry["effective_from"],
            effective_to=entry.get("effective_to"), audience=str(entry.get("audience", "debtor")),
            params=dict(entry.get("params", {})), short_name=str(entry.get("short_name", "")),
        )
    except KeyError as missing:
        raise MeasureFileError(f"{where}: {missing.args[0]} is missing") from None
    except (TypeError, ValueError) as exc:
        raise MeasureFileError(f"{where}: {exc}") from None
    problems = []
    if not classes <= {TIME_BARRED, CONTRACT_ENDED, IN_DEFAULT, NORMAL}:
        problems.append("classes must be among 1, 2, 3, 4")
    if not roles <= set(ROLES):
        problems.append(f"roles must be among {', '.join(ROLES)}")
    if measure.next_step not in NEXT_STEPS:
        problems.append(f"next_step must be one of {', '.join(NEXT_STEPS)}")
    if not isinstance(measure.effective_from, date):
        problems.append("effective_from must be a date (YYYY-MM-DD)")
    for text in (measure.summary, measure.conditions, measure.name, measure.short_name):
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
        if unknown := names - set(measure.params):
            problems.append(f"wording uses {sorted(unknown)} but params has no such number")
    if len(measure.label) > MAX_SHORT_NAME:
        problems.append(f"short_name must be at most {MAX_SHORT_NAME} characters (a LINE button's label); "
                        + ("it has" if measure.short_name else "it is missing and the name has")
                        + f" {len(measure.label)}")
    if problems:
        raise MeasureFileError(f"{where}: " + "; ".join(problems))
    return measure


@dataclass(frozen=True)
class Situation:
    """What is known about a person and one contract: from the register, or from answers.

    None means "not known": for an officer looking at a contract, or a person who has not
    said. Unknown answers never exclude a measure the class allows.
    """

    debtor_class: int | None
    role: str | None = None
    contract_date: date | None = None
    status: str | None = None  # active | litigation | judgment
    demand_letter: bool | None = None
    demand_letter_date: date | None = None  # when the register knows it (M3's window runs from it)
    hardship: str | None = None  # "none" or one of HARDSHIPS
    payoff: str | None = None  # one of PAYOFF
    wish: str | None = None  # one of WISHES
    has_co_obligors: bool | None = None  # co-debtors or guarantors on the contract

    @property
    def in_court(self) -> bool:
        return self.status in {"litigation", "judgment"}


@dataclass(frozen=True)
class Fit:
    """A measure that fits, and the reason (a code; messages/ words it)."""

    measure: Measure
    reason: str


def eligible(measures: Iterable[Measure], situation: Situation, today: date, *,
             audience: str = "debtor") -> list[Fit]:
    """The measures that fit, in DOMAIN.md's order, each with its reason."""
    fits = []
    for measure in sorted(measures, key=lambda m: m.order):
        if not measure.in_force(today) or (audience == "debtor" and measure.audience != "debtor"):
            continue
        if situation.debtor_class is None or situation.debtor_class not in measure.classes:
            continue
        if situation.role is not None and situation.role not in measure.roles:
            continue
        rule = RULES.get(measure.id, _always)
        reason = rule(measure, situation, today)
        if reason is not None:
            fits.append(Fit(measure, reason))
    return fits


def _always(measure: Measure, s: Situation, today: date) -> str | None:
    return {TIME_BARRED: "time_barred", CONTRACT_ENDED: "contract_ended", IN_DEFAULT: "in_default",
            NORMAL: "paying_well"}[s.debtor_class or NORMAL]


def _restructure(measure: Measure, s: Situation, today: date) -> str | None:
    return None if s.payoff in {"all_now", "within_30"} else "more_time"


def _guarantee_or_release(measure: Measure, s: Situation, today: date) -> str | None:
    release_from = measure.params.get("release_from")
    newer = None if s.contract_date is None or release_from is None else s.contract_date >= release_from
    if s.role == "guarantor" and s.wish in {"leave_guarantee", None} and newer is not True:
        return "leave_guarantee"
    if s.role == "co_debtor" and s.wish in {"release_share", None} and newer is not False:
        return "release_share"
    if s.role is None and s.wish is None and s.has_co_obligors is not False:
        return "guarantor_or_co_debtor"  # an officer's view of the contract
    return None


def _settlement(measure: Measure, s: Situation, today: date) -> str | None:
    """Before a suit, only inside the window after the demand letter (`before_suit_days`, 30):
    a letter of years ago earns nothing; a letter whose date is not known, only "if within"."""
    if s.status == "judgment":
        return None
    if s.status == "litigation":
        return "court_settlement"
    if not s.demand_letter:
        return None
    if s.demand_letter_date is None:
        return "demand_letter_maybe"
    window = measure.params.get("before_suit_days")
    if window is not None and today > s.demand_letter_date + timedelta(days=int(window)):
        return None
    return "demand_letter"


def _lower_rates(measure: Measure, s: Situation, today: date) -> str | None:
    if s.in_court:
        return None
    low_from = measure.params.get("low_rate_from")
    if s.contract_date is None:
        return "older_contract_maybe"
    return "older_contract" if low_from is None or s.contract_date < low_from else None


def _payoff(measure: Measure, s: Situation, today: date) -> str | None:
    return None if s.payoff in {"need_time", "not_yet"} else "payoff"


def _hardship(measure: Measure, s: Situation, today: date) -> str | None:
    if s.hardship is None:
        return "hardship_maybe"
    return s.hardship if s.hardship in HARDSHIPS else None


def _mediation(measure: Measure, s: Situation, today: date) -> str | None:
    return None if s.status == "judgment" else "mediation"


Rule = Callable[[Measure, Situation, date], str | None]

RULES: dict[str, Rule] = {
    "M1": _restructure,
    "M2": _guarantee_or_release,
    "M3": _settlement,
    "M4": _lower_rates,
    "M5": _payoff,
    "M6": _hardship,
    "M7": _mediation,
}


def recommended_ids(measures: Iterable[Measure], situation: Situation, today: date) -> list[str]:
    """The M-numbered measures for a contract as an officer sees it (the JSON API)."""
    return [f.measure.id for f in eligible(measures, situation, today, audience="officer")
            if f.measure.id.startswith("M")]
