"""How a measure application moves: submitted → under review → approved/rejected → active/failed."""

from __future__ import annotations

NEXT_STATUSES: dict[str, frozenset[str]] = {
    "submitted": frozenset({"under_review", "rejected"}),
    "under_review": frozenset({"approved", "rejected"}),
    "approved": frozenset({"active", "failed"}),
    "active": frozenset({"failed"}),  # joined, then defaulted again
    "rejected": frozenset(),
    "failed": frozenset(),
}


def can_move(current: str, new: str) -> bool:
    """Whether an officer may move an application from `current` to `new`."""
    return new in NEXT_STATUSES.get(current, frozenset())
