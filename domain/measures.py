"""Which relief measures DOMAIN.md recommends for a contract, in the table's order.

A first, contract-level reading of DOMAIN.md ("Which measures the source recommends per
class"); the eligibility quiz refines it with the person's role and answers.
"""

from __future__ import annotations

from datetime import date

from domain.money import CONTRACT_ENDED, IN_DEFAULT, NORMAL, TIME_BARRED

MEASURE_ORDER = ("M1", "M2", "M3", "M4", "M5", "M6", "M7")
LOW_RATE_FROM = date(2023, 9, 30)  # contracts from this day already carry 0.10 %/year

BY_CLASS: dict[int, tuple[str, ...]] = {
    TIME_BARRED: ("M2", "M5", "M6", "M7"),
    CONTRACT_ENDED: ("M1", "M2", "M5", "M6", "M7"),
    IN_DEFAULT: ("M2", "M5", "M6"),
    NORMAL: (),
}


def recommended_measures(debtor_class: int | None, *, status: str, contract_date: date,
                         demand_letter_date: date | None, has_guarantor_or_co_debtor: bool) -> list[str]:
    """Measure ids for a contract: by class, plus M3 after a demand letter and M4 for older rates."""
    if debtor_class is None:
        return []
    chosen = set(BY_CLASS[debtor_class])
    if debtor_class == NORMAL and has_guarantor_or_co_debtor:
        chosen.add("M2")  # a guarantor may ask to leave, a co-debtor to be released
    if debtor_class != NORMAL:
        if demand_letter_date is not None:
            chosen.add("M3")
        if contract_date < LOW_RATE_FROM and status not in {"litigation", "judgment"}:
            chosen.add("M4")
    return [m for m in MEASURE_ORDER if m in chosen]
