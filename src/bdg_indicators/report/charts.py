"""The charts of a report, as SVG text: matplotlib's SVG backend, with a fixed hash salt and no
date, so that the same figures give the same bytes on every run.

Labels use the number formatting of the tables
([`format_number`][bdg_indicators.describe.format_number]).
Only matplotlib's object API is used (no pyplot): no global state, no window, no display.
"""

from __future__ import annotations

import io
from fractions import Fraction
from typing import Any

from bdg_indicators.describe import format_number, format_unit

from .model import Line, Trend

__all__ = ["attainment_chart", "trend_chart"]

_STYLE: Any = {
    "svg.hashsalt": "bdg-indicators",
    "svg.fonttype": "none",  # text stays text: selectable, and the browser's fonts show Vietnamese
    "font.family": ["DejaVu Sans", "sans-serif"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_GREEN, _RED, _GREY, _INK = "#2e7d32", "#c62828", "#9e9e9e", "#263238"
_COLOURS = {"achieved": _GREEN, "on_track": _GREEN, "not_achieved": _RED, "off_track": "#ef6c00"}


def _svg(figure: Any) -> str:
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    canvas = FigureCanvasSVG(figure)
    out = io.StringIO()
    canvas.print_svg(out, metadata={"Date": None, "Creator": None})  # type: ignore[no-untyped-call]
    text = out.getvalue()
    return text[text.index("<svg") :]  # inline in HTML: no XML declaration or doctype


def _label(value: Fraction, unit: str, decimals: int | None, lang: str) -> str:
    return format_number(value, decimals, lang) + format_unit(unit, lang)


def attainment_chart(line: Line, lang: str = "vi") -> str | None:
    """The actual value of a line as a bar against its milestone as a mark: one small chart,
    or ``None`` when the line has no value or no numeric milestone."""
    if line.value is None or line.threshold is None:
        return None
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(5.6, 0.9))
        axes = figure.add_axes((0.02, 0.32, 0.96, 0.5))
        top = max(line.value, line.threshold, Fraction(0)) * Fraction(115, 100) or Fraction(1)
        colour = _COLOURS.get(line.status, _GREY)
        axes.barh([0], [float(line.value)], height=0.6, color=colour)
        axes.axvline(float(line.threshold), color=_INK, linewidth=2)
        axes.set_xlim(0, float(top))
        axes.set_yticks([])
        axes.spines["left"].set_visible(False)
        axes.tick_params(axis="x", labelsize=7)
        axes.xaxis.set_major_formatter(_formatter(line.unit, lang))
        shown = _label(line.value, line.unit, line.decimals, lang)
        mark = _label(line.threshold, line.unit, None, lang)
        milestone = "mốc" if lang == "vi" else "milestone"
        axes.set_title(f"{shown}  ·  {milestone} {mark}", fontsize=8, loc="left")
        return _svg(figure)


def _formatter(unit: str, lang: str) -> Any:
    from matplotlib.ticker import FuncFormatter

    suffix = "%" if unit == "percent" else ""

    def shown(value: float, _position: int) -> str:
        exact = Fraction(value).limit_denominator(10**6)
        return format_number(exact, None if exact.denominator == 1 else 1, lang) + suffix

    return FuncFormatter(shown)


def trend_chart(trend: Trend, lang: str = "vi") -> str:
    """An indicator's values over time, each labelled, with its milestones as dashed lines."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(5.6, 2.6))
        axes = figure.add_axes((0.1, 0.2, 0.86, 0.68))
        xs = list(range(len(trend.points)))
        ys = [float(v) for _, v in trend.points]
        axes.plot(xs, ys, marker="o", color="#1565c0", linewidth=1.8)
        for x, (_, value) in zip(xs, trend.points, strict=True):
            label = _label(value, trend.unit, trend.decimals, lang)
            axes.annotate(
                label, (x, float(value)), textcoords="offset points", xytext=(0, 6), ha="center"
            )
        for words, threshold, text in trend.milestones:
            axes.axhline(float(threshold), color=_INK, linestyle="--", linewidth=1)
            axes.annotate(
                f"{'mốc' if lang == 'vi' else 'milestone'} {words}: {text}",
                (xs[-1], float(threshold)),
                textcoords="offset points",
                xytext=(0, 3),
                ha="right",
                fontsize=7,
            )
        axes.set_xticks(xs, [words for words, _ in trend.points], fontsize=7)
        axes.yaxis.set_major_formatter(_formatter(trend.unit, lang))
        axes.set_xlim(-0.5, len(xs) - 0.5)
        return _svg(figure)
