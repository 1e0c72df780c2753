"""The single-case path: one target, one org unit, one period, exactly, with its explanation.

[`evaluate_case`][bdg_indicators.cases.evaluate_case] computes in plain Python with
[`Fraction`][fractions.Fraction]s and records every step an auditor needs: the formula, each
data item used with the rows it came from (file and row), the sums up the org-unit tree, the
conversion factor, the exact and the displayed value, the milestone and comparison used, the
verdict, the change, and the method version. The columnar engine gives the same values and
verdicts for whole tables, and uses this path to settle values that lie on a threshold.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any

import attrs

from ._plan import (
    COMPARISONS,
    PlanNode,
    PlanOp,
    PlanShare,
    Series,
    SeriesRef,
    Variant,
    plan_variant,
)
from .assessment import PROGRESS_METHODS, Verdict, judge
from .errors import BdgError, Location, Problem
from .formulas import Number
from .observations import Observations
from .orgunits import OrgUnitTree
from .periods import Period, parse_period
from .spec import Aggregation, Change, Comparison, Spec, Target

__all__ = ["CaseResult", "ChangeFigures", "Contribution", "SeriesValue", "evaluate_case"]

ENGINE_VERSION = "bdg-evaluation/1"
"""Version of the evaluation rules, recorded with every result."""


@attrs.frozen(kw_only=True)
class Contribution:
    """One observation row used in a value, or (for large sums) one org unit's sum below."""

    org_unit: str
    period: str
    value: Fraction
    file: str | None = None
    """The file of the observation row (``None`` for an org unit's own sum)."""
    row: int | None = None
    """The row in that file."""
    source: str | None = None


@attrs.frozen(kw_only=True)
class SeriesValue:
    """The value of one series for one org unit and period, and how it was obtained."""

    series: str
    org_unit: str
    value: Fraction | None
    how: str
    """``reported`` (a row for this org unit), ``sum`` (the sum of its children), ``missing``."""
    rows: tuple[Contribution, ...] = ()
    """The rows used: the org unit's own row, or every row summed below it."""
    children: int = 0
    """For sums: how many child org units contributed."""
    of: int = 0
    """For sums: how many child org units the tree has."""


@attrs.frozen(kw_only=True)
class ChangeFigures:
    """Change of a value against an earlier period."""

    against: str
    """``previous``, ``previous_year`` or ``base``."""
    period: str
    value: Fraction | None
    absolute: Fraction | None = None
    """In the indicator's unit (percentage points for a percent indicator)."""
    relative: Fraction | None = None
    """In percent of the earlier value."""
    annual_rate: float | None = None
    """Compound annual rate in percent, over spans of at least a year."""


@attrs.frozen(kw_only=True)
class CaseResult:
    """The full result for one target, org unit and period."""

    spec: str
    goal: str
    target: Target
    variant: Variant
    org_unit: str
    period: Period
    value: Fraction | bool | None
    """Exact value in the indicator's unit (``None``: no value, see ``reason``)."""
    reason: str | None
    inputs: tuple[SeriesValue, ...]
    verdict: Verdict
    changes: tuple[ChangeFigures, ...]
    attribute_value: str | None = None
    method: str = PROGRESS_METHODS["linear"]
    engine: str = ENGINE_VERSION


