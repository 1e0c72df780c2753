"""Judging values against milestones, exactly: verdicts, progress and change, for one case.

This is the single-case path, in plain Python with exact [`Fraction`][fractions.Fraction]s. The
columnar engine gives the same answers for whole tables (a property the tests check), and falls
back to these functions wherever a value lies so close to a threshold that floating point could
flip the verdict. Everything here is pure: no files, no dataframes.

Statuses (a fixed vocabulary):

| status | meaning |
|---|---|
| `achieved` | a milestone is due at the period and the value meets it |
| `not_achieved` | a milestone is due at the period and the value does not meet it |
| `on_track` | the next milestone is still ahead, and progress so far keeps pace with it |
| `off_track` | the next milestone is still ahead, and progress so far falls behind it |
| `no_data` | a milestone applies, but there is no value (missing data or a zero denominator) |
| `not_applicable` | no milestone is due at the period and none lies ahead |
"""

from __future__ import annotations

import enum
import math
from fractions import Fraction

import attrs

from .periods import Period
from .spec import (
    Better,
    Change,
    ChangeKind,
    Comparison,
    ComparisonOp,
    Direction,
    Milestone,
    Target,
    WhenKind,
)

__all__ = [
    "PROGRESS_METHODS",
    "Progress",
    "Status",
    "Verdict",
    "change_goal",
    "compare",
    "judge",
    "meets_change",
    "milestone_for",
    "progress_cagr",
    "progress_linear",
]

PROGRESS_METHODS = {
    "linear": "bdg-linear/1",
    "cagr": "open-sdg-cagr-ratio/2.4",
}
"""Progress methods and the version recorded with every result."""

CAGR_THRESHOLDS = (Fraction(95, 100), Fraction(60, 100), Fraction(0))
"""Open SDG's method-2 thresholds (high, medium, low) for the ratio of growth rates."""


class Status(enum.Enum):
    """The verdict vocabulary."""

    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    NOT_APPLICABLE = "not_applicable"


def compare(
    value: Fraction | bool, comparison: Comparison, attribute_value: str | None = None
) -> bool:
    """Whether ``value`` meets ``comparison`` exactly (``>=`` versus ``>`` as written).

    ``attribute_value`` selects the threshold of attribute-dependent comparisons.
    """
    threshold = comparison.threshold.for_attribute(attribute_value)
    if threshold is None:
        raise ValueError(f"no threshold for attribute value {attribute_value!r}")
    if isinstance(threshold, bool) or isinstance(value, bool):
        return comparison.op is ComparisonOp.EQUALS and bool(value) == bool(threshold)
    match comparison.op:
        case ComparisonOp.AT_LEAST:
            return value >= threshold
        case ComparisonOp.MORE_THAN:
            return value > threshold
        case ComparisonOp.AT_MOST:
            return value <= threshold
        case ComparisonOp.LESS_THAN:
            return value < threshold
        case ComparisonOp.EQUALS:
            return value == threshold
        case ComparisonOp.ABOUT:
            assert comparison.tolerance is not None
            return abs(value - threshold) <= comparison.tolerance
        case ComparisonOp.BETWEEN:
            assert comparison.upper is not None
            upper = comparison.upper.for_attribute(attribute_value)
            assert isinstance(upper, Fraction)
            return threshold <= value <= upper
    raise AssertionError(comparison.op)  # pragma: no cover


def change_goal(change: Change, base: Fraction) -> Fraction:
    """The value that meets a change target exactly, given the base period's value."""
    sign = 1 if change.direction is Direction.INCREASE else -1
    if change.kind is ChangeKind.RELATIVE:
        return base * (1 + sign * change.amount)
    return base + sign * change.amount


def meets_change(value: Fraction, base: Fraction, change: Change) -> bool:
    """Whether the change from ``base`` to ``value`` is at least the required change."""
    goal = change_goal(change, base)
    return value >= goal if change.direction is Direction.INCREASE else value <= goal


def milestone_for(target: Target, period: Period) -> tuple[Milestone | None, bool]:
    """The milestone that applies at ``period`` and whether it is due.

    Returns ``(milestone, True)`` when a milestone is due at the period (the first in spec order),
    ``(milestone, False)`` for the nearest milestone still ahead (its deadline ends after the
    period: "by 2020" is ahead at 2020-S1), and ``(None, False)`` when none is due or ahead.
    """
    milestones = target.milestones_at(period)
    for milestone in milestones:
        if milestone.when.applies_to(period):
            return milestone, True
    ahead = [m for m in milestones if _first_due(m).last > period.last]
    if not ahead:
        return None, False
    return min(ahead, key=lambda m: _first_due(m)), False


def _first_due(milestone: Milestone) -> Period:
    when = milestone.when
    if when.kind is WhenKind.EVERY:
        return next(iter(when.period.years()), when.period)
    return when.period


