"""The columnar engine: every target, org unit and period at once, written against Narwhals.

Steps (each a handful of dataframe operations, whatever the number of rows):

1. series: observation rows matched to the series the targets need (one join);
2. the org-unit tree: from the deepest level up, an org unit without its own row gets the sum of
   its children (counts and amounts; ``aggregation: none`` items are never summed);
3. a wide table (one row per org unit and period, one column per series), on which every
   indicator's formula is one expression; ratios are recomputed from summed numerators and
   denominators, a zero denominator gives null with its reason;
4. verdicts: the milestone of each target and period is looked up once (a small schedule table),
   comparisons run column-wise; a value within 1e-9 (relative) of a threshold is settled by the
   exact single-case path, so floating point never flips a verdict;
5. progress, change and roll-ups, column-wise.

Units never appear here: the factor of each indicator (e.g. 100 for a ratio in percent) was
derived once, when the spec loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import attrs
import narwhals as nw

from ._plan import (
    COMPARISONS,
    PlanNode,
    PlanOp,
    PlanShare,
    Series,
    SeriesRef,
    Variant,
    variants_for,
)
from .assessment import PROGRESS_METHODS, _first_due, _wants_higher, milestone_for
from .formulas import Number
from .observations import Observations
from .orgunits import OrgUnitTree
from .periods import Period, parse_period
from .spec import (
    Aggregation,
    Change,
    ChangeKind,
    Comparison,
    ComparisonOp,
    Direction,
    Spec,
    Target,
)


@attrs.frozen(kw_only=True)
class ColumnarResult:
    """What the columnar engine computed."""

    table: nw.DataFrame[Any]
    near: list[tuple[str, str, str]]
    """(target, org unit, period) of values within ``EPSILON`` of a threshold."""
    resolved: nw.DataFrame[Any]
    """Exact series values up the tree: ``org_unit``, ``period``, ``sid``, ``num``, ``scale``."""
    sids: dict[Series, str]
    shares: bool = False
    """Whether some formula counts org units (``share``), which the lookup cannot settle."""

    def sum_lookup(self) -> Callable[[str, str, Series], Fraction | None]:
        """Exact value of a series for an org unit and period, loading one series at a time."""
        loaded: dict[str, dict[tuple[str, str], tuple[int, int]]] = {}

        def lookup(org_unit: str, period: str, series: Series) -> Fraction | None:
            sid = self.sids.get(series)
            if sid is None:
                return None
            if sid not in loaded:
                rows = self.resolved.filter(nw.col("sid") == sid).select(
                    "org_unit", "period", "num", "scale"
                )
                loaded[sid] = {
                    (unit, when): (num, scale) for unit, when, num, scale in rows.iter_rows()
                }
            found = loaded[sid].get((org_unit, period))
            return None if found is None else Fraction(int(found[0]), int(found[1]))

        return lookup

    def exact_values(
        self, needs: set[tuple[str, Series]]
    ) -> dict[tuple[str, str, Series], tuple[int, int]]:
        """Exact values, as (numerator, scale), of some (org unit, series) pairs, every period."""
        by_sid = {sid: series for series, sid in self.sids.items()}
        wanted = nw.from_dict(
            {"org_unit": [u for u, _ in needs], "sid": [self.sids[s] for _, s in needs]},
            schema={"org_unit": nw.String, "sid": nw.String},
            backend=self.resolved.implementation,
        )
        rows = self.resolved.join(wanted, on=["org_unit", "sid"], how="semi")
        return {
            (unit, period, by_sid[sid]): (num, scale)
            for unit, period, sid, num, scale in rows.select(
                "org_unit", "period", "sid", "num", "scale"
            ).iter_rows()
        }


EPSILON = 1e-9
"""Relative distance to a threshold under which the exact path decides."""

_OPS = {
    ComparisonOp.AT_LEAST: ">=",
    ComparisonOp.MORE_THAN: ">",
    ComparisonOp.AT_MOST: "<=",
    ComparisonOp.LESS_THAN: "<",
    ComparisonOp.EQUALS: "==",
    ComparisonOp.ABOUT: "about",
    ComparisonOp.BETWEEN: "between",
}


class _Compiler:
    """Formula plans to Narwhals expressions over the wide table."""

    def __init__(self, sids: dict[Series, str], shares: dict[PlanShare, str]) -> None:
        self.sids = sids
        self.shares = shares

    def value(self, node: PlanNode) -> nw.Expr:
        if isinstance(node, Number):
            return nw.lit(float(node.value))
        if isinstance(node, SeriesRef):
            return nw.col(self.sids[node.series])
        if isinstance(node, PlanShare):
            return nw.col(self.shares[node])
        ops = [self.value(o) for o in node.operands]
        kind = node.kind
        if kind == "+":
            return ops[0] + ops[1]
        if kind == "-":
            return ops[0] - ops[1]
        if kind == "*":
            return ops[0] * ops[1]
        if kind == "/":
            return nw.when(ops[1] != 0).then(ops[0] / ops[1])
        if kind == "neg":
            return -ops[0]
        if kind in ("min", "max"):
            combine = nw.min_horizontal if kind == "min" else nw.max_horizontal
            missing = nw.any_horizontal(*[o.is_null() for o in ops], ignore_nulls=False)
            return nw.when(~missing).then(combine(*ops))
        if kind in ("not", "and", "or"):
            conditions = [self.condition(o) for o in node.operands]
            if kind == "not":
                return ~conditions[0]
            if kind == "and":
                return nw.all_horizontal(*conditions, ignore_nulls=False)
            return nw.any_horizontal(*conditions, ignore_nulls=False)
        result: nw.Expr = COMPARISONS[kind](*ops)
        return result

    def condition(self, node: PlanNode) -> nw.Expr:
        """A condition: comparisons as they are, yes/no data items (1 = yes) compared with 1."""
        if isinstance(node, SeriesRef):
            return self.value(node) == 1
        return self.value(node)

    def reason(self, node: PlanNode) -> nw.Expr:
        """Why a value is null: the first missing input or zero denominator."""
        reasons = list(self._reasons(node))
        if not reasons:
            return nw.lit(None, dtype=nw.String)
        return nw.coalesce(*reasons) if len(reasons) > 1 else reasons[0]

    def _reasons(self, node: PlanNode) -> list[nw.Expr]:
        if isinstance(node, SeriesRef):
            return [
                nw.when(nw.col(self.sids[node.series]).is_null()).then(
                    nw.lit(f"no data for {node.series}")
                )
            ]
        if isinstance(node, PlanShare):
            return [
                nw.when(nw.col(self.shares[node]).is_null()).then(
                    nw.lit(f"no {node.level} to count (zero denominator)")
                )
            ]
        if isinstance(node, PlanOp):
            result = [r for o in node.operands for r in self._reasons(o)]
            if node.kind == "/":
                result.append(
                    nw.when(self.value(node.operands[1]) == 0).then(
                        nw.lit(f"zero denominator: {node.text} = 0")
                    )
                )
            return result
        return []


def _shares(node: PlanNode, found: dict[PlanShare, str]) -> None:
    if isinstance(node, PlanShare):
        found.setdefault(node, f"shr{len(found)}")
        _shares(node.condition, found)
        if node.among is not None:
            _shares(node.among, found)
    elif isinstance(node, PlanOp):
        for operand in node.operands:
            _shares(operand, found)


def _frame(data: dict[str, list[Any]], schema: dict[str, Any], backend: Any) -> nw.DataFrame[Any]:
    return nw.from_dict(data, schema=schema, backend=backend)


def _units_table(tree: OrgUnitTree, backend: Any) -> nw.DataFrame[Any]:
    depth: dict[str, int] = {}
    for unit in tree:
        depth[unit.code] = len(tree.ancestors(unit.code))
    return _frame(
        {
            "org_unit": [u.code for u in tree],
            "parent": [u.parent for u in tree],
            "depth": [depth[u.code] for u in tree],
            "level": [u.level for u in tree],
        },
        {"org_unit": nw.String, "parent": nw.String, "depth": nw.Int64, "level": nw.String},
        backend,
    )


def _resolved_series(
    spec: Spec,
    obs: Observations,
    series: Sequence[Series],
    sids: dict[Series, str],
    tree: OrgUnitTree | None,
    backend: Any,
) -> nw.DataFrame[Any]:
    """(org_unit, period, sid, num) for every series, summed up the tree."""
    table = nw.from_native(obs.table, eager_only=True)
    breakdowns = list(obs.breakdowns)
    blank = "\x00total"
    keys: dict[str, list[Any]] = {"data_item": [], "sid": [], "scale": []}
    for b in breakdowns:
        keys[b] = []
    for s in series:
        keys["data_item"].append(s.item)
        keys["sid"].append(sids[s])
        keys["scale"].append(10 ** obs.scales.get(s.item, 0))
        selector = dict(s.selector)
        for b in breakdowns:
            keys[b].append(selector.get(b, blank))
    schema = {
        "data_item": nw.String,
        "sid": nw.String,
        "scale": nw.Int64,
        **dict.fromkeys(breakdowns, nw.String),
    }
    wanted = _frame(keys, schema, backend)
    rows = (
        table.with_columns(*[nw.col(b).fill_null(blank) for b in breakdowns])
        .join(wanted, on=["data_item", *breakdowns], how="inner")
        .select("org_unit", "period", "sid", "num", "scale")
        .with_columns(nw.lit(True).alias("complete"))
    )
    if tree is None:
        return rows
    summable = [
        sids[s] for s in series if spec.data_item(s.item).aggregation is not Aggregation.NONE
    ]
    units = _units_table(tree, backend)
    resolved = rows
    for depth in range(int(units["depth"].max() or 0), 0, -1):
        at_depth = units.filter(nw.col("depth") == depth).select("org_unit", "parent")
        children = resolved.filter(nw.col("sid").is_in(summable)).join(
            at_depth, on="org_unit", how="inner"
        )
        # a sum is complete when every child that reports this series in some period reported
        # it in this period, completely
        expected = children.group_by("parent", "sid").agg(
            nw.col("org_unit").n_unique().alias("expected")
        )
        sums = (
            children.group_by("parent", "period", "sid")
            .agg(
                nw.col("num").sum(),
                nw.col("scale").first(),
                nw.col("org_unit").n_unique().alias("n"),
                nw.col("complete").all().alias("all_complete"),
            )
            .join(expected, on=["parent", "sid"], how="inner")
            .with_columns(
                (nw.col("all_complete") & (nw.col("n") == nw.col("expected"))).alias("complete")
            )
            .rename({"parent": "org_unit"})
        )
        new = sums.join(resolved, on=["org_unit", "period", "sid"], how="anti")
        resolved = nw.concat([resolved, new.select(resolved.columns)])
    return resolved


def evaluate_table(
    spec: Spec,
    obs: Observations,
    tree: OrgUnitTree | None,
    targets: tuple[Target, ...],
    *,
    method: str = "linear",
    base: Period | None = None,
) -> ColumnarResult:
    """Values, verdicts and changes for every target, org unit and period.

    Returns the result table, the (target, org unit, period) keys that lie within ``EPSILON``
    of a threshold, which the caller settles exactly, and the exact integer series values
    summed up the tree, from which it can.
    """
    native = nw.from_native(obs.table, eager_only=True)
    backend = native.implementation
    variants = variants_for(spec, targets)
    series: dict[Series, None] = {}
    shares: dict[PlanShare, str] = {}
    for variant in variants.values():
        for s in variant.series():
            series.setdefault(s)
        _shares(variant.root, shares)
    sids = {s: f"s{i}" for i, s in enumerate(series)}
    resolved = _resolved_series(spec, obs, list(series), sids, tree, backend)
    values = resolved.with_columns((nw.col("num") / nw.col("scale")).alias("value"))
    if values.shape[0]:
        wide = values.pivot(on="sid", index=["org_unit", "period"], values="value")
        partial = (
            values.filter(~nw.col("complete"))
            .with_columns(nw.concat_str(nw.lit("p"), nw.col("sid")).alias("psid"))
            .with_columns(nw.lit(True).alias("flag"))
        )
        if partial.shape[0]:
            flags = partial.pivot(on="psid", index=["org_unit", "period"], values="flag")
            wide = wide.join(flags, on=["org_unit", "period"], how="left")
    else:
        wide = _frame(
            {"org_unit": [], "period": []}, {"org_unit": nw.String, "period": nw.String}, backend
        )
    missing_cols = [sid for sid in sids.values() if sid not in wide.columns]
    wide = wide.with_columns(*[nw.lit(None, dtype=nw.Float64).alias(c) for c in missing_cols])
    missing_flags = [f"p{sid}" for sid in sids.values() if f"p{sid}" not in wide.columns]
    wide = wide.with_columns(*[nw.lit(None, dtype=nw.Boolean).alias(c) for c in missing_flags])
    if tree is not None:  # every org unit of the tree is reported, with or without data
        periods = native.select("period").unique()
        codes = _frame({"org_unit": [u.code for u in tree]}, {"org_unit": nw.String}, backend)
        grid = codes.join(periods, how="cross")
        wide = grid.join(wide, on=["org_unit", "period"], how="left")
    compiler = _Compiler(sids, shares)
    if shares:
        wide = _add_shares(wide, shares, compiler, tree, backend)
    # --- one row per target, org unit and period
    per_target = []
    for goal, target in spec.targets():
        if target not in targets:
            continue
        variant = variants[(target.indicator, target.breakdown)]
        factor = float(variant.indicator.factor)
        is_bool = variant.indicator.unit == "boolean"
        value = compiler.value(variant.root)
        value = value.cast(nw.Float64) if is_bool else value * factor
        criteria = [nw.col(sids[c]) for c in variant.criteria]
        per_target.append(
            wide.select(
                nw.lit(goal.id).alias("goal"),
                nw.lit(target.id).alias("target"),
                nw.lit(variant.indicator.id).alias("indicator"),
                "org_unit",
                "period",
                value.alias("value"),
                compiler.reason(variant.root).alias("reason"),
                nw.any_horizontal(
                    *[nw.col(f"p{sids[s]}").fill_null(False) for s in variant.series()],
                    ignore_nulls=True,
                ).alias("partial"),
                *[c.alias(f"crit{i}") for i, c in enumerate(criteria)],
                nw.lit(len(criteria)).alias("n_crit"),
            )
            .with_columns(
                *[
                    nw.lit(None, dtype=nw.Float64).alias(f"crit{i}")
                    for i in range(len(criteria), _max_criteria(variants))
                ]
            )
            .select(
                "goal",
                "target",
                "indicator",
                "org_unit",
                "period",
                "value",
                "reason",
                "partial",
                *[f"crit{i}" for i in range(_max_criteria(variants))],
                "n_crit",
            )
        )
    results = nw.concat(per_target) if per_target else None
    if results is None:
        return ColumnarResult(table=_empty(backend), near=[], resolved=resolved, sids=sids)
    results = results.with_columns(
        nw.when(nw.col("value").is_null()).then(nw.col("reason")).alias("reason")
    )
    table, near = _judge(spec, results, targets, tree, method, base, backend)
    return ColumnarResult(table=table, near=near, resolved=resolved, sids=sids, shares=bool(shares))


def _max_criteria(variants: dict[Any, Variant]) -> int:
    return max((len(v.criteria) for v in variants.values()), default=0)


def _add_shares(
    wide: nw.DataFrame[Any],
    shares: dict[PlanShare, str],
    compiler: _Compiler,
    tree: OrgUnitTree | None,
    backend: Any,
) -> nw.DataFrame[Any]:
    if tree is None:
        return wide.with_columns(
            *[nw.lit(None, dtype=nw.Float64).alias(c) for c in shares.values()]
        )
    pairs: dict[str, list[str]] = {"org_unit": [], "ancestor": [], "level": []}
    for unit in tree:
        for ancestor in (unit, *tree.ancestors(unit.code)):
            pairs["org_unit"].append(unit.code)
            pairs["ancestor"].append(ancestor.code)
            pairs["level"].append(unit.level)
    links = _frame(pairs, dict.fromkeys(pairs, nw.String), backend)
    for share, column in shares.items():
        condition = compiler.condition(share.condition)
        among = compiler.condition(share.among) if share.among is not None else nw.lit(True)
        flags = wide.select(
            "org_unit", "period", among.alias("among"), condition.alias("meets")
        ).filter((nw.col("among") == True) & ~nw.col("meets").is_null())  # noqa: E712 - null-safe
        counts = (
            flags.join(links.filter(nw.col("level") == share.level), on="org_unit")
            .group_by("ancestor", "period")
            .agg(nw.col("meets").cast(nw.Int64).sum().alias("n"), nw.len().alias("d"))
            .select(
                nw.col("ancestor").alias("org_unit"),
                "period",
                (nw.col("n") / nw.col("d")).alias(column),
            )
        )
        wide = wide.join(counts, on=["org_unit", "period"], how="left")
    return wide


def _empty(backend: Any) -> nw.DataFrame[Any]:
    return _frame({c: [] for c in RESULT_COLUMNS}, dict(RESULT_COLUMNS), backend)


RESULT_COLUMNS: dict[str, Any] = {
    "goal": nw.String,
    "target": nw.String,
    "indicator": nw.String,
    "org_unit": nw.String,
    "period": nw.String,
    "value": nw.Float64,
    "reason": nw.String,
    "partial": nw.Boolean,
    "status": nw.String,
    "due": nw.Boolean,
    "milestone": nw.Int64,
    "threshold": nw.Float64,
    "expected": nw.Float64,
    "progress_ratio": nw.Float64,
    "baseline_period": nw.String,
    "previous_period": nw.String,
    "previous_value": nw.Float64,
    "change_previous": nw.Float64,
    "change_previous_pct": nw.Float64,
    "previous_year_period": nw.String,
    "previous_year_value": nw.Float64,
    "change_previous_year": nw.Float64,
    "change_previous_year_pct": nw.Float64,
    "base_period": nw.String,
    "base_value": nw.Float64,
    "change_base": nw.Float64,
    "change_base_pct": nw.Float64,
    "annual_rate_pct": nw.Float64,
    "attainment_pct": nw.Float64,
    "margin": nw.Float64,
    "method": nw.String,
}


def _schedule(
    targets: tuple[Target, ...],
    periods: list[Period],
    tree: OrgUnitTree | None,
    method: str,
    base: Period | None,
    backend: Any,
    spec: Spec,
) -> nw.DataFrame[Any]:
    """One row per target, period (and attribute value): the milestone and its numbers."""
    rows: dict[str, list[Any]] = {k: [] for k in SCHEDULE}
    attribute_values: dict[str, list[str]] = {}
    for target in targets:
        better = spec.indicator(target.indicator).better
        for period in periods:
            milestone, due = milestone_for(target, period)
            variants: list[tuple[str | None, Any]] = [(None, None)]
            if (
                milestone is not None
                and isinstance(milestone.condition, Comparison)
                and milestone.condition.threshold.attribute is not None
            ):
                name = milestone.condition.threshold.attribute
                if name not in attribute_values:
                    attribute_values[name] = sorted(
                        {u.attribute(name) or "" for u in tree} if tree else set()
                    )
                variants = [(value or None, name) for value in attribute_values[name]] or [
                    (None, name)
                ]
            for attribute_value, attribute in variants:
                row = _schedule_row(
                    target,
                    period,
                    milestone,
                    due,
                    attribute_value,
                    attribute,
                    better,
                    base,
                    targets,
                )
                for key in SCHEDULE:
                    rows[key].append(row.get(key))
    return _frame(rows, SCHEDULE, backend)


SCHEDULE: dict[str, Any] = {
    "target": nw.String,
    "period": nw.String,
    "milestone": nw.Int64,
    "due": nw.Boolean,
    "op": nw.String,
    "t": nw.Float64,
    "u": nw.Float64,
    "tol": nw.Float64,
    "kind": nw.String,
    "direction": nw.String,
    "amount": nw.Float64,
    "change_base": nw.String,
    "attribute": nw.String,
    "attribute_value": nw.String,
    "each_op": nw.String,
    "each_t": nw.Float64,
    "higher": nw.Boolean,
    "goal_end": nw.Int64,
    "end": nw.Int64,
    "period_kind": nw.String,
    "previous_period": nw.String,
    "previous_year_period": nw.String,
    "base_period": nw.String,
}


def _f(value: Fraction | bool | None) -> float | None:
    if value is None:
        return None
    return float(value)


def _schedule_row(
    target: Target,
    period: Period,
    milestone: Any,
    due: bool,
    attribute_value: str | None,
    attribute: str | None,
    better: Any,
    base: Period | None,
    targets: tuple[Target, ...],
) -> dict[str, Any]:
    previous_year = period.same_period_previous_year()
    row: dict[str, Any] = {
        "target": target.id,
        "period": str(period),
        "end": period.last + 1,
        "period_kind": period.kind.value,
        "previous_period": str(period.previous()),
        "previous_year_period": None if previous_year == period.previous() else str(previous_year),
        "base_period": str(base) if base is not None else None,
        "attribute": attribute,
        "attribute_value": attribute_value,
    }
    if milestone is None:
        return row
    row["milestone"] = target.milestones_at(period).index(milestone)
    row["due"] = due
    row["higher"] = _wants_higher(milestone, better)
    row["goal_end"] = _first_due(milestone).last + 1
    condition = milestone.condition
    if isinstance(condition, Change):
        row["kind"] = condition.kind.value
        row["direction"] = condition.direction.value
        row["amount"] = float(condition.amount)
        row["change_base"] = str(condition.base)
        if base is None:
            row["base_period"] = str(condition.base)
    else:
        row["op"] = _OPS[condition.op]
        threshold = condition.threshold.for_attribute(attribute_value)
        row["t"] = _f(threshold)
        if condition.upper is not None:
            row["u"] = _f(condition.upper.for_attribute(attribute_value))
        row["tol"] = _f(condition.tolerance)
    if milestone.each_criterion is not None:
        row["each_op"] = _OPS[milestone.each_criterion.op]
        row["each_t"] = _f(milestone.each_criterion.threshold.value)
    return row


def _by_op(column: str, cases: dict[str, nw.Expr], default: nw.Expr) -> nw.Expr:
    result = default
    for op, expr in cases.items():
        result = nw.when(nw.col(column) == op).then(expr).otherwise(result)
    return result


def _near(a: nw.Expr, b: nw.Expr) -> nw.Expr:
    scale = nw.max_horizontal(b.abs(), nw.lit(1.0))
    return ((a - b).abs() <= scale * EPSILON).fill_null(False)


def _judge(
    spec: Spec,
    results: nw.DataFrame[Any],
    targets: tuple[Target, ...],
    tree: OrgUnitTree | None,
    method: str,
    base: Period | None,
    backend: Any,
) -> tuple[nw.DataFrame[Any], list[tuple[str, str, str]]]:
    periods = sorted({parse_period(p) for p in results["period"].unique().to_list()})
    schedule = _schedule(targets, periods, tree, method, base, backend, spec)
    # attribute values of org units, for attribute-dependent thresholds
    attributes = sorted(set(schedule["attribute"].drop_nulls().unique().to_list()))
    joined = results.join(
        schedule.filter(nw.col("attribute").is_null()).drop("attribute", "attribute_value"),
        on=["target", "period"],
        how="inner",
    )
    if attributes and tree is not None:
        data: dict[str, list[Any]] = {"org_unit": [], "attribute": [], "attribute_value": []}
        for unit in tree:
            for name in attributes:
                data["org_unit"].append(unit.code)
                data["attribute"].append(name)
                data["attribute_value"].append(unit.attribute(name))
        unit_attrs = _frame(data, dict.fromkeys(data, nw.String), backend)
        dependent = schedule.filter(~nw.col("attribute").is_null())
        with_attr = (
            results.join(unit_attrs, on="org_unit", how="inner")
            .join(dependent, on=["target", "period", "attribute", "attribute_value"], how="inner")
            .drop("attribute", "attribute_value")
        )
        joined = nw.concat([joined, with_attr.select(joined.columns)])
    # base values (change milestones and requested base) and earlier periods
    lookup = results.select("target", "org_unit", "period", "value")
    for prefix, column in (
        ("base", "base_period"),
        ("previous", "previous_period"),
        ("previous_year", "previous_year_period"),
    ):
        joined = joined.join(
            lookup.rename({"period": column, "value": f"{prefix}_value"}),
            on=["target", "org_unit", column],
            how="left",
        )
    # baseline for progress: the earliest value of the same kind of period
    firsts = (
        joined.filter(~nw.col("value").is_null())
        .group_by("target", "org_unit", "period_kind")
        .agg(nw.col("end").min().alias("baseline_end"))
    )
    baseline = (
        joined.join(firsts, on=["target", "org_unit", "period_kind"])
        .filter(nw.col("end") == nw.col("baseline_end"))
        .select(
            "target",
            "org_unit",
            "period_kind",
            "baseline_end",
            nw.col("period").alias("baseline_period"),
            nw.col("value").alias("baseline_value"),
        )
    )
    joined = joined.join(baseline, on=["target", "org_unit", "period_kind"], how="left")
    v = nw.col("value")
    is_change = ~nw.col("kind").is_null()
    sign = nw.when(nw.col("direction") == "increase").then(nw.lit(1.0)).otherwise(nw.lit(-1.0))
    goal_change = (
        nw.when(nw.col("kind") == ChangeKind.RELATIVE.value)
        .then(nw.col("base_value") * (1 + sign * nw.col("amount")))
        .otherwise(nw.col("base_value") + sign * nw.col("amount"))
    )
    goal = (
        nw.when(is_change)
        .then(goal_change)
        .otherwise(
            nw.when(nw.col("op") == "between")
            .then((nw.col("t") + nw.col("u")) / 2)
            .otherwise(nw.col("t"))
        )
    )
    joined = joined.with_columns(goal.alias("goal_value"))
    g = nw.col("goal_value")
    met_change = (
        nw.when(nw.col("direction") == Direction.INCREASE.value).then(v >= g).otherwise(v <= g)
    )
    t, u, tol = nw.col("t"), nw.col("u"), nw.col("tol")
    met_comparison = _by_op(
        "op",
        {
            ">=": v >= t,
            ">": v > t,
            "<=": v <= t,
            "<": v < t,
            "==": v == t,
            "about": (v - t).abs() <= tol,
        },
        (v >= t) & (v <= u),
    )
    near_due = (
        nw.when(is_change)
        .then(_near(v, g))
        .otherwise(
            _near(v, t)
            | _near(v, u)
            | (nw.when(nw.col("op") == "about").then(_near((v - t).abs(), tol)).otherwise(False))
        )
    )
    criteria = sorted(c for c in joined.columns if c.startswith("crit"))
    each_ok: nw.Expr = nw.lit(True)
    each_missing: nw.Expr = nw.lit(False)
    for index, c in enumerate(criteria):
        col, limit = nw.col(c), nw.col("each_t")
        ok = _by_op(
            "each_op",
            {">=": col >= limit, ">": col > limit, "<=": col <= limit, "<": col < limit},
            nw.lit(True),
        )
        applies = ~nw.col("each_op").is_null() & (nw.col("n_crit") > index)
        each_ok = each_ok & nw.when(applies & ~col.is_null()).then(ok).otherwise(True)
        each_missing = each_missing | (applies & col.is_null())
    has_baseline = ~nw.col("baseline_end").is_null() & (nw.col("baseline_end") < nw.col("end"))
    b0, t0 = nw.col("baseline_value"), nw.col("baseline_end")
    expected = b0 + (g - b0) * (nw.col("end") - t0) / (nw.col("goal_end") - t0)
    higher = nw.col("higher")
    linear_ok = (
        nw.when(has_baseline)
        .then(nw.when(higher).then(v >= expected).otherwise(v <= expected))
        .otherwise(nw.when(higher).then(v >= g).otherwise(v <= g))
    )
    near_linear = nw.when(has_baseline).then(_near(v, expected)).otherwise(_near(v, g))
    if method == "cagr":
        years_o = (nw.col("end") - t0) / 12
        years_r = (nw.col("goal_end") - t0) / 12
        # as Open SDG does (and the exact path): a zero base or goal becomes 0.001
        start = nw.when(b0 == 0).then(nw.lit(0.001)).otherwise(b0)
        aim = nw.when(g == 0).then(nw.lit(0.001)).otherwise(g)
        cagr_o = ((v / start) ** (1 / years_o)) - 1
        cagr_r = ((aim / start) ** (1 / years_r)) - 1
        direction = nw.when(higher).then(nw.lit(1.0)).otherwise(nw.lit(-1.0))
        sign = nw.when(start < 0).then(nw.lit(-1.0)).otherwise(nw.lit(1.0))
        ratio: nw.Expr = nw.when(has_baseline & ~nw.col("due")).then(
            sign * direction * cagr_o / cagr_r.abs()
        )
        meets = nw.when(higher).then(v >= g).otherwise(v <= g)
        progress_ok = meets | (has_baseline & (ratio >= 0.95)).fill_null(False)
        near_progress = (
            _near(v, g)
            | _near(ratio, nw.lit(0.95))
            | (b0 <= 0).fill_null(False)
            | (g <= 0).fill_null(False)
            | (v <= 0).fill_null(False)
        )
    else:
        ratio = nw.lit(None, dtype=nw.Float64)
        progress_ok = linear_ok
        near_progress = near_linear
    is_bool_target = (nw.col("op") == "==").fill_null(False)  # null for change milestones
    status = (
        nw.when(nw.col("milestone").is_null())
        .then(nw.lit("not_applicable"))
        .otherwise(
            nw.when(v.is_null())
            .then(nw.lit("no_data"))
            .otherwise(
                nw.when(is_change & nw.col("base_value").is_null())
                .then(nw.lit("no_data"))
                .otherwise(
                    nw.when((~is_change & nw.col("t").is_null()) | (nw.col("due") & each_missing))
                    .then(nw.lit("no_data"))
                    .otherwise(
                        nw.when(nw.col("due"))
                        .then(
                            nw.when(
                                nw.when(is_change).then(met_change).otherwise(met_comparison)
                                & each_ok
                            )
                            .then(nw.lit("achieved"))
                            .otherwise(nw.lit("not_achieved"))
                        )
                        .otherwise(
                            nw.when(is_bool_target)
                            .then(
                                nw.when(v == t)
                                .then(nw.lit("on_track"))
                                .otherwise(nw.lit("off_track"))
                            )
                            .otherwise(
                                nw.when(progress_ok)
                                .then(nw.lit("on_track"))
                                .otherwise(nw.lit("off_track"))
                            )
                        )
                    )
                )
            )
        )
    )
    reason = (
        nw.when(nw.col("milestone").is_null())
        .then(nw.lit("no milestone due or ahead"))
        .otherwise(
            nw.when(v.is_null())
            .then(nw.col("reason"))
            .otherwise(
                nw.when(is_change & nw.col("base_value").is_null())
                .then(nw.lit("no value at the base period ") + nw.col("change_base"))
                .otherwise(
                    nw.when(~is_change & nw.col("t").is_null())
                    .then(nw.lit("no threshold for this org unit's attribute value"))
                    .otherwise(
                        nw.when(nw.col("due") & each_missing)
                        .then(nw.lit("no value for a criterion"))
                        .otherwise(nw.lit(None, dtype=nw.String))
                    )
                )
            )
        )
    )
    near = (~v.is_null()) & nw.when(nw.col("due")).then(near_due).otherwise(
        ~is_bool_target & near_progress
    )
    out = joined.with_columns(
        status.alias("status"),
        reason.alias("reason"),
        near.fill_null(False).alias("near"),
        nw.when(nw.col("due") | nw.col("milestone").is_null())
        .then(nw.when(nw.col("kind").is_null()).then(nw.col("t")).otherwise(g))
        .otherwise(g)
        .alias("threshold"),
        nw.when(~nw.col("due") & has_baseline & (method != "cagr"))
        .then(expected)
        .alias("expected"),
        ratio.alias("progress_ratio"),
        nw.when(has_baseline).then(nw.col("baseline_period")).alias("baseline_period"),
        (v - nw.col("previous_value")).alias("change_previous"),
        _relative(v, nw.col("previous_value")).alias("change_previous_pct"),
        (v - nw.col("previous_year_value")).alias("change_previous_year"),
        _relative(v, nw.col("previous_year_value")).alias("change_previous_year_pct"),
        (v - nw.col("base_value")).alias("change_base"),
        _relative(v, nw.col("base_value")).alias("change_base_pct"),
        nw.lit(PROGRESS_METHODS.get(method, method)).alias("method"),
        nw.when(nw.col("op").is_in([">=", ">"]) & (nw.col("t") > 0))
        .then(v / nw.col("t") * 100)
        .alias("attainment_pct"),
        nw.when(~nw.col("t").is_null() & ~nw.col("op").is_in(["=="]))
        .then(v - nw.col("t"))
        .otherwise(nw.when(is_change).then(v - g))
        .alias("margin"),
    )
    out = _annual_rate(out)
    near_keys = [
        tuple(r)
        for r in out.filter(nw.col("near")).select("target", "org_unit", "period").iter_rows()
    ]
    return out.select(*RESULT_COLUMNS), near_keys


def _relative(value: nw.Expr, earlier: nw.Expr) -> nw.Expr:
    """Change in percent of the earlier value (null when it is zero)."""
    return nw.when(earlier != 0).then((value - earlier) / earlier.abs() * 100)


def _annual_rate(out: nw.DataFrame[Any]) -> nw.DataFrame[Any]:
    periods = {p: parse_period(p) for p in out["base_period"].drop_nulls().unique().to_list()}
    ends = {p: q.last + 1 for p, q in periods.items()}
    out = out.with_columns(
        nw.col("base_period")
        .replace_strict(ends, default=None, return_dtype=nw.Int64)
        .alias("base_end")
    )
    v, b = nw.col("value"), nw.col("base_value")
    years = (nw.col("end") - nw.col("base_end")) / 12
    rate = nw.when((years >= 1) & (v > 0) & (b > 0)).then(((v / b) ** (1 / years) - 1) * 100)
    return out.with_columns(rate.alias("annual_rate_pct"))