class _Data:
    """Exact lookups of series values over observations, summing up the org-unit tree."""

    def __init__(
        self,
        spec: Spec,
        observations: Observations,
        org_units: OrgUnitTree | None,
        index: RowIndex | None = None,
        sums: SumLookup | None = None,
    ):
        self.spec = spec
        self.obs = observations
        self.tree = org_units
        self.items = {d.id: d for d in spec.data_items}
        self.cache: dict[tuple[Series, str, str], SeriesValue] = {}
        self.index = index or RowIndex(observations)
        self.sums = sums

    def rows(self, org_unit: str, period: str) -> list[dict[str, Any]]:
        return self.index.rows(org_unit, period)

    def resolve(self, series: Series, org_unit: str, period: str) -> SeriesValue:
        key = (series, org_unit, period)
        if key in self.cache:
            return self.cache[key]
        selector = dict(series.selector)
        for row in self.rows(org_unit, period):
            if row["data_item"] == series.item and all(
                row.get(b) == selector.get(b) for b in self.obs.breakdowns
            ):
                value = self.obs.value(series.item, row["num"])
                result = SeriesValue(
                    series=str(series),
                    org_unit=org_unit,
                    value=value,
                    how="reported",
                    rows=(
                        Contribution(
                            org_unit=org_unit,
                            period=period,
                            value=value,
                            file=row["file"],
                            row=row["row"],
                            source=row["source"],
                        ),
                    ),
                )
                break
        else:
            result = self.sum_children(series, org_unit, period)
        self.cache[key] = result
        return result

    def periods(self, org_unit: str) -> list[str]:
        """The periods with observations at or below ``org_unit``."""
        if self.sums is not None and len(_scope(self, org_unit)) > BIG_SCOPE:
            return list(self.obs.table.get_column("period").unique().to_list())
        return sorted(self.index.periods(_scope(self, org_unit)))

    def sum_children(self, series: Series, org_unit: str, period: str) -> SeriesValue:
        item = self.items[series.item]
        if self.tree is None or org_unit not in self.tree or item.aggregation is Aggregation.NONE:
            return SeriesValue(series=str(series), org_unit=org_unit, value=None, how="missing")
        children = self.tree.children(org_unit)
        if self.sums is not None and len(self.tree.descendants(org_unit)) > BIG_SCOPE:
            # a large subtree: the children's exact sums, as the engine computed them
            parts = [(child.code, self.sums(child.code, period, series)) for child in children]
            found = [(code, value) for code, value in parts if value is not None]
            if not found:
                return SeriesValue(series=str(series), org_unit=org_unit, value=None, how="missing")
            return SeriesValue(
                series=str(series),
                org_unit=org_unit,
                value=sum((value for _, value in found), Fraction(0)),
                how="sum",
                of=len(children),
                children=len(found),
                rows=tuple(
                    Contribution(org_unit=code, period=period, value=value) for code, value in found
                ),
            )
        total: Fraction | None = None
        rows: list[Contribution] = []
        count = 0
        for child in self.tree.children(org_unit):
            part = self.resolve(series, child.code, period)
            if part.value is None:
                continue
            total = part.value if total is None else total + part.value
            rows.extend(part.rows)
            count += 1
        if total is None:
            return SeriesValue(series=str(series), org_unit=org_unit, value=None, how="missing")
        return SeriesValue(
            series=str(series),
            org_unit=org_unit,
            value=total,
            how="sum",
            of=len(self.tree.children(org_unit)),
            rows=tuple(rows),
            children=count,
        )


BIG_SCOPE = 200
"""Above this many org units below, an explanation lists the children's sums, not every row."""

SumLookup = Callable[[str, str, Series], Fraction | None]
"""Exact value of a series for an org unit and period, summed up the tree."""


class RowIndex:
    """Observation rows by org unit (partitioned once, converted to dicts on demand)."""

    def __init__(self, observations: Observations) -> None:
        self.observations = observations
        self._parts: dict[str, Any] | None = None
        self._rows: dict[str, dict[str, list[dict[str, Any]]]] = {}

    def rows(self, org_unit: str, period: str) -> list[dict[str, Any]]:
        """The rows of one org unit and period."""
        if org_unit not in self._rows:
            if self._parts is None:
                parts = self.observations.table.partition_by("org_unit", as_dict=True)
                self._parts = {str(key[0]): frame for key, frame in parts.items()}
            frame = self._parts.get(org_unit)
            by_period: dict[str, list[dict[str, Any]]] = {}
            if frame is not None:
                for row in frame.iter_rows(named=True):
                    by_period.setdefault(row["period"], []).append(row)
            self._rows[org_unit] = by_period
        return self._rows[org_unit].get(period, [])

    def periods(self, org_units: Iterable[str]) -> set[str]:
        """The periods with rows for any of the org units."""
        found: set[str] = set()
        for unit in org_units:
            self.rows(unit, "")
            found |= set(self._rows[unit])
        return found


class _Lookup(_Data):
    """Exact series values already summed up the tree (by the columnar engine's integer sums):
    lets the exact path settle many results quickly, without reading rows again."""

    def __init__(
        self,
        spec: Spec,
        values: Mapping[tuple[str, str, Series], tuple[int, int]],
        org_units: OrgUnitTree | None,
    ) -> None:
        self.spec = spec
        self.tree = org_units
        self.items = {d.id: d for d in spec.data_items}
        self.values = values
        self.cache = {}
        self._periods: dict[str, set[str]] = {}
        for unit, period, _ in values:
            self._periods.setdefault(unit, set()).add(period)

    def resolve(self, series: Series, org_unit: str, period: str) -> SeriesValue:
        found = self.values.get((org_unit, period, series))
        if found is None:
            return SeriesValue(series=str(series), org_unit=org_unit, value=None, how="missing")
        value = Fraction(int(found[0]), int(found[1]))
        return SeriesValue(series=str(series), org_unit=org_unit, value=value, how="summed")

    def periods(self, org_unit: str) -> list[str]:
        return sorted(self._periods.get(org_unit, ()))


