"""Cells of a spreadsheet export (CSV, XLSX) that a spreadsheet will not run as formulas.

The register is stored as it says: a name typed in LM as ``=HYPERLINK("http://x","y")``,
``+cmd|' /C calc'!A0``, ``@SUM(1)`` or ``-2+3`` is kept verbatim, because that is what the
register holds. Only when the product writes a file that a spreadsheet opens does such a
text become dangerous: Excel, LibreOffice and Google Sheets read a cell that begins with
``=``, ``+``, ``-`` or ``@`` as a formula (and a leading tab or carriage return can hide one),
which can open links, leak other cells or, through DDE, run commands on the officer's PC.

Every export writes its cells through `neutralise` (OWASP, "CSV Injection"): a text that
begins with one of those characters gets a leading apostrophe, so it shows as text.
Numbers, dates, None and every other non-text value pass through untouched, so a negative
amount given as a number stays a number; give numbers as numbers, not as formatted text
(a text ``"-150.00"`` is prefixed like any other text beginning with ``-``).

Idempotence: the apostrophe is not itself a dangerous first character, so neutralising
twice gives the same as neutralising once. Nothing relies on that, and the rule is not
reversible: a register text that truly began with ``'=`` cannot be told apart, in an
export, from a neutralised ``=``. Exports are for people to read, not to import back.
"""

from __future__ import annotations

from collections.abc import Iterable

# OWASP's list: formula starters, and tab / carriage return (a cell beginning with either can
# be trimmed by the spreadsheet down to a formula starter).
DANGEROUS_FIRST = frozenset("=+-@\t\r")
PREFIX = "'"


def neutralise(value: object) -> object:
    """The value to write into an exported cell: a text that a spreadsheet would run as a
    formula gets a leading apostrophe; anything that is not text is returned unchanged."""
    if isinstance(value, str) and value[:1] in DANGEROUS_FIRST:
        return PREFIX + value
    return value


def neutralise_row(values: Iterable[object]) -> list[object]:
    """`neutralise` on every cell of a row (for `csv.writer.writerow` or `Worksheet.append`)."""
    return [neutralise(value) for value in values]


__all__ = ["DANGEROUS_FIRST", "PREFIX", "neutralise", "neutralise_row"]
