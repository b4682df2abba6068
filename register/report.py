"""What an import did, per file (messages.imports words it for officers)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(order=True)
class Rejection:
    """One rejected row: where it is (``line 17`` / ``sheet "members" row 17``) and why."""

    line: int
    where: str = field(compare=False)
    reason: str = field(compare=False)

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class FileReport:
    """What one file (or one sheet of a workbook) did."""

    name: str
    kind: str | None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rows: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    details: dict[str, int] = field(default_factory=dict)
    error: str | None = None  # the whole file was refused (unreadable, columns missing …)

    @property
    def ok(self) -> bool:
        """Imported with no row rejected."""
        return self.error is None and self.rejected == 0


def report_json(report: FileReport) -> dict[str, Any]:
    """A file's report as plain JSON (stored with a console import, read back by its page)."""
    found = asdict(report)
    found["ok"] = report.ok
    found["rejections"] = [{"line": r.line, "where": r.where, "reason": r.reason} for r in report.rejections]
    return found