def _evaluate(
    node: PlanNode,
    data: _Data,
    org_unit: str,
    period: str,
    used: dict[tuple[str, str], SeriesValue],
) -> tuple[Any, str | None]:
    """Exact value of a plan node (Fraction or bool) or ``None`` with the reason."""
    if isinstance(node, Number):
        return node.value, None
    if isinstance(node, SeriesRef):
        resolved = data.resolve(node.series, org_unit, period)
        used.setdefault((str(node.series), org_unit), resolved)
        if resolved.value is None:
            return None, f"no data for {node.series} at {org_unit} in {period}"
        return resolved.value, None
    if isinstance(node, PlanShare):
        return _share(node, data, org_unit, period, used)
    values = []
    for operand in node.operands:
        value, reason = _evaluate(operand, data, org_unit, period, used)
        if value is None and node.kind not in ("and", "or"):
            return None, reason
        if node.kind in ("and", "or", "not") and isinstance(value, Fraction):
            value = value != 0  # a yes/no data item: 1 is yes
        values.append(value)
    return _apply(node, values)


def _apply(node: PlanOp, values: list[Any]) -> tuple[Any, str | None]:
    kind = node.kind
    if kind == "+":
        return values[0] + values[1], None
    if kind == "-":
        return values[0] - values[1], None
    if kind == "*":
        return values[0] * values[1], None
    if kind == "/":
        if values[1] == 0:
            return None, f"zero denominator: {node.text} = 0"
        return Fraction(values[0]) / values[1], None
    if kind == "neg":
        return -values[0], None
    if kind == "min":
        return min(values), None
    if kind == "max":
        return max(values), None
    if kind == "not":
        return not values[0], None
    if kind == "and":
        if any(v is False for v in values):
            return False, None
        return (None, "no data for a condition") if any(v is None for v in values) else (True, None)
    if kind == "or":
        if any(v is True for v in values):
            return True, None
        return (
            (None, "no data for a condition") if any(v is None for v in values) else (False, None)
        )
    return COMPARISONS[kind](*values), None


def _share(
    node: PlanShare,
    data: _Data,
    org_unit: str,
    period: str,
    used: dict[tuple[str, str], SeriesValue],
) -> tuple[Any, str | None]:
    tree = data.tree
    if tree is None or org_unit not in tree:
        return None, "share() needs the org-unit tree"
    units = [u for u in (tree[org_unit], *tree.descendants(org_unit)) if u.level == node.level]
    meeting = among = 0
    for unit in units:
        if node.among is not None:
            inside, _ = _evaluate(node.among, data, unit.code, period, used)
            if inside is not True and not (isinstance(inside, Fraction) and inside != 0):
                continue
        condition, _ = _evaluate(node.condition, data, unit.code, period, used)
        if condition is None:
            continue
        if isinstance(condition, Fraction):
            condition = condition != 0
        among += 1
        meeting += condition is True
    if among == 0:
        return None, f"no {node.level} to count (zero denominator)"
    return Fraction(meeting, among), None


def variant_value(
    variant: Variant,
    data: _Data,
    org_unit: str,
    period: str,
    used: dict[tuple[str, str], SeriesValue] | None = None,
) -> tuple[Fraction | bool | None, str | None]:
    """Exact value of a variant, in the indicator's unit."""
    value, reason = _evaluate(variant.root, data, org_unit, period, {} if used is None else used)
    if value is None or isinstance(value, bool):
        return value, reason
    return value * variant.indicator.factor, None


def _changes(
    variant: Variant,
    data: _Data,
    org_unit: str,
    period: Period,
    value: Fraction | bool | None,
    base: Period | None,
) -> tuple[ChangeFigures, ...]:
    result = []
    against = [
        ("previous", period.previous()),
        ("previous_year", period.same_period_previous_year()),
    ]
    if base is not None:
        against.append(("base", base))
    for name, other in against:
        if name == "previous_year" and other == period.previous():
            continue  # for years the previous period is the previous year
        earlier, _ = variant_value(variant, data, org_unit, str(other))
        figures = ChangeFigures(
            against=name,
            period=str(other),
            value=earlier if not isinstance(earlier, bool) else None,
        )
        if isinstance(value, Fraction) and isinstance(earlier, Fraction):
            relative = None if earlier == 0 else (value - earlier) / abs(earlier) * 100
            rate = None
            years = (period.last - other.last) / 12
            if name == "base" and years >= 1 and earlier > 0 and value > 0:
                rate = (math.pow(value / earlier, 1 / years) - 1) * 100
            figures = attrs.evolve(
                figures, absolute=value - earlier, relative=relative, annual_rate=rate
            )
        result.append(figures)
    return tuple(result)