def milestone_goal(
    milestone: Milestone, attribute_value: str | None, base: Fraction | None
) -> Fraction | None:
    """The value a milestone aims at, for progress: its threshold (the middle of `between`), or
    the value a change target requires."""
    condition = milestone.condition
    if isinstance(condition, Change):
        return None if base is None else change_goal(condition, base)
    value = condition.threshold.for_attribute(attribute_value)
    if isinstance(value, bool) or value is None:
        return None
    if condition.op is ComparisonOp.BETWEEN and condition.upper is not None:
        upper = condition.upper.for_attribute(attribute_value)
        if isinstance(upper, Fraction):
            return (value + upper) / 2
    return value


def _wants_higher(milestone: Milestone, better: Better) -> bool:
    condition = milestone.condition
    if isinstance(condition, Change):
        return condition.direction is Direction.INCREASE
    if condition.op in (ComparisonOp.AT_LEAST, ComparisonOp.MORE_THAN):
        return True
    if condition.op in (ComparisonOp.AT_MOST, ComparisonOp.LESS_THAN):
        return False
    return better is not Better.LOWER


@attrs.frozen(kw_only=True)
class Progress:
    """Progress toward a milestone still ahead."""

    method: str
    """The method and its version, e.g. ``bdg-linear/1``."""
    on_track: bool
    expected: Fraction | None = None
    """Linear method: the value the trajectory expects at the current period."""
    ratio: float | None = None
    """CAGR method: observed growth rate over required growth rate (Open SDG's R)."""
    category: str | None = None
    """CAGR method: Open SDG's category (substantial, moderate, limited, deterioration)."""
    baseline_period: Period | None = None
    baseline_value: Fraction | None = None
    goal_value: Fraction | None = None
    goal_period: Period | None = None
    note: str | None = None


def _months(period: Period) -> int:
    return period.last + 1  # the end of the period, in months


def progress_linear(
    current: tuple[Period, Fraction],
    baseline: tuple[Period, Fraction] | None,
    goal: tuple[Period, Fraction],
    wants_higher: bool,
) -> Progress:
    """On track when the value is at least as good as a straight line from the baseline to the
    milestone expects at the current period (time in months, periods measured at their end).

    Without an earlier baseline, on track when the value already meets the goal value.
    """
    (period, value), (goal_period, goal_value) = current, goal
    if baseline is None or _months(baseline[0]) >= _months(period):
        meets = value >= goal_value if wants_higher else value <= goal_value
        return Progress(
            method=PROGRESS_METHODS["linear"],
            on_track=meets,
            goal_value=goal_value,
            goal_period=goal_period,
            note="no earlier value: judged against the milestone itself",
        )
    base_period, base_value = baseline
    span = _months(goal_period) - _months(base_period)
    elapsed = _months(period) - _months(base_period)
    expected = base_value + (goal_value - base_value) * Fraction(elapsed, span)
    on_track = value >= expected if wants_higher else value <= expected
    return Progress(
        method=PROGRESS_METHODS["linear"],
        on_track=on_track,
        expected=expected,
        baseline_period=base_period,
        baseline_value=base_value,
        goal_value=goal_value,
        goal_period=goal_period,
    )


def _cagr(v1: float, v0: float, years: float) -> float:
    return float((v1 / v0) ** (1 / years) - 1)


def progress_cagr(
    current: tuple[Period, Fraction],
    baseline: tuple[Period, Fraction] | None,
    goal: tuple[Period, Fraction],
    wants_higher: bool,
) -> Progress:
    """Open SDG's method 2 (Statistics Canada): R = sign · direction · CAGR_o / |CAGR_r|.

    ``CAGR_o`` is the observed growth rate from the baseline to now, ``CAGR_r`` the rate required
    from the baseline to the milestone. On track when R ≥ 0.95 (or the goal is already met); the
    category follows Open SDG's thresholds 0.95 / 0.60 / 0. A base or goal of 0 is replaced by
    0.001, as Open SDG does, and the note says so.
    """
    method = PROGRESS_METHODS["cagr"]
    (period, value), (goal_period, goal_value) = current, goal
    meets = value >= goal_value if wants_higher else value <= goal_value
    if meets:
        return Progress(
            method=method,
            on_track=True,
            category="target_achieved",
            goal_value=goal_value,
            goal_period=goal_period,
        )
    if baseline is None or _months(baseline[0]) >= _months(period):
        return Progress(
            method=method,
            on_track=False,
            goal_value=goal_value,
            goal_period=goal_period,
            note="no earlier value: no growth rate",
        )
    base_period, base_value = baseline
    notes = []
    b, g, v = float(base_value), float(goal_value), float(value)
    if b == 0:
        b, notes = 0.001, ["base value 0 replaced by 0.001"]
    if g == 0:
        g = 0.001
        notes.append("goal value 0 replaced by 0.001")
    if (v < 0) != (b < 0) or (g < 0) != (b < 0) or v == 0:
        return Progress(
            method=method,
            on_track=False,
            goal_value=goal_value,
            goal_period=goal_period,
            note="values of different signs: no growth rate",
        )
    years_o = (_months(period) - _months(base_period)) / 12
    years_r = (_months(goal_period) - _months(base_period)) / 12
    cagr_o, cagr_r = _cagr(v, b, years_o), _cagr(g, b, years_r)
    sign = -1 if b < 0 else 1
    direction = 1 if wants_higher else -1
    ratio = math.inf if cagr_r == 0 else sign * direction * cagr_o / abs(cagr_r)
    high, medium, low = (float(t) for t in CAGR_THRESHOLDS)
    category = (
        "substantial_progress"
        if ratio >= high
        else "moderate_progress"
        if ratio >= medium
        else "limited_progress"
        if ratio >= low
        else "deterioration"
    )
    return Progress(
        method=method,
        on_track=ratio >= high,
        ratio=ratio,
        category=category,
        baseline_period=base_period,
        baseline_value=base_value,
        goal_value=goal_value,
        goal_period=goal_period,
        note="; ".join(notes) or None,
    )


