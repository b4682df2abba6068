"""What an import did, per file, and the text officers read after `import`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


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


def format_report(reports: Sequence[FileReport]) -> str:
    """The text officers read after `import`: one block per file, then a total."""
    lines: list[str] = []
    for report in reports:
        lines.extend(_format_one(report))
    bad = sum(1 for r in reports if not r.ok)
    total = f"{len(reports) - bad} of {len(reports)} file(s) imported"
    if bad:
        total += f"; {bad} NOT imported (ไม่ได้นำเข้า): fix the lines above and import those files again"
    lines.append(total)
    return "\n".join(lines)


def _format_one(report: FileReport) -> list[str]:
    counts = (f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
              f"{report.rejected} rejected")
    name = report.name
    if report.error is not None:
        out = [f"{name}: NOT IMPORTED (ไม่ได้นำเข้า): {report.error}"]
    elif report.rejected:
        out = [f"{name}: {counts}: NOT IMPORTED (ไม่ได้นำเข้า), nothing from this file was written"]
    else:
        groups: dict[str, list[str]] = {}
        for key, value in report.details.items():  # people_created → "people: 12 created"
            noun, _, verb = key.rpartition("_")
            groups.setdefault(noun, []).append(f"{value} {verb}")
        extra = "; ".join(f"{noun}: {', '.join(parts)}" for noun, parts in groups.items())
        out = [f"{name}: {counts}" + (f" ({extra})" if extra else "")]
    out.extend(f"  {note}" for note in report.notes)
    out.extend(f"  {rejection}" for rejection in report.rejections)
    return out