def evaluate_case(
    spec: Spec,
    observations: Observations,
    target: str,
    org_unit: str,
    period: str | Period,
    *,
    org_units: OrgUnitTree | None = None,
    method: str = "linear",
    base: str | Period | None = None,
    index: RowIndex | None = None,
    sums: SumLookup | None = None,
) -> CaseResult:
    """Evaluate one target for one org unit and period, exactly, with every step recorded.

    ``index`` (rows by org unit) and ``sums`` (exact sums up the tree, from an evaluation) make
    repeated explanations fast;
    [`EvaluationResult.explain`][bdg_indicators.EvaluationResult.explain] passes them.
    """
    try:
        target_obj = spec.target(target)
    except KeyError:
        raise BdgError(
            [
                Problem(
                    code="unknown-target",
                    message=f"no target `{target}` in {spec.id}",
                    location=Location(file=spec.id),
                )
            ]
        ) from None
    goal = next(g.id for g, t in spec.targets() if t.id == target)
    when = period if isinstance(period, Period) else parse_period(period)
    base_period = base if isinstance(base, Period) or base is None else parse_period(base)
    data = _Data(spec, observations, org_units, index=index, sums=sums)
    variant = plan_variant(spec, spec.indicator(target_obj.indicator), target_obj.breakdown)
    used: dict[tuple[str, str], SeriesValue] = {}
    value, reason = variant_value(variant, data, org_unit, str(when), used)
    return _case(
        spec,
        goal,
        target_obj,
        variant,
        data,
        org_unit,
        when,
        value,
        reason,
        tuple(used.values()),
        method,
        base_period,
    )


def _case(
    spec: Spec,
    goal: str,
    target: Target,
    variant: Variant,
    data: _Data,
    org_unit: str,
    period: Period,
    value: Fraction | bool | None,
    reason: str | None,
    inputs: tuple[SeriesValue, ...],
    method: str,
    base: Period | None,
    *,
    with_changes: bool = True,
) -> CaseResult:
    from .assessment import milestone_for

    milestone, _ = milestone_for(target, period)
    attribute_value = None
    base_value = None
    criteria: tuple[tuple[str, Fraction | None], ...] = ()
    if milestone is not None:
        condition = milestone.condition
        if isinstance(condition, Comparison) and condition.threshold.attribute is not None:
            tree = data.tree
            if tree is not None and org_unit in tree:
                attribute_value = tree[org_unit].attribute(condition.threshold.attribute)
        if isinstance(condition, Change):
            earlier, _ = variant_value(variant, data, org_unit, str(condition.base))
            base_value = earlier if isinstance(earlier, Fraction) else None
        if milestone.each_criterion is not None:
            criteria = tuple(
                (str(s), data.resolve(s, org_unit, str(period)).value) for s in variant.criteria
            )
    baseline = _baseline(variant, data, org_unit, period)
    verdict = judge(
        target,
        period,
        value,
        better=variant.indicator.better,
        attribute_value=attribute_value,
        base_value=base_value,
        criteria=criteria,
        baseline=baseline,
        method=method,
        missing_reason=reason,
    )
    if base is None and milestone is not None and isinstance(milestone.condition, Change):
        base = milestone.condition.base
    changes = _changes(variant, data, org_unit, period, value, base) if with_changes else ()
    return CaseResult(
        spec=spec.id,
        goal=goal,
        target=target,
        variant=variant,
        org_unit=org_unit,
        period=period,
        value=value,
        reason=reason,
        inputs=inputs,
        verdict=verdict,
        changes=changes,
        attribute_value=attribute_value,
        method=PROGRESS_METHODS.get(method, method),
    )


def _baseline(
    variant: Variant, data: _Data, org_unit: str, period: Period
) -> tuple[Period, Fraction] | None:
    """The earliest earlier value of the same kind of period, if any."""
    texts = data.periods(org_unit)
    earlier = sorted(
        p
        for p in (parse_period(t) for t in texts)
        if p.kind is period.kind and p < period and not p.overlaps(period)
    )
    for candidate in earlier:
        value, _ = variant_value(variant, data, org_unit, str(candidate))
        if isinstance(value, Fraction):
            return candidate, value
    return None


def _scope(data: _Data, org_unit: str) -> list[str]:
    if data.tree is None or org_unit not in data.tree:
        return [org_unit]
    return [org_unit, *(u.code for u in data.tree.descendants(org_unit))]