@attrs.frozen(kw_only=True)
class Verdict:
    """The verdict for one target, org unit and period."""

    status: Status
    milestone: Milestone | None = None
    due: bool = False
    """Whether the milestone is due at the period (otherwise it lies ahead)."""
    threshold: Fraction | bool | None = None
    """The threshold applied (after choosing by attribute, or computing a change goal)."""
    progress: Progress | None = None
    reason: str | None = None
    """Why there is no verdict, or which criterion failed."""


def judge(
    target: Target,
    period: Period,
    value: Fraction | bool | None,
    *,
    better: Better,
    attribute_value: str | None = None,
    base_value: Fraction | None = None,
    criteria: tuple[tuple[str, Fraction | None], ...] = (),
    baseline: tuple[Period, Fraction] | None = None,
    method: str = "linear",
    missing_reason: str | None = None,
) -> Verdict:
    """The verdict for one value of a target at a period, exactly.

    ``base_value`` is the value at a change milestone's base period; ``criteria`` the
    per-criterion values for ``each_criterion``; ``baseline`` the earliest earlier value, for
    progress toward milestones still ahead.
    """
    milestone, due = milestone_for(target, period)
    if milestone is None:
        return Verdict(status=Status.NOT_APPLICABLE, reason="no milestone due or ahead")
    if value is None:
        return Verdict(
            status=Status.NO_DATA, milestone=milestone, due=due, reason=missing_reason or "no value"
        )
    condition = milestone.condition
    if isinstance(condition, Change) and base_value is None:
        return Verdict(
            status=Status.NO_DATA,
            milestone=milestone,
            due=due,
            reason=f"no value at the base period {condition.base}",
        )
    if (
        isinstance(condition, Comparison)
        and condition.threshold.for_attribute(attribute_value) is None
    ):
        return Verdict(
            status=Status.NO_DATA,
            milestone=milestone,
            due=due,
            reason=f"no threshold for {condition.threshold.attribute}={attribute_value}",
        )
    if due:
        if isinstance(condition, Change):
            assert base_value is not None
            assert not isinstance(value, bool)
            met = meets_change(value, base_value, condition)
            threshold: Fraction | bool | None = change_goal(condition, base_value)
        else:
            met = compare(value, condition, attribute_value)
            threshold = condition.threshold.for_attribute(attribute_value)
        reason = None
        if met and milestone.each_criterion is not None:
            for name, criterion in criteria:
                if criterion is None:
                    return Verdict(
                        status=Status.NO_DATA,
                        milestone=milestone,
                        due=True,
                        threshold=threshold,
                        reason=f"no value for criterion {name}",
                    )
                if not compare(criterion, milestone.each_criterion):
                    met, reason = False, f"criterion {name} = {criterion} fails"
                    break
        status = Status.ACHIEVED if met else Status.NOT_ACHIEVED
        return Verdict(
            status=status, milestone=milestone, due=True, threshold=threshold, reason=reason
        )
    if isinstance(value, bool):
        met = isinstance(condition, Comparison) and compare(value, condition, attribute_value)
        return Verdict(
            status=Status.ON_TRACK if met else Status.OFF_TRACK,
            milestone=milestone,
            reason=None if met else "not yet in place",
        )
    goal = milestone_goal(milestone, attribute_value, base_value)
    assert goal is not None
    goal_period = _first_due(milestone)
    wants_higher = _wants_higher(milestone, better)
    compute = progress_cagr if method == "cagr" else progress_linear
    progress = compute((period, value), baseline, (goal_period, goal), wants_higher)
    return Verdict(
        status=Status.ON_TRACK if progress.on_track else Status.OFF_TRACK,
        milestone=milestone,
        due=False,
        threshold=goal,
        progress=progress,
    )
