"""The schedule: for every target and period, the milestone that governs it and its numbers, as
small tables the result rows join on.

``head`` has one row per target and period (the milestone, whether it is due, the change and the
criterion of score rules, or why no milestone applies); ``thresholds`` one row per target, period
and attribute value (``code`` -1 when the threshold does not depend on an attribute).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import narwhals as nw

from bdg_indicators.periods import Period
from bdg_indicators.rules.change import change_mask, change_step
from bdg_indicators.rules.comparisons import ABOVE, BELOW, EQUAL, Bound, bounds
from bdg_indicators.rules.milestones import comparable, first_due, governing, wants_higher
from bdg_indicators.spec import Change, ChangeKind, Comparison, ComparisonOp, Target

from .backend import Backend
from .catalogue import Catalogue

__all__ = ["OTHER", "Schedule", "build_schedule"]

OTHER = 1_000_000
"""The attribute code of values the spec does not list."""
ALL = BELOW | EQUAL | ABOVE

HEAD = {
    "tid": nw.Int32,
    "per": nw.Int32,
    "na_code": nw.String,
    "na_subject": nw.String,
    "mindex": nw.Int32,
    "due": nw.Boolean,
    "is_change": nw.Boolean,
    "relative": nw.Boolean,
    "step_n": nw.Int64,
    "step_d": nw.Int64,
    "cmask": nw.Int64,
    "base_per": nw.Int32,
    "base_text": nw.String,
    "pe": nw.Int64,
    "qe": nw.Int64,
    "me": nw.Int64,
    "higher": nw.Boolean,
    "t_goal": nw.Int64,
    "attr": nw.String,
    "boolean_target": nw.Boolean,
    "show_base": nw.Int32,
}
LEVELS = {
    "tid": nw.Int32,
    "per": nw.Int32,
    "code": nw.Int32,
    "p1": nw.Int64,
    "q1": nw.Int64,
    "m1": nw.Int64,
    "p2": nw.Int64,
    "q2": nw.Int64,
    "m2": nw.Int64,
    "pg": nw.Int64,
    "qg": nw.Int64,
    "threshold_subject": nw.String,
}


def _goal(comparison: Comparison, found: tuple[Bound, ...]) -> Fraction:
    """The value a comparison aims at, for progress: its threshold, the middle of a range (and
    of ``about``'s tolerance band, which is the threshold), or the one end of an ``about`` whose
    excess is welcome."""
    if comparison.op in (ComparisonOp.BETWEEN, ComparisonOp.ABOUT) and len(found) == 2:
        return (found[0].threshold + found[1].threshold) / 2
    return found[0].threshold


class Schedule:
    """The schedule tables, built in Python (they are small) and made lazy on the backend."""

    def __init__(self, cat: Catalogue, base: Period | None) -> None:
        self.cat = cat
        self.base = base
        self.head: dict[str, list[Any]] = {k: [] for k in HEAD}
        self.levels: dict[str, list[Any]] = {k: [] for k in LEVELS}
        self.attributes: set[str] = set()
        for tid, target in enumerate(cat.targets):
            variant = cat.variants[cat.target_variant[tid]]
            for per in cat.result_periods:
                self.add(tid, target, per, variant)

    def add(self, tid: int, target: Target, per: int, variant: Any) -> None:
        period = self.cat.periods.periods[per]
        found = governing(target, period, variant.behaviour)
        row: dict[str, Any] = dict.fromkeys(HEAD)
        row.update(tid=tid, per=per, show_base=self._base_for(self.base, period, variant))
        if found.milestone is None:
            row.update(na_code=found.reason, na_subject=found.subject)
            self._append(self.head, row)
            self._level(tid, per, -1, None)
            return
        milestone = found.milestone
        higher = wants_higher(milestone, variant.indicator.better)
        row.update(
            mindex=found.index,
            due=found.due,
            higher=higher,
            t_goal=first_due(milestone).last + 1 - self.cat.origin,
            is_change=isinstance(milestone.condition, Change),
            boolean_target=False,
        )
        condition = milestone.condition
        if isinstance(condition, Change):
            step = change_step(condition)
            row.update(
                relative=condition.kind is ChangeKind.RELATIVE,
                step_n=step.numerator,
                step_d=step.denominator,
                cmask=change_mask(condition),
                base_per=self.cat.periods.id(condition.base_for(period)),
                base_text=str(condition.base_for(period)),
            )
            if self.base is None:
                row["show_base"] = self._base_for(condition.base_for(period), period, variant)
            self._level(tid, per, -1, None)
        else:
            self._comparison(tid, per, condition, row)
        if milestone.each_criterion is not None:
            (bound,) = bounds(milestone.each_criterion) or ()
            row.update(pe=bound.threshold.numerator, qe=bound.threshold.denominator, me=bound.mask)
        self._append(self.head, row)

    def _base_for(self, base: Period | None, period: Period, variant: Any) -> int:
        """The id of the base period the row's change is shown against (-1: none, or not
        comparable with the row's period)."""
        if base is None or not comparable(period, base, variant.behaviour):
            return -1
        return self.cat.periods.id(base)

    def _comparison(self, tid: int, per: int, condition: Comparison, row: dict[str, Any]) -> None:
        threshold = condition.threshold
        row["boolean_target"] = isinstance(threshold.value, bool)
        attribute = threshold.attribute or (condition.upper.attribute if condition.upper else None)
        if attribute is None:
            self._level(tid, per, -1, condition)
            return
        row["attr"] = attribute
        self.attributes.add(attribute)
        values = self.cat.spec_attribute_values(attribute)
        for code, value in enumerate(values):
            self._level(tid, per, code, condition, value, attribute)
        self._level(tid, per, OTHER, condition, "\x00other", attribute)

    def _level(
        self,
        tid: int,
        per: int,
        code: int,
        condition: Comparison | None,
        value: str | None = None,
        attribute: str | None = None,
    ) -> None:
        row: dict[str, Any] = dict.fromkeys(LEVELS)
        row.update(tid=tid, per=per, code=code)
        if condition is not None:
            found = bounds(condition, value)
            if found is None:
                shown = "other values" if value == "\x00other" else value
                row["threshold_subject"] = f"{attribute} = {shown}"
            else:
                first, second = found[0], found[1] if len(found) > 1 else None
                goal = _goal(condition, found)
                row.update(
                    p1=first.threshold.numerator,
                    q1=first.threshold.denominator,
                    m1=first.mask,
                    p2=second.threshold.numerator if second else 0,
                    q2=second.threshold.denominator if second else 1,
                    m2=second.mask if second else ALL,
                    pg=goal.numerator,
                    qg=goal.denominator,
                )
        self._append(self.levels, row)

    @staticmethod
    def _append(table: dict[str, list[Any]], row: dict[str, Any]) -> None:
        for key in table:
            table[key].append(row[key])

    codes = OTHER + 4
    """Attribute codes (shifted by 3, for -3, -2 and -1) are below this."""

    def frames(self, backend: Backend) -> tuple[nw.LazyFrame[Any], nw.LazyFrame[Any] | None]:
        """``head`` (key ``hk = tid * periods + per``) and ``thresholds`` (key
        ``lk = hk * codes + code + 3``) on the backend; without thresholds that depend on an
        attribute, the thresholds are columns of ``head`` and the second table is ``None``. The
        head also has the end of the display base period (``base_end``)."""
        periods = len(self.cat.periods.periods)
        attributes = sorted(self.attributes)
        head = {k: v for k, v in self.head.items() if k not in ("tid", "per")}
        head["hk"] = [
            t * periods + p for t, p in zip(self.head["tid"], self.head["per"], strict=True)
        ]
        head["attr_index"] = [-1 if a is None else attributes.index(a) for a in head["attr"]]
        ends = [p.last + 1 - self.cat.origin for p in self.cat.periods.periods]
        head["base_end"] = [None if b is None or b < 0 else ends[b] for b in head["show_base"]]
        schema = {k: v for k, v in HEAD.items() if k not in ("tid", "per")}
        schema.update(hk=nw.Int64, attr_index=nw.Int32, base_end=nw.Int64)
        levels = {k: v for k, v in self.levels.items() if k not in ("tid", "per", "code")}
        level_schema = {k: v for k, v in LEVELS.items() if k not in ("tid", "per", "code")}
        if not attributes:  # one threshold row per head row, in the same order
            head.update(levels)
            schema.update(level_schema)
            return backend.table(head, schema), None
        levels["lk"] = [
            (t * periods + p) * self.codes + c + 3
            for t, p, c in zip(
                self.levels["tid"], self.levels["per"], self.levels["code"], strict=True
            )
        ]
        level_schema["lk"] = nw.Int64
        return backend.table(head, schema), backend.table(levels, level_schema)


def build_schedule(cat: Catalogue, base: Period | None) -> Schedule:
    """The schedule of every target at every period with data."""
    return Schedule(cat, base)
