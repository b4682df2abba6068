"""Charts drawn on the server as SVG geometry (no script, printable); each page shows the numbers beside them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    top: str


def bar_chart(points: Sequence[tuple[str, Decimal | int]], shown: Sequence[str], *, width: int = 640,
              height: int = 180) -> BarChart | None:
    """Vertical bars for (label, value) with the text shown on each; None when there is nothing to draw."""
    if not points:
        return None
    top = max((Decimal(v) for _, v in points), default=Decimal(0))
    scale = Decimal(height) / top if top > 0 else Decimal(0)
    slot = width / len(points)
    bars = [Bar(x=round(i * slot + slot * 0.15, 1), y=round(height - float(Decimal(v) * scale), 1),
                width=round(slot * 0.7, 1), height=round(float(Decimal(v) * scale), 1), label=label, value=text)
            for i, ((label, v), text) in enumerate(zip(points, shown, strict=True))]
    return BarChart(width, height, bars, str(top))
