"""Small inline SVG line charts that print in PDFs as they show on screen; no JavaScript."""

from dataclasses import dataclass
from decimal import Decimal

from core import calendar, terms

ERA_LETTERS = {name: letter for letter, name in calendar.ERA_ABBREVIATIONS.items()}


def era_short(year: int) -> str:
    """A fiscal year short enough for an axis tick, as officials abbreviate it: 2024 → R6,
    2019 → R1 (令和元年度), 2018 → H30."""
    for name, start in calendar.ERAS:
        if year >= start.year:
            return f"{ERA_LETTERS[name]}{year - start.year + 1}"
    raise ValueError(f"{year} is before the Meiji era")


@dataclass(frozen=True)
class Series:
    label: str
    points: list[tuple[int, Decimal]]  # (fiscal year, value)
    dashed: bool = False


def line_chart(series: list[Series], *, width: int = 560, height: int = 220) -> dict:
    """Geometry for templates/reports/_line_chart.html: polylines, axis ticks, labels."""
    values = [v for s in series for _, v in s.points]
    years = sorted({y for s in series for y, _ in s.points})
    if not values or not years:
        return {}
    low, high = min(min(values), Decimal(0)), max(values)
    if high == low:
        high = low + 1
    left, right, top, bottom = 56, 16, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    span = max(years[-1] - years[0], 1)

    def x(year):
        return left + (year - years[0]) * plot_w / span

    def y(value):
        return top + plot_h - float((value - low) / (high - low)) * plot_h

    lines = []
    for index, s in enumerate(series):
        points = sorted(s.points)
        lines.append(
            {
                "label": s.label,
                "dashed": s.dashed,
                "colour": ("#0b5394", "#b35900", "#2e7d32")[index % 3],
                "points": " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in points),
                "dots": [{"x": f"{x(yr):.1f}", "y": f"{y(v):.1f}"} for yr, v in points],
            }
        )
    ticks = [low + (high - low) * Decimal(i) / 4 for i in range(5)]
    step = max(1, len(years) // 8)
    return {
        "width": width,
        "height": height,
        "left": left,
        "bottom": height - bottom,
        "right": width - right,
        "top": top,
        "lines": lines,
        "y_ticks": [{"y": f"{y(t):.1f}", "label": f"{t.normalize():f}"} for t in ticks],
        "x_ticks": [
            {"x": f"{x(yr):.1f}", "year": yr, "label": era_short(yr)} for yr in years[::step]
        ],
        # How to read the ticks, with the first year as the example: R6＝令和6年度.
        "x_legend": f"{era_short(years[0])}＝{terms.fiscal_year(years[0])}",
    }
