"""Change: the value a change target requires, and change against an earlier period.

- ``change: relative``: "giảm 15% so với năm 2018" requires at most base × (1 − 0.15);
- ``change: absolute``: "tăng 5 điểm phần trăm" requires at least base + 5 (in the indicator's
  unit: percentage points for a percent indicator).

Change against an earlier period is given absolutely (value − earlier, in the indicator's unit)
and relatively ((value − earlier) / |earlier| × 100, none when the earlier value is 0). These
are figures to read, not decisions: the explanation computes them exactly, the result table in
floating point, with the same functions.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from bdg_indicators.spec import Change, ChangeKind, Direction

from .comparisons import ABOVE, BELOW, EQUAL
from .rational import Ratio, choose

__all__ = [
    "absolute_change",
    "annual_rate",
    "change_goal",
    "change_mask",
    "change_step",
    "goal_from_base",
    "relative_change",
]


def goal_from_base(base: Ratio, step: Ratio, relative: Any) -> Ratio:
    """The value that meets a change of ``step`` (+amount for an increase, −amount for a
    reduction) from ``base``: ``base × (1 + step)`` if ``relative`` holds, else
    ``base + step``."""
    return choose(relative, base * (Ratio.of(1) + step), base + step)


def change_step(change: Change) -> Fraction:
    """+amount for an increase, −amount for a reduction."""
    return change.amount if change.direction is Direction.INCREASE else -change.amount


def change_goal(base: Ratio, change: Change) -> Ratio:
    """The value that meets the change exactly, from the base period's value."""
    relative = change.kind is ChangeKind.RELATIVE
    return goal_from_base(base, Ratio.of(change_step(change)), relative)


def change_mask(change: Change) -> int:
    """The signs of value − goal that meet a change target: an increase must reach at least the
    goal, a reduction at most."""
    return EQUAL | ABOVE if change.direction is Direction.INCREASE else BELOW | EQUAL


def absolute_change(value: Any, earlier: Any) -> Any:
    """value − earlier, in the indicator's unit (percentage points for a percent indicator);
    for exact values (``Fraction``) or for display (floats, float columns)."""
    return value - earlier


def relative_change(value: Any, earlier: Any) -> Any:
    """(value − earlier) / |earlier| × 100; the caller makes sure ``earlier`` is not zero."""
    size = earlier.abs() if hasattr(earlier, "abs") else abs(earlier)
    return (value - earlier) / size * 100


def annual_rate(value: Any, base: Any, years: Any) -> Any:
    """The compound annual rate from ``base`` to ``value`` over ``years``, in percent
    (floating point, for display: ((value / base)^(1 / years) − 1) × 100)."""
    return ((value / base) ** (1 / years) - 1) * 100
