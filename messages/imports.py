"""The text officers read after `flask --app bot import`: one block per file, then a total."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol


class ImportReport(Protocol):
    """What one file's import did (register.report.FileReport), as read here."""

    @property
    def name(self) -> str: ...

    @property
    def created(self) -> int: ...

    @property
    def updated(self) -> int: ...

    @property
    def unchanged(self) -> int: ...

    @property
    def rejected(self) -> int: ...

    @property
    def rejections(self) -> Sequence[object]: ...

    @property
    def notes(self) -> Sequence[str]: ...

    @property
    def details(self) -> Mapping[str, int]: ...

    @property
    def error(self) -> str | None: ...

    @property
    def ok(self) -> bool: ...


CHECK_ONLY = "CHECK ONLY (ตรวจอย่างเดียว): nothing was written; this is what importing these files would do"


def format_report(reports: Sequence[ImportReport], *, check: bool = False) -> str:
    """The text officers read after `import` (or `import --check`): one block per file, then a total."""
    lines: list[str] = []
    for report in reports:
        lines.extend(_format_one(report))
    bad = sum(1 for r in reports if not r.ok)
    total = f"{len(reports) - bad} of {len(reports)} file(s) imported"
    if bad:
        total += f"; {bad} NOT imported (ไม่ได้นำเข้า): fix the lines above and import those files again"
    lines.append(total)
    if check:
        lines.append(CHECK_ONLY)
    return "\n".join(lines)


def _format_one(report: ImportReport) -> list[str]:
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
