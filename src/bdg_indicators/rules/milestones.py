"""Which milestone governs a target at a period, and whether it is due or still ahead.

How a value relates to time decides which periods a milestone can judge. An indicator is one of:

- **stock**: built only from stocks (population, people literate, a yes/no fact): its value for a
  part of a year is the value at the end of that part, so "by 2020" is due at 2020 and at its last
  part (2020-S2, 2020-Q4, 2020-12);
- **rate**: built from flows (births, cases, money spent) in ratios that cancel the length of the
  period (vaccinated births / births): only 2020 itself is due for "by 2020"; 2020-S1 and 2020-S2
  are assessed as progress toward it;
- **flow**: a flow that grows with the length of the period (cases in the period, money spent):
  a milestone set for years judges years only, and other periods are not applicable (a quarter's
  20 cases are not compared with a year's 100).
"""

from __future__ import annotations

import enum

import attrs

from bdg_indicators.periods import Period
from bdg_indicators.spec import Better, Change, ComparisonOp, Direction, Milestone, Target, WhenKind

__all__ = [
    "Governing",
    "TimeBehaviour",
    "comparable",
    "first_due",
    "governing",
    "wants_higher",
]


class TimeBehaviour(enum.Enum):
    """How an indicator's value relates to the length of its period."""

    STOCK = "stock"
    RATE = "rate"
    FLOW = "flow"


@attrs.frozen(kw_only=True)
class Governing:
    """The milestone that governs a target at a period."""

    milestone: Milestone | None = None
    index: int | None = None
    """Its index among the milestones in force at the period."""
    due: bool = False
    """Due at the period (otherwise still ahead)."""
    reason: str | None = None
    """Without a milestone: why (``no-milestone``, ``base-period``, ``period-length``)."""
    subject: str | None = None
    """The reason's subject (the base period, the milestone's period)."""


def first_due(milestone: Milestone) -> Period:
    """The first period at which a milestone is due ("every 2016/2020": 2016)."""
    when = milestone.when
    if when.kind is WhenKind.EVERY:
        return next(iter(when.period.years()), when.period)
    return when.period


def _unit_months(milestone: Milestone) -> int:
    """The length of the periods a milestone is set for (a year for "every" and "from")."""
    when = milestone.when
    return when.period.months if when.kind is WhenKind.BY else 12


def _covers(milestone: Milestone, period: Period, behaviour: TimeBehaviour) -> bool:
    """Whether the milestone is due at the period, lengths aside for flows."""
    when = milestone.when
    if when.kind is WhenKind.BY:
        if behaviour is TimeBehaviour.STOCK:
            return when.period.contains(period) and period.last == when.period.last
        return (period.first, period.last) == (when.period.first, when.period.last) or (
            behaviour is TimeBehaviour.FLOW and when.period.contains(period)
        )
    if when.kind is WhenKind.EVERY:
        return when.period.contains(period)
    if period < when.period and not when.period.contains(period):
        return False
    return when.until is None or period.last <= when.until.last


def comparable(period: Period, other: Period, behaviour: TimeBehaviour) -> bool:
    """Whether a value at ``period`` may be compared with one at ``other`` (a change against a
    base period): a flow's only over periods of the same length (a half's cases are not a
    year's), stocks' and rates' over any."""
    return behaviour is not TimeBehaviour.FLOW or period.months == other.months


def governing(target: Target, period: Period, behaviour: TimeBehaviour) -> Governing:
    """The milestone due at ``period`` (the first in spec order), else the nearest one still
    ahead; without one, the reason. A change target does not apply at or before its base
    period; for a flow, a period of another length than the milestone's, or than a change's
    base period, is not applicable."""
    milestones = target.milestones_at(period)
    chosen, due = None, False
    for milestone in milestones:
        if _covers(milestone, period, behaviour):
            chosen, due = milestone, True
            break
    if chosen is None:
        ahead = [m for m in milestones if first_due(m).last >= period.last]
        if ahead:
            chosen = min(ahead, key=first_due)
    if chosen is None:
        return Governing(reason="no-milestone")
    if behaviour is TimeBehaviour.FLOW and period.months != _unit_months(chosen):
        return Governing(reason="period-length", subject=f"{_unit_months(chosen)}")
    condition = chosen.condition
    if isinstance(condition, Change):
        base = condition.base_for(period)
        if not comparable(period, base, behaviour):
            return Governing(reason="period-length", subject=f"{base.months}")
        if period.last <= base.last:
            return Governing(reason="base-period", subject=str(base))
    return Governing(milestone=chosen, index=milestones.index(chosen), due=due)


def wants_higher(milestone: Milestone, better: Better) -> bool:
    """Whether a higher value is better for this milestone: from its comparison or direction,
    else from the indicator."""
    condition = milestone.condition
    if isinstance(condition, Change):
        return condition.direction is Direction.INCREASE
    if condition.op in (ComparisonOp.AT_LEAST, ComparisonOp.MORE_THAN):
        return True
    if condition.op in (ComparisonOp.AT_MOST, ComparisonOp.LESS_THAN):
        return False
    return better is not Better.LOWER
