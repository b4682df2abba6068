"""Measures in the database: load a measures file, read the measures in force."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.measures import Measure, MeasureFileError, parse_measures
from models.measures import MeasureRow

BUNDLED = Path(__file__).resolve().parents[1] / "domain" / "data" / "measures-2568-11.toml"


@dataclass(frozen=True)
class LoadReport:
    version: str
    created: int
    updated: int
    unchanged: int
    retired: int

    def __str__(self) -> str:
        return (f"measures {self.version}: {self.created} created, {self.updated} updated, "
                f"{self.unchanged} unchanged, {self.retired} retired")


def read_measures_file(path: Path) -> tuple[str, list[Measure]]:
    """Parse and check a measures file (TOML)."""
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        raise MeasureFileError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise MeasureFileError(f"{path}: not valid TOML ({exc})") from None
    return parse_measures(document)


def store_measures(session: Session, version: str, measures: list[Measure], now: datetime) -> LoadReport:
    """Upsert the file's measures; those missing from it are retired (kept for history)."""
    rows = {row.id: row for row in session.scalars(select(MeasureRow))}
    created = updated = unchanged = 0
    for measure in measures:
        values = _values(measure)
        row = rows.pop(measure.id, None)
        if row is None:
            session.add(MeasureRow(id=measure.id, version=version, loaded_at=now, retired_at=None, **values))
            created += 1
        elif any(getattr(row, key) != value for key, value in values.items()) or row.retired_at is not None:
            for key, value in values.items():
                setattr(row, key, value)
            row.version, row.loaded_at, row.retired_at = version, now, None
            updated += 1
        else:
            unchanged += 1
    retired = 0
    for row in rows.values():
        if row.retired_at is None:
            row.retired_at = now
            retired += 1
    session.flush()
    return LoadReport(version, created, updated, unchanged, retired)


def measures_in_db(session: Session) -> list[Measure]:
    """The measures currently loaded (read on every use, so a new file takes effect at once)."""
    rows = session.scalars(select(MeasureRow).where(MeasureRow.retired_at.is_(None))
                           .order_by(MeasureRow.position)).all()
    return [_measure(r) for r in rows]


def measure_by_id(session: Session, measure_id: str) -> Measure | None:
    """One measure as last loaded, retired or not (an application outlives the file that named it)."""
    row = session.get(MeasureRow, measure_id)
    return _measure(row) if row is not None else None


def measure_names(session: Session) -> dict[str, str]:
    """Every measure ever loaded → its name, numbers filled in; those in force first, in their order."""
    rows = session.scalars(select(MeasureRow).order_by(MeasureRow.retired_at.is_not(None), MeasureRow.position,
                                                       MeasureRow.id)).all()
    return {r.id: m.fill(m.name) for r in rows for m in (_measure(r),)}


def measure_labels(session: Session) -> dict[str, str]:
    """measure id → the short name people read, for every measure ever loaded (a history names retired ones)."""
    return {r.id: _measure(r).label for r in session.scalars(select(MeasureRow))}


def _measure(r: MeasureRow) -> Measure:
    return Measure(id=r.id, order=r.position, name=r.name, summary=r.summary, conditions=r.conditions,
                   classes=frozenset(r.classes), roles=frozenset(r.roles), documents=tuple(r.documents),
                   next_step=r.next_step, effective_from=r.effective_from, effective_to=r.effective_to,
                   audience=r.audience, params=_params_in(r.params), short_name=r.short_name)


def _values(measure: Measure) -> dict[str, object]:
    return dict(position=measure.order, name=measure.name, short_name=measure.short_name, summary=measure.summary,
                conditions=measure.conditions, classes=sorted(measure.classes), roles=sorted(measure.roles),
                documents=list(measure.documents), next_step=measure.next_step, audience=measure.audience,
                effective_from=measure.effective_from, effective_to=measure.effective_to,
                params=_params_out(measure.params))


# Dates in params (e.g. release_from) travel through JSON as "date:YYYY-MM-DD".
def _params_out(params: Mapping[str, object]) -> dict[str, object]:
    return {k: (f"date:{v.isoformat()}" if isinstance(v, date) else v) for k, v in params.items()}


def _params_in(params: dict[str, object]) -> dict[str, object]:
    return {k: (date.fromisoformat(v[5:]) if isinstance(v, str) and v.startswith("date:") else v)
            for k, v in params.items()}


def ensure_measures(session: Session, now: datetime) -> LoadReport | None:
    """Load the bundled measures file into an empty table (first start, the demo, tests).

    A table loaded before measures had short names gets the bundled file's short names for
    the same ids (nothing else changes), so no button falls back to a long name cut short.
    """
    if session.scalar(select(MeasureRow.id).limit(1)) is not None:
        _fill_short_names(session)
        return None
    version, measures = read_measures_file(BUNDLED)
    return store_measures(session, version, measures, now)


def _fill_short_names(session: Session) -> None:
    unnamed = {r.id: r for r in session.scalars(select(MeasureRow).where(MeasureRow.short_name == ""))}
    if not unnamed:
        return
    _version, bundled = read_measures_file(BUNDLED)
    for measure in bundled:
        if measure.id in unnamed and measure.short_name:
            unnamed[measure.id].short_name = measure.short_name
    session.flush()
