"""What a report says, before any format: per org unit and period, the summary (chỉ tiêu
achieved of those assessed, per goal), the appendix table by goal and chỉ tiêu, and each
indicator's trend with its milestones. Every text is already in the report's language; every
figure is kept exact beside it for charts and spreadsheets.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from bdg_indicators.describe import (
    describe_period,
    format_number,
    format_unit,
    level_legend,
    level_mark,
)
from bdg_indicators.periods import Period, parse_period
from bdg_indicators.spec import Comparison, Spec
from bdg_indicators.stamp import Stamp, stamp_of

from .records import (
    baseline_text,
    change_text,
    milestone_text,
    rebuilt,
    value_text,
    verdict_text,
    with_data,
)

if TYPE_CHECKING:
    from bdg_indicators.evaluation import EvaluationResult

__all__ = ["GoalSection", "Line", "Part", "Report", "Tally", "Trend", "build_report"]


@attrs.frozen(kw_only=True)
class Line:
    """One row of the appendix table: a target (entry of a chỉ tiêu) for an org unit and
    period."""

    goal: str
    chi_tieu: str | None
    """The chỉ tiêu as the document counts it (``None`` for a figure reported beside them)."""
    target: str
    label: str
    milestone: str
    """The milestone that applies, in words, with its verification mark."""
    baseline: str
    actual: str
    change: str
    status: str
    """The status code (``achieved``, ``no_data``...)."""
    verdict: str
    """The verdict in words, with its reason where there is no value."""
    value: Fraction | None
    threshold: Fraction | None
    unit: str
    decimals: int
    row: dict[str, Any] = attrs.field(eq=False, repr=False)
    """The result row it was made from (``EvaluationResult.to_dicts()``)."""


@attrs.frozen(kw_only=True)
class Tally:
    """The count of chỉ tiêu of a goal or of the framework, as
    [`EvaluationResult.summary`][bdg_indicators.EvaluationResult.summary] gives it."""

    targets: int = 0
    """Chỉ tiêu a milestone applies to."""
    assessed: int = 0
    """Due and judged: achieved or not achieved."""
    achieved: int = 0
    not_achieved: int = 0
    on_track: int = 0
    off_track: int = 0
    no_data: int = 0
    undetermined: int = 0

    @classmethod
    def of(cls, row: dict[str, Any] | None) -> Tally:
        """The tally of a summary row (none: all zero)."""
        if row is None:
            return cls()
        return cls(**{f.name: int(row[f.name]) for f in attrs.fields(cls)})


@attrs.frozen(kw_only=True)
class GoalSection:
    """The lines of one goal, with its count of chỉ tiêu."""

    goal: str
    name: str
    lines: tuple[Line, ...]
    tally: Tally


@attrs.frozen(kw_only=True)
class Trend:
    """An indicator's values over the periods of the data, with its milestones, for a chart."""

    target: str
    label: str
    unit: str
    decimals: int
    points: tuple[tuple[str, Fraction], ...]
    """(period in words, exact value), in time order."""
    milestones: tuple[tuple[str, Fraction, str], ...]
    """(period in words, threshold, the milestone in words)."""


@attrs.frozen(kw_only=True)
class Part:
    """The report of one org unit for one period."""

    org_unit: str
    org_unit_name: str
    period: str
    period_words: str
    sections: tuple[GoalSection, ...]
    tally: Tally
    hidden: int
    """Results without a value or verdict that are not shown (shown with ``show_all``)."""
    trends: tuple[Trend, ...]


@attrs.frozen(kw_only=True)
class Report:
    """A report, ready for any format."""

    title: str
    spec: str
    lang: str
    parts: tuple[Part, ...]
    stamp: Stamp
    legend: str
    """What the verification marks on milestones mean ("" when no milestone has one)."""

    def text(self, vi: str, en: str) -> str:
        """``vi`` or ``en``, by the report's language (for the words of a template)."""
        return vi if self.lang == "vi" else en


def _line(
    result: EvaluationResult, row: dict[str, Any], lang: str, remade: frozenset[tuple[str, str]]
) -> Line:
    spec = result.spec
    target = spec.target(row["target"])
    try:
        chi_tieu: str | None = spec.legal_target(target.id).id
    except KeyError:
        chi_tieu = None
    num, den = row["value_num"], row["value_den"]
    threshold = row["threshold"]
    return Line(
        goal=row["goal"],
        chi_tieu=chi_tieu,
        target=target.id,
        label=target.label.text(lang),
        milestone=milestone_text(result, row, lang),
        baseline=baseline_text(row, lang),
        actual=value_text(row, lang, (row["org_unit"], row["period"]) in remade),
        change=change_text(result, row, lang),
        status=row["status"],
        verdict=verdict_text(row, lang),
        value=None if num is None else Fraction(int(num), int(den)),
        threshold=None if threshold is None else Fraction(threshold).limit_denominator(10**9),
        unit=row["unit"],
        decimals=row["decimals"],
        row=row,
    )


