"""Cells of the files the product writes: nothing a spreadsheet would run as a formula."""

from __future__ import annotations

from collections.abc import Iterable

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(DANGEROUS_FIRST):
        return "'" + value
    return value


def neutralise_row(values: Iterable[object]) -> list[object]:
    return [neutralise(value) for value in values]
