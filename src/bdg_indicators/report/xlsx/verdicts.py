"""The verdict of a result row as an Excel ``IF``: the comparisons with the milestone that
decide it, by integer cross-multiplication over the numerator and denominator cells where it can
be exact (``F2*1000>=979*G2``), else in floating point where the value is far from the
threshold.

A verdict no comparison Excel makes exactly can decide (a bound, Open SDG's growth rates, a
floating-point tie) has no tests, and is written as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from bdg_indicators.rules.change import change_mask
from bdg_indicators.rules.comparisons import ABOVE, BELOW, EQUAL, bounds
from bdg_indicators.rules.progress import LINEAR
from bdg_indicators.rules.statuses import Status
from bdg_indicators.spec import Better, Change, ComparisonOp, Direction

from .figures import Figures
from .formulas import EXACT_LIMIT, OPERATORS, Expression, decimal_literal, far_apart

__all__ = ["Test", "compare_float", "compare_text", "verdict_tests"]

ONE = Expression(text="1", value=Fraction(1), integral=True)


def compare_text(
    numerator: tuple[str, Expression],
    denominator: tuple[str, Expression] | None,
    scale: Fraction,
    threshold: Fraction,
    mask: int,
) -> tuple[str, bool] | None:
    """The test ``scale × numerator / denominator`` against ``threshold`` as integer
    cross-multiplication over the two cells (``F2*1000>=979*G2``), with whether it holds;
    ``None`` when it cannot be exact (a non-integer side, a denominator not positive, products
    beyond 2**53)."""
    n_ref, n = numerator
    d_ref, d = denominator or ("1", ONE)
    if not (n.integral and d.integral) or isinstance(d.value, bool) or d.value <= 0:
        return None
    n_value = Fraction(int(n.value)) if isinstance(n.value, bool) else n.value
    left = scale.numerator * threshold.denominator
    right = threshold.numerator * scale.denominator
    sizes = (abs(left * n_value), abs(right * d.value), Fraction(abs(left)), Fraction(abs(right)))
    if max(sizes) >= EXACT_LIMIT:
        return None
    diff = left * n_value - right * d.value
    sign = BELOW if diff < 0 else EQUAL if diff == 0 else ABOVE
    left_text = n_ref if left == 1 else f"{n_ref}*{left}"
    right_text = d_ref if right == 1 else f"{right}*{d_ref}" if d_ref != "1" else str(right)
    return f"{left_text}{OPERATORS[mask]}{right_text}", bool(mask & sign)


def compare_float(
    value_ref: str, value: Fraction, shown: Fraction, threshold: Fraction, mask: int
) -> tuple[str, bool] | None:
    """The test of the value cell (holding ``value / shown``) against ``threshold`` in floating
    point, where the value is far enough from the threshold for rounding not to matter."""
    if not far_apart(value, threshold):
        return None
    diff = value - threshold
    sign = BELOW if diff < 0 else EQUAL if diff == 0 else ABOVE
    literal = decimal_literal(threshold / shown)
    return f"{value_ref}{OPERATORS[mask]}{literal}", bool(mask & sign)


Test = tuple[str, bool]
"""A comparison as Excel text, and whether it holds."""


def verdict_tests(
    case: Any,
    criteria: Sequence[int],
    figs: Figures,
    refs: tuple[str, str, str],
    shown: Fraction,
    slots: Sequence[Expression | None],
) -> tuple[list[Test], tuple[Status, Status]] | None:
    """The comparisons that decide the row's verdict, and the verdicts when they all hold and
    when some does not; ``None`` where the verdict is not one comparison of the value Excel can
    make exactly (a bound, Open SDG's growth rates, no value, a floating-point tie)."""
    status = Status(case.status)
    if case.value is None or case.bound is not None or case.milestone is None:
        return None
    if status in (Status.ACHIEVED, Status.NOT_ACHIEVED):
        ends = _due_ends(case)
        outcomes = (Status.ACHIEVED, Status.NOT_ACHIEVED)
    elif status in (Status.ON_TRACK, Status.OFF_TRACK):
        ends = _progress_ends(case)
        outcomes = (Status.ON_TRACK, Status.OFF_TRACK)
    else:
        return None
    if ends is None:
        return None
    tests = [_test(case.value, figs, refs, shown, t, mask) for t, mask in ends]
    each = case.milestone.each_criterion
    if each is not None and outcomes[0] is Status.ACHIEVED:
        tests += _criteria_tests(each, criteria, slots)
    if any(t is None for t in tests):
        return None
    made = [t for t in tests if t is not None]
    if outcomes[0 if all(h for _, h in made) else 1] is not status:
        return None
    return made, outcomes


def _due_ends(case: Any) -> list[tuple[Fraction, int]] | None:
    condition = case.milestone.condition
    if isinstance(condition, Change):
        if case.threshold is None:
            return None
        return [(case.threshold, change_mask(condition))]
    attribute = case.attribute[1] if case.attribute else None
    found = bounds(condition, attribute)
    return None if found is None else [(b.threshold, b.mask) for b in found]


def _progress_ends(case: Any) -> list[tuple[Fraction, int]] | None:
    """The linear method: at least as good as the line's value (or the goal, without a
    baseline)."""
    progress = case.progress
    if progress is None or progress.method != LINEAR.id:
        return None
    aim = progress.expected if progress.baseline_value is not None else progress.goal_value
    higher = _higher(case.milestone, case.indicator)
    if aim is None or higher is None:
        return None
    return [(aim, EQUAL | ABOVE if higher else BELOW | EQUAL)]


def _higher(milestone: Any, indicator: Any) -> bool | None:
    """Whether higher is better: the milestone's direction, else the indicator's."""
    condition = milestone.condition
    if isinstance(condition, Change):
        return condition.direction is Direction.INCREASE
    if condition.op in (ComparisonOp.AT_LEAST, ComparisonOp.MORE_THAN):
        return True
    if condition.op in (ComparisonOp.AT_MOST, ComparisonOp.LESS_THAN):
        return False
    return {Better.HIGHER: True, Better.LOWER: False}.get(indicator.better)


def _test(
    value: Fraction,
    figs: Figures,
    refs: tuple[str, str, str],
    shown: Fraction,
    threshold: Fraction,
    mask: int,
) -> Test | None:
    numerator_ref, denominator_ref, value_ref = refs
    if figs.condition:
        one = Expression(
            text=value_ref, value=Fraction(int(bool(figs.numerator.value))), integral=True
        )
        exact = compare_text((value_ref, one), None, figs.scale / shown, threshold / shown, mask)
    else:
        denominator = None if figs.denominator is None else (denominator_ref, figs.denominator)
        exact = compare_text(
            (numerator_ref, figs.numerator), denominator, figs.scale, threshold, mask
        )
    return exact or compare_float(value_ref, value, shown, threshold, mask)


def _criteria_tests(
    each: Any, criteria: Sequence[int], slots: Sequence[Expression | None]
) -> list[Test | None]:
    """A score rule's "every criterion": each criterion's series against its condition."""
    found = bounds(each)
    if found is None:
        return [None]
    tests: list[Test | None] = []
    for j in criteria:
        slot = slots[j] if j < len(slots) else None
        for end in found:
            tests.append(
                None
                if slot is None
                else compare_text((slot.text, slot), None, Fraction(1), end.threshold, end.mask)
            )
    return tests
