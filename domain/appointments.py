"""Appointment rules: which sessions fit whom, slots and seats, when booking is open."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.money import CONTRACT_ENDED, IN_DEFAULT, TIME_BARRED


def seat_starts(starts_at: datetime, ends_at: datetime, slot_minutes: int | None, capacity: int) -> list[datetime]:
    """When each seat's appointment starts: seat k is slot k, or the whole block for every seat."""
    if not slot_minutes:
        return [starts_at] * capacity
    slots: list[datetime] = []
    moment, step = starts_at, timedelta(minutes=slot_minutes)
    while moment + step <= ends_at and len(slots) < capacity:
        slots.append(moment)
        moment += step
    return slots


def court_allowed(debtor_classes: set[int]) -> bool:
    """Court mediation is for a contract in default or ended (DOMAIN.md): classes 1–3."""
    return bool(debtor_classes & {TIME_BARRED, CONTRACT_ENDED, IN_DEFAULT})


def bookable(status: str, starts_at: datetime, opens_at: datetime | None, closes_at: datetime | None,
             now: datetime) -> bool:
    """Open, not started, and inside its booking window."""
    return (status == "open" and starts_at > now and (opens_at is None or opens_at <= now)
            and (closes_at is None or now <= closes_at))


# The province's "finished within two days" route for court mediation (DOMAIN.md).
COURT_CHECKLIST = (
    "day1_date_venue_fixed",
    "day1_civil_record_pulled",
    "day1_request_form_printed",
    "day1_evidence_ready",
    "day2_mediated",
    "day2_settlement_recorded",
    "day2_outcome",
)
ATTENDANCE = ("attended", "no_show")
OUTCOMES = ("settled", "no_agreement", "did_not_come")