def _order(period: str) -> tuple[int, int]:
    parsed = parse_period(period)
    return (parsed.first, parsed.last)


def _trend(spec: Spec, target_id: str, rows: list[dict[str, Any]], lang: str) -> Trend | None:
    """The trend of one target over ``rows`` (its rows for one org unit), if it has two values
    or more."""
    points = sorted(
        (r for r in rows if r["value_num"] is not None), key=lambda r: _order(r["period"])
    )
    if len(points) < 2:
        return None
    target = spec.target(target_id)
    indicator = spec.indicator(target.indicator)
    milestones = []
    for m in target.milestones_in_force:
        condition = m.condition
        if isinstance(condition, Comparison) and isinstance(condition.threshold.value, Fraction):
            words = describe_period(m.when.period, lang)
            milestones.append((words, condition.threshold.value, _short(m, indicator, lang)))
    return Trend(
        target=target_id,
        label=target.label.text(lang),
        unit=indicator.unit,
        decimals=indicator.decimals,
        points=tuple(
            (
                describe_period(parse_period(r["period"]), lang),
                Fraction(int(r["value_num"]), int(r["value_den"])),
            )
            for r in points
        ),
        milestones=tuple(milestones),
    )


def _short(milestone: Any, indicator: Any, lang: str) -> str:
    condition = milestone.condition
    return format_number(condition.threshold.value, None, lang) + format_unit(indicator.unit, lang)


def _sections(
    result: EvaluationResult, rows: list[dict[str, Any]], counts: dict[str | None, Any], lang: str
) -> tuple[GoalSection, ...]:
    sections = []
    remade = rebuilt(result)
    for goal in result.spec.goals:
        lines = tuple(_line(result, r, lang, remade) for r in rows if r["goal"] == goal.id)
        if not lines:
            continue
        sections.append(
            GoalSection(
                goal=goal.id,
                name=goal.label.text(lang),
                lines=lines,
                tally=Tally.of(counts.get(goal.id)),
            )
        )
    return tuple(sections)


def _part(
    result: EvaluationResult,
    key: tuple[str, str],
    rows: list[dict[str, Any]],
    history: list[dict[str, Any]],
    summary: dict[tuple[str, str], dict[str | None, Any]],
    lang: str,
) -> Part:
    org_unit, period = key
    tree = result.org_units
    counts = summary.get(key, {})
    shown = [r for r in rows if with_data(r)]
    targets = dict.fromkeys(r["target"] for r in shown)
    trends = [
        _trend(result.spec, t, [r for r in history if r["target"] == t], lang) for t in targets
    ]
    return Part(
        org_unit=org_unit,
        org_unit_name=tree[org_unit].name if tree is not None and org_unit in tree else org_unit,
        period=period,
        period_words=describe_period(parse_period(period), lang),
        sections=_sections(result, rows, counts, lang),
        tally=Tally.of(counts.get(None)),
        hidden=0,
        trends=tuple(t for t in trends if t is not None),
    )


def _summary(result: EvaluationResult) -> dict[tuple[str, str], dict[str | None, Any]]:
    table: dict[tuple[str, str], dict[str | None, Any]] = {}
    for row in result.summary().to_polars().iter_rows(named=True):
        table.setdefault((row["org_unit"], row["period"]), {})[row["goal"]] = row
    return table


def build_report(
    result: EvaluationResult,
    *,
    periods: Sequence[str | Period] = (),
    org_unit: str | None = None,
    lang: str = "vi",
    show_all: bool = False,
    stamp: Stamp | None = None,
) -> Report:
    """The report of ``result``: one part per org unit and period (only ``periods`` and
    ``org_unit`` when given), with the results that have a value or a verdict (every result
    with ``show_all``); the trends read every period of ``result``."""
    wanted = {str(parse_period(p)) if isinstance(p, str) else str(p) for p in periods}
    every = result.to_dicts()
    chosen = [
        r
        for r in every
        if (not wanted or r["period"] in wanted) and (org_unit is None or r["org_unit"] == org_unit)
    ]
    keys = dict.fromkeys((r["org_unit"], r["period"]) for r in chosen)
    summary = _summary(result)
    parts = []
    for key in keys:
        rows = [r for r in chosen if (r["org_unit"], r["period"]) == key]
        shown = rows if show_all else [r for r in rows if with_data(r)]
        if not shown:
            continue
        history = [r for r in every if r["org_unit"] == key[0]]
        part = _part(result, key, shown, history, summary, lang)
        parts.append(attrs.evolve(part, hidden=len(rows) - len(shown)))
    marked = any(level_mark(line.row["verification"]) for p in parts for line in _lines(p))
    return Report(
        title=result.spec.title.text(lang),
        spec=result.spec.id,
        lang=lang,
        parts=tuple(parts),
        stamp=stamp or stamp_of(result),
        legend=level_legend(lang) if marked else "",
    )


def _lines(part: Part) -> list[Line]:
    return [line for section in part.sections for line in section.lines if line.milestone]
